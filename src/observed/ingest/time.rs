//! Timestamps of the input formats, down to the UTC day: RFC 3339 / ISO 8601
//! (`2026-03-02T09:00:01.120Z`, `...+02:00`), Unix seconds, classic syslog
//! (`Mar  2 09:14:07`, no year) and SNDS's `3/1/2026 8:00 AM`.

use super::super::CivilDate;

/// Largest Unix time accepted (seconds): the year 9999.
const MAX_UNIX_SECONDS: i64 = 253_402_300_799;

/// The UTC day of an RFC 3339 timestamp (`T` or a space between date and
/// time; `Z` or a `±hh:mm` offset; fractional seconds allowed). A date alone
/// (`2026-03-02`) is that day.
pub fn rfc3339_date(text: &str) -> Option<CivilDate> {
    let text = text.trim();
    let date = CivilDate::parse(text.get(..10)?)?;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let b = rest.as_bytes();
    let two = |i: usize| -> Option<i64> {
        let s = rest.get(i..i + 2)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (hour, minute, second) = (two(0)?, two(3)?, two(6)?);
    if b.get(2) != Some(&b':') || b.get(5) != Some(&b':') || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut zone = &rest[8..];
    if let Some(frac) = zone.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        zone = &frac[digits..];
    }
    let offset_minutes = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = &zone[1..];
            let hh: i64 = z.get(..2).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()?;
            let mm: i64 = match z.get(2..) {
                Some(m) if m.len() == 3 && m.starts_with(':') => m[1..].parse().ok()?,
                Some(m) if m.len() == 2 => m.parse().ok()?,
                _ => return None,
            };
            if hh > 23 || mm > 59 {
                return None;
            }
            sign * (hh * 60 + mm)
        }
    };
    let local_minutes = hour * 60 + minute - offset_minutes;
    Some(date.plus_days(local_minutes.div_euclid(24 * 60)))
}

/// The UTC day of a Unix time in seconds (0 to the year 9999).
pub fn unix_date(seconds: f64) -> Option<CivilDate> {
    if !seconds.is_finite() || !(0.0..=MAX_UNIX_SECONDS as f64).contains(&seconds) {
        return None;
    }
    Some(CivilDate::from_unix_seconds(seconds as i64))
}

/// Month numbers of syslog's English abbreviations.
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A classic syslog timestamp at the start of `line` (`Mar  2 09:14:07`):
/// month (1-12), day, and the rest of the line after it.
pub fn syslog_month_day(line: &str) -> Option<(u32, u32, &str)> {
    let month = MONTHS.iter().position(|m| line.get(..3) == Some(m))? as u32 + 1;
    let rest = line.get(3..)?.trim_start_matches(' ');
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let day: u32 = rest.get(..day_len)?.parse().ok()?;
    let rest = rest.get(day_len..)?.strip_prefix(' ')?;
    let time = rest.get(..8)?;
    let ok = time.bytes().enumerate().all(|(i, c)| if i == 2 || i == 5 { c == b':' } else { c.is_ascii_digit() });
    if !ok || !(1..=31).contains(&day) {
        return None;
    }
    Some((month, day, &rest[8..]))
}

/// The day of an SNDS timestamp, `M/D/YYYY h:mm AM` (the time is ignored:
/// SNDS states no time zone).
pub fn snds_date(text: &str) -> Option<CivilDate> {
    let date = text.split_whitespace().next()?;
    let mut parts = date.split('/');
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let year: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    CivilDate::new(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Option<String> {
        rfc3339_date(text).map(|d| d.to_string())
    }

    #[test]
    fn rfc3339_timestamps_give_their_utc_day() {
        assert_eq!(day("2026-03-02T09:00:01.120Z").as_deref(), Some("2026-03-02"));
        assert_eq!(day("2026-03-02T01:00:00+02:00").as_deref(), Some("2026-03-01"));
        assert_eq!(day("2026-03-02 23:30:00-0100").as_deref(), Some("2026-03-03"));
        assert_eq!(day("2026-03-02").as_deref(), Some("2026-03-02"));
        for bad in ["2026-03-02T9:00:00Z", "2026-03-02T09:00:00", "2026-02-30T00:00:00Z", "x", "2026-03-02T09:00:00.Z"]
        {
            assert_eq!(day(bad), None, "{bad}");
        }
        assert_eq!(unix_date(1_772_442_000.0).map(|d| d.to_string()).as_deref(), Some("2026-03-02"));
        assert_eq!(unix_date(1e300), None);
        assert_eq!(unix_date(-1.0), None);
    }

    #[test]
    fn syslog_and_snds_timestamps() {
        assert_eq!(syslog_month_day("Mar  2 09:14:07 mta1 x"), Some((3, 2, " mta1 x")));
        assert_eq!(syslog_month_day("Dec 31 23:59:59 h"), Some((12, 31, " h")));
        assert_eq!(syslog_month_day("Mar 32 09:14:07 h"), None);
        assert_eq!(syslog_month_day("Foo  2 09:14:07 h"), None);
        assert_eq!(snds_date("3/1/2026 8:00 AM").map(|d| d.to_string()).as_deref(), Some("2026-03-01"));
        assert_eq!(snds_date("13/1/2026 8:00 AM"), None);
    }
}
