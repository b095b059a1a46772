//! [`SummaryBuilder`]: the statistics of `summary.csv`, `series_summary.csv`,
//! `differences.csv` and the warm times, accumulated one run at a time in run order.
//!
//! A sweep feeds it each run as the run is handed over ([`SummaryBuilder::add_run`] and
//! [`SummaryBuilder::add_run_series`], with the numbers a reader of `runs.csv` and the series
//! files gets), so that nothing is read back once the runs end; [`super::summarize`] feeds
//! it from the files (`merge`, a resumed sweep's earlier runs). Both give the same bytes: the
//! accumulators see the same values in the same order. Memory grows with the design points
//! and days, not with the runs (except the baseline of paired differences, one row per
//! replicate).

use std::collections::BTreeMap;
use std::io::Write;

use super::metrics::{DAYS_OBSERVED, SERIES_METRICS, SERIES_OVER_PROVIDERS, fmt_float};
use super::series_store::{ReadRow, RunSeries};
use super::stats::{Accumulator, Summary};
use super::summary::{RunsLayout, STAT_COLUMNS, SummaryOutputs};
use super::warm_times::{ALL_PROVIDERS, WarmCollector, restrict, summary_metric, warm_field};
use crate::report::ReportError;

/// One row of `runs.csv` as its reader sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Run index.
    pub run: usize,
    /// Design point.
    pub point: usize,
    /// Replicate.
    pub replicate: u64,
    /// The point's axis labels.
    pub labels: Vec<String>,
    /// Whether the run succeeded (`status` is `ok`).
    pub ok: bool,
    /// Metric values; NaN where empty or not applicable, and everywhere in a failed run;
    /// a days-to-warm value is `f64::INFINITY` when the run is not warm by its horizon.
    pub values: Vec<f64>,
}

impl RunRecord {
    /// The record of a run whose metric fields (the text of `runs.csv`, unquoted) are
    /// `fields`; `warm` says which are days-to-warm columns ([`RunsLayout::warm`]).
    pub fn new<'a>(
        (run, point, replicate): (usize, usize, u64),
        labels: Vec<String>,
        ok: bool,
        fields: impl Iterator<Item = &'a str>,
        warm: &[bool],
    ) -> Self {
        let value = |(text, warm): (&str, &bool)| match (ok, warm) {
            (false, _) => f64::NAN,
            (true, true) => warm_field(text),
            (true, false) => text.parse().unwrap_or(f64::NAN),
        };
        Self { run, point, replicate, labels, ok, values: fields.zip(warm).map(value).collect() }
    }
}

/// A run's series values of one day at one provider, or of every provider together, as read.
type DayValues = ReadRow;

/// Accumulators of one day's series at a design point.
#[derive(Debug, Clone, Default)]
struct DayAccs {
    /// Per provider (index of [`SummaryBuilder::providers`]), if it has rows.
    providers: Vec<Option<[Accumulator; SERIES_METRICS.len()]>>,
    /// Every provider together.
    all: Option<[Accumulator; SERIES_METRICS.len()]>,
}

/// The summaries of an experiment, accumulated run by run (see the module).
#[derive(Debug)]
pub struct SummaryBuilder {
    layout: RunsLayout,
    warm: Vec<bool>,
    horizon: usize,
    warm_times: WarmCollector,
    /// Per point: labels and one accumulator per metric.
    points: BTreeMap<usize, (Vec<String>, Vec<Accumulator>)>,
    /// Whether paired differences against point 0 are kept.
    paired: bool,
    diffs: BTreeMap<usize, Vec<Accumulator>>,
    /// Point 0's values by replicate (paired only).
    baseline: BTreeMap<u64, Vec<f64>>,
    /// Provider names of the series, in order of first appearance.
    providers: Vec<String>,
    /// Per point: each day's accumulators, by day.
    daily: BTreeMap<usize, Vec<(u32, DayAccs)>>,
    /// The current run's values of every provider together, by day.
    run_all: Vec<(u32, DayValues)>,
    /// Scratch: the current run's provider indices.
    run_providers: Vec<usize>,
    /// Where the last series row went.
    cursor: Cursor,
    /// The metric column of `pool_overload_days`, if the runs have one.
    overload_column: Option<usize>,
    /// Runs added whose `pool_overload_days` is above 0.
    pool_overloaded: usize,
}

impl SummaryBuilder {
    /// A builder for runs of `layout`; with `paired`, paired differences against design point 0
    /// are kept (`differences.csv`).
    pub fn new(layout: RunsLayout, paired: bool) -> Result<Self, ReportError> {
        let warm = layout.warm();
        let warm_times = WarmCollector::new(&layout.metrics)?;
        let horizon = warm_times.horizon_index();
        let overload_column = layout.metrics.iter().position(|m| m == super::POOL_OVERLOAD_DAYS);
        Ok(Self {
            layout,
            warm,
            horizon,
            warm_times,
            points: BTreeMap::new(),
            paired,
            diffs: BTreeMap::new(),
            baseline: BTreeMap::new(),
            providers: Vec::new(),
            daily: BTreeMap::new(),
            run_all: Vec::new(),
            run_providers: Vec::new(),
            cursor: Cursor::default(),
            overload_column,
            pool_overloaded: 0,
        })
    }

