//! Where `print!` output waits: the `LineWriter` inside `Stdout`.
//!
//! Three `print!`s without a newline make no system call at all; the bytes
//! sit in the buffer of the process-wide `Stdout` until a newline or a
//! `flush()` sends them to the kernel in one `write(2)`. Each `println!` ends a
//! line, so it is written at once: Rust's `Stdout` is line-buffered whether fd 1
//! is a terminal, a pipe or a file.
//!
//! Run it:    cargo run -p ch01-io-traits --bin intro-print-buffering
//! Watch it:  cargo build -p ch01-io-traits --bin intro-print-buffering &&
//!            strace -e trace=write ./target/debug/intro-print-buffering | cat > /dev/null
//!
//! What to look for: four `write(1, …)` calls for six output calls (seven words) —
//! `"one two three "` in one call, then one call per line, then two lines in one.

use std::io::{self, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: intro-print-buffering
Seven words in six print!/println!/write_all calls; under strace -e trace=write
they make four write(2) calls (Stdout is line-buffered). Takes no arguments.
";

fn run() -> io::Result<()> {
    // ANCHOR: three
    print!("one ");
    print!("two ");
    print!("three "); // still no write(2): the bytes wait in Stdout's buffer
    io::stdout().flush()?; // now one write(2) carries all three
    // ANCHOR_END: three
    // ANCHOR: lines
    println!("four"); // a newline: the line goes out at once
    println!("five"); // and so does this one: one write(2) per println!
    // ANCHOR_END: lines
    // ANCHOR: two_lines
    let mut out = io::stdout().lock(); // take the lock once for several writes
    out.write_all(b"six\nseven\n")?; // one write(2): everything up to the last newline
    // ANCHOR_END: two_lines
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("intro-print-buffering: flushing stdout: {e}");
            ExitCode::FAILURE
        }
    }
}
