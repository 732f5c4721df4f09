// Solution: NTP timestamps on both sides of 2036 (see exercises/ntp_era.rs).

/// Seconds from 1900-01-01 to 1970-01-01.
pub const UNIX_EPOCH_IN_NTP: i64 = 2_208_988_800;

/// Unix time (`secs` since 1970, `nanos` < 10^9) as an NTP timestamp.
/// Valid for 1968–2104.
pub fn unix_to_ntp(secs: i64, nanos: u32) -> u64 {
    // Seconds since 1900 in either era, then keep the low 32 bits: that is
    // exactly what the wrap does on the wire.
    let ntp_secs = (secs + UNIX_EPOCH_IN_NTP) as u64 & 0xffff_ffff;
    // Rounded to the nearest 2^-32 s, so the way back lands on the same nanosecond.
    let frac = (((nanos as u64) << 32) + 500_000_000) / 1_000_000_000;
    (ntp_secs << 32) | frac.min(0xffff_ffff)
}

/// An NTP timestamp as Unix time (secs, nanos), using the RFC 4330 rule for the era.
pub fn ntp_to_unix(ntp: u64) -> (i64, u32) {
    let ntp_secs = (ntp >> 32) as i64;
    let frac = ntp & 0xffff_ffff;
    // Top bit set: 1968–2036, era 0. Clear: 2036–2104, era 1.
    let since_1900 = if ntp_secs & 0x8000_0000 != 0 { ntp_secs } else { ntp_secs + (1 << 32) };
    let nanos = ((frac * 1_000_000_000 + (1 << 31)) >> 32) as u32;
    (since_1900 - UNIX_EPOCH_IN_NTP, nanos)
}
