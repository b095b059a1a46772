//! The fit's charts, drawn from its aggregates only (the bands of `predictive.csv`, the rows
//! of `forecast.csv`), in the run charts' style:
//! - `posterior_predictive.png`: a row of panels per provider, one panel per metric (4xx
//!   deferrals and 5xx blocks as % of attempts, opens as % of delivered): the 90% and 50%
//!   bands and the median of the posterior draws, the observed days as black dots. A metric
//!   the data never give (opens in a KumoMTA or Postfix log) has no column, and a note says
//!   so: bands with nothing to compare them with would read as a check passed;
//! - `forecast_warm.png`: per provider, the probability of being warm by each day, the
//!   observed days shaded and the last one marked by a dashed line: a sender does not observe
//!   warmth, so on those days too the lines are the model's, from the replayed volumes.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::forecast::Forecast;
use super::predictive::{Band, METRICS};
use crate::report::ChartFormat;
use crate::report::ReportError;
use crate::report::canvas::{Canvas, ChartSink, draw_chart};
use crate::report::charts::frame::{draw_empty, draw_note, nice_top};
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, LegendEntry, TICK_PX, chart_err, day_axes, draw_legend, draw_title, ensure_font, fmt_pct,
    provider_color, text,
};

/// Grey of the observed points and of the last-observed-day line.
const INK: RGBColor = RGBColor(30, 30, 30);
/// Width of both charts (pixels).
const WIDTH: u32 = 1600;
/// Height of one provider's row of predictive panels (pixels).
const ROW_H: u32 = 300;

/// Draws `posterior_predictive.png` of `bands` (from `draws` draws) into `dir`; returns its path.
pub fn write_predictive_chart(bands: &[Band], draws: usize, dir: &Path) -> Result<PathBuf, ReportError> {
    ensure_font()?;
    let mut sink = ChartSink::files(dir, ChartFormat::Png)?;
    draw_chart!(sink, "posterior_predictive", |canvas| draw_predictive(bands, draws, canvas))?;
    Ok(sink.paths().remove(0))
}

/// Draws `forecast_warm.png` of `forecast` into `dir`; returns its path.
pub fn write_forecast_chart(forecast: &Forecast, dir: &Path) -> Result<PathBuf, ReportError> {
    ensure_font()?;
    let mut sink = ChartSink::files(dir, ChartFormat::Png)?;
    draw_chart!(sink, "forecast_warm", |canvas| draw_forecast(forecast, canvas))?;
    Ok(sink.paths().remove(0))
}

/// `c` at opacity `alpha` over white, as an opaque colour (for legend keys).
fn on_white(c: RGBColor, alpha: f64) -> RGBColor {
    let blend = |v: u8| (255.0 - alpha * (255.0 - f64::from(v))).round() as u8;
    RGBColor(blend(c.0), blend(c.1), blend(c.2))
}

/// The providers of `bands`, in order.
fn providers_of(bands: &[Band]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for b in bands {
        if !out.contains(&b.provider.as_str()) {
            out.push(&b.provider);
        }
    }
    out
}

