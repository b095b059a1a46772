//! `ips.png`: each IP's part of the traffic and its reputation at each provider.
//!
//! Top left: each IP's share of the day's sent mail, stacked to 100% (the
//! blend of a new IP with a shared pool or warm IPs over time). Top right: the
//! messages each IP sent per day. Below: one panel per provider with each
//! IP's reputation there on the Bad/Low/Medium/High bands (a shared pool's is
//! the pool's trust, which its other tenants' mail shares), and the provider's
//! warm day as a dashed vertical line. Dedicated IPs are drawn in colours,
//! shared pools in greys; every line carries its mark (see [`super::marks`]).
//!
//! The records say whether an IP is dedicated, not whether it was new or warm
//! when the run began: the legend gives each IP's name and whether it is
//! dedicated, and its line shows where it started.

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{draw_empty, draw_note, padded_days, panel_grid, panel_title};
use super::marks::{Mark, mark_days};
use super::outcomes::ip_kind;
use super::reputation::bands;
use super::style::{
    AXIS_DESC_PX, Key, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, draw_legend, draw_title, fmt_count, pale_grid,
    run_title,
};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, name_of};
use crate::sim::RunResult;

/// Colours of dedicated IPs: dark and saturated, readable on the pale level bands.
const DEDICATED_COLORS: [RGBColor; 5] = [
    RGBColor(31, 100, 200),
    RGBColor(150, 40, 150),
    RGBColor(0, 140, 140),
    RGBColor(200, 90, 0),
    RGBColor(120, 80, 40),
];
/// Colours of shared pools: greys.
const SHARED_COLORS: [RGBColor; 3] = [RGBColor(70, 70, 70), RGBColor(140, 140, 140), RGBColor(40, 40, 40)];

/// The colour of IP `ip`: the n-th dedicated IP's or the n-th shared pool's.
pub(super) fn ip_color(agg: &Aggregates, ip: usize) -> RGBColor {
    let dedicated = agg.ip_dedicated.get(ip).copied().unwrap_or(false);
    let nth = (0..ip).filter(|&i| agg.ip_dedicated.get(i).copied().unwrap_or(false) == dedicated).count();
    if dedicated { DEDICATED_COLORS[nth % DEDICATED_COLORS.len()] } else { SHARED_COLORS[nth % SHARED_COLORS.len()] }
}

/// Per IP, per day (index 0 = day 1): the IP's share (in %) of the day's sent
/// mail, `None` on a day nothing was sent.
pub(super) fn sent_shares(agg: &Aggregates) -> Vec<Vec<Option<f64>>> {
    let totals: Vec<u64> =
        (0..agg.n_days).map(|d| (0..agg.n_ips).map(|ip| agg.ip_day(d, ip).counts.sent).sum()).collect();
    (0..agg.n_ips)
        .map(|ip| {
            (0..agg.n_days)
                .map(|d| {
                    let total = totals[d];
                    (total > 0).then(|| agg.ip_day(d, ip).counts.sent as f64 * 100.0 / total as f64)
                })
                .collect()
        })
        .collect()
}

/// Per IP, its reputation at `provider`: `(day, score)` where recorded.
pub(super) fn ip_lines(agg: &Aggregates, provider: usize) -> Vec<Vec<(f64, f64)>> {
    (0..agg.n_ips)
        .map(|ip| (0..agg.n_days).filter_map(|d| Some(((d + 1) as f64, agg.ip_reputation(d, ip, provider)?))).collect())
        .collect()
}

/// Draws `ips.png` (or `.svg`) on `canvas`.
pub(super) fn draw<C: Canvas>(result: &RunResult, agg: &Aggregates, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Traffic and reputation per IP", result))?;
    let mut entries: Vec<LegendEntry> = (0..agg.n_ips)
        .map(|ip| {
            let label = format!("{} ({})", name_of(&result.ip_names, ip), ip_kind(agg, ip));
            LegendEntry::new(label, ip_color(agg, ip), Key::LineMark(Mark::nth(ip)))
        })
        .collect();
    entries.push(LegendEntry::new("the provider's warm day", BLACK, Key::Dashed));
    let body = draw_legend(&body, &entries)?;
    let note = if agg.n_ips > 1 {
        "Top: each IP's share of the day's sent mail and its messages per day. Below: each IP's reputation at each \
         provider (a shared pool's is the pool's own, shared with its other tenants)."
    } else {
        "Top: the messages the IP sent per day. Below: its reputation at each provider."
    };
    let body = draw_note(&body, &[note.to_string()])?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h * 40 / 100);
    if agg.n_ips > 1 {
        let (left, right) = top.split_horizontally(top.dim_in_pixel().0 / 2);
        draw_shares(&left, agg)?;
        draw_sent(&right, agg)?;
    } else {
        // One IP: its share is 100% every day, so only its volume.
        draw_sent(&top, agg)?;
    }
    draw_reputations(&bottom, result, agg)?;
    root.present().map_err(chart_err)
}

