//! Shared pieces of the chapter 5 examples: a scratch directory that cleans
//! up after itself, the durable replace the chapter builds, and the exercise wiring.

use std::fs;
use std::io;
use std::path::PathBuf;

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

/// The durable replace (temp file, fsync, rename, fsync of the directory),
/// shown on the page "The page cache and a durable write".
#[path = "durable.rs"]
pub mod durable;
pub use durable::{durable_replace, durable_replace_steps};

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
