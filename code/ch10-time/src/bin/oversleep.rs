//! How late does thread::sleep wake? Sleep 200 times for 1µs, 100µs and 1ms,
//! and print percentiles of the lateness, first with the kernel's default
//! timer slack (50 µs) and then with the slack set to 1 ns. Both are set
//! explicitly: slack is inherited from the parent process, so "whatever this
//! process started with" need not be the default.
//!
//! Run: cargo run -p ch10-time --bin oversleep [-- SAMPLES]
//!
//! Look for: every sleep is late, never early; a 1µs sleep takes the 50µs
//! slack plus tens of µs more with the default slack, tens of µs or less
//! with 1ns of slack. The tail (p99, max) is the scheduler: another task was
//! running on the CPU.
use ch10_time::lateness::{set_timer_slack, short, sleep_lateness, summary, timer_slack};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: oversleep [SAMPLES]
Sleeps SAMPLES times (default 200) for 1µs, 100µs and 1ms, first with the
default timer slack (50 µs) then with 1 ns, and prints percentiles of how
much later than asked each sleep woke.
";

fn run() -> Result<(), String> {
    let samples: usize = match std::env::args().nth(1).as_deref() {
        Some("--help" | "-h") => {
            print!("{USAGE}");
            return Ok(());
        }
        Some(flag) if flag.starts_with('-') => return Err(format!("unknown flag {flag} (try --help)")),
        Some(s) => s.parse().map_err(|e| format!("SAMPLES {s:?}: {e}"))?,
        None => 200,
    };
    if samples == 0 {
        return Err("SAMPLES must be at least 1".into());
    }
    // ANCHOR: table
    let requests = [Duration::from_micros(1), Duration::from_micros(100), Duration::from_millis(1)];
    // Set, not assumed: a process inherits its parent's slack (prctl(2)).
    for (ns, pass) in [(50_000, "the kernel's default"), (1, "the minimum")] {
        set_timer_slack(ns).map_err(|e| format!("prctl(PR_SET_TIMERSLACK): {e}"))?;
        let slack = timer_slack().map_err(|e| format!("prctl(PR_GET_TIMERSLACK): {e}"))?;
        println!("timer slack {} ({pass}), {samples} sleeps each; how much later than asked:", short(Duration::from_nanos(slack)));
        for request in requests {
            let [p50, p90, p99, max] = summary(&mut sleep_lateness(request, samples));
            let label = format!("sleep({})", short(request));
            println!("  {label:<12} p50 +{}  p90 +{}  p99 +{}  max +{}", short(p50), short(p90), short(p99), short(max));
        }
    }
    // ANCHOR_END: table
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oversleep: {e}");
            ExitCode::FAILURE
        }
    }
}
