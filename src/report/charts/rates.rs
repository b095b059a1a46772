//! `rates.png`: daily complaint rate (top row) and deferral rate (bottom row),
//! one small panel per provider, each titled with the counts behind its rate.
//!
//! A complaint rate on a small inbox count is noise (one complaint in 300 is
//! already the 0.3% limit), so a day with fewer than [`MIN_INBOX`] messages in
//! the inbox is not drawn: a grey tick at the foot of the panel marks it, and
//! the note says so. Each row shares one scale, linear while its rates stay
//! small and logarithmic above (the foot of a log panel, labelled `0`, holds
//! the days at zero). Reference lines, each with its source: the complaint
//! rate's 0.1% and 0.3% (Gmail's sender guidelines); the deferral rate's 0.5%,
//! where nitromta's Outlook warm-up holds its volume, and 1%, the most a warm
//! day allows (the warm rule, docs/MODEL.md section 10). When the sender has
//! dedicated IPs next to shared pools, a dashed line gives their rates alone.

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::frame::{draw_empty, draw_note, fmt_short, nice_top, padded_days, panel_grid, panel_title};
use super::style::{
    AXIS_DESC_PX, Key, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, draw_legend, draw_title, fmt_count, fmt_pct,
    pale_grid, provider_color, run_title,
};
use crate::model::Replies;
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, complaint_rate, deferral_rate, name_of};
use crate::sim::warm::WARM_MAX_DEFERRAL_RATE;
use crate::sim::{Counts, RunResult};

/// Fewest messages in the inbox for a day's complaint rate to be drawn: below,
/// a single complaint is 0.1% (the target line) or more.
pub(super) const MIN_INBOX: u64 = 1000;

/// A reference line: value in %, legend label, colour.
type Reference = (f64, &'static str, RGBColor);

/// Complaint-rate reference lines [Gmail-guidelines in docs/MODEL.md].
const COMPLAINT_REFERENCES: [Reference; 2] =
    [(0.1, "0.1% complaints: Gmail's target", RGBColor(60, 60, 60)), (0.3, "0.3%: Gmail's limit", RGBColor(190, 0, 0))];

/// Deferral-rate reference lines: nitromta's hold [nitromta in docs/MODEL.md] and the warm rule's bound.
const DEFERRAL_REFERENCES: [Reference; 2] = [
    (0.5, "0.5% deferred: nitromta holds volume", RGBColor(120, 60, 170)),
    (WARM_MAX_DEFERRAL_RATE * 100.0, "1%: most a warm day allows", RGBColor(0, 130, 90)),
];

/// Colour of the ticks marking the days whose complaint rate is left out.
const HIDDEN_COLOR: RGBColor = RGBColor(150, 150, 150);

/// Largest complaint rate (in %) drawn on a linear scale.
const COMPLAINT_LINEAR_MAX: f64 = 1.0;
/// Possible tops (in %) of the linear complaint scale.
const COMPLAINT_TOPS: [f64; 5] = [0.4, 0.5, 0.6, 0.8, 1.2];
/// Largest deferral rate (in %) drawn on a linear scale.
const DEFERRAL_LINEAR_MAX: f64 = 5.0;
/// Possible floors (in %) of a log scale, largest first.
const LOG_FLOORS: [f64; 4] = [0.1, 0.01, 0.001, 0.0001];
/// Ticks (in %) of a log scale, above the floor.
const LOG_TICKS: [f64; 12] = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0];

/// A day's rate series: per day, `(day, rate in %)` or `None` where not drawn.
pub(super) type Series = Vec<Option<(f64, f64)>>;

/// Complaint rate in % of `c`, drawn only with at least [`MIN_INBOX`] messages in the inbox.
pub(super) fn drawn_complaint_pct(c: &Counts) -> Option<f64> {
    if c.inbox < MIN_INBOX { None } else { complaint_rate(c).map(|r| r * 100.0) }
}

/// Deferral rate in % of `c`, where defined.
fn deferral_pct(c: &Counts) -> Option<f64> {
    deferral_rate(c).map(|r| r * 100.0)
}

