//! `rates.png`: daily complaint rate (top) and deferral rate (bottom) per provider.
//!
//! The complaint panel carries the 0.1% and 0.3% reference lines (the
//! thresholds postmaster guidelines use). It is linear while every rate is at
//! most 1% (the usual case), from 0 to a round value above 0.3%. A run with a
//! higher rate (small early days can produce one) switches it to a log scale,
//! so the reference lines stay readable next to the outliers; its bottom edge,
//! labelled `0`, then holds the days without complaint (and any rate below
//! that floor, which is chosen under the smallest non-zero rate, down to
//! 0.0001%). The deferral panel is linear, in % of delivery attempts, from 0 to
//! a round value above its maximum (at most 100%). A day without a denominator
//! (no inbox, no attempt) leaves a gap in the line.

use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{
    AXIS_DESC_PX, Key, LEGEND_PX, LegendEntry, SIZE, TICK_PX, chart_err, day_axes, day_range, draw_legend, draw_title,
    fmt_pct, pale_grid, provider_color, run_title, text,
};
use crate::report::ReportError;
use crate::report::aggregate::{Aggregates, complaint_rate, deferral_rate, name_of};
use crate::sim::{Counts, RunResult};

/// Largest complaint rate (in %) drawn on a linear scale.
const LINEAR_MAX: f64 = 1.0;

/// Possible tops (in %) of the linear complaint scale.
const LINEAR_TOPS: [f64; 5] = [0.4, 0.5, 0.6, 0.8, 1.2];

/// Possible floors (in %) of the log complaint scale, largest first.
const LOG_FLOORS: [f64; 3] = [0.01, 0.001, 0.0001];

/// Ticks (in %) of the log complaint scale, above the floor.
const LOG_TICKS: [f64; 12] = [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0];

/// Space right of the plots for the reference-line labels.
const RIGHT_MARGIN: u32 = 130;

/// Complaint-rate reference lines: value in %, label, colour.
const REFERENCES: [(f64, &str, RGBColor); 2] =
    [(0.1, "0.1% target", RGBColor(60, 60, 60)), (0.3, "0.3% limit", RGBColor(190, 0, 0))];

/// Writes `rates.png` to `path`.
pub(super) fn draw(result: &RunResult, agg: &Aggregates, path: &Path) -> Result<(), ReportError> {
    let root = BitMapBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &run_title("Complaint and deferral rates per provider", result))?;
    let entries: Vec<LegendEntry> = (0..agg.n_providers)
        .map(|p| LegendEntry::new(name_of(&result.provider_names, p), provider_color(p), Key::Line))
        .collect();
    let body = draw_legend(&body, &entries)?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically(h / 2);

    draw_complaints(&root, &top, agg)?;

    let deferrals = series(agg, |c| deferral_rate(c).map(|r| r * 100.0));
    let max = deferrals.iter().flatten().flatten().map(|&(_, y)| y).fold(0.0, f64::max);
    // The top: a multiple of 10% above the maximum, between 10% and 100%.
    let y_top = ((max * 1.1 / 10.0).ceil() * 10.0).clamp(10.0, 100.0);
    let panel = Panel { area: &bottom, y_desc: "deferral rate (% of attempts)", n_days: agg.n_days };
    let mut chart = panel.build(0.0..y_top, &|v: &f64| format!("{v:.0}"))?;
    draw_lines(&mut chart, deferrals)?;
    root.present().map_err(chart_err)
}

