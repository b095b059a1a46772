//! `inbox.png` and `reputation.png`: one panel per provider, a line per design
//! point (the mean over replicates) with its 95% confidence band.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart_data::ChartData;
use crate::report::ReportError;
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, LegendEntry, TICK_PX, chart_err, day_axes, day_range, draw_legend, draw_title, finite,
    fmt_count, provider_color, text,
};

/// Size of the multi-panel charts in pixels.
pub const PANELS_SIZE: (u32, u32) = (1600, 1000);

/// Which daily metric a series chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesMetric {
    /// Messages placed in the inbox each day.
    Inbox,
    /// Reputation score (0-1) at the end of each day.
    Reputation,
}

impl SeriesMetric {
    fn column(self) -> &'static str {
        match self {
            Self::Inbox => "inbox",
            Self::Reputation => "reputation",
        }
    }
}

/// One line: (day, mean, ci_low, ci_high), days in order.
type Line = Vec<(f64, f64, f64, f64)>;

/// Draws `title` and a legend of the design points with `key`, and splits the
/// rest of `root` into `n` panels (up to 3 columns), in reading order.
pub(super) fn panel_grid<'a>(
    root: &DrawingArea<BitMapBackend<'a>, Shift>,
    title: &str,
    data: &ChartData,
    key: Key,
    n: usize,
) -> Result<Vec<DrawingArea<BitMapBackend<'a>, Shift>>, ReportError> {
    let body = draw_title(root, title)?;
    let entries: Vec<LegendEntry> =
        (0..data.n_points()).map(|p| LegendEntry::new(data.point_name(p), provider_color(p), key)).collect();
    let body = draw_legend(&body, &entries)?;
    let n = n.max(1);
    let cols = match n {
        1 | 2 => n,
        3 | 4 => 2,
        _ => 3,
    };
    Ok(body.split_evenly((n.div_ceil(cols), cols)))
}

/// Writes the chart of `metric` to `path`.
pub fn draw(data: &ChartData, metric: SeriesMetric, path: &Path) -> Result<(), ReportError> {
    let mut providers: Vec<String> = Vec::new();
    for r in &data.series {
        if !providers.contains(&r.provider) {
            providers.push(r.provider.clone());
        }
    }
    let n_points = data.n_points();
    let lines = |provider: &str, point: usize| -> Line {
        data.series
            .iter()
            .filter(|r| r.point == point && r.provider == provider && r.metric == metric.column())
            .filter_map(|r| {
                let m = r.stats.mean?;
                let (lo, hi) = (r.stats.ci_low.unwrap_or(m), r.stats.ci_high.unwrap_or(m));
                [m, lo, hi].iter().all(|v| v.is_finite()).then_some((f64::from(r.day), m, lo, hi))
            })
            .collect()
    };
    let n_days = data.series.iter().map(|r| r.day).max().unwrap_or(1) as usize;

    let root = BitMapBackend::new(path, PANELS_SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let what = match metric {
        SeriesMetric::Inbox => "Messages delivered to the inbox per day",
        SeriesMetric::Reputation => "Reputation per provider",
    };
    let title = format!("{what}: mean and 95% CI over {} replicates ({})", data.replicates, data.name);
    let panels = panel_grid(&root, &title, data, Key::Line, providers.len())?;
    for (i, provider) in providers.iter().enumerate() {
        let all: Vec<Line> = (0..n_points).map(|p| lines(provider, p)).collect();
        let y_max = match metric {
            SeriesMetric::Reputation => 1.0,
            SeriesMetric::Inbox => {
                let top = all.iter().flatten().map(|&(_, _, _, hi)| hi).fold(0.0, f64::max);
                finite(top * 1.08).max(10.0)
            }
        };
        // Nothing is drawn further than one axis height beyond the axis (a
        // reputation above 1, say), so that pixel coordinates stay small
        // whatever the values.
        let all: Vec<Line> = all
            .into_iter()
            .map(|line| {
                let y = |v: f64| v.clamp(-y_max, 2.0 * y_max);
                line.into_iter().map(|(x, m, lo, hi)| (x, y(m), y(lo), y(hi))).collect()
            })
            .collect();
        let y_desc = match metric {
            SeriesMetric::Inbox => "messages/day in the inbox",
            SeriesMetric::Reputation => "reputation score (0-1)",
        };
        let mut chart = ChartBuilder::on(&panels[i])
            .caption(provider, text(22.0))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(day_range(n_days), 0.0..y_max)
            .map_err(chart_err)?;
        let y_fmt = |v: &f64| match metric {
            SeriesMetric::Inbox => fmt_count(*v),
            SeriesMetric::Reputation => format!("{v:.1}"),
        };
        let mut mesh = chart.configure_mesh();
        day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX - 2.0)
            .y_desc(y_desc)
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID);
        mesh.draw().map_err(chart_err)?;
        for (p, line) in all.iter().enumerate() {
            let color = provider_color(p);
            let band: Vec<(f64, f64)> = line
                .iter()
                .map(|&(x, _, lo, _)| (x, lo))
                .chain(line.iter().rev().map(|&(x, _, _, hi)| (x, hi)))
                .collect();
            if band.len() > 2 {
                chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18).filled()))).map_err(chart_err)?;
            }
        }
        for (p, line) in all.iter().enumerate() {
            let points = line.iter().map(|&(x, m, _, _)| (x, m));
            chart.draw_series(LineSeries::new(points, provider_color(p).stroke_width(3))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}
