//! The wall clock for people: a time of day in UTC, and the next boundary of an
//! interval (the `:00`, `:05`, `:10` … of a five-second ticker).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

// ANCHOR: boundary
/// The first multiple of `interval` since the Unix epoch that is strictly
/// after `now`: for a 5 s interval at 12:00:03.2 that is 12:00:05.0.
/// Computed from the clock every time, so errors never add up (no drift).
pub fn next_boundary(now: SystemTime, interval: Duration) -> SystemTime {
    assert!(!interval.is_zero(), "interval must not be zero");
    // A clock set before 1970 is a broken clock; treat it as the epoch.
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
    let step = interval.as_nanos();
    let next = (since_epoch / step + 1) * step;
    UNIX_EPOCH + Duration::from_nanos(next as u64)
}
// ANCHOR_END: boundary

/// `HH:MM:SS.mmm` in UTC. (Local time needs the time zone database: see the
/// chapter's page on time zones, and the `jiff` or `chrono` crates.)
pub fn utc_time_of_day(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() % 86_400;
    format!("{:02}:{:02}:{:02}.{:03}", secs / 3600, secs / 60 % 60, secs % 60, d.subsec_millis())
}

/// A signed number of nanoseconds as seconds with a sign: `+1.500012s`.
pub fn signed_secs(ns: i64) -> String {
    let sign = if ns < 0 { '-' } else { '+' };
    let abs = ns.unsigned_abs();
    format!("{sign}{}.{:06}s", abs / 1_000_000_000, abs % 1_000_000_000 / 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_boundary_is_strictly_after_now_and_a_multiple() {
        let at = |s: u64, ms: u64| UNIX_EPOCH + Duration::from_secs(s) + Duration::from_millis(ms);
        let five = Duration::from_secs(5);
        assert_eq!(next_boundary(at(1_000_003, 200), five), at(1_000_005, 0));
        assert_eq!(next_boundary(at(1_000_005, 0), five), at(1_000_010, 0));
        assert_eq!(next_boundary(at(1_000_009, 999), five), at(1_000_010, 0));
    }

    #[test]
    fn time_of_day_and_signed_seconds_format() {
        let t = UNIX_EPOCH + Duration::from_millis(86_400_000 * 3 + 3_723_045);
        assert_eq!(utc_time_of_day(t), "01:02:03.045");
        assert_eq!(signed_secs(1_500_012_345), "+1.500012s");
        assert_eq!(signed_secs(-2_000), "-0.000002s");
    }
}
