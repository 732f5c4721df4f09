//! Exercise: a small `du`, walking a tree with `read_dir` recursion.
//!
//! Task: fill `disk_usage` so it walks the tree under `root` (Go's
//! `filepath.Walk`) and counts directories (including `root`), regular files,
//! symbolic links, and the apparent size in bytes of the regular files.
//! Do not follow symbolic links (use `symlink_metadata` / `file_type`), and
//! count a file with several hard links once (key: device and inode number).
//! Goal: the tests in `tests/exercises.rs` (mod disk_usage) pass.
//! Time: about 20 minutes. Check: `cargo run -- exercises ch05`.

use std::io;
use std::path::Path;

/// What `disk_usage` found under a directory.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Usage {
    pub dirs: u64,
    pub files: u64,
    pub symlinks: u64,
    /// Sum of `len()` of the regular files, each inode counted once.
    pub bytes: u64,
}

/// Walk `root` and add up what is in it.
pub fn disk_usage(root: &Path) -> io::Result<Usage> {
    let _ = root;
    todo!("recurse with fs::read_dir; remember (dev, ino) pairs in a HashSet")
}
