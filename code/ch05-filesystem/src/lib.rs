//! Shared pieces of the chapter 5 examples: a scratch directory that cleans
//! up after itself, the durable write the chapter builds, and the exercise wiring.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The directory an example works in: the one named by its first argument,
/// or a fresh temporary one (removed when the returned guard is dropped).
pub fn scratch_dir(arg: Option<String>) -> io::Result<(PathBuf, Option<tempfile::TempDir>)> {
    match arg {
        Some(dir) => {
            fs::create_dir_all(&dir)?;
            Ok((PathBuf::from(dir), None))
        }
        None => {
            let tmp = tempfile::Builder::new().prefix("ch05-").tempdir()?;
            Ok((tmp.path().to_path_buf(), Some(tmp)))
        }
    }
}

/// Replace `path` with `data` so that after a crash the file holds either the
/// old contents or the new, never a mix, and the new contents survive a power
/// cut once this returns: write a temp file in the same directory, fsync it,
/// rename it over `path`, fsync the directory.
pub fn durable_write(path: &Path, data: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(tmp_name);

    let mut file = File::create(&tmp)?; // openat(O_WRONLY|O_CREAT|O_TRUNC)
    file.write_all(data)?; // write(2): into the page cache
    file.sync_all()?; // fsync(2): data and metadata to the disk
    drop(file);
    fs::rename(&tmp, path)?; // rename(2): atomic switch of the name
    File::open(dir)?.sync_all()?; // fsync(2) of the directory: the rename itself
    Ok(())
}

/// The reader's files, stubs until solved. Always compiled, so they must build.
#[path = "../exercises"]
pub mod exercises {
    pub mod atomic_write;
    pub mod disk_usage;
    pub mod single_instance;
}

/// Reference answers.
#[path = "../solutions"]
pub mod solutions {
    pub mod atomic_write;
    pub mod disk_usage;
    pub mod single_instance;
}

#[cfg(not(feature = "check-exercises"))]
pub use solutions as answers;
#[cfg(feature = "check-exercises")]
pub use exercises as answers;
