//! The columns of an experiment's `runs.csv` and `series.csv`: their names,
//! their chart titles and how each value is computed from a [`RunResult`].
//!
//! Each metric is one entry of [`RUN_METRIC_TABLE`] or [`SERIES_METRIC_TABLE`];
//! the headers, the rows, the names charts may ask for and the chart titles are
//! all read from them, so a metric is added in one place. The sweep assembles
//! each run's rows (identity, axis values, status, then these metrics: see
//! `sweep::run_rows`) in the worker that ran the simulation, so that the single
//! thread writing files in run order only copies bytes.

use std::fmt::Write as _;

use super::series_store::{RunSeries, SeriesFormat};
use crate::report::aggregate::{Aggregates, complaint_rate, deferral_rate};
use crate::sim::variation::DrawnParameter;
use crate::sim::{Counts, RunResult};

/// The columns identifying a run at the start of each `runs.csv` row, in order.
pub const RUN_ID_COLUMNS: [&str; 4] = ["run", "point", "replicate", "seed"];

/// The columns after the axis values of `runs.csv`: whether the run succeeded (`ok` or `failed`), and why not.
pub const STATUS_COLUMNS: [&str; 2] = ["status", "message"];

/// The columns identifying a row of `series.csv`, before its metrics.
pub const SERIES_ID_COLUMNS: [&str; 3] = ["run", "day", "provider"];

/// The prefix of the per-provider days-to-warm columns.
pub const DAYS_TO_WARM_PREFIX: &str = "days_to_warm_";

/// The `runs.csv` column of the days a run was observed: its horizon, the day on
/// which a provider not yet warm is censored (its `days_to_warm_<provider>` field is
/// empty then). Not named `horizon_days`, the scenario key an axis may sweep and
/// whose column `runs.csv` then has already.
pub const DAYS_OBSERVED: &str = "days_observed";

/// The field of a `days_to_warm_<provider>` column in a run whose scenario has no
/// such provider (another design point's): not applicable, unlike an empty field
/// (not warm by the horizon). pandas and R read it as missing.
pub const NOT_APPLICABLE: &str = "NA";

/// The `runs.csv` column counting, over shared pools and providers, the days the
/// sender's mail through a pool exceeded the pool's own volume (0 inside the
/// model's domain; see [`crate::sim::domain`]).
pub const POOL_OVERLOAD_DAYS: &str = "pool_overload_days";

/// A metric's value in one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A whole number, written as is.
    Count(u64),
    /// A real number, written with 7 significant digits ([`fmt_float`]); the run fails if it is not finite.
    Real(f64),
    /// No value (e.g. a provider not warm by the horizon): an empty field.
    Missing,
}

/// Which way a metric is better: charts that colour values by size give "better" the
/// same colour in every chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better (days to warm, blocked share, complaints).
    Lower,
    /// Larger is better (inbox share, providers warm).
    Higher,
    /// Neither (messages sent, the horizon): a size, not a verdict.
    Neither,
}

/// The values a metric can take in one run, so that an interval drawn around a mean
/// stays among them (a t interval of a mean of values at or near 0 reaches below 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// 0 or more (counts, days, rates).
    NonNegative,
    /// A share or a score, 0 to 1.
    Share,
    /// A count of providers, 0 to the number of providers.
    Providers,
}

/// One metric column of `runs.csv` (after the per-provider `days_to_warm_<provider>` columns).
pub struct RunMetric {
    /// Column name.
    pub name: &'static str,
    /// Chart title, with its unit.
    pub title: &'static str,
    /// Factor applied to values on charts (100 for a share shown in %).
    pub scale: f64,
    /// Which way is better.
    pub better: Better,
    /// The values a run can have.
    pub domain: Domain,
    /// The metric of a run, from its result and the day-by-day totals over providers.
    pub value: fn(result: &RunResult, day_totals: &[Counts]) -> Value,
}

/// Whole-run total of a [`Counts`] field, as a [`RunMetric`].
macro_rules! total {
    ($field:ident, $unit:literal, $better:ident) => {
        RunMetric {
            name: stringify!($field),
            title: concat!(stringify!($field), " (", $unit, ", whole run)"),
            scale: 1.0,
            better: Better::$better,
            domain: Domain::NonNegative,
            value: |result, _| Value::Count(result.totals.$field),
        }
    };
}

