//! Walking a directory tree by hand (Go's `filepath.Walk`): `read_dir`
//! recursion, `file_type` from the directory entry, symlinks not followed.
//!
//! Run: cargo run -p ch05-filesystem --bin walk-tree [-- DIR]
//! Without DIR it builds a small tree in a temp dir and walks that.

use std::fs;
use std::io;
use std::os::unix::fs::symlink;
use std::path::Path;

const USAGE: &str = "\
usage: walk-tree [DIR]
Walks DIR with read_dir recursion, in name order, without following symlinks,
printing each entry and its type. Without DIR it builds a small tree (with a
symlink loop) in a temp dir and walks that.
";

// ANCHOR: walk
/// Call `visit(path, depth, kind)` for `dir` and everything below it, in
/// name order (read_dir itself returns names in on-disk order).
fn walk(dir: &Path, depth: usize, visit: &mut dyn FnMut(&Path, usize, &str)) -> io::Result<()> {
    let err = |e: io::Error| io::Error::new(e.kind(), format!("read_dir {}: {e}", dir.display()));
    // Keep (path, type), not the DirEntry: each std DirEntry holds an Arc of
    // the ReadDir, so a Vec<DirEntry> would keep this directory's descriptor
    // open while we recurse (one descriptor per level). The ReadDir, and with
    // it the descriptor, is dropped at the end of this statement.
    let mut entries = fs::read_dir(dir)
        .map_err(err)?
        // d_type from getdents64(2): no extra stat per entry on most file systems.
        .map(|entry| entry.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect::<io::Result<Vec<_>>>()
        .map_err(err)?;
    entries.sort_by(|a, b| a.0.cmp(&b.0)); // by path, so by name: all share the parent
    for (path, kind) in entries {
        if kind.is_symlink() {
            visit(&path, depth, "symlink"); // not followed: no loops, no escaping the tree
        } else if kind.is_dir() {
            visit(&path, depth, "dir");
            walk(&path, depth + 1, visit)?;
        } else {
            visit(&path, depth, "file");
        }
    }
    Ok(())
}
// ANCHOR_END: walk

fn run() -> io::Result<()> {
    let arg = std::env::args().nth(1);
    if let Some(flag) = arg.as_deref().filter(|a| a.starts_with('-')) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let (root, _guard) = ch05_filesystem::scratch_dir(arg)?;
    if _guard.is_some() {
        fs::create_dir_all(root.join("src/bin"))?;
        fs::create_dir_all(root.join("target"))?;
        fs::write(root.join("Cargo.toml"), "[package]\n")?;
        fs::write(root.join("src/lib.rs"), "// lib\n")?;
        fs::write(root.join("src/bin/main.rs"), "fn main() {}\n")?;
        symlink("..", root.join("src/up"))?; // a loop, if we followed it
    }
    let (mut files, mut dirs) = (0, 0);
    walk(&root, 0, &mut |path, depth, kind| {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("{}{name} ({kind})", "  ".repeat(depth));
        match kind {
            "dir" => dirs += 1,
            "file" => files += 1,
            _ => {}
        }
    })?;
    println!("{files} files, {dirs} directories");
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("walk-tree: {e}");
        std::process::exit(1);
    }
}