/// Top left: each IP's share of the day's sent mail, stacked to 100%.
fn draw_shares<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, agg: &Aggregates) -> Result<(), ReportError> {
    let panel = panel_title(area, "share of the day's sent mail")?;
    let mut chart = ChartBuilder::on(&panel)
        .margin_left(16)
        .margin_right(20)
        .margin_top(6)
        .x_label_area_size(44)
        .y_label_area_size(80)
        .build_cartesian_2d(padded_days(agg.n_days), 0.0..100.0)
        .map_err(chart_err)?;
    let mut mesh = chart.configure_mesh();
    let y_fmt = |v: &f64| format!("{v:.0}");
    pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_desc("% of sent").y_labels(6).y_label_formatter(&y_fmt);
    mesh.draw().map_err(chart_err)?;
    let shares = sent_shares(agg);
    let mut below = vec![0.0; agg.n_days];
    let mut tops = Vec::with_capacity(agg.n_ips);
    for share in &shares {
        let top: Vec<(f64, f64)> = share
            .iter()
            .enumerate()
            .map(|(d, s)| {
                below[d] += s.unwrap_or(0.0);
                ((d + 1) as f64, below[d])
            })
            .collect();
        tops.push(top);
    }
    for (ip, top) in tops.into_iter().enumerate().rev() {
        let color = ip_color(agg, ip);
        chart.draw_series(AreaSeries::new(top, 0.0, color.mix(0.75).filled())).map_err(chart_err)?;
    }
    Ok(())
}

/// Top right: messages each IP sent per day.
fn draw_sent<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, agg: &Aggregates) -> Result<(), ReportError> {
    let panel = panel_title(area, if agg.n_ips > 1 { "sent per IP" } else { "sent" })?;
    let max = (0..agg.n_days)
        .flat_map(|d| (0..agg.n_ips).map(move |ip| (d, ip)))
        .map(|(d, ip)| agg.ip_day(d, ip).counts.sent);
    let y_top = max.max().unwrap_or(0).max(1) as f64 * 1.08;
    let mut chart = ChartBuilder::on(&panel)
        .margin_left(16)
        .margin_right(24)
        .margin_top(6)
        .x_label_area_size(44)
        .y_label_area_size(92)
        .build_cartesian_2d(padded_days(agg.n_days), 0.0..y_top)
        .map_err(chart_err)?;
    let y_fmt = |v: &f64| fmt_count(*v);
    let mut mesh = chart.configure_mesh();
    pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_desc("messages/day").y_labels(6).y_label_formatter(&y_fmt);
    mesh.draw().map_err(chart_err)?;
    let lines: Vec<Vec<(f64, f64)>> = (0..agg.n_ips)
        .map(|ip| (0..agg.n_days).map(|d| ((d + 1) as f64, agg.ip_day(d, ip).counts.sent as f64)).collect())
        .collect();
    draw_marked_lines(&mut chart, agg, &lines)
}

/// Draws one line per IP in its colour, then every line's marks.
fn draw_marked_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    agg: &Aggregates,
    lines: &[Vec<(f64, f64)>],
) -> Result<(), ReportError> {
    for (ip, points) in lines.iter().enumerate() {
        chart
            .draw_series(LineSeries::new(points.iter().copied(), ip_color(agg, ip).stroke_width(3)))
            .map_err(chart_err)?;
    }
    for (ip, points) in lines.iter().enumerate() {
        let days = mark_days(agg.n_days, ip, lines.len());
        let marked = points.iter().filter(|(x, _)| days.contains(&(*x as usize)));
        chart.draw_series(marked.map(|&xy| Mark::nth(ip).element(xy, 5, ip_color(agg, ip)))).map_err(chart_err)?;
    }
    Ok(())
}

/// Bottom: per provider, each IP's reputation on the level bands, and the warm day.
fn draw_reputations<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    result: &RunResult,
    agg: &Aggregates,
) -> Result<(), ReportError> {
    let (panels, cols) = panel_grid(area, agg.n_providers, 5);
    let x_range = padded_days(agg.n_days);
    for (p, panel) in panels.iter().enumerate() {
        let warm = result.warm_day.get(p).copied().flatten();
        let name = name_of(&result.provider_names, p);
        let title = match warm {
            Some(day) => format!("{name} (warm day {day})"),
            None => format!("{name} (not warm)"),
        };
        let panel = panel_title(panel, &title)?;
        let first_in_row = p % cols == 0;
        let mut chart = ChartBuilder::on(&panel)
            .margin_left(if first_in_row { 16 } else { 4 })
            .margin_right(14)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(if first_in_row { 80 } else { 40 })
            .build_cartesian_2d(x_range.clone(), 0.0..1.0)
            .map_err(chart_err)?;
        for (_, lo, hi, color) in bands() {
            let band = Rectangle::new([(x_range.start, lo), (x_range.end, hi)], color.filled());
            chart.draw_series(std::iter::once(band)).map_err(chart_err)?;
        }
        let y_fmt = |v: &f64| format!("{v:.1}");
        let mut mesh = chart.configure_mesh();
        day_axes(&mut mesh, TICK_PX - 2.0, AXIS_DESC_PX - 2.0)
            .x_labels(5)
            .y_labels(6)
            .y_label_formatter(&y_fmt)
            .light_line_style(TRANSPARENT)
            .bold_line_style(super::style::GRID.mix(0.8));
        if first_in_row {
            mesh.y_desc("reputation (0-1)");
        }
        mesh.draw().map_err(chart_err)?;
        if let Some(day) = warm {
            let x = f64::from(day);
            chart
                .draw_series(DashedLineSeries::new([(x, 0.0), (x, 1.0)], 8, 5, BLACK.stroke_width(2)))
                .map_err(chart_err)?;
        }
        draw_marked_lines(&mut chart, agg, &ip_lines(agg, p))?;
        if agg.n_ips == 0 {
            draw_empty(&chart, "no IP")?;
        }
    }
    Ok(())
}
