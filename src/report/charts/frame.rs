//! What the run charts share beyond [`style`](super::style): the note under the
//! legend that says how to read a chart, the day axis padded so that nothing
//! is clipped at the first or last day, round axis tops, grids of small panels
//! and the text of an empty panel.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{AXIS_DESC_PX, chart_err, text};
use crate::report::ReportError;

/// Font size of notes, in pixels.
pub const NOTE_PX: f64 = 16.0;
/// Height of one line of a note.
const NOTE_ROW_H: u32 = 21;
/// Colour of notes: dark grey, quieter than titles and legends.
pub const NOTE_COLOR: RGBColor = RGBColor(60, 60, 60);

/// Splits a band off the top of `area`, writes `lines` in it (each wrapped to
/// the width, centred, in dark grey) and returns the rest of `area`.
pub fn draw_note<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lines: &[String],
) -> Result<DrawingArea<DB, Shift>, ReportError> {
    let (width, _) = area.dim_in_pixel();
    let style = text(NOTE_PX).color(&NOTE_COLOR);
    let mut rows = Vec::new();
    for line in lines {
        rows.extend(wrap(area, line, &style, width.saturating_sub(40))?);
    }
    if rows.is_empty() {
        return Ok(area.clone());
    }
    let (band, rest) = area.split_vertically(NOTE_ROW_H * rows.len() as u32 + 6);
    let centred = style.pos(Pos::new(HPos::Center, VPos::Center));
    for (i, row) in rows.iter().enumerate() {
        let y = (NOTE_ROW_H * i as u32 + NOTE_ROW_H / 2 + 2) as i32;
        band.draw_text(row, &centred, (width as i32 / 2, y)).map_err(chart_err)?;
    }
    Ok(rest)
}

/// `line` broken at spaces into rows at most `width` pixels wide in `style`.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    line: &str,
    style: &TextStyle<'_>,
    width: u32,
) -> Result<Vec<String>, ReportError> {
    let mut rows: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        let (w, _) = area.estimate_text_size(&candidate, style).map_err(chart_err)?;
        if w > width && !current.is_empty() {
            rows.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        rows.push(current);
    }
    Ok(rows)
}

/// The x range of a run chart over `n_days` days with half a day of room at
/// each end, so that marks and bars on the first and last days are whole.
pub fn padded_days(n_days: usize) -> std::ops::Range<f64> {
    0.5..n_days.max(1) as f64 + 0.5
}

/// The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is
/// at least `max` (1 for a `max` of 0 or less): a round top for an axis.
pub fn nice_top(max: f64) -> f64 {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let exponent = max.log10().floor() as i32;
    // Divided by a whole power of ten below 1, so that 0.3 is 0.3, not 3 * 0.1.
    let scale = |m: f64| if exponent >= 0 { m * 10f64.powi(exponent) } else { m / 10f64.powi(-exponent) };
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|&m| scale(m))
        .find(|&t| t >= max * (1.0 - 1e-12))
        .unwrap_or(scale(10.0))
}

/// A count in at most three significant digits, for titles: `950`, `12.5k`, `809k`, `1.05M`.
pub fn fmt_short(v: f64) -> String {
    let (scaled, unit) = match v.abs() {
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => return format!("{v:.0}"),
    };
    let decimals = if scaled.abs() >= 99.95 {
        0
    } else if scaled.abs() >= 9.995 {
        1
    } else {
        2
    };
    let text = format!("{scaled:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    text + unit
}

/// Height of a panel's title band.
const PANEL_TITLE_H: u32 = 26;

/// Splits a title band off the top of `panel`, writes `title` centred in it
/// (axis-description size) and returns the rest: the title never meets the
/// panel's top tick label.
pub fn panel_title<DB: DrawingBackend>(
    panel: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, ReportError> {
    let (band, rest) = panel.split_vertically(PANEL_TITLE_H);
    let (w, h) = band.dim_in_pixel();
    let mut px = AXIS_DESC_PX - 2.0;
    let (text_w, _) = band.estimate_text_size(title, &text(px)).map_err(chart_err)?;
    if text_w + 8 > w {
        px = (px * f64::from(w.saturating_sub(8)) / f64::from(text_w.max(1))).max(11.0);
    }
    let style = text(px).pos(Pos::new(HPos::Center, VPos::Center));
    band.draw_text(title, &style, (w as i32 / 2, h as i32 / 2 + 2)).map_err(chart_err)?;
    Ok(rest)
}

/// `n` panels in rows of at most `max_cols`: the panels (row-major) and the number of columns.
pub fn panel_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
    max_cols: usize,
) -> (Vec<DrawingArea<DB, Shift>>, usize) {
    if n == 0 {
        return (Vec::new(), 1);
    }
    let cols = n.min(max_cols.max(1));
    let rows = n.div_ceil(cols);
    let mut panels = area.split_evenly((rows, cols));
    panels.truncate(n);
    (panels, cols)
}

/// Writes `message` in the middle of the plotting area of `chart` (a panel with nothing to draw).
pub fn draw_empty<DB: DrawingBackend, X: Ranged, Y: Ranged>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, Y>>,
    message: &str,
) -> Result<(), ReportError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let style = text(NOTE_PX).color(&NOTE_COLOR).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(message, &style, (w as i32 / 2, h as i32 / 2)).map_err(chart_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_tops() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(f64::NAN), 1.0);
        assert_eq!(nice_top(0.27), 0.3);
        assert_eq!(nice_top(2.7), 3.0);
        assert_eq!(nice_top(1.9), 2.0);
        assert_eq!(nice_top(2.2), 2.5);
        assert_eq!(nice_top(73.5), 80.0);
        assert_eq!(nice_top(100.0), 100.0);
        assert_eq!(nice_top(316_503.0), 400_000.0);
        assert_eq!(fmt_short(950.0), "950");
        assert_eq!(fmt_short(809_312.0), "809k");
        assert_eq!(fmt_short(12_540.0), "12.5k");
        assert_eq!(fmt_short(1_050_000.0), "1.05M");
        assert_eq!(fmt_short(2_000_000.0), "2M");
        assert_eq!(padded_days(0), 0.5..1.5);
        assert_eq!(padded_days(42), 0.5..42.5);
    }
}
