//! `inbox.png` and `reputation.png`: one panel per provider and one for every provider
//! together, a line per design point (the mean over replicates) with its 95% confidence
//! band, over the single runs of the first replicates drawn faintly.
//!
//! Common random numbers often give design points the same days, so their lines lie on
//! top of each other: each line carries its own mark shape, the marks staggered so that no
//! two lines mark the same day, earlier points are drawn wider under the later ones, and
//! the bands are paler the more points there are. A mean and its band hide replicates that
//! split into groups (most runs on one path, one throttled): the single runs show them.
//! Titles and units come from [`SERIES_METRIC_TABLE`](super::SERIES_METRIC_TABLE); the panel of
//! every provider is the `all` rows of `series_summary.csv` (messages summed, the lowest
//! reputation).

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart_data::ChartData;
use super::metrics::{DailyMetric, Domain, OverProviders, daily_metric};
use super::run_lines::MAX_RUN_LINES;
use super::warm_times::ALL_PROVIDERS;
use crate::report::ReportError;
use crate::report::charts::marks::{Mark, mark_days};
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, LegendEntry, TICK_PX, chart_err, day_axes, day_range, draw_legend, draw_title, finite,
    fmt_count, provider_color, text,
};

/// Size of the multi-panel charts in pixels.
pub const PANELS_SIZE: (u32, u32) = (1600, 1000);

/// Grey of the legend key of the single runs.
const KEY_GREY: RGBColor = RGBColor(150, 150, 150);
/// Grey of the legend key of the bands.
const BAND_GREY: RGBColor = RGBColor(215, 215, 215);

/// One line: (day, mean, ci_low, ci_high), days in order.
type Line = Vec<(f64, f64, f64, f64)>;

/// The legend entries of the design points, each with `key` (its mark, for lines).
pub(super) fn point_entries(data: &ChartData, key: impl Fn(usize) -> Key) -> Vec<LegendEntry> {
    (0..data.n_points()).map(|p| LegendEntry::new(data.point_name(p), provider_color(p), key(p))).collect()
}

/// The number of columns of a grid of `n` panels: up to 3.
pub(super) fn panel_columns(n: usize) -> usize {
    match n.max(1) {
        n @ (1 | 2) => n,
        3 | 4 => 2,
        _ => 3,
    }
}

/// Draws `title` and a legend of `entries` (none if empty), and splits the rest of `root`
/// into `n` panels ([`panel_columns`] columns), in reading order.
pub(super) fn panel_grid<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    entries: &[LegendEntry],
    n: usize,
) -> Result<Vec<DrawingArea<DB, Shift>>, ReportError> {
    let body = draw_title(root, title)?;
    let body = if entries.is_empty() { body } else { draw_legend(&body, entries)? };
    let (n, cols) = (n.max(1), panel_columns(n));
    Ok(body.split_evenly((n.div_ceil(cols), cols)))
}

/// The width of design point `p`'s mean line among `n_points`: the first widest, so that a
/// line drawn over it leaves its edges showing.
pub(super) fn line_width(p: usize, n_points: usize) -> u32 {
    2 + (n_points.max(1) - 1 - p.min(n_points.max(1) - 1)).min(4) as u32
}

/// The opacity of the confidence bands among `n_points` points: paler as they get more, so
/// that stacked bands do not turn opaque.
pub(super) fn band_alpha(n_points: usize) -> f64 {
    (0.6 / n_points.max(1) as f64).clamp(0.06, 0.2)
}

/// The providers of the series in file order, every provider together last.
fn panel_providers(data: &ChartData) -> Vec<String> {
    let mut providers: Vec<String> = Vec::new();
    for r in &data.series {
        if !providers.contains(&r.provider) {
            providers.push(r.provider.clone());
        }
    }
    providers.sort_by_key(|p| p == ALL_PROVIDERS);
    providers
}

/// The caption of `provider`'s panel.
fn caption(provider: &str, metric: &DailyMetric) -> String {
    match (provider == ALL_PROVIDERS, metric.over_providers) {
        (false, _) => provider.to_string(),
        (true, OverProviders::Sum) => "all providers together".to_string(),
        (true, OverProviders::Lowest) => "all providers: the lowest of them".to_string(),
    }
}

