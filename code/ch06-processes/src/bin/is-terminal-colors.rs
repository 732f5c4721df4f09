//! Colour only when a person is watching: `IsTerminal` (Go: go-isatty)
//! asks the kernel whether stdout is a terminal (isatty(3), an ioctl(2)
//! TCGETS that only terminals answer), and we emit ANSI escape sequences
//! only then, unless NO_COLOR is set.
//!
//! Run: cargo run -p ch06-processes --bin is-terminal-colors
//!      cargo run -p ch06-processes --bin is-terminal-colors | cat -v
//! Look for: colours on the terminal; none (and no `^[[` codes) through the pipe.

use std::io::{self, IsTerminal, Write};

const USAGE: &str = "usage: is-terminal-colors
Says whether stdout and stdin are terminals (isatty(3)), then prints a line
in ANSI colours only if stdout is one and NO_COLOR is not set.
";

// ANCHOR: colors
// ANSI SGR sequences: ESC [ <n> m. 31 red, 34 blue, 47 white background,
// 4 underline, 0 reset. The terminal interprets them; a file just stores them.
const RED: &str = "\x1b[31m";
const BLUE_ON_WHITE_UNDERLINED: &str = "\x1b[34;47;4m";
const RESET: &str = "\x1b[0m";

fn main() -> io::Result<()> {
    // ANCHOR_END: colors
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    // ANCHOR: colors
    let stdout = io::stdout();
    // is_terminal(): isatty(1). Also honour the NO_COLOR convention (no-color.org).
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = |code: &'static str| if color { code } else { "" };
    let mut out = stdout.lock();
    writeln!(out, "stdout is a terminal: {}", io::stdout().is_terminal())?;
    writeln!(out, "stdin  is a terminal: {}", io::stdin().is_terminal())?;
    writeln!(
        out,
        "{}B{}e{} {}OS{}",
        paint(BLUE_ON_WHITE_UNDERLINED),
        paint(RED),
        paint(RESET),
        paint(RED),
        paint(RESET)
    )?;
    Ok(())
}
// ANCHOR_END: colors