/// Top panel: complaint rates, linear or log (see the module doc), with the reference lines.
fn draw_complaints<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    agg: &Aggregates,
) -> Result<(), ReportError> {
    let mut complaints = series(agg, |c| complaint_rate(c).map(|r| r * 100.0));
    let rates = || complaints.iter().flatten().flatten().map(|&(_, y)| y);
    let max = rates().fold(0.0, f64::max);
    if max <= LINEAR_MAX {
        let y_top = LINEAR_TOPS.iter().copied().find(|&t| t >= max * 1.1).unwrap_or(LINEAR_MAX);
        let panel = Panel { area, y_desc: "complaint rate (% of inbox)", n_days: agg.n_days };
        let mut chart = panel.build(0.0..y_top, &|v: &f64| fmt_pct(*v))?;
        draw_references(root, &mut chart, agg.n_days)?;
        return draw_lines(&mut chart, complaints);
    }
    let min_positive = rates().filter(|&y| y > 0.0).fold(f64::INFINITY, f64::min);
    let floor = LOG_FLOORS.iter().copied().find(|&f| f < min_positive).unwrap_or(LOG_FLOORS[2]);
    for point in complaints.iter_mut().flatten().flatten() {
        point.1 = point.1.max(floor);
    }
    // The top: the first tick above the maximum, with some headroom.
    let y_top = LOG_TICKS.iter().copied().find(|&t| t >= max * 1.2).unwrap_or(100.0);
    let mut ticks = vec![floor];
    ticks.extend(LOG_TICKS.iter().copied().filter(|&t| t > floor * 2.0 && t <= y_top));
    let panel = Panel { area, y_desc: "complaint rate (% of inbox, log)", n_days: agg.n_days };
    let zero_at_floor = |v: &f64| {
        if *v <= floor * 1.0001 { "0".to_string() } else { fmt_pct(*v) }
    };
    let mut chart = panel.build((floor..y_top).log_scale().with_key_points(ticks), &zero_at_floor)?;
    draw_references(root, &mut chart, agg.n_days)?;
    draw_lines(&mut chart, complaints)
}

/// Draws the dashed reference lines, labelled right of the plot (on `root`).
fn draw_references<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    n_days: usize,
) -> Result<(), ReportError> {
    let x = day_range(n_days);
    for (value, label, color) in REFERENCES {
        let line = [(x.start, value), (x.end, value)];
        chart.draw_series(DashedLineSeries::new(line, 12, 7, color.stroke_width(2))).map_err(chart_err)?;
        let (px, py) = chart.backend_coord(&(x.end, value));
        let style = text(LEGEND_PX).color(&color).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw_text(label, &style, (px + 10, py)).map_err(chart_err)?;
    }
    Ok(())
}

/// Per provider, per day, `(day, rate)` or `None` when the rate is undefined.
fn series(agg: &Aggregates, rate: impl Fn(&Counts) -> Option<f64>) -> Vec<Vec<Option<(f64, f64)>>> {
    (0..agg.n_providers)
        .map(|p| agg.provider_days(p).enumerate().map(|(d, c)| Some(((d + 1) as f64, rate(&c.counts)?))).collect())
        .collect()
}

/// Draws each provider's line, broken where the rate is undefined.
fn draw_lines<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, Y>>,
    series: Vec<Vec<Option<(f64, f64)>>>,
) -> Result<(), ReportError> {
    for (p, points) in series.into_iter().enumerate() {
        let style = provider_color(p).stroke_width(2);
        for segment in points.split(Option::is_none) {
            let segment: Vec<(f64, f64)> = segment.iter().flatten().copied().collect();
            if segment.len() == 1 {
                chart.draw_series(segment.iter().map(|&xy| Circle::new(xy, 3, style.filled()))).map_err(chart_err)?;
            } else {
                chart.draw_series(LineSeries::new(segment, style)).map_err(chart_err)?;
            }
        }
    }
    Ok(())
}

/// One of the two stacked panels.
struct Panel<'a, DB: DrawingBackend> {
    area: &'a DrawingArea<DB, Shift>,
    y_desc: &'a str,
    n_days: usize,
}

impl<'a, DB: DrawingBackend> Panel<'a, DB> {
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
            .margin_left(16)
            .margin_right(RIGHT_MARGIN)
            .margin_top(8)
            .margin_bottom(8)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(day_range(self.n_days), y)
            .map_err(chart_err)?;
        let mut mesh = chart.configure_mesh();
        pale_grid(day_axes(&mut mesh, TICK_PX, AXIS_DESC_PX)).y_desc(self.y_desc).y_label_formatter(y_fmt);
        mesh.draw().map_err(chart_err)?;
        Ok(chart)
    }
}
