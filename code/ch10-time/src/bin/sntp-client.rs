//! An SNTP client (RFC 4330): ask a server for the time a few times, print the
//! offset and delay of each exchange, and the offset of the exchange with the
//! smallest delay. It only reads; it never sets the clock.
//!
//! Run: cargo run -p ch10-time --bin sntp-client -- ADDRESS [COUNT]
//!      e.g. with `sntp-server --offset 1.5` running: sntp-client 127.0.0.1:12300
//!
//! Look for: the offset is the server's configured offset, to within half the
//! delay. (Pointed at a real server, such as pool.ntp.org:123, it shows how far
//! your clock is from it; the book's tests only ever use loopback.)
use ch10_time::sntp::query;
use ch10_time::wall::signed_secs;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: sntp-client ADDRESS [COUNT]
Asks the SNTP server at ADDRESS (e.g. 127.0.0.1:12300) for the time COUNT
times (default 4) and prints each exchange's offset and delay, then the
offset of the one with the smallest delay. Never sets the clock.
";

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let server = args.next().ok_or("usage: sntp-client ADDRESS [COUNT], e.g. 127.0.0.1:12300 (--help for more)")?;
    match server.as_str() {
        "--help" | "-h" => {
            print!("{USAGE}");
            return Ok(());
        }
        flag if flag.starts_with('-') => return Err(format!("unknown flag {flag} (try --help)")),
        _ => {}
    }
    let count: usize = match args.next() {
        Some(n) => n.parse().map_err(|e| format!("COUNT {n:?}: {e}"))?,
        None => 4,
    };
    let mut best: Option<(i64, i64)> = None;
    for _ in 0..count {
        let sample = query(server.as_str(), Duration::from_secs(2)).map_err(|e| format!("querying {server}: {e}"))?;
        let (offset, delay) = (sample.offset_ns(), sample.delay_ns());
        println!("stratum {}: offset {}, delay {:.1?}", sample.stratum, signed_secs(offset), Duration::from_nanos(delay.max(0) as u64));
        if best.is_none_or(|(_, d)| delay < d) {
            best = Some((offset, delay));
        }
    }
    if let Some((offset, delay)) = best {
        println!("best (smallest delay): the server's clock is {} from ours, give or take {:.1?}", signed_secs(offset), Duration::from_nanos(delay.max(0) as u64 / 2));
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sntp-client: {e}");
            ExitCode::FAILURE
        }
    }
}
