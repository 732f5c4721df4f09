//! A small SNTP server (RFC 4330) for loopback experiments. It can pretend its
//! clock is off by a configured amount, so a client has something to measure.
//!
//! Run: cargo run -p ch10-time --bin sntp-server -- [--port 12300] [--offset SECONDS] [--requests N]
//!      then, in another terminal: cargo run -p ch10-time --bin sntp-client -- 127.0.0.1:12300
//!
//! Binds 127.0.0.1 only (port 0: the kernel picks one, printed on the first
//! line). The real NTP port, 123, needs CAP_NET_BIND_SERVICE (or a lowered
//! net.ipv4.ip_unprivileged_port_start); this is a toy, not a time source.
//! Stops after --requests answers (default: serve until killed).
use ch10_time::sntp::{serve, ServerConfig};
use ch10_time::wall::signed_secs;
use std::io::Write;
use std::net::UdpSocket;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

const USAGE: &str = "\
usage: sntp-server [--port P] [--offset SECONDS] [--requests N]
A small SNTP server on 127.0.0.1 that can pretend its clock is off.
  --port P            default 12300; 0 = any free port (printed first)
  --offset SECONDS    how far ahead (or, negative, behind) its clock claims to be
  --requests N        stop after N answers (default: serve until killed)
";

fn run() -> Result<(), String> {
    let mut port = 12300u16;
    let mut offset_ns = 0i64;
    let mut requests = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--offset" => offset_ns = parse_offset(&value()?)?,
            "--requests" => requests = Some(value()?.parse().map_err(|e| format!("--requests: {e}"))?),
            "--help" | "-h" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let socket = UdpSocket::bind(("127.0.0.1", port)).map_err(|e| format!("binding 127.0.0.1:{port}: {e}"))?;
    let addr = socket.local_addr().map_err(|e| format!("getsockname: {e}"))?;
    println!("SNTP server on {addr}, clock offset {}", signed_secs(offset_ns));
    std::io::stdout().flush().map_err(|e| format!("writing stdout: {e}"))?; // a test waits for this line
    let config = ServerConfig { offset_ns, stratum: 2, requests };
    let answered = serve(&socket, config).map_err(|e| format!("serving on {addr}: {e}"))?;
    println!("answered {answered} requests");
    Ok(())
}

/// SECONDS as nanoseconds, if the server's timestamps can carry it: a client
/// reads T2 - T1 as a signed 32-bit count of seconds (2^31 s ahead would look
/// like 68 years behind), and `NtpTimestamp::from_system_time` starts at 1970.
fn parse_offset(text: &str) -> Result<i64, String> {
    let secs: f64 = text.parse().map_err(|e| format!("--offset: {e}"))?;
    let since_1970 = SystemTime::now().duration_since(UNIX_EPOCH).map_err(|e| format!("clock_gettime: before 1970 by {:?}", e.duration()))?;
    // Written so that NaN fails too: every comparison with NaN is false.
    if !(secs.abs() < 2f64.powi(31) && secs + since_1970.as_secs_f64() >= 0.0) {
        return Err(format!("--offset {text}: must be under 2^31 s (68 years) either way, and not reach back before 1970"));
    }
    Ok((secs * 1e9).round() as i64)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sntp-server: {e}");
            ExitCode::FAILURE
        }
    }
}
