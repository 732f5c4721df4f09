//! A durable, atomic replace of a file: write a temp file, fsync it, rename
//! it over the old name, fsync the directory.
//!
//! Run: cargo run -p ch05-filesystem --bin durable-write [-- DIR]
//! Watch it: strace -e trace=openat,write,fsync,rename target/debug/durable-write DIR

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

// ANCHOR: durable
fn durable_replace(dir: &Path, name: &str, data: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let target = dir.join(name);

    // 1. The new contents under a temporary name in the SAME directory
    //    (same file system, so step 3 can be a rename).
    let mut file = File::create(&tmp)?;
    file.write_all(data)?; // lands in the page cache only

    // 2. fsync(2): the data and the inode reach the disk before the name does.
    file.sync_all()?;
    drop(file);

    // 3. rename(2): readers see the old file or the new one, never half.
    fs::rename(&tmp, &target)?;

    // 4. fsync the directory: the rename is a change to the directory's
    //    contents, and it is only durable once the directory is flushed.
    File::open(dir)?.sync_all()?;
    Ok(())
}
// ANCHOR_END: durable

fn run() -> io::Result<()> {
    let (dir, _guard) = ch05_filesystem::scratch_dir(std::env::args().nth(1))?;
    fs::write(dir.join("config.txt"), "version 1\n")?;
    durable_replace(&dir, "config.txt", b"version 2\n")
        .map_err(|e| io::Error::new(e.kind(), format!("replacing config.txt in {}: {e}", dir.display())))?;
    let names: Vec<_> = fs::read_dir(&dir)?.flatten().map(|e| e.file_name()).collect();
    println!("config.txt = {:?}; files in the directory: {names:?}", fs::read_to_string(dir.join("config.txt"))?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("durable-write: {e}");
        std::process::exit(1);
    }
}
