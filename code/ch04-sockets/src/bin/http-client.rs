//! A client that sends several HTTP requests over ONE TCP connection, all at
//! once (pipelining), then reads the responses, which come back in order.
//!
//! Run: cargo run -p ch04-sockets --bin http-client
//!      (starts the chapter's server in a thread on a free port and talks to it)
//!  or: cargo run -p ch04-sockets --bin http-client -- --addr 127.0.0.1:8888
//! Look for: three responses on one connection; the gzip one is smaller on the
//! wire than the text it decodes to; the chunked one has no Content-Length.

use std::io::Write;
use std::net::TcpStream;
use std::process::ExitCode;
use std::thread;

use ch04_sockets::args::Args;
use ch04_sockets::http::{Config, ResponseReader, Server};

const USAGE: &str = "\
usage: http-client [--addr HOST:PORT]
Sends three pipelined HTTP requests over one TCP connection and prints the
responses (framing, encoding, bytes on the wire, body).
  --addr HOST:PORT   the server to ask (default: start the chapter's server
                     in a thread on a free port)
";

// ANCHOR: requests
/// Three requests, written back to back before reading anything.
const REQUESTS: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n\
GET /chunked?n=3 HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n\
GET /chunked?n=3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
// ANCHOR_END: requests

fn run() -> Result<(), String> {
    let args = Args::parse(&["addr="])?;
    let addr = match args.opt::<String>("addr")? {
        Some(a) => a,
        None => {
            // No server given: run the chapter's server here, quiet, until we are done.
            let config = Config { log: false, ..Config::default() };
            let server = Server::bind(0, config).map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
            let addr = server.local_addr().to_string();
            thread::spawn(move || server.run());
            addr
        }
    };
    // ANCHOR: pipeline
    let mut stream = TcpStream::connect(&addr).map_err(|e| format!("connecting to {addr}: {e}"))?;
    stream.write_all(REQUESTS).map_err(|e| format!("sending to {addr}: {e}"))?;
    let mut reader = ResponseReader::new(&stream);
    for i in 1..=3 {
        let resp = reader.read_response(false).map_err(|e| format!("reading response {i}: {e}"))?;
        let framing = match resp.header("content-length") {
            Some(n) => format!("Content-Length: {n}"),
            None => format!("Transfer-Encoding: {}", resp.header("transfer-encoding").unwrap_or("?")),
        };
        let encoding = resp.header("content-encoding").unwrap_or("identity");
        println!("response {i}: {} | {framing} | {encoding}, {} bytes on the wire", resp.status, resp.wire_body_len);
        print!("{}", String::from_utf8_lossy(&resp.body));
    }
    // ANCHOR_END: pipeline
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
            eprintln!("http-client: {e}");
            ExitCode::FAILURE
        }
    }
}
