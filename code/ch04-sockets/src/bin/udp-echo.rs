//! UDP echo: a server thread answers each datagram with the same bytes; a
//! client sends a few. No connect, no accept, no handshake: every datagram
//! carries its own address.
//!
//! Run: cargo run -p ch04-sockets --bin udp-echo
//! Flags: --port P (server port, default 0 = any free port), --count N
//! (datagrams to send, default 3; the server stops after answering them).
//! Look for: the server learns the client's address from each datagram.

use std::net::UdpSocket;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ch04_sockets::args::Args;

const USAGE: &str = "\
usage: udp-echo [--port P] [--count N]
A UDP echo server thread and a client that sends it a few datagrams.
  --port P   server port (default 0 = any free port)
  --count N  datagrams to send (default 3; the server stops after them)
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "count="])?;
    let port: u16 = args.get("port", 0)?;
    let count: usize = args.get("count", 3)?;
    // ANCHOR: server
    // socket(AF_INET, SOCK_DGRAM) + bind(2). No listen, no accept.
    let server = UdpSocket::bind(("127.0.0.1", port)).map_err(|e| format!("bind 127.0.0.1:{port}: {e}"))?;
    let addr = server.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    println!("server on {}", addr.ip()); // the port varies from run to run
    let echo = thread::spawn(move || -> std::io::Result<()> {
        let mut buf = [0u8; 1500];
        for _ in 0..count {
            // recvfrom(2): one datagram, and who sent it.
            let (n, from) = server.recv_from(&mut buf)?;
            server.send_to(&buf[..n], from)?; // sendto(2) back to that address
        }
        Ok(())
    });
    // ANCHOR_END: server
    // ANCHOR: client
    let client = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind client: {e}"))?;
    // On UDP, connect(2) sends nothing: it only fixes the default peer, so
    // send/recv work without an address and datagrams from others are dropped.
    client.connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
    // A lost datagram is never resent: without a timeout, recv would wait forever.
    client.set_read_timeout(Some(Duration::from_secs(2))).map_err(|e| format!("SO_RCVTIMEO: {e}"))?;
    let mut buf = [0u8; 1500];
    for i in 1..=count {
        let msg = format!("datagram {i}");
        client.send(msg.as_bytes()).map_err(|e| format!("send to {addr}: {e}"))?;
        let n = client.recv(&mut buf).map_err(|e| format!("recv from {addr}: {e}"))?;
        println!("sent {msg:?}, got back {:?}", String::from_utf8_lossy(&buf[..n]));
    }
    // ANCHOR_END: client
    echo.join().map_err(|_| "the echo thread panicked".to_string())?.map_err(|e| format!("echo server: {e}"))?;
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
            eprintln!("udp-echo: {e}");
            ExitCode::FAILURE
        }
    }
}
