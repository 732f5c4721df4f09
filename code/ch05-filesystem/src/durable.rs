//! The durable replace of chapter 5, the one copy of it: `durable-write`, the
//! bench and the crash tests all call these functions.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

// ANCHOR: durable
/// Replace `path` with `data`: a crash at any moment leaves the old contents
/// or the new, never a mix, and once this returns `Ok` the new contents
/// survive a power cut.
pub fn durable_replace(path: &Path, data: &[u8]) -> io::Result<()> {
    durable_replace_steps(path, data, &mut |_step| {})
}

/// The same, calling `after(step)` as each step completes; the crash test
/// kills the process there.
pub fn durable_replace_steps(path: &Path, data: &[u8], after: &mut dyn FnMut(&str)) -> io::Result<()> {
    // A symlink is followed, as open(2) would: renaming over the link itself
    // would put a regular file in its place and leave its target unchanged.
    // A dangling link is an error (NotFound) from realpath(3).
    let resolved;
    let path = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            resolved = fs::canonicalize(path)?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| io::Error::new(ErrorKind::InvalidInput, "no file name"))?;
    // The old file's permission bits; a new file would get 0o666 & !umask.
    let perms = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };

    // 1. The new contents under a temporary name in the SAME directory
    //    (same file system, so step 3 can be a rename), a name no one else
    //    is using: create_new is O_CREAT|O_EXCL.
    let (tmp, mut file) = create_temp(dir, name)?;
    after("create");
    let written = (|| {
        file.write_all(data)?; // lands in the page cache only
        after("write");
        if let Some(perms) = perms {
            file.set_permissions(perms)?; // fchmod(2)
        }
        // 2. fsync(2): the data and the inode reach the disk before the name does.
        file.sync_all()?;
        after("fsync");
        // 3. rename(2): readers see the old file or the new one, never half.
        fs::rename(&tmp, path)
    })();
    drop(file);
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp); // ours: create_new made it
        return Err(e);
    }
    after("rename");

    // 4. fsync the directory: the rename is a change to the directory's
    //    contents, and it is only durable once the directory is flushed.
    File::open(dir)?.sync_all()?;
    after("fsync-dir");
    Ok(())
}

/// Create `.NAME.N.tmp` in `dir` for the first N that is free.
fn create_temp(dir: &Path, name: &OsStr) -> io::Result<(PathBuf, File)> {
    for n in 0..1000 {
        let mut tmp = std::ffi::OsString::from(".");
        tmp.push(name);
        tmp.push(format!(".{n}.tmp"));
        let tmp = dir.join(tmp);
        match File::options().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue, // someone else's
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(ErrorKind::AlreadyExists, format!("no free temporary name for {name:?}")))
}
// ANCHOR_END: durable
