//! The optimisation's charts, drawn from its aggregates only ([`FrontData`],
//! [`ConvergenceData`], built from the same statistics as `candidates.csv`,
//! `front.csv`, `convergence.csv` and the comparison), in the run charts' style:
//! - `front.png`: one panel per constraint, the objective against the
//!   probability of violating it: the search's finalists, the non-dominated
//!   ones, the verified candidates with their Clopper-Pearson upper bounds,
//!   the best plan, the comparison's plans (presets, the scenario's own
//!   strategy), and the constraint's `max_probability` as a dashed line;
//! - `convergence.png`: the best feasible objective so far and CMA-ES's step
//!   size against the search runs spent.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::report::canvas::{Canvas, ChartSink, draw_chart};
use crate::report::charts::frame::{draw_note, nice_top};
use crate::report::charts::marks::Mark;
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, LegendEntry, TICK_PX, chart_err, draw_legend, draw_title, ensure_font, fmt_count, fmt_pct,
    provider_color, text,
};
use crate::report::{ChartFormat, ReportError};

/// Width of both charts (pixels).
const WIDTH: u32 = 1600;
/// Grey of the search's finalists.
const FAINT: RGBColor = RGBColor(170, 170, 170);
/// Blue of the non-dominated finalists.
const FRONT: RGBColor = RGBColor(31, 119, 180);
/// Green of a safe verified candidate, red of an unsafe one.
const SAFE: RGBColor = RGBColor(44, 160, 44);
const UNSAFE: RGBColor = RGBColor(214, 39, 40);
/// Ink of the limit lines and the best plan's ring.
const INK: RGBColor = RGBColor(30, 30, 30);

/// A point of the front chart: the objective's mean and each constraint's violation share.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontPoint {
    /// The objective's mean (in the metric's units).
    pub objective: f64,
    /// Each constraint's violation share (0-1).
    pub shares: Vec<f64>,
    /// Each constraint's upper bound (0-1), when one is drawn.
    pub uppers: Option<Vec<f64>>,
}

/// A verified candidate on the front chart.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedPoint {
    /// Its statistics over the verification runs, with their bounds.
    pub point: FrontPoint,
    /// Whether it was verified safe.
    pub safe: bool,
    /// Whether it is the best plan.
    pub best: bool,
}

/// Everything `front.png` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontData {
    /// The optimisation's name.
    pub name: String,
    /// The objective's axis title (with its unit).
    pub objective_title: String,
    /// Factor applied to objective values (100 for a share shown in %).
    pub objective_scale: f64,
    /// A sentence on how the objective is computed (censoring), or empty.
    pub objective_note: String,
    /// Whether a larger objective is better.
    pub maximise: bool,
    /// What the objective is, for the title (`speed`, or the metric's name).
    pub objective_name: String,
    /// Each constraint's description and `max_probability`.
    pub constraints: Vec<(String, f64)>,
    /// The search's finalists (search runs).
    pub finalists: Vec<FrontPoint>,
    /// The non-dominated finalists.
    pub front: Vec<FrontPoint>,
    /// The verified candidates (verification runs).
    pub verified: Vec<VerifiedPoint>,
    /// The comparison's plans other than the best (label, statistics over the comparison's runs).
    pub contenders: Vec<(String, FrontPoint)>,
    /// Replicates: (search finalists, verification, comparison).
    pub replicates: (u64, u64, u64),
}

/// Everything `convergence.png` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvergenceData {
    /// The optimisation's name.
    pub name: String,
    /// The objective's axis title.
    pub objective_title: String,
    /// Factor applied to objective values.
    pub objective_scale: f64,
    /// A sentence on how the objective is computed (censoring), or empty.
    pub objective_note: String,
    /// Per generation: search runs so far, the best feasible objective so far, CMA-ES's step size.
    pub rows: Vec<(u64, Option<f64>, f64)>,
    /// The search budget (runs), the x axis's end.
    pub search_budget: u64,
}

/// Draws `front.png` and `convergence.png` into `dir`; returns their paths.
pub fn write_charts(front: &FrontData, convergence: &ConvergenceData, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    ensure_font()?;
    let mut sink = ChartSink::files(dir, ChartFormat::Png)?;
    draw_chart!(sink, "front", |canvas| draw_front(front, canvas))?;
    draw_chart!(sink, "convergence", |canvas| draw_convergence(convergence, canvas))?;
    Ok(sink.paths())
}

/// An objective value for a tick label: `37.5`, `0.25`, or compact from a thousand up (`400k`).
fn fmt_value(v: f64) -> String {
    if v.abs() >= 1000.0 { fmt_count(v) } else { fmt_pct(v) }
}

