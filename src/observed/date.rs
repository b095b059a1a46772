//! Civil dates (proleptic Gregorian, UTC), enough for daily delivery data:
//! parsing `YYYY-MM-DD`, day arithmetic and weekdays, by Howard Hinnant's
//! days-from-civil algorithm (<http://howardhinnant.github.io/date_algorithms.html>).

use std::fmt;

/// A day, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    days: i64,
}

impl CivilDate {
    /// The date `year-month-day`, or `None` if there is no such day.
    pub fn new(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Self { days: era * 146_097 + doe - 719_468 })
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    pub fn from_days_since_epoch(days: i64) -> Self {
        Self { days }
    }

    /// Days since 1970-01-01.
    pub fn days_since_epoch(self) -> i64 {
        self.days
    }

    /// The date of a Unix timestamp (seconds, UTC).
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Self { days: seconds.div_euclid(86_400) }
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// The date `n` days later (earlier if negative).
    pub fn plus_days(self, n: i64) -> Self {
        Self { days: self.days + n }
    }

    /// Days from `earlier` to `self`.
    pub fn days_after(self, earlier: Self) -> i64 {
        self.days - earlier.days
    }

    /// Day of the week, 0 = Monday to 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days + 3).rem_euclid(7) as u32
    }

    /// Parses `YYYY-MM-DD`; `None` unless it is exactly that and a real day.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<i64> {
            text.get(r.clone()).filter(|s| s.bytes().all(|c| c.is_ascii_digit()))?.parse().ok()
        };
        Self::new(digits(0..4)?, u32::try_from(digits(5..7)?).ok()?, u32::try_from(digits(8..10)?).ok()?)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_know_their_weekday() {
        assert_eq!(CivilDate::new(1970, 1, 1).map(CivilDate::days_since_epoch), Some(0));
        for days in (-800_000..800_000).step_by(997) {
            let d = CivilDate::from_days_since_epoch(days);
            let (y, m, dd) = d.ymd();
            assert_eq!(CivilDate::new(y, m, dd), Some(d));
            assert_eq!(
                CivilDate::parse(&d.to_string()).filter(|_| (0..=9999).contains(&y)),
                (0..=9999).contains(&y).then_some(d)
            );
        }
        let monday = CivilDate::parse("2026-03-02").expect("date");
        assert_eq!(monday.weekday(), 0);
        assert_eq!(CivilDate::parse("2024-02-29").map(|d| d.plus_days(1).to_string()), Some("2024-03-01".into()));
        for bad in ["2023-02-29", "2026-13-01", "2026-1-01", "26-01-01x", "2026-01-00", "２０２６-01-01"] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
        assert_eq!(CivilDate::from_unix_seconds(1_772_442_000).to_string(), "2026-03-02");
    }
}
