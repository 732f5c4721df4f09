//! A ticker aligned to interval boundaries of the wall clock (like cron, or
//! the Go book's multicast time server that sends at :00, :10, :20 …),
//! against a naive ticker that sleeps one interval after doing its work.
//!
//! Run: cargo run -p ch10-time --bin aligned-ticker
//!
//! Look for: the aligned ticks land just after .100, .200, .300 of the second
//! (a few tens of µs late, never early), every time. The naive ticks slide by
//! the 20 ms of work plus the oversleep each round: the drift adds up.
use ch10_time::wall::{next_boundary, utc_time_of_day};
use nix::sys::time::TimeSpec;
use nix::time::{clock_nanosleep, ClockId, ClockNanosleepFlags};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

const USAGE: &str = "\
usage: aligned-ticker
Three ticks at 100 ms boundaries of the wall clock (clock_nanosleep to an
absolute time), then three of a naive ticker that sleeps 100 ms after 20 ms
of work; prints when each tick landed. No arguments.
";

// ANCHOR: sleep_until
/// Sleep until the wall clock reads `when`: clock_nanosleep(2) on
/// CLOCK_REALTIME with TIMER_ABSTIME. If the clock is stepped while we sleep,
/// the kernel re-evaluates the deadline against the new time, which a
/// relative sleep computed beforehand could not.
fn sleep_until(when: SystemTime) -> nix::Result<()> {
    let since_epoch = when.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let deadline = TimeSpec::from_duration(since_epoch);
    loop {
        match clock_nanosleep(ClockId::CLOCK_REALTIME, ClockNanosleepFlags::TIMER_ABSTIME, &deadline) {
            Err(nix::errno::Errno::EINTR) => continue, // a signal: the deadline is absolute, just retry
            other => return other.map(drop),
        }
    }
}
// ANCHOR_END: sleep_until

fn run() -> nix::Result<()> {
    let interval = Duration::from_millis(100);
    let work = || std::thread::sleep(Duration::from_millis(20)); // stands in for real work

    // ANCHOR: aligned
    println!("aligned to {interval:?} boundaries:");
    for _ in 0..3 {
        let boundary = next_boundary(SystemTime::now(), interval); // from the clock, every time
        sleep_until(boundary)?;
        let now = SystemTime::now();
        let late = now.duration_since(boundary).unwrap_or_default();
        println!("  tick at {} UTC, {late:.1?} after the boundary", utc_time_of_day(now));
        work();
    }
    // ANCHOR_END: aligned

    // ANCHOR: naive
    println!("naive: work, then sleep({interval:?}):");
    let start = SystemTime::now();
    for _ in 0..3 {
        std::thread::sleep(interval);
        let now = SystemTime::now();
        println!("  tick at {} UTC, {:.1?} since the start", utc_time_of_day(now), now.duration_since(start).unwrap_or_default());
        work();
    }
    // ANCHOR_END: naive
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
            eprintln!("aligned-ticker: clock_nanosleep: {e}");
            ExitCode::FAILURE
        }
    }
}
