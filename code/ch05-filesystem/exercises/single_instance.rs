//! Exercise: a single-instance guard with `flock(2)`.
//!
//! Task: fill `InstanceGuard::acquire` so that it opens (creating if needed)
//! the lock file, tries an exclusive lock *without blocking*
//! (`nix::fcntl::Flock::lock` with `FlockArg::LockExclusiveNonblock`), and
//! - returns `Ok(None)` if another process (or another open of the same
//!   file) holds the lock (`EWOULDBLOCK`);
//! - otherwise truncates the file, writes its own pid and a newline into it,
//!   and returns a guard that keeps the lock until it is dropped.
//!
//! Fill `holder_pid` to read the pid back. Never delete the lock file: a
//! process that opened the old one would lock a file nobody else sees.
//! Goal: the tests in `tests/exercises.rs` (mod single_instance) pass.
//! Time: about 15 minutes. Check: `cargo run -- exercises ch05`.

use std::io;
use std::path::Path;

/// Holds the lock while it lives; the kernel drops it when the fd closes,
/// even if the process is killed.
pub struct InstanceGuard {
    pub lock: nix::fcntl::Flock<std::fs::File>,
}

impl InstanceGuard {
    /// `Ok(Some(guard))` if we are the only instance, `Ok(None)` if not.
    pub fn acquire(lock_path: &Path) -> io::Result<Option<InstanceGuard>> {
        let _ = lock_path;
        todo!("OpenOptions read+write+create, Flock::lock(.., LockExclusiveNonblock), set_len(0), write pid")
    }
}

/// The pid written in the lock file, if there is one.
pub fn holder_pid(lock_path: &Path) -> io::Result<Option<u32>> {
    let _ = lock_path;
    todo!("read_to_string, trim, parse")
}
