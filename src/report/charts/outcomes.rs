//! `outcomes.png`: what happened to the mail each day, per IP and per provider.
//!
//! Top: one panel per IP (per group of IPs, dedicated or shared pools, when
//! there are more than [`MAX_IP_PANELS`]), on one scale: final outcomes
//! (inbox, junk, bounced, blocked, expired) as stacked areas in messages per
//! day, the messages sent as a line and the messages still queued at the end of
//! the day as a dashed line. Outcomes are counted on the day each message
//! finished, which is how the simulator counts them: mail deferred on earlier
//! days finishes later, so a day's stack can exceed its sent line; the note
//! says so and gives the run's balance (sent = finished + still queued).
//!
//! Bottom: one panel per provider with the share of each day's finished mail
//! that did not reach the inbox (junk, bounced, blocked, expired), stacked, on a
//! scale fitted to them (shared by the panels) so that a few percent stay
//! readable; the inbox is the rest. When the sender has dedicated IPs next to
//! shared pools, a dashed line gives the same share for the dedicated IPs alone.

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::frame::{draw_note, nice_top, padded_days, panel_grid, panel_title};
use super::style::{
    AXIS_DESC_PX, Key, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, draw_legend, draw_title, fmt_count, fmt_pct,
    pale_grid, run_title,
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

/// Most IP panels drawn one per IP; beyond, IPs are grouped (dedicated, shared pools).
pub(super) const MAX_IP_PANELS: usize = 4;

/// Colour of the messages still queued at the end of a day.
const QUEUED_COLOR: RGBColor = RGBColor(30, 90, 200);

/// A top panel: the IPs it sums and its title.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IpGroup {
    /// Title: the IP's name and kind, or the group's.
    pub title: String,
    /// The IPs summed.
    pub ips: Vec<usize>,
}

/// What an IP is, for titles: `dedicated` (new or warm) or `shared pool`.
pub(super) fn ip_kind(agg: &Aggregates, ip: usize) -> &'static str {
    if agg.ip_dedicated.get(ip).copied().unwrap_or(false) { "dedicated" } else { "shared pool" }
}

/// The top panels: one per IP up to [`MAX_IP_PANELS`], else the dedicated IPs and the shared pools.
pub(super) fn ip_groups(result: &RunResult, agg: &Aggregates) -> Vec<IpGroup> {
    if agg.n_ips <= MAX_IP_PANELS {
        return (0..agg.n_ips)
            .map(|ip| IpGroup {
                title: format!("{} ({})", name_of(&result.ip_names, ip), ip_kind(agg, ip)),
                ips: vec![ip],
            })
            .collect();
    }
    let (dedicated, shared): (Vec<usize>, Vec<usize>) = (0..agg.n_ips).partition(|&ip| agg.ip_dedicated[ip]);
    [("dedicated IPs", dedicated), ("shared pools", shared)]
        .into_iter()
        .filter(|(_, ips)| !ips.is_empty())
        .map(|(what, ips)| IpGroup { title: format!("{} {what}", ips.len()), ips })
        .collect()
}

/// Per day (index 0 = day 1), the counts of `group` summed over its IPs and providers, and its messages still queued.
pub(super) fn group_days(agg: &Aggregates, group: &IpGroup) -> Vec<(Counts, u64)> {
    (0..agg.n_days)
        .map(|d| {
            let mut c = Counts::default();
            let mut queued = 0;
            for &ip in &group.ips {
                let day = agg.ip_day(d, ip);
                c.add(&day.counts);
                queued += day.queued;
            }
            (c, queued)
        })
        .collect()
}

/// The share (in %) of `c`'s finished mail that did not reach the inbox, or `None` when nothing finished.
pub(super) fn not_inbox_pct(c: &Counts) -> Option<f64> {
    let finished = c.finished();
    (finished > 0).then(|| (finished - c.inbox) as f64 * 100.0 / finished as f64)
}

/// The note's sentences: how outcomes are counted and the run's balance.
pub(super) fn accounting_note(agg: &Aggregates) -> Vec<String> {
    let finished: u64 = (0..agg.n_days).map(|d| agg.day_totals(d).finished()).sum();
    let sent: u64 = (0..agg.n_days).map(|d| agg.day_totals(d).sent).sum();
    let queued = agg.n_days.checked_sub(1).map_or(0, |d| agg.day_queued(d));
    vec![
        "Outcomes are counted on the day each message finished (placed, bounced, blocked or expired), so a day \
         that finishes mail deferred earlier can top its sent line (4xx replies and retries: queue.png)."
            .to_string(),
        format!(
            "Run: {} sent = {} finished + {} still queued at the end. Lower panels: the part of each day's finished \
             mail that missed the inbox.",
            fmt_total(sent),
            fmt_total(finished),
            fmt_total(queued)
        ),
    ]
}

