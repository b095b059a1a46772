//! `warm_by_day.png`: the share of runs warm by each day (Kaplan–Meier, runs never warm
//! censored at the horizon), one panel per provider and one for every provider, a step line per
//! design point with its 95% Greenwood band (log(−log)), the horizon marked by a dashed line.
//! Curves of several points often coincide (common seeds): each carries its own mark shape,
//! staggered so that no two mark the same day, and earlier points are drawn wider. Drawn
//! from `warm_curves.csv` only.

use crate::report::canvas::Canvas;

use plotters::prelude::*;

use super::chart_data::ChartData;
use super::series_chart::{PANELS_SIZE, panel_grid, point_entries};
use super::warm_rows::{WarmCurveRow, WarmData};
use super::warm_times::ALL_PROVIDERS;
use crate::report::ReportError;
use crate::report::charts::marks::{Mark, mark_days};
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, TICK_PX, chart_err, day_axes, fmt_pct, provider_color, text,
};

/// Grey of the horizon line.
const HORIZON_GREY: RGBColor = RGBColor(90, 90, 90);

/// The panel caption of `provider`.
fn caption(provider: &str) -> String {
    if provider == ALL_PROVIDERS { "every provider warm".to_string() } else { provider.to_string() }
}

/// Draws the chart on `canvas`.
pub fn draw<C: Canvas>(data: &ChartData, warm: &WarmData, canvas: &mut C) -> Result<(), ReportError> {
    // Providers in file order, `all` last.
    let mut providers: Vec<&str> = Vec::new();
    for r in &warm.curves {
        if !providers.contains(&r.provider.as_str()) {
            providers.push(&r.provider);
        }
    }
    providers.sort_by_key(|p| *p == ALL_PROVIDERS);
    let root = canvas.area(PANELS_SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!(
        "Share of runs warm by day: Kaplan-Meier and 95% band over {} replicates ({})",
        data.replicates, data.name
    );
    let panels = panel_grid(&root, &title, &point_entries(data, |p| Key::LineMark(Mark::nth(p))), providers.len())?;
    let last_day = warm.curves.iter().map(|r| r.day).max().unwrap_or(1).max(1);
    let x_max = f64::from(last_day) * 1.02;
    // The horizons: the last day of each curve (a curve runs to its point's largest horizon).
    let mut horizons: Vec<u32> = Vec::new();
    for (i, r) in warm.curves.iter().enumerate() {
        let last = warm.curves.get(i + 1).is_none_or(|next| next.point != r.point || next.provider != r.provider);
        if last && !horizons.contains(&r.day) {
            horizons.push(r.day);
        }
    }
    let x_desc = match horizons.as_slice() {
        [h] => format!("day (dashed line: the horizon, day {h})"),
        _ => "day (dashed lines: the horizons)".to_string(),
    };
    // Paler bands as they get more: with common seeds, the curves of several points often
    // coincide, and stacked bands would turn opaque.
    let n_points = data.n_points().max(1);
    let band_alpha = (0.5 / n_points as f64).clamp(0.06, 0.16);
    for (provider, panel) in providers.iter().zip(panels.iter()) {
        let curves: Vec<(usize, Vec<&WarmCurveRow>)> = (0..data.n_points())
            .map(|p| (p, warm.curves.iter().filter(|r| r.point == p && r.provider == *provider).collect::<Vec<_>>()))
            .filter(|(_, rows)| !rows.is_empty())
            .collect();
        let mut chart = ChartBuilder::on(panel)
            .caption(caption(provider), text(22.0))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..x_max, -4.0..104.0)
            .map_err(chart_err)?;
        let mut mesh = chart.configure_mesh();
        day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX - 2.0)
            .x_desc(&x_desc)
            .y_desc("runs warm (%)")
            .y_labels(6)
            .y_label_formatter(&|v| fmt_pct(*v))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID);
        mesh.draw().map_err(chart_err)?;
        // Shares outside 0-1 (a caller's data; the files hold none) stay near the axis.
        let pct = |share: f64| 100.0 * share.clamp(-0.04, 1.04);
        // Bands first, so that no band covers a line. A day's value holds until the next day.
        for (p, rows) in &curves {
            let color = provider_color(*p).mix(band_alpha).filled();
            let cells = rows.iter().filter_map(|r| {
                let (lo, hi) = (r.ci_low?, r.ci_high?);
                let x = f64::from(r.day);
                (hi > lo).then(|| Rectangle::new([(x, pct(lo)), ((x + 1.0).min(x_max), pct(hi))], color))
            });
            chart.draw_series(cells).map_err(chart_err)?;
        }
        for (p, rows) in &curves {
            let mut path: Vec<(f64, f64)> = vec![(0.0, 0.0)];
            let mut share = 0.0;
            for r in rows {
                let x = f64::from(r.day);
                path.push((x, share));
                share = pct(r.share_warm);
                path.push((x, share));
            }
            // Earlier points drawn wider, so that a curve another one covers (common seeds
            // often give several points the same warm days) still shows at its edges.
            let width = 2 + (n_points - 1 - p.min(&(n_points - 1))).min(6) as u32;
            chart
                .draw_series(std::iter::once(PathElement::new(path, provider_color(*p).stroke_width(width))))
                .map_err(chart_err)?;
        }
        // Each curve's marks, staggered, last: a curve under another still shows its own.
        for (p, rows) in &curves {
            let days = mark_days(last_day as usize, *p, n_points);
            let mut share = 0.0;
            let mut marks = Vec::new();
            let mut next = rows.iter().peekable();
            for day in days {
                while let Some(r) = next.next_if(|r| r.day as usize <= day) {
                    share = pct(r.share_warm);
                }
                marks.push((day as f64, share));
            }
            let mark = Mark::nth(*p);
            chart
                .draw_series(marks.into_iter().map(|at| mark.element(at, 5, provider_color(*p))))
                .map_err(chart_err)?;
        }
        for &h in &horizons {
            let x = f64::from(h);
            let dashes = DashedLineSeries::new([(x, 0.0), (x, 104.0)], 8, 6, HORIZON_GREY.stroke_width(2));
            chart.draw_series(dashes).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}
