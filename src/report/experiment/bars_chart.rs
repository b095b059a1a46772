//! `outcomes.png`: one panel per key outcome, a bar per design point (the mean over
//! replicates) with its 95% confidence interval as an error bar, each bar named under it.
//!
//! A days-to-warm outcome is censored: its bar is the restricted mean from
//! `warm_times.csv` (never-warm runs counted at the horizon, drawn dashed) with its
//! interval, labelled with how many runs were never warm ("3/10 never warm"); a bar whose
//! runs were all never warm is hatched, its value a lower bound. An interval is cut at the
//! bounds of its metric (below 0, above 100%, above the number of providers), and the panel
//! says so. A count of providers has whole-number ticks up to the number of providers.

use crate::report::canvas::Canvas;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart_data::{ChartData, MAX_DEFAULT_POINTS};
use super::metrics::Domain;
use super::outcome::{Outcome, metric_info, n_providers, outcomes};
use super::series_chart::{PANELS_SIZE, panel_columns, panel_grid, point_entries};
use super::warm_rows::WarmData;
use crate::report::ReportError;
use crate::report::charts::style::{
    AXIS_DESC_PX, GRID, Key, TICK_PX, chart_err, finite, fmt_count, provider_color, text,
};

/// Lines of a bar's name under it, at most.
const MAX_NAME_LINES: usize = 3;
/// Height of one line of tick text, in pixels.
const LINE_PX: i32 = TICK_PX as i32 + 4;
/// Longest upright bar name, in pixels.
const UPRIGHT_PX: u32 = 160;
/// Grey of notes and of the horizon line.
const NOTE_GREY: RGBColor = RGBColor(90, 90, 90);

