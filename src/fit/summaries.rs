//! The summary statistics a fit compares: what the sender observes, per provider and day,
//! transformed towards normality.
//!
//! Rows of the sender's reference IPs (its dedicated IPs, or every IP if it has none:
//! `sim::ReferenceIps`) are added up per (provider, day); a shared pool's IPs follow the
//! pool's own trust, not the parameters fitted. Each (provider, day) gives [`STATISTICS`]:
//!
//! | statistic | value | why |
//! |---|---|---|
//! | `deferral` | elogit(4xx replies, attempts) | the allowance and its growth |
//! | `block` | elogit(5xx blocks, attempts) | low trust |
//! | `open` | elogit(opens, delivered) | inbox placement, so trust (inbox and junk are told apart only through opens) |
//! | `complaint` | elogit(feedback-loop complaints, delivered) | placement; where a loop reports |
//! | `spam_rate` | ln(published rate + 10⁻⁴) | placement; Postmaster Tools |
//! | `reputation` | mean published level, HIGH/GREEN highest | trust; Postmaster Tools, SNDS |
//!
//! `attempts` = delivered + deferred + bounced + blocked (each attempt gets one reply);
//! `elogit(k, n) = ln((k + ½) / (n − k + ½))`, the empirical logit, defined for 0 and `n`.
//! Bounces are left out: they measure the list, not the provider. A statistic the data do not
//! give (a column left empty, a day without rows) is NaN and left out of the distance; a
//! simulated day without rows is a day with nothing sent (counts 0).

use crate::observed::ObservedRow;

/// The statistics of one (provider, day), in order.
pub const STATISTICS: [&str; 6] = ["deferral", "block", "open", "complaint", "spam_rate", "reputation"];

/// Where each summary sits: `((provider · n_days) + day − 1) · STATISTICS.len() + statistic`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLayout {
    /// Days compared.
    pub n_days: u32,
    /// Names of the providers compared, in order.
    pub providers: Vec<String>,
    /// Per scenario IP, whether its rows count (a reference IP).
    pub reference: Vec<bool>,
}

/// The counts of one (provider, day), summed over reference IPs.
#[derive(Debug, Clone, Default)]
struct Cell {
    rows: u32,
    /// Whether a row gave the SMTP replies (`delivered`): a provider export (Postmaster Tools,
    /// SNDS) gives none, so its deferral and block statistics are not observed, not 0 of 0.
    replies: bool,
    delivered: u64,
    deferred: u64,
    bounced: u64,
    blocked: u64,
    opens: Option<u64>,
    complaints: Option<u64>,
    spam_rate: Option<(f64, u32)>,
    reputation: Option<(f64, u32)>,
}

