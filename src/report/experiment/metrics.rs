//! The outcome of one run of an experiment: the metrics of its `runs.csv` row
//! and its `series.csv` rows, computed from a [`RunResult`].
//!
//! Rows are formatted here, by the worker that ran the simulation, so that the
//! single thread writing files in run order only copies bytes.

use std::fmt::Write as _;

use crate::report::aggregate::{Aggregates, complaint_rate, deferral_rate};
use crate::sim::{Counts, RunResult};

/// Metric columns of `runs.csv` after the per-provider `days_to_warm_<provider>` columns, in order.
pub const RUN_METRICS: [&str; 15] = [
    "days_to_warm_all",
    "providers_warm",
    "sent",
    "inbox",
    "junk",
    "bounced",
    "blocked",
    "expired",
    "deferred",
    "complaints",
    "inbox_share",
    "blocked_share",
    "peak_complaint_rate",
    "peak_deferral_rate",
    POOL_OVERLOAD_DAYS,
];

/// The `runs.csv` column counting, over shared pools and providers, the days the
/// sender's mail through a pool exceeded the pool's own volume (0 inside the
/// model's domain; see [`crate::sim::domain`]).
pub const POOL_OVERLOAD_DAYS: &str = "pool_overload_days";

/// Metric columns of `series.csv` after `run,day,provider`, in order.
pub const SERIES_METRICS: [&str; 9] =
    ["sent", "inbox", "junk", "deferred", "bounced", "blocked", "expired", "complaints", "reputation"];

/// The prefix of the per-provider days-to-warm columns.
pub const DAYS_TO_WARM_PREFIX: &str = "days_to_warm_";

/// Column names of `runs.csv`: identity, one column per axis, status, then metrics.
pub fn runs_header(axes: &[String], providers: &[String]) -> Vec<String> {
    let mut h: Vec<String> = ["run", "point", "replicate", "seed"].map(String::from).to_vec();
    h.extend(axes.iter().cloned());
    h.extend(["status", "message"].map(String::from));
    h.extend(providers.iter().map(|p| format!("{DAYS_TO_WARM_PREFIX}{p}")));
    h.extend(RUN_METRICS.map(String::from));
    h
}

/// Column names of `series.csv`.
pub fn series_header() -> Vec<String> {
    let mut h: Vec<String> = ["run", "day", "provider"].map(String::from).to_vec();
    h.extend(SERIES_METRICS.map(String::from));
    h
}

/// Identity of a run, written at the start of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    /// Index of the run in the experiment (replicate-major: every point of replicate 0, then of replicate 1, ...).
    pub run: usize,
    /// Index of the design point.
    pub point: usize,
    /// Replicate number, from 0.
    pub replicate: u32,
    /// Seed of the run.
    pub seed: u64,
}

/// The formatted rows of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRows {
    /// Whether the run succeeded with finite values everywhere.
    pub ok: bool,
    /// Why it failed (empty when ok).
    pub message: String,
    /// The `runs.csv` line, newline included.
    pub run_row: String,
    /// The `series.csv` lines of the run (empty when the run failed or series are off).
    pub series_rows: String,
}

/// Formats a float with at most 7 significant digits (fixed notation, no
/// exponent, trailing zeros removed): the same value always gives the same text.
pub fn fmt_float(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() { "0".to_string() } else { String::new() };
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (6 - magnitude).clamp(0, 15) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".to_string() } else { s }
}

