//! `queue.png`: the sender's MTA queue day by day, stacked by provider.
//!
//! Four panels of stacked daily bars: the 4xx deferral replies received (replies per day), the
//! retry attempts made (attempts per day: every attempt beyond a message's
//! first, `attempts - sent`), the messages still queued at the end of the day,
//! and the messages expired after the queue lifetime (messages per day). When
//! the sender has dedicated IPs next to shared pools, a dashed line gives the
//! dedicated IPs' part. A panel with nothing to show says so.
//!
//! The records count replies and attempts, not the distinct messages retried
//! or those finally accepted on a retry; the note says so.

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{draw_empty, draw_note, nice_top, padded_days, panel_title};
use super::style::{
    AXIS_DESC_PX, Key, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, draw_legend, draw_title, fmt_count, pale_grid,
    provider_color, run_title,
};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, ProviderDay, name_of, retry_attempts};
use crate::sim::{Counts, RunResult};

/// One panel: title, y axis description (with unit) and how to read a value
/// from a (day, provider) cell: from its counts and messages queued.
pub(super) struct QueuePanel {
    /// Panel title.
    pub title: &'static str,
    /// Axis description, with the unit.
    pub y_desc: &'static str,
    /// The value from counts and the messages queued at the end of the day.
    pub value: fn(&Counts, u64) -> u64,
}

/// The four panels, in reading order.
pub(super) const PANELS: [QueuePanel; 4] = [
    QueuePanel { title: "4xx deferral replies", y_desc: "replies/day", value: |c, _| c.deferred },
    QueuePanel {
        title: "retry attempts (beyond each message's first)",
        y_desc: "attempts/day",
        value: |c, _| retry_attempts(c),
    },
    QueuePanel { title: "still queued at the end of the day", y_desc: "messages", value: |_, queued| queued },
    QueuePanel { title: "expired after the queue lifetime", y_desc: "messages/day", value: |c, _| c.expired },
];

/// The value of `panel` in a (day, provider) cell, over all IPs and over the reference IPs.
pub(super) fn cell_values(panel: &QueuePanel, day: &ProviderDay) -> (u64, u64) {
    ((panel.value)(&day.counts, day.queued), (panel.value)(&day.reference_counts, day.reference_queued))
}

/// Draws `queue.png` (or `.svg`) on `canvas`.
pub(super) fn draw<C: Canvas>(result: &RunResult, agg: &Aggregates, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Deferrals, retries and the queue", result))?;
    let mut entries: Vec<LegendEntry> = (0..agg.n_providers)
        .map(|p| LegendEntry::new(name_of(&result.provider_names, p), provider_color(p), Key::Box))
        .collect();
    if agg.reference_is_part() {
        entries.push(LegendEntry::new("dedicated IPs alone", BLACK, Key::Dashed));
    }
    let body = draw_legend(&body, &entries)?;
    let note =
        ["Stacked by provider, over all IPs. A message deferred several times gets a 4xx reply at each attempt; the \
         records count replies and attempts, not the messages retried or those accepted on a retry."
            .to_string()];
    let body = draw_note(&body, &note)?;
    let panels = body.split_evenly((2, 2));
    for (i, (area, panel)) in panels.iter().zip(&PANELS).enumerate() {
        draw_panel(area, agg, panel, i % 2 == 0)?;
    }
    root.present().map_err(chart_err)
}

/// One panel: the value stacked by provider, and the reference IPs' line.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    agg: &Aggregates,
    panel: &QueuePanel,
    first_in_row: bool,
) -> Result<(), ReportError> {
    let area = panel_title(area, panel.title)?;
    let n = agg.n_providers;
    // bars[p]: provider p's bar on each day, (day, bottom, top).
    let mut below = vec![0u64; agg.n_days];
    let mut reference = vec![0u64; agg.n_days];
    let mut bars = Vec::with_capacity(n);
    for p in 0..n {
        let provider_bars: Vec<(f64, u64, u64)> = agg
            .provider_days(p)
            .enumerate()
            .map(|(d, day)| {
                let (all, part) = cell_values(panel, day);
                let bottom = below[d];
                below[d] += all;
                reference[d] += part;
                ((d + 1) as f64, bottom, below[d])
            })
            .collect();
        bars.push(provider_bars);
    }
    let max = below.iter().copied().max().unwrap_or(0);
    let y_top = nice_top(max as f64 * 1.05);
    let mut chart = ChartBuilder::on(&area)
        .margin_left(if first_in_row { 16 } else { 8 })
        .margin_right(24)
        .margin_top(6)
        .x_label_area_size(44)
        .y_label_area_size(92)
        .build_cartesian_2d(padded_days(agg.n_days), 0.0..y_top)
        .map_err(chart_err)?;
    // Whole counts only (an empty panel's axis runs from 0 to 1).
    let y_fmt = |v: &f64| if v.fract() == 0.0 || *v >= 10.0 { fmt_count(*v) } else { String::new() };
    let mut mesh = chart.configure_mesh();
    pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_desc(panel.y_desc).y_labels(6).y_label_formatter(&y_fmt);
    mesh.draw().map_err(chart_err)?;
    if max == 0 {
        return draw_empty(&chart, "none in this run");
    }
    // Stacked bars, one per day: these are counts of whole days, often of a few days only.
    for (p, provider_bars) in bars.iter().enumerate() {
        let color = provider_color(p).filled();
        let drawn = provider_bars.iter().filter(|(_, bottom, top)| top > bottom);
        let rects =
            drawn.map(|&(x, bottom, top)| Rectangle::new([(x - 0.4, bottom as f64), (x + 0.4, top as f64)], color));
        chart.draw_series(rects).map_err(chart_err)?;
    }
    if agg.reference_is_part() {
        let line = reference.iter().enumerate().map(|(d, &v)| ((d + 1) as f64, v as f64));
        chart.draw_series(DashedLineSeries::new(line, 8, 5, BLACK.stroke_width(2))).map_err(chart_err)?;
    }
    Ok(())
}
