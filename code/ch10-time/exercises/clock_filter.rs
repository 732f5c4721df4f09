// Exercise: offset and delay from four timestamps, and the best of several.
//
// Task: one SNTP exchange gives four 64-bit NTP timestamps (seconds since 1900
// in the top 32 bits, 2^-32 s units below): T1 client sent, T2 server received,
// T3 server sent, T4 client received. Compute
//     offset = ((T2 - T1) + (T3 - T4)) / 2     delay = (T4 - T1) - (T3 - T2)
// in nanoseconds. Differences must be right across the 2036 wrap (subtract as
// wrapping u64, then read the result as signed). Then, like NTP's clock filter,
// pick from several exchanges the offset of the one with the smallest delay:
// its error (at most delay/2) is the smallest.
// Goal: `cargo run -- exercises ch10` reports `clock_filter` passing.
// Time: about 20 minutes.
#![allow(unused)] // delete this line when you start

/// (offset, delay) in nanoseconds from [T1, T2, T3, T4].
pub fn offset_delay(t: [u64; 4]) -> (i64, i64) {
    todo!("wrapping_sub, as i64, then 2^-32 s units to nanoseconds")
}

/// The offset of the sample with the smallest delay, or None with no samples.
pub fn best_offset(samples: &[[u64; 4]]) -> Option<i64> {
    todo!()
}
