//! Outputs of an experiment (many runs): the rows of `runs.csv` and
//! `series.csv`, the statistics over replicates (`summary.csv`,
//! `series_summary.csv`, `differences.csv`) and the experiment charts.
//!
//! Lifecycle: each worker turns its run's [`RunResult`](crate::sim::RunResult)
//! into formatted metrics ([`metric_rows`]), which the sweep completes into rows
//! and writes in run order; when
//! the sweep ends, [`summarize`] reads the two files back in one streaming pass
//! and writes the statistics; [`write_experiment_charts`] draws from the
//! statistics and from the single runs of the first replicates ([`read_run_lines`],
//! a bounded read of `series.csv`), all files, so `ipwarm plot` can redraw the
//! charts without re-running.
//! Everything here reads from a [`std::io::Read`] and writes to a
//! [`std::io::Write`] or a directory given by the caller.

mod bars_chart;
mod chart_data;
mod heatmap;
mod metrics;
mod outcome;
mod run_lines;
mod scatter_chart;
mod sensitivity;
mod sensitivity_chart;
mod series_chart;
pub mod series_store;
mod stats;
mod summary;
mod summary_builder;
mod warm_chart;
mod warm_rows;
mod warm_times;

use std::path::{Path, PathBuf};

pub use chart_data::{
    ChartData, ChartSpec, DEFAULT_HEATMAPS, DEFAULT_OUTCOMES, MAX_DEFAULT_POINTS, axis_title, short_key,
};
pub use heatmap::is_grid2;
pub use metrics::{Better, Domain, OverProviders, daily_metric};
pub use metrics::{
    DAYS_OBSERVED, DAYS_TO_WARM_PREFIX, DailyMetric, MetricRows, NOT_APPLICABLE, POOL_OVERLOAD_DAYS, RUN_ID_COLUMNS,
    RUN_METRIC_TABLE, RUN_METRICS, RunMetric, SERIES_ID_COLUMNS, SERIES_METRIC_TABLE, SERIES_METRICS, STATUS_COLUMNS,
    Value, ValueKind, csv_field, drawn_column, fmt_float, metric_rows, metric_rows_as, n_metric_fields, run_metric,
    runs_header, series_header,
};
pub use outcome::{MetricInfo, Outcome, clip_interval, metric_info, outcomes};
pub use run_lines::{MAX_RUN_LINES, RUN_LINE_METRICS, RunLine, read_run_lines};
pub use scatter_chart::draw as draw_scatter_chart;
pub use sensitivity::{
    BOOTSTRAP_RESAMPLES, SENSITIVITY_COLUMNS, SensitivityDesign, SensitivityInput, SensitivityOutput, SensitivityRow,
    analyze as analyze_sensitivity, read_sensitivity, write_sensitivity,
};
pub use sensitivity_chart::draw as draw_sensitivity_chart;
pub use series_store::{SeriesFormat, SeriesSource};
pub use stats::{Accumulator, CONFIDENCE, Summary, t_quantile};
pub use summary::{
    RunsLayout, STAT_COLUMNS, StatRow, SummaryOutputs, add_runs_from_files, count_pool_overloaded, read_stats,
    summarize,
};
pub use summary_builder::{RunRecord, SummaryBuilder};
pub use warm_rows::{WarmCurveRow, WarmData, WarmTimeRow, read_warm_curves, read_warm_times};
pub use warm_times::{
    ALL_PROVIDERS, RESTRICTED_PREFIX, WARM_CURVE_COLUMNS, WARM_TIME_COLUMNS, is_warm_metric, restrict, summary_metric,
};

use super::ReportError;
use super::canvas::{ChartSink, draw_chart};
use super::charts::style::ensure_font;

/// Draws the charts `spec` asks for into `dir` (created if needed) as files of `spec.format`,
/// and returns their paths: those of [`draw_experiment_charts`] without the sensitivity charts.
pub fn write_experiment_charts(
    data: &ChartData,
    warm: &WarmData,
    spec: &ChartSpec,
    dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let mut sink = ChartSink::files(dir, spec.format)?;
    draw_experiment_charts(data, warm, spec, &SensitivityCharts::NONE, &mut sink)?;
    Ok(sink.paths())
}