/// Per provider, the series of `rate` over all IPs and, when the reference IPs are only part of them, over those alone.
pub(super) fn series(agg: &Aggregates, rate: fn(&Counts) -> Option<f64>) -> Vec<(Series, Option<Series>)> {
    let part = agg.reference_is_part();
    (0..agg.n_providers)
        .map(|p| {
            let all = agg.provider_days(p).enumerate().map(|(d, c)| Some(((d + 1) as f64, rate(&c.counts)?))).collect();
            let reference = part.then(|| {
                agg.provider_days(p)
                    .enumerate()
                    .map(|(d, c)| Some(((d + 1) as f64, rate(&c.reference_counts)?)))
                    .collect()
            });
            (all, reference)
        })
        .collect()
}

/// Days (1-based) of `provider` with some mail in the inbox but too little for a complaint rate.
pub(super) fn hidden_complaint_days(agg: &Aggregates, provider: usize) -> Vec<usize> {
    agg.provider_days(provider)
        .enumerate()
        .filter(|(_, c)| c.counts.inbox > 0 && c.counts.inbox < MIN_INBOX)
        .map(|(d, _)| d + 1)
        .collect()
}

/// The y scale of a row of panels.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scale {
    /// Linear from 0 to the top (in %).
    Linear(f64),
    /// Logarithmic from the floor (standing for 0) to the top, with these ticks.
    Log {
        /// Bottom of the axis, labelled `0`.
        floor: f64,
        /// Top of the axis.
        top: f64,
        /// Tick values.
        ticks: Vec<f64>,
    },
}

impl Scale {
    /// The scale for `values` (in %): linear up to `linear_max`, with a top from
    /// `tops` (or a round value) above the largest value and every reference
    /// line; else logarithmic.
    pub fn choose(values: &[f64], linear_max: f64, tops: &[f64], references: &[Reference]) -> Scale {
        let max = values.iter().copied().fold(0.0, f64::max);
        let highest_reference = references.iter().map(|r| r.0).fold(0.0, f64::max);
        if max <= linear_max {
            let need = (max * 1.1).max(highest_reference * 1.2);
            let top = tops.iter().copied().find(|&t| t >= need).unwrap_or_else(|| nice_top(need));
            return Scale::Linear(top);
        }
        let min_positive = values.iter().copied().filter(|&y| y > 0.0).fold(f64::INFINITY, f64::min);
        let floor = LOG_FLOORS.iter().copied().find(|&f| f < min_positive).unwrap_or(LOG_FLOORS[3]);
        // A rate is at most 100%.
        let top = LOG_TICKS.iter().copied().find(|&t| t >= max * 1.2).unwrap_or(100.0);
        let mut ticks = vec![floor];
        ticks.extend(LOG_TICKS.iter().copied().filter(|&t| t > floor * 2.0 && t <= top));
        Scale::Log { floor, top, ticks }
    }

    /// The value drawn for `v`: itself, or the floor on a log scale when below it.
    fn clamp(&self, v: f64) -> f64 {
        match self {
            Scale::Linear(_) => v,
            Scale::Log { floor, .. } => v.max(*floor),
        }
    }

    /// The foot of the axis.
    fn bottom(&self) -> f64 {
        match self {
            Scale::Linear(_) => 0.0,
            Scale::Log { floor, .. } => *floor,
        }
    }
}

/// One row of panels: what it draws and how.
struct Row<'a> {
    /// Axis description of the first panel (with unit).
    y_desc: &'a str,
    /// Per provider, the rate over all IPs and over the reference IPs.
    series: Vec<(Series, Option<Series>)>,
    /// Reference lines.
    references: &'a [Reference],
    /// The row's scale.
    scale: Scale,
    /// Per provider, the panel's title.
    titles: Vec<String>,
    /// Per provider, the days marked as left out.
    hidden: Vec<Vec<usize>>,
}

