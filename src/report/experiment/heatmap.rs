//! `heatmap-<metric>.png`: the mean of one outcome over a two-axis grid, the
//! first axis across and the second up, each cell coloured and labelled with
//! its value, with a colour scale on the right. A days-to-warm outcome is the
//! restricted mean (never-warm runs counted at the horizon), each cell saying how
//! many runs were never warm.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{ChartData, metric_display};
use super::metrics::DAYS_TO_WARM_PREFIX;
use super::warm_rows::WarmData;
use crate::report::ReportError;
use crate::report::charts::style::{AXIS_DESC_PX, LEGEND_PX, SIZE, TICK_PX, chart_err, draw_title, finite, text};

/// The distinct values of axis `a` in order of first appearance.
fn levels(data: &ChartData, a: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in &data.point_values {
        if let Some(x) = v.get(a).filter(|x| !out.contains(x)) {
            out.push(x.clone());
        }
    }
    out
}

/// Whether the design points form a full grid over exactly two axes.
pub fn is_grid2(data: &ChartData) -> bool {
    data.axes.len() == 2 && levels(data, 0).len() * levels(data, 1).len() == data.n_points()
}

/// The colour of `t` in 0..=1: plotters' viridis, reversed so that 0 is pale
/// yellow and 1 dark purple (larger values darker); readable in grey and by
/// colour-blind readers.
fn ramp(t: f64) -> RGBColor {
    use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    ViridisRGB.get_color(1.0 - t)
}

/// A cell label: 3 significant digits.
fn label(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.decimals$}")
}

