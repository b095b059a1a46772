//! The calibration study's charts, drawn with plotters as ipwarm's own charts are (the
//! embedded DejaVu Sans, white panels with light grids):
//! - `rank_histograms.png`: one panel per fitted parameter (a row per provider), the counts of
//!   the true value's rank among the posterior draws in ten bins, the uniform expectation as a
//!   line and its 99% band shaded (Talts et al. 2018, figure 3's layout);
//! - `forecast_error.png`: one panel per provider, the forecast warm day (median of the
//!   posterior predictive, with its 90% interval) against the true run's.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use super::report::{Coverage, RANK_BINS, binomial_band};
use super::study::Case;

/// The font ipwarm's charts embed.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The family it is registered as.
const FAMILY: &str = "sans-serif";
/// Bars.
const BAR: RGBColor = RGBColor(78, 121, 167);
/// The uniform expectation and its band.
const EXPECTED: RGBColor = RGBColor(225, 87, 89);
/// Grid lines.
const GRID: RGBColor = RGBColor(238, 238, 238);

/// A chart error as text.
fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Registers the font (once is enough; later calls change nothing).
fn font() -> Result<(), String> {
    register_font(FAMILY, FontStyle::Normal, FONT).map_err(|_| "cannot load the chart font".to_string())
}

/// Draws the rank histograms of `rows` (one format's) into `path`; `warmups` and `draws` for
/// the title.
pub fn rank_histograms(rows: &[Coverage], draws: usize, path: &Path) -> Result<(), String> {
    font()?;
    let mut providers: Vec<&str> = Vec::new();
    for r in rows {
        let provider = r.parameter.split('.').next().unwrap_or("");
        if !providers.contains(&provider) {
            providers.push(provider);
        }
    }
    let columns = rows.len().div_ceil(providers.len().max(1)).max(1);
    let (width, row_h, title_h) = (400 * columns as u32, 250u32, 90u32);
    let height = title_h + row_h * providers.len().max(1) as u32;
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let (title, body) = root.split_vertically(title_h);
    let n = rows.first().map_or(0, |r| r.n);
    let format = rows.first().map_or("", |r| r.format.as_str());
    title
        .draw(&Text::new(
            format!("Rank of the true value among {draws} posterior draws: {n} warm-ups fitted from `{format}` data"),
            (20, 12),
            (FAMILY, 26).into_font(),
        ))
        .map_err(err)?;
    title
        .draw(&Text::new(
            "bars: warm-ups per tenth of the ranks; red line: uniform expectation, shaded: its 99% band. \
             ∪ overconfident, ∩ too wide, tilt: bias",
            (20, 52),
            (FAMILY, 17).into_font().color(&RGBColor(60, 60, 60)),
        ))
        .map_err(err)?;
    let panels = body.split_evenly((providers.len().max(1), columns));
    for (r, panel) in rows.iter().zip(panels) {
        let (lo, hi) = binomial_band(r.n, 1.0 / RANK_BINS as f64, 0.01);
        let top = (r.rank_counts.iter().copied().max().unwrap_or(0).max(hi) as f64 * 1.15).ceil().max(1.0);
        let caption = format!("{}: {:.0}% covered", r.parameter, 100.0 * r.share);
        let mut chart = ChartBuilder::on(&panel)
            .caption(caption, (FAMILY, 15))
            .margin(8)
            .x_label_area_size(32)
            .y_label_area_size(40)
            .build_cartesian_2d(0.0..RANK_BINS as f64, 0.0..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_labels(6)
            .x_label_formatter(&|x| format!("{:.0}", x * (draws + 1) as f64 / RANK_BINS as f64))
            .y_labels(5)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .x_desc("rank")
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 14))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, lo as f64), (RANK_BINS as f64, hi as f64)],
                EXPECTED.mix(0.15).filled(),
            )))
            .map_err(err)?;
        chart
            .draw_series(r.rank_counts.iter().enumerate().map(|(b, &count)| {
                Rectangle::new([(b as f64 + 0.08, 0.0), (b as f64 + 0.92, count as f64)], BAR.filled())
            }))
            .map_err(err)?;
        let expected = r.n as f64 / RANK_BINS as f64;
        chart
            .draw_series(LineSeries::new([(0.0, expected), (RANK_BINS as f64, expected)], EXPECTED.stroke_width(2)))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// Draws the forecast warm days of `cases` in `format` against the true ones into `path`.
pub fn forecast_error(
    cases: &[Case],
    format: ipwarm::observed::Format,
    providers: &[String],
    from_days: u32,
    horizon: u32,
    path: &Path,
) -> Result<(), String> {
    font()?;
    let columns = providers.len().clamp(1, 3);
    let rows_n = providers.len().div_ceil(columns).max(1);
    let (width, title_h, panel_h) = (520 * columns as u32, 90u32, 460u32);
    let root = BitMapBackend::new(path, (width, title_h + panel_h * rows_n as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let (title, body) = root.split_vertically(title_h);
    title
        .draw(&Text::new(
            format!(
                "Warm day forecast from the first {from_days} days (`{}` data) against the true run's",
                format.name()
            ),
            (20, 12),
            (FAMILY, 26).into_font(),
        ))
        .map_err(err)?;
    title
        .draw(&Text::new(
            format!(
                "dot: the day the probability of warm reaches 1/2; bar: 5% to 95%; grey line: exact forecast; \
                 not warm by day {horizon}: drawn at {}",
                horizon + 3
            ),
            (20, 52),
            (FAMILY, 17).into_font().color(&RGBColor(60, 60, 60)),
        ))
        .map_err(err)?;
    let late = f64::from(horizon + 3);
    let at = |d: Option<u32>| d.map_or(late, f64::from);
    for (provider, panel) in providers.iter().zip(body.split_evenly((rows_n, columns))) {
        let mut chart = ChartBuilder::on(&panel)
            .caption(provider, (FAMILY, 18))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0.0..late + 2.0, 0.0..late + 2.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .x_desc("true warm day")
            .y_desc("forecast warm day")
            .label_style((FAMILY, 14))
            .axis_desc_style((FAMILY, 14))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (late + 2.0, late + 2.0)], RGBColor(160, 160, 160)))
            .map_err(err)?;
        let warm: Vec<_> = cases
            .iter()
            .filter(|c| c.format == format)
            .flat_map(|c| c.warm.iter().filter(|w| &w.provider == provider))
            .collect();
        chart
            .draw_series(warm.iter().map(|w| {
                let x = at(w.truth);
                PathElement::new([(x, at(w.low)), (x, at(w.high))], BAR.mix(0.5).stroke_width(2))
            }))
            .map_err(err)?;
        chart
            .draw_series(warm.iter().map(|w| Circle::new((at(w.truth), at(w.median)), 4, BAR.filled())))
            .map_err(err)?;
    }
    root.present().map_err(err)
}
