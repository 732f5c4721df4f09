//! `rename(2)` is atomic only within one file system: across two it fails
//! with `EXDEV`, and a "move" has to copy and delete.
//!
//! Run: cargo run -p ch05-filesystem --bin rename-across [-- DIR_A DIR_B]
//! By default it compares /dev/shm (a tmpfs) with the system temp dir.
//! Look at the st_dev numbers: different devices, different file systems
//! (equal ones do not promise a rename: two mounts of one file system share it).

use std::fs;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

const USAGE: &str = "\
usage: rename-across [DIR_A DIR_B]
Makes a file in a temp dir under DIR_A and moves it into one under DIR_B:
rename(2), or copy + remove when rename fails with EXDEV. Prints both st_dev.
Default: /dev/shm (a tmpfs) and the system temp dir.
";

// ANCHOR: exdev
/// Move `from` to `to`: rename if we can, copy + remove if the two names are
/// on different file systems, as `mv` does. Unlike GNU `mv`, it fsyncs the
/// copy and its directory before removing the original, so a power cut in
/// between cannot lose both names.
fn move_file(from: &Path, to: &Path) -> io::Result<&'static str> {
    match fs::rename(from, to) {
        Ok(()) => Ok("rename(2)"),
        Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
            println!("  rename failed: {e}");
            fs::copy(from, to)?;
            fs::File::open(to)?.sync_all()?; // the copy's data
            let dir = to.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            fs::File::open(dir)?.sync_all()?; // and its name
            fs::remove_file(from)?;
            Ok("copy + remove (not atomic!)")
        }
        Err(e) => Err(e),
    }
}
// ANCHOR_END: exdev

fn run() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (a, b) = match args.as_slice() {
        _ if args.iter().any(|a| a == "--help" || a == "-h") => {
            print!("{USAGE}");
            return Ok(());
        }
        [a, b] if !a.starts_with('-') && !b.starts_with('-') => (PathBuf::from(a), PathBuf::from(b)),
        [] => (PathBuf::from("/dev/shm"), std::env::temp_dir()),
        _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} (try --help)", USAGE.lines().next().unwrap_or_default()))),
    };
    let dir_a = tempfile::tempdir_in(&a).map_err(|e| io::Error::new(e.kind(), format!("temp dir in {}: {e}", a.display())))?;
    let dir_b = tempfile::tempdir_in(&b).map_err(|e| io::Error::new(e.kind(), format!("temp dir in {}: {e}", b.display())))?;
    let dev_a = fs::metadata(dir_a.path())?.dev();
    let dev_b = fs::metadata(dir_b.path())?.dev();
    println!("{}: st_dev {dev_a}", a.display());
    println!("{}: st_dev {dev_b}", b.display());
    if dev_a == dev_b {
        println!("same file system: rename should succeed, unless these are two mounts of it, e.g. a bind mount (try two other directories, see `stat -f`)");
    } else {
        println!("different file systems: rename will fail with EXDEV");
    }
    let from = dir_a.path().join("data.txt");
    fs::write(&from, "moving\n")?;
    let to = dir_b.path().join("data.txt");
    let how = move_file(&from, &to)?;
    println!("moved with {how}: {:?}", fs::read_to_string(&to)?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("rename-across: {e}");
        std::process::exit(1);
    }
}
