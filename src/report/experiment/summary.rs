//! `summary.csv`, `series_summary.csv` and `differences.csv`: statistics over
//! the replicates of each design point, from the runs as they stream
//! ([`SummaryBuilder`]) or from `runs.csv` and the series files read back in
//! one streaming pass ([`summarize`]), together with the warm times of
//! [`super::warm_times`]; and reading the statistics back ([`read_stats`]).
//!
//! A days-to-warm column is censored at the run's horizon: its rows in
//! `summary.csv` and `differences.csv` are named `restricted_days_to_warm_<provider>`
//! and summarise the restricted time `min(T, horizon)`, a run never warm counting
//! at its horizon (in a paired difference, at the smaller horizon of the pair), so
//! that no mean is taken over the runs that happened to get warm. The horizon
//! itself (`days_observed`) is no outcome and has no rows: `warm_times.csv` gives it.

use std::io::{Read, Write};

use super::metrics::{RUN_ID_COLUMNS, STATUS_COLUMNS, runs_header};
use super::series_store::{SeriesRow, SeriesSource};
use super::stats::Summary;
use super::summary_builder::{RunRecord, SummaryBuilder};
use super::warm_times::is_warm_metric;
use crate::report::ReportError;

/// Columns of the statistics, after the identifying columns.
pub const STAT_COLUMNS: [&str; 7] = ["n", "mean", "sd", "ci_low", "ci_high", "min", "max"];

/// Where the summaries go.
pub struct SummaryOutputs<'a> {
    /// `summary.csv`: per design point and run metric.
    pub summary: &'a mut dyn Write,
    /// `series_summary.csv`: per design point, day, provider and daily metric, each day's
    /// providers followed by `all`, every provider together (per run, the sum of the
    /// providers' messages and the lowest reputation: [`OverProviders`](super::OverProviders)).
    pub series_summary: Option<&'a mut dyn Write>,
    /// `differences.csv`: per design point and metric, the paired difference
    /// against design point 0 (replicate r against replicate r).
    pub differences: Option<&'a mut dyn Write>,
    /// `warm_times.csv`: per design point and provider, warm times as censored data.
    pub warm_times: &'a mut dyn Write,
    /// `warm_curves.csv`: per design point, provider and day, the share of runs warm.
    pub warm_curves: &'a mut dyn Write,
}

/// The layout of `runs.csv`, read from its header.
#[derive(Debug, Clone, PartialEq)]
pub struct RunsLayout {
    /// Axis columns (between `seed` and `status`).
    pub axes: Vec<String>,
    /// Metric columns (after `message`).
    pub metrics: Vec<String>,
}

impl RunsLayout {
    /// Reads the layout from the header of `runs.csv`.
    pub fn from_header(header: &::csv::StringRecord) -> Result<Self, ReportError> {
        let cols: Vec<&str> = header.iter().collect();
        let (n_id, n_status) = (RUN_ID_COLUMNS.len(), STATUS_COLUMNS.len());
        let status = cols.iter().position(|c| *c == STATUS_COLUMNS[0]);
        match (cols.get(..n_id), status) {
            (Some(id), Some(s)) if id == RUN_ID_COLUMNS && cols.get(s..s + n_status) == Some(&STATUS_COLUMNS[..]) => {
                Ok(Self {
                    axes: cols[n_id..s].iter().map(|c| c.to_string()).collect(),
                    metrics: cols[s + n_status..].iter().map(|c| c.to_string()).collect(),
                })
            }
            _ => Err(ReportError::Format("runs.csv: unexpected header".into())),
        }
    }

    /// The layout of the `runs.csv` of an experiment with axis columns `axes`, provider
    /// columns `providers` and drawn-parameter columns `drawn` ([`runs_header`]).
    pub fn of(axes: &[String], providers: &[String], drawn: &[String]) -> Self {
        let header = runs_header(axes, providers, drawn);
        let first_metric = RUN_ID_COLUMNS.len() + axes.len() + STATUS_COLUMNS.len();
        Self { axes: axes.to_vec(), metrics: header[first_metric..].to_vec() }
    }

