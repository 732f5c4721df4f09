//! Solution: retry a system call while it fails with EINTR.

use std::io;

// ANCHOR: solution
/// Calls `op` until it returns anything but an `Interrupted` error (EINTR):
/// a signal handler ran while the call was blocked, nothing went wrong.
pub fn retry_eintr<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
// ANCHOR_END: solution
