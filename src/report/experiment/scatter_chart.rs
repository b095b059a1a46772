//! `scatter-<metric>.png` (Latin hypercube designs): one panel per axis, each design
//! point's outcome (the mean over its replicates) against the axis's value, with the
//! axis's partial rank correlation and its 95% interval in the panel's title.

use crate::report::canvas::Canvas;

use plotters::prelude::*;

use super::chart_data::{ChartData, metric_display};
use super::sensitivity::SensitivityRow;
use super::sensitivity_chart::axis_label;
use crate::report::ReportError;
use crate::report::charts::style::{GRID, SIZE, TICK_PX, chart_err, draw_title, finite, provider_color, text};

/// Panels per row.
const COLUMNS: usize = 3;

/// Draws the scatter plots of `metric` on `canvas`.
pub fn draw<C: Canvas>(
    data: &ChartData,
    rows: &[SensitivityRow],
    metric: &str,
    canvas: &mut C,
) -> Result<(), ReportError> {
    let (desc, scale) = metric_display(metric);
    let k = data.axes.len().max(1);
    let n_rows = k.div_ceil(COLUMNS);
    let size = (SIZE.0, (SIZE.1 / 2).max(360) * n_rows as u32 + 60);
    let root = canvas.area(size);
    root.fill(&WHITE).map_err(chart_err)?;
    let replicates = match data.replicates {
        1 => "one run".to_string(),
        n => format!("mean of {n} replicates"),
    };
    let title = format!("{desc} at each design point ({}, {replicates})", data.name);
    let area = draw_title(&root, &title)?;
    let panels = area.split_evenly((n_rows, COLUMNS.min(k)));
    let y: Vec<Option<f64>> = (0..data.n_points())
        .map(|p| data.stat(p, metric).and_then(|r| r.stats.mean).map(|m| finite(m * scale)).filter(|v| v.is_finite()))
        .collect();
    for (a, (axis, panel)) in data.axes.iter().zip(panels.iter()).enumerate() {
        // The axis's values as numbers; a list of text values by its order of first appearance.
        let mut names: Vec<String> = Vec::new();
        let x: Vec<f64> = data
            .point_values
            .iter()
            .map(|v| {
                let s = v.get(a).map_or("", String::as_str);
                s.parse::<f64>().unwrap_or_else(|_| {
                    let i = names.iter().position(|n| n == s).unwrap_or_else(|| {
                        names.push(s.to_string());
                        names.len() - 1
                    });
                    i as f64
                })
            })
            .collect();
        let pts: Vec<(f64, f64)> = x.iter().zip(&y).filter_map(|(x, y)| Some((finite(*x), (*y)?))).collect();
        let (x0, x1) = bounds(pts.iter().map(|p| p.0));
        let (y0, y1) = bounds(pts.iter().map(|p| p.1));
        let prcc = rows.iter().find(|r| r.metric == metric && r.index == "prcc" && r.parameter == *axis);
        let caption = match prcc {
            Some(r) if r.value.ci_low.is_finite() => format!(
                "partial rank correlation {:.2} [{:.2}, {:.2}]",
                r.value.estimate, r.value.ci_low, r.value.ci_high
            ),
            Some(r) => format!("partial rank correlation {:.2}", r.value.estimate),
            None => String::new(),
        };
        let x_desc = axis_label(axis);
        let mut chart = ChartBuilder::on(panel)
            .caption(caption, text(TICK_PX))
            .margin(12)
            .x_label_area_size(56)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(chart_err)?;
        let labels = names.clone();
        chart
            .configure_mesh()
            .x_label_formatter(&|v| {
                if labels.is_empty() {
                    tick(*v)
                } else if (v - v.round()).abs() < 1e-9 && *v >= 0.0 {
                    labels.get(v.round() as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc(x_desc.as_str())
            .y_desc(if a % COLUMNS == 0 { desc.as_str() } else { "" })
            .label_style(text(TICK_PX))
            .axis_desc_style(text(TICK_PX))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .draw()
            .map_err(chart_err)?;
        let c = provider_color(0);
        chart.draw_series(pts.iter().map(|p| Circle::new(*p, 3, c.mix(0.7).filled()))).map_err(chart_err)?;
    }
    root.present().map_err(chart_err)
}

/// A range holding every value, a little wider, never empty.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { lo.abs().max(1.0) * 0.05 };
    (finite(lo - pad), finite(hi + pad))
}

/// A tick label with at most four significant digits and no trailing zeros.
pub(super) fn tick(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 10) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}