/// What the sensitivity charts of a sampled design are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityCharts<'a> {
    /// The rows of `sensitivity.csv` (none: no sensitivity chart).
    pub rows: &'a [SensitivityRow],
    /// The design (`lhs` adds the scatter charts).
    pub design: &'a str,
    /// Runs of the experiment, for titles.
    pub n_runs: usize,
}

impl SensitivityCharts<'_> {
    /// No sensitivity chart.
    pub const NONE: SensitivityCharts<'static> = SensitivityCharts { rows: &[], design: "", n_runs: 0 };
}

/// One chart of the list of experiment charts.
enum Chart<'a> {
    /// `inbox` or `reputation`, from the series.
    Series(&'static str),
    /// The days-to-warm outcomes.
    Outcomes,
    /// The share of runs warm by day.
    WarmByDay,
    /// `heatmap-<metric>`.
    Heatmap(&'a str),
    /// `sensitivity-<metric>`.
    Sensitivity(&'a str),
    /// `scatter-<metric>`.
    Scatter(&'a str),
}

/// Draws the experiment charts into `sink`, in order: the one list of experiment charts.
/// `inbox`, `reputation` (when series were written), `outcomes` (days-to-warm outcomes from
/// `warm`), `warm_by_day` (when `warm` has curves), `heatmap-<metric>` for each heatmap
/// metric when the points form a two-axis grid, and per metric of `spec.sensitivity` that
/// `sensitivity` has rows of, `sensitivity-<metric>` (and `scatter-<metric>` for a Latin
/// hypercube). The charts are independent: they are drawn in parallel on the current rayon
/// pool (the caller's `install` decides how many threads) and added to `sink` in list order,
/// so that the files and the sink's list are the same whatever the threads.
pub fn draw_experiment_charts(
    data: &ChartData,
    warm: &WarmData,
    spec: &ChartSpec,
    sensitivity: &SensitivityCharts<'_>,
    sink: &mut ChartSink,
) -> Result<(), ReportError> {
    use rayon::prelude::*;
    ensure_font()?;
    let has_series = !data.series.is_empty();
    let mut list = Vec::new();
    for (on, metric) in [(spec.inbox, "inbox"), (spec.reputation, "reputation")] {
        if on && has_series {
            list.push(Chart::Series(metric));
        }
    }
    if !spec.outcomes.is_empty() {
        list.push(Chart::Outcomes);
    }
    if spec.warm_by_day && !warm.curves.is_empty() {
        list.push(Chart::WarmByDay);
    }
    if is_grid2(data) {
        list.extend(spec.heatmaps.iter().map(|m| Chart::Heatmap(m)));
    }
    let rows = sensitivity.rows;
    for metric in spec.sensitivity.iter().filter(|m| rows.iter().any(|r| r.metric == summary_metric(m))) {
        list.push(Chart::Sensitivity(metric));
        if sensitivity.design == "lhs" {
            list.push(Chart::Scatter(metric));
        }
    }
    let drawn: Vec<Result<ChartSink, ReportError>> = list
        .par_iter()
        .map(|chart| {
            let mut one = sink.empty_like();
            draw_one(chart, data, warm, spec, sensitivity, &mut one)?;
            Ok(one)
        })
        .collect();
    for one in drawn {
        sink.append(one?);
    }
    Ok(())
}

/// Draws `chart` into `sink`.
fn draw_one(
    chart: &Chart<'_>,
    data: &ChartData,
    warm: &WarmData,
    spec: &ChartSpec,
    sensitivity: &SensitivityCharts<'_>,
    sink: &mut ChartSink,
) -> Result<(), ReportError> {
    let (rows, name, runs) = (sensitivity.rows, &data.name, sensitivity.n_runs);
    match *chart {
        Chart::Series(metric) => draw_chart!(sink, metric, |canvas| series_chart::draw(data, metric, canvas)),
        Chart::Outcomes => {
            draw_chart!(sink, "outcomes", |canvas| bars_chart::draw(data, warm, &spec.outcomes, canvas))
        }
        Chart::WarmByDay => draw_chart!(sink, "warm_by_day", |canvas| warm_chart::draw(data, warm, canvas)),
        Chart::Heatmap(metric) => {
            draw_chart!(sink, format!("heatmap-{metric}"), |canvas| heatmap::draw(data, warm, metric, canvas))
        }
        Chart::Sensitivity(metric) => draw_chart!(sink, format!("sensitivity-{metric}"), |canvas| {
            sensitivity_chart::draw(rows, metric, name, runs, canvas)
        }),
        Chart::Scatter(metric) => {
            draw_chart!(sink, format!("scatter-{metric}"), |canvas| scatter_chart::draw(data, rows, metric, canvas))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn row(point: usize, day: u32, provider: &str, metric: &str, mean: f64, lo: f64, hi: f64) -> StatRow {
        let s = Summary { n: 2, mean: Some(mean), sd: None, ci_low: Some(lo), ci_high: Some(hi), min: None, max: None };
        StatRow { point, day, provider: provider.into(), labels: Vec::new(), metric: metric.into(), stats: s }
    }

    /// Huge, infinite and NaN values (a library caller may build [`ChartData`]
    /// without [`read_stats`], which refuses the last two) draw every chart in
    /// bounded time: plotters never ends computing the ticks of an infinite axis.
    #[test]
    fn extreme_values_draw_in_bounded_time() {
        let extremes = [1e307, f64::MAX, -f64::MAX, 1e-308, f64::INFINITY, f64::NAN, -1e300, 0.0];
        let metrics = ["days_to_warm_all", "inbox_share", "blocked_share"];
        let mut summary = Vec::new();
        let mut series = Vec::new();
        for (p, &v) in extremes.iter().take(4).enumerate() {
            for (k, metric) in metrics.iter().enumerate() {
                let w = extremes[(p + k + 1) % extremes.len()];
                summary.push(row(p, 0, "", &summary_metric(metric), v, w, extremes[(p + k + 2) % extremes.len()]));
            }
            for day in 1..4 {
                let w = extremes[(p + day as usize) % extremes.len()];
                series.push(row(p, day, "gmail", "inbox", w, -w, v));
                series.push(row(p, day, "gmail", "reputation", w, v, w));
            }
        }
        let data = ChartData {
            name: "extremes".into(),
            replicates: 2,
            axes: vec!["a".into(), "b".into()],
            point_values: vec![
                vec!["1".into(), "x".into()],
                vec!["1".into(), "y".into()],
                vec!["2".into(), "x".into()],
                vec!["2".into(), "y".into()],
            ],
            summary,
            series,
            runs: Vec::new(),
        };
        let mut warm = WarmData::default();
        for (p, &v) in extremes.iter().take(4).enumerate() {
            let w = extremes[(p + 1) % extremes.len()];
            warm.times.push(WarmTimeRow {
                point: p,
                labels: Vec::new(),
                provider: ALL_PROVIDERS.into(),
                days_observed: [1, 42, u32::MAX, 0][p],
                n_runs: 2,
                n_warm: 1,
                n_censored: 1,
                share_never_warm: w,
                median_days: None,
                median_ci_low: Some(u32::MAX),
                median_ci_high: None,
                restricted_mean_days: Some(v),
                restricted_mean_ci_low: Some(w),
                restricted_mean_ci_high: Some(-w),
            });
            for (day, share) in [(1, v), (2, w), (u32::MAX, -v)] {
                warm.curves.push(WarmCurveRow {
                    point: p,
                    provider: ALL_PROVIDERS.into(),
                    day,
                    at_risk: 2,
                    events: 1,
                    censored: 0,
                    share_warm: share,
                    ci_low: Some(-w),
                    ci_high: Some(w),
                });
            }
        }
        let spec = ChartSpec {
            inbox: true,
            reputation: true,
            outcomes: metrics.map(String::from).to_vec(),
            heatmaps: metrics.map(String::from).to_vec(),
            warm_by_day: true,
            sensitivity: Vec::new(),
            format: crate::report::ChartFormat::Png,
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(write_experiment_charts(&data, &warm, &spec, &path).map(|p| p.len()));
        });
        let drawn = rx.recv_timeout(Duration::from_secs(60)).expect("the charts are drawn within 60 s");
        assert_eq!(drawn.unwrap(), 7, "inbox, reputation, outcomes, warm by day and three heatmaps");
    }
}