/// `n / sent` over the run (0 when nothing was sent).
fn share_of_sent(result: &RunResult, n: u64) -> Value {
    let sent = result.totals.sent;
    Value::Real(if sent == 0 { 0.0 } else { n as f64 / sent as f64 })
}

/// The largest daily value of `rate` (0 when no day has one).
fn peak(day_totals: &[Counts], rate: fn(&Counts) -> Option<f64>) -> Value {
    Value::Real(day_totals.iter().filter_map(rate).fold(0.0, f64::max))
}

/// The metrics of `runs.csv` after the per-provider days-to-warm columns, in order.
pub const RUN_METRIC_TABLE: [RunMetric; 16] = [
    RunMetric {
        name: "days_to_warm_all",
        title: "days until every provider is warm",
        scale: 1.0,
        better: Better::Lower,
        domain: Domain::NonNegative,
        value: |result, _| match result.warm_day.iter().copied().collect::<Option<Vec<u32>>>() {
            Some(days) => days.into_iter().max().map_or(Value::Missing, |d| Value::Count(u64::from(d))),
            None => Value::Missing,
        },
    },
    RunMetric {
        name: DAYS_OBSERVED,
        title: "days observed (the horizon, days)",
        scale: 1.0,
        better: Better::Neither,
        domain: Domain::NonNegative,
        value: |result, _| Value::Count(u64::from(result.horizon_days)),
    },
    RunMetric {
        name: "providers_warm",
        title: "providers warm by the end (count)",
        scale: 1.0,
        better: Better::Higher,
        domain: Domain::Providers,
        value: |result, _| Value::Count(result.warm_day.iter().flatten().count() as u64),
    },
    total!(sent, "messages", Neither),
    total!(inbox, "messages", Higher),
    total!(junk, "messages", Lower),
    total!(bounced, "messages", Lower),
    total!(blocked, "messages", Lower),
    total!(expired, "messages", Lower),
    total!(deferred, "4xx replies", Lower),
    total!(complaints, "complaints", Lower),
    RunMetric {
        name: "inbox_share",
        title: "inbox, share of messages sent (%)",
        scale: 100.0,
        better: Better::Higher,
        domain: Domain::Share,
        value: |result, _| share_of_sent(result, result.totals.inbox),
    },
    RunMetric {
        name: "blocked_share",
        title: "blocked, share of messages sent (%)",
        scale: 100.0,
        better: Better::Lower,
        domain: Domain::Share,
        value: |result, _| share_of_sent(result, result.totals.blocked),
    },
    RunMetric {
        name: "peak_complaint_rate",
        title: "peak daily complaint rate (%)",
        scale: 100.0,
        better: Better::Lower,
        domain: Domain::Share,
        value: |_, days| peak(days, complaint_rate),
    },
    RunMetric {
        name: "peak_deferral_rate",
        title: "peak daily deferral rate (%)",
        scale: 100.0,
        better: Better::Lower,
        domain: Domain::Share,
        value: |_, days| peak(days, deferral_rate),
    },
    RunMetric {
        name: POOL_OVERLOAD_DAYS,
        title: "days a shared pool carried more than its own volume (pool-provider-days)",
        scale: 1.0,
        better: Better::Lower,
        domain: Domain::NonNegative,
        value: |result, _| Value::Count(result.pool_overloads.iter().map(|o| u64::from(o.days)).sum()),
    },
];

/// The names of [`RUN_METRIC_TABLE`], in order.
pub const RUN_METRICS: [&str; RUN_METRIC_TABLE.len()] = {
    let mut names = [""; RUN_METRIC_TABLE.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = RUN_METRIC_TABLE[i].name;
        i += 1;
    }
    names
};

/// How a daily metric of every provider together is made from the providers' values of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverProviders {
    /// Their sum (messages).
    Sum,
    /// The lowest value (reputation: the provider that holds the sender back).
    Lowest,
}

/// Which [`Value`]s a daily metric has: its column type in Parquet series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// [`Value::Count`] (an unsigned 64-bit integer).
    Count,
    /// [`Value::Real`], or [`Value::Missing`].
    Real,
}

