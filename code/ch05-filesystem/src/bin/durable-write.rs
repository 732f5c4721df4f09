//! A durable, atomic replace of a file: write a temp file, fsync it, rename
//! it over the old name, fsync the directory (`ch05_filesystem::durable`).
//!
//! Run: cargo run -p ch05-filesystem --bin durable-write [-- DIR]
//! Watch it: strace -e trace=openat,write,fsync,rename target/debug/durable-write DIR
//!
//! `DIR/config.txt` gets `version 1` if it does not exist yet, then is
//! replaced by `version 2`. `--crash-after STEP` (create, write, fsync,
//! rename, fsync-dir) makes the process SIGKILL itself once that step is
//! done: the crash test (tests/durable.rs) runs it that way and checks that
//! config.txt is always whole.

use std::fs;
use std::io;

const USAGE: &str = "\
usage: durable-write [--crash-after create|write|fsync|rename|fsync-dir] [DIR]
Writes DIR/config.txt (`version 1` if missing), then replaces it durably by
`version 2`: temp file, fsync, rename, fsync of DIR. --crash-after STEP makes
it SIGKILL itself after that step. Default DIR: a temp dir, removed at the end.
";

fn run() -> io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return Ok(());
    }
    let crash_after = match args.iter().position(|a| a == "--crash-after") {
        Some(i) if i + 1 < args.len() => Some(args.drain(i..i + 2).nth(1).unwrap_or_default()),
        Some(_) => return Err(io::Error::new(io::ErrorKind::InvalidInput, "--crash-after needs a step")),
        None => None,
    };
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("unknown option {flag}; try --help")));
    }
    let (dir, _guard) = ch05_filesystem::scratch_dir(args.into_iter().next())?;
    let config = dir.join("config.txt");
    if !config.exists() {
        fs::write(&config, "version 1\n")?;
    }
    let mut after = |step: &str| {
        if crash_after.as_deref() == Some(step) {
            // kill(2) with SIGKILL: the process ends here, as in a crash.
            let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
        }
    };
    ch05_filesystem::durable_replace_steps(&config, b"version 2\n", &mut after)
        .map_err(|e| io::Error::new(e.kind(), format!("replacing {}: {e}", config.display())))?;
    let names: Vec<_> = fs::read_dir(&dir)?.flatten().map(|e| e.file_name()).collect();
    println!("config.txt = {:?}; files in the directory: {names:?}", fs::read_to_string(&config)?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("durable-write: {e}");
        std::process::exit(1);
    }
}
