//! BROKEN ON PURPOSE: three ways to save a file that each skip part of the
//! durable recipe, so the crash tests can show what each skipped step costs.
//!
//! Run: cargo run -p ch05-filesystem --bin careless-save -- MODE DIR [--crash-after STEP]
//!
//! MODE is one of
//! - `in-place`: File::create (truncate) then write, in two halves; steps
//!   truncate, half, write. A crash after `truncate` leaves an empty file,
//!   after `half` a torn one.
//! - `no-fsync`: temp file + rename, no fsync at all; steps create, write, rename.
//! - `no-dir-fsync`: temp file + fsync + rename, no fsync of the directory;
//!   steps create, write, fsync, rename.
//!
//! Each replaces `DIR/config.txt` (written with `version 1` first if missing)
//! by `version 2`. A killed process cannot tell `no-fsync` from the full
//! recipe (the page cache survives it); a power cut can: see tests/durable.rs.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

const USAGE: &str = "\
usage: careless-save in-place|no-fsync|no-dir-fsync DIR [--crash-after STEP]
BROKEN ON PURPOSE: replaces DIR/config.txt by `version 2`, each MODE skipping
part of the durable recipe. --crash-after STEP makes it SIGKILL itself after
that step (in-place: truncate, half, write; the others: create, write, [fsync,] rename).
";

fn save(mode: &str, dir: &Path, data: &[u8], after: &mut dyn FnMut(&str)) -> io::Result<()> {
    let target = dir.join("config.txt");
    let tmp = dir.join(".config.txt.tmp");
    match mode {
        "in-place" => {
            let mut file = File::create(&target)?; // O_TRUNC: the old contents are gone now
            after("truncate");
            file.write_all(&data[..data.len() / 2])?;
            after("half");
            file.write_all(&data[data.len() / 2..])?;
            after("write");
        }
        "no-fsync" => {
            File::create(&tmp)?.write_all(data)?;
            after("create");
            after("write");
            fs::rename(&tmp, &target)?; // the name may reach the disk before the data
            after("rename");
        }
        "no-dir-fsync" => {
            let mut file = File::create(&tmp)?;
            after("create");
            file.write_all(data)?;
            after("write");
            file.sync_all()?;
            after("fsync");
            fs::rename(&tmp, &target)?; // in the page cache only: a power cut undoes it
            after("rename");
        }
        _ => return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown mode {mode:?}; try --help"))),
    }
    Ok(())
}

fn run() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    let (Some(mode), Some(dir)) = (args.first(), args.get(1)) else {
        let usage = USAGE.lines().next().unwrap_or_default();
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{usage} (try --help)")));
    };
    let crash_after = match args.get(2).map(String::as_str) {
        Some("--crash-after") => args.get(3).cloned(),
        _ => None,
    };
    let dir = Path::new(dir);
    if !dir.join("config.txt").exists() {
        fs::write(dir.join("config.txt"), "version 1\n")?;
    }
    let mut after = |step: &str| {
        if crash_after.as_deref() == Some(step) {
            // kill(2) with SIGKILL: the process ends here, as in a crash.
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        }
    };
    save(mode, dir, b"version 2\n", &mut after).map_err(|e| io::Error::new(e.kind(), format!("{mode} save in {}: {e}", dir.display())))?;
    println!("config.txt = {:?}", fs::read_to_string(dir.join("config.txt"))?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("careless-save: {e}");
        std::process::exit(1);
    }
}
