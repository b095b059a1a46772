//! Microsoft SNDS `data.aspx` export: CSV without a header, one line per IP
//! and day, 14 columns (`IP Address`, `Activity start`, `Activity end`,
//! `RCPT commands`, `DATA commands`, `Message recipients`, `Filter result`,
//! `Complaint rate`, `Trap message period start`, `Trap message period end`,
//! `Trap hits`, `Sample HELO`, `Sample MAIL FROM`, `Comments`). SNDS reports on
//! Outlook.com, so the provider is `microsoft`; the day is the date of
//! `Activity start` (SNDS states no time zone).
//!
//! Only what SNDS publishes about the IP is read: `reputation` = the filter
//! result (`GREEN`, `YELLOW`, `RED`), `spam_rate` = the complaint rate
//! (`0.3%` is 0.003; `< 0.1%` is taken as half its bound, 0.0005), and
//! `trap_hits`. Its RCPT, DATA and recipient counts are Microsoft's counts of
//! all traffic it received from the IP in its own activity window, not the
//! sender's `sent` or `delivered` per UTC day, so they are not mixed in.

use super::time::snds_date;
use super::{LineError, Sink};
use crate::observed::ObservedRow;
use crate::observed::lines::split_csv;
use crate::observed::problem::quoted;

/// The provider SNDS reports on.
pub const PROVIDER: &str = "microsoft";

/// Columns read (the later ones are samples and comments).
const MIN_FIELDS: usize = 11;

/// Reads one line.
pub fn line(sink: &mut Sink, number: u64, text: &str) -> Result<(), LineError> {
    let fields = split_csv(text).map_err(|(column, message)| (Some(column), message))?;
    if fields.len() < MIN_FIELDS {
        return Err((
            None,
            format!("expected at least {MIN_FIELDS} comma-separated fields (SNDS data.aspx), got {}", fields.len()),
        ));
    }
    let field = |i: usize| fields[i].trim();
    let ip: std::net::IpAddr = field(0)
        .parse()
        .map_err(|_| (Some(1), format!("IP Address: expected an address, got {}", quoted(field(0)))))?;
    let date = snds_date(field(1))
        .ok_or_else(|| (None, format!("Activity start: expected M/D/YYYY h:mm AM, got {}", quoted(field(1)))))?;
    let reputation = match field(6).to_ascii_uppercase().as_str() {
        "" => None,
        r @ ("GREEN" | "YELLOW" | "RED") => Some(r.to_string()),
        _ => return Err((None, format!("Filter result: expected GREEN, YELLOW or RED, got {}", quoted(field(6))))),
    };
    let spam_rate = complaint_rate(field(7)).ok_or_else(|| {
        (None, format!("Complaint rate: expected a percentage such as 0.3% or < 0.1%, got {}", quoted(field(7))))
    })?;
    let trap_hits = match field(10) {
        "" => None,
        t => Some(t.parse::<u64>().map_err(|_| (None, format!("Trap hits: expected a count, got {}", quoted(t))))?),
    };
    let row = ObservedRow {
        date,
        provider: PROVIDER.to_string(),
        ip: ip.to_string(),
        reputation,
        spam_rate,
        trap_hits,
        ..ObservedRow::default()
    };
    sink.publish(row, number);
    Ok(())
}

/// A complaint rate: `""` (none published), `0.3%`, `< 0.1%` (half the bound).
fn complaint_rate(text: &str) -> Option<Option<f64>> {
    if text.is_empty() {
        return Some(None);
    }
    let (below, number) = match text.strip_prefix('<') {
        Some(rest) => (true, rest.trim()),
        None => (false, text),
    };
    let percent: f64 = number.strip_suffix('%')?.trim().parse().ok()?;
    if !(0.0..=100.0).contains(&percent) {
        return None;
    }
    let rate = percent / 100.0;
    Some(Some(if below { rate / 2.0 } else { rate }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complaint_rates() {
        assert_eq!(complaint_rate("0.3%"), Some(Some(0.003)));
        assert_eq!(complaint_rate("< 0.1%"), Some(Some(0.0005)));
        assert_eq!(complaint_rate(""), Some(None));
        assert_eq!(complaint_rate("0.3"), None);
        assert_eq!(complaint_rate("500%"), None);
    }
}
