//! How late does a thread wake? Measure `thread::sleep` and a `timerfd`,
//! and summarise the lateness as percentiles. Used by `oversleep` and
//! `time-bench`.

use std::time::{Duration, Instant};

use nix::sys::time::TimeSpec;
use nix::sys::timerfd::{ClockId, Expiration, TimerFd, TimerFlags, TimerSetTimeFlags};

// ANCHOR: sleep
/// Sleep `n` times for `request`; return how much longer than `request` each
/// sleep took. `Instant` is the monotonic clock, so a step of the wall clock
/// in the middle cannot spoil a sample.
pub fn sleep_lateness(request: Duration, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            std::thread::sleep(request);
            // The kernel never wakes a sleeper early, so this cannot underflow.
            start.elapsed().checked_sub(request).expect("woke before the requested time")
        })
        .collect()
}
// ANCHOR_END: sleep

/// The same with a one-shot `timerfd` on `CLOCK_MONOTONIC`, waited for with a
/// blocking `read`.
pub fn timerfd_lateness(request: Duration, n: usize) -> nix::Result<Vec<Duration>> {
    // timerfd_create(2)
    let timer = TimerFd::new(ClockId::CLOCK_MONOTONIC, TimerFlags::TFD_CLOEXEC)?;
    let mut late = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        // timerfd_settime(2), relative to now.
        timer.set(Expiration::OneShot(TimeSpec::from_duration(request)), TimerSetTimeFlags::empty())?;
        timer.wait()?; // read(2) of the 8-byte expiration count blocks until it fires
        late.push(start.elapsed().checked_sub(request).expect("timer fired early"));
    }
    Ok(late)
}

/// The `p`-th percentile (0–100) by nearest rank. Sorts `samples`.
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    assert!(!samples.is_empty(), "no samples");
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// p50, p90, p99 and the maximum.
pub fn summary(samples: &mut [Duration]) -> [Duration; 4] {
    [percentile(samples, 50.0), percentile(samples, 90.0), percentile(samples, 99.0), percentile(samples, 100.0)]
}

/// A duration in the unit that suits it: `812ns`, `57.3µs`, `1.08ms`, `1ms`.
pub fn short(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        if ns % 1_000 == 0 { format!("{}µs", ns / 1_000) } else { format!("{:.1}µs", ns as f64 / 1e3) }
    } else if ns % 1_000_000 == 0 {
        format!("{}ms", ns / 1_000_000)
    } else {
        format!("{:.2}ms", ns as f64 / 1e6)
    }
}

// ANCHOR: slack
/// The calling thread's timer slack in nanoseconds: how much later than asked
/// the kernel may fire its timers, to batch wake-ups (prctl(2)).
pub fn timer_slack() -> nix::Result<u64> {
    // SAFETY: PR_GET_TIMERSLACK takes no pointers; the result is the slack or -1.
    let ns = unsafe { libc::prctl(libc::PR_GET_TIMERSLACK, 0, 0, 0, 0) };
    nix::errno::Errno::result(ns).map(|ns| ns as u64)
}

/// Set the calling thread's timer slack (1 ns is the minimum; 0 means "the default").
pub fn set_timer_slack(ns: u64) -> nix::Result<()> {
    // SAFETY: PR_SET_TIMERSLACK takes the slack by value; no pointers.
    let r = unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, ns as libc::c_ulong, 0, 0, 0) };
    nix::errno::Errno::result(r).map(drop)
}
// ANCHOR_END: slack

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut v: Vec<Duration> = (1..=100).rev().map(Duration::from_micros).collect();
        assert_eq!(summary(&mut v), [50, 90, 99, 100].map(Duration::from_micros));
        assert_eq!(percentile(&mut [Duration::from_nanos(7)], 50.0), Duration::from_nanos(7));
    }

    #[test]
    fn neither_sleep_nor_timerfd_wakes_early() {
        // Each function panics if a sample woke before the requested time.
        assert_eq!(sleep_lateness(Duration::from_micros(100), 5).len(), 5);
        assert_eq!(timerfd_lateness(Duration::from_micros(100), 5).unwrap().len(), 5);
    }

    #[test]
    fn the_default_timer_slack_is_readable_and_settable() {
        std::thread::spawn(|| {
            assert!(timer_slack().unwrap() > 0);
            set_timer_slack(1).unwrap();
            assert_eq!(timer_slack().unwrap(), 1);
        })
        .join()
        .unwrap();
    }

    #[test]
    fn short_picks_a_unit() {
        assert_eq!(short(Duration::from_nanos(812)), "812ns");
        assert_eq!(short(Duration::from_nanos(57_300)), "57.3µs");
        assert_eq!(short(Duration::from_micros(1080)), "1.08ms");
        assert_eq!(short(Duration::from_micros(50)), "50µs");
        assert_eq!(short(Duration::from_millis(1)), "1ms");
    }
}
