//! Microsoft SNDS `data.aspx` rows (CSV, no header, 14 columns): for each day
//! and IP of a provider publishing SNDS, the activity window (the day, 12:00
//! AM to 12:00 AM), RCPT commands (every attempt), DATA commands and message
//! recipients (accepted mail), the filter result, the complaint rate as a
//! percentage with two decimals (SNDS itself writes `< 0.1%` for small rates;
//! the exact figure is written here so that it reads back as it was), the
//! trap window and hits, a sample HELO and MAIL FROM. Column order after
//! `undersfx/sndslib`'s fixture (3rd-party: Microsoft's own page was not
//! available).

use std::io::{self, Write};

use super::Events;
use super::cells::SENDER_DOMAIN;
use super::stream::MS_PER_DAY;
use super::text::snds_time;
use crate::model::Published;

/// Writes one SNDS row per published row.
pub fn write(events: &Events, out: &mut impl Write) -> io::Result<()> {
    for (row, _) in events.published_rows(Published::Snds) {
        let n = |v: Option<u64>| v.unwrap_or(0);
        let day_ms = row.date.days_since_epoch() * MS_PER_DAY;
        let (start, end) = (snds_time(day_ms), snds_time(day_ms + MS_PER_DAY));
        let attempts = n(row.delivered) + n(row.deferred) + n(row.bounced) + n(row.blocked);
        let rate = row.spam_rate.map(|r| format!("{:.2}%", r * 100.0)).unwrap_or_default();
        let traps = n(row.trap_hits);
        let (trap_start, trap_end) = if traps > 0 { (start.as_str(), end.as_str()) } else { ("", "") };
        writeln!(
            out,
            "{ip},{start},{end},{attempts},{data},{data},{filter},{rate},{trap_start},{trap_end},{traps},mta1.{SENDER_DOMAIN},news@{SENDER_DOMAIN},",
            ip = row.ip,
            data = n(row.delivered),
            filter = row.reputation.as_deref().unwrap_or(""),
        )?;
    }
    Ok(())
}
