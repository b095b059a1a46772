//! `summary.csv`, `series_summary.csv` and `differences.csv`: statistics over
//! the replicates of each design point, computed from `runs.csv` and
//! `series.csv` in one streaming pass (memory grows with the number of design
//! points and days, not with the number of runs), together with the warm times
//! of [`super::warm_times`].
//!
//! A days-to-warm column is censored at the run's horizon: its rows in
//! `summary.csv` and `differences.csv` are named `restricted_days_to_warm_<provider>`
//! and summarise the restricted time `min(T, horizon)`, a run never warm counting
//! at its horizon (in a paired difference, at the smaller horizon of the pair), so
//! that no mean is taken over the runs that happened to get warm. The horizon
//! itself (`days_observed`) is no outcome and has no rows: `warm_times.csv` gives it.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use super::metrics::{
    DAYS_OBSERVED, OverProviders, RUN_ID_COLUMNS, SERIES_METRIC_TABLE, SERIES_METRICS, STATUS_COLUMNS, fmt_float,
};
use super::series_store::{SeriesRow, SeriesSource};
use super::stats::{Accumulator, Summary};
use super::warm_times::{ALL_PROVIDERS, WarmCollector, is_warm_metric, restrict, summary_metric, warm_field};
use crate::report::ReportError;

/// Columns of the statistics, after the identifying columns.
pub const STAT_COLUMNS: [&str; 7] = ["n", "mean", "sd", "ci_low", "ci_high", "min", "max"];

/// Where the summaries go.
pub struct SummaryOutputs<'a> {
    /// `summary.csv`: per design point and run metric.
    pub summary: &'a mut dyn Write,
    /// `series_summary.csv`: per design point, day, provider and daily metric, each day's
    /// providers followed by `all`, every provider together (per run, the sum of the
    /// providers' messages and the lowest reputation: [`OverProviders`]).
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
}

/// One parsed row of `runs.csv`.
struct RunRow {
    run: usize,
    point: usize,
    replicate: u64,
    labels: Vec<String>,
    /// Whether the run succeeded (`status` is `ok`).
    ok: bool,
    /// Metric values; NaN where empty or not applicable, and everywhere in a failed run;
    /// a days-to-warm value is `f64::INFINITY` when the run is not warm by its horizon.
    values: Vec<f64>,
}

fn parse_run(rec: &::csv::StringRecord, layout: &RunsLayout, warm: &[bool]) -> Result<RunRow, ReportError> {
    let bad = || ReportError::Format(format!("runs.csv: malformed row {:?}", rec.iter().collect::<Vec<_>>()));
    let int = |i: usize| rec.get(i).and_then(|s| s.parse::<u64>().ok()).ok_or_else(bad);
    let (n_id, n_axes) = (RUN_ID_COLUMNS.len(), layout.axes.len());
    let first_metric = n_id + n_axes + STATUS_COLUMNS.len();
    if rec.len() != first_metric + layout.metrics.len() {
        return Err(bad());
    }
    let ok = rec.get(n_id + n_axes) == Some("ok");
    let value = |(i, warm): (usize, &bool)| {
        let text = rec.get(i).unwrap_or_default();
        match (ok, warm) {
            (false, _) => f64::NAN,
            (true, true) => warm_field(text),
            (true, false) => text.parse().unwrap_or(f64::NAN),
        }
    };
    Ok(RunRow {
        run: int(0)? as usize,
        point: int(1)? as usize,
        replicate: int(2)?,
        labels: (n_id..n_id + n_axes).map(|i| rec.get(i).unwrap_or_default().to_string()).collect(),
        ok,
        values: (first_metric..rec.len()).zip(warm).map(value).collect(),
    })
}

/// `values` of a run with each days-to-warm value (`warm`) restricted to `horizon`.
fn restricted(values: &[f64], warm: &[bool], horizon: f64) -> impl Iterator<Item = f64> {
    values.iter().zip(warm).map(move |(&v, &w)| if w { restrict(v, horizon) } else { v })
}

