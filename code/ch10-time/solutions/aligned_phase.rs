// Solution: the next aligned boundary, with a phase (see exercises/aligned_phase.rs).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn next_boundary_with_phase(now: SystemTime, interval: Duration, phase: Duration) -> SystemTime {
    assert!(!interval.is_zero() && phase < interval, "need 0 <= phase < interval");
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos();
    let (step, phase) = (interval.as_nanos(), phase.as_nanos());
    // Boundaries are k*step + phase. Find the smallest one > now.
    let k = if since_epoch < phase { 0 } else { (since_epoch - phase) / step + 1 };
    UNIX_EPOCH + Duration::from_nanos((k * step + phase) as u64)
}
