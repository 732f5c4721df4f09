//! Exercise: replace a file atomically and durably, and clean up on failure.
//!
//! Task: fill `write_atomically` so that it replaces `path` with `data` the
//! way editors and databases do: write a temporary file *in the same
//! directory*, `sync_all` it, `rename` it over `path`, then `sync_all` the
//! directory. Three more rules make it production-grade:
//! - if `path` already exists, the new file keeps its permission bits;
//! - on any error, the temporary file is removed and `path` is untouched;
//! - two writers at once (even two threads of one process) never share or
//!   delete each other's temporary file, and both succeed.
//!
//! Goal: the tests in `tests/exercises.rs` (mod atomic_write) pass.
//! Time: about 20 minutes. Check: `cargo run -- exercises ch05`.

use std::io;
use std::path::Path;

/// Replace `path` with `data`: after a crash, readers see the old contents
/// or the new, never a mix; once this returns `Ok`, the new contents are on disk.
pub fn write_atomically(path: &Path, data: &[u8]) -> io::Result<()> {
    let _ = (path, data);
    todo!("temp file in path.parent(), write_all, sync_all, set_permissions, rename, fsync the directory")
}