/// A contender's colour and mark.
fn contender_style(i: usize) -> (RGBColor, Mark) {
    (provider_color(i + 1), Mark::nth(i + 1))
}

/// Draws the front chart on `canvas`.
pub fn draw_front<C: Canvas>(data: &FrontData, canvas: &mut C) -> Result<(), ReportError> {
    let n = data.constraints.len().max(1);
    let root = canvas.area((WIDTH, 900));
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &format!("{}: {} against each risk", data.name, data.objective_name))?;
    let mut legend = vec![
        LegendEntry::new("search finalists", FAINT, Key::Marker),
        LegendEntry::new("non-dominated", FRONT, Key::Marker),
        LegendEntry::new("verified safe (bar: upper bound)", SAFE, Key::Marker),
        LegendEntry::new("verified, not safe", UNSAFE, Key::Marker),
        LegendEntry::new("max probability allowed", INK, Key::Dashed),
    ];
    if data.verified.iter().any(|v| v.best) {
        legend.insert(4, LegendEntry::new("best plan (ringed)", SAFE, Key::LineMark(Mark::Diamond)));
    }
    for (i, (label, _)) in data.contenders.iter().enumerate() {
        let (color, mark) = contender_style(i);
        legend.push(LegendEntry::new(label.clone(), color, Key::LineMark(mark)));
    }
    let body = draw_legend(&body, &legend)?;
    let (search, verify, compare) = data.replicates;
    let note = format!(
        "Finalists: means over their {search} search runs (common seeds). Verified candidates: {verify} fresh runs, \
         the bar reaching the one-sided Clopper-Pearson upper bound; a plan is safe when every bar ends left of the \
         dashed line. Compared plans: {compare} fresh runs (their bars, the same bound, may run off the panel). \
         Better is {} and left.{}",
        if data.maximise { "up" } else { "down" },
        data.objective_note
    );
    let body = draw_note(&body, &[note])?;
    let panels = body.split_evenly((1, n));
    let scale = data.objective_scale;
    let all_points = || {
        data.finalists
            .iter()
            .chain(&data.front)
            .chain(data.verified.iter().map(|v| &v.point))
            .chain(data.contenders.iter().map(|c| &c.1))
    };
    let objectives: Vec<f64> = all_points().map(|p| p.objective * scale).filter(|v| v.is_finite()).collect();
    let (lo, hi) = objectives.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.08).max(0.5);
    let y_range = (lo - pad).max(0.0)..(hi + pad);
    for (c, panel) in panels.iter().enumerate() {
        let Some((title, limit)) = data.constraints.get(c) else { continue };
        // The range covers every share and the verified bounds; the comparison's bounds (few
        // runs, wide) are cut at the panel's edge.
        let shares = all_points().filter_map(|p| p.shares.get(c).copied());
        let verified = data.verified.iter().filter_map(|v| v.point.uppers.as_ref().and_then(|u| u.get(c).copied()));
        let max = shares.chain(verified).fold(*limit * 1.5, f64::max);
        let x_top = nice_top(100.0 * max * 1.05).min(100.0);
        let mut chart = ChartBuilder::on(panel)
            .caption(title, text(20.0))
            .margin(16)
            .x_label_area_size(52)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..x_top, y_range.clone())
            .map_err(chart_err)?;
        chart
            .configure_mesh()
            .x_desc("probability of a violation (% of runs)")
            .y_desc(data.objective_title.as_str())
            .x_label_formatter(&|v| fmt_pct(*v))
            .y_label_formatter(&|v| fmt_value(*v))
            .label_style(text(TICK_PX))
            .axis_desc_style(text(AXIS_DESC_PX))
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .draw()
            .map_err(chart_err)?;
        let at = |p: &FrontPoint| (100.0 * p.shares.get(c).copied().unwrap_or(f64::NAN), p.objective * scale);
        let line = [(100.0 * limit, y_range.start), (100.0 * limit, y_range.end)];
        chart.draw_series(DashedLineSeries::new(line, 8, 6, INK.stroke_width(2))).map_err(chart_err)?;
        chart.draw_series(data.finalists.iter().map(|p| Circle::new(at(p), 4, FAINT.filled()))).map_err(chart_err)?;
        chart.draw_series(data.front.iter().map(|p| Circle::new(at(p), 6, FRONT.filled()))).map_err(chart_err)?;
        for v in &data.verified {
            let color = if v.safe { SAFE } else { UNSAFE };
            let (x, y) = at(&v.point);
            if let Some(u) = v.point.uppers.as_ref().and_then(|u| u.get(c)) {
                let bar = PathElement::new(vec![(x, y), (100.0 * u, y)], color.stroke_width(3));
                chart.draw_series(std::iter::once(bar)).map_err(chart_err)?;
                let tick = PathElement::new(
                    vec![(100.0 * u, y - pad * 0.15), (100.0 * u, y + pad * 0.15)],
                    color.stroke_width(3),
                );
                chart.draw_series(std::iter::once(tick)).map_err(chart_err)?;
            }
            if v.best {
                chart.draw_series(std::iter::once(Circle::new((x, y), 13, INK.stroke_width(3)))).map_err(chart_err)?;
                chart.draw_series(std::iter::once(Mark::Diamond.element((x, y), 10, color))).map_err(chart_err)?;
            } else {
                chart.draw_series(std::iter::once(Circle::new((x, y), 7, color.filled()))).map_err(chart_err)?;
            }
        }
        for (i, (_, p)) in data.contenders.iter().enumerate() {
            let (color, mark) = contender_style(i);
            let (x, y) = at(p);
            if let Some(u) = p.uppers.as_ref().and_then(|u| u.get(c)) {
                let end = (100.0 * u).min(x_top);
                let bar = PathElement::new(vec![(x, y), (end, y)], color.mix(0.6).stroke_width(2));
                chart.draw_series(std::iter::once(bar)).map_err(chart_err)?;
            }
            chart.draw_series(std::iter::once(mark.element((x, y), 9, color))).map_err(chart_err)?;
        }
    }
    root.present().map_err(chart_err)
}