/// A CSV field: quoted when it contains a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// The rows of run `id`, whose axis values are `labels`, from its simulation
/// result. `providers` are the provider columns of the experiment (a provider
/// absent from this run leaves its column empty). A non-finite metric turns
/// the run into a failure.
pub fn run_rows(id: RunId, labels: &[String], providers: &[String], result: &RunResult, series: bool) -> RunRows {
    let agg = Aggregates::new(result);
    let mut values: Vec<String> = Vec::with_capacity(providers.len() + RUN_METRICS.len());
    for name in providers {
        let day = result.provider_names.iter().position(|n| n == name).and_then(|p| result.warm_day.get(p).copied());
        values.push(day.flatten().map(|d| d.to_string()).unwrap_or_default());
    }
    let warm: Vec<Option<u32>> = result.warm_day.clone();
    let all = if warm.iter().all(Option::is_some) { warm.iter().flatten().max().copied() } else { None };
    values.push(all.map(|d| d.to_string()).unwrap_or_default());
    values.push(warm.iter().flatten().count().to_string());
    let t = &result.totals;
    for n in [t.sent, t.inbox, t.junk, t.bounced, t.blocked, t.expired, t.deferred, t.complaints] {
        values.push(n.to_string());
    }
    let share = |n: u64| if t.sent == 0 { 0.0 } else { n as f64 / t.sent as f64 };
    let days: Vec<Counts> = (0..agg.n_days).map(|d| agg.day_totals(d)).collect();
    let peak = |f: fn(&Counts) -> Option<f64>| days.iter().filter_map(f).fold(0.0, f64::max);
    let floats = [
        ("inbox_share", share(t.inbox)),
        ("blocked_share", share(t.blocked)),
        ("peak_complaint_rate", peak(complaint_rate)),
        ("peak_deferral_rate", peak(deferral_rate)),
    ];
    let mut bad: Option<&str> = floats.iter().find(|(_, v)| !v.is_finite()).map(|(k, _)| *k);
    values.extend(floats.iter().map(|(_, v)| fmt_float(*v)));
    values.push(result.pool_overloads.iter().map(|o| u64::from(o.days)).sum::<u64>().to_string());
    let mut series_rows = String::new();
    if series {
        for d in 0..agg.n_days {
            for (p, name) in result.provider_names.iter().enumerate() {
                let cell = agg.cell(d, p);
                let c = &cell.counts;
                let rep = cell.reputation();
                if rep.is_some_and(|r| !r.is_finite()) {
                    bad = bad.or(Some("reputation"));
                }
                let _ = writeln!(
                    series_rows,
                    "{},{},{},{},{},{},{},{},{},{},{},{}",
                    id.run,
                    d + 1,
                    csv_field(name),
                    c.sent,
                    c.inbox,
                    c.junk,
                    c.deferred,
                    c.bounced,
                    c.blocked,
                    c.expired,
                    c.complaints,
                    rep.map(fmt_float).unwrap_or_default()
                );
            }
        }
    }
    match bad {
        Some(metric) => failed_rows(id, labels, providers.len(), &format!("non-finite value of {metric}")),
        None => RunRows { ok: true, message: String::new(), run_row: row(id, labels, "ok", "", &values), series_rows },
    }
}

/// The rows of run `id` that failed with `message`: metrics left empty, no series.
pub fn failed_rows(id: RunId, labels: &[String], n_providers: usize, message: &str) -> RunRows {
    let empty = vec![String::new(); n_providers + RUN_METRICS.len()];
    let run_row = row(id, labels, "failed", message, &empty);
    RunRows { ok: false, message: message.to_string(), run_row, series_rows: String::new() }
}

fn row(id: RunId, labels: &[String], status: &str, message: &str, values: &[String]) -> String {
    let mut fields: Vec<String> =
        vec![id.run.to_string(), id.point.to_string(), id.replicate.to_string(), id.seed.to_string()];
    fields.extend(labels.iter().map(|l| csv_field(&l.replace(['\n', '\r'], " "))));
    fields.push(status.to_string());
    fields.push(csv_field(&message.replace(['\n', '\r'], " ")));
    fields.extend(values.iter().cloned());
    let mut line = fields.join(",");
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn floats_have_seven_significant_digits() {
        assert_eq!(fmt_float(0.0), "0");
        assert_eq!(fmt_float(1.0), "1");
        assert_eq!(fmt_float(0.123456789), "0.1234568");
        assert_eq!(fmt_float(0.000123456789), "0.0001234568");
        assert_eq!(fmt_float(1234567.89), "1234568");
        assert_eq!(fmt_float(-2.5), "-2.5");
        assert_eq!(fmt_float(f64::NAN), "");
    }

    #[test]
    fn rows_match_their_headers() {
        let result = testdata::small();
        let providers = result.provider_names.clone();
        let id = RunId { run: 7, point: 1, replicate: 2, seed: 99 };
        let labels = vec!["1.5".to_string(), "a,b".to_string()];
        let rows = run_rows(id, &labels, &providers, &result, true);
        assert!(rows.ok);
        let header = runs_header(&["x".into(), "y".into()], &providers);
        let fields = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(rows.run_row.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(fields.len(), header.len());
        assert_eq!(&fields[0], "7");
        assert_eq!(&fields[5], "a,b");
        assert_eq!(rows.series_rows.lines().count(), 10 * 3);
        assert!(rows.series_rows.lines().all(|l| l.split(',').count() == series_header().len()));
        let last = |rows: &RunRows| rows.run_row.trim_end().rsplit(',').next().map(str::to_string);
        assert_eq!(header.last().map(String::as_str), Some(POOL_OVERLOAD_DAYS));
        assert_eq!(last(&rows).as_deref(), Some("0"), "no pool overloaded");
        let mut overloaded = result.clone();
        for (provider, days) in [(0, 4), (2, 2)] {
            overloaded.pool_overloads.push(crate::sim::PoolOverload {
                ip: 1,
                provider,
                first_day: 1,
                days,
                peak_sent_per_day: 10,
                pool_daily_volume: 1.0,
            });
        }
        assert_eq!(last(&run_rows(id, &labels, &providers, &overloaded, false)).as_deref(), Some("6"));
        let failed = failed_rows(id, &labels, providers.len(), "boom");
        assert!(!failed.ok && failed.series_rows.is_empty());
        assert_eq!(failed.run_row.split(',').count(), header.len() + 1, "the quoted `a,b` holds a comma");
    }
}
