//! Exercise: write all of a buffer, handling partial writes and EINTR.
//!
//! Task: write(2) may write fewer bytes than asked (a non-blocking pipe or
//! socket that fills up, a signal caught after part of the data went out, a
//! full disk; a blocking pipe write, though, waits for all of it) or fail
//! with EINTR. `write_all_with(write, buf)` calls
//! `write` until all of `buf` is written: after a short write, go on with the
//! rest; on `Interrupted`, try again; if `write` returns `Ok(0)`, fail with
//! `io::ErrorKind::WriteZero` (it would loop forever); return other errors.
//! `write_all_fd` does the same with nix::unistd::write on a real fd.
//! Goal: the tests in `tests/exercises.rs` (module `write_all`) pass.
//! Time: about 20 minutes. Check with: cargo run -- exercises ch03

use std::io;
use std::os::fd::BorrowedFd;

/// Writes all of `buf` with `write`, which behaves like write(2).
pub fn write_all_with(write: impl FnMut(&[u8]) -> io::Result<usize>, buf: &[u8]) -> io::Result<()> {
    let _ = (write, buf);
    todo!("loop until buf is empty")
}

/// Writes all of `buf` to the file descriptor `fd` with write(2).
pub fn write_all_fd(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    let _ = (fd, buf);
    todo!("call write_all_with with a closure around nix::unistd::write")
}
