//! Files and directories: `OpenOptions` (Go's `os.OpenFile` flags), create,
//! append, truncate, `create_new`, `create_dir_all`, `rename`, remove.
//!
//! Run: cargo run -p ch05-filesystem --bin files-basics [-- DIR]
//! Works in DIR, or in a fresh temp dir it removes at the end. Look at how
//! the contents of `log.txt` change after each way of opening it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

const USAGE: &str = "\
usage: files-basics [DIR]
Opens log.txt with create+truncate, append, write without truncate and
create_new, showing its contents after each; then create_dir_all, rename and
removes. DIR: where to work (created if missing); default a temp dir, removed.
";

fn show(path: &Path) -> io::Result<()> {
    let mut text = String::new();
    File::open(path)?.read_to_string(&mut text)?;
    println!("  {} = {:?}", path.file_name().unwrap_or_default().to_string_lossy(), text);
    Ok(())
}

fn run() -> io::Result<()> {
    let arg = std::env::args().nth(1);
    if let Some(flag) = arg.as_deref().filter(|a| a.starts_with('-')) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let (dir, _guard) = ch05_filesystem::scratch_dir(arg)?;
    let log = dir.join("log.txt");

    // ANCHOR: open
    // O_WRONLY|O_CREAT|O_TRUNC, mode 0o666 & !umask: what File::create does.
    let mut f = OpenOptions::new().write(true).create(true).truncate(true).open(&log)?;
    f.write_all(b"first\n")?;
    println!("create + truncate:");
    show(&log)?;

    // O_WRONLY|O_APPEND: every write goes to the end, atomically positioned.
    let mut f = OpenOptions::new().append(true).open(&log)?;
    f.write_all(b"second\n")?;
    println!("append:");
    show(&log)?;

    // O_WRONLY without O_TRUNC: overwrite in place from offset 0.
    let mut f = OpenOptions::new().write(true).open(&log)?;
    f.write_all(b"FIRST")?;
    println!("write, no truncate:");
    show(&log)?;

    // O_CREAT|O_EXCL: fail if the name exists (lock files, "create once").
    let err = OpenOptions::new().write(true).create_new(true).open(&log).unwrap_err();
    println!("create_new on an existing file: {:?} ({err})", err.kind());
    // ANCHOR_END: open

    // ANCHOR: dirs
    // mkdir -p: every missing parent, and no error if it all exists.
    let deep = dir.join("a/b/c");
    fs::create_dir_all(&deep)?;
    fs::create_dir_all(&deep)?;
    println!("create_dir_all a/b/c twice: ok");

    // rename(2): one atomic step; the target name is replaced if it exists.
    fs::write(deep.join("new.txt"), "new contents\n")?;
    fs::rename(&log, deep.join("new.txt"))?;
    println!("after rename log.txt -> a/b/c/new.txt:");
    show(&deep.join("new.txt"))?;
    println!("  log.txt still exists: {}", log.exists());

    // unlink(2), rmdir(2), and rm -r.
    fs::remove_file(deep.join("new.txt"))?;
    fs::remove_dir(&deep)?;
    let err = fs::remove_dir(dir.join("a")).unwrap_err();
    println!("remove_dir on a non-empty dir: {:?}", err.kind());
    fs::remove_dir_all(dir.join("a"))?;
    println!("remove_dir_all a: ok, {} entries left", fs::read_dir(&dir)?.count());
    // ANCHOR_END: dirs
    Ok(())
}

fn main() {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    if let Err(e) = run() {
        eprintln!("files-basics: {e}");
        std::process::exit(1);
    }
}
