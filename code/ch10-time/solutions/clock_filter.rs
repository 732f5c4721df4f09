// Solution: offset and delay from four timestamps (see exercises/clock_filter.rs).

/// `a - b` in nanoseconds, right across the 2036 wrap.
fn diff_ns(a: u64, b: u64) -> i64 {
    let units = a.wrapping_sub(b) as i64 as i128; // 2^-32 s, signed
    ((units * 1_000_000_000) >> 32) as i64
}

/// (offset, delay) in nanoseconds from [T1, T2, T3, T4].
pub fn offset_delay(t: [u64; 4]) -> (i64, i64) {
    let [t1, t2, t3, t4] = t;
    let offset = (diff_ns(t2, t1) + diff_ns(t3, t4)) / 2;
    let delay = diff_ns(t4, t1) - diff_ns(t3, t2);
    (offset, delay)
}

/// The offset of the sample with the smallest delay, or None with no samples.
pub fn best_offset(samples: &[[u64; 4]]) -> Option<i64> {
    samples.iter().map(|&t| offset_delay(t)).min_by_key(|&(_, delay)| delay).map(|(offset, _)| offset)
}
