//! A JSON-RPC 2.0 server over TCP: one JSON request per line, one response
//! per line, a thread per connection. Methods: `add` and `upper`.
//!
//! Run: cargo run -p ch04-sockets --bin jsonrpc-server -- --port 4000
//! Then: echo '{"jsonrpc":"2.0","method":"add","params":[2,3],"id":1}' | nc -q1 127.0.0.1 4000
//!   or: cargo run -p ch04-sockets --bin jsonrpc-client -- --addr 127.0.0.1:4000
//! Flags: --port P (0 = any free port), --max-requests N, --quiet.
//! Look for: each request line and the answer with the same "id".

use std::process::ExitCode;

use ch04_sockets::args::Args;
use ch04_sockets::jsonrpc::Server;

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "max-requests=", "quiet"])?;
    let port: u16 = args.get("port", 4000)?;
    let server = Server::bind(port).map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    println!("listening on {}", server.local_addr());
    let served = server
        .run(args.opt("max-requests")?, !args.flag("quiet"))
        .map_err(|e| format!("accepting on port {port}: {e}"))?;
    println!("stopped after {served} responses");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jsonrpc-server: {e}");
            ExitCode::FAILURE
        }
    }
}
