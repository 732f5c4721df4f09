//! Solution: replace a file atomically and durably, and clean up on failure.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Replace `path` with `data`: after a crash, readers see the old contents
/// or the new, never a mix; once this returns `Ok`, the new contents are on disk.
pub fn write_atomically(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{}: no file name", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = dir.join(tmp_name);

    // The old file's permission bits, if there is an old file.
    let old_mode = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };

    let result = (|| {
        // create_new: O_EXCL, so we never clobber someone else's temp file.
        let mut file = File::options().write(true).create_new(true).open(&tmp)?;
        file.write_all(data)?;
        if let Some(perms) = old_mode {
            file.set_permissions(perms)?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        // Best effort: the temp file may not exist (create failed) or may
        // already be renamed (only the directory fsync failed).
        let _ = fs::remove_file(&tmp);
    }
    result
}