    /// Per metric column, whether it is a days-to-warm column.
    pub fn warm(&self) -> Vec<bool> {
        self.metrics.iter().map(|m| is_warm_metric(m)).collect()
    }
}

fn parse_run(rec: &::csv::StringRecord, layout: &RunsLayout, warm: &[bool]) -> Result<RunRecord, ReportError> {
    let bad = || ReportError::Format(format!("runs.csv: malformed row {:?}", rec.iter().collect::<Vec<_>>()));
    let int = |i: usize| rec.get(i).and_then(|s| s.parse::<u64>().ok()).ok_or_else(bad);
    let (n_id, n_axes) = (RUN_ID_COLUMNS.len(), layout.axes.len());
    let first_metric = n_id + n_axes + STATUS_COLUMNS.len();
    if rec.len() != first_metric + layout.metrics.len() {
        return Err(bad());
    }
    let ok = rec.get(n_id + n_axes) == Some("ok");
    let labels = (n_id..n_id + n_axes).map(|i| rec.get(i).unwrap_or_default().to_string()).collect();
    let id = (int(0)? as usize, int(1)? as usize, int(2)?);
    Ok(RunRecord::new(id, labels, ok, rec.iter().skip(first_metric), warm))
}

/// Reads `runs` (and `series`, if given: `series.csv` or the Parquet parts, through
/// [`SeriesSource`]) and writes the summaries. `runs` must be sorted by run index, and `series`
/// too; both are as the sweep writes them.
pub fn summarize(
    runs: &mut dyn Read,
    series: Option<&mut dyn SeriesSource>,
    out: SummaryOutputs<'_>,
) -> Result<(), ReportError> {
    let mut runs = ::csv::Reader::from_reader(runs);
    let layout = RunsLayout::from_header(runs.headers()?)?;
    let mut builder = SummaryBuilder::new(layout, out.differences.is_some())?;
    add_files(&mut builder, &mut runs, series)?;
    builder.write(out)
}

/// Adds to `builder` the runs of `runs` (a `runs.csv` of the builder's layout) and, if given,
/// their `series` (rows of runs absent from `runs` are skipped).
pub fn add_runs_from_files(
    builder: &mut SummaryBuilder,
    runs: &mut dyn Read,
    series: Option<&mut dyn SeriesSource>,
) -> Result<(), ReportError> {
    let mut runs = ::csv::Reader::from_reader(runs);
    if RunsLayout::from_header(runs.headers()?)? != *builder.layout() {
        return Err(ReportError::Format("runs.csv: unexpected header".into()));
    }
    add_files(builder, &mut runs, series)
}

fn add_files<R: Read>(
    builder: &mut SummaryBuilder,
    runs: &mut ::csv::Reader<R>,
    mut series: Option<&mut dyn SeriesSource>,
) -> Result<(), ReportError> {
    let layout = builder.layout().clone();
    let warm = layout.warm();
    let mut series_row = SeriesRow::default();
    let mut series_pending = false;
    for rec in runs.records() {
        let row = parse_run(&rec?, &layout, &warm)?;
        builder.add_run(&row)?;
        // The series rows of this run (rows of runs absent from runs.csv are skipped).
        if let Some(source) = series.as_mut() {
            loop {
                if !series_pending && !source.next_row(&mut series_row)? {
                    break;
                }
                series_pending = true;
                let run = series_row.run;
                if run > row.run {
                    break;
                }
                series_pending = false;
                if run < row.run {
                    continue;
                }
                let p = builder.provider_index(&series_row.provider);
                builder.add_series_row(row.point, series_row.day, p, &series_row.values);
            }
            builder.end_run_series(row.point);
        }
    }
    Ok(())
}

/// One row of `summary.csv`, `differences.csv` or `series_summary.csv`, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct StatRow {
    /// Design point.
    pub point: usize,
    /// Day (series only; 0 otherwise).
    pub day: u32,
    /// Provider (series only; empty otherwise).
    pub provider: String,
    /// Axis labels (summary and differences only).
    pub labels: Vec<String>,
    /// Metric name.
    pub metric: String,
    /// The statistics.
    pub stats: Summary,
}

