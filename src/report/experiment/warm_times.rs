//! Warm times as censored data: `warm_times.csv` (per design point and provider: runs warm,
//! runs never warm within the horizon, the median time to warm and the restricted mean) and
//! `warm_curves.csv` (per design point, provider and day: the Kaplan–Meier share of runs warm
//! with its Greenwood band), from the `days_to_warm_<provider>` and `days_observed` columns of
//! `runs.csv`.
//!
//! A run not warm at a provider by its horizon is **censored** there, not dropped: it counts in
//! `n_runs`, in the share never warm, and at its horizon in the restricted mean. The provider
//! `all` (column `days_to_warm_all`) is the day every provider is warm, the bottleneck. A run
//! whose scenario has no such provider ([`NOT_APPLICABLE`]) or that failed counts nowhere.
//! The estimators are in [`crate::stats::survival`]; this file owns the columns (each list is
//! one const table, which these writers and the readers of [`super::warm_rows`] both use) and
//! the counting, which keeps per (point, provider) one count per day, not per run.
//!
//! The same censoring rule gives `summary.csv` and `differences.csv` their
//! `restricted_days_to_warm_<provider>` rows ([`summary_metric`], [`restrict`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use super::metrics::{DAYS_OBSERVED, DAYS_TO_WARM_PREFIX, NOT_APPLICABLE, fmt_float};
use super::stats::CONFIDENCE;
use crate::report::ReportError;
use crate::stats::survival::KaplanMeier;

/// The provider label of `days_to_warm_all`: every provider warm.
pub const ALL_PROVIDERS: &str = "all";

/// The prefix of the `summary.csv` and `differences.csv` rows of a days-to-warm column:
/// restricted times, never-warm runs counted at the horizon.
pub const RESTRICTED_PREFIX: &str = "restricted_";

/// Columns of `warm_times.csv` after `point` and the axis columns.
pub const WARM_TIME_COLUMNS: [&str; 12] = [
    "provider",
    "days_observed",
    "n_runs",
    "n_warm",
    "n_censored",
    "share_never_warm",
    "median_days",
    "median_ci_low",
    "median_ci_high",
    "restricted_mean_days",
    "restricted_mean_ci_low",
    "restricted_mean_ci_high",
];

/// Columns of `warm_curves.csv`.
pub const WARM_CURVE_COLUMNS: [&str; 9] =
    ["point", "provider", "day", "at_risk", "events", "censored", "share_warm", "ci_low", "ci_high"];

/// Whether `metric` (a `runs.csv` column) is a days-to-warm column, censored at the horizon.
pub fn is_warm_metric(metric: &str) -> bool {
    metric.starts_with(DAYS_TO_WARM_PREFIX)
}

/// The name of `metric`'s rows in `summary.csv` and `differences.csv`: `restricted_<metric>`
/// for a days-to-warm column (its values are restricted times), `metric` otherwise.
pub fn summary_metric(metric: &str) -> Cow<'_, str> {
    if is_warm_metric(metric) { Cow::Owned(format!("{RESTRICTED_PREFIX}{metric}")) } else { Cow::Borrowed(metric) }
}

/// The restricted time `min(T, horizon)` of a days-to-warm value `value` as `runs.csv` is read
/// here (a day; `f64::INFINITY` for not warm by the run's horizon, which must be at least
/// `horizon`; NaN for no value); NaN if either is NaN.
pub fn restrict(value: f64, horizon: f64) -> f64 {
    if value.is_nan() || horizon.is_nan() { f64::NAN } else { value.min(horizon) }
}

/// The value of a days-to-warm field of an `ok` run: its day, `f64::INFINITY` when empty (not
/// warm by the horizon), NaN for [`NOT_APPLICABLE`] or anything else.
pub(super) fn warm_field(text: &str) -> f64 {
    match text.trim() {
        "" => f64::INFINITY,
        NOT_APPLICABLE => f64::NAN,
        t => t.parse().unwrap_or(f64::NAN),
    }
}

/// A whole day from a value read back (NaN, negative or fractional: `None`).
fn as_day(v: f64) -> Option<u32> {
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX)).then_some(v as u32)
}

/// Counts of one design point at one provider.
#[derive(Debug, Default)]
struct Cell {
    /// Per day: (events, censorings).
    by_day: BTreeMap<u32, (u64, u64)>,
    /// Smallest and largest horizon of its runs.
    horizons: Option<(u32, u32)>,
}

/// Collects the warm times of the runs, one at a time, in `runs.csv` order.
#[derive(Debug)]
pub(super) struct WarmCollector {
    /// Metric index of each days-to-warm column, with its provider label.
    columns: Vec<(usize, String)>,
    /// Metric index of `days_observed`.
    horizon: usize,
    /// Per (point, index in `columns`).
    cells: BTreeMap<(usize, usize), Cell>,
}

