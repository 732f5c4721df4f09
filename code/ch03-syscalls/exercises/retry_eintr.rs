//! Exercise: retry a system call while it fails with EINTR.
//!
//! Task: `retry_eintr(op)` calls `op` again each time it returns an error of
//! kind `io::ErrorKind::Interrupted` (that is EINTR), and returns the first
//! success or any other error unchanged.
//! Goal: the tests in `tests/exercises.rs` (module `retry_eintr`) pass.
//! Time: about 10 minutes. Check with: cargo run -- exercises ch03

use std::io;

/// Calls `op` until it returns anything but an `Interrupted` error (EINTR).
pub fn retry_eintr<T>(op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let _ = op;
    todo!("loop while op() fails with ErrorKind::Interrupted")
}