    /// The layout of the runs.
    pub fn layout(&self) -> &RunsLayout {
        &self.layout
    }

    /// The number of runs added that left the model's domain (as
    /// [`super::count_pool_overloaded`] counts them in `runs.csv`), if the runs have the column.
    pub fn pool_overloaded(&self) -> Option<usize> {
        self.overload_column.map(|_| self.pool_overloaded)
    }

    /// Whether paired differences are kept.
    pub fn paired(&self) -> bool {
        self.paired
    }

    /// Adds a run's row of `runs.csv` (runs in order).
    pub fn add_run(&mut self, row: &RunRecord) -> Result<(), ReportError> {
        let n_metrics = self.layout.metrics.len();
        if row.values.len() != n_metrics {
            return Err(ReportError::Format(format!("run {}: {} metrics, not {n_metrics}", row.run, row.values.len())));
        }
        if row.ok {
            self.warm_times.add(row.point, &row.values);
            let overloaded = self.overload_column.and_then(|c| row.values.get(c)).is_some_and(|&d| d > 0.0);
            self.pool_overloaded += usize::from(overloaded);
        }
        let entry = self
            .points
            .entry(row.point)
            .or_insert_with(|| (row.labels.clone(), vec![Accumulator::default(); n_metrics]));
        let own_horizon = row.values[self.horizon];
        for (acc, v) in entry.1.iter_mut().zip(restricted(&row.values, &self.warm, own_horizon)) {
            acc.add(v);
        }
        if row.point == 0 {
            // Kept only for differences (a single point or a sampled design has none), so that
            // memory does not grow with the number of runs there.
            if self.paired {
                self.baseline.insert(row.replicate, row.values.clone());
            }
        } else if let Some(base) = self.baseline.get(&row.replicate) {
            let d = self.diffs.entry(row.point).or_insert_with(|| vec![Accumulator::default(); n_metrics]);
            // Both restricted to the smaller horizon of the pair (NaN if either has none).
            let h = self.horizon;
            let pair_horizon = if base[h].is_nan() { f64::NAN } else { own_horizon.min(base[h]) };
            let pairs =
                restricted(&row.values, &self.warm, pair_horizon).zip(restricted(base, &self.warm, pair_horizon));
            for (acc, (v, b)) in d.iter_mut().zip(pairs) {
                acc.add(v - b);
            }
        }
        Ok(())
    }

    /// The index of provider `name`, added if new.
    pub fn provider_index(&mut self, name: &str) -> usize {
        match self.providers.iter().position(|n| n == name) {
            Some(p) => p,
            None => {
                self.providers.push(name.to_string());
                self.providers.len() - 1
            }
        }
    }

    /// Adds one series row of the current run of design point `point`: day `day`, provider
    /// `provider` ([`Self::provider_index`]), the values as the series files read.
    /// [`Self::end_run_series`] ends the run's rows.
    pub fn add_series_row(&mut self, point: usize, day: u32, provider: usize, values: &DayValues) {
        add_row(self.daily.entry(point).or_default(), &mut self.run_all, &mut self.cursor, (day, provider), values);
    }

    /// Ends the series rows of the current run of design point `point`: adds its values of every
    /// provider together, by day.
    pub fn end_run_series(&mut self, point: usize) {
        let days = self.daily.entry(point).or_default();
        for (day, values) in self.run_all.drain(..) {
            let i = slot(days, day, &mut self.cursor.day, DayAccs::default);
            let accs = days[i].1.all.get_or_insert_with(Default::default);
            for (acc, v) in accs.iter_mut().zip(values) {
                acc.add(v);
            }
        }
        self.cursor.all = 0;
    }

    /// Adds the series of a run of design point `point` as a worker made them (each value as the
    /// series files read it: [`RunSeries::read`]).
    pub fn add_run_series(&mut self, point: usize, series: &RunSeries) -> Result<(), ReportError> {
        series.check()?;
        let columns = &series.columns;
        let mut indices = std::mem::take(&mut self.run_providers);
        indices.clear();
        for name in &columns.names {
            let name = name.as_utf8().map_err(|e| ReportError::Format(format!("run {}: {e}", series.run)))?;
            indices.push(self.provider_index(name));
        }
        let days = self.daily.entry(point).or_default();
        for (row, (&day, &p)) in columns.day.iter().zip(&columns.provider).enumerate() {
            let provider = *indices
                .get(usize::from(p))
                .ok_or_else(|| ReportError::Format(format!("run {}: provider index {p} out of range", series.run)))?;
            add_row(days, &mut self.run_all, &mut self.cursor, (day, provider), &series.read(row));
        }
        self.run_providers = indices;
        self.end_run_series(point);
        Ok(())
    }