/// Reads `runs` (and `series`, if given: `series.csv` or the Parquet parts, through
/// [`SeriesSource`]) and writes the summaries. `runs` must be sorted by run index, and `series`
/// too; both are as the sweep writes them.
pub fn summarize(
    runs: &mut dyn Read,
    mut series: Option<&mut dyn SeriesSource>,
    out: SummaryOutputs<'_>,
) -> Result<(), ReportError> {
    let mut runs = ::csv::Reader::from_reader(runs);
    let layout = RunsLayout::from_header(runs.headers()?)?;
    let n_metrics = layout.metrics.len();
    let warm: Vec<bool> = layout.metrics.iter().map(|m| is_warm_metric(m)).collect();
    let mut warm_times = WarmCollector::new(&layout.metrics)?;
    let horizon = warm_times.horizon_index();
    // Per point: labels and one accumulator per metric.
    let mut points: BTreeMap<usize, (Vec<String>, Vec<Accumulator>)> = BTreeMap::new();
    let mut diffs: BTreeMap<usize, Vec<Accumulator>> = BTreeMap::new();
    let mut baseline: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    let paired = out.differences.is_some();
    let mut series_row = SeriesRow::default();
    let mut series_pending = false;
    let mut providers: Vec<String> = Vec::new();
    let mut daily: BTreeMap<(usize, u32, usize), [Accumulator; SERIES_METRICS.len()]> = BTreeMap::new();
    // The current run's values of every provider together, by day (see [`OverProviders`]).
    let mut run_all: BTreeMap<u32, [f64; SERIES_METRICS.len()]> = BTreeMap::new();
    for rec in runs.records() {
        let row = parse_run(&rec?, &layout, &warm)?;
        if row.ok {
            warm_times.add(row.point, &row.values);
        }
        let entry =
            points.entry(row.point).or_insert_with(|| (row.labels.clone(), vec![Accumulator::default(); n_metrics]));
        let own_horizon = row.values[horizon];
        for (acc, v) in entry.1.iter_mut().zip(restricted(&row.values, &warm, own_horizon)) {
            acc.add(v);
        }
        if row.point == 0 {
            // Kept only for differences (a single point or a sampled design has none), so that
            // memory does not grow with the number of runs there.
            if paired {
                baseline.insert(row.replicate, row.values.clone());
            }
        } else if let Some(base) = baseline.get(&row.replicate) {
            let d = diffs.entry(row.point).or_insert_with(|| vec![Accumulator::default(); n_metrics]);
            // Both restricted to the smaller horizon of the pair (NaN if either has none).
            let pair_horizon = if base[horizon].is_nan() { f64::NAN } else { own_horizon.min(base[horizon]) };
            let pairs = restricted(&row.values, &warm, pair_horizon).zip(restricted(base, &warm, pair_horizon));
            for (acc, (v, b)) in d.iter_mut().zip(pairs) {
                acc.add(v - b);
            }
        }
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
                let day = series_row.day;
                let name = series_row.provider.as_str();
                let p = match providers.iter().position(|n| n == name) {
                    Some(p) => p,
                    None => {
                        providers.push(name.to_string());
                        providers.len() - 1
                    }
                };
                let accs = daily.entry((row.point, day, p)).or_default();
                let all = run_all.entry(day).or_insert([f64::NAN; SERIES_METRICS.len()]);
                for (i, acc) in accs.iter_mut().enumerate() {
                    let v = series_row.values[i];
                    acc.add(v);
                    all[i] = over_providers(SERIES_METRIC_TABLE[i].over_providers, all[i], v);
                }
            }
            // Every provider together, after the providers of each day (an index no provider has).
            for (day, values) in std::mem::take(&mut run_all) {
                let accs = daily.entry((row.point, day, usize::MAX)).or_default();
                for (acc, v) in accs.iter_mut().zip(values) {
                    acc.add(v);
                }
            }
        }
    }
    let mut w = ::csv::WriterBuilder::new().from_writer(out.summary);
    write_header(&mut w, &["point"], &layout.axes, &["metric"])?;
    // The horizon is no outcome: it is in warm_times.csv.
    let summarised = |(metric, _): &(&String, &Accumulator)| metric.as_str() != DAYS_OBSERVED;
    for (point, (labels, accs)) in &points {
        for (metric, acc) in layout.metrics.iter().zip(accs).filter(summarised) {
            write_stats(&mut w, &[point.to_string()], labels, &summary_metric(metric), &acc.summary())?;
        }
    }
    w.flush()?;
    let labels: BTreeMap<usize, Vec<String>> = points.iter().map(|(p, (l, _))| (*p, l.clone())).collect();
    warm_times.write(&layout.axes, &labels, out.warm_times, out.warm_curves)?;
    if let Some(out) = out.differences {
        let mut w = ::csv::WriterBuilder::new().from_writer(out);
        write_header(&mut w, &["point"], &layout.axes, &["metric"])?;
        for (point, accs) in &diffs {
            let labels = points.get(point).map(|p| p.0.clone()).unwrap_or_default();
            for (metric, acc) in layout.metrics.iter().zip(accs).filter(summarised) {
                write_stats(&mut w, &[point.to_string()], &labels, &summary_metric(metric), &acc.summary())?;
            }
        }
        w.flush()?;
    }
    if let Some(out) = out.series_summary {
        let mut w = ::csv::WriterBuilder::new().from_writer(out);
        write_header(&mut w, &["point", "day", "provider"], &[], &["metric"])?;
        for ((point, day, p), accs) in &daily {
            let provider = providers.get(*p).map_or(ALL_PROVIDERS, String::as_str);
            let id = [point.to_string(), day.to_string(), provider.to_string()];
            for (metric, acc) in SERIES_METRICS.iter().zip(accs) {
                write_stats(&mut w, &id, &[], metric, &acc.summary())?;
            }
        }
        w.flush()?;
    }
    Ok(())
}

/// `acc` (NaN: no provider yet) combined with one more provider's value `v` (NaN: none).
fn over_providers(how: OverProviders, acc: f64, v: f64) -> f64 {
    match (acc.is_nan(), v.is_nan(), how) {
        (_, true, _) => acc,
        (true, false, _) => v,
        (false, false, OverProviders::Sum) => acc + v,
        (false, false, OverProviders::Lowest) => acc.min(v),
    }
}

fn write_header<W: Write>(
    w: &mut ::csv::Writer<W>,
    id: &[&str],
    axes: &[String],
    tail: &[&str],
) -> Result<(), ReportError> {
    let mut h: Vec<&str> = id.to_vec();
    h.extend(axes.iter().map(String::as_str));
    h.extend(tail);
    h.extend(STAT_COLUMNS);
    w.write_record(&h)?;
    Ok(())
}

fn write_stats<W: Write>(
    w: &mut ::csv::Writer<W>,
    id: &[String],
    labels: &[String],
    metric: &str,
    s: &Summary,
) -> Result<(), ReportError> {
    let f = |v: Option<f64>| v.map(fmt_float).unwrap_or_default();
    let mut rec: Vec<String> = id.to_vec();
    rec.extend(labels.iter().cloned());
    rec.push(metric.to_string());
    rec.push(s.n.to_string());
    rec.extend([s.mean, s.sd, s.ci_low, s.ci_high, s.min, s.max].map(f));
    w.write_record(&rec)?;
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
    use super::super::series_store::CsvSeries;
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
