//! The SNTP server and client together in one process, on loopback: the
//! server's clock runs 1.5 s ahead, and the client measures that.
//!
//! Run: cargo run -p ch10-time --bin sntp-demo
//!
//! Look for: an offset of +1.5 s to within a few microseconds, and a delay of
//! some tens of microseconds (two trips through the loopback device).
use ch10_time::sntp::{query, serve, ServerConfig};
use ch10_time::wall::signed_secs;
use std::net::UdpSocket;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: sntp-demo
Runs the SNTP server (its clock 1.5 s ahead) and client in one process on
loopback; for three exchanges prints the four timestamps, the offset and
the delay. No arguments.
";

fn run() -> Result<(), String> {
    // ANCHOR: demo
    let socket = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
    let addr = socket.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    let config = ServerConfig { offset_ns: 1_500_000_000, stratum: 2, requests: Some(3) };
    let server = std::thread::spawn(move || serve(&socket, config));

    for _ in 0..3 {
        let s = query(addr, Duration::from_secs(2)).map_err(|e| format!("querying {addr}: {e}"))?;
        println!("T1 {:#018x}  T2 {:#018x}", s.t1.0, s.t2.0);
        println!("T4 {:#018x}  T3 {:#018x}", s.t4.0, s.t3.0);
        println!("  offset {}, delay {:.1?}", signed_secs(s.offset_ns()), Duration::from_nanos(s.delay_ns().max(0) as u64));
    }
    let answered = server.join().expect("the server thread panicked");
    println!("server answered {} requests", answered.map_err(|e| format!("serving: {e}"))?);
    // ANCHOR_END: demo
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
            eprintln!("sntp-demo: {e}");
            ExitCode::FAILURE
        }
    }
}
