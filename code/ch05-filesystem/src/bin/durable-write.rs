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

fn run() -> io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--help" || a == "-h") {
        println!("usage: durable-write [--crash-after create|write|fsync|rename|fsync-dir] [DIR]");
        return Ok(());
    }
    let crash_after = match args.iter().position(|a| a == "--crash-after") {
        Some(i) if i + 1 < args.len() => Some(args.drain(i..i + 2).nth(1).unwrap_or_default()),
        Some(_) => return Err(io::Error::new(io::ErrorKind::InvalidInput, "--crash-after needs a step")),
        None => None,
    };
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
