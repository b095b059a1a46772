//! `heatmap-<metric>.png`: the mean of one outcome over a two-axis grid, the first axis
//! across and the second up, each cell coloured and labelled with its value and the half
//! width of its 95% confidence interval, with a colour scale on the right titled with the
//! metric and its unit. A days-to-warm outcome is the restricted mean (never-warm runs
//! counted at the horizon), each cell saying how many runs were never warm.
//!
//! One colour convention for every heatmap: the metric table says which way is better
//! ([`Better`]), and "better" is always the bright end of viridis (yellow), "worse" the
//! dark end (purple); a metric that is neither (messages sent) gets a neutral blue ramp,
//! darker for more. Axis titles are the axes' key paths in words ([`axis_title`]).

use crate::report::canvas::Canvas;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{ChartData, axis_title};
use super::metrics::{Better, DAYS_TO_WARM_PREFIX};
use super::outcome::{Outcome, metric_info, outcomes};
use super::warm_rows::WarmData;
use crate::report::ReportError;
use crate::report::charts::style::{AXIS_DESC_PX, LEGEND_PX, SIZE, TICK_PX, chart_err, draw_title, text};

/// Grey of notes.
const NOTE_GREY: RGBColor = RGBColor(80, 80, 80);

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

/// How good a value is, 0 (worst) to 1 (best), from its place `t` between the smallest (0)
/// and the largest (1) value shown; `None` for a metric that is neither better nor worse.
fn goodness(better: Better, t: f64) -> Option<f64> {
    match better {
        Better::Higher => Some(t),
        Better::Lower => Some(1.0 - t),
        Better::Neither => None,
    }
}

/// The colour of a cell at `t` (0: the smallest value shown, 1: the largest) of a metric
/// that is `better` one way: viridis by goodness (best yellow, worst purple), or a neutral
/// blue ramp by size.
fn cell_color(better: Better, t: f64) -> RGBColor {
    use plotters::style::colors::colormaps::{ColorMap, ViridisRGB};
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.5 };
    match goodness(better, t) {
        Some(g) => ViridisRGB.get_color(g),
        None => {
            let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
            RGBColor(mix(236, 8), mix(242, 48), mix(250, 107))
        }
    }
}

/// Black or white, whichever reads on `c`.
fn ink(c: RGBColor) -> RGBColor {
    if luma(c) > 140.0 { BLACK } else { WHITE }
}

/// Perceived brightness of `c`, 0-255.
fn luma(c: RGBColor) -> f64 {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2)
}

/// A cell label: 3 significant digits.
fn label(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.decimals$}")
}

/// Half the width of an interval around `v`, with as many decimals as `v`'s [`label`] (two
/// significant digits if that would round it to 0): `±0.4`.
fn plus_minus(v: f64, half: f64) -> String {
    let decimals = |x: f64, digits: i32| (digits - 1 - x.abs().log10().floor() as i32).clamp(0, 8) as usize;
    if half <= 0.0 || !half.is_finite() {
        return "±0".into();
    }
    let d = if v == 0.0 { 0 } else { decimals(v, 3) };
    let d = if half < 0.5 * 10f64.powi(-(d as i32)) { decimals(half, 2) } else { d };
    format!("±{half:.d$}")
}