    /// Writes the summaries (`out.series_summary` only gets rows if series were added, and
    /// `out.differences` only if the builder is paired).
    pub fn write(self, out: SummaryOutputs<'_>) -> Result<(), ReportError> {
        let layout = &self.layout;
        let mut w = ::csv::WriterBuilder::new().from_writer(out.summary);
        write_header(&mut w, &["point"], &layout.axes, &["metric"])?;
        // The horizon is no outcome: it is in warm_times.csv.
        let summarised = |(metric, _): &(&String, &Accumulator)| metric.as_str() != DAYS_OBSERVED;
        for (point, (labels, accs)) in &self.points {
            for (metric, acc) in layout.metrics.iter().zip(accs).filter(summarised) {
                write_stats(&mut w, &[point.to_string()], labels, &summary_metric(metric), &acc.summary())?;
            }
        }
        w.flush()?;
        let labels: BTreeMap<usize, Vec<String>> = self.points.iter().map(|(p, (l, _))| (*p, l.clone())).collect();
        self.warm_times.write(&layout.axes, &labels, out.warm_times, out.warm_curves)?;
        if let Some(out) = out.differences {
            let mut w = ::csv::WriterBuilder::new().from_writer(out);
            write_header(&mut w, &["point"], &layout.axes, &["metric"])?;
            for (point, accs) in &self.diffs {
                let labels = self.points.get(point).map(|p| p.0.clone()).unwrap_or_default();
                for (metric, acc) in layout.metrics.iter().zip(accs).filter(summarised) {
                    write_stats(&mut w, &[point.to_string()], &labels, &summary_metric(metric), &acc.summary())?;
                }
            }
            w.flush()?;
        }
        if let Some(out) = out.series_summary {
            let mut w = ::csv::WriterBuilder::new().from_writer(out);
            write_header(&mut w, &["point", "day", "provider"], &[], &["metric"])?;
            for (point, days) in &self.daily {
                for (day, accs) in days {
                    let rows = accs.providers.iter().enumerate().filter_map(|(p, a)| Some((p, a.as_ref()?)));
                    let all = accs.all.as_ref().map(|a| (usize::MAX, a));
                    for (p, accs) in rows.chain(all) {
                        let provider = self.providers.get(p).map_or(ALL_PROVIDERS, String::as_str);
                        let id = [point.to_string(), day.to_string(), provider.to_string()];
                        for (metric, acc) in SERIES_METRICS.iter().zip(accs) {
                            write_stats(&mut w, &id, &[], metric, &acc.summary())?;
                        }
                    }
                }
            }
            w.flush()?;
        }
        Ok(())
    }
}

/// Adds the values of one series row, of day `day` at provider `provider`, to the accumulators
/// of its design point, `days`, and to the current run's values of every provider, `run_all`;
/// `cursor` is where the row before was in each.
fn add_row(
    days: &mut Vec<(u32, DayAccs)>,
    run_all: &mut Vec<(u32, DayValues)>,
    cursor: &mut Cursor,
    (day, provider): (u32, usize),
    values: &DayValues,
) {
    let i = slot(days, day, &mut cursor.day, DayAccs::default);
    let accs = &mut days[i].1;
    if accs.providers.len() <= provider {
        accs.providers.resize(provider + 1, None);
    }
    let accs = accs.providers[provider].get_or_insert_with(Default::default);
    for (acc, &v) in accs.iter_mut().zip(values) {
        acc.add(v);
    }
    let i = slot(run_all, day, &mut cursor.all, || [f64::NAN; SERIES_METRICS.len()]);
    let all = &mut run_all[i].1;
    for ((all, &v), how) in all.iter_mut().zip(values).zip(SERIES_OVER_PROVIDERS) {
        *all = over_providers(how, *all, v);
    }
}

/// Where the last series row went: its day's index in the design point's days and in the run's
/// values of every provider ([`add_row`]).
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    day: usize,
    all: usize,
}

/// The index of day `day` in `items` (sorted by day), added (made by `new`) if it is not there.
/// `hint` is where the day before was found, and becomes this day's: rows come day after day, so
/// the day is mostly there or just after.
fn slot<T>(items: &mut Vec<(u32, T)>, day: u32, hint: &mut usize, new: impl FnOnce() -> T) -> usize {
    let at = |i: usize| items.get(i).is_some_and(|(d, _)| *d == day);
    let i = if at(*hint) {
        *hint
    } else if at(*hint + 1) {
        *hint + 1
    } else {
        match items.binary_search_by_key(&day, |(d, _)| *d) {
            Ok(i) => i,
            Err(i) => {
                items.insert(i, (day, new()));
                i
            }
        }
    };
    *hint = i;
    i
}

/// `values` of a run with each days-to-warm value (`warm`) restricted to `horizon`.
fn restricted<'a>(values: &'a [f64], warm: &'a [bool], horizon: f64) -> impl Iterator<Item = f64> + 'a {
    values.iter().zip(warm).map(move |(&v, &w)| if w { restrict(v, horizon) } else { v })
}

/// `acc` (NaN: no provider yet) combined with one more provider's value `v` (NaN: none).
fn over_providers(how: super::OverProviders, acc: f64, v: f64) -> f64 {
    use super::OverProviders;
    if v.is_nan() {
        acc
    } else if acc.is_nan() {
        v
    } else {
        match how {
            OverProviders::Sum => acc + v,
            OverProviders::Lowest => acc.min(v),
        }
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
