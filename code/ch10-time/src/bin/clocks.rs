//! Every clock the kernel keeps, read with clock_gettime(2), and how fine
//! each one's steps are, from clock_getres(2).
//!
//! Run: cargo run -p ch10-time --bin clocks
//!
//! Look for: the ordinary clocks step in 1ns; the _COARSE ones only once per
//! timer tick (4ms with CONFIG_HZ=250). CLOCK_REALTIME is a date (seconds since
//! 1970); CLOCK_MONOTONIC and CLOCK_BOOTTIME count from boot and differ by the
//! time spent suspended; the CPU-time clocks count only time spent running.
use nix::time::{clock_getres, clock_gettime, ClockId};
use std::process::ExitCode;

const USAGE: &str = "\
usage: clocks
Reads every clock the kernel keeps with clock_gettime(2) and prints each
one's resolution from clock_getres(2). No arguments.
";

// ANCHOR: clocks
const CLOCKS: [(&str, ClockId, &str); 9] = [
    ("CLOCK_REALTIME", ClockId::CLOCK_REALTIME, "wall clock: since 1970, can jump"),
    ("CLOCK_REALTIME_COARSE", ClockId::CLOCK_REALTIME_COARSE, "the same, updated once a tick"),
    ("CLOCK_TAI", ClockId::CLOCK_TAI, "like REALTIME without leap seconds"),
    ("CLOCK_MONOTONIC", ClockId::CLOCK_MONOTONIC, "since boot, never jumps, stops in suspend"),
    ("CLOCK_MONOTONIC_COARSE", ClockId::CLOCK_MONOTONIC_COARSE, "the same, updated once a tick"),
    ("CLOCK_MONOTONIC_RAW", ClockId::CLOCK_MONOTONIC_RAW, "the hardware's rate, not slewed by NTP"),
    ("CLOCK_BOOTTIME", ClockId::CLOCK_BOOTTIME, "since boot, counting suspend"),
    ("CLOCK_PROCESS_CPUTIME_ID", ClockId::CLOCK_PROCESS_CPUTIME_ID, "CPU used by all our threads"),
    ("CLOCK_THREAD_CPUTIME_ID", ClockId::CLOCK_THREAD_CPUTIME_ID, "CPU used by this thread"),
];

fn run() -> Result<(), String> {
    for (name, id, meaning) in CLOCKS {
        let res = clock_getres(id).map_err(|e| format!("clock_getres({name}): {e}"))?;
        let now = clock_gettime(id).map_err(|e| format!("clock_gettime({name}): {e}"))?;
        let res_ns = res.tv_sec() * 1_000_000_000 + res.tv_nsec();
        println!("{name:<25} {meaning:<42} resolution {}, now {}.{:09}s", pretty(res_ns), now.tv_sec(), now.tv_nsec());
    }
    // ANCHOR_END: clocks
    let secs = |id| clock_gettime(id).map(|t| std::time::Duration::from(t).as_secs_f64());
    let (mono, boot) = (secs(ClockId::CLOCK_MONOTONIC), secs(ClockId::CLOCK_BOOTTIME));
    let (mono, boot) = (mono.map_err(|e| format!("clock_gettime: {e}"))?, boot.map_err(|e| format!("clock_gettime: {e}"))?);
    println!("BOOTTIME - MONOTONIC = {:.3}s spent suspended since boot", boot - mono);
    Ok(())
}

/// 1ns, 4ms: the resolutions are whole units.
fn pretty(ns: i64) -> String {
    match ns {
        n if n % 1_000_000 == 0 => format!("{}ms", n / 1_000_000),
        n if n % 1_000 == 0 => format!("{}µs", n / 1_000),
        n => format!("{n}ns"),
    }
}

fn main() -> ExitCode {
    if std::env::args_os().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clocks: {e}");
            ExitCode::FAILURE
        }
    }
}