/// Draws the posterior predictive chart on `canvas`.
pub fn draw_predictive<C: Canvas>(bands: &[Band], draws: usize, canvas: &mut C) -> Result<(), ReportError> {
    let providers = providers_of(bands);
    // The metrics observed on some day: the others have no column.
    let (metrics, unobserved): (Vec<usize>, Vec<usize>) =
        (0..METRICS.len()).partition(|&m| bands.iter().any(|b| b.metric == m && b.observed.is_finite()));
    let metrics = if metrics.is_empty() { unobserved.clone() } else { metrics };
    let height = 56 + 40 + 30 + ROW_H * providers.len().max(1) as u32;
    let root = canvas.area((WIDTH, height));
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!("Posterior predictive check: the observed days against {draws} runs of posterior draws");
    let body = draw_title(&root, &title)?;
    let band_color = provider_color(0);
    let legend = [
        LegendEntry::new("observed", INK, Key::Marker),
        LegendEntry::new("median of the runs", band_color, Key::Line),
        LegendEntry::new("50% of the runs", on_white(band_color, 0.45), Key::Box),
        LegendEntry::new("90% of the runs", on_white(band_color, 0.18), Key::Box),
    ];
    let body = draw_legend(&body, &legend)?;
    let mut note = vec![
        "Each run replays the observed volumes: the bands are what the fitted model gives for the same mail."
            .to_string(),
    ];
    let missing: Vec<&str> = unobserved.iter().map(|&m| METRICS[m].title).collect();
    if !missing.is_empty() && metrics != unobserved {
        note[0].push_str(&format!(" Not in the data, so not drawn: {}.", missing.join(", ")));
    }
    let body = draw_note(&body, &note)?;
    let panels = body.split_evenly((providers.len().max(1), metrics.len()));
    let n_days = bands.iter().map(|b| b.day).max().unwrap_or(1).max(1);
    let x_range = 0.5..(f64::from(n_days) + 0.5);
    for (row, provider) in providers.iter().enumerate() {
        for (column, &m) in metrics.iter().enumerate() {
            let metric = &METRICS[m];
            let panel = &panels[row * metrics.len() + column];
            let mine: Vec<&Band> = bands.iter().filter(|b| b.provider == *provider && b.metric == m).collect();
            let max =
                mine.iter().flat_map(|b| [b.observed, b.quantiles[4]]).filter(|v| v.is_finite()).fold(0.0, f64::max);
            let top = nice_top(max * 1.05).min(100.0);
            let mut chart = ChartBuilder::on(panel)
                .caption(format!("{provider}: {}", metric.title), text(19.0))
                .margin(10)
                .x_label_area_size(42)
                .y_label_area_size(60)
                .build_cartesian_2d(x_range.clone(), 0.0..top)
                .map_err(chart_err)?;
            let mut mesh = chart.configure_mesh();
            day_axes(&mut mesh, TICK_PX - 2.0, AXIS_DESC_PX - 4.0)
                .y_desc("%")
                .y_labels(5)
                .x_labels(n_days.min(15) as usize)
                .y_label_formatter(&|v| fmt_pct(*v))
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID);
            mesh.draw().map_err(chart_err)?;
            if mine.iter().all(|b| !b.observed.is_finite()) {
                draw_empty(&chart, "not in this provider's data")?;
                continue;
            }
            let clip = |v: f64| v.clamp(0.0, top);
            let defined: Vec<&&Band> = mine.iter().filter(|b| b.quantiles.iter().all(|q| q.is_finite())).collect();
            for (lo, hi, alpha) in [(0, 4, 0.18), (1, 3, 0.45)] {
                let upper = defined.iter().map(|b| (f64::from(b.day), clip(b.quantiles[hi])));
                let lower = defined.iter().rev().map(|b| (f64::from(b.day), clip(b.quantiles[lo])));
                let outline: Vec<(f64, f64)> = upper.chain(lower).collect();
                if outline.len() >= 3 {
                    chart
                        .draw_series(std::iter::once(Polygon::new(outline, band_color.mix(alpha).filled())))
                        .map_err(chart_err)?;
                }
            }
            let median: Vec<(f64, f64)> = defined.iter().map(|b| (f64::from(b.day), clip(b.quantiles[2]))).collect();
            chart.draw_series(LineSeries::new(median, band_color.stroke_width(2))).map_err(chart_err)?;
            let points = mine.iter().filter(|b| b.observed.is_finite()).map(|b| (f64::from(b.day), clip(b.observed)));
            chart.draw_series(points.map(|at| Circle::new(at, 4, INK.filled()))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}

/// Draws the forecast chart on `canvas`.
pub fn draw_forecast<C: Canvas>(forecast: &Forecast, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area((WIDTH, 900));
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!(
        "Probability of being warm by each day, from {} posterior draws (days 1-{} observed, then {})",
        forecast.draws, forecast.observed_days, forecast.strategy
    );
    let body = draw_title(&root, &title)?;
    let mut providers: Vec<&str> = Vec::new();
    for r in &forecast.rows {
        if !providers.contains(&r.provider.as_str()) {
            providers.push(&r.provider);
        }
    }
    let mut legend: Vec<LegendEntry> =
        providers.iter().enumerate().map(|(i, p)| LegendEntry::new(*p, provider_color(i), Key::Line)).collect();
    legend.push(LegendEntry::new(format!("last observed day ({})", forecast.observed_days), INK, Key::Dashed));
    let body = draw_legend(&body, &legend)?;
    let note = format!(
        "Days 1-{} (shaded) replay the observed volumes: a sender does not observe warmth, so there too the lines \
         are the model's probability that the IP was already warm.",
        forecast.observed_days
    );
    let body = draw_note(&body, &[note])?;
    let x_max = f64::from(forecast.horizon_days.max(2)) + 0.5;
    let mut chart = ChartBuilder::on(&body)
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.5..x_max, -2.0..102.0)
        .map_err(chart_err)?;
    let mut mesh = chart.configure_mesh();
    day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)
        .x_desc("day (day 1 = first observed day)")
        .y_desc("probability warm by the day (% of draws)")
        .y_labels(6)
        .y_label_formatter(&|v| fmt_pct(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID);
    mesh.draw().map_err(chart_err)?;
    let last_observed = f64::from(forecast.observed_days) + 0.5;
    let shade = Rectangle::new([(0.5, -2.0), (last_observed, 102.0)], INK.mix(0.06).filled());
    chart.draw_series(std::iter::once(shade)).map_err(chart_err)?;
    for (i, provider) in providers.iter().enumerate() {
        let mut path: Vec<(f64, f64)> = Vec::new();
        let mut previous = 0.0;
        for r in forecast.rows.iter().filter(|r| r.provider == *provider) {
            let x = f64::from(r.day);
            let y = 100.0 * r.probability_warm;
            path.push((x - 0.5, previous));
            path.push((x - 0.5, y));
            previous = y;
        }
        path.push((x_max, previous));
        // Lines drawn later are narrower, so that coinciding steps all show.
        let width = 2 + (providers.len() - 1 - i).min(4) as u32;
        chart
            .draw_series(std::iter::once(PathElement::new(path, provider_color(i).stroke_width(width))))
            .map_err(chart_err)?;
    }
    let dashed = DashedLineSeries::new([(last_observed, -2.0), (last_observed, 102.0)], 8, 6, INK.stroke_width(2));
    chart.draw_series(dashed).map_err(chart_err)?;
    root.present().map_err(chart_err)
}