/// Writes the heatmap of `metric` to `path` (a days-to-warm metric with the runs never
/// warm from `warm`); does nothing unless [`is_grid2`].
pub fn draw(data: &ChartData, warm: &WarmData, metric: &str, path: &Path) -> Result<(), ReportError> {
    let (xs, ys) = (levels(data, 0), levels(data, 1));
    let (desc, scale) = metric_display(metric);
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let warm_provider = metric.strip_prefix(DAYS_TO_WARM_PREFIX);
    let title = match warm_provider {
        Some(provider) => {
            let caption = warm.caption(provider, data.n_points());
            let mut chars = caption.chars();
            let capital: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
            format!("{capital}, {} replicates ({})", data.replicates, data.name)
        }
        None => format!("Mean {desc} over {} replicates ({})", data.replicates, data.name),
    };
    // "k/n never warm" under a days-to-warm cell's value, where some runs were.
    let never_warm = |p: usize| {
        let r = warm.time(p, warm_provider?)?;
        (r.n_censored > 0).then(|| format!("{}/{} never warm", r.n_censored, r.n_runs))
    };
    let body = draw_title(&root, &title)?;
    let (w, h) = body.dim_in_pixel();
    let (ox, oy) = body.get_base_pixel();
    let (left, right, top, bottom) = (150, 190, 20, 90);
    let (pw, ph) = ((w as i32 - left - right).max(10), (h as i32 - top - bottom).max(10));
    let (cw, ch) = (pw / xs.len().max(1) as i32, ph / ys.len().max(1) as i32);
    let point = |x: &str, y: &str| {
        data.point_values
            .iter()
            .position(|v| v.first().map(String::as_str) == Some(x) && v.get(1).map(String::as_str) == Some(y))
    };
    let value = |x: &str, y: &str| {
        data.stat(point(x, y)?, metric)?.stats.mean.map(|m| finite(m * scale)).filter(|v| v.is_finite())
    };
    let all: Vec<f64> = xs.iter().flat_map(|x| ys.iter().filter_map(|y| value(x, y))).collect();
    let (lo, hi) =
        (all.iter().copied().fold(f64::INFINITY, f64::min), all.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    // Halves, so that the differences of huge values do not overflow.
    let norm = |v: f64| if hi > lo { (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0) } else { 0.5 };
    let x0 = ox + left;
    let y0 = oy + top;
    let center = Pos::new(HPos::Center, VPos::Center);
    for (i, x) in xs.iter().enumerate() {
        for (j, y) in ys.iter().enumerate() {
            // The second axis goes up: its first level is the bottom row.
            let (cx, cy) = (x0 + i as i32 * cw, y0 + (ys.len() - 1 - j) as i32 * ch);
            let cell = [(cx, cy), (cx + cw - 2, cy + ch - 2)];
            match value(x, y) {
                Some(v) => {
                    let t = norm(v);
                    root.draw(&Rectangle::new(cell, ramp(t).filled())).map_err(chart_err)?;
                    let ink = if t > 0.45 { WHITE } else { BLACK };
                    let style = text(LEGEND_PX).color(&ink).pos(center);
                    match point(x, y).and_then(never_warm) {
                        Some(note) => {
                            let (mid_x, mid_y, half) = (cx + cw / 2, cy + ch / 2, LEGEND_PX as i32 / 2 + 2);
                            root.draw_text(&label(v), &style, (mid_x, mid_y - half)).map_err(chart_err)?;
                            let small = text(TICK_PX).color(&ink).pos(center);
                            root.draw_text(&note, &small, (mid_x, mid_y + half)).map_err(chart_err)?;
                        }
                        None => root.draw_text(&label(v), &style, (cx + cw / 2, cy + ch / 2)).map_err(chart_err)?,
                    }
                }
                None => {
                    root.draw(&Rectangle::new(cell, RGBColor(235, 235, 235).filled())).map_err(chart_err)?;
                    let style = text(TICK_PX).color(&RGBColor(90, 90, 90)).pos(center);
                    root.draw_text("no value", &style, (cx + cw / 2, cy + ch / 2)).map_err(chart_err)?;
                }
            }
        }
    }
    let tick_top = Pos::new(HPos::Center, VPos::Top);
    for (i, x) in xs.iter().enumerate() {
        root.draw_text(x, &text(TICK_PX).pos(tick_top), (x0 + i as i32 * cw + cw / 2, y0 + ph + 8))
            .map_err(chart_err)?;
    }
    let tick_right = Pos::new(HPos::Right, VPos::Center);
    for (j, y) in ys.iter().enumerate() {
        let cy = y0 + (ys.len() - 1 - j) as i32 * ch + ch / 2;
        root.draw_text(y, &text(TICK_PX).pos(tick_right), (x0 - 10, cy)).map_err(chart_err)?;
    }
    let desc_x = text(AXIS_DESC_PX).pos(tick_top);
    root.draw_text(&data.axes[0], &desc_x, (x0 + pw / 2, y0 + ph + 44)).map_err(chart_err)?;
    let desc_y = text(AXIS_DESC_PX).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&data.axes[1], &desc_y, (ox + 20, y0 + ph / 2)).map_err(chart_err)?;
    // Colour scale.
    let (bx, bw) = (x0 + pw + 40, 28);
    let steps = 100;
    for k in 0..steps {
        let t = k as f64 / (steps - 1) as f64;
        let yb = y0 + ph - ((k + 1) * ph) / steps;
        let ye = y0 + ph - (k * ph) / steps;
        root.draw(&Rectangle::new([(bx, yb), (bx + bw, ye)], ramp(t).filled())).map_err(chart_err)?;
    }
    if lo.is_finite() {
        let left_mid = Pos::new(HPos::Left, VPos::Center);
        for (t, v) in [(0.0, lo), (0.5, lo / 2.0 + hi / 2.0), (1.0, hi)] {
            let y = y0 + ph - (t * ph as f64) as i32;
            root.draw_text(&label(v), &text(TICK_PX).pos(left_mid), (bx + bw + 8, y)).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends() {
        assert_eq!(ramp(0.0), RGBColor(254, 232, 37));
        assert_eq!(ramp(1.0), RGBColor(68, 1, 84));
        assert_eq!(ramp(f64::NAN), ramp(0.5));
        // Darker as t grows (luma), so that the scale reads in grey.
        let luma = |c: RGBColor| 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
        let lumas: Vec<f64> = (0..=10).map(|k| luma(ramp(f64::from(k) / 10.0))).collect();
        assert!(lumas.windows(2).all(|w| w[1] < w[0]), "{lumas:?}");
        assert_eq!(label(0.01234), "0.0123");
        assert_eq!(label(21.45), "21.4");
    }
}
