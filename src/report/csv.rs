//! `daily.csv`: one tidy row per (day, provider, IP).

use std::io::Write;

use super::ReportError;
use super::aggregate::name_of;
use crate::sim::{DailyRecord, RunResult};

/// What a column of `daily.csv` holds: its type in `daily.parquet` (`ipwarm run --series-format parquet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyKind {
    /// A whole number (a count, a day).
    Count,
    /// A real number (the reputation, written with 4 decimals).
    Real,
    /// Text (names, levels).
    Text,
}

/// One column of `daily.csv`: its name, what it holds and how a record's value is written.
struct Column {
    /// Header name (README.md describes each).
    name: &'static str,
    /// What it holds.
    kind: DailyKind,
    /// The field of record `r` of `result`.
    value: fn(result: &RunResult, r: &DailyRecord) -> String,
}

/// A column holding a count of the record.
macro_rules! count {
    ($name:literal, $field:ident) => {
        Column { name: $name, kind: DailyKind::Count, value: |_, r| r.counts.$field.to_string() }
    };
}

/// The columns of `daily.csv`, in order: the header and every row are written from this table.
const COLUMNS: [Column; 17] = [
    Column { name: "day", kind: DailyKind::Count, value: |_, r| r.day.to_string() },
    Column {
        name: "provider",
        kind: DailyKind::Text,
        value: |result, r| name_of(&result.provider_names, r.provider).into_owned(),
    },
    Column { name: "ip", kind: DailyKind::Text, value: |result, r| name_of(&result.ip_names, r.ip).into_owned() },
    count!("sent", sent),
    count!("inbox", inbox),
    count!("junk", junk),
    count!("deferred", deferred),
    count!("bounced", bounced),
    count!("blocked", blocked),
    count!("expired", expired),
    Column { name: "queued", kind: DailyKind::Count, value: |_, r| r.queued.to_string() },
    count!("complaints", complaints),
    count!("fbl_complaints", fbl_complaints),
    count!("opens", opens),
    count!("spam_trap_hits", trap_hits),
    Column { name: "reputation", kind: DailyKind::Real, value: |_, r| format!("{:.4}", r.reputation) },
    Column { name: "reputation_level", kind: DailyKind::Text, value: |_, r| r.level.as_str().to_string() },
];

/// Writes the daily records of `result` as CSV to `w`.
///
/// One row per (day, provider, IP), ordered by day, then provider index, then
/// IP index, with the columns of `COLUMNS` (README.md describes each).
/// Providers and IPs are written by name (`#N` if the result has no name for
/// index N), the reputation with 4 decimals and its level as
/// `Bad`/`Low`/`Medium`/`High`. The output is a pure function of `result`:
/// the same result always gives the same bytes.
///
/// ```
/// let mut scenario = ipwarm::scenario::default_scenario()?;
/// scenario.horizon_days = 3;
/// let result = ipwarm::sim::run(&scenario, 1)?;
/// let mut csv = Vec::new();
/// ipwarm::report::write_daily_csv(&result, &mut csv)?;
/// let csv = String::from_utf8(csv)?;
/// assert!(csv.starts_with("day,"));
/// assert_eq!(csv.lines().count(), 1 + result.records.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_daily_csv<W: Write>(result: &RunResult, w: W) -> Result<(), ReportError> {
    let mut writer = ::csv::Writer::from_writer(w);
    writer.write_record(COLUMNS.iter().map(|c| c.name))?;
    for r in daily_rows(result) {
        writer.write_record(COLUMNS.iter().map(|c| (c.value)(result, r)))?;
    }
    writer.flush()?;
    Ok(())
}

/// The records of `result` in the order of `daily.csv`.
fn daily_rows(result: &RunResult) -> Vec<&DailyRecord> {
    let mut rows: Vec<&DailyRecord> = result.records.iter().collect();
    rows.sort_by_key(|r| (r.day, r.provider, r.ip));
    rows
}

