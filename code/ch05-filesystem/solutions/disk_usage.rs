//! Solution: a small `du`, walking a tree with `read_dir` recursion.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
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
    let mut usage = Usage::default();
    let mut seen = HashSet::new();
    walk(root, &mut usage, &mut seen)?;
    Ok(usage)
}

fn walk(path: &Path, usage: &mut Usage, seen: &mut HashSet<(u64, u64)>) -> io::Result<()> {
    // lstat(2): about the link itself, never what it points to.
    let meta = fs::symlink_metadata(path)?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        usage.symlinks += 1;
    } else if kind.is_dir() {
        usage.dirs += 1;
        for entry in fs::read_dir(path)? {
            walk(&entry?.path(), usage, seen)?;
        }
    } else if kind.is_file() {
        usage.files += 1;
        if seen.insert((meta.dev(), meta.ino())) {
            usage.bytes += meta.len();
        }
    }
    Ok(())
}
