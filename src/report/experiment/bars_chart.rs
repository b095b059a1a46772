//! `outcomes.png`: one panel per key outcome, a bar per design point (the mean
//! over replicates) with its 95% confidence interval as an error bar.
//!
//! A days-to-warm outcome is censored: its bar is the restricted mean from
//! `warm_times.csv` (never-warm runs counted at the horizon) with its interval,
//! labelled with how many runs were never warm ("3/10 never warm").

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{ChartData, MAX_DEFAULT_POINTS, metric_display};
use super::metrics::DAYS_TO_WARM_PREFIX;
use super::series_chart::{PANELS_SIZE, panel_grid};
use super::warm_rows::WarmData;
use crate::report::ReportError;
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, TICK_PX, chart_err, finite, fmt_count, provider_color, text,
};

/// A value label for a bar: compact counts, 3 significant digits otherwise.
fn value_label(v: f64) -> String {
    if v.abs() >= 1000.0 {
        fmt_count(v)
    } else if v == v.round() {
        format!("{v:.0}")
    } else {
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.decimals$}")
    }
}

/// A tick label: like [`value_label`] without trailing zeros.
fn tick_label(v: f64) -> String {
    let s = value_label(v);
    if s.contains('.') && !s.ends_with(['k', 'M']) {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// One bar: its design point, value, interval, runs counted and runs never warm
/// (a days-to-warm outcome only).
struct Bar {
    point: usize,
    value: f64,
    lo: f64,
    hi: f64,
    n: u64,
    never_warm: Option<u64>,
}

/// The bars of `metric` and its panel's caption: a run metric's mean from
/// `summary.csv`, or a days-to-warm column's restricted mean from `warm`.
fn bars(data: &ChartData, warm: &WarmData, metric: &str) -> (Vec<Bar>, String) {
    let finite_bar = |point, m: f64, lo: Option<f64>, hi: Option<f64>, n, never_warm| {
        let (m, lo, hi) = (finite(m), finite(lo.unwrap_or(m)), finite(hi.unwrap_or(m)));
        [m, lo, hi].iter().all(|v| v.is_finite()).then_some(Bar { point, value: m, lo, hi, n, never_warm })
    };
    let n_points = data.n_points();
    if let Some(provider) = metric.strip_prefix(DAYS_TO_WARM_PREFIX) {
        let rows: Vec<_> = (0..n_points).filter_map(|p| warm.time(p, provider)).collect();
        let bars = rows
            .iter()
            .filter_map(|r| {
                let m = r.restricted_mean_days?;
                finite_bar(
                    r.point,
                    m,
                    r.restricted_mean_ci_low,
                    r.restricted_mean_ci_high,
                    r.n_runs,
                    Some(r.n_censored),
                )
            })
            .collect();
        return (bars, warm.caption(provider, n_points));
    }
    let (desc, scale) = metric_display(metric);
    let bars = (0..n_points)
        .filter_map(|p| {
            let s = data.stat(p, metric)?.stats;
            finite_bar(p, s.mean? * scale, s.ci_low.map(|v| v * scale), s.ci_high.map(|v| v * scale), s.n, None)
        })
        .collect();
    (bars, desc)
}

/// Writes the bar chart of `metrics` to `path`.
pub fn draw(data: &ChartData, warm: &WarmData, metrics: &[String], path: &Path) -> Result<(), ReportError> {
    let root = BitMapBackend::new(path, PANELS_SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!("Key outcomes: mean and 95% CI over {} replicates ({})", data.replicates, data.name);
    let n_points = data.n_points();
    let panels = panel_grid(&root, &title, data, Key::Box, metrics.len())?;
    for (metric, panel) in metrics.iter().zip(panels.iter()) {
        let (bars, desc) = bars(data, warm, metric);
        let top = bars.iter().map(|b| b.hi.max(b.value)).fold(0.0, f64::max);
        // "k/n never warm" over a bar, on one line if it fits the bar's slot, else on two.
        let notes: Vec<Option<String>> =
            bars.iter().map(|b| b.never_warm.filter(|k| *k > 0).map(|k| format!("{k}/{} never warm", b.n))).collect();
        let slot_px = f64::from(panel.dim_in_pixel().0.saturating_sub(72 + 28)) / n_points.max(1) as f64;
        let note_style = text(TICK_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
        let too_wide = |note: &String| {
            root.estimate_text_size(note, &note_style).map_or(true, |(w, _)| f64::from(w) > 0.95 * slot_px)
        };
        let split = notes.iter().flatten().any(too_wide);
        // Room above the bars for their labels: one line, or two or three where some runs were never warm.
        let headroom = match (notes.iter().any(Option::is_some), split) {
            (false, _) => 1.18,
            (true, false) => 1.32,
            (true, true) => 1.45,
        };
        let y_max = if top > 0.0 { finite(top * headroom) } else { 1.0 };
        // Nothing is drawn further than one axis height below the axis, so that
        // pixel coordinates stay small whatever the values.
        let y = |v: f64| v.clamp(-y_max, y_max);
        let mut chart = ChartBuilder::on(panel)
            .caption(&desc, text(21.0))
            .margin(14)
            .x_label_area_size(10)
            .y_label_area_size(72)
            .build_cartesian_2d(-0.5..(n_points as f64 - 0.5).max(0.5), 0.0..y_max)
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_label_formatter(&|v| tick_label(*v))
            .label_style(text(TICK_PX))
            .axis_desc_style(text(AXIS_DESC_PX))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .draw()
            .map_err(chart_err)?;
        // A point without any value (e.g. never warm in any run) says so where its bar would be.
        for p in (0..n_points).filter(|p| !bars.iter().any(|b| b.point == *p)) {
            let (px, py) = chart.backend_coord(&(p as f64, 0.0));
            let style = text(TICK_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw_text("no value in any run", &style, (px, py - 6)).map_err(chart_err)?;
        }
        let half = 0.36;
        for (bar, note) in bars.iter().zip(&notes) {
            let (p, count) = (bar.point, bar.n);
            let (x, m, lo, hi) = (p as f64, y(bar.value), y(bar.lo), y(bar.hi));
            let color = provider_color(p);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - half, 0.0), (x + half, m)],
                    color.mix(0.85).filled(),
                )))
                .map_err(chart_err)?;
            let whisker = BLACK.stroke_width(2);
            let segments = [[(x, lo), (x, hi)], [(x - 0.1, lo), (x + 0.1, lo)], [(x - 0.1, hi), (x + 0.1, hi)]];
            for seg in segments {
                chart.draw_series(std::iter::once(PathElement::new(seg.to_vec(), whisker))).map_err(chart_err)?;
            }
            if n_points > MAX_DEFAULT_POINTS {
                continue; // Value labels of many bars would overlap.
            }
            let (px, py) = chart.backend_coord(&(x, hi.max(m)));
            let label =
                if count < data.replicates as u64 { format!("{} (n={count})", value_label(m)) } else { value_label(m) };
            let style = text(TICK_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw_text(&label, &style, (px, py - 4)).map_err(chart_err)?;
            let line = TICK_PX as i32 + 4;
            match (note, split) {
                (Some(note), false) => root.draw_text(note, &style, (px, py - 4 - line)).map_err(chart_err)?,
                (Some(note), true) => {
                    let (count_part, words) = note.split_once(' ').unwrap_or((note, ""));
                    root.draw_text(words, &style, (px, py - 4 - line)).map_err(chart_err)?;
                    root.draw_text(count_part, &style, (px, py - 4 - 2 * line)).map_err(chart_err)?;
                }
                (None, _) => {}
            }
        }
    }
    root.present().map_err(chart_err)
}
