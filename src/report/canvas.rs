//! Where a chart is drawn: a PNG file, an SVG file, or SVG text kept in memory for the
//! HTML report; one list of charts serves all three.
//!
//! Every chart's `draw` function is generic over a [`Canvas`], which makes the drawing area
//! (`canvas.area(size)`: a plotters `BitMapBackend` or `SVGBackend` of that size). A list of
//! charts is a sequence of `draw_chart!` calls on a [`ChartSink`], each naming the chart's
//! file stem and its draw call; the sink decides the backend: files of one
//! [`ChartFormat`] in a folder ([`ChartSink::files`]) or SVG in memory
//! ([`ChartSink::inline`]). SVG goes through [`super::svg::finish`], so that its text looks
//! as in the PNG.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};

use super::ReportError;
use super::svg::{self, FinishedSvg, SvgUse};

/// The file format of charts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartFormat {
    /// PNG, 1280 pixels wide (the default).
    #[default]
    Png,
    /// SVG, the same drawing as vectors, text in the embedded font.
    Svg,
}

impl ChartFormat {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [ChartFormat; 2] = [ChartFormat::Png, ChartFormat::Svg];

    /// The file extension (and the name of the format): `png` or `svg`.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }

    /// Whether this is the default format, PNG (for `skip_serializing_if`).
    pub fn is_png(&self) -> bool {
        *self == ChartFormat::Png
    }
}

impl std::fmt::Display for ChartFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

impl std::str::FromStr for ChartFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension() == s)
            .ok_or_else(|| format!("unknown chart format `{s}`: png or svg"))
    }
}

/// Something a chart draws on: it makes the drawing area of the chart's size.
pub trait Canvas {
    /// The plotters backend.
    type Backend<'a>: DrawingBackend
    where
        Self: 'a;

    /// The whole drawing area of a chart of `size` pixels (width, height); a chart calls
    /// it once, and ends by presenting the area.
    fn area(&mut self, size: (u32, u32)) -> DrawingArea<Self::Backend<'_>, Shift>;
}

/// A PNG file.
#[derive(Debug)]
pub struct PngCanvas {
    path: PathBuf,
}

impl PngCanvas {
    /// A canvas writing the PNG file `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

impl Canvas for PngCanvas {
    type Backend<'a> = BitMapBackend<'a>;

    fn area(&mut self, size: (u32, u32)) -> DrawingArea<BitMapBackend<'_>, Shift> {
        BitMapBackend::new(&self.path, size).into_drawing_area()
    }
}

/// SVG text in memory, as plotters' SVG backend writes it (see [`svg::finish`]).
#[derive(Debug, Default)]
pub struct SvgCanvas {
    raw: String,
}

impl SvgCanvas {
    /// The SVG drawn, as plotters wrote it.
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl Canvas for SvgCanvas {
    type Backend<'a> = SVGBackend<'a>;

    fn area(&mut self, size: (u32, u32)) -> DrawingArea<SVGBackend<'_>, Shift> {
        self.raw.clear();
        SVGBackend::with_string(&mut self.raw, size).into_drawing_area()
    }
}

/// A chart drawn into a [`ChartSink`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnChart {
    /// Its file name (stem and extension): `outcomes.png`, `heatmap-blocked_share.svg`.
    pub file_name: String,
    /// Its file, for a sink writing files.
    pub path: Option<PathBuf>,
    /// Its SVG element and characters, for an inline sink.
    pub svg: Option<FinishedSvg>,
}

/// Where a list of charts goes.
#[derive(Debug, Clone)]
enum Target {
    Files { dir: PathBuf, format: ChartFormat },
    Inline,
}

/// Collects the charts of a list as they are drawn: see the module documentation.
#[derive(Debug)]
pub struct ChartSink {
    target: Target,
    drawn: Vec<DrawnChart>,
}

impl ChartSink {
    /// Charts written as files of `format` into `dir` (created if needed; existing files
    /// of the same names are overwritten).
    pub fn files(dir: &Path, format: ChartFormat) -> Result<Self, ReportError> {
        std::fs::create_dir_all(dir)?;
        Ok(Self { target: Target::Files { dir: dir.to_path_buf(), format }, drawn: Vec::new() })
    }

    /// Charts kept in memory as SVG elements to inline in an HTML page.
    pub fn inline() -> Self {
        Self { target: Target::Inline, drawn: Vec::new() }
    }

    /// The format charts are drawn in (SVG for an inline sink).
    pub fn format(&self) -> ChartFormat {
        match &self.target {
            Target::Files { format, .. } => *format,
            Target::Inline => ChartFormat::Svg,
        }
    }