/// Draws `rates.png` (or `.svg`) on `canvas`.
pub(super) fn draw<C: Canvas>(result: &RunResult, agg: &Aggregates, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area(SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Complaint and deferral rates per provider", result))?;
    let mut entries = vec![LegendEntry::new("all IPs (provider colour)", provider_color(0), Key::Line)];
    if agg.reference_is_part() {
        entries.push(LegendEntry::new("dedicated IPs alone", BLACK, Key::Dashed));
    }
    for (_, label, color) in COMPLAINT_REFERENCES.iter().chain(&DEFERRAL_REFERENCES) {
        entries.push(LegendEntry::new(*label, *color, Key::Dashed));
    }
    entries.push(LegendEntry::new(format!("day with 1-{} in the inbox", MIN_INBOX - 1), HIDDEN_COLOR, Key::Box));
    let body = draw_legend(&body, &entries)?;
    let note = [format!(
        "Titles: complaints / inbox and 4xx replies / delivery attempts over the run. A complaint rate is drawn on \
         days with at least {} messages in the inbox (under that, one complaint is 0.1% or more). Lines' sources: \
         docs/MODEL.md [Gmail-guidelines], [nitromta], section 10.",
        fmt_count(MIN_INBOX as f64)
    )];
    let body = draw_note(&body, &note)?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h / 2);

    let complaints = series(agg, drawn_complaint_pct);
    let values = all_values(&complaints);
    let scale = Scale::choose(&values, COMPLAINT_LINEAR_MAX, &COMPLAINT_TOPS, &COMPLAINT_REFERENCES);
    let titles = (0..agg.n_providers)
        .map(|p| {
            let t = agg.provider_totals(p);
            let name = name_of(&result.provider_names, p);
            format!("{name}: {} / {} inbox", fmt_short(t.complaints as f64), fmt_short(t.inbox as f64))
        })
        .collect();
    let hidden = (0..agg.n_providers).map(|p| hidden_complaint_days(agg, p)).collect();
    let row = Row {
        y_desc: "complaints (% of inbox)",
        series: complaints,
        references: &COMPLAINT_REFERENCES,
        scale,
        titles,
        hidden,
    };
    draw_row(&top, agg.n_days, row)?;

    let deferrals = series(agg, deferral_pct);
    let values = all_values(&deferrals);
    let scale = Scale::choose(&values, DEFERRAL_LINEAR_MAX, &[], &DEFERRAL_REFERENCES);
    let titles = (0..agg.n_providers)
        .map(|p| {
            let t = agg.provider_totals(p);
            let name = name_of(&result.provider_names, p);
            format!("{name}: {} 4xx / {} attempts", fmt_short(t.deferred as f64), fmt_short(t.attempts() as f64))
        })
        .collect();
    let row = Row {
        y_desc: "4xx replies (% of attempts)",
        series: deferrals,
        references: &DEFERRAL_REFERENCES,
        scale,
        titles,
        hidden: vec![Vec::new(); agg.n_providers],
    };
    draw_row(&bottom, agg.n_days, row)?;
    root.present().map_err(chart_err)
}

/// Every value of a row's series.
fn all_values(series: &[(Series, Option<Series>)]) -> Vec<f64> {
    series
        .iter()
        .flat_map(|(all, reference)| all.iter().chain(reference.iter().flatten()))
        .flatten()
        .map(|&(_, y)| y)
        .collect()
}

/// Draws a row of panels, one per provider.
fn draw_row<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, n_days: usize, row: Row<'_>) -> Result<(), ReportError> {
    let (panels, cols) = panel_grid(area, row.series.len(), 5);
    for (p, panel) in panels.iter().enumerate() {
        let panel = panel_title(panel, &row.titles[p])?;
        let first_in_row = p % cols == 0;
        let frame = Frame { area: &panel, first_in_row, y_desc: row.y_desc, n_days };
        match &row.scale {
            Scale::Linear(top) => {
                let mut chart = frame.build(0.0..*top, &|v: &f64| fmt_pct(*v))?;
                draw_panel(&mut chart, &row, p)?;
            }
            Scale::Log { floor, top, ticks } => {
                let floor = *floor;
                let zero_at_floor = move |v: &f64| if *v <= floor * 1.0001 { "0".to_string() } else { fmt_pct(*v) };
                let y = (floor..*top).log_scale().with_key_points(ticks.clone());
                let mut chart = frame.build(y, &zero_at_floor)?;
                draw_panel(&mut chart, &row, p)?;
            }
        }
    }
    Ok(())
}

