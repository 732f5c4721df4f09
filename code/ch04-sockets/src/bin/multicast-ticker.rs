//! A UDP multicast ticker: sends the time to 224.0.0.1:9999 on every multiple
//! of the interval (aligned to the clock, like the Go book's server), through
//! the loopback interface so it works on a machine with no network.
//!
//! Run: cargo run -p ch04-sockets --bin multicast-ticker -- --interval-ms 1000
//! and, in one or more other terminals, the listener (start it first):
//!      cargo run -p ch04-sockets --bin multicast-listener
//! Flags: --port P (default 9999), --interval-ms T (default 10000, at least 1),
//! --count N (stop after N ticks; default: run forever).
//! Look for: tick times that end in the same digits (aligned), no connection.

use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use ch04_sockets::args::Args;
use ch04_sockets::clock::rfc3339;
use ch04_sockets::multicast::{sender, until_next_tick, GROUP};

const USAGE: &str = "\
usage: multicast-ticker [--port P] [--interval-ms T] [--count N]
Sends the time to 224.0.0.1 over loopback on every multiple of the interval.
  --port P (default 9999)  --interval-ms T (default 10000, at least 1)
  --count N (stop after N ticks; default: run forever)
";

fn run() -> Result<(), String> {
    let args = Args::parse(&["port=", "interval-ms=", "count="])?;
    let port: u16 = args.get("port", 9999)?;
    let interval = Duration::from_millis(args.get("interval-ms", 10_000)?);
    if interval.is_zero() {
        // No interval would send back to back, for ever without --count.
        return Err("--interval-ms must be at least 1".into());
    }
    let count: Option<u64> = args.opt("count")?;
    let socket = sender(std::net::Ipv4Addr::LOCALHOST).map_err(|e| format!("setting up the multicast socket: {e}"))?;
    println!("ticking to {GROUP}:{port} every {interval:?}");
    // ANCHOR: tick
    // Sleep to the first aligned instant, then schedule every tick from it, so
    // the error of one sleep does not add up over the next ones.
    let first = Instant::now() + until_next_tick(SystemTime::now(), interval);
    let mut n = 0;
    while count.is_none_or(|c| n < c) {
        let due = first + interval * n as u32;
        thread::sleep(due.saturating_duration_since(Instant::now()));
        let now = rfc3339(SystemTime::now());
        // sendto(2) to the group: no handshake, no receiver needs to exist.
        socket.send_to(now.as_bytes(), (GROUP, port)).map_err(|e| format!("sendto {GROUP}:{port}: {e}"))?;
        println!("tick {now}");
        n += 1;
    }
    // ANCHOR_END: tick
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
            eprintln!("multicast-ticker: {e}");
            ExitCode::FAILURE
        }
    }
}
