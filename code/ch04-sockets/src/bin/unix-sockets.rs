//! Unix domain sockets: a stream socket with a file name, a stale socket file
//! and how to remove it safely, and datagram sockets.
//!
//! Run: cargo run -p ch04-sockets --bin unix-sockets
//! Flags: --dir D (where to create the socket files; default: the current
//! directory). The files are removed before the program exits.
//! Look for: the socket file's type `s` (as `ls -l` shows it), the bind that
//! fails on a stale file, and datagram boundaries kept.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::thread;

use ch04_sockets::args::Args;

const USAGE: &str = "\
usage: unix-sockets [--dir D]
Unix domain sockets: a stream socket with a file name, a stale socket file
and how to remove it safely, and datagram sockets.
  --dir D   where to create the socket files (default: the current
            directory); they are removed before the program exits
";

/// The mode column of `ls -l`, for the file types we meet here.
fn ls_mode(path: &Path) -> std::io::Result<String> {
    let meta = fs::symlink_metadata(path)?; // lstat(2)
    let kind = if meta.file_type().is_socket() { 's' } else if meta.is_dir() { 'd' } else { '-' };
    let bits = meta.permissions().mode();
    let rwx: String = (0..9).map(|i| if bits & (1 << (8 - i)) != 0 { b"rwx"[i % 3] as char } else { '-' }).collect();
    Ok(format!("{kind}{rwx}"))
}

// ANCHOR: remove_stale
/// Removes `path` if it is a socket file left by an earlier run. Anything
/// else at that path is an error: never delete a user's regular file.
fn remove_stale_socket(path: &Path) -> Result<(), String> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("lstat {}: {e}", path.display())),
        Ok(m) if m.file_type().is_socket() => fs::remove_file(path).map_err(|e| format!("unlink {}: {e}", path.display())),
        Ok(_) => Err(format!("{} exists and is not a socket; not removing it", path.display())),
    }
}
// ANCHOR_END: remove_stale

fn run() -> Result<(), String> {
    let args = Args::parse(&["dir="])?;
    let dir: PathBuf = args.get("dir", PathBuf::from("."))?;
    let path = dir.join("echo.sock");
    remove_stale_socket(&path)?;

    // ANCHOR: stream
    // socket(AF_UNIX, SOCK_STREAM) + bind(2) creates the file + listen(2).
    let listener = UnixListener::bind(&path).map_err(|e| format!("bind {}: {e}", path.display()))?;
    println!("{} {}", ls_mode(&path).map_err(|e| format!("lstat: {e}"))?, path.file_name().unwrap_or_default().to_string_lossy());
    let server = thread::spawn(move || -> std::io::Result<()> {
        let (conn, _) = listener.accept()?;
        let mut line = String::new();
        BufReader::new(&conn).read_line(&mut line)?;
        (&conn).write_all(line.to_uppercase().as_bytes())?;
        Ok(())
        // `listener` is dropped here: the fd closes, the file stays.
    });
    let mut client = UnixStream::connect(&path).map_err(|e| format!("connect {}: {e}", path.display()))?;
    client.write_all(b"hello over a unix socket\n").map_err(|e| format!("write: {e}"))?;
    let mut answer = String::new();
    BufReader::new(&client).read_line(&mut answer).map_err(|e| format!("read: {e}"))?;
    print!("stream answer: {answer}");
    server.join().map_err(|_| "server thread panicked")?.map_err(|e| format!("server: {e}"))?;
    // ANCHOR_END: stream

    // ANCHOR: stale
    // The listener is closed but its file is still there.
    match UnixStream::connect(&path) {
        Ok(_) => println!("connect to the stale file: unexpectedly worked"),
        Err(e) => println!("connect to the stale file: {e}"),
    }
    match UnixListener::bind(&path) {
        Ok(_) => println!("bind over the stale file: unexpectedly worked"),
        Err(e) => println!("bind over the stale file: {e}"),
    }
    remove_stale_socket(&path)?;
    println!("after removing it, bind works: {}", UnixListener::bind(&path).is_ok());
    fs::remove_file(&path).map_err(|e| format!("unlink {}: {e}", path.display()))?;
    // ANCHOR_END: stale

    // ANCHOR: datagram
    // SOCK_DGRAM: message boundaries are kept, and on Unix sockets nothing is
    // lost or reordered (a full receive queue makes the sender wait instead).
    let (a, b) = UnixDatagram::pair().map_err(|e| format!("socketpair: {e}"))?;
    for msg in ["one", "two", "three"] {
        a.send(msg.as_bytes()).map_err(|e| format!("send: {e}"))?;
    }
    let mut buf = [0u8; 64];
    for _ in 0..3 {
        let n = b.recv(&mut buf).map_err(|e| format!("recv: {e}"))?;
        println!("datagram: {:?}", String::from_utf8_lossy(&buf[..n]));
    }
    // ANCHOR_END: datagram
    Ok(())
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("unix-sockets: {e}");
            ExitCode::FAILURE
        }
    }
}