/// A value label for a bar: compact counts, 3 significant digits otherwise.
fn value_label(v: f64) -> String {
    if v.abs() >= 1000.0 {
        fmt_count(v)
    } else if v == v.round() {
        format!("{v:.0}")
    } else {
        let decimals = (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize;
        format!("{v:.decimals$}")
    }
}

/// A tick label: like [`value_label`] without trailing zeros.
fn tick_label(v: f64) -> String {
    let s = value_label(v);
    if s.contains('.') && !s.ends_with(['k', 'M']) {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// `name` broken into lines no wider than `width` as `measure` measures text, at most
/// [`MAX_NAME_LINES`], the last ending in `…` if the name does not fit. Lines break after a
/// space, `_`, `,`, `:`, `=` or `-`, or inside a word longer than a line.
pub(super) fn wrap(name: &str, width: u32, measure: impl Fn(&str) -> u32) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut piece = String::new();
    for c in name.chars() {
        piece.push(c);
        if matches!(c, ' ' | '_' | ',' | ':' | '=' | '-') {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    let fits = |s: &str| measure(s.trim_end()) <= width;
    let (mut lines, mut line) = (Vec::new(), String::new());
    for piece in pieces {
        if fits(&format!("{line}{piece}")) {
            line.push_str(&piece);
            continue;
        }
        if !line.trim().is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if fits(&piece) {
            line = piece;
            continue;
        }
        // A piece wider than a line on its own is cut where it must.
        for c in piece.chars() {
            if !line.is_empty() && !fits(&format!("{line}{c}")) {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    let mut lines: Vec<String> = lines.into_iter().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect();
    if lines.len() > MAX_NAME_LINES {
        lines.truncate(MAX_NAME_LINES);
        let last = &mut lines[MAX_NAME_LINES - 1];
        while !last.is_empty() && !fits(&format!("{last}…")) {
            last.pop();
        }
        last.push('…');
    }
    lines
}

/// `title` with `note` added inside its closing parenthesis (`days (never warm = day 56, the
/// dashed line)`), or in a new one.
fn with_note(title: &str, note: &str) -> String {
    match title.strip_suffix(')') {
        Some(open) if open.contains('(') => format!("{open}, {note})"),
        _ => format!("{title} ({note})"),
    }
}

/// The largest value of the y axis and its whole-number tick count, if the metric counts
/// providers: the axis runs to the number of providers (and a little above, for the labels).
fn y_axis(bars: &[Outcome], domain: Option<Domain>, providers: Option<usize>, headroom: f64) -> (f64, Option<usize>) {
    let top = bars.iter().map(|b| b.hi.max(b.value)).fold(0.0, f64::max);
    match (domain, providers) {
        (Some(Domain::Providers), Some(n)) => (finite(top.max(n as f64) * headroom).max(1.0), Some(n)),
        _ => (if top > 0.0 { finite(top * headroom) } else { 1.0 }, None),
    }
}

/// What a panel says under its bars when an interval was cut at a bound.
fn clip_note(metric: &str, domain: Option<Domain>, providers: Option<usize>) -> String {
    let bounds = match domain {
        _ if metric.starts_with(super::metrics::DAYS_TO_WARM_PREFIX) => "0 to the horizon".to_string(),
        Some(Domain::Share) => "0-100%".to_string(),
        Some(Domain::Providers) => providers.map_or("0 or more".to_string(), |n| format!("0-{n}")),
        _ => "0 or more".to_string(),
    };
    format!("95% intervals cut to {bounds}, the values this outcome can take")
}

/// Draws the bar chart of `metrics` on `canvas`.
pub fn draw<C: Canvas>(
    data: &ChartData,
    warm: &WarmData,
    metrics: &[String],
    canvas: &mut C,
) -> Result<(), ReportError> {
    let root = canvas.area(PANELS_SIZE);
    root.fill(&WHITE).map_err(chart_err)?;
    let title = format!("Key outcomes: mean and 95% CI over {} replicates ({})", data.replicates, data.name);
    // Each bar's name under it, wrapped to its slot (the panel less its margins and y
    // labels), or turned upright with many bars; the legend only when some name is cut.
    let n_points = data.n_points();
    let panel_px = PANELS_SIZE.0 / panel_columns(metrics.len()) as u32;
    let slot_px = panel_px.saturating_sub(72 + 28) / n_points.max(1) as u32;
    let measure = |s: &str| root.estimate_text_size(s, &text(TICK_PX)).map_or(u32::MAX, |(w, _)| w);
    let upright = n_points > MAX_DEFAULT_POINTS;
    let names: Vec<Vec<String>> = (0..n_points)
        .map(|p| {
            let name = data.point_name(p);
            if !upright {
                return wrap(&name, slot_px * 85 / 100, measure);
            }
            // Upright, one line of at most `UPRIGHT_PX`: the legend has the whole name.
            let mut lines = wrap(&name, UPRIGHT_PX, measure);
            if lines.len() > 1 && !lines[0].ends_with('…') {
                lines[0].push('…');
            }
            lines.truncate(1);
            lines
        })
        .collect();
    let cut = upright || names.iter().any(|lines| lines.last().is_some_and(|l| l.ends_with('…')));
    let entries = if cut { point_entries(data, |_| Key::Box) } else { Vec::new() };
    let panels = panel_grid(&root, &title, &entries, metrics.len())?;
    let providers = n_providers(data, warm);
    for (metric, panel) in metrics.iter().zip(panels.iter()) {
        let ctx = Panel { data, warm, providers, names: &names, upright, slot_px };
        draw_panel(&root, panel, &ctx, metric)?;
    }
    root.present().map_err(chart_err)
}

/// What every panel of the chart shares.
struct Panel<'a> {
    data: &'a ChartData,
    warm: &'a WarmData,
    /// The number of providers, if known.
    providers: Option<usize>,
    /// Each bar's name, in lines.
    names: &'a [Vec<String>],
    /// Whether the names stand upright (many bars).
    upright: bool,
    /// Each bar's slot, in pixels.
    slot_px: u32,
}

/// Draws the panel of `metric` on `panel` (texts placed in `root`'s pixels).
fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panel: &DrawingArea<DB, Shift>,
    ctx: &Panel<'_>,
    metric: &str,
) -> Result<(), ReportError> {
    let Panel { data, warm, providers, names, upright: rotate, slot_px } = *ctx;
    let n_points = data.n_points();
    let info = metric_info(metric);
    let (bars, desc) = outcomes(data, warm, metric);
    let center_bottom = Pos::new(HPos::Center, VPos::Bottom);
    let style = text(TICK_PX).pos(center_bottom);
    let measure = |s: &str| root.estimate_text_size(s, &text(TICK_PX)).map_or(u32::MAX, |(w, _)| w);
    let name_lines = names.iter().map(Vec::len).max().unwrap_or(1) as i32;
    let clipped = bars.iter().any(|b| b.clipped);
    let name_area = if rotate {
        names.iter().flatten().map(|n| measure(n)).max().unwrap_or(20).min(UPRIGHT_PX + 20) as i32 + 12
    } else {
        name_lines * LINE_PX + 10
    };
    let note_area = if clipped { LINE_PX + 4 } else { 0 };
    // "k/n never warm" over a bar, on one line if it fits the bar's slot, else on two.
    let notes: Vec<Option<String>> =
        bars.iter().map(|b| b.never_warm.filter(|k| *k > 0).map(|k| format!("{k}/{} never warm", b.n))).collect();
    let split = notes.iter().flatten().any(|note| measure(note) > slot_px * 95 / 100);
    // Room above the bars for their labels: one line, or two or three where some runs were never warm.
    let headroom = match (notes.iter().any(Option::is_some), split) {
        (false, _) => 1.18,
        (true, false) => 1.32,
        (true, true) => 1.45,
    };
    let (y_max, whole) = y_axis(&bars, info.domain, providers, headroom);
    // Nothing is drawn further than one axis height below the axis, so that
    // pixel coordinates stay small whatever the values.
    let y = |v: f64| v.clamp(-y_max, y_max);
    // The reference a count or a censored time is read against, dashed: every provider, the horizon.
    let (reference, caption) = match (whole, bars.iter().find_map(|b| b.horizon)) {
        (Some(n), _) => (Some(n as f64), with_note(&desc, &format!("dashed line: all {n}"))),
        (None, Some(h)) => (Some(f64::from(h)), with_note(&desc, "the dashed line")),
        _ => (None, desc),
    };
    // A long caption (a long provider name) shrinks to the panel's width.
    let width_at_21 = f64::from(measure(&caption).max(1)) * 21.0 / TICK_PX;
    let caption_px = (21.0 * (f64::from(panel.dim_in_pixel().0.saturating_sub(30)) / width_at_21).min(1.0)).max(12.0);
    let mut chart = ChartBuilder::on(panel)
        .caption(&caption, text(caption_px))
        .margin(14)
        .x_label_area_size((name_area + note_area) as u32)
        .y_label_area_size(72)
        .build_cartesian_2d(-0.5..(n_points as f64 - 0.5).max(0.5), 0.0..y_max)
        .map_err(chart_err)?;
    let integer_tick = |v: &f64| {
        if (v - v.round()).abs() < 1e-9 && whole.is_none_or(|n| *v <= n as f64 + 1e-9) {
            format!("{v:.0}")
        } else {
            String::new()
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .x_labels(0)
        .label_style(text(TICK_PX))
        .axis_desc_style(text(AXIS_DESC_PX))
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID);
    match whole {
        Some(n) => mesh.y_labels(n + 2).y_label_formatter(&integer_tick),
        None => mesh.y_label_formatter(&|v| tick_label(*v)),
    };
    mesh.draw().map_err(chart_err)?;
    // Each bar's name under it.
    for (p, lines) in names.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(p as f64, 0.0));
        if rotate {
            let style = text(TICK_PX).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw_text(&lines[0], &style, (px, py + 8)).map_err(chart_err)?;
            continue;
        }
        let top = Pos::new(HPos::Center, VPos::Top);
        for (k, line) in lines.iter().enumerate() {
            root.draw_text(line, &text(TICK_PX).pos(top), (px, py + 6 + k as i32 * LINE_PX)).map_err(chart_err)?;
        }
    }
    if clipped {
        let (x0, y0) = chart.backend_coord(&(-0.5, 0.0));
        let note = clip_note(metric, info.domain, providers);
        let grey = text(TICK_PX - 2.0).color(&NOTE_GREY).pos(Pos::new(HPos::Left, VPos::Top));
        root.draw_text(&note, &grey, (x0, y0 + name_area + 2)).map_err(chart_err)?;
    }
    if let Some(at) = reference.filter(|at| *at <= y_max) {
        let x_end = n_points as f64 - 0.5;
        let dashes = DashedLineSeries::new([(-0.5, at), (x_end, at)], 6, 6, NOTE_GREY.mix(0.6).stroke_width(1));
        chart.draw_series(dashes).map_err(chart_err)?;
    }
    // A point without any value says so where its bar would be.
    for p in (0..n_points).filter(|p| !bars.iter().any(|b| b.point == *p)) {
        let (px, py) = chart.backend_coord(&(p as f64, 0.0));
        root.draw_text("no value in any run", &style, (px, py - 6)).map_err(chart_err)?;
    }
    if !bars.is_empty() && bars.iter().all(|b| b.value == 0.0 && b.hi == 0.0) {
        let (px, py) = chart.backend_coord(&((n_points as f64 - 1.0) / 2.0, y_max / 2.0));
        root.draw_text("0 in every run", &text(AXIS_DESC_PX).color(&NOTE_GREY).pos(center_bottom), (px, py))
            .map_err(chart_err)?;
    }
    let half = 0.36;
    for (bar, note) in bars.iter().zip(&notes) {
        let (p, count) = (bar.point, bar.n);
        let (x, m, lo, hi) = (p as f64, y(bar.value), y(bar.lo), y(bar.hi));
        let color = provider_color(p);
        let corners = [(x - half, 0.0), (x + half, m)];
        if bar.all_censored() {
            // Every run never warm: the value is a lower bound, hatched.
            chart.draw_series(std::iter::once(Rectangle::new(corners, color.mix(0.25).filled()))).map_err(chart_err)?;
            let (a, b) = (chart.backend_coord(&corners[0]), chart.backend_coord(&corners[1]));
            let (left, right, top, bottom) = (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1));
            // Lines rising to the right, (k, bottom) to (k + height, top), cut at the sides.
            let height = bottom - top;
            for k in (left - height..right).step_by(14) {
                let (x1, x2) = (k.max(left), (k + height).min(right));
                let line = vec![(x1, bottom - (x1 - k)), (x2, bottom - (x2 - k))];
                root.draw(&PathElement::new(line, color.stroke_width(2))).map_err(chart_err)?;
            }
            chart.draw_series(std::iter::once(Rectangle::new(corners, color.stroke_width(2)))).map_err(chart_err)?;
        } else {
            chart.draw_series(std::iter::once(Rectangle::new(corners, color.mix(0.85).filled()))).map_err(chart_err)?;
        }
        let whisker = BLACK.stroke_width(2);
        let segments = [[(x, lo), (x, hi)], [(x - 0.1, lo), (x + 0.1, lo)], [(x - 0.1, hi), (x + 0.1, hi)]];
        for seg in segments {
            chart.draw_series(std::iter::once(PathElement::new(seg.to_vec(), whisker))).map_err(chart_err)?;
        }
        if n_points > MAX_DEFAULT_POINTS {
            continue; // Value labels of many bars would overlap.
        }
        let (px, py) = chart.backend_coord(&(x, hi.max(m)));
        let label =
            if count < data.replicates as u64 { format!("{} (n={count})", value_label(m)) } else { value_label(m) };
        root.draw_text(&label, &style, (px, py - 4)).map_err(chart_err)?;
        match (note, split) {
            (Some(note), false) => root.draw_text(note, &style, (px, py - 4 - LINE_PX)).map_err(chart_err)?,
            (Some(note), true) => {
                let (count_part, words) = note.split_once(' ').unwrap_or((note, ""));
                root.draw_text(words, &style, (px, py - 4 - LINE_PX)).map_err(chart_err)?;
                root.draw_text(count_part, &style, (px, py - 4 - 2 * LINE_PX)).map_err(chart_err)?;
            }
            (None, _) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text measured at 10 pixels a character.
    fn chars(s: &str) -> u32 {
        10 * s.chars().count() as u32
    }

    #[test]
    fn bar_names_wrap_within_their_slot() {
        assert_eq!(wrap("adaptive", 200, chars), ["adaptive"]);
        assert_eq!(wrap("linear to the list in 30 days", 120, chars), ["linear to", "the list in", "30 days"]);
        assert_eq!(wrap("kumo_conservative", 100, chars), ["kumo_", "conservati", "ve"]);
        let long = wrap("growth=1.3, start=1000, horizon_days=70, providers=shipped priors", 120, chars);
        assert_eq!(long.len(), MAX_NAME_LINES);
        assert!(long.iter().all(|l| chars(l) <= 120), "{long:?}");
        assert!(long[MAX_NAME_LINES - 1].ends_with('…'), "{long:?}");
        // Every name gets a label, however narrow its slot.
        assert!(!wrap("x", 1, chars).is_empty());
    }

    #[test]
    fn a_count_of_providers_has_whole_ticks_up_to_the_number_of_providers() {
        let bar = |value: f64, hi: f64| Outcome {
            point: 0,
            value,
            lo: value,
            hi,
            clipped: false,
            half_width: 0.0,
            n: 3,
            never_warm: None,
            horizon: None,
        };
        let (top, whole) = y_axis(&[bar(4.0, 4.6)], Some(Domain::Providers), Some(5), 1.18);
        assert_eq!(whole, Some(5));
        assert!(top >= 5.0, "{top}");
        let (top, whole) = y_axis(&[bar(0.2, 0.3)], Some(Domain::Share), Some(5), 1.18);
        assert_eq!(whole, None);
        assert!(top < 1.0, "{top}");
    }
}