/// One metric column of `series.csv`: a value per (run, day, provider).
pub struct DailyMetric {
    /// Column name.
    pub name: &'static str,
    /// Its values: counts or reals.
    pub kind: ValueKind,
    /// Chart title, without its unit.
    pub title: &'static str,
    /// Unit, for axis titles.
    pub unit: &'static str,
    /// How the value of every provider together is made (the `all` rows of `series_summary.csv`).
    pub over_providers: OverProviders,
    /// The values one day can have (a count, or a score from 0 to 1).
    pub domain: Domain,
    /// The value on one day at one provider: its counts summed over IPs, and the
    /// mean reputation of the reference IPs (`None` without a record).
    pub value: fn(counts: &Counts, reputation: Option<f64>) -> Value,
}

/// A daily count of a [`Counts`] field, as a [`DailyMetric`].
macro_rules! daily {
    ($field:ident, $title:literal, $unit:literal) => {
        DailyMetric {
            name: stringify!($field),
            kind: ValueKind::Count,
            title: $title,
            unit: $unit,
            over_providers: OverProviders::Sum,
            domain: Domain::NonNegative,
            value: |c, _| Value::Count(c.$field),
        }
    };
}

/// The metrics of `series.csv` after its identifying columns, in order.
pub const SERIES_METRIC_TABLE: [DailyMetric; 9] = [
    daily!(sent, "new messages sent", "messages/day"),
    daily!(inbox, "messages delivered to the inbox", "messages/day"),
    daily!(junk, "messages delivered to the junk folder", "messages/day"),
    daily!(deferred, "deferrals (4xx replies)", "replies/day"),
    daily!(bounced, "hard bounces", "messages/day"),
    daily!(blocked, "messages blocked (5xx, reputation)", "messages/day"),
    daily!(expired, "messages expired in the queue", "messages/day"),
    daily!(complaints, "complaints", "complaints/day"),
    DailyMetric {
        name: "reputation",
        kind: ValueKind::Real,
        title: "reputation of the sender's IPs, its dedicated ones if any",
        unit: "score from 0 to 1",
        over_providers: OverProviders::Lowest,
        domain: Domain::Share,
        value: |_, rep| rep.map_or(Value::Missing, Value::Real),
    },
];

/// How every provider together is made, for each metric of [`SERIES_METRIC_TABLE`].
pub const SERIES_OVER_PROVIDERS: [OverProviders; SERIES_METRIC_TABLE.len()] = {
    let mut how = [OverProviders::Sum; SERIES_METRIC_TABLE.len()];
    let mut i = 0;
    while i < how.len() {
        how[i] = SERIES_METRIC_TABLE[i].over_providers;
        i += 1;
    }
    how
};

/// The names of [`SERIES_METRIC_TABLE`], in order.
pub const SERIES_METRICS: [&str; SERIES_METRIC_TABLE.len()] = {
    let mut names = [""; SERIES_METRIC_TABLE.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = SERIES_METRIC_TABLE[i].name;
        i += 1;
    }
    names
};

/// The run metric named `name`, if it is one of [`RUN_METRIC_TABLE`].
pub fn run_metric(name: &str) -> Option<&'static RunMetric> {
    RUN_METRIC_TABLE.iter().find(|m| m.name == name)
}

/// The daily metric named `name`, if it is one of [`SERIES_METRIC_TABLE`].
pub fn daily_metric(name: &str) -> Option<&'static DailyMetric> {
    SERIES_METRIC_TABLE.iter().find(|m| m.name == name)
}

/// Column names of `runs.csv`: identity, one column per axis, status, then
/// metrics, and last the drawn provider parameters `drawn` (`<provider>.<key>`, see [`drawn_column`]).
pub fn runs_header(axes: &[String], providers: &[String], drawn: &[String]) -> Vec<String> {
    let mut h: Vec<String> = RUN_ID_COLUMNS.map(String::from).to_vec();
    h.extend(axes.iter().cloned());
    h.extend(STATUS_COLUMNS.map(String::from));
    h.extend(providers.iter().map(|p| format!("{DAYS_TO_WARM_PREFIX}{p}")));
    h.extend(RUN_METRICS.map(String::from));
    h.extend(drawn.iter().cloned());
    h
}

/// The `runs.csv` column of provider `provider`'s parameter `key` drawn from a
/// distribution: `<provider>.<key>` (`gmail.trust_gain_per_day`). Registry keys
/// hold no `.`, so the column splits at its last one.
pub fn drawn_column(provider: &str, key: &str) -> String {
    format!("{provider}.{key}")
}