    /// Draws chart `stem` with `png` on a PNG canvas when this sink writes PNG files, else
    /// with `svg` on an SVG canvas, and writes or keeps the result. The two are the same call
    /// of a chart's generic draw function; the crate's `draw_chart!` macro writes it once.
    pub fn draw(
        &mut self,
        stem: &str,
        png: impl FnOnce(&mut PngCanvas) -> Result<(), ReportError>,
        svg: impl FnOnce(&mut SvgCanvas) -> Result<(), ReportError>,
    ) -> Result<(), ReportError> {
        let chart = match &self.target {
            Target::Files { dir, format: ChartFormat::Png } => {
                let path = dir.join(format!("{stem}.png"));
                png(&mut PngCanvas::new(path.clone()))?;
                DrawnChart { file_name: format!("{stem}.png"), path: Some(path), svg: None }
            }
            Target::Files { dir, format: ChartFormat::Svg } => {
                let mut canvas = SvgCanvas::default();
                svg(&mut canvas)?;
                let path = dir.join(format!("{stem}.svg"));
                std::fs::write(&path, svg::finish(canvas.raw(), SvgUse::File)?.text)?;
                DrawnChart { file_name: format!("{stem}.svg"), path: Some(path), svg: None }
            }
            Target::Inline => {
                let mut canvas = SvgCanvas::default();
                svg(&mut canvas)?;
                let finished = svg::finish(canvas.raw(), SvgUse::Inline)?;
                DrawnChart { file_name: format!("{stem}.svg"), path: None, svg: Some(finished) }
            }
        };
        self.drawn.push(chart);
        Ok(())
    }

    /// An empty sink with the same target: charts drawn apart (on other threads) and
    /// [`ChartSink::append`]ed in their order.
    pub fn empty_like(&self) -> Self {
        Self { target: self.target.clone(), drawn: Vec::new() }
    }

    /// Adds the charts drawn into `other` after those drawn so far.
    pub fn append(&mut self, other: ChartSink) {
        self.drawn.extend(other.drawn);
    }

    /// The charts drawn, in order.
    pub fn drawn(&self) -> &[DrawnChart] {
        &self.drawn
    }

    /// The files written, in order (none for an inline sink).
    pub fn paths(&self) -> Vec<PathBuf> {
        self.drawn.iter().filter_map(|c| c.path.clone()).collect()
    }

    /// The charts drawn, in order.
    pub fn into_drawn(self) -> Vec<DrawnChart> {
        self.drawn
    }
}

/// Draws one chart of a list into a [`ChartSink`]: `draw_chart!(sink, stem, |canvas| call)`,
/// where `call` is the chart's draw call on `canvas` (a `&mut impl Canvas`), returning
/// `Result<(), ReportError>`; the whole is [`ChartSink::draw`] with `call` on each canvas, so
/// draw functions stay generic and a list of charts is written once.
macro_rules! draw_chart {
    ($sink:expr, $stem:expr, |$canvas:ident| $draw:expr) => {
        $sink.draw(
            &$stem,
            |$canvas: &mut $crate::report::canvas::PngCanvas| $draw,
            |$canvas: &mut $crate::report::canvas::SvgCanvas| $draw,
        )
    };
}
pub(crate) use draw_chart;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::style::{chart_err, ensure_font, text};
    use plotters::prelude::*;

    /// A small chart with a title, axes, a line and an area, generic over the canvas.
    fn draw_test<C: Canvas>(canvas: &mut C, label: &str) -> Result<(), ReportError> {
        let root = canvas.area((320, 200));
        root.fill(&WHITE).map_err(chart_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(label, text(20.0))
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(0.0..10.0, 0.0..1.0)
            .map_err(chart_err)?;
        chart.configure_mesh().label_style(text(12.0)).y_desc("share").draw().map_err(chart_err)?;
        chart
            .draw_series(LineSeries::new((0..10).map(|i| (f64::from(i), f64::from(i) / 10.0)), &BLUE))
            .map_err(chart_err)?;
        root.present().map_err(chart_err)
    }

    fn draw_list(sink: &mut ChartSink) -> Result<(), ReportError> {
        ensure_font()?;
        draw_chart!(sink, "first", |canvas| draw_test(canvas, "First <chart> & co"))?;
        draw_chart!(sink, format!("second-{}", 2), |canvas| draw_test(canvas, "Second"))
    }

    #[test]
    fn one_list_draws_png_svg_and_inline() {
        let dir = tempfile::tempdir().unwrap();
        let mut names = Vec::new();
        for format in ChartFormat::ALL {
            let mut sink = ChartSink::files(dir.path(), format).unwrap();
            draw_list(&mut sink).unwrap();
            assert_eq!(sink.paths().len(), 2);
            names.push(sink.drawn().iter().map(|c| c.file_name.clone()).collect::<Vec<_>>());
        }
        assert_eq!(names, [["first.png", "second-2.png"], ["first.svg", "second-2.svg"]]);
        let png = std::fs::read(dir.path().join("first.png")).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
        let svg = std::fs::read_to_string(dir.path().join("first.svg")).unwrap();
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"), "{svg}");
        assert!(svg.contains("First &lt;chart&gt; &amp; co</text>") && svg.contains("<path"));
        let mut inline = ChartSink::inline();
        draw_list(&mut inline).unwrap();
        let drawn = inline.into_drawn();
        assert_eq!(drawn.len(), 2);
        let first = drawn[0].svg.as_ref().unwrap();
        assert!(first.chars.contains(&'&') && !first.text.contains("@font-face"));
        // Same input, same bytes.
        let again = tempfile::tempdir().unwrap();
        let mut sink = ChartSink::files(again.path(), ChartFormat::Svg).unwrap();
        draw_list(&mut sink).unwrap();
        assert_eq!(std::fs::read_to_string(again.path().join("first.svg")).unwrap(), svg);
    }

    #[test]
    fn formats_parse_and_print() {
        assert_eq!("svg".parse::<ChartFormat>(), Ok(ChartFormat::Svg));
        assert_eq!(ChartFormat::Png.to_string(), "png");
        assert!("pdf".parse::<ChartFormat>().is_err());
        assert!(ChartFormat::default().is_png());
    }
}