impl SummaryLayout {
    /// Number of summaries.
    pub fn len(&self) -> usize {
        self.providers.len() * self.n_days as usize * STATISTICS.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The summaries of `rows`, each with its IP's scenario index and its day (1-based; rows
    /// of other days or providers are ignored). `missing_is_zero`: a (provider, day) without
    /// rows sent nothing (a simulation) rather than was not observed (data).
    pub fn summaries<'a>(
        &self,
        rows: impl Iterator<Item = (&'a ObservedRow, usize, i64)>,
        missing_is_zero: bool,
    ) -> Vec<f64> {
        let n_days = self.n_days as usize;
        let mut cells = vec![Cell::default(); self.providers.len() * n_days];
        for (row, ip, day) in rows {
            if !self.reference.get(ip).copied().unwrap_or(false) || day < 1 || day > n_days as i64 {
                continue;
            }
            let Some(p) = self.provider_position(&row.provider) else { continue };
            add(&mut cells[p * n_days + day as usize - 1], row);
        }
        let mut out = Vec::with_capacity(self.len());
        for cell in &cells {
            if cell.rows == 0 && !missing_is_zero {
                out.extend([f64::NAN; STATISTICS.len()]);
                continue;
            }
            let attempts = cell.delivered + cell.deferred + cell.bounced + cell.blocked;
            let replies = cell.replies || cell.rows == 0;
            out.push(if replies { elogit(cell.deferred, attempts) } else { f64::NAN });
            out.push(if replies { elogit(cell.blocked, attempts) } else { f64::NAN });
            out.push(cell.opens.map_or(f64::NAN, |o| elogit(o.min(cell.delivered), cell.delivered)));
            out.push(cell.complaints.map_or(f64::NAN, |c| elogit(c.min(cell.delivered), cell.delivered)));
            out.push(cell.spam_rate.map_or(f64::NAN, |(sum, n)| (sum / f64::from(n) + 1e-4).ln()));
            out.push(cell.reputation.map_or(f64::NAN, |(sum, n)| sum / f64::from(n)));
        }
        out
    }

    /// Position of provider `name` among the compared providers.
    fn provider_position(&self, name: &str) -> Option<usize> {
        self.providers.iter().position(|n| n == name)
    }

    /// The name of summary `index`: `provider/day/statistic`.
    pub fn name(&self, index: usize) -> String {
        let n_stats = STATISTICS.len();
        let cell = index / n_stats;
        let (p, day) = (cell / self.n_days.max(1) as usize, cell % self.n_days.max(1) as usize + 1);
        let provider = self.providers.get(p).map_or("?", String::as_str);
        format!("{provider}/{day}/{}", STATISTICS[index % n_stats])
    }
}

/// Adds `row` to `cell`.
fn add(cell: &mut Cell, row: &ObservedRow) {
    cell.rows += 1;
    cell.replies |= row.delivered.is_some();
    cell.delivered += row.delivered.unwrap_or(0);
    cell.deferred += row.deferred.unwrap_or(0);
    cell.bounced += row.bounced.unwrap_or(0);
    cell.blocked += row.blocked.unwrap_or(0);
    if let Some(o) = row.opens {
        cell.opens = Some(cell.opens.unwrap_or(0) + o);
    }
    if let Some(c) = row.complaints {
        cell.complaints = Some(cell.complaints.unwrap_or(0) + c);
    }
    if let Some(rate) = row.spam_rate.filter(|r| r.is_finite()) {
        let (sum, n) = cell.spam_rate.unwrap_or((0.0, 0));
        cell.spam_rate = Some((sum + rate, n + 1));
    }
    if let Some(level) = row.reputation.as_deref().and_then(reputation_score) {
        let (sum, n) = cell.reputation.unwrap_or((0.0, 0));
        cell.reputation = Some((sum + level, n + 1));
    }
}

/// A published reputation as a number: Postmaster Tools' HIGH 3, MEDIUM 2, LOW 1, BAD 0;
/// SNDS's GREEN 3, YELLOW 1.5, RED 0 (the same ends).
pub fn reputation_score(level: &str) -> Option<f64> {
    match level.trim().to_ascii_uppercase().as_str() {
        "HIGH" | "GREEN" => Some(3.0),
        "MEDIUM" => Some(2.0),
        "YELLOW" => Some(1.5),
        "LOW" => Some(1.0),
        "BAD" | "RED" => Some(0.0),
        _ => None,
    }
}

/// The empirical logit `ln((k + ½) / (n − k + ½))`, `k <= n`.
pub fn elogit(k: u64, n: u64) -> f64 {
    let (k, n) = (k as f64, n as f64);
    ((k + 0.5) / (n - k + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observed::CivilDate;

    fn row(provider: &str, delivered: u64, deferred: u64, opens: Option<u64>, reputation: Option<&str>) -> ObservedRow {
        ObservedRow {
            date: CivilDate::default(),
            provider: provider.into(),
            ip: "x".into(),
            delivered: Some(delivered),
            deferred: Some(deferred),
            bounced: Some(0),
            blocked: Some(0),
            opens,
            reputation: reputation.map(String::from),
            ..ObservedRow::default()
        }
    }

    #[test]
    fn rows_add_up_per_provider_and_day_over_reference_ips() {
        let layout =
            SummaryLayout { n_days: 2, providers: vec!["gmail".into(), "yahoo".into()], reference: vec![true, false] };
        assert_eq!(layout.len(), 2 * 2 * STATISTICS.len());
        let a = row("gmail", 90, 10, Some(30), Some("HIGH"));
        let b = row("gmail", 10, 0, Some(0), Some("LOW"));
        let pool = row("gmail", 1000, 1000, Some(0), None);
        let rows = [(&a, 0, 1), (&b, 0, 1), (&pool, 1, 1), (&a, 0, 9)];
        let s = layout.summaries(rows.into_iter(), false);
        assert!((s[0] - elogit(10, 110)).abs() < 1e-12, "deferral over reference IPs only");
        assert!((s[2] - elogit(30, 100)).abs() < 1e-12);
        assert!(s[3].is_nan() && s[4].is_nan(), "no complaints or spam rate given");
        assert_eq!(s[5], 2.0, "mean of HIGH and LOW");
        assert!(s[6..].iter().all(|v| v.is_nan()), "days and providers without rows were not observed");
        let simulated = layout.summaries(std::iter::empty(), true);
        assert_eq!(simulated[0], 0.0, "nothing sent: elogit(0, 0)");
        assert_eq!(layout.name(7), "gmail/2/block");
        assert_eq!(layout.name(12), "yahoo/1/deferral");
        assert_eq!(reputation_score("green"), Some(3.0));
    }

    #[test]
    fn a_provider_export_gives_no_reply_statistics() {
        // A Postmaster Tools row: a reputation, no counts. Its deferral and block shares are
        // not observed (NaN), not elogit(0, 0) = 0 (a share of 1/2, which biased fits of
        // exports towards runs with many deferrals and blocks).
        let layout = SummaryLayout { n_days: 1, providers: vec!["gmail".into()], reference: vec![true] };
        let published = ObservedRow {
            provider: "gmail".into(),
            reputation: Some("HIGH".into()),
            spam_rate: Some(0.001),
            ..ObservedRow::default()
        };
        let s = layout.summaries([(&published, 0, 1)].into_iter(), false);
        assert!(s[0].is_nan() && s[1].is_nan() && s[2].is_nan() && s[3].is_nan(), "{s:?}");
        assert!(s[4].is_finite() && s[5] == 3.0, "{s:?}");
    }
}