/// Draws the convergence chart on `canvas`.
pub fn draw_convergence<C: Canvas>(data: &ConvergenceData, canvas: &mut C) -> Result<(), ReportError> {
    let root = canvas.area((WIDTH, 900));
    root.fill(&WHITE).map_err(chart_err)?;
    let body = draw_title(&root, &format!("{}: convergence of the search", data.name))?;
    let legend = [
        LegendEntry::new("best feasible candidate so far (most replicates)", FRONT, Key::LineMark(Mark::Circle)),
        LegendEntry::new("CMA-ES step size", INK, Key::LineMark(Mark::Square)),
    ];
    let body = draw_legend(&body, &legend)?;
    let note = format!(
        "One point per generation. Before the first feasible candidate with the most replicates there is no \
         best; its value may rise when more replicates correct an early, lucky estimate.{}",
        data.objective_note
    );
    let body = draw_note(&body, &[note])?;
    let (top, bottom) = body.split_vertically(body.dim_in_pixel().1 * 3 / 5);
    let x_end = (data.search_budget.max(data.rows.iter().map(|r| r.0).max().unwrap_or(1)).max(1)) as f64 * 1.02;
    let scale = data.objective_scale;
    let best: Vec<(f64, f64)> = data.rows.iter().filter_map(|(x, b, _)| b.map(|b| (*x as f64, b * scale))).collect();
    let (lo, hi) = best.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (_, v)| (a.min(*v), b.max(*v)));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.1).max(0.5);
    let mut chart = ChartBuilder::on(&top)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_end, (lo - pad).max(0.0)..hi + pad)
        .map_err(chart_err)?;
    chart
        .configure_mesh()
        .x_desc("search runs spent")
        .y_desc(data.objective_title.as_str())
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| fmt_value(*v))
        .label_style(text(TICK_PX))
        .axis_desc_style(text(AXIS_DESC_PX))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(chart_err)?;
    chart.draw_series(LineSeries::new(best.clone(), FRONT.stroke_width(3))).map_err(chart_err)?;
    chart.draw_series(best.iter().map(|p| Mark::Circle.element(*p, 6, FRONT))).map_err(chart_err)?;
    let sigmas: Vec<(f64, f64)> = data.rows.iter().map(|(x, _, s)| (*x as f64, *s)).collect();
    let s_top = nice_top(sigmas.iter().map(|(_, s)| *s).fold(0.0, f64::max) * 1.1);
    let mut lower = ChartBuilder::on(&bottom)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_end, 0.0..s_top)
        .map_err(chart_err)?;
    lower
        .configure_mesh()
        .x_desc("search runs spent")
        .y_desc("step size (cube units)")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| fmt_pct(*v))
        .label_style(text(TICK_PX))
        .axis_desc_style(text(AXIS_DESC_PX))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .draw()
        .map_err(chart_err)?;
    lower.draw_series(LineSeries::new(sigmas.clone(), INK.stroke_width(2))).map_err(chart_err)?;
    lower.draw_series(sigmas.iter().map(|p| Mark::Square.element(*p, 5, INK))).map_err(chart_err)?;
    root.present().map_err(chart_err)
}