/// One column of `daily.csv` with its fields, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyColumn {
    /// Header name.
    pub name: &'static str,
    /// What it holds.
    pub kind: DailyKind,
    /// Its field in each row, in row order, as `daily.csv` writes it.
    pub fields: Vec<String>,
}

/// The columns of `daily.csv` of `result`, each with its fields: what `daily.parquet` holds.
pub fn daily_columns(result: &RunResult) -> Vec<DailyColumn> {
    let rows = daily_rows(result);
    COLUMNS
        .iter()
        .map(|c| DailyColumn {
            name: c.name,
            kind: c.kind,
            fields: rows.iter().map(|r| (c.value)(result, r)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    fn csv_string(result: &RunResult) -> String {
        let mut buf = Vec::new();
        assert!(write_daily_csv(result, &mut buf).is_ok());
        String::from_utf8(buf).unwrap_or_default()
    }

    #[test]
    fn header_and_row_count() {
        let result = testdata::small();
        let text = csv_string(&result);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "day,provider,ip,sent,inbox,junk,deferred,bounced,blocked,expired,queued,complaints,\
                 fbl_complaints,opens,spam_trap_hits,reputation,reputation_level"
            )
        );
        assert_eq!(lines.count(), 10 * 3 * 2);
    }

    #[test]
    fn rows_ordered_by_day_provider_ip() {
        let result = testdata::small();
        let text = csv_string(&result);
        let keys: Vec<(u32, String, String)> = text
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                (f[0].parse().unwrap_or(0), f[1].to_string(), f[2].to_string())
            })
            .collect();
        assert_eq!(keys[0], (1, "gmail".to_string(), "ip-a".to_string()));
        assert_eq!(keys[1], (1, "gmail".to_string(), "ip-b".to_string()));
        assert_eq!(keys[2], (1, "microsoft".to_string(), "ip-a".to_string()));
        assert_eq!(keys[6], (2, "gmail".to_string(), "ip-a".to_string()));
        let order = |p: &str| result.provider_names.iter().position(|n| n == p);
        let idx: Vec<_> = keys.iter().map(|(d, p, ip)| (*d, order(p), ip.clone())).collect();
        let mut sorted = idx.clone();
        sorted.sort();
        assert_eq!(idx, sorted);
    }

    #[test]
    fn row_values_and_formatting() {
        let result = testdata::small();
        let text = csv_string(&result);
        let row = text.lines().nth(1).unwrap_or_default();
        let r = &result.records[0];
        let c = &r.counts;
        let expected = format!(
            "1,gmail,ip-a,{},{},{},{},{},{},{},{},{},{},{},{},{:.4},{}",
            c.sent,
            c.inbox,
            c.junk,
            c.deferred,
            c.bounced,
            c.blocked,
            c.expired,
            r.queued,
            c.complaints,
            c.fbl_complaints,
            c.opens,
            c.trap_hits,
            r.reputation,
            r.level.as_str()
        );
        assert_eq!(row, expected);
        assert!(row.ends_with(",0.2200,Low"));
    }

    #[test]
    fn byte_identical_on_two_writes() {
        let result = testdata::small();
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(write_daily_csv(&result, &mut a).is_ok());
        assert!(write_daily_csv(&result, &mut b).is_ok());
        assert!(!a.is_empty());
        assert_eq!(a, b);
    }

    #[test]
    fn readme_describes_every_column() {
        let readme = include_str!("../../README.md");
        for c in &COLUMNS {
            assert!(
                readme.contains(&format!("`{}`", c.name)),
                "README.md does not describe daily.csv column {}",
                c.name
            );
        }
    }

    #[test]
    fn unknown_indices_get_placeholder_names() {
        let mut result = testdata::small();
        result.provider_names.truncate(1);
        let text = csv_string(&result);
        assert!(text.contains(",#2,ip-a,"));
    }
}