/// The number of runs in `runs` (a `runs.csv`) that left the model's domain:
/// those whose `pool_overload_days` is above 0 (a shared pool carried more of
/// the sender's mail than its own volume; see [`crate::sim::domain`]).
pub fn count_pool_overloaded(runs: &mut dyn Read) -> Result<usize, ReportError> {
    let mut r = ::csv::Reader::from_reader(runs);
    let col = r
        .headers()?
        .iter()
        .position(|h| h == super::POOL_OVERLOAD_DAYS)
        .ok_or_else(|| ReportError::Format(format!("runs.csv: no {} column", super::POOL_OVERLOAD_DAYS)))?;
    let mut n = 0;
    for rec in r.records() {
        n += usize::from(rec?.get(col).and_then(|v| v.parse::<u64>().ok()).is_some_and(|d| d > 0));
    }
    Ok(n)
}

/// Reads `summary.csv` or `differences.csv` (with `series = false`) or
/// `series_summary.csv` (with `series = true`). A statistic is absent when its
/// field is empty; any other field that is not a finite number (`inf`, `NaN`,
/// `1e400`, text) is refused with [`ReportError::BadValue`], which names its
/// line and column: charts are drawn from these values, and an infinite one
/// has no place on an axis.
pub fn read_stats(input: &mut dyn Read, series: bool) -> Result<Vec<StatRow>, ReportError> {
    let mut r = ::csv::Reader::from_reader(input);
    let header = r.headers()?.clone();
    let metric_col =
        header.iter().position(|h| h == "metric").ok_or_else(|| ReportError::Format("no metric column".into()))?;
    let s = metric_col + 1;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or_default();
        let bad = |i: usize, problem: String| ReportError::BadValue {
            line: rec.position().map_or(0, ::csv::Position::line),
            column: header.get(i).map_or_else(|| format!("#{}", i + 1), str::to_string),
            problem,
        };
        let num = |i: usize| -> Result<Option<f64>, ReportError> {
            let text = get(i).trim();
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                Ok(_) => Err(bad(i, format!("`{text}` is not a finite number"))),
                Err(_) => Err(bad(i, format!("`{text}` is not a number"))),
            }
        };
        let n = match get(s).trim() {
            "" => 0,
            t => t.parse().map_err(|_| bad(s, format!("`{t}` is not a count")))?,
        };
        let (day, provider, labels) = if series {
            (get(1).parse().unwrap_or(0), get(2).to_string(), Vec::new())
        } else {
            (0, String::new(), (1..metric_col).map(|i| get(i).to_string()).collect())
        };
        rows.push(StatRow {
            point: get(0).parse().map_err(|_| ReportError::Format(format!("bad point `{}`", get(0))))?,
            day,
            provider,
            labels,
            metric: get(metric_col).to_string(),
            stats: Summary {
                n,
                mean: num(s + 1)?,
                sd: num(s + 2)?,
                ci_low: num(s + 3)?,
                ci_high: num(s + 4)?,
                min: num(s + 5)?,
                max: num(s + 6)?,
            },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::super::series_store::{CsvSeries, RunSeries};
    use super::super::warm_times::ALL_PROVIDERS;
    use super::*;

    const RUNS: &str = "run,point,replicate,seed,g,status,message,days_to_warm_all,days_observed,inbox\n\
        0,0,0,11,1.2,ok,,10,42,100\n1,0,1,12,1.2,ok,,12,42,110\n2,1,0,11,1.4,ok,,8,42,130\n\
        3,1,1,12,1.4,failed,boom,,,\n";
    const SERIES: &str = "run,day,provider,sent,inbox,junk,deferred,bounced,blocked,expired,complaints,reputation\n\
        0,1,gmail,10,8,1,0,1,0,0,0,0.3\n1,1,gmail,10,6,1,0,1,0,0,0,0.5\n2,1,gmail,20,18,1,0,1,0,0,0,0.4\n";

    #[test]
    fn summaries_per_point_series_and_paired_differences() {
        let (mut s, mut ss, mut d) = (Vec::new(), Vec::new(), Vec::new());
        let (mut wt, mut wc) = (Vec::new(), Vec::new());
        let out = SummaryOutputs {
            summary: &mut s,
            series_summary: Some(&mut ss),
            differences: Some(&mut d),
            warm_times: &mut wt,
            warm_curves: &mut wc,
        };
        summarize(&mut RUNS.as_bytes(), Some(&mut CsvSeries::new(SERIES.as_bytes()).unwrap()), out).unwrap();
        let s = String::from_utf8(s).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "point,g,metric,n,mean,sd,ci_low,ci_high,min,max");
        assert!(lines[1].starts_with("0,1.2,restricted_days_to_warm_all,2,11,1.414214,"), "{}", lines[1]);
        assert_eq!(lines[3], "1,1.4,restricted_days_to_warm_all,1,8,,,,8,8");
        assert!(!s.contains("days_observed"), "the horizon is no outcome");
        let d = String::from_utf8(d).unwrap();
        assert!(d.lines().nth(1).unwrap().starts_with("1,1.4,restricted_days_to_warm_all,1,-2,"), "{d}");
        let ss = String::from_utf8(ss).unwrap();
        assert!(ss.contains("\n0,1,gmail,inbox,2,7,"), "{ss}");
        assert!(ss.contains("\n1,1,gmail,reputation,1,0.4,"), "{ss}");
        let back = read_stats(&mut s.as_bytes(), false).unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(back[0].labels, ["1.2"]);
        assert_eq!(back[0].stats.mean, Some(11.0));
        let back = read_stats(&mut ss.as_bytes(), true).unwrap();
        assert_eq!((back[0].day, back[0].provider.as_str()), (1, "gmail"));
    }

    /// The outputs of `summarize`, or of a builder fed by `feed`, as text.
    fn outputs(feed: Option<&dyn Fn(&mut SummaryBuilder)>) -> [String; 5] {
        let mut files: [Vec<u8>; 5] = Default::default();
        let [s, ss, d, wt, wc] = &mut files;
        let out = SummaryOutputs {
            summary: s,
            series_summary: Some(ss),
            differences: Some(d),
            warm_times: wt,
            warm_curves: wc,
        };
        match feed {
            None => {
                summarize(&mut RUNS.as_bytes(), Some(&mut CsvSeries::new(SERIES.as_bytes()).unwrap()), out).unwrap()
            }
            Some(feed) => {
                let header = ::csv::Reader::from_reader(RUNS.as_bytes()).headers().unwrap().clone();
                let mut builder = SummaryBuilder::new(RunsLayout::from_header(&header).unwrap(), true).unwrap();
                feed(&mut builder);
                builder.write(out).unwrap();
            }
        }
        files.map(|f| String::from_utf8(f).unwrap())
    }

    #[test]
    fn runs_fed_as_they_stream_give_the_summaries_of_the_files() {
        let feed = |b: &mut SummaryBuilder| {
            let warm = b.layout().warm();
            let runs = [(0, 0, 0, "1.2", true, ["10", "42", "100"]), (1, 0, 1, "1.2", true, ["12", "42", "110"])];
            let more = [(2, 1, 0, "1.4", true, ["8", "42", "130"]), (3, 1, 1, "1.4", false, ["", "", ""])];
            for (i, (run, point, replicate, label, ok, fields)) in runs.into_iter().chain(more).enumerate() {
                let record = RunRecord::new((run, point, replicate), vec![label.into()], ok, fields.into_iter(), &warm);
                b.add_run(&record).unwrap();
                if i < 3 {
                    // One gmail row on day 1: sent, inbox, junk, bounced and the reputation differ.
                    let [sent, inbox, rep] = [[10.0, 8.0, 0.3], [10.0, 6.0, 0.5], [20.0, 18.0, 0.4]][i];
                    let counts = crate::sim::Counts {
                        sent: sent as u64,
                        inbox: inbox as u64,
                        junk: 1,
                        bounced: 1,
                        ..Default::default()
                    };
                    let (series, fits) = RunSeries::from_rows(
                        run as u32,
                        &["gmail".into()],
                        std::iter::once((1, 0, &counts, Some(rep))),
                    );
                    fits.unwrap();
                    b.add_run_series(point, &series).unwrap();
                }
            }
        };
        assert_eq!(outputs(Some(&feed)), outputs(None));
    }

    #[test]
    fn every_provider_together_sums_messages_and_keeps_the_lowest_reputation() {
        let series = "run,day,provider,sent,inbox,junk,deferred,bounced,blocked,expired,complaints,reputation\n\
            0,1,gmail,10,8,1,0,1,0,0,0,0.3\n0,1,yahoo,6,5,1,0,0,0,0,0,0.6\n\
            1,1,gmail,10,6,1,0,1,0,0,0,0.5\n1,1,yahoo,6,4,1,0,1,0,0,0,\n";
        let (mut s, mut ss, mut wt, mut wc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let out = SummaryOutputs {
            summary: &mut s,
            series_summary: Some(&mut ss),
            differences: None,
            warm_times: &mut wt,
            warm_curves: &mut wc,
        };
        summarize(&mut RUNS.as_bytes(), Some(&mut CsvSeries::new(series.as_bytes()).unwrap()), out).unwrap();
        let rows = read_stats(&mut ss.as_slice(), true).unwrap();
        let get = |point: usize, provider: &str, metric: &str| {
            rows.iter().find(|r| (r.point, r.provider.as_str(), r.metric.as_str()) == (point, provider, metric))
        };
        // Point 0: runs 0 and 1; point 1: run 2, which has no series rows.
        let inbox = get(0, ALL_PROVIDERS, "inbox").unwrap().stats;
        assert_eq!((inbox.n, inbox.mean, inbox.min, inbox.max), (2, Some(11.5), Some(10.0), Some(13.0)));
        let reputation = get(0, ALL_PROVIDERS, "reputation").unwrap().stats;
        assert_eq!((reputation.min, reputation.max), (Some(0.3), Some(0.5)), "the lowest of each run");
        assert!(get(1, ALL_PROVIDERS, "inbox").is_none());
        // Each day's providers come first, then `all`.
        let order: Vec<&str> = rows.iter().filter(|r| r.metric == "sent").map(|r| r.provider.as_str()).collect();
        assert_eq!(order, ["gmail", "yahoo", ALL_PROVIDERS]);
    }

    #[test]
    fn read_stats_refuses_values_that_are_not_finite_numbers_naming_line_and_column() {
        let header = "point,g,metric,n,mean,sd,ci_low,ci_high,min,max\n";
        let good = "0,1.2,inbox_share,2,0.5,0.1,0.4,0.6,0.4,0.6\n";
        for (row, column) in [
            ("0,1.2,inbox_share,2,inf,0.1,0.4,0.6,0.4,0.6", "mean"),
            ("0,1.2,inbox_share,2,0.5,0.1,0.4,-inf,0.4,0.6", "ci_high"),
            ("0,1.2,inbox_share,2,0.5,NaN,0.4,0.6,0.4,0.6", "sd"),
            ("0,1.2,inbox_share,2,0.5,0.1,1e400,0.6,0.4,0.6", "ci_low"),
            ("0,1.2,inbox_share,2,0.5,0.1,0.4,0.6,0.4,lots", "max"),
            ("0,1.2,inbox_share,-1,0.5,0.1,0.4,0.6,0.4,0.6", "n"),
        ] {
            let text = format!("{header}{good}{row}\n");
            let err = read_stats(&mut text.as_bytes(), false).unwrap_err();
            assert!(matches!(&err, ReportError::BadValue { line: 3, column: c, .. } if c == column), "{err}");
            assert!(err.is_bad_input());
            let msg = err.to_string();
            assert!(msg.starts_with(&format!("line 3, column `{column}`: `")), "{msg}");
        }
        // Huge finite values and empty fields are read as they are.
        let text = format!("{header}0,1.2,inbox_share,2,1e307,,-1e308,1.7e308,,\n");
        let back = read_stats(&mut text.as_bytes(), false).unwrap();
        assert_eq!((back[0].stats.mean, back[0].stats.sd, back[0].stats.ci_high), (Some(1e307), None, Some(1.7e308)));
    }
}
