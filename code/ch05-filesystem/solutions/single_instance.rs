//! Solution: a single-instance guard with `flock(2)`.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

/// Holds the lock while it lives; the kernel drops it when the fd closes,
/// even if the process is killed.
pub struct InstanceGuard {
    pub lock: Flock<fs::File>,
}

impl InstanceGuard {
    /// `Ok(Some(guard))` if we are the only instance, `Ok(None)` if not.
    pub fn acquire(lock_path: &Path) -> io::Result<Option<InstanceGuard>> {
        // No truncate here: we may not own the lock yet.
        let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(lock_path)?;
        let mut lock = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => lock,
            Err((_, Errno::EWOULDBLOCK)) => return Ok(None),
            Err((_, errno)) => return Err(errno.into()),
        };
        lock.set_len(0)?;
        writeln!(*lock, "{}", std::process::id())?;
        lock.sync_data()?;
        Ok(Some(InstanceGuard { lock }))
    }
}

/// The pid written in the lock file, if there is one.
pub fn holder_pid(lock_path: &Path) -> io::Result<Option<u32>> {
    let text = fs::read_to_string(lock_path)?;
    Ok(text.trim().parse().ok())
}
