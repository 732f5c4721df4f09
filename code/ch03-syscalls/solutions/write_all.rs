//! Solution: write all of a buffer, handling partial writes and EINTR.

use std::io;
use std::os::fd::BorrowedFd;

// ANCHOR: solution
/// Writes all of `buf` with `write`, a function with write(2)'s contract: it
/// may write fewer bytes than asked, or fail with EINTR having written none.
pub fn write_all_with(mut write: impl FnMut(&[u8]) -> io::Result<usize>, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match write(buf) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::WriteZero, "write(2) returned 0")),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` to the file descriptor `fd` with write(2).
pub fn write_all_fd(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<()> {
    write_all_with(|b| nix::unistd::write(fd, b).map_err(io::Error::from), buf)
}
// ANCHOR_END: solution