/// Draws the heatmap of `metric` on `canvas` (a days-to-warm metric with the runs never
/// warm from `warm`); does nothing unless [`is_grid2`].
pub fn draw<C: Canvas>(data: &ChartData, warm: &WarmData, metric: &str, canvas: &mut C) -> Result<(), ReportError> {
    let (xs, ys) = (levels(data, 0), levels(data, 1));
    let info = metric_info(metric);
    let (values, desc) = outcomes(data, warm, metric);
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let warm_metric = metric.starts_with(DAYS_TO_WARM_PREFIX);
    let mut chars = desc.chars();
    let capital: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
    let title = if warm_metric {
        format!("{capital}, {} replicates ({})", data.replicates, data.name)
    } else {
        format!("Mean {desc} over {} replicates ({})", data.replicates, data.name)
    };
    let body = draw_title(&root, &title)?;
    let (w, h) = body.dim_in_pixel();
    let (ox, oy) = body.get_base_pixel();
    let (left, right, top, bottom) = (150, 250, 20, 110);
    let (pw, ph) = ((w as i32 - left - right).max(10), (h as i32 - top - bottom).max(10));
    let (cw, ch) = (pw / xs.len().max(1) as i32, ph / ys.len().max(1) as i32);
    let point = |x: &str, y: &str| {
        data.point_values
            .iter()
            .position(|v| v.first().map(String::as_str) == Some(x) && v.get(1).map(String::as_str) == Some(y))
    };
    let value = |x: &str, y: &str| -> Option<&Outcome> {
        let p = point(x, y)?;
        values.iter().find(|o| o.point == p)
    };
    let (lo, hi) =
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), o| (lo.min(o.value), hi.max(o.value)));
    // Halves, so that the differences of huge values do not overflow.
    let norm = |v: f64| if hi > lo { (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0) } else { 0.5 };
    let x0 = ox + left;
    let y0 = oy + top;
    let center = Pos::new(HPos::Center, VPos::Center);
    let measure = |s: &str, px: f64| root.estimate_text_size(s, &text(px)).map_or(i32::MAX, |(w, _)| w as i32);
    for (i, x) in xs.iter().enumerate() {
        for (j, y) in ys.iter().enumerate() {
            // The second axis goes up: its first level is the bottom row.
            let (cx, cy) = (x0 + i as i32 * cw, y0 + (ys.len() - 1 - j) as i32 * ch);
            let cell = [(cx, cy), (cx + cw - 2, cy + ch - 2)];
            let Some(o) = value(x, y) else {
                root.draw(&Rectangle::new(cell, RGBColor(235, 235, 235).filled())).map_err(chart_err)?;
                let style = text(TICK_PX).color(&RGBColor(90, 90, 90)).pos(center);
                root.draw_text("no value", &style, (cx + cw / 2, cy + ch / 2)).map_err(chart_err)?;
                continue;
            };
            let fill = cell_color(info.better, norm(o.value));
            root.draw(&Rectangle::new(cell, fill.filled())).map_err(chart_err)?;
            let ink = ink(fill);
            // The value, then its interval, the runs never warm and the runs counted if not all.
            let mut lines: Vec<(String, f64)> = vec![(label(o.value), LEGEND_PX)];
            if o.half_width > 0.0 {
                let wide = format!("95% CI {}", plus_minus(o.value, o.half_width));
                let text = if measure(&wide, TICK_PX) < cw - 8 { wide } else { plus_minus(o.value, o.half_width) };
                lines.push((text, TICK_PX));
            }
            if let Some(k) = o.never_warm.filter(|k| *k > 0) {
                lines.push((format!("{k}/{} never warm", o.n), TICK_PX));
            } else if o.n < u64::from(data.replicates) {
                lines.push((format!("n={}", o.n), TICK_PX));
            }
            let line_h = TICK_PX as i32 + 6;
            let first = cy + ch / 2 - (lines.len() as i32 - 1) * line_h / 2;
            for (k, (line, px)) in lines.iter().enumerate() {
                let style = text(*px).color(&ink).pos(center);
                root.draw_text(line, &style, (cx + cw / 2, first + k as i32 * line_h)).map_err(chart_err)?;
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
    root.draw_text(&axis_title(&data.axes[0]), &desc_x, (x0 + pw / 2, y0 + ph + 40)).map_err(chart_err)?;
    let desc_y = text(AXIS_DESC_PX).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&axis_title(&data.axes[1]), &desc_y, (ox + 20, y0 + ph / 2)).map_err(chart_err)?;
    // What a cell says.
    let note = if warm_metric {
        "Each cell: the restricted mean (a run never warm counts at the horizon) and half its 95% interval".to_string()
    } else {
        format!("Each cell: the mean over {} replicates and half its 95% confidence interval", data.replicates)
    };
    let note_style = text(TICK_PX).color(&NOTE_GREY).pos(Pos::new(HPos::Left, VPos::Top));
    root.draw_text(&note, &note_style, (x0, y0 + ph + 76)).map_err(chart_err)?;
    // Colour scale, small values at the bottom, with the metric's title and which end is better.
    let (bx, bw) = (x0 + pw + 30, 28);
    let steps = 100;
    for k in 0..steps {
        let t = k as f64 / (steps - 1) as f64;
        let yb = y0 + ph - ((k + 1) * ph) / steps;
        let ye = y0 + ph - (k * ph) / steps;
        root.draw(&Rectangle::new([(bx, yb), (bx + bw, ye)], cell_color(info.better, t).filled()))
            .map_err(chart_err)?;
    }
    let left_mid = Pos::new(HPos::Left, VPos::Center);
    if lo.is_finite() {
        for (t, v) in [(0.0, lo), (0.5, lo / 2.0 + hi / 2.0), (1.0, hi)] {
            let y = y0 + ph - (t * ph as f64) as i32;
            root.draw_text(&label(v), &text(TICK_PX).pos(left_mid), (bx + bw + 8, y)).map_err(chart_err)?;
        }
    }
    let (low_word, high_word) = match info.better {
        Better::Higher => ("worse", "better"),
        Better::Lower => ("better", "worse"),
        Better::Neither => ("", ""),
    };
    let word = text(TICK_PX).color(&NOTE_GREY).pos(Pos::new(HPos::Left, VPos::Center));
    root.draw_text(high_word, &word, (bx + bw + 8, y0 + 22)).map_err(chart_err)?;
    root.draw_text(low_word, &word, (bx + bw + 8, y0 + ph - 22)).map_err(chart_err)?;
    // The metric's title along the scale, shrunk to fit its height.
    let fit = f64::from(ph) / f64::from(measure(&desc, AXIS_DESC_PX).max(1));
    let px = (AXIS_DESC_PX * fit.min(1.0)).max(11.0);
    let scale_title = text(px).transform(FontTransform::Rotate90).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&desc, &scale_title, (bx + bw + 100, y0 + ph / 2)).map_err(chart_err)?;
    root.present().map_err(chart_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::experiment::{RUN_METRIC_TABLE, metric_info};

    /// The colour of the best and of the worst of the values shown of `metric`.
    fn ends(metric: &str) -> (RGBColor, RGBColor) {
        let better = metric_info(metric).better;
        match better {
            Better::Lower => (cell_color(better, 0.0), cell_color(better, 1.0)),
            _ => (cell_color(better, 1.0), cell_color(better, 0.0)),
        }
    }

    #[test]
    fn better_is_the_same_colour_in_every_heatmap() {
        let (best, worst) = ends("inbox_share");
        assert_eq!((best, worst), (RGBColor(254, 232, 37), RGBColor(68, 1, 84)), "viridis: best yellow, worst purple");
        // Fewer days to warm, a lower blocked share and more providers warm are all "better".
        for metric in
            ["days_to_warm_all", "days_to_warm_gmail", "blocked_share", "peak_complaint_rate", "providers_warm"]
        {
            assert_eq!(ends(metric), (best, worst), "{metric}");
        }
        for m in RUN_METRIC_TABLE.iter().filter(|m| m.better != Better::Neither) {
            assert_eq!(ends(m.name), (best, worst), "{}", m.name);
        }
        // Better reads lighter in grey too.
        assert!(luma(best) > luma(worst));
        // A size that is neither better nor worse is no shade of viridis.
        let (small, large) = (cell_color(Better::Neither, 0.0), cell_color(Better::Neither, 1.0));
        assert!(luma(small) > luma(large));
        assert!(![best, worst].contains(&small) && ![best, worst].contains(&large));
        assert_eq!(cell_color(Better::Higher, f64::NAN), cell_color(Better::Higher, 0.5));
    }

    #[test]
    fn labels() {
        assert_eq!(label(0.01234), "0.0123");
        assert_eq!(label(21.45), "21.4");
        assert_eq!(plus_minus(91.2, 0.43), "±0.4");
        assert_eq!(plus_minus(13.0, 0.0), "±0");
        assert_eq!(plus_minus(13.0, 0.04), "±0.040");
        assert_eq!(plus_minus(1500.0, 12.3), "±12");
        assert_eq!(plus_minus(0.0123, 0.0021), "±0.0021");
        assert_eq!(ink(RGBColor(253, 231, 37)), BLACK);
        assert_eq!(ink(RGBColor(68, 1, 84)), WHITE);
    }
}
