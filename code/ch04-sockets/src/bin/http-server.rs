//! The chapter's HTTP/1.1 server on a raw `TcpStream`: one thread per
//! connection, keep-alive with a read deadline, gzip when the client accepts
//! it, `Content-Length` and chunked bodies, pipelined requests answered in order.
//!
//! Run: cargo run -p ch04-sockets --bin http-server -- --port 8888
//! Then, in another terminal:
//!   curl -v --compressed http://127.0.0.1:8888/
//!   curl -v http://127.0.0.1:8888/ http://127.0.0.1:8888/chunked   (one connection)
//!
//! Flags: --port P (0 = any free port; the bound address is printed first),
//! --timeout-ms T (keep-alive / read deadline, default 5000), --max-requests N
//! and --max-seconds S (stop after that many responses or seconds), --quiet.
//! Look for: one `accept` line per connection, one line per request, and the
//! reason each connection closed (ClientDone, Timeout, BadRequest(400) …).

use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ch04_sockets::args::Args;
use ch04_sockets::http::{Config, Server};

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "timeout-ms=", "max-requests=", "max-seconds=", "quiet"])?;
    let port: u16 = args.get("port", 8888)?;
    let config = Config {
        timeout: Duration::from_millis(args.get("timeout-ms", 5000)?),
        max_requests: args.opt("max-requests")?,
        log: !args.flag("quiet"),
        ..Config::default()
    };
    let server = Server::bind(port, config).map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    // Tests and scripts read this line to learn the port the kernel chose.
    println!("listening on http://{}", server.local_addr());
    if let Some(secs) = args.opt::<f64>("max-seconds")? {
        let stopper = server.stopper();
        thread::spawn(move || {
            thread::sleep(Duration::from_secs_f64(secs));
            stopper.stop();
        });
    }
    let served = server.run().map_err(|e| format!("accepting on port {port}: {e}"))?;
    println!("stopped after {served} responses");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-server: {e}");
            ExitCode::FAILURE
        }
    }
}
