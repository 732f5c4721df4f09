//! `metadata`: size, mode, inode, link count and times; hard links share an
//! inode, a symbolic link is a small file holding a path.
//!
//! Run: cargo run -p ch05-filesystem --bin inodes [-- DIR]
//! Compare with `ls -li` in the same directory.

use std::fs;
use std::io;
use std::os::unix::fs::{symlink, MetadataExt};

const USAGE: &str = "\
usage: inodes [DIR]
Shows a file's metadata (size, mode, nlink, times), a hard link sharing its
inode and a symlink holding its path; compare with `ls -li DIR`.
DIR: where to make the files (created if missing); default a temp dir, removed.
";

fn run() -> io::Result<()> {
    let arg = std::env::args().nth(1);
    if let Some(flag) = arg.as_deref().filter(|a| a.starts_with('-')) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let (dir, _guard) = ch05_filesystem::scratch_dir(arg)?;
    let original = dir.join("original.txt");
    fs::write(&original, "twelve bytes")?;

    // ANCHOR: metadata
    let meta = fs::metadata(&original)?; // std calls statx(2) (stat(2) on old kernels)
    println!("size {} bytes, mode {:o}, nlink {}", meta.len(), meta.mode(), meta.nlink());
    println!("is_file {}, is_dir {}, readonly {}", meta.is_file(), meta.is_dir(), meta.permissions().readonly());
    // The times change from run to run; print how old the file is instead.
    let age = meta.modified()?.elapsed().unwrap_or_default();
    println!("modified {} s ago; mtime, atime, ctime after the epoch: {}", age.as_secs(), meta.mtime() > 0 && meta.atime() > 0 && meta.ctime() > 0);
    // ANCHOR_END: metadata

    // ANCHOR: links
    let hard = dir.join("hard.txt");
    let soft = dir.join("soft.txt");
    fs::hard_link(&original, &hard)?; // link(2): a second name, same inode
    symlink("original.txt", &soft)?; // symlink(2): a new inode holding a path

    let (o, h) = (fs::metadata(&original)?, fs::metadata(&hard)?);
    println!("hard link: same inode {}, nlink now {}", o.ino() == h.ino(), o.nlink());
    let link = fs::symlink_metadata(&soft)?; // lstat(2): the link itself
    let target = fs::metadata(&soft)?; // stat(2) follows the link
    println!(
        "symlink: own inode {}, is_symlink {}, size {} (the path's length), points to {:?}",
        link.ino() != o.ino(),
        link.file_type().is_symlink(),
        link.len(),
        fs::read_link(&soft)?
    );
    println!("followed: same inode as original {}", target.ino() == o.ino());

    // Removing a name only decrements nlink; the data lives while a name
    // (or an open fd) refers to the inode.
    fs::remove_file(&original)?;
    println!("after rm original.txt: hard.txt nlink {}, reads {:?}", fs::metadata(&hard)?.nlink(), fs::read_to_string(&hard)?);
    println!("soft.txt now dangles: {:?}", fs::metadata(&soft).map_err(|e| e.kind()).err());
    // ANCHOR_END: links
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("inodes: {e}");
        std::process::exit(1);
    }
}