/// A whole count with thousands separators: `1,234,567`.
pub(super) fn fmt_total(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// For each outcome (bottom to top), the top of its band on each day:
/// cumulative sums of `value(day, outcome)`, over `outcomes`.
fn stack(outcomes: &[Outcome], n_days: usize, value: impl Fn(usize, &Outcome) -> f64) -> Vec<Vec<(f64, f64)>> {
    let mut below = vec![0.0; n_days];
    outcomes
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

/// Whether a run is drawn with a bar per day rather than areas: when some day
/// inside it finished nothing (a sending calendar with days off, a weekly
/// send), which areas would bridge with slopes that never happened.
pub(super) fn draws_bars(agg: &Aggregates) -> bool {
    let finished: Vec<u64> = (0..agg.n_days).map(|d| agg.day_totals(d).finished()).collect();
    let first = finished.iter().position(|&f| f > 0);
    let last = finished.iter().rposition(|&f| f > 0);
    match (first, last) {
        (Some(a), Some(b)) => finished[a..=b].contains(&0),
        _ => false,
    }
}

/// Draws stacked bands: as areas, the top band first and each lower one over
/// it; or as a bar per day and band (`bars`).
fn draw_stack<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    outcomes: &[Outcome],
    stacked: Vec<Vec<(f64, f64)>>,
    bars: bool,
) -> Result<(), ReportError> {
    if bars {
        let mut below: Vec<f64> = vec![0.0; stacked.first().map_or(0, Vec::len)];
        for (points, outcome) in stacked.iter().zip(outcomes) {
            let style = outcome.color.filled();
            let rects = points.iter().zip(below.iter_mut()).filter_map(|(&(x, top), bottom)| {
                let rect = (top > *bottom).then(|| Rectangle::new([(x - 0.4, *bottom), (x + 0.4, top)], style));
                *bottom = top;
                rect
            });
            chart.draw_series(rects).map_err(chart_err)?;
        }
        return Ok(());
    }
    for (points, outcome) in stacked.into_iter().zip(outcomes).rev() {
        chart.draw_series(AreaSeries::new(points, 0.0, outcome.color.filled())).map_err(chart_err)?;
    }
    Ok(())
}

/// Draws `outcomes.png` (or `.svg`) on `canvas`.
pub(super) fn draw<C: Canvas>(result: &RunResult, agg: &Aggregates, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Daily outcomes per IP and provider", result))?;
    let mut entries: Vec<LegendEntry> = OUTCOMES.iter().map(|o| LegendEntry::new(o.label, o.color, Key::Box)).collect();
    entries.push(LegendEntry::new("sent (new messages)", BLACK, Key::Line));
    let queued_key = if draws_bars(agg) { Key::Line } else { Key::Dashed };
    entries.push(LegendEntry::new("still queued at day end", QUEUED_COLOR, queued_key));
    if agg.reference_is_part() {
        entries.push(LegendEntry::new("dedicated IPs alone", BLACK, Key::Dashed));
    }
    let body = draw_legend(&body, &entries)?;
    let body = draw_note(&body, &accounting_note(agg))?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h * 52 / 100);
    draw_ips(&top, result, agg)?;
    draw_not_inbox(&bottom, result, agg)?;
    root.present().map_err(chart_err)
}

/// Top panels: outcomes per IP (or group), in messages per day, with the sent and queued lines.
fn draw_ips<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    result: &RunResult,
    agg: &Aggregates,
) -> Result<(), ReportError> {
    let groups = ip_groups(result, agg);
    let days: Vec<Vec<(Counts, u64)>> = groups.iter().map(|g| group_days(agg, g)).collect();
    let y_max = days.iter().flatten().map(|(c, q)| c.sent.max(c.finished()).max(*q)).max().unwrap_or(0).max(1);
    let y_top = y_max as f64 * 1.08;
    let (panels, cols) = panel_grid(area, groups.len(), MAX_IP_PANELS);
    for (i, ((panel, group), cells)) in panels.iter().zip(&groups).zip(&days).enumerate() {
        let sent: u64 = cells.iter().map(|(c, _)| c.sent).sum();
        let share = if result.totals.sent > 0 { sent as f64 * 100.0 / result.totals.sent as f64 } else { 0.0 };
        let panel =
            panel_title(panel, &format!("{}: {}% of sent", group.title, fmt_pct((share * 10.0).round() / 10.0)))?;
        let first_in_row = i % cols == 0;
        let mut chart = ChartBuilder::on(&panel)
            .margin_left(if first_in_row { 16 } else { 6 })
            .margin_right(24)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(if first_in_row { 92 } else { 56 })
            .build_cartesian_2d(padded_days(agg.n_days), 0.0..y_top)
            .map_err(chart_err)?;
        let y_fmt = |v: &f64| fmt_count(*v);
        let mut mesh = chart.configure_mesh();
        pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_labels(6).y_label_formatter(&y_fmt);
        if first_in_row {
            mesh.y_desc("messages/day");
        }
        mesh.draw().map_err(chart_err)?;
        let bars = draws_bars(agg);
        let stacked = stack(&OUTCOMES, agg.n_days, |d, o| (o.get)(&cells[d].0) as f64);
        draw_stack(&mut chart, &OUTCOMES, stacked, bars)?;
        let sent: Vec<(f64, f64)> =
            cells.iter().enumerate().map(|(d, (c, _))| ((d + 1) as f64, c.sent as f64)).collect();
        let queued: Vec<(f64, f64)> = cells.iter().enumerate().map(|(d, (_, q))| ((d + 1) as f64, *q as f64)).collect();
        if bars {
            // A level per day, over its bar: the days between sent nothing.
            for (points, color) in [(&sent, BLACK), (&queued, QUEUED_COLOR)] {
                let levels = points.iter().filter(|(_, y)| *y > 0.0);
                let paths =
                    levels.map(|&(x, y)| PathElement::new([(x - 0.45, y), (x + 0.45, y)], color.stroke_width(3)));
                chart.draw_series(paths).map_err(chart_err)?;
            }
        } else {
            chart.draw_series(LineSeries::new(sent, BLACK.stroke_width(3))).map_err(chart_err)?;
            chart.draw_series(DashedLineSeries::new(queued, 10, 6, QUEUED_COLOR.stroke_width(3))).map_err(chart_err)?;
        }
    }
    Ok(())
}

