//! Shared chart style: the embedded font, sizes, colours, the title and the legend row.
//!
//! No system font exists at run time, so DejaVu Sans is compiled into the
//! binary and registered with plotters as `sans-serif` before anything is drawn.

use std::fmt::Display;
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};

use crate::report::ReportError;

/// DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// The font family every chart uses.
pub const FAMILY: &str = "sans-serif";

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (1280, 800);

/// Font sizes in pixels.
pub const TITLE_PX: f64 = 30.0;
/// Axis descriptions ("day", "messages/day").
pub const AXIS_DESC_PX: f64 = 20.0;
/// Tick labels.
pub const TICK_PX: f64 = 17.0;
/// Legend entries and annotations.
pub const LEGEND_PX: f64 = 18.0;

/// Height of the title band and of one legend row.
pub const TITLE_H: u32 = 56;
/// Height of one legend row.
pub const LEGEND_ROW_H: u32 = 30;

/// Registers the embedded font once per process; later calls return the first outcome.
pub fn ensure_font() -> Result<(), ReportError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok { Ok(()) } else { Err(ReportError::Font) }
}

/// Maps any plotters error to [`ReportError::Chart`].
pub fn chart_err<E: Display>(e: E) -> ReportError {
    ReportError::Chart(e.to_string())
}

/// Text style of `px` pixels, black.
pub fn text(px: f64) -> TextStyle<'static> {
    (FAMILY, px).into_font().color(&BLACK)
}

/// Colour of provider `i` (Tableau 10, cycled): distinct, readable on white and on pale bands.
pub fn provider_color(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    PALETTE[i % PALETTE.len()]
}

/// Light grey for grid lines.
pub const GRID: RGBColor = RGBColor(238, 238, 238);
/// Darker grey for the bold grid lines.
pub const GRID_BOLD: RGBColor = RGBColor(200, 200, 200);

/// How a legend entry's key is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A filled box (areas, bands).
    Box,
    /// A solid line.
    Line,
    /// A filled circle with a black ring.
    Marker,
    /// A dashed line (reference lines, partial sums).
    Dashed,
    /// A solid line carrying a mark (lines told apart by their marks).
    LineMark(super::marks::Mark),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// Text after the key.
    pub label: String,
    /// Colour of the key.
    pub color: RGBColor,
    /// Shape of the key.
    pub key: Key,
}

impl LegendEntry {
    /// An entry `label` with a `key` of `color`.
    pub fn new(label: impl Into<String>, color: RGBColor, key: Key) -> Self {
        Self { label: label.into(), color, key }
    }
}

/// What a run chart's title names after its subject: the scenario and the strategy that ran
/// (`default, strategy preset ses_auto (auto_blend)`).
pub fn run_title(subject: &str, result: &crate::sim::RunResult) -> String {
    format!("{subject}: {}, strategy {}", result.scenario, result.strategy.label())
}

/// Splits `root` into the title band and the rest, drawing `title` centred in the band.
pub fn draw_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, ReportError> {
    let (band, rest) = root.split_vertically(TITLE_H);
    let (w, h) = band.dim_in_pixel();
    // Shrink the font of a long title (long scenario name) so it fits the width.
    let (text_w, _) = band.estimate_text_size(title, &text(TITLE_PX)).map_err(chart_err)?;
    let fit = f64::from(w.saturating_sub(40)) / f64::from(text_w.max(1));
    let px = (TITLE_PX * fit.min(1.0)).max(12.0);
    let style = text(px).pos(Pos::new(HPos::Center, VPos::Center));
    band.draw_text(title, &style, (w as i32 / 2, h as i32 / 2)).map_err(chart_err)?;
    Ok(rest)
}

/// Width of a legend key.
const KEY_W: i32 = 30;
/// Horizontal gap between legend entries.
const GAP: i32 = 28;

/// Lays `entries` out in rows of at most `width` pixels: per row, (entry index, entry width).
fn legend_layout<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    width: i32,
) -> Result<Vec<Vec<(usize, i32)>>, ReportError> {
    let style = text(LEGEND_PX);
    let mut rows: Vec<Vec<(usize, i32)>> = vec![Vec::new()];
    let mut x = 0;
    for (i, entry) in entries.iter().enumerate() {
        let (tw, _) = area.estimate_text_size(&entry.label, &style).map_err(chart_err)?;
        let w = KEY_W + 8 + tw as i32;
        if x > 0 && x + w > width {
            rows.push(Vec::new());
            x = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((i, w));
        }
        x += w + GAP;
    }
    Ok(rows)
}

