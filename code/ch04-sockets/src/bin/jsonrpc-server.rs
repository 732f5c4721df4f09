//! A JSON-RPC 2.0 server over TCP: one JSON request per line, one response
//! per line, a thread per connection. Methods: `add` and `upper`.
//!
//! Run: cargo run -p ch04-sockets --bin jsonrpc-server -- --port 4000
//! Then: echo '{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}' | nc -q1 127.0.0.1 4000
//!   or: cargo run -p ch04-sockets --bin jsonrpc-client -- --addr 127.0.0.1:4000
//! Flags: --port P (0 = any free port), --max-requests N, --timeout-ms T (each
//! request line must arrive, and each answer be taken, within T; default
//! 60000), --max-connections C (default 512), --quiet.
//! Look for: each request line and the answer with the same "id".

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use ch04_sockets::args::Args;
use ch04_sockets::http;
use ch04_sockets::jsonrpc::Server;

const USAGE: &str = "\
usage: jsonrpc-server [--port P] [--max-requests N] [--timeout-ms T]
                      [--max-connections C] [--quiet]
A JSON-RPC 2.0 server on 127.0.0.1: one JSON request per line, one response
per line, a thread per connection; methods `add` and `upper`.
  --port P (0 = any free port)  --timeout-ms T (default 60000)
  --max-connections C (default 512)  --max-requests N (then stop)  --quiet
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "max-requests=", "timeout-ms=", "max-connections=", "quiet"])?;
    let port: u16 = args.get("port", 4000)?;
    let timeout_ms: u64 = args.get("timeout-ms", 60_000)?;
    if timeout_ms == 0 {
        return Err("--timeout-ms must be at least 1".into()); // a zero timeout is an error in std
    }
    let mut server = Server::bind(port).map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    server.timeout = Duration::from_millis(timeout_ms);
    server.max_connections = args.get("max-connections", server.max_connections)?;
    // Not println!: it panics if stdout is a pipe nobody reads any more.
    let _ = writeln!(std::io::stdout(), "listening on {}", server.local_addr());
    let served = server
        .run(args.opt("max-requests")?, !args.flag("quiet"))
        .map_err(|e| format!("accepting on port {port}: {e}"))?;
    // Through the logger, after the lines queued before it (a direct write
    // could block for ever on a full stdout pipe).
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
            eprintln!("jsonrpc-server: {e}");
            ExitCode::FAILURE
        }
    }
}