/// The value of drawn-parameter column `column` ([`drawn_column`]) in `result`, if it drew it.
/// `hint` is where to look first in the run's draws (columns and draws mostly come in the same
/// order); it moves past the draw found there.
fn drawn_value(result: &RunResult, column: &str, hint: &mut usize) -> Option<f64> {
    // The column splits at its last `.` (a byte search: `rsplit_once` is slower).
    let dot = column.bytes().rposition(|b| b == b'.')?;
    let (provider, key) = (&column[..dot], &column[dot + 1..]);
    let is = |d: &DrawnParameter| d.key == key && result.provider_names.get(d.provider).is_some_and(|n| n == provider);
    if let Some(d) = result.drawn_parameters.get(*hint).filter(|d| is(d)) {
        *hint += 1;
        return Some(d.value);
    }
    result.drawn_parameters.iter().find(|d| is(d)).map(|d| d.value)
}

/// Column names of `series.csv`.
pub fn series_header() -> Vec<String> {
    let mut h: Vec<String> = SERIES_ID_COLUMNS.map(String::from).to_vec();
    h.extend(SERIES_METRICS.map(String::from));
    h
}

/// Number of metric fields of a `runs.csv` row (after `message`) with
/// `n_providers` provider columns and `n_drawn` drawn-parameter columns.
pub fn n_metric_fields(n_providers: usize, n_drawn: usize) -> usize {
    n_providers + RUN_METRICS.len() + n_drawn
}

/// Formats a float with at most 7 significant digits (fixed notation, no
/// exponent, trailing zeros removed): the same value always gives the same text.
pub fn fmt_float(v: f64) -> String {
    let mut s = String::new();
    push_float(&mut s, v);
    s
}

/// Appends [`fmt_float`]`(v)` to `out` (without making a string of its own).
pub fn push_float(out: &mut String, v: f64) {
    if v == 0.0 || !v.is_finite() {
        if v.is_finite() {
            out.push('0');
        }
        return;
    }
    match decimal_mantissa(v) {
        Some((m, decimals)) => push_decimal(out, m, decimals),
        None => {
            let start = out.len();
            let decimals = float_decimals(v);
            // Writing to a String cannot fail.
            let _ = write!(out, "{v:.decimals$}");
            if out[start..].contains('.') {
                let kept = out[start..].trim_end_matches('0').trim_end_matches('.').len();
                out.truncate(start + kept);
            }
            if &out[start..] == "-0" {
                out.truncate(start);
                out.push('0');
            }
        }
    }
}

/// Appends `m / 10^decimals` (`m` a whole number below 2^52 in size) as `{:.decimals}` writes
/// it, trailing zeros and a trailing point removed, and `0` for `-0`.
fn push_decimal(out: &mut String, m: f64, decimals: usize) {
    let magnitude = m.abs() as u64;
    if magnitude == 0 {
        out.push('0');
        return;
    }
    if m < 0.0 {
        out.push('-');
    }
    let mut digits = [b'0'; 20];
    let mut rest = magnitude;
    let mut start = digits.len();
    while rest > 0 {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    // At least one digit before the point.
    let start = start.min(digits.len() - decimals - 1);
    let point = digits.len() - decimals;
    let fraction = &digits[point..];
    let kept = fraction.iter().rposition(|&d| d != b'0').map_or(0, |i| i + 1);
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&digits[start..point]).unwrap_or_default());
    if kept > 0 {
        out.push('.');
        out.push_str(std::str::from_utf8(&fraction[..kept]).unwrap_or_default());
    }
}

/// `v` (finite, not 0) as `m / 10^d`, `d` its decimals ([`float_decimals`]) and `m` the whole
/// number its text shows without the point: `v * 10^d` rounded, unless that is within 1e-6 of
/// a tie or not below 2^51 (`None`: the text decides). `v * 10^d` is below 10^7 but for large
/// or tiny `v`, so its rounding error is far below 1e-6, and `m` is the exact value of `v`
/// rounded to `d` decimals, as the text has it.
pub fn decimal_mantissa(v: f64) -> Option<(f64, usize)> {
    let decimals = float_decimals(v);
    let scaled = v * POW10[decimals];
    // Below 2^51, adding and taking off 1.5 x 2^52 rounds to the nearest whole number (ties to
    // even, which no tie reaches here) without a call to `round`; the sign keeps `-0`.
    const ROUNDER: f64 = 6_755_399_441_055_744.0;
    if scaled.abs() >= 2_251_799_813_685_248.0 {
        return None;
    }
    let rounded = ((scaled + ROUNDER) - ROUNDER).copysign(scaled);
    // `scaled - rounded` is exact (the two are within a factor of 2, or `rounded` is 0).
    let near_tie = ((scaled - rounded).abs() - 0.5).abs() < 1e-6;
    if near_tie {
        return None;
    }
    Some((rounded, decimals))
}

