//! The fixed-width summary table printed on the terminal at the end of a run.

use std::fmt::Write as _;

use super::aggregate::{Aggregates, complaint_rate, name_of};
use crate::sim::{Counts, ReputationLevel, RunResult};

/// Percentage `n / d * 100` with `decimals` decimals, or `-` when `d` is zero.
fn pct(n: u64, d: u64, decimals: usize) -> String {
    if d == 0 { "-".to_string() } else { format!("{:.*}", decimals, n as f64 * 100.0 / d as f64) }
}

/// The cells of one row after the provider name.
fn row_cells(c: &Counts, total_sent: u64, level: String, warm: String) -> [String; 8] {
    [
        pct(c.sent, total_sent, 1),
        pct(c.inbox, c.sent, 1),
        pct(c.junk, c.sent, 1),
        pct(c.blocked, c.sent, 1),
        pct(c.expired, c.sent, 1),
        complaint_rate(c).map_or_else(|| "-".to_string(), |r| format!("{:.3}", r * 100.0)),
        level,
        warm,
    ]
}

/// A short fixed-width text table of `result`, for the terminal (no colours).
///
/// The first line names the scenario, the seed and the horizon. Then one row
/// per provider and a `total` row with: share of all sent mail (`sent%`); the
/// inbox, junk, blocked and expired messages as a percentage of the messages
/// sent to that provider (they need not add up to 100: bounces and messages
/// still queued are not shown, and retries of one day's mail land on later
/// days); the complaint rate in % of inbox (`compl%`, see
/// [`complaint_rate`]); the final reputation level of
/// the [reference IPs](crate::sim::ReferenceIps) (`level`); and the warm day (`-` if never warm; in the
/// total row, how many providers got warm). `-` marks an undefined percentage.
/// Lines end with `\n`.
pub fn summary_table(result: &RunResult) -> String {
    let agg = Aggregates::new(result);
    let header = ["provider", "sent%", "inbox%", "junk%", "block%", "expir%", "compl%", "level", "warm"];
    let mut rows: Vec<[String; 9]> = Vec::with_capacity(agg.n_providers + 1);
    for p in 0..agg.n_providers {
        let level = agg.final_reputation(p).map_or("-", |s| ReputationLevel::from_score(s).as_str());
        let warm = result.warm_day.get(p).copied().flatten().map_or_else(|| "-".to_string(), |d| d.to_string());
        let cells = row_cells(&agg.provider_totals(p), result.totals.sent, level.to_string(), warm);
        rows.push(prepend(name_of(&result.provider_names, p).into_owned(), cells));
    }
    let n_warm = (0..agg.n_providers).filter(|&p| result.warm_day.get(p).copied().flatten().is_some()).count();
    let total_cells =
        row_cells(&result.totals, result.totals.sent, "-".to_string(), format!("{n_warm}/{}", agg.n_providers));
    let total = prepend("total".to_string(), total_cells);

    let mut widths = header.map(str::len);
    for row in rows.iter().chain(std::iter::once(&total)) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out =
        format!("scenario: {}   seed: {}   horizon: {} days\n", result.scenario, result.seed, result.horizon_days);
    let header_row = header.map(str::to_string);
    push_row(&mut out, &header_row, &widths);
    let rule_len = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    let rule = "-".repeat(rule_len);
    out.push_str(&rule);
    out.push('\n');
    for row in &rows {
        push_row(&mut out, row, &widths);
    }
    out.push_str(&rule);
    out.push('\n');
    push_row(&mut out, &total, &widths);
    out
}

/// `[name, cells...]`.
fn prepend(name: String, cells: [String; 8]) -> [String; 9] {
    let [a, b, c, d, e, f, g, h] = cells;
    [name, a, b, c, d, e, f, g, h]
}

/// Appends one row: the first column left-aligned, the others right-aligned,
/// two spaces apart, without trailing spaces.
fn push_row(out: &mut String, row: &[String; 9], widths: &[usize; 9]) {
    let mut line = String::new();
    for (i, (cell, &w)) in row.iter().zip(widths).enumerate() {
        // Writing to a String cannot fail.
        let _ = if i == 0 { write!(line, "{cell:<w$}") } else { write!(line, "  {cell:>w$}") };
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn contains_every_provider_and_total() {
        let result = testdata::small();
        let table = summary_table(&result);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].contains("small test"));
        assert!(lines[0].contains("seed: 7"));
        assert!(lines[0].contains("horizon: 10 days"));
        for name in &result.provider_names {
            assert!(lines.iter().any(|l| l.starts_with(name.as_str())), "no row for {name}\n{table}");
        }
        let total = lines.last().copied().unwrap_or_default();
        assert!(total.starts_with("total"));
        assert!(total.contains("100.0"));
        assert!(total.ends_with("2/3"));
        assert!(!table.contains('\x1b'));
    }

    #[test]
    fn columns_are_aligned() {
        let table = summary_table(&testdata::realistic());
        // All columns but the first are right-aligned, so every line after the
        // first (header, rules, rows, total) has the same length.
        let lengths: Vec<usize> = table.lines().skip(1).map(|l| l.chars().count()).collect();
        assert_eq!(lengths.len(), 1 + 1 + 5 + 1 + 1);
        assert!(lengths.iter().all(|&n| n == lengths[0]), "{table}");
        assert!(lengths[0] <= 100, "{table}");
    }

    #[test]
    fn warm_day_dash_when_never_warm() {
        let table = summary_table(&testdata::small());
        let microsoft = table.lines().find(|l| l.starts_with("microsoft")).unwrap_or_default();
        assert!(microsoft.ends_with(" -"));
        let gmail = table.lines().find(|l| l.starts_with("gmail")).unwrap_or_default();
        assert!(gmail.ends_with(" 6"));
    }
}