/// Splits a legend band off the top of `area`, draws `entries` in it (centred,
/// wrapped over several rows if needed) and returns the rest of `area`.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
) -> Result<DrawingArea<DB, Shift>, ReportError> {
    let (width, _) = area.dim_in_pixel();
    let width = width as i32 - 40;
    let rows = legend_layout(area, entries, width)?;
    let band_h = LEGEND_ROW_H * rows.len() as u32 + 8;
    let (band, rest) = area.split_vertically(band_h);
    let style = text(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
    for (r, row) in rows.iter().enumerate() {
        let row_w: i32 = row.iter().map(|(_, w)| w).sum::<i32>() + GAP * (row.len() as i32 - 1).max(0);
        let mut x = 20 + (width - row_w).max(0) / 2;
        let y = LEGEND_ROW_H as i32 * r as i32 + LEGEND_ROW_H as i32 / 2 + 4;
        for &(i, w) in row {
            let entry = &entries[i];
            draw_key(&band, entry, (x, y), KEY_W)?;
            band.draw_text(&entry.label, &style, (x + KEY_W + 8, y)).map_err(chart_err)?;
            x += w + GAP;
        }
    }
    Ok(rest)
}

/// Draws the key of `entry`, `width` pixels wide, left-centred at `(x, y)`.
fn draw_key<DB: DrawingBackend>(
    band: &DrawingArea<DB, Shift>,
    entry: &LegendEntry,
    (x, y): (i32, i32),
    width: i32,
) -> Result<(), ReportError> {
    let c = entry.color;
    match entry.key {
        Key::Box => {
            band.draw(&Rectangle::new([(x, y - 9), (x + width, y + 9)], c.filled())).map_err(chart_err)?;
            band.draw(&Rectangle::new([(x, y - 9), (x + width, y + 9)], BLACK.mix(0.35))).map_err(chart_err)?;
        }
        Key::Line => {
            band.draw(&PathElement::new(vec![(x, y), (x + width, y)], c.stroke_width(3))).map_err(chart_err)?;
        }
        Key::Marker => {
            let cx = x + width / 2;
            band.draw(&Circle::new((cx, y), 7, c.filled())).map_err(chart_err)?;
            band.draw(&Circle::new((cx, y), 7, BLACK.stroke_width(2))).map_err(chart_err)?;
        }
        Key::Dashed => {
            for x0 in (x..x + width).step_by(10) {
                let dash = vec![(x0, y), ((x0 + 6).min(x + width), y)];
                band.draw(&PathElement::new(dash, c.stroke_width(3))).map_err(chart_err)?;
            }
        }
        Key::LineMark(mark) => {
            band.draw(&PathElement::new(vec![(x, y), (x + width, y)], c.stroke_width(3))).map_err(chart_err)?;
            band.draw(&mark.element((x + width / 2, y), 6, c)).map_err(chart_err)?;
        }
    }
    Ok(())
}

/// `v` if it is finite, else the nearest finite `f64` (NaN stays NaN).
///
/// Every value an experiment chart puts on an axis goes through this: a huge
/// value read back from `summary.csv` (1e307 as a share, times 100) overflows
/// to infinity, and plotters never ends computing the ticks of an axis that
/// reaches infinity.
pub fn finite(v: f64) -> f64 {
    v.clamp(-f64::MAX, f64::MAX)
}

/// A compact count for axis labels: `950`, `12k`, `1.5M`.
pub fn fmt_count(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        trim_zeros(format!("{:.1}", v / 1e6)) + "M"
    } else if a >= 1e3 {
        trim_zeros(format!("{:.1}", v / 1e3)) + "k"
    } else {
        format!("{v:.0}")
    }
}

/// A percentage for axis labels without useless zeros: `0.1`, `0.03`, `0.0003`, `5`, `50`.
pub fn fmt_pct(v: f64) -> String {
    trim_zeros(format!("{v:.4}"))
}

/// `"1.50"` -> `"1.5"`, `"2.0"` -> `"2"`.
fn trim_zeros(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// The x range of a chart over `n_days` days: `1..n_days`, widened so it is never empty.
pub fn day_range(n_days: usize) -> std::ops::Range<f64> {
    let n = n_days.max(1) as f64;
    if n < 2.0 { 0.5..1.5 } else { 1.0..n }
}

/// Formats a day tick, dropping fractional ticks (plotters may pick them on short runs).
pub fn fmt_day(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { String::new() }
}

/// Sets what the mesh of every chart over days shares: "day" on the x axis with
/// whole-day ticks, tick labels of `tick_px` and axis descriptions of `desc_px` pixels.
pub fn day_axes<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    tick_px: f64,
    desc_px: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.x_desc("day").x_label_formatter(&fmt_day).label_style(text(tick_px)).axis_desc_style(text(desc_px))
}

/// A pale grid: bold lines at the ticks and one light line between them.
pub fn pale_grid<'m, 'a, 'b, X, Y, DB>(mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.max_light_lines(1).light_line_style(GRID).bold_line_style(GRID_BOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_registers() {
        assert!(ensure_font().is_ok());
        assert!(ensure_font().is_ok());
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(fmt_count(950.0), "950");
        assert_eq!(fmt_count(12_000.0), "12k");
        assert_eq!(fmt_count(12_500.0), "12.5k");
        assert_eq!(fmt_count(1_500_000.0), "1.5M");
        assert_eq!(fmt_pct(0.1), "0.1");
        assert_eq!(fmt_pct(50.0), "50");
        assert_eq!(fmt_pct(0.03), "0.03");
        assert_eq!(fmt_pct(0.0003), "0.0003");
        assert_eq!(fmt_pct(0.25), "0.25");
        assert_eq!(fmt_day(&3.0), "3");
        assert_eq!(fmt_day(&3.5), "");
    }
}
