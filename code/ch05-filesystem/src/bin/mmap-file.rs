//! Memory-mapped files with memmap2: read a file as a byte slice, change it
//! in place through a writable map, and `flush` (msync(2)) it back.
//!
//! Run: cargo run -p ch05-filesystem --bin mmap-file [-- DIR]

use std::fs::{self, OpenOptions};
use std::io;

use memmap2::{Mmap, MmapMut};

const USAGE: &str = "\
usage: mmap-file [DIR]
Maps DIR/data.txt read-only and counts its lines, then maps it writable,
changes it with a memory store and flushes (msync) it back.
DIR: where to make the file (created if missing); default a temp dir, removed.
";

fn run() -> io::Result<()> {
    let arg = std::env::args().nth(1);
    if let Some(flag) = arg.as_deref().filter(|a| a.starts_with('-')) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let (dir, _guard) = ch05_filesystem::scratch_dir(arg)?;
    let path = dir.join("data.txt");
    fs::write(&path, "hello, mapped world\nsecond line\n")?;

    // ANCHOR: read
    let file = fs::File::open(&path)?;
    // SAFETY: mmap(2) of a file we just wrote. The map is only valid while
    // no one truncates or rewrites the file underneath us (another process
    // could, which is why this is unsafe); nothing does in this program.
    let map = unsafe { Mmap::map(&file)? };
    // The file's bytes are now memory: no read(2), no copy into a buffer.
    let lines = map.iter().filter(|&&b| b == b'\n').count();
    println!("mapped {} bytes, {lines} lines, starts with {:?}", map.len(), std::str::from_utf8(&map[..5]).unwrap_or("?"));
    // ANCHOR_END: read
    drop(map); // munmap(2): no read-only view stays alive while we write below

    // ANCHOR: write
    let file = OpenOptions::new().read(true).write(true).open(&path)?;
    // SAFETY: as above (the read-only map is gone); MAP_SHARED, so our
    // stores go to the page cache and are seen by every reader of the file.
    let mut map = unsafe { MmapMut::map_mut(&file)? };
    map[..5].copy_from_slice(b"HELLO"); // a plain memory store
    map.flush()?; // msync(MS_SYNC): write the dirty pages to the disk and wait
    println!("after the store and flush, read(2) sees {:?}", fs::read_to_string(&path)?.lines().next().unwrap_or(""));
    // ANCHOR_END: write
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("mmap-file: {e}");
        std::process::exit(1);
    }
}
