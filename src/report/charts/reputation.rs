//! `reputation.png`: each provider's reputation score of the sender's dedicated
//! IPs over the days, on shaded Bad/Low/Medium/High bands, with warm days marked.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    AXIS_DESC_PX, GRID, GRID_BOLD, Key, LEGEND_PX, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, day_range,
    draw_legend, draw_title, provider_color, run_title, text,
};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, name_of};
use crate::sim::{ReputationLevel, RunResult};

/// The four level bands, bottom to top: level, lower and upper score, background colour.
fn bands() -> [(ReputationLevel, f64, f64, RGBColor); 4] {
    let [low, medium, high] = ReputationLevel::CUTS;
    [
        (ReputationLevel::Bad, 0.0, low, RGBColor(250, 215, 215)),
        (ReputationLevel::Low, low, medium, RGBColor(252, 234, 212)),
        (ReputationLevel::Medium, medium, high, RGBColor(250, 246, 212)),
        (ReputationLevel::High, high, 1.0, RGBColor(218, 240, 218)),
    ]
}

/// Writes `reputation.png` to `path`.
pub(super) fn draw(result: &RunResult, agg: &Aggregates, path: &Path) -> Result<(), ReportError> {
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let whose = if result.reference_ips().are_dedicated() { "the dedicated IPs" } else { "all IPs" };
    let body = draw_title(&root, &run_title(&format!("Reputation of {whose} per provider"), result))?;

    let mut entries: Vec<LegendEntry> = (0..agg.n_providers)
        .map(|p| {
            let name = name_of(&result.provider_names, p);
            let label = match result.warm_day.get(p).copied().flatten() {
                Some(day) => format!("{name} (warm day {day})"),
                None => format!("{name} (not warm)"),
            };
            LegendEntry::new(label, provider_color(p), Key::Line)
        })
        .collect();
    entries.push(LegendEntry::new("warm day", RGBColor(120, 120, 120), Key::Marker));
    let body = draw_legend(&body, &entries)?;

    let mut chart = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(100)
        .margin_top(8)
        .margin_bottom(10)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(day_range(agg.n_days), 0.0..1.0)
        .map_err(chart_err)?;
    let x_range = day_range(agg.n_days);
    for (_, lo, hi, color) in bands() {
        chart
            .draw_series(std::iter::once(Rectangle::new([(x_range.start, lo), (x_range.end, hi)], color.filled())))
            .map_err(chart_err)?;
    }
    let y_fmt = |v: &f64| format!("{v:.1}");
    let mut mesh = chart.configure_mesh();
    day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)
        .y_desc("reputation score (0-1)")
        .y_labels(11)
        .y_label_formatter(&y_fmt)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.mix(0.8));
    mesh.draw().map_err(chart_err)?;
    // Band boundaries and level names in the right margin.
    for (level, lo, hi, _) in bands() {
        if lo > 0.0 {
            let boundary = [(x_range.start, lo), (x_range.end, lo)];
            chart.draw_series(LineSeries::new(boundary, GRID_BOLD.stroke_width(1))).map_err(chart_err)?;
        }
        let (x, y) = chart.backend_coord(&(x_range.end, (lo + hi) / 2.0));
        let style = text(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(level.as_str(), &style, (x + 12, y)).map_err(chart_err)?;
    }

    for p in 0..agg.n_providers {
        let color = provider_color(p);
        let points: Vec<(f64, f64)> =
            agg.provider_days(p).enumerate().filter_map(|(d, c)| Some(((d + 1) as f64, c.reputation()?))).collect();
        chart.draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(3))).map_err(chart_err)?;
        let warm = result.warm_day.get(p).copied().flatten();
        if let Some(&(x, y)) = warm.and_then(|day| points.iter().find(|(x, _)| *x == f64::from(day))) {
            chart.draw_series(std::iter::once(Circle::new((x, y), 8, color.filled()))).map_err(chart_err)?;
            chart.draw_series(std::iter::once(Circle::new((x, y), 8, BLACK.stroke_width(2)))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}
