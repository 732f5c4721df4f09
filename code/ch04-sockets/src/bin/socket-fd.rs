//! A socket is a file descriptor: bind, listen, connect and accept in one
//! thread, then look at the fds in /proc/self/fd and move bytes with plain
//! `read`/`write`.
//!
//! Run: cargo run -p ch04-sockets --bin socket-fd
//! Look for: three fds (listener, client end, server end) that /proc shows as
//! `socket:[inode]`, and the client's port seen from both ends.

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::ExitCode;

const USAGE: &str = "\
usage: socket-fd
Binds, listens, connects and accepts in one thread, shows the three socket
fds in /proc/self/fd, and moves bytes with plain read/write. No arguments.
";

fn describe(name: &str, fd: i32) -> String {
    // readlink(2) on /proc/self/fd/N names what the fd refers to.
    let target = fs::read_link(format!("/proc/self/fd/{fd}"))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|e| format!("readlink failed: {e}"));
    // The inode number differs on each run; keep only its shape.
    let shape = if target.starts_with("socket:[") { "socket:[inode]".to_string() } else { target };
    format!("{name:<8} fd {fd} -> {shape}")
}

fn run() -> Result<(), String> {
    // ANCHOR: main
    // socket(2) + bind(2) + listen(2): port 0 asks the kernel for a free port.
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind 127.0.0.1:0: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    // connect(2) returns once the kernel finished the handshake with the
    // listening socket; nobody has called accept yet.
    let mut client = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    // accept4(2) takes the finished connection off the listen queue: a new fd.
    let (mut server, peer) = listener.accept().map_err(|e| format!("accept on {addr}: {e}"))?;
    println!("{}", describe("listener", listener.as_raw_fd()));
    println!("{}", describe("client", client.as_raw_fd()));
    println!("{}", describe("server", server.as_raw_fd()));
    let client_port = client.local_addr().map_err(|e| format!("getsockname: {e}"))?.port();
    println!("accept saw the client's port: {}", client_port == peer.port());

    client.write_all(b"ping").map_err(|e| format!("write to server: {e}"))?;
    let mut buf = [0u8; 4];
    server.read_exact(&mut buf).map_err(|e| format!("read from client: {e}"))?;
    println!("server read {:?}", String::from_utf8_lossy(&buf));
    // ANCHOR_END: main
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
            eprintln!("socket-fd: {e}");
            ExitCode::FAILURE
        }
    }
}
