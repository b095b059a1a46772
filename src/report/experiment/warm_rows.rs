//! The warm-time statistics read back for the charts: the rows of `warm_times.csv` and
//! `warm_curves.csv` (columns [`WARM_TIME_COLUMNS`] and [`WARM_CURVE_COLUMNS`], the tables the
//! writers of [`super::warm_times`] use), refusing any value that is not a finite number with its
//! line and column, as `summary.csv` is read.

use std::io::Read;

use super::warm_times::{ALL_PROVIDERS, WARM_CURVE_COLUMNS, WARM_TIME_COLUMNS};
use crate::report::ReportError;

/// One row of `warm_times.csv`, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmTimeRow {
    /// Design point.
    pub point: usize,
    /// Its axis values.
    pub labels: Vec<String>,
    /// Provider, or [`ALL_PROVIDERS`].
    pub provider: String,
    /// Days each run was observed: the horizon of the restricted mean and of the share never
    /// warm (the smallest horizon of the point's runs, which is every run's unless an axis
    /// changes the horizon within a point).
    pub days_observed: u32,
    /// Runs counted (ok runs whose scenario has the provider).
    pub n_runs: u64,
    /// Runs warm by their horizon.
    pub n_warm: u64,
    /// Runs not warm by their horizon (censored there).
    pub n_censored: u64,
    /// Kaplan–Meier share of runs not warm by the horizon.
    pub share_never_warm: f64,
    /// Median days to warm, if at least half the runs were warm.
    pub median_days: Option<u32>,
    /// Lower end of the median's 95% interval (Brookmeyer–Crowley).
    pub median_ci_low: Option<u32>,
    /// Upper end of the median's 95% interval; `None` when not reached within the horizon.
    pub median_ci_high: Option<u32>,
    /// Restricted mean days to warm up to `days_observed` (never warm counted at the horizon).
    pub restricted_mean_days: Option<f64>,
    /// Lower end of its 95% interval.
    pub restricted_mean_ci_low: Option<f64>,
    /// Upper end of its 95% interval.
    pub restricted_mean_ci_high: Option<f64>,
}

/// One row of `warm_curves.csv`, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmCurveRow {
    /// Design point.
    pub point: usize,
    /// Provider, or [`ALL_PROVIDERS`].
    pub provider: String,
    /// Day (from 1).
    pub day: u32,
    /// Runs at risk: not warm before the day, observed on it.
    pub at_risk: u64,
    /// Runs becoming warm on the day.
    pub events: u64,
    /// Runs censored on the day (their horizon, not warm).
    pub censored: u64,
    /// Kaplan–Meier share of runs warm by the end of the day.
    pub share_warm: f64,
    /// Lower end of its 95% log(−log) band (1 once every run at risk is warm); `None` if empty.
    pub ci_low: Option<f64>,
    /// Upper end of its 95% band.
    pub ci_high: Option<f64>,
}

/// The warm-time statistics the charts draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarmData {
    /// Rows of `warm_times.csv`.
    pub times: Vec<WarmTimeRow>,
    /// Rows of `warm_curves.csv`.
    pub curves: Vec<WarmCurveRow>,
}

impl WarmData {
    /// The row of `warm_times.csv` of `provider` at `point`.
    pub fn time(&self, point: usize, provider: &str) -> Option<&WarmTimeRow> {
        self.times.iter().find(|r| r.point == point && r.provider == provider)
    }

    /// What a chart of the restricted mean days to warm at `provider` over the first
    /// `n_points` design points is titled: `days until gmail is warm: restricted mean (never
    /// warm = day 42)` (`the horizon` if the points' horizons differ).
    pub(super) fn caption(&self, provider: &str, n_points: usize) -> String {
        let who = if provider == ALL_PROVIDERS { "every provider" } else { provider };
        let mut horizons = (0..n_points).filter_map(|p| self.time(p, provider)).map(|r| r.days_observed);
        let horizon = match horizons.next() {
            Some(h) if horizons.all(|other| other == h) => format!("day {h}"),
            _ => "the horizon".to_string(),
        };
        format!("days until {who} is warm: restricted mean (never warm = {horizon})")
    }
}

