//! `reputation.png`: each provider's reputation of the sender over the days, on
//! shaded Bad/Low/Medium/High bands, with a strip of each provider's level per
//! day and its warm day.
//!
//! The line of a provider is the reputation of the sender's reference IP there
//! or, with several, the lowest of them (warmth needs every one; `ips.png`
//! shows each IP). Lines carry staggered marks (see [`super::marks`]) so that
//! lines on top of each other stay visible. The legend says what the warm rule
//! found (warm day, a fall below High after it, or why a provider is not warm)
//! and a note states the rule. The day axis has half a day of room at each end,
//! so nothing is clipped on the first or the last day.

use crate::report::canvas::Canvas;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::frame::{draw_note, padded_days};
use super::marks::{Mark, mark_days};
use super::style::{
    AXIS_DESC_PX, GRID, GRID_BOLD, Key, LEGEND_PX, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, draw_legend,
    draw_title, provider_color, run_title, text,
};
use super::warm_label::{WarmStatus, reference_text, rule_text};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, name_of};
use crate::sim::{ReputationLevel, RunResult};

/// The four level bands, bottom to top: level, lower and upper score, background colour.
pub(super) fn bands() -> [(ReputationLevel, f64, f64, RGBColor); 4] {
    let [low, medium, high] = ReputationLevel::CUTS;
    [
        (ReputationLevel::Bad, 0.0, low, RGBColor(250, 215, 215)),
        (ReputationLevel::Low, low, medium, RGBColor(252, 234, 212)),
        (ReputationLevel::Medium, medium, high, RGBColor(250, 246, 212)),
        (ReputationLevel::High, high, 1.0, RGBColor(218, 240, 218)),
    ]
}

/// Colour of a level in the strip: the band's hue, strong enough for a thin cell.
fn level_color(level: ReputationLevel) -> RGBColor {
    match level {
        ReputationLevel::Bad => RGBColor(222, 110, 110),
        ReputationLevel::Low => RGBColor(240, 170, 100),
        ReputationLevel::Medium => RGBColor(235, 215, 110),
        ReputationLevel::High => RGBColor(120, 190, 120),
    }
}

/// Height of one provider's lane in the level strip.
const LANE_H: u32 = 17;

/// The line of each provider: per day, `(day, lowest reference-IP reputation)` where recorded.
pub(super) fn provider_lines(agg: &Aggregates) -> Vec<Vec<(f64, f64)>> {
    (0..agg.n_providers)
        .map(|p| {
            agg.provider_days(p)
                .enumerate()
                .filter_map(|(d, c)| Some(((d + 1) as f64, c.lowest_reputation()?)))
                .collect()
        })
        .collect()
}

/// Draws `reputation.png` (or `.svg`) on `canvas`.
pub(super) fn draw<C: Canvas>(result: &RunResult, agg: &Aggregates, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Reputation per provider", result))?;

    let statuses: Vec<WarmStatus> =
        (0..agg.n_providers).map(|p| WarmStatus::of(agg, p, result.warm_day.get(p).copied().flatten())).collect();
    let mut entries: Vec<LegendEntry> = statuses
        .iter()
        .enumerate()
        .map(|(p, s)| {
            LegendEntry::new(
                s.label(&name_of(&result.provider_names, p)),
                provider_color(p),
                Key::LineMark(Mark::nth(p)),
            )
        })
        .collect();
    entries.push(LegendEntry::new("warm day (strip)", RGBColor(120, 120, 120), Key::Marker));
    let body = draw_legend(&body, &entries)?;
    let (whose, who) = reference_text(result, agg);
    let strip_note = "The strip above the chart: each provider's level per day.";
    let body = draw_note(&body, &[format!("{whose} {strip_note}"), rule_text(who)])?;
    let strip_h = LANE_H * agg.n_providers as u32 + 8;
    let (strip, body) = body.split_vertically(strip_h);

    let x_range = padded_days(agg.n_days);
    let mut chart = ChartBuilder::on(&body)
        .margin_left(16)
        .margin_right(100)
        .margin_top(4)
        .margin_bottom(10)
        .x_label_area_size(48)
        .y_label_area_size(90)
        .build_cartesian_2d(x_range.clone(), 0.0..1.0)
        .map_err(chart_err)?;
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

    let lines = provider_lines(agg);
    for (p, points) in lines.iter().enumerate() {
        let color = provider_color(p);
        chart.draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(3))).map_err(chart_err)?;
    }
    // Marks after every line, so that a line drawn over another leaves the other's marks.
    for (p, points) in lines.iter().enumerate() {
        let days = mark_days(agg.n_days, p, agg.n_providers);
        let marked = points.iter().filter(|(x, _)| days.contains(&(*x as usize)));
        chart.draw_series(marked.map(|&xy| Mark::nth(p).element(xy, 6, provider_color(p)))).map_err(chart_err)?;
    }

    // The level strip, aligned with the chart's days.
    let x_of = |day: f64| chart.backend_coord(&(day, 0.0)).0;
    let (_, strip_y) = strip.get_base_pixel();
    let label = text(TICK_PX - 1.0).pos(Pos::new(HPos::Right, VPos::Center));
    for (p, status) in statuses.iter().enumerate() {
        let top = strip_y + (LANE_H * p as u32) as i32 + 4;
        let (y0, y1) = (top + 1, top + LANE_H as i32 - 2);
        let name = name_of(&result.provider_names, p);
        root.draw_text(&name, &label.color(&provider_color(p)), (x_of(x_range.start) - 8, (y0 + y1) / 2))
            .map_err(chart_err)?;
        for (d, day) in agg.provider_days(p).enumerate() {
            let Some(score) = day.lowest_reputation() else { continue };
            let x = (d + 1) as f64;
            let cell = [(x_of(x - 0.5), y0), (x_of(x + 0.5), y1)];
            root.draw(&Rectangle::new(cell, level_color(ReputationLevel::from_score(score)).filled()))
                .map_err(chart_err)?;
        }
        if let Some(day) = status.day() {
            let at = (x_of(f64::from(day)), (y0 + y1) / 2);
            let r = (LANE_H as i32) / 2 - 1;
            root.draw(&Circle::new(at, r, provider_color(p).filled())).map_err(chart_err)?;
            root.draw(&Circle::new(at, r, BLACK.stroke_width(2))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}
