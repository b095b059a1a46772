//! `sensitivity-<metric>.png`: which axes drive one outcome, from `sensitivity.csv`.
//!
//! One horizontal bar per axis, the most influential on top, with its 95% interval:
//! - a Sobol design: the first-order index (the share of the outcome's variance an axis
//!   explains alone) and the total index (with all its interactions) side by side, on a
//!   0-1 axis;
//! - a Morris design: `mu*` (the mean absolute elementary effect) on the left, and on the
//!   right Morris's plane, `sigma` against `mu*` with the lines `sigma = mu*` and
//!   `sigma = 0.1 mu*` (Morris 1991; above the first, an axis acts through interactions
//!   or non-linearly; below the second, almost linearly);
//! - a Latin hypercube: partial rank correlation coefficients on a -1 to 1 axis.

use crate::report::canvas::Canvas;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{metric_display, short_key};
use super::outcome::metric_unit;
use super::scatter_chart::tick;
use super::sensitivity::SensitivityRow;
use super::warm_times::summary_metric;
use crate::report::ReportError;
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, LegendEntry, SIZE, TICK_PX, chart_err, draw_legend, draw_title, finite, provider_color,
    text,
};

/// Share of the largest mu* under which an axis is listed as negligible on Morris's plane.
const NEGLIGIBLE: f64 = 0.05;

/// One axis's bar: its name, estimate and interval (NaN: none).
struct Bar {
    name: String,
    value: f64,
    lo: f64,
    hi: f64,
}

/// The rows of `metric` with index `index`, as bars in the order of `order` (axis names).
fn bars(rows: &[SensitivityRow], metric: &str, index: &str, order: &[String]) -> Vec<Bar> {
    order
        .iter()
        .filter_map(|name| {
            let r = rows.iter().find(|r| r.metric == metric && r.index == index && &r.parameter == name)?;
            Some(Bar { name: name.clone(), value: r.value.estimate, lo: r.value.ci_low, hi: r.value.ci_high })
        })
        .collect()
}

/// The axes of `metric`, most influential first by `index`.
fn ranked(rows: &[SensitivityRow], metric: &str, index: &str) -> Vec<String> {
    let mut r: Vec<&SensitivityRow> = rows.iter().filter(|r| r.metric == metric && r.index == index).collect();
    r.sort_by(|a, b| b.value.estimate.abs().total_cmp(&a.value.estimate.abs()).then(a.parameter.cmp(&b.parameter)));
    r.into_iter().map(|r| r.parameter.clone()).collect()
}

/// The label of an axis on a chart: its last two key-path parts (`gmail.trust_gain_per_day`).
pub(super) fn axis_label(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.len() {
        0 | 1 => short_key(path).to_string(),
        n => format!("{}.{}", parts[n - 2], parts[n - 1]),
    }
}

/// Draws the chart of `metric` (an experiment `name` with `runs` runs) on `canvas`. A
/// days-to-warm metric is analysed as its restricted mean (its [`summary_metric`] rows:
/// a run never warm counts at the horizon), and the title says so.
pub fn draw<C: Canvas>(
    rows: &[SensitivityRow],
    metric: &str,
    name: &str,
    runs: usize,
    canvas: &mut C,
) -> Result<(), ReportError> {
    let (desc, scale) = metric_display(metric);
    let unit = metric_unit(metric);
    let analysed = summary_metric(metric);
    let metric = analysed.as_ref();
    let design = rows.iter().find(|r| r.metric == metric).map_or("", |r| r.design.as_str());
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let what = match design {
        "sobol" => "Sobol indices",
        "morris" => "Morris screening",
        _ => "partial rank correlations",
    };
    let area = draw_title(&root, &format!("What drives the {desc}? {what} ({name}, {runs} runs, 95% intervals)"))?;
    match design {
        "sobol" => {
            let order = ranked(rows, metric, "ST");
            let legend = [
                LegendEntry::new("first order S1: the axis alone", provider_color(0), Key::Box),
                LegendEntry::new("total ST: with its interactions", provider_color(1), Key::Box),
            ];
            let area = draw_legend(&area, &legend)?;
            let series = [bars(rows, metric, "S1", &order), bars(rows, metric, "ST", &order)];
            hbars(&area, &order, &series, (0.0, 1.0), "share of the outcome's variance (Sobol index)")?;
        }
        "morris" => {
            let order = ranked(rows, metric, "mu_star");
            let (left, right) = area.split_horizontally(SIZE.0 / 2);
            // Elementary effects are in the outcome's units: shown as its chart shows it (a share in %).
            let mut series = [bars(rows, metric, "mu_star", &order)];
            for b in &mut series[0] {
                (b.value, b.lo, b.hi) = (finite(b.value * scale), finite(b.lo * scale), finite(b.hi * scale));
            }
            let top = series[0].iter().map(|b| b.hi.max(b.value)).filter(|v| v.is_finite()).fold(0.0, f64::max);
            let axis = format!("mu*: mean |elementary effect| ({unit} per full range of the axis)");
            hbars(&left, &order, &series, (0.0, nice_top(top)), &axis)?;
            morris_plane(&right, rows, metric, &order, (scale, &unit))?;
        }
        _ => {
            let order = ranked(rows, metric, "prcc");
            let series = [bars(rows, metric, "prcc", &order)];
            hbars(&area, &order, &series, (-1.0, 1.0), "partial rank correlation with the outcome")?;
        }
    }
    root.present().map_err(chart_err)
}

