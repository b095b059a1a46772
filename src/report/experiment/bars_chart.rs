//! `outcomes.png`: one panel per key outcome, a bar per design point (the mean
//! over replicates) with its 95% confidence interval as an error bar.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{ChartData, MAX_DEFAULT_POINTS, metric_display};
use super::series_chart::{PANELS_SIZE, panel_grid};
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

/// Writes the bar chart of `metrics` to `path`.
pub fn draw(data: &ChartData, metrics: &[String], path: &Path) -> Result<(), ReportError> {
    let root = BitMapBackend::new(path, PANELS_SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!("Key outcomes: mean and 95% CI over {} replicates ({})", data.replicates, data.name);
    let n_points = data.n_points();
    let panels = panel_grid(&root, &title, data, Key::Box, metrics.len())?;
    for (metric, panel) in metrics.iter().zip(panels.iter()) {
        let (desc, scale) = metric_display(metric);
        // (point, mean, lo, hi, n), scaled, finite.
        let bars: Vec<(usize, f64, f64, f64, u64)> = (0..n_points)
            .filter_map(|p| {
                let s = data.stat(p, metric)?.stats;
                let m = finite(s.mean? * scale);
                let lo = finite(s.ci_low.map_or(m, |v| v * scale));
                let hi = finite(s.ci_high.map_or(m, |v| v * scale));
                [m, lo, hi].iter().all(|v| v.is_finite()).then_some((p, m, lo, hi, s.n))
            })
            .collect();
        let top = bars.iter().map(|b| b.3.max(b.1)).fold(0.0, f64::max);
        let y_max = if top > 0.0 { finite(top * 1.18) } else { 1.0 };
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
        for p in (0..n_points).filter(|p| !bars.iter().any(|b| b.0 == *p)) {
            let (px, py) = chart.backend_coord(&(p as f64, 0.0));
            let style = text(TICK_PX).pos(Pos::new(HPos::Center, VPos::Bottom));
            root.draw_text("no value in any run", &style, (px, py - 6)).map_err(chart_err)?;
        }
        let half = 0.36;
        for &(p, m, lo, hi, count) in &bars {
            let (x, m, lo, hi) = (p as f64, y(m), y(lo), y(hi));
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
        }
    }
    root.present().map_err(chart_err)
}
