//! Moving around in a file: `Seek` (lseek(2)), `FileExt::read_at` (pread(2)),
//! a generic function over `R: Read + Seek`, and `Drop` closing the file.
//!
//! Run it:  cargo run -p ch01-io-traits --bin seek-read-at -- [SCRATCH_FILE]
//!          (the scratch file, a temp file by default, is removed at the end)
//! Trace:   f=/tmp/seek-demo-$$; strace -P $f -e trace=lseek,pread64 ./target/debug/seek-read-at $f
//! Look for: read_at leaves the file position where it was; the same
//!           `tail` function works on a File and on an in-memory Cursor;
//!           "closing fd" appears when the value goes out of scope.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::FileExt;
use std::path::Path;

const USAGE: &str = "usage: seek-read-at [SCRATCH_FILE]
Writes 20 bytes to SCRATCH_FILE (a temp file by default; removed at the end) and
moves around in it: seek (lseek), read_at (pread), a generic tail(), Drop closing.
";

fn main() {
    match std::env::args_os().nth(1) {
        Some(a) if a == "--help" || a == "-h" => {
            print!("{USAGE}");
            return;
        }
        Some(a) if a.to_string_lossy().starts_with('-') => {
            eprintln!("seek-read-at: unknown option {a:?} (see --help)");
            std::process::exit(1);
        }
        _ => {}
    }
    if let Err(e) = run() {
        eprintln!("seek-read-at: {e}");
        std::process::exit(1);
    }
}

// ANCHOR: tail
/// The last `n` bytes of anything that can both read and seek.
/// `R: Read + Seek` is Go's composite interface io.ReadSeeker, as a bound.
fn tail<R: Read + Seek>(r: &mut R, n: u64) -> io::Result<Vec<u8>> {
    let len = r.seek(SeekFrom::End(0))?; // seeking to the end returns the length
    r.seek(SeekFrom::Start(len.saturating_sub(n)))?;
    let mut out = Vec::new();
    r.read_to_end(&mut out)?;
    Ok(out)
}
// ANCHOR_END: tail

// ANCHOR: drop
/// A File that says when it is closed. File's own Drop calls close(2) and
/// ignores its error; this wrapper only adds the message.
struct Logged(File);

impl Drop for Logged {
    fn drop(&mut self) {
        println!("closing fd {} (Drop runs at the end of the scope)", self.0.as_raw_fd());
    }
}
// ANCHOR_END: drop

fn run() -> io::Result<()> {
    let path = match std::env::args_os().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => std::env::temp_dir().join(format!("seek-read-at-{}.txt", std::process::id())),
    };
    let result = demo(&path);
    let _ = fs::remove_file(&path); // clean up, also after an error
    result
}

fn demo(path: &Path) -> io::Result<()> {
    let open = |e: io::Error| io::Error::new(e.kind(), format!("opening {}: {e}", path.display()));
    // ANCHOR: seek
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path).map_err(open)?;
    file.write_all(b"0123456789abcdefghij")?; // 20 bytes; the position is now 20

    let mut five = [0u8; 5];
    file.seek(SeekFrom::Start(10))?; // lseek(fd, 10, SEEK_SET)
    file.read_exact(&mut five)?;
    println!("Start(10)   -> {:?}", String::from_utf8_lossy(&five));
    file.seek(SeekFrom::Current(-8))?; // back 8 from 15: lseek(fd, -8, SEEK_CUR)
    file.read_exact(&mut five)?;
    println!("Current(-8) -> {:?}", String::from_utf8_lossy(&five));
    file.seek(SeekFrom::End(-5))?; // lseek(fd, -5, SEEK_END)
    file.read_exact(&mut five)?;
    println!("End(-5)     -> {:?}", String::from_utf8_lossy(&five));
    // ANCHOR_END: seek

    // ANCHOR: read_at
    file.seek(SeekFrom::Start(2))?;
    let mut three = [0u8; 3];
    let n = file.read_at(&mut three, 12)?; // pread(fd, buf, 3, 12): no seek
    println!("read_at(12) -> {:?}, position still {}", String::from_utf8_lossy(&three[..n]), file.stream_position()?);
    // ANCHOR_END: read_at

    // ANCHOR: generic
    println!("tail(File, 4)   = {:?}", String::from_utf8_lossy(&tail(&mut file, 4)?));
    let mut cursor = Cursor::new(b"in memory, seekable too".to_vec());
    println!("tail(Cursor, 8) = {:?}", String::from_utf8_lossy(&tail(&mut cursor, 8)?));
    // ANCHOR_END: generic

    // ANCHOR: scope
    {
        let logged = Logged(File::open(path).map_err(open)?);
        println!("opened fd {}", logged.0.as_raw_fd());
    } // <- drop(logged) here: no `defer f.Close()` to forget
    println!("after the scope");
    // ANCHOR_END: scope
    Ok(())
}