/// Draws the chart of `metric` (a column of `series.csv`) on `canvas`.
pub fn draw<C: Canvas>(data: &ChartData, metric: &str, canvas: &mut C) -> Result<(), ReportError> {
    let m = daily_metric(metric).ok_or_else(|| ReportError::Format(format!("no daily metric `{metric}`")))?;
    let providers = panel_providers(data);
    let n_points = data.n_points();
    let lines = |provider: &str, point: usize| -> Line {
        data.series
            .iter()
            .filter(|r| r.point == point && r.provider == provider && r.metric == metric)
            .filter_map(|r| {
                let m = r.stats.mean?;
                let (lo, hi) = (r.stats.ci_low.unwrap_or(m), r.stats.ci_high.unwrap_or(m));
                [m, lo, hi].iter().all(|v| v.is_finite()).then_some((f64::from(r.day), m, lo, hi))
            })
            .collect()
    };
    let n_days = data.series.iter().map(|r| r.day).max().unwrap_or(1) as usize;
    let runs_per_point =
        data.runs.iter().filter(|l| l.point == 0 && l.metric == metric && l.provider == ALL_PROVIDERS).count().max(1);
    let has_runs = data.runs.iter().any(|l| l.metric == metric);

    let root = canvas.area(PANELS_SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let mut what: Vec<char> = m.title.chars().collect();
    if let Some(c) = what.first_mut() {
        *c = c.to_ascii_uppercase();
    }
    let what: String = what.into_iter().collect();
    let title = format!("{what} ({}): mean and 95% CI over {} replicates ({})", m.unit, data.replicates, data.name);
    let mut entries = point_entries(data, |p| Key::LineMark(Mark::nth(p)));
    entries.push(LegendEntry::new("95% CI of the mean", BAND_GREY, Key::Box));
    if has_runs {
        let shown = data.replicates.clamp(1, MAX_RUN_LINES);
        let label = if shown < data.replicates {
            format!("single runs (the first {shown} of each point)")
        } else {
            "single runs".to_string()
        };
        entries.push(LegendEntry::new(label, KEY_GREY, Key::Line));
    }
    let panels = panel_grid(&root, &title, &entries, providers.len())?;
    let band = band_alpha(n_points);
    let run_alpha = (3.0 / runs_per_point as f64).clamp(0.08, 0.35);
    for (provider, panel) in providers.iter().zip(panels.iter()) {
        let all: Vec<Line> = (0..n_points).map(|p| lines(provider, p)).collect();
        let runs: Vec<(usize, &Vec<f64>)> = data
            .runs
            .iter()
            .filter(|l| l.provider == *provider && l.metric == metric && l.point < n_points)
            .map(|l| (l.point, &l.values))
            .collect();
        let y_max = match m.domain {
            Domain::Share => 1.0,
            Domain::NonNegative | Domain::Providers => {
                let top = all.iter().flatten().map(|&(_, m, _, hi)| m.max(hi)).fold(0.0, f64::max);
                let top_run =
                    runs.iter().flat_map(|(_, v)| v.iter()).copied().filter(|v| v.is_finite()).fold(0.0, f64::max);
                finite(top.max(top_run) * 1.08).max(10.0)
            }
        };
        // Nothing is drawn further than one axis height beyond the axis (a
        // reputation above 1, say), so that pixel coordinates stay small
        // whatever the values.
        let y = |v: f64| v.clamp(-y_max, 2.0 * y_max);
        let all: Vec<Line> = all
            .into_iter()
            .map(|line| line.into_iter().map(|(x, m, lo, hi)| (x, y(m), y(lo), y(hi))).collect())
            .collect();
        let mut chart = ChartBuilder::on(panel)
            .caption(caption(provider, m), text(22.0))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(day_range(n_days), 0.0..y_max)
            .map_err(chart_err)?;
        let y_fmt = |v: &f64| match m.domain {
            Domain::Share => format!("{v:.1}"),
            Domain::NonNegative | Domain::Providers => fmt_count(*v),
        };
        let mut mesh = chart.configure_mesh();
        day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX - 2.0)
            .y_desc(m.unit)
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID);
        mesh.draw().map_err(chart_err)?;
        // Single runs first, thin and faint; a day without a value breaks the line.
        for (p, values) in &runs {
            let style = provider_color(*p).mix(run_alpha).stroke_width(1);
            let mut segment: Vec<(f64, f64)> = Vec::new();
            for (d, v) in values.iter().enumerate().chain(std::iter::once((values.len(), &f64::NAN))) {
                if v.is_finite() {
                    segment.push(((d + 1) as f64, y(*v)));
                } else if !segment.is_empty() {
                    chart
                        .draw_series(std::iter::once(PathElement::new(std::mem::take(&mut segment), style)))
                        .map_err(chart_err)?;
                }
            }
        }
        for (p, line) in all.iter().enumerate() {
            let band_points: Vec<(f64, f64)> = line
                .iter()
                .map(|&(x, _, lo, _)| (x, lo))
                .chain(line.iter().rev().map(|&(x, _, _, hi)| (x, hi)))
                .collect();
            if band_points.len() > 2 {
                let fill = provider_color(p).mix(band).filled();
                chart.draw_series(std::iter::once(Polygon::new(band_points, fill))).map_err(chart_err)?;
            }
        }
        for (p, line) in all.iter().enumerate() {
            let color = provider_color(p);
            let points = line.iter().map(|&(x, m, _, _)| (x, m));
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(line_width(p, n_points))))
                .map_err(chart_err)?;
        }
        // Marks last, so that a line hidden under another still shows its own.
        for (p, line) in all.iter().enumerate() {
            let days = mark_days(n_days, p, n_points);
            let marks = line.iter().filter(|(x, ..)| days.contains(&(*x as usize))).map(|&(x, m, _, _)| (x, m));
            let mark = Mark::nth(p);
            chart.draw_series(marks.map(|at| mark.element(at, 6, provider_color(p)))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_points_are_drawn_wider_and_bands_paler_with_more_points() {
        let widths: Vec<u32> = (0..5).map(|p| line_width(p, 5)).collect();
        assert!(widths.windows(2).all(|w| w[0] > w[1]), "{widths:?}");
        assert_eq!(line_width(0, 1), 2);
        assert!(band_alpha(8) < band_alpha(2));
    }
}