/// A little above `top`, so that the longest bar and its label fit.
fn nice_top(top: f64) -> f64 {
    if top > 0.0 { finite(top * 1.15) } else { 1.0 }
}

/// Horizontal bars: one row per axis of `order` (top first), one bar per series, each with
/// its interval; values clamped to `range` (an interval beyond it ends at the edge).
fn hbars<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    order: &[String],
    series: &[Vec<Bar>],
    range: (f64, f64),
    x_desc: &str,
) -> Result<(), ReportError> {
    let n = order.len().max(1);
    let labels: Vec<String> = order.iter().map(|p| axis_label(p)).collect();
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(label_width(&labels))
        .build_cartesian_2d(range.0..range.1, -0.5..(n as f64 - 0.5))
        .map_err(chart_err)?;
    let row_of = |i: usize| (n - 1 - i) as f64;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(x_desc)
        .x_labels(6)
        .x_label_formatter(&|v| tick(*v))
        .y_labels(n * 2 + 1)
        .y_label_formatter(&|y| {
            let i = n as f64 - 1.0 - y;
            if (i - i.round()).abs() < 1e-6 && i >= 0.0 {
                labels.get(i.round() as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .label_style(text(TICK_PX))
        .axis_desc_style(text(AXIS_DESC_PX))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(chart_err)?;
    if range.0 < 0.0 {
        let zero = PathElement::new(vec![(0.0, -0.5), (0.0, n as f64 - 0.5)], BLACK.stroke_width(1));
        chart.draw_series(std::iter::once(zero)).map_err(chart_err)?;
    }
    let clamp = |v: f64| v.clamp(range.0, range.1);
    let h = 0.8 / series.len() as f64;
    for (s, bars) in series.iter().enumerate() {
        let color = provider_color(s);
        for bar in bars {
            let Some(i) = order.iter().position(|p| *p == bar.name) else { continue };
            let y0 = row_of(i) + 0.4 - h * (s as f64 + 1.0);
            let (y1, ym) = (y0 + h * 0.9, y0 + h * 0.45);
            if bar.value.is_finite() {
                let rect = Rectangle::new([(clamp(0.0), y0), (clamp(bar.value), y1)], color.mix(0.85).filled());
                chart.draw_series(std::iter::once(rect)).map_err(chart_err)?;
            }
            if bar.lo.is_finite() && bar.hi.is_finite() {
                let (lo, hi) = (clamp(bar.lo), clamp(bar.hi));
                let w = BLACK.stroke_width(2);
                let tick = h * 0.25;
                for seg in
                    [[(lo, ym), (hi, ym)], [(lo, ym - tick), (lo, ym + tick)], [(hi, ym - tick), (hi, ym + tick)]]
                {
                    chart.draw_series(std::iter::once(PathElement::new(seg.to_vec(), w))).map_err(chart_err)?;
                }
            }
        }
    }
    Ok(())
}

/// Width in pixels of the label area for `labels` at the tick size.
fn label_width(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(4) as u32;
    (longest * 9 + 20).clamp(80, 360)
}

/// Morris's plane: sigma against mu* per axis, labelled, with the lines sigma = mu* and
/// sigma = 0.1 mu*.
fn morris_plane<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    rows: &[SensitivityRow],
    metric: &str,
    order: &[String],
    (scale, unit): (f64, &str),
) -> Result<(), ReportError> {
    let get = |p: &str, i: &str| {
        let r = rows.iter().find(|r| r.metric == metric && r.parameter == p && r.index == i)?;
        Some(finite(r.value.estimate * scale))
    };
    let points: Vec<(String, f64, f64)> = order
        .iter()
        .filter_map(|p| Some((axis_label(p), get(p, "mu_star")?, get(p, "sigma")?)))
        .filter(|(_, m, s)| m.is_finite() && s.is_finite())
        .collect();
    let top = nice_top(points.iter().map(|p| p.1.max(p.2)).fold(0.0, f64::max));
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(60)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..top, 0.0..top)
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .x_desc(format!("mu* ({unit})"))
        .y_desc(format!("sigma: spread of the effects ({unit})"))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .label_style(text(TICK_PX))
        .axis_desc_style(text(AXIS_DESC_PX))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(chart_err)?;
    for (slope, label) in [(1.0, "sigma = mu*"), (0.1, "sigma = 0.1 mu*")] {
        let line = PathElement::new(vec![(0.0, 0.0), (top, top * slope)], BLACK.mix(0.4).stroke_width(1));
        chart.draw_series(std::iter::once(line)).map_err(chart_err)?;
        let at = if slope >= 1.0 { (top * 0.55, top * 0.62) } else { (top * 0.8, top * 0.1) };
        let (px, py) = chart.backend_coord(&at);
        let (base, grey) = (area.get_base_pixel(), BLACK.mix(0.6));
        let style = text(TICK_PX).color(&grey).pos(Pos::new(HPos::Center, VPos::Bottom));
        area.draw_text(label, &style, (px - base.0, py - base.1)).map_err(chart_err)?;
    }
    let base = area.get_base_pixel();
    let (width, _) = area.dim_in_pixel();
    // The axes with an effect are labelled at their points (a label that would overlap one
    // already placed moves up, with a line back to its point); those with mu* under 5% of
    // the largest sit near the origin and are listed in a corner instead.
    let largest = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let (labelled, small): (Vec<_>, Vec<_>) = points.iter().partition(|p| p.1 >= NEGLIGIBLE * largest);
    let mut placed: Vec<(i32, i32)> = Vec::new();
    for (i, (label, m, s)) in labelled.iter().enumerate() {
        let c = provider_color(i);
        chart.draw_series(std::iter::once(Circle::new((*m, *s), 7, c.filled()))).map_err(chart_err)?;
        chart.draw_series(std::iter::once(Circle::new((*m, *s), 7, BLACK.stroke_width(2)))).map_err(chart_err)?;
        let (px, py) = chart.backend_coord(&(*m, *s));
        let (px, py0) = (px - base.0, py - base.1);
        let mut py = py0;
        while placed.iter().any(|&(x, y)| (x - px).abs() < 220 && (y - py).abs() < 20) {
            py -= 20;
        }
        placed.push((px, py));
        let right_half = px > width as i32 / 2;
        let (hpos, dx) = if right_half { (HPos::Right, -10) } else { (HPos::Left, 10) };
        if py != py0 {
            let leader = PathElement::new(vec![(px, py0), (px + dx, py - 8)], c.stroke_width(1));
            area.draw(&leader).map_err(chart_err)?;
        }
        let style = text(TICK_PX).color(&c).pos(Pos::new(hpos, VPos::Bottom));
        area.draw_text(label, &style, (px + dx, py - 4)).map_err(chart_err)?;
    }
    for (_, m, s) in &small {
        chart.draw_series(std::iter::once(Circle::new((*m, *s), 4, BLACK.mix(0.4).filled()))).map_err(chart_err)?;
    }
    if !small.is_empty() {
        let grey = BLACK.mix(0.7);
        let style = text(TICK_PX).color(&grey).pos(Pos::new(HPos::Left, VPos::Top));
        let note = format!("grey: {} axes with mu* under 5% of the largest", small.len());
        let (x, y) = chart.backend_coord(&(0.0, top));
        area.draw_text(&note, &style, (x - base.0 + 12, y - base.1 + 8)).map_err(chart_err)?;
    }
    Ok(())
}
