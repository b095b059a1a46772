//! Timestamps as the event formats write them, from Unix milliseconds (UTC),
//! and the synthetic names every format shares (recipients).

use super::cells::Cell;
use super::stream::MS_PER_DAY;
use crate::observed::CivilDate;

/// Date and time of day (hour, minute, second, millisecond) of `ms`.
fn split(ms: i64) -> (CivilDate, i64, i64, i64, i64) {
    let date = CivilDate::from_days_since_epoch(ms.div_euclid(MS_PER_DAY));
    let in_day = ms.rem_euclid(MS_PER_DAY);
    (date, in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000)
}

/// `2026-03-02T09:00:01.120Z` (SES, KumoMTA's `event_time`).
pub fn rfc3339_ms(ms: i64) -> String {
    let (date, h, m, s, milli) = split(ms);
    format!("{date}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// `2026-03-02T09:00:01+00:00` (high-precision syslog without fractions, as
/// rsyslog's file format writes it).
pub fn syslog_rfc3339(ms: i64) -> String {
    let (date, h, m, s, _) = split(ms);
    format!("{date}T{h:02}:{m:02}:{s:02}+00:00")
}

/// SNDS's `3/2/2026 8:00 AM`.
pub fn snds_time(ms: i64) -> String {
    let (date, h, m, _, _) = split(ms);
    let (year, month, day) = date.ymd();
    let (hour12, half) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{month}/{day}/{year} {hour12}:{m:02} {half}")
}

/// Unix seconds of `ms`.
pub fn unix_seconds(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

/// The synthetic recipient of message `serial` at `cell`'s provider.
pub fn recipient(serial: u64, cell: &Cell) -> String {
    format!("rcpt-{serial}@{}", cell.domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_each_formats_words() {
        let day = CivilDate::parse("2026-03-02").expect("date").days_since_epoch();
        let ms = day * MS_PER_DAY + 9 * 3_600_000 + 14 * 60_000 + 7_120;
        assert_eq!(rfc3339_ms(ms), "2026-03-02T09:14:07.120Z");
        assert_eq!(syslog_rfc3339(ms), "2026-03-02T09:14:07+00:00");
        assert_eq!(snds_time(ms), "3/2/2026 9:14 AM");
        assert_eq!(snds_time(day * MS_PER_DAY), "3/2/2026 12:00 AM");
        assert_eq!(snds_time(day * MS_PER_DAY + 13 * 3_600_000), "3/2/2026 1:00 PM");
        assert_eq!(unix_seconds(ms), 1_772_442_847);
    }
}
