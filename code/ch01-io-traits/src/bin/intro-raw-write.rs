//! Skip `Stdout` and call `write(2)` on file descriptor 1 yourself.
//!
//! `nix::unistd::write` is a thin wrapper over the C library's `write`, which
//! makes the system call. It may write fewer bytes than asked (a "short
//! write": on a non-blocking descriptor, when a signal arrives after part of
//! the data went in, on a full disk; a *blocking* pipe or terminal waits for
//! room instead, see `short-write` in chapter 1) or fail with `EINTR` when a
//! signal interrupts it before anything was written. `write_all_fd` below
//! handles both, the way std's `Write::write_all` and Go's
//! `internal/poll.FD.Write` do.
//!
//! Run it:    cargo run -p ch01-io-traits --bin intro-raw-write
//! Watch it:  cargo build -p ch01-io-traits --bin intro-raw-write &&
//!            strace -e trace=write ./target/debug/intro-raw-write
//!
//! What to look for: the same single `write(1, "hello\n", 6)` as `println!`
//! makes, with no buffer and no lock in between.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::process::ExitCode;

use nix::errno::Errno;
use nix::unistd;

const USAGE: &str = "usage: intro-raw-write
Writes \"hello\" with write(2) on fd 1 itself (nix::unistd::write), going on after
short writes and EINTR, with no Stdout buffer or lock. Takes no arguments.
";

// ANCHOR: write_all_fd
/// Writes all of `buf` to `fd`: continues after a short write, retries after
/// `EINTR`, and gives up on any other error (as `Write::write_all` does).
fn write_all_fd(fd: BorrowedFd<'_>, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match unistd::write(fd, buf) {
            // write(2): 0 bytes for a non-empty buffer means "cannot take more".
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..], // a short write: go on with the rest
            Err(Errno::EINTR) => continue, // a signal came first: try again
            Err(e) => return Err(e.into()), // nix's Errno converts to io::Error
        }
    }
    Ok(())
}
// ANCHOR_END: write_all_fd

// ANCHOR: run
fn run() -> io::Result<()> {
    let stdout = io::stdout();
    // `as_fd` borrows the descriptor without touching Stdout's buffer or lock.
    let fd = stdout.as_fd();
    assert_eq!(fd.as_raw_fd(), 1); // standard output is always fd 1
    write_all_fd(fd, b"hello\n")
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
            eprintln!("intro-raw-write: write(2) to fd 1: {e}");
            ExitCode::FAILURE
        }
    }
}
