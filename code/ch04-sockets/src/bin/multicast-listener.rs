//! Joins the multicast group 224.0.0.1 on the loopback interface and prints
//! each datagram the ticker sends.
//!
//! Run: cargo run -p ch04-sockets --bin multicast-listener -- --count 3
//! then start `multicast-ticker` in another terminal (see its header).
//! Flags: --port P (default 9999; 0 = any free port, printed), --count N (stop after N datagrams),
//! --max-seconds S (give up after S seconds without one; more than 0).
//! Look for: the sender's address (127.0.0.1 and an ephemeral port) and the time.

use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use ch04_sockets::args::Args;
use ch04_sockets::multicast::{receiver, GROUP};

const USAGE: &str = "\
usage: multicast-listener [--port P] [--count N] [--max-seconds S]
Joins the multicast group 224.0.0.1 on loopback and prints each datagram
the ticker sends, with its sender.
  --port P (default 9999; 0 = any free port, printed)  --count N (then stop)
  --max-seconds S (give up after S seconds without a datagram; more than 0)
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "count=", "max-seconds="])?;
    let port: u16 = args.get("port", 9999)?;
    let count: Option<u64> = args.opt("count")?;
    let socket = receiver(GROUP, port, Ipv4Addr::LOCALHOST).map_err(|e| format!("joining {GROUP}:{port}: {e}"))?;
    if let Some(secs) = args.opt::<f64>("max-seconds")? {
        // Checked here: Duration::from_secs_f64 panics on a negative or huge
        // value, and SO_RCVTIMEO 0 would mean "no timeout" (std refuses it).
        let timeout = Duration::try_from_secs_f64(secs).map_err(|e| format!("--max-seconds {secs}: {e}"))?;
        if timeout.is_zero() {
            return Err(format!("--max-seconds {secs}: must be more than 0"));
        }
        socket.set_read_timeout(Some(timeout)).map_err(|e| format!("SO_RCVTIMEO: {e}"))?;
    }
    // With --port 0 the kernel picks the port; print it for the ticker.
    let bound = socket.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    println!("joined {GROUP}:{} on 127.0.0.1", bound.port());
    // ANCHOR: receive
    let mut buf = [0u8; 1500]; // one Ethernet MTU: no datagram here is larger
    let mut n = 0;
    while count.is_none_or(|c| n < c) {
        let (len, from) = socket.recv_from(&mut buf).map_err(|e| format!("recvfrom on {GROUP}:{port}: {e}"))?;
        println!("from {from}: {}", String::from_utf8_lossy(&buf[..len]));
        n += 1;
    }
    // ANCHOR_END: receive
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
            eprintln!("multicast-listener: {e}");
            ExitCode::FAILURE
        }
    }
}
