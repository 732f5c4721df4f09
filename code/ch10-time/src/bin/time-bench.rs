//! Measure it: what a clock read costs (vDSO or system call), and how late
//! thread::sleep and a timerfd wake.
//!
//! Run: cargo run --release -p ch10-time --bin time-bench [-- --quick]
//!
//! Look for: Instant::now, SystemTime::now and the vDSO clocks cost tens of
//! nanoseconds; the CPU-time clocks, which are real system calls, several
//! times more; the _COARSE clocks least of all. Sleeps are late by the timer
//! slack (50 µs) plus the wake-up latency, whatever the request. If `go` is on
//! PATH, the Go side (go/timebench) runs the same sleeps with time.Sleep.
use ch10_time::lateness::{set_timer_slack, short, sleep_lateness, summary, timerfd_lateness};
use nix::time::{clock_gettime, ClockId};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

/// Best of `rounds` rounds of `n` calls: nanoseconds per call.
fn ns_per_call(rounds: usize, n: u32, mut f: impl FnMut()) -> f64 {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn run() -> Result<(), String> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, calls, sleeps) = if quick { (1, 10_000, 10) } else { (7, 1_000_000, 300) };

    // ANCHOR: reads
    println!("{:<40} {:>8}  {}", "clock read", "ns/call", "path");
    println!("{:-<40} {:->8}  {:-<12}", "", "", "");
    let row = |name: &str, path: &str, ns: f64| println!("{name:<40} {ns:>8.1}  {path}");
    row("Instant::now()", "vDSO", ns_per_call(rounds, calls, || {
        black_box(Instant::now());
    }));
    row("SystemTime::now()", "vDSO", ns_per_call(rounds, calls, || {
        black_box(SystemTime::now());
    }));
    let clocks = [
        ("CLOCK_REALTIME", ClockId::CLOCK_REALTIME, "vDSO"),
        ("CLOCK_MONOTONIC", ClockId::CLOCK_MONOTONIC, "vDSO"),
        ("CLOCK_MONOTONIC_RAW", ClockId::CLOCK_MONOTONIC_RAW, "vDSO"),
        ("CLOCK_BOOTTIME", ClockId::CLOCK_BOOTTIME, "vDSO"),
        ("CLOCK_REALTIME_COARSE", ClockId::CLOCK_REALTIME_COARSE, "vDSO, no TSC"),
        ("CLOCK_MONOTONIC_COARSE", ClockId::CLOCK_MONOTONIC_COARSE, "vDSO, no TSC"),
        ("CLOCK_PROCESS_CPUTIME_ID", ClockId::CLOCK_PROCESS_CPUTIME_ID, "syscall"),
        ("CLOCK_THREAD_CPUTIME_ID", ClockId::CLOCK_THREAD_CPUTIME_ID, "syscall"),
    ];
    for (name, id, path) in clocks {
        clock_gettime(id).map_err(|e| format!("clock_gettime({name}): {e}"))?;
        row(&format!("clock_gettime({name})"), path, ns_per_call(rounds, calls, || {
            let _ = black_box(clock_gettime(black_box(id)));
        }));
    }
    // ANCHOR_END: reads

    // ANCHOR: sleeps
    println!();
    println!("{sleeps} waits each; how much later than asked (p50 / p90 / p99 / max):");
    let requests = [Duration::from_micros(1), Duration::from_micros(100), Duration::from_millis(1)];
    let line = |what: String, mut late: Vec<Duration>| {
        let [p50, p90, p99, max] = summary(&mut late);
        println!("  {what:<38} {:>8} {:>8} {:>8} {:>8}", short(p50), short(p90), short(p99), short(max));
    };
    for request in requests {
        line(format!("thread::sleep({})", short(request)), sleep_lateness(request, sleeps));
        let timerfd = timerfd_lateness(request, sleeps).map_err(|e| format!("timerfd: {e}"))?;
        line(format!("timerfd({})", short(request)), timerfd);
    }
    set_timer_slack(1).map_err(|e| format!("prctl(PR_SET_TIMERSLACK): {e}"))?;
    for request in requests {
        line(format!("thread::sleep({}), slack 1ns", short(request)), sleep_lateness(request, sleeps));
    }
    // ANCHOR_END: sleeps
    println!();
    match run_go(quick) {
        Ok(table) => print!("{table}"),
        Err(why) => println!("(the Go side did not run: {why})"),
    }
    if quick {
        println!("(quick mode: {rounds} round of {calls} calls, {sleeps} waits; numbers are rough)");
    } else {
        println!("best of {rounds} rounds of {calls} calls each");
    }
    Ok(())
}

/// Runs `go run ./timebench` in this package's go/ folder and returns what it
/// printed: the same sleeps in Go, whose timers live in its runtime.
fn run_go(quick: bool) -> Result<String, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/go");
    let mut cmd = std::process::Command::new("go");
    cmd.args(["run", "./timebench"]).current_dir(dir);
    if quick {
        cmd.arg("-quick");
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("no `go` on PATH".into()),
        Err(e) => return Err(format!("running go: {e}")),
    };
    if !out.status.success() {
        return Err(format!("go run ./timebench failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("time-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
