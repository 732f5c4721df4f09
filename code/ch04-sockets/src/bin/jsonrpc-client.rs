//! A JSON-RPC 2.0 client: three calls over one TCP connection, one of them
//! to a method that does not exist.
//!
//! Run: cargo run -p ch04-sockets --bin jsonrpc-client
//!      (starts the chapter's JSON-RPC server in a thread on a free port)
//!  or: cargo run -p ch04-sockets --bin jsonrpc-client -- --addr 127.0.0.1:4000
//! Look for: results for `add` and `upper`, and error -32601 for `divide`.

use std::process::ExitCode;
use std::thread;

use ch04_sockets::args::Args;
use ch04_sockets::jsonrpc::{Client, Server};

const USAGE: &str = "\
usage: jsonrpc-client [--addr HOST:PORT]
Makes three JSON-RPC 2.0 calls over one TCP connection (add, upper, and
divide, which does not exist) and prints each answer.
  --addr HOST:PORT   the server to ask (default: start the chapter's server
                     in a thread on a free port)
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["addr="])?;
    let addr = match args.opt::<String>("addr")? {
        Some(a) => a,
        None => {
            let server = Server::bind(0).map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
            let addr = server.local_addr().to_string();
            thread::spawn(move || server.run(None, false));
            addr
        }
    };
    // ANCHOR: calls
    let mut client = Client::connect(&addr).map_err(|e| format!("connecting to {addr}: {e}"))?;
    for (method, params) in [("add", "[2, 3, 4.5]"), ("upper", r#"["hello"]"#), ("divide", "[1, 0]")] {
        let answer = client.call(method, params).map_err(|e| format!("calling {method}: {e}"))?;
        match answer {
            Ok(value) => println!("{method}({params}) = {value}"),
            Err(e) => println!("{method}({params}) failed: {e}"),
        }
    }
    // ANCHOR_END: calls
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
            eprintln!("jsonrpc-client: {e}");
            ExitCode::FAILURE
        }
    }
}
