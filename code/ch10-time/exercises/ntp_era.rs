// Exercise: NTP timestamps on both sides of 2036.
//
// Task: an NTP timestamp is 32 bits of seconds since 1900-01-01 plus 32 bits of
// fraction (units of 2^-32 s). The seconds wrap on 2036-02-07 06:28:16 UTC.
// RFC 4330 (section 3) says how a client tells the eras apart: if the top bit
// of the seconds is 1, the time is between 1968 and 2036 (era 0); if it is 0,
// it is between 2036 and 2104 (era 1, seconds counted from 2036-02-07).
// Convert both ways between Unix time (seconds since 1970, plus nanoseconds)
// and the 64-bit timestamp.
// Goal: `cargo run -- exercises ch10` reports `ntp_era` passing: the Unix epoch
// is 0x83AA7E80 seconds, half a second is fraction 0x80000000, 2036 and 2100
// survive the round trip, and a round trip gives back the very nanosecond.
// Time: about 20 minutes.
#![allow(unused)] // delete this line when you start

/// Seconds from 1900-01-01 to 1970-01-01.
pub const UNIX_EPOCH_IN_NTP: i64 = 2_208_988_800;

/// Unix time (`secs` since 1970, `nanos` < 10^9) as an NTP timestamp.
/// Valid for 1968–2104.
pub fn unix_to_ntp(secs: i64, nanos: u32) -> u64 {
    todo!("seconds since 1900, modulo 2^32, in the top half; nanos * 2^32 / 10^9 in the bottom")
}

/// An NTP timestamp as Unix time (secs, nanos), using the RFC 4330 rule for the era.
pub fn ntp_to_unix(ntp: u64) -> (i64, u32) {
    todo!("top bit set: era 0; clear: era 1, add 2^32 seconds")
}
