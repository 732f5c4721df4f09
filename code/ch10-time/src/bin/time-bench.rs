//! Measure it: what a clock read costs (vDSO or system call), and how late
//! thread::sleep and a timerfd wake.
//!
//! Run: cargo run --release -p ch10-time --bin time-bench [-- --quick]
//!
//! Look for: Instant::now, SystemTime::now and the vDSO clocks cost tens of
//! nanoseconds; the CPU-time clocks, which are real system calls, several
//! times more; the _COARSE clocks least of all. Sleeps are late by the timer
//! slack plus the wake-up latency, whatever the request. If `go` is on PATH,
//! the Go side (go/timebench, built once before any timing) runs the same
//! sleeps with time.Sleep.
//!
//! What it controls for. Timer slack is per thread and is inherited by every
//! thread and process created from it, across exec (prctl(2)): so the sleeps
//! run twice, each time in a fresh thread that sets its slack explicitly
//! (50 µs, the kernel's default, then 1 ns) whatever this process inherited,
//! and the Go binary is started from that same thread, so Go and Rust are
//! compared under the same slack (the Go side prints the slack it got). Each
//! series starts with a few unrecorded waits (warm-up) on both sides. CPU
//! affinity is inherited too and is not changed: both sides may use every
//! CPU this process may (printed at the top; Go's GOMAXPROCS follows it);
//! `taskset -c 0 cargo run …` runs both on one CPU.
use ch10_time::lateness::{set_timer_slack, short, sleep_lateness, summary, timer_slack, timerfd_lateness};
use nix::time::{clock_gettime, ClockId};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

const USAGE: &str = "\
usage: time-bench [--quick]
Times clock reads (vDSO and system-call clocks) in ns, and how late
thread::sleep and a timerfd wake, with 50 µs and 1 ns of timer slack (and
Go's time.Sleep if `go` is on PATH).
  --quick   a fast, imprecise run (the tests use it)
";

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
    let mut quick = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--help" | "-h") => {
                print!("{USAGE}");
                return Ok(());
            }
            Some("--quick") => quick = true,
            _ => return Err(format!("unknown argument {arg:?} (try --help)")),
        }
    }
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
    let inherited = timer_slack().map_err(|e| format!("prctl(PR_GET_TIMERSLACK): {e}"))?;
    let cpus = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0))
        .map(|set| (0..nix::sched::CpuSet::count()).filter(|&c| set.is_set(c).unwrap_or(false)).count())
        .map_err(|e| format!("sched_getaffinity: {e}"))?;
    println!("inherited timer slack {}, CPUs allowed {cpus}", short(Duration::from_nanos(inherited)));
    let go = build_go(); // before any timing: the compiler must not share the CPUs
    let requests = [Duration::from_micros(1), Duration::from_micros(100), Duration::from_millis(1)];
    let warm = if quick { 2 } else { 10 };
    for slack_ns in [50_000, 1] {
        // Slack is per thread and inherited: a fresh thread sets its own,
        // measures, and starts the Go binary, which inherits that slack.
        std::thread::scope(|scope| {
            scope.spawn(|| sleeps_at_slack(slack_ns, &requests, warm, sleeps, go.as_ref(), quick)).join()
        })
        .map_err(|_| "the measuring thread panicked".to_string())??;
    }
    // ANCHOR_END: sleeps
    if let Ok(bin) = &go {
        let _ = std::fs::remove_dir_all(bin.parent().unwrap_or(bin));
    }
    if quick {
        println!("(quick mode: {rounds} round of {calls} calls, {sleeps} waits; numbers are rough)");
    } else {
        println!("best of {rounds} rounds of {calls} calls each");
    }
    Ok(())
}

/// Sets this thread's timer slack to `slack_ns`, then prints the lateness
/// of `thread::sleep` and `timerfd` (which has no slack: its rows should not
/// move) and, if it was built, runs the Go binary from this thread.
fn sleeps_at_slack(
    slack_ns: u64,
    requests: &[Duration],
    warm: usize,
    sleeps: usize,
    go: Result<&PathBuf, &String>,
    quick: bool,
) -> Result<(), String> {
    set_timer_slack(slack_ns).map_err(|e| format!("prctl(PR_SET_TIMERSLACK): {e}"))?;
    let slack = short(Duration::from_nanos(timer_slack().map_err(|e| format!("prctl(PR_GET_TIMERSLACK): {e}"))?));
    println!("timer slack {slack}: {sleeps} waits each after {warm} unrecorded; how much later than asked (p50 / p90 / p99 / max):");
    let line = |what: String, mut late: Vec<Duration>| {
        let [p50, p90, p99, max] = summary(&mut late);
        println!("  {what:<38} {:>8} {:>8} {:>8} {:>8}", short(p50), short(p90), short(p99), short(max));
    };
    for &request in requests {
        sleep_lateness(request, warm);
        line(format!("thread::sleep({}), slack {slack}", short(request)), sleep_lateness(request, sleeps));
        timerfd_lateness(request, warm).map_err(|e| format!("timerfd: {e}"))?;
        let timerfd = timerfd_lateness(request, sleeps).map_err(|e| format!("timerfd: {e}"))?;
        line(format!("timerfd({}), slack {slack}", short(request)), timerfd);
    }
    match go.map_err(Clone::clone).and_then(|bin| run_go(bin, warm, sleeps, quick)) {
        Ok(table) => print!("{table}"),
        Err(why) => println!("  (the Go side did not run: {why})"),
    }
    println!();
    Ok(())
}

/// Builds go/timebench once into a temporary folder (`go build`), so the
/// timed runs start a ready binary: no compiler running, no cache to warm.
fn build_go() -> Result<PathBuf, String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/go");
    let out_dir = std::env::temp_dir().join(format!("ch10-timebench-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let bin = out_dir.join("timebench");
    let out = match std::process::Command::new("go").args(["build", "-o"]).arg(&bin).arg("./timebench").current_dir(dir).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_dir_all(&out_dir);
            return Err("no `go` on PATH".into());
        }
        Err(e) => return Err(format!("running go build: {e}")),
    };
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(&out_dir);
        return Err(format!("go build ./timebench failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(bin)
}

/// Runs the built Go binary from the calling thread (so with its timer
/// slack) and returns what it printed: the same sleeps with time.Sleep,
/// whose timers live in Go's runtime.
fn run_go(bin: &Path, warm: usize, sleeps: usize, quick: bool) -> Result<String, String> {
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["-warm", &warm.to_string(), "-sleeps", &sleeps.to_string()]);
    if quick {
        cmd.arg("-quick");
    }
    let out = cmd
        .output()
        .map_err(|e| format!("running {}: {e}", bin.display()))?;
    if !out.status.success() {
        return Err(format!("{} failed: {}", bin.display(), String::from_utf8_lossy(&out.stderr).trim()));
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
