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
//! --timeout-ms T (read deadline per request head, keep-alive idle time, and
//! write deadline per response; default 5000), --max-connections C (default
//! 512), --max-requests N and --max-seconds S (stop after that many responses
//! or seconds), --quiet.
//! Look for: one `accept` line per connection, one line per request, and the
//! reason each connection closed (ClientDone, Timeout, BadRequest(400) …).

use std::io::Write;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use ch04_sockets::args::Args;
use ch04_sockets::http::{self, Config, Server};

const USAGE: &str = "\
usage: http-server [--port P] [--timeout-ms T] [--max-connections C]
                   [--max-requests N] [--max-seconds S] [--quiet]
The chapter's HTTP/1.1 server on 127.0.0.1: a thread per connection,
keep-alive, gzip, Content-Length and chunked bodies, pipelining.
  --port P (0 = any free port, printed first)  --timeout-ms T (default 5000)
  --max-connections C (default 512)  --max-requests N, --max-seconds S (stop)
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "timeout-ms=", "max-connections=", "max-requests=", "max-seconds=", "quiet"])?;
    let port: u16 = args.get("port", 8888)?;
    let timeout_ms: u64 = args.get("timeout-ms", 5000)?;
    if timeout_ms == 0 {
        // set_read_timeout(Some(0)) is an error: zero would mean "no timeout" to the kernel.
        return Err("--timeout-ms must be at least 1".into());
    }
    // Checked here: Duration::from_secs_f64 panics on a negative or huge value.
    let max_seconds = match args.opt::<f64>("max-seconds")? {
        Some(secs) => Some(Duration::try_from_secs_f64(secs).map_err(|e| format!("--max-seconds {secs}: {e}"))?),
        None => None,
    };
    let config = Config {
        timeout: Duration::from_millis(timeout_ms),
        max_connections: args.get("max-connections", Config::default().max_connections)?,
        max_requests: args.opt("max-requests")?,
        log: !args.flag("quiet"),
        ..Config::default()
    };
    let server = Server::bind(port, config).map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    // Tests and scripts read this line to learn the port the kernel chose.
    // Not println!: it panics if stdout is a pipe nobody reads any more.
    let _ = writeln!(std::io::stdout(), "listening on http://{}", server.local_addr());
    if let Some(limit) = max_seconds {
        let stopper = server.stopper();
        thread::spawn(move || {
            thread::sleep(limit);
            stopper.stop();
        });
    }
    let served = server.run().map_err(|e| format!("accepting on port {port}: {e}"))?;
    // Through the logger, after the lines queued before it: a direct write
    // could block for ever on a full stdout pipe.
    http::log(format_args!("stopped after {served} responses"));
    http::flush_log(Duration::from_secs(1));
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
            eprintln!("http-server: {e}");
            ExitCode::FAILURE
        }
    }
}
