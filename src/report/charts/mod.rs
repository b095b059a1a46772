//! PNG charts of a run: `outcomes.png`, `reputation.png`, `rates.png`,
//! `ips.png` and `queue.png`.
//!
//! Each chart has its own file; [`style`] holds the embedded font, colours,
//! the title band and the legend row they share, `frame` the notes, the padded
//! day axis and the panel grids, `marks` the marks that tell overlapping
//! lines apart, and `warm_label` what the charts say about warm days.

pub(crate) mod frame;
mod ips;
pub(crate) mod marks;
mod outcomes;
mod queue;
mod rates;
mod reputation;
pub(crate) mod style;
mod warm_label;

use std::path::{Path, PathBuf};

use super::ReportError;
use super::aggregate::Aggregates;
use super::canvas::{ChartFormat, ChartSink, PngCanvas, SvgCanvas};
use crate::sim::RunResult;

/// Draws one chart on a canvas of type `C`.
type DrawFn<C> = fn(&RunResult, &Aggregates, &mut C) -> Result<(), ReportError>;

/// A run chart: its file stem and its (generic) draw function, for each canvas.
struct Chart {
    stem: &'static str,
    png: DrawFn<PngCanvas>,
    svg: DrawFn<SvgCanvas>,
}

/// The [`Chart`] of file stem `$stem` drawn by `$module::draw`.
macro_rules! chart {
    ($stem:literal, $module:ident) => {
        Chart { stem: $stem, png: $module::draw, svg: $module::draw }
    };
}

/// The run charts, in the order they are written (as `<stem>.png` or `<stem>.svg`).
const CHARTS: [Chart; 5] = [
    chart!("outcomes", outcomes),
    chart!("reputation", reputation),
    chart!("rates", rates),
    chart!("ips", ips),
    chart!("queue", queue),
];

/// Writes the five PNG charts of `result` (1280x800 pixels) into `dir`,
/// creating it if needed, and returns their paths in this order:
///
/// 1. `outcomes.png`: per IP (or group of IPs), final outcomes per day
///    (inbox, junk, bounced, blocked, expired) stacked, counted on the day each
///    message finished, with the messages sent and still queued as lines and
///    the run's balance (sent = finished + still queued) in a note; then per
///    provider the share of each day's finished mail that missed the inbox, on
///    a scale fitted to it;
/// 2. `reputation.png`: each provider's reputation of the sender's reference
///    IP (the lowest of them, with several) over the days on the
///    Bad/Low/Medium/High bands, a strip of each provider's level per day with
///    its warm day, legend labels that follow the warm rule, and the rule;
/// 3. `rates.png`: per provider, the daily complaint rate (% of inbox, days with
///    fewer than 1,000 inbox messages left out and marked) and deferral rate
///    (% of attempts), with sourced reference lines and the counts behind them;
/// 4. `ips.png`: each IP's share of the sent mail and messages sent per day,
///    and its reputation at each provider, with the warm days;
/// 5. `queue.png`: per day and provider, 4xx replies, retry attempts, messages
///    still queued and messages expired.
///
/// Existing files of these names are overwritten. Titles include the scenario name.
pub fn write_charts(result: &RunResult, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    write_charts_as(result, dir, ChartFormat::Png)
}

/// Writes the charts of [`write_charts`] as files of `format` (`.png` or `.svg`, the same
/// drawings) into `dir`, creating it if needed, and returns their paths in the same order.
pub fn write_charts_as(result: &RunResult, dir: &Path, format: ChartFormat) -> Result<Vec<PathBuf>, ReportError> {
    let mut sink = ChartSink::files(dir, format)?;
    draw_charts(result, &mut sink)?;
    Ok(sink.paths())
}

/// Draws the run charts of `result` into `sink`, in order: the one list of run charts.
pub(crate) fn draw_charts(result: &RunResult, sink: &mut ChartSink) -> Result<(), ReportError> {
    style::ensure_font()?;
    let agg = Aggregates::new(result);
    for chart in &CHARTS {
        sink.draw(chart.stem, |c| (chart.png)(result, &agg, c), |c| (chart.svg)(result, &agg, c))?;
    }
    Ok(())
}

/// The file names of the run charts as PNG, in the order [`write_charts`] writes them.
pub fn chart_names() -> Vec<String> {
    CHARTS.iter().map(|c| format!("{}.png", c.stem)).collect()
}

#[cfg(test)]
mod tests;