/// Reads the fields of one record, refusing what is not a finite number with its line and column.
struct Fields<'a> {
    rec: &'a ::csv::StringRecord,
    header: &'a ::csv::StringRecord,
}

impl Fields<'_> {
    fn text(&self, i: usize) -> &str {
        self.rec.get(i).unwrap_or_default().trim()
    }

    fn bad(&self, i: usize, problem: String) -> ReportError {
        ReportError::BadValue {
            line: self.rec.position().map_or(0, ::csv::Position::line),
            column: self.header.get(i).map_or_else(|| format!("#{}", i + 1), str::to_string),
            problem,
        }
    }

    fn number(&self, i: usize) -> Result<Option<f64>, ReportError> {
        let text = self.text(i);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            Ok(_) => Err(self.bad(i, format!("`{text}` is not a finite number"))),
            Err(_) => Err(self.bad(i, format!("`{text}` is not a number"))),
        }
    }

    fn share(&self, i: usize) -> Result<f64, ReportError> {
        self.number(i)?.ok_or_else(|| self.bad(i, "a share is needed".into()))
    }

    fn count<T: std::str::FromStr>(&self, i: usize) -> Result<T, ReportError> {
        let text = self.text(i);
        text.parse().map_err(|_| self.bad(i, format!("`{text}` is not a count")))
    }

    fn day(&self, i: usize) -> Result<Option<u32>, ReportError> {
        match self.text(i) {
            "" => Ok(None),
            _ => self.count(i).map(Some),
        }
    }
}

/// Reads `warm_times.csv`; values that are not finite numbers are refused with
/// [`ReportError::BadValue`] (line and column).
pub fn read_warm_times(input: &mut dyn Read) -> Result<Vec<WarmTimeRow>, ReportError> {
    let mut r = ::csv::Reader::from_reader(input);
    let header = r.headers()?.clone();
    let first = header
        .iter()
        .position(|h| h == WARM_TIME_COLUMNS[0])
        .filter(|&p| header.iter().skip(p).eq(WARM_TIME_COLUMNS.iter().copied()))
        .ok_or_else(|| ReportError::Format("warm_times.csv: unexpected header".into()))?;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let f = Fields { rec: &rec, header: &header };
        let at = |k: usize| first + k;
        rows.push(WarmTimeRow {
            point: f.count(0)?,
            labels: (1..first).map(|i| f.text(i).to_string()).collect(),
            provider: f.text(at(0)).to_string(),
            days_observed: f.count(at(1))?,
            n_runs: f.count(at(2))?,
            n_warm: f.count(at(3))?,
            n_censored: f.count(at(4))?,
            share_never_warm: f.share(at(5))?,
            median_days: f.day(at(6))?,
            median_ci_low: f.day(at(7))?,
            median_ci_high: f.day(at(8))?,
            restricted_mean_days: f.number(at(9))?,
            restricted_mean_ci_low: f.number(at(10))?,
            restricted_mean_ci_high: f.number(at(11))?,
        });
    }
    Ok(rows)
}

/// Reads `warm_curves.csv`, refusing values as [`read_warm_times`] does.
pub fn read_warm_curves(input: &mut dyn Read) -> Result<Vec<WarmCurveRow>, ReportError> {
    let mut r = ::csv::Reader::from_reader(input);
    let header = r.headers()?.clone();
    if !header.iter().eq(WARM_CURVE_COLUMNS.iter().copied()) {
        return Err(ReportError::Format("warm_curves.csv: unexpected header".into()));
    }
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let f = Fields { rec: &rec, header: &header };
        rows.push(WarmCurveRow {
            point: f.count(0)?,
            provider: f.text(1).to_string(),
            day: f.count(2)?,
            at_risk: f.count(3)?,
            events: f.count(4)?,
            censored: f.count(5)?,
            share_warm: f.share(6)?,
            ci_low: f.number(7)?,
            ci_high: f.number(8)?,
        });
    }
    Ok(rows)
}