/// Draws provider `p`'s panel of `row`: reference lines, the days left out, the rate lines.
fn draw_panel<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    row: &Row<'_>,
    p: usize,
) -> Result<(), ReportError> {
    let x = chart.x_range();
    for &(value, _, color) in row.references {
        let line = [(x.start, value), (x.end, value)];
        chart.draw_series(DashedLineSeries::new(line, 10, 6, color.stroke_width(2))).map_err(chart_err)?;
    }
    let bottom = row.scale.bottom();
    let ticks = row.hidden[p]
        .iter()
        .map(|&d| EmptyElement::at((d as f64, bottom)) + Rectangle::new([(-1, -9), (1, -1)], HIDDEN_COLOR.filled()));
    chart.draw_series(ticks).map_err(chart_err)?;
    // The reference IPs' line first, so that the line over all IPs stays on top.
    let (all, reference) = &row.series[p];
    if let Some(reference) = reference {
        draw_line(chart, reference, &row.scale, BLACK, true)?;
    }
    draw_line(chart, all, &row.scale, provider_color(p), false)?;
    if all.iter().all(Option::is_none) {
        let why = if row.hidden[p].is_empty() { "no rate on any day" } else { "inbox under 1k daily" };
        draw_empty(chart, why)?;
    }
    Ok(())
}

/// Draws one rate line, broken where it is not drawn (a lone day as a dot); dashed for the reference IPs.
fn draw_line<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    points: &Series,
    scale: &Scale,
    color: RGBColor,
    dashed: bool,
) -> Result<(), ReportError> {
    let style = color.stroke_width(2);
    for segment in points.split(Option::is_none) {
        let segment: Vec<(f64, f64)> = segment.iter().flatten().map(|&(x, y)| (x, scale.clamp(y))).collect();
        if segment.len() == 1 {
            chart.draw_series(segment.iter().map(|&xy| Circle::new(xy, 3, style.filled()))).map_err(chart_err)?;
        } else if dashed {
            chart.draw_series(DashedLineSeries::new(segment, 6, 4, style)).map_err(chart_err)?;
        } else {
            chart.draw_series(LineSeries::new(segment, style)).map_err(chart_err)?;
        }
    }
    Ok(())
}

/// One small panel's frame.
struct Frame<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    first_in_row: bool,
    y_desc: &'a str,
    n_days: usize,
}

impl<'a, DB: DrawingBackend> Frame<'a, DB> {
    /// Builds the panel's chart with y range `y` and its mesh.
    fn build<Y>(
        &self,
        y: Y,
        y_fmt: &dyn Fn(&f64) -> String,
    ) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y::CoordDescType>>, ReportError>
    where
        Y: AsRangedCoord<Value = f64>,
        Y::CoordDescType: ValueFormatter<f64>,
    {
        let mut chart = ChartBuilder::on(self.area)
            .margin_left(if self.first_in_row { 16 } else { 4 })
            .margin_right(14)
            .margin_top(6)
            .margin_bottom(4)
            .x_label_area_size(44)
            .y_label_area_size(if self.first_in_row { 84 } else { 52 })
            .build_cartesian_2d(padded_days(self.n_days), y)
            .map_err(chart_err)?;
        let mut mesh = chart.configure_mesh();
        pale_grid(day_axes(&mut mesh, TICK_PX - 2.0, AXIS_DESC_PX - 2.0))
            .x_labels(5)
            .y_labels(6)
            .y_label_formatter(y_fmt);
        if self.first_in_row {
            mesh.y_desc(self.y_desc);
        }
        mesh.draw().map_err(chart_err)?;
        Ok(chart)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_keep_reference_lines_in_view() {
        assert_eq!(Scale::choose(&[0.02, 0.05], 1.0, &COMPLAINT_TOPS, &COMPLAINT_REFERENCES), Scale::Linear(0.4));
        assert_eq!(Scale::choose(&[0.0, 2.7], 5.0, &[], &DEFERRAL_REFERENCES), Scale::Linear(3.0));
        assert_eq!(Scale::choose(&[], 5.0, &[], &DEFERRAL_REFERENCES), Scale::Linear(1.5));
        match Scale::choose(&[0.0, 0.3, 99.0], 5.0, &[], &DEFERRAL_REFERENCES) {
            Scale::Log { floor, top, ticks } => {
                assert_eq!((floor, top), (0.1, 100.0));
                assert!(ticks.contains(&1.0) && ticks.contains(&100.0));
            }
            linear => panic!("{linear:?}"),
        }
    }

    #[test]
    fn small_inbox_counts_have_no_complaint_rate() {
        let c = Counts { inbox: 400, complaints: 4, ..Counts::default() };
        assert_eq!(drawn_complaint_pct(&c), None, "1% of 400 is 4 complaints: noise");
        let c = Counts { inbox: 2000, complaints: 4, ..Counts::default() };
        assert_eq!(drawn_complaint_pct(&c), Some(0.2));
    }
}
