//! `outcomes.png`: what happened to the mail each day.
//!
//! Top: final outcomes per day over all providers and IPs (inbox, junk,
//! bounced, blocked, expired) as stacked areas, with the messages sent as a
//! line. Bottom: one small panel per provider with the same outcomes as a
//! share of the messages that finished that day, so small providers stay readable.

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::style::{
    AXIS_DESC_PX, Key, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, day_range, draw_legend, draw_title, fmt_count,
    pale_grid, run_title, text,
};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, name_of};
use crate::sim::{Counts, RunResult};

/// One stacked outcome: legend label, colour and how to read it from [`Counts`].
struct Outcome {
    label: &'static str,
    color: RGBColor,
    get: fn(&Counts) -> u64,
}

/// Outcomes from the bottom of the stack to the top.
const OUTCOMES: [Outcome; 5] = [
    Outcome { label: "inbox", color: RGBColor(77, 175, 74), get: |c| c.inbox },
    Outcome { label: "junk", color: RGBColor(255, 187, 40), get: |c| c.junk },
    Outcome { label: "bounced", color: RGBColor(152, 78, 163), get: |c| c.bounced },
    Outcome { label: "blocked (5xx)", color: RGBColor(215, 38, 40), get: |c| c.blocked },
    Outcome { label: "expired in queue", color: RGBColor(140, 140, 140), get: |c| c.expired },
];

/// For each outcome (bottom to top), the top of its band on each day:
/// cumulative sums of `value(day, outcome)`.
fn stack(n_days: usize, value: impl Fn(usize, &Outcome) -> f64) -> Vec<Vec<(f64, f64)>> {
    let mut below = vec![0.0; n_days];
    OUTCOMES
        .iter()
        .map(|o| {
            (0..n_days)
                .map(|d| {
                    below[d] += value(d, o);
                    ((d + 1) as f64, below[d])
                })
                .collect()
        })
        .collect()
}

/// Draws stacked bands: the top band first, each lower one over it.
fn draw_stack<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    stacked: Vec<Vec<(f64, f64)>>,
) -> Result<(), ReportError> {
    for (points, outcome) in stacked.into_iter().zip(&OUTCOMES).rev() {
        chart.draw_series(AreaSeries::new(points, 0.0, outcome.color.filled())).map_err(chart_err)?;
    }
    Ok(())
}

/// Writes `outcomes.png` to `path`.
pub(super) fn draw(result: &RunResult, agg: &Aggregates, path: &Path) -> Result<(), ReportError> {
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Daily outcomes", result))?;
    let mut entries: Vec<LegendEntry> = OUTCOMES.iter().map(|o| LegendEntry::new(o.label, o.color, Key::Box)).collect();
    entries.push(LegendEntry::new("sent (new messages)", BLACK, Key::Line));
    let body = draw_legend(&body, &entries)?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h * 56 / 100);
    draw_totals(&top, agg)?;
    draw_shares(&bottom, result, agg)?;
    root.present().map_err(chart_err)
}

/// Top panel: outcomes over all providers, in messages per day, and the sent line.
fn draw_totals<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, agg: &Aggregates) -> Result<(), ReportError> {
    let days: Vec<Counts> = (0..agg.n_days).map(|d| agg.day_totals(d)).collect();
    let y_max = days.iter().map(|c| c.sent.max(c.finished())).max().unwrap_or(0).max(1) as f64 * 1.08;
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(40)
        .margin_top(6)
        .margin_bottom(6)
        .x_label_area_size(44)
        .y_label_area_size(92)
        .build_cartesian_2d(day_range(agg.n_days), 0.0..y_max)
        .map_err(chart_err)?;
    let y_fmt = |v: &f64| fmt_count(*v);
    let mut mesh = chart.configure_mesh();
    pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_desc("messages/day").y_label_formatter(&y_fmt);
    mesh.draw().map_err(chart_err)?;
    draw_stack(&mut chart, stack(agg.n_days, |d, o| (o.get)(&days[d]) as f64))?;
    let sent = days.iter().enumerate().map(|(d, c)| ((d + 1) as f64, c.sent as f64));
    chart.draw_series(LineSeries::new(sent, BLACK.stroke_width(3))).map_err(chart_err)?;
    Ok(())
}

/// Bottom panels: per provider, outcomes as a percentage of the messages finished each day.
fn draw_shares<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    result: &RunResult,
    agg: &Aggregates,
) -> Result<(), ReportError> {
    let n = agg.n_providers;
    if n == 0 {
        return Ok(());
    }
    let cols = n.min(5);
    let rows = n.div_ceil(cols);
    let panels = area.split_evenly((rows, cols));
    for (p, panel) in panels.iter().enumerate().take(n) {
        let share = agg.provider_share(p, result.totals.sent) * 100.0;
        let caption = format!("{}: {:.0}% of sent", name_of(&result.provider_names, p), share);
        let first_in_row = p % cols == 0;
        let mut chart = ChartBuilder::on(panel)
            .margin_left(if first_in_row { 16 } else { 4 })
            .margin_right(18)
            .margin_top(4)
            .caption(caption, text(AXIS_DESC_PX))
            .x_label_area_size(44)
            .y_label_area_size(if first_in_row { 80 } else { 44 })
            .build_cartesian_2d(day_range(agg.n_days), 0.0..100.0)
            .map_err(chart_err)?;
        let y_fmt = |v: &f64| format!("{v:.0}");
        let mut mesh = chart.configure_mesh();
        pale_grid(day_axes(&mut mesh, TICK_PX - 2.0, AXIS_DESC_PX - 2.0))
            .x_labels(5)
            .y_labels(6)
            .y_label_formatter(&y_fmt);
        if first_in_row {
            // Short enough for two rows of panels (more than five providers).
            mesh.y_desc(if rows == 1 { "% of finished messages" } else { "% of finished" });
        }
        mesh.draw().map_err(chart_err)?;
        let cells: Vec<Counts> = agg.provider_days(p).map(|c| c.counts).collect();
        let stacked = stack(agg.n_days, |d, o| {
            let finished = cells[d].finished();
            if finished == 0 { 0.0 } else { (o.get)(&cells[d]) as f64 * 100.0 / finished as f64 }
        });
        draw_stack(&mut chart, stacked)?;
    }
    Ok(())
}
