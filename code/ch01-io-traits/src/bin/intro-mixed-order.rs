//! The buffer lives in your process: a raw `write(2)` overtakes `print!`.
//!
//! `print!` without a newline leaves its text in `Stdout`'s buffer, in this
//! process's memory. A direct `write(2)` on fd 1 goes to the kernel at once,
//! so it reaches the terminal first, although the program wrote it second.
//! This is why mixing buffered and unbuffered writes to one fd needs a
//! `flush()` in between.
//!
//! Run it:    cargo run -p ch01-io-traits --bin intro-mixed-order
//!
//! What to look for: the line marked "2" is printed before the line marked "1".

use std::io::{self, Write};
use std::os::fd::AsFd;
use std::process::ExitCode;

use nix::unistd;

const USAGE: &str = "usage: intro-mixed-order
A print! without a newline, then a raw write(2) to fd 1: the second line comes
out first, because the first waited in Stdout's buffer. Takes no arguments.
";

// ANCHOR: run
fn run() -> io::Result<()> {
    print!("1: print! (waited in Stdout's buffer)"); // no newline: buffered
    // write(2) straight to fd 1, past the buffer. A blocking terminal, pipe
    // or file takes all 29 bytes in one call; only a non-blocking fd, a signal
    // or a full disk could cut it short, and then we say so.
    let raw = b"2: write(2) straight to fd 1\n";
    let n = unistd::write(io::stdout().as_fd(), raw)?;
    if n != raw.len() {
        return Err(io::Error::other(format!("short write: {n} of {} bytes", raw.len())));
    }
    println!(); // the newline flushes line 1, after line 2
    io::stdout().flush()
}
// ANCHOR_END: run

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("intro-mixed-order: writing to fd 1: {e}");
            ExitCode::FAILURE
        }
    }
}
