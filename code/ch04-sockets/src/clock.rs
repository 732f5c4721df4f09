//! Wall-clock formatting without a date crate: the HTTP `Date` header and the
//! multicast ticker's timestamps.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Splits a time into (year, month, day, seconds of the day), in UTC.
/// The day count to civil date conversion is Howard Hinnant's `civil_from_days`.
fn civil(t: SystemTime) -> (i64, u32, u32, u64, u32) {
    // SystemTime before 1970 does not happen on a running Linux clock; clamp to 0.
    let since = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = since.as_secs();
    let days = (secs / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, secs % 86_400, since.subsec_millis())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`: the IMF-fixdate of RFC 9110 §5.6.7.
pub fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (y, m, d, s, _) = civil(t);
    let days = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs() / 86_400;
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize],
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2024-05-01T12:34:50.000Z`: RFC 3339 in UTC with milliseconds.
pub fn rfc3339(t: SystemTime) -> String {
    let (y, m, d, s, ms) = civil(t);
    format!("{y}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_example_date_is_formatted_exactly() {
        // RFC 9110's own example: 784111777 seconds after the epoch.
        let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(rfc3339(t), "1994-11-06T08:49:37.000Z");
    }

    #[test]
    fn a_leap_day_is_formatted() {
        let t = UNIX_EPOCH + Duration::from_millis(951_782_400_250); // 2000-02-29
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00.250Z");
    }
}