impl WarmCollector {
    /// A collector of the days-to-warm columns among `metrics` (the metric columns of `runs.csv`).
    pub(super) fn new(metrics: &[String]) -> Result<Self, ReportError> {
        let horizon = metrics
            .iter()
            .position(|m| m == DAYS_OBSERVED)
            .ok_or_else(|| ReportError::Format(format!("runs.csv: no {DAYS_OBSERVED} column")))?;
        let columns = metrics
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.strip_prefix(DAYS_TO_WARM_PREFIX).map(|p| (i, p.to_string())))
            .collect();
        Ok(Self { columns, horizon, cells: BTreeMap::new() })
    }

    /// Metric index of `days_observed`.
    pub(super) fn horizon_index(&self) -> usize {
        self.horizon
    }

    /// Adds an `ok` run of design point `point` with metric values `values` (days-to-warm
    /// values as [`warm_field`] reads them); a run without a horizon is skipped.
    pub(super) fn add(&mut self, point: usize, values: &[f64]) {
        let Some(horizon) = values.get(self.horizon).copied().and_then(as_day) else { return };
        for (c, (i, _)) in self.columns.iter().enumerate() {
            let v = values.get(*i).copied().unwrap_or(f64::NAN);
            if v.is_nan() {
                continue;
            }
            let cell = self.cells.entry((point, c)).or_default();
            // Warm on a day by the horizon: an event then; otherwise censored at the horizon.
            match as_day(v).filter(|d| *d <= horizon) {
                Some(day) => cell.by_day.entry(day).or_default().0 += 1,
                None => cell.by_day.entry(horizon).or_default().1 += 1,
            }
            cell.horizons =
                Some(cell.horizons.map_or((horizon, horizon), |(lo, hi)| (lo.min(horizon), hi.max(horizon))));
        }
    }

    /// Writes `warm_times.csv` (columns `point`, `axes`, then [`WARM_TIME_COLUMNS`]; each
    /// point's axis values from `labels`) and `warm_curves.csv` ([`WARM_CURVE_COLUMNS`], a row
    /// per day from 1 to the largest horizon of the point's runs).
    pub(super) fn write(
        &self,
        axes: &[String],
        labels: &BTreeMap<usize, Vec<String>>,
        times: &mut dyn Write,
        curves: &mut dyn Write,
    ) -> Result<(), ReportError> {
        let mut times = ::csv::WriterBuilder::new().from_writer(times);
        let mut header: Vec<&str> = vec!["point"];
        header.extend(axes.iter().map(String::as_str));
        header.extend(WARM_TIME_COLUMNS);
        times.write_record(&header)?;
        let mut curves = ::csv::WriterBuilder::new().from_writer(curves);
        curves.write_record(WARM_CURVE_COLUMNS)?;
        let opt = |v: Option<f64>| v.map(fmt_float).unwrap_or_default();
        let opt_day = |v: Option<u32>| v.map(|d| d.to_string()).unwrap_or_default();
        for (&(point, c), cell) in &self.cells {
            let Some((tau, last)) = cell.horizons else { continue };
            let provider = &self.columns[c].1;
            let km = KaplanMeier::from_counts(cell.by_day.iter().map(|(&day, &(e, c))| (day, e, c)));
            let median = km.median(CONFIDENCE);
            let rm = km.restricted_mean(tau, CONFIDENCE);
            let mut rec: Vec<String> = vec![point.to_string()];
            rec.extend(labels.get(&point).cloned().unwrap_or_default());
            rec.extend([
                provider.clone(),
                tau.to_string(),
                km.n().to_string(),
                km.n_events().to_string(),
                km.n_censored().to_string(),
                fmt_float(km.survival(tau)),
                opt_day(median.estimate),
                opt_day(median.ci_low),
                opt_day(median.ci_high),
                opt(rm.map(|r| r.estimate)),
                opt(rm.and_then(|r| r.ci_low)),
                opt(rm.and_then(|r| r.ci_high)),
            ]);
            times.write_record(&rec)?;
            for day in 1..=last {
                let (events, censored) = cell.by_day.get(&day).copied().unwrap_or_default();
                let share = km.share_by(day, CONFIDENCE);
                curves.write_record([
                    point.to_string(),
                    provider.clone(),
                    day.to_string(),
                    km.at_risk(day).to_string(),
                    events.to_string(),
                    censored.to_string(),
                    fmt_float(share.estimate),
                    opt(share.ci_low),
                    opt(share.ci_high),
                ])?;
            }
        }
        times.flush()?;
        curves.flush()?;
        Ok(())
    }
}

#[cfg(test)]
#[path = "warm_times_tests.rs"]
mod tests;
