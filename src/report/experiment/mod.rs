//! Outputs of an experiment (many runs): the rows of `runs.csv` and
//! `series.csv`, the statistics over replicates (`summary.csv`,
//! `series_summary.csv`, `differences.csv`) and the experiment charts.
//!
//! Lifecycle: each worker turns its run's [`RunResult`](crate::sim::RunResult)
//! into formatted rows ([`run_rows`]); the sweep writes them in run order; when
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
    DAYS_TO_WARM_PREFIX, POOL_OVERLOAD_DAYS, RUN_METRICS, RunId, RunRows, SERIES_METRICS, csv_field, failed_rows,
    fmt_float, run_rows, runs_header, series_header,
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