/// `10^d` for every `d` [`float_decimals`] gives, exactly.
pub const POW10: [f64; 16] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/// The decimals [`fmt_float`] writes `v` (finite, not 0) with, before trailing zeros are removed:
/// 7 significant digits, at most 15 decimals: `6 - floor(log10(|v|))`, clamped to 0..=15.
///
/// The magnitude is read from a table of powers of ten, except within a relative 1e-12 of one
/// of them, where `log10` decides (as everywhere before): away from them, `log10`'s error (a few
/// units in the last place) cannot move the floor, so the result is the same for every `v`.
pub fn float_decimals(v: f64) -> usize {
    let a = v.abs();
    // The magnitudes that give 14 to 1 decimals: below the first, 15; from the last, 0.
    const BOUNDS: [f64; 15] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    let above = BOUNDS.partition_point(|b| a >= *b);
    let near = |i: usize| BOUNDS.get(i).is_some_and(|b| (a - b).abs() <= b * 1e-12);
    if !a.is_finite() || near(above) || (above > 0 && near(above - 1)) {
        let magnitude = a.log10().floor() as i32;
        return (6 - magnitude).clamp(0, 15) as usize;
    }
    BOUNDS.len() - above
}

/// A CSV field: quoted when it contains a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Appends `value` as a field to `out`; returns false if it is a non-finite real.
fn push_value(out: &mut String, value: Value) -> bool {
    match value {
        // Writing to a String cannot fail.
        Value::Count(n) => {
            let _ = write!(out, "{n}");
            true
        }
        Value::Real(v) => {
            push_float(out, v);
            v.is_finite()
        }
        Value::Missing => true,
    }
}

/// What a run contributes to the experiment's files, besides its identity, axis values and status.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRows {
    /// The metric fields of its `runs.csv` row (after `message`), unquoted, separated by commas
    /// (no field holds one): [`Self::fields`].
    pub line: String,
    /// Its `series.csv` lines, newlines included (empty without CSV series).
    pub series: String,
    /// Its series rows typed, for Parquet parts and the summaries (`None` without series).
    pub typed: Option<RunSeries>,
}

impl MetricRows {
    /// The metric fields, in order.
    pub fn fields(&self) -> std::str::Split<'_, char> {
        self.line.split(',')
    }

    /// The metric field `i`.
    pub fn field(&self, i: usize) -> Option<&str> {
        self.fields().nth(i)
    }
}

/// The metrics of run `run` from its simulation result: one days-to-warm field
/// per name of `providers` (the provider columns of the experiment; a provider
/// absent from this run has [`NOT_APPLICABLE`]; one not warm by the horizon, an empty field), then [`RUN_METRIC_TABLE`],
/// then the value of each drawn parameter of `drawn` (the experiment's
/// [`drawn_column`]s; empty where this run drew no such parameter); and, with `series`, one `series.csv` line per day and provider with
/// [`SERIES_METRIC_TABLE`]. `Err` names the first metric whose value is not
/// finite (a run metric before a series one).
pub fn metric_rows(
    run: usize,
    providers: &[String],
    drawn: &[String],
    result: &RunResult,
    series: bool,
) -> Result<MetricRows, &'static str> {
    metric_rows_as(run, providers, drawn, result, series.then_some(SeriesFormat::Csv))
}