/// Bottom panels: per provider, the part of each day's finished mail that missed the inbox, stacked.
fn draw_not_inbox<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    result: &RunResult,
    agg: &Aggregates,
) -> Result<(), ReportError> {
    let n = agg.n_providers;
    let missed = &OUTCOMES[1..];
    let pct = |c: &Counts, o: &Outcome| {
        let finished = c.finished();
        if finished == 0 { 0.0 } else { (o.get)(c) as f64 * 100.0 / finished as f64 }
    };
    let part = agg.reference_is_part();
    let max = (0..n)
        .flat_map(|p| agg.provider_days(p))
        .flat_map(|day| {
            let dedicated = if part { not_inbox_pct(&day.reference_counts) } else { None };
            [not_inbox_pct(&day.counts), dedicated]
        })
        .flatten()
        .fold(0.0, f64::max);
    let y_top = nice_top(max * 1.05).min(100.0);
    let (panels, cols) = panel_grid(area, n, 5);
    let rows = n.div_ceil(cols.max(1));
    for (p, panel) in panels.iter().enumerate() {
        let share = agg.provider_share(p, result.totals.sent) * 100.0;
        let panel = panel_title(panel, &format!("{}: {:.0}% of sent", name_of(&result.provider_names, p), share))?;
        let first_in_row = p % cols == 0;
        let mut chart = ChartBuilder::on(&panel)
            .margin_left(if first_in_row { 16 } else { 4 })
            .margin_right(16)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(if first_in_row { 80 } else { 48 })
            .build_cartesian_2d(padded_days(agg.n_days), 0.0..y_top)
            .map_err(chart_err)?;
        let y_fmt = |v: &f64| fmt_pct(*v);
        let mut mesh = chart.configure_mesh();
        pale_grid(day_axes(&mut mesh, TICK_PX - 2.0, AXIS_DESC_PX - 2.0))
            .x_labels(5)
            .y_labels(6)
            .y_label_formatter(&y_fmt);
        if first_in_row {
            // Short enough for two rows of panels (more than five providers).
            mesh.y_desc(if rows == 1 { "% of finished: not inbox" } else { "% not inbox" });
        }
        mesh.draw().map_err(chart_err)?;
        let cells: Vec<&Counts> = agg.provider_days(p).map(|c| &c.counts).collect();
        draw_stack(&mut chart, missed, stack(missed, agg.n_days, |d, o| pct(cells[d], o)), draws_bars(agg))?;
        if part {
            let line: Vec<Option<(f64, f64)>> = agg
                .provider_days(p)
                .enumerate()
                .map(|(d, day)| Some(((d + 1) as f64, not_inbox_pct(&day.reference_counts)?)))
                .collect();
            for segment in line.split(Option::is_none) {
                let segment: Vec<(f64, f64)> = segment.iter().flatten().copied().collect();
                chart.draw_series(DashedLineSeries::new(segment, 7, 5, BLACK.stroke_width(2))).map_err(chart_err)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_written_in_full() {
        assert_eq!(fmt_total(0), "0");
        assert_eq!(fmt_total(999), "999");
        assert_eq!(fmt_total(1_000), "1,000");
        assert_eq!(fmt_total(8_399_958), "8,399,958");
    }

    #[test]
    fn not_inbox_share() {
        assert_eq!(not_inbox_pct(&Counts::default()), None);
        let c = Counts { inbox: 90, junk: 6, bounced: 1, blocked: 2, expired: 1, ..Counts::default() };
        assert_eq!(not_inbox_pct(&c), Some(10.0));
    }
}
