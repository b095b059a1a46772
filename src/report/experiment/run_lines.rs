//! Single runs' daily values, read back from the series (`series.csv` or the Parquet parts) for the series charts, which draw
//! them faintly under the means: a mean and its confidence band hide replicates that split
//! into groups (most runs warm, one throttled), single runs show them.
//!
//! Only the first [`MAX_RUN_LINES`] replicates of each design point are read: runs are
//! numbered replicate-major (run `r` is replicate `r / n_points` of point `r % n_points`), so
//! they are the first rows of the file and the reader stops there, whatever the size of the
//! experiment. Every provider together (`all`) is made per run as `series_summary.csv` makes
//! it ([`OverProviders`]).

use std::collections::BTreeMap;

use super::metrics::{OverProviders, SERIES_METRICS, daily_metric};
use super::series_store::{SeriesRow, SeriesSource};
use super::warm_times::ALL_PROVIDERS;
use crate::report::ReportError;

/// Replicates per design point whose single runs are drawn.
pub const MAX_RUN_LINES: u32 = 40;

/// The daily metrics of `series.csv` the series charts draw, and so the ones read back.
pub const RUN_LINE_METRICS: [&str; 2] = ["inbox", "reputation"];

/// One run's values of one daily metric at one provider (or `all`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunLine {
    /// Design point.
    pub point: usize,
    /// Replicate.
    pub replicate: u32,
    /// Provider, or [`ALL_PROVIDERS`].
    pub provider: String,
    /// Daily metric (one of [`RUN_LINE_METRICS`]).
    pub metric: String,
    /// The value of each day from day 1 (NaN: none).
    pub values: Vec<f64>,
}

/// Reads the single runs of the first [`MAX_RUN_LINES`] replicates of each of `n_points`
/// design points from `series` (`series.csv` or the Parquet parts, through [`SeriesSource`]),
/// for each metric of [`RUN_LINE_METRICS`], per provider and for every provider together; in
/// order of point, replicate, provider (`all` last) and metric.
pub fn read_run_lines(series: &mut dyn SeriesSource, n_points: usize) -> Result<Vec<RunLine>, ReportError> {
    let columns: Option<Vec<usize>> = RUN_LINE_METRICS
        .iter()
        .map(|m| SERIES_METRICS.iter().position(|h| h == m).filter(|&i| series.has_metric(i)))
        .collect();
    let Some(columns) = columns else {
        return Err(ReportError::Format("series.csv: unexpected header".into()));
    };
    series.read_only(&columns);
    let n_points = n_points.max(1);
    let last_run = n_points.saturating_mul(MAX_RUN_LINES as usize);
    series.read_runs_below(last_run);
    // (run, provider index) -> per metric, the values by day; `usize::MAX`: every provider.
    let mut lines: BTreeMap<(usize, usize), Vec<Vec<f64>>> = BTreeMap::new();
    let mut providers: Vec<String> = Vec::new();
    let mut row = SeriesRow::default();
    while series.next_row(&mut row)? {
        let run = row.run;
        if run >= last_run {
            break;
        }
        let day = row.day as usize;
        if day < 1 {
            return Err(ReportError::Format(format!("series: run {run} has a day 0")));
        }
        let name = row.provider.as_str();
        let p = providers.iter().position(|n| n == name).unwrap_or_else(|| {
            providers.push(name.to_string());
            providers.len() - 1
        });
        for (k, &column) in columns.iter().enumerate() {
            let v = Some(row.values[column]).filter(|v| v.is_finite()).unwrap_or(f64::NAN);
            let how = daily_metric(RUN_LINE_METRICS[k]).map_or(OverProviders::Sum, |m| m.over_providers);
            for (key, combine) in [((run, p), None), ((run, usize::MAX), Some(how))] {
                let values = lines.entry(key).or_insert_with(|| vec![Vec::new(); RUN_LINE_METRICS.len()]);
                let days = &mut values[k];
                if days.len() < day {
                    days.resize(day, f64::NAN);
                }
                let slot = &mut days[day - 1];
                *slot = match (combine, slot.is_nan(), v.is_nan()) {
                    (None, _, _) | (Some(_), true, _) => v,
                    (Some(_), false, true) => *slot,
                    (Some(OverProviders::Sum), false, false) => *slot + v,
                    (Some(OverProviders::Lowest), false, false) => slot.min(v),
                };
            }
        }
    }
    let mut out: Vec<RunLine> = Vec::new();
    for ((run, p), values) in lines {
        let provider = providers.get(p).map_or(ALL_PROVIDERS, String::as_str);
        for (metric, values) in RUN_LINE_METRICS.iter().zip(values) {
            out.push(RunLine {
                point: run % n_points,
                replicate: (run / n_points) as u32,
                provider: provider.to_string(),
                metric: metric.to_string(),
                values,
            });
        }
    }
    out.sort_by_key(|l| (l.point, l.replicate));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::series_store::CsvSeries;
    use super::*;

    const SERIES: &str = "run,day,provider,sent,inbox,junk,deferred,bounced,blocked,expired,complaints,reputation\n\
        0,1,gmail,10,8,1,0,1,0,0,0,0.3\n0,1,yahoo,5,4,1,0,0,0,0,0,0.5\n0,2,gmail,10,9,1,0,0,0,0,0,0.4\n\
        0,2,yahoo,5,5,0,0,0,0,0,0,0.2\n1,1,gmail,20,18,1,0,1,0,0,0,0.6\n1,1,yahoo,5,3,1,0,1,0,0,0,\n";

    #[test]
    fn runs_per_point_with_every_provider_together() {
        let lines = read_run_lines(&mut CsvSeries::new(SERIES.as_bytes()).unwrap(), 2).unwrap();
        let find = |point: usize, provider: &str, metric: &str| {
            lines.iter().find(|l| l.point == point && l.provider == provider && l.metric == metric).unwrap()
        };
        assert_eq!(find(0, "gmail", "inbox").values, [8.0, 9.0]);
        assert_eq!(find(0, ALL_PROVIDERS, "inbox").values, [12.0, 14.0], "messages add up");
        assert_eq!(find(0, ALL_PROVIDERS, "reputation").values, [0.3, 0.2], "the lowest reputation");
        // Run 1 is replicate 0 of point 1; yahoo has no reputation that day.
        assert_eq!(find(1, ALL_PROVIDERS, "reputation").values, [0.6]);
        assert!(find(1, "yahoo", "reputation").values[0].is_nan());
        assert_eq!(lines.len(), 2 * 3 * 2);
    }

    #[test]
    fn only_the_first_replicates_are_read() {
        let mut text =
            String::from("run,day,provider,sent,inbox,junk,deferred,bounced,blocked,expired,complaints,reputation\n");
        for run in 0..(MAX_RUN_LINES as usize + 5) {
            text.push_str(&format!("{run},1,gmail,1,1,0,0,0,0,0,0,0.5\n"));
        }
        // A malformed row after the last one read is never reached.
        text.push_str("oops\n");
        let lines = read_run_lines(&mut CsvSeries::new(text.as_bytes()).unwrap(), 1).unwrap();
        assert_eq!(lines.iter().map(|l| l.replicate).max(), Some(MAX_RUN_LINES - 1));
        assert!(CsvSeries::new("run,day\n".as_bytes()).is_err());
        let no_inbox = CsvSeries::new("run,day,provider,sent\n".as_bytes()).unwrap();
        assert!(read_run_lines(&mut { no_inbox }, 1).is_err());
    }
}