/// [`metric_rows`] with the series, if any: typed rows ([`MetricRows::typed`], reals rounded by
/// [`super::series_store::stored_real`]), for Parquet parts and the summaries, and with `series` CSV also
/// `series.csv` lines ([`MetricRows::series`]). The same values fail the run either way.
pub fn metric_rows_as(
    run: usize,
    providers: &[String],
    drawn: &[String],
    result: &RunResult,
    series: Option<SeriesFormat>,
) -> Result<MetricRows, &'static str> {
    let agg = Aggregates::by_provider(result);
    let mut bad = None;
    // The fields, each after a comma (taken off the first at the end).
    let mut line = String::with_capacity(16 * n_metric_fields(providers.len(), drawn.len()));
    for name in providers {
        line.push(',');
        match result.provider_names.iter().position(|n| n == name) {
            Some(p) => {
                if let Some(day) = result.warm_day.get(p).copied().flatten() {
                    // Writing to a String cannot fail.
                    let _ = write!(line, "{day}");
                }
            }
            None => line.push_str(NOT_APPLICABLE),
        }
    }
    let day_totals: Vec<Counts> = (0..agg.n_days).map(|d| agg.day_totals(d)).collect();
    for metric in &RUN_METRIC_TABLE {
        line.push(',');
        if !push_value(&mut line, (metric.value)(result, &day_totals)) {
            bad = bad.or(Some(metric.name));
        }
    }
    let mut hint = 0;
    for column in drawn {
        line.push(',');
        push_value(&mut line, drawn_value(result, column, &mut hint).map_or(Value::Missing, Value::Real));
    }
    if line.starts_with(',') {
        line.remove(0);
    }
    let mut lines = String::new();
    if series == Some(SeriesFormat::Csv) {
        for d in 0..agg.n_days {
            for (p, name) in result.provider_names.iter().enumerate() {
                let day = agg.day(d, p);
                let reputation = day.reputation();
                let _ = write!(lines, "{run},{},{}", d + 1, csv_field(name));
                for metric in &SERIES_METRIC_TABLE {
                    lines.push(',');
                    if !push_value(&mut lines, (metric.value)(&day.counts, reputation)) {
                        bad = bad.or(Some(metric.name));
                    }
                }
                lines.push('\n');
            }
        }
    }
    let mut typed = None;
    if series.is_some() {
        let n_providers = result.provider_names.len();
        // `MAX_RUNS` keeps run indices within `u32`.
        let run = u32::try_from(run).unwrap_or(u32::MAX);
        let mut rows = Vec::with_capacity(agg.n_days * n_providers);
        for d in 0..agg.n_days {
            for p in 0..n_providers {
                let day = agg.day(d, p);
                // A scenario has far fewer than 65,536 providers.
                rows.push((d as u32 + 1, p as u16, &day.counts, day.reputation()));
            }
        }
        let (t, fits) = RunSeries::from_rows(run, &result.provider_names, rows.iter().copied());
        if let Err(metric) = fits {
            bad = bad.or(Some(metric));
        }
        typed = Some(t);
    }
    bad.map_or(Ok(MetricRows { line, series: lines, typed }), Err)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::testdata;

    /// `n` values log-uniform from `10^lo` to `10^hi`, from a xorshift generator seeded with `seed`.
    pub(crate) fn log_uniform(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                10f64.powf(lo + (x >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo))
            })
            .collect()
    }

    #[test]
    fn float_decimals_are_those_of_log10_everywhere() {
        let by_log10 = |v: f64| (6 - v.abs().log10().floor() as i32).clamp(0, 15) as usize;
        let mut values = Vec::new();
        for k in -20..=20 {
            // Each power of ten and its neighbours, a few units in the last place away.
            let p = 10f64.powi(k);
            let mut below = p;
            let mut above = p;
            for _ in 0..40 {
                values.extend([below, above, p * (1.0 + 1e-12), p * (1.0 - 1e-12), p * (1.0 + 2e-12)]);
                below = f64::from_bits(below.to_bits() - 1);
                above = f64::from_bits(above.to_bits() + 1);
            }
        }
        values.extend(log_uniform(0x9e37_79b9_7f4a_7c15, 300_000, -20.0, 20.0));
        for v in values {
            assert_eq!(float_decimals(v), by_log10(v), "{v:e}");
            assert_eq!(float_decimals(-v), by_log10(v), "{v:e}");
        }
    }

    #[test]
    fn floats_are_written_as_their_text_with_7_digits_is() {
        // The text as `{:.d}` writes it, trailing zeros removed.
        let by_format = |v: f64| {
            if v == 0.0 || !v.is_finite() {
                return if v.is_finite() { "0".to_string() } else { String::new() };
            }
            let decimals = float_decimals(v);
            let s = format!("{v:.decimals$}");
            let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
            if s == "-0" { "0".to_string() } else { s }
        };
        let mut values = vec![0.5, 1.5, 2.5, -0.5, 0.25, 1234567.5, 0.0000001, 1e-16, 9.9999995, 0.30000000000000004];
        values.extend([4503599627370495.0, 4503599627370497.0, 1e22, 12345678.9, 0.1 + 0.2, 1e-8, 9.99999949e-9]);
        for (k, v) in (0..400_000u32).zip(log_uniform(0x2545_f491_4f6c_dd1d, 400_000, -15.0, 15.0)) {
            // Counts and shares as the runs have them: halves, tenths, thirds of small numbers.
            let ratio = f64::from(k % 977) / f64::from(k % 13 + 1);
            values.extend([v, -v, ratio, ratio / 1000.0, f64::from(k) + 0.5, f64::from(k) / 8.0]);
        }
        for v in values {
            assert_eq!(fmt_float(v), by_format(v), "{v:e}");
        }
    }

    #[test]
    fn push_float_appends_what_fmt_float_makes() {
        for v in [0.0, -0.0, 1.0, -1e-9, 0.30000000000000004, 123456789.5, 1e-300, -4e-8, f64::NAN, f64::INFINITY] {
            let mut out = String::from("x,");
            push_float(&mut out, v);
            assert_eq!(out, format!("x,{}", fmt_float(v)));
        }
        assert_eq!(fmt_float(-4e-8), "-0.00000004");
        assert_eq!(fmt_float(-1e-16), "0");
        assert_eq!(fmt_float(2.50), "2.5");
    }

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
    fn fields_match_their_headers() {
        let result = testdata::small();
        let providers = result.provider_names.clone();
        let rows = metric_rows(7, &providers, &[], &result, true).unwrap();
        let header = runs_header(&["x".into(), "y".into()], &providers, &[]);
        assert_eq!(RUN_ID_COLUMNS.len() + 2 + STATUS_COLUMNS.len() + rows.fields().count(), header.len());
        assert_eq!(rows.fields().count(), n_metric_fields(providers.len(), 0));
        assert_eq!(rows.series.lines().count(), 10 * 3);
        assert!(rows.series.lines().all(|l| l.starts_with("7,") && l.split(',').count() == series_header().len()));
        assert_eq!(header.last().map(String::as_str), Some(POOL_OVERLOAD_DAYS));
        assert_eq!(rows.fields().next_back(), Some("0"), "no pool overloaded");
        assert_eq!(rows.field(providers.len() + 1), Some(result.horizon_days.to_string().as_str()));
        assert_eq!(rows.field(providers.len() + 3), Some(result.totals.sent.to_string().as_str()));
        let other = metric_rows(7, &["nowhere".to_string()], &[], &result, false).unwrap();
        assert_eq!(other.field(0), Some(NOT_APPLICABLE), "a provider the run does not have");
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
        let rows = metric_rows(7, &providers, &[], &overloaded, false).unwrap();
        assert_eq!(rows.fields().next_back(), Some("6"));
        assert!(rows.series.is_empty());
    }

    #[test]
    fn a_non_finite_value_names_its_metric() {
        let mut result = testdata::small();
        // Both IPs count for reputation, and their sum on day 1 at the first provider overflows.
        result.ip_dedicated = vec![false, false];
        for r in result.records.iter_mut().filter(|r| r.day == 1 && r.provider == 0) {
            r.reputation = f64::MAX;
        }
        assert!(metric_rows(0, &result.provider_names, &[], &result, false).is_ok(), "series are not written");
        assert_eq!(metric_rows(0, &result.provider_names, &[], &result, true), Err("reputation"));
    }

    #[test]
    fn every_run_metric_has_a_distinct_name_and_a_title() {
        for (i, m) in RUN_METRIC_TABLE.iter().enumerate() {
            assert!(!m.title.is_empty() && m.scale > 0.0, "{}", m.name);
            assert_eq!(run_metric(m.name).map(|found| found.title), Some(m.title), "{} is named twice", m.name);
            assert_eq!(RUN_METRICS[i], m.name);
        }
        assert_eq!(SERIES_METRICS.last(), Some(&"reputation"));
    }
}
