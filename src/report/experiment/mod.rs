//! Outputs of an experiment (many runs): the rows of `runs.csv` and
//! `series.csv`, the statistics over replicates (`summary.csv`,
//! `series_summary.csv`, `differences.csv`) and the experiment charts.
//!
//! Lifecycle: each worker turns its run's [`RunResult`](crate::sim::RunResult)
//! into formatted metrics ([`metric_rows`]), which the sweep completes into rows
//! and writes in run order; when
//! the sweep ends, [`summarize`] reads the two files back in one streaming pass
//! and writes the statistics; [`write_experiment_charts`] draws from the
//! statistics only, so `ipwarm plot` can redraw the charts without re-running.
//! Everything here reads from a [`std::io::Read`] and writes to a
//! [`std::io::Write`] or a directory given by the caller.

mod bars_chart;
mod chart_data;
mod heatmap;
mod metrics;
mod series_chart;
mod stats;
mod summary;

use std::path::{Path, PathBuf};

pub use chart_data::{ChartData, ChartSpec, DEFAULT_HEATMAPS, DEFAULT_OUTCOMES, MAX_DEFAULT_POINTS, short_key};
pub use heatmap::is_grid2;
pub use metrics::{
    DAYS_TO_WARM_PREFIX, DailyMetric, MetricRows, POOL_OVERLOAD_DAYS, RUN_ID_COLUMNS, RUN_METRIC_TABLE, RUN_METRICS,
    RunMetric, SERIES_ID_COLUMNS, SERIES_METRIC_TABLE, SERIES_METRICS, STATUS_COLUMNS, Value, csv_field, drawn_column,
    fmt_float, metric_rows, n_metric_fields, run_metric, runs_header, series_header,
};
pub use stats::{Accumulator, CONFIDENCE, Summary, t_quantile};
pub use summary::{RunsLayout, STAT_COLUMNS, StatRow, SummaryOutputs, count_pool_overloaded, read_stats, summarize};

use super::ReportError;
use super::charts::style::ensure_font;
use series_chart::SeriesMetric;

/// Draws the charts `spec` asks for into `dir` (created if needed) and returns their paths:
/// `inbox.png`, `reputation.png` (when series were written), `outcomes.png`, and
/// `heatmap-<metric>.png` for each heatmap metric when the points form a two-axis grid.
pub fn write_experiment_charts(data: &ChartData, spec: &ChartSpec, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    ensure_font()?;
    std::fs::create_dir_all(dir)?;
    let mut paths = Vec::new();
    let has_series = !data.series.is_empty();
    for (on, metric, name) in
        [(spec.inbox, SeriesMetric::Inbox, "inbox.png"), (spec.reputation, SeriesMetric::Reputation, "reputation.png")]
    {
        if on && has_series {
            let path = dir.join(name);
            series_chart::draw(data, metric, &path)?;
            paths.push(path);
        }
    }
    if !spec.outcomes.is_empty() {
        let path = dir.join("outcomes.png");
        bars_chart::draw(data, &spec.outcomes, &path)?;
        paths.push(path);
    }
    if is_grid2(data) {
        for metric in &spec.heatmaps {
            let path = dir.join(format!("heatmap-{metric}.png"));
            heatmap::draw(data, metric, &path)?;
            paths.push(path);
        }
    }
    Ok(paths)
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
                summary.push(row(p, 0, "", metric, v, w, extremes[(p + k + 2) % extremes.len()]));
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
        };
        let spec = ChartSpec {
            inbox: true,
            reputation: true,
            outcomes: metrics.map(String::from).to_vec(),
            heatmaps: metrics.map(String::from).to_vec(),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(write_experiment_charts(&data, &spec, &path).map(|p| p.len()));
        });
        let drawn = rx.recv_timeout(Duration::from_secs(60)).expect("the charts are drawn within 60 s");
        assert_eq!(drawn.unwrap(), 6, "inbox, reputation, outcomes and three heatmaps");
    }
}
