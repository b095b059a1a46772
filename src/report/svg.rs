//! SVG charts that look like their PNG twins: plotters' SVG backend output, finished.
//!
//! plotters draws the PNGs with the embedded DejaVu Sans (ab_glyph) and lays every text out
//! with that font's metrics; its SVG backend writes the same drawing, but its `<text>`
//! elements name the family `sans-serif` (whatever the viewer has), at 1/1.24 of the size the
//! PNG uses, and place the baseline by `em`/`ex` guesses. [`finish`] rewrites each `<text>`
//! so that a viewer renders it as the PNG shows it:
//!
//! - **family:** `font-family="DejaVu Sans,sans-serif"` once on the root `<svg>` (inherited by
//!   every text) and a `<style>` rule `text{font-family:"ipwarm DejaVu Sans",...}` naming the
//!   embedded font first;
//! - **size:** the em size ab_glyph draws with: the PNG's pixel size is the font's ascent minus
//!   descent, so the em is `px * units_per_em / (ascent - descent)`;
//! - **baseline:** `dy` in pixels, where plotters' bitmap text puts it (half the pixel size
//!   below the top of its box, the box being `px / 1.24` high);
//! - **font:** a standalone file embeds, in its `<style>`, an `@font-face` whose source is the
//!   subset of DejaVu Sans holding the characters that file draws (`font_subset.rs`),
//!   as base64 `data:`; an SVG inlined into the HTML report has none, the report embeds one
//!   subset for all its charts ([`font_face`] with the union of [`FinishedSvg::chars`]).
//!
//! Also dropped: `opacity="1"` and `stroke-width="1"` (the defaults) and the line breaks plotters puts around each
//! text. Everything is a pure function of plotters' output: the same chart gives the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::ReportError;
use super::charts::style::{FAMILY, FONT_BYTES};
use super::font_subset;

/// The family name of the embedded font in `@font-face` rules (distinct from an installed
/// DejaVu Sans, whose version and metrics may differ).
pub const EMBEDDED_FAMILY: &str = "ipwarm DejaVu Sans";

/// The CSS `font-family` list of chart text: the embedded font first.
pub const FAMILY_LIST: &str = "\"ipwarm DejaVu Sans\",\"DejaVu Sans\",sans-serif";

/// The ratio plotters' SVG backend applies to text sizes (`size / 1.24`).
const PLOTTERS_SVG_RATIO: f64 = 1.24;

/// Where a finished SVG goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvgUse {
    /// A standalone `.svg` file: namespace, and the font embedded.
    File,
    /// Inside an HTML page: no namespace (the HTML parser puts `<svg>` in it), no font
    /// (the page embeds one for all its charts).
    Inline,
}

/// A finished SVG and the characters its texts draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedSvg {
    /// The SVG document (or element, for [`SvgUse::Inline`]).
    pub text: String,
    /// Every character drawn by a `<text>` of it.
    pub chars: BTreeSet<char>,
}

/// The em size ab_glyph draws a text of pixel size `px` with, in the embedded font.
fn em_per_px() -> f64 {
    static RATIO: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *RATIO.get_or_init(|| {
        ttf_parser::Face::parse(FONT_BYTES, 0).map_or(1.0 / 1.164, |face| {
            let height = f64::from(face.ascender()) - f64::from(face.descender());
            if height > 0.0 { f64::from(face.units_per_em()) / height } else { 1.0 }
        })
    })
}

/// `v` with at most two decimals and no trailing zeros.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// The value of attribute `name` in an opening tag's attribute text.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = attrs.find(&key)? + key.len();
    let len = attrs[start..].find('"')?;
    Some(&attrs[start..start + len])
}

/// The characters of `text`, an SVG text with plotters' five entities.
fn unescape_into(text: &str, chars: &mut BTreeSet<char>) {
    let plain = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    chars.extend(plain.chars());
}

/// The `<text>` element plotters wrote with the attributes `attrs` (its opening tag after
/// `<text`) and the escaped `content`, placed and sized as the PNG draws it.
fn rewrite_text(attrs: &str, content: &str) -> Result<String, ReportError> {
    let bad = || ReportError::Chart(format!("unexpected SVG text element from plotters: <text{attrs}>"));
    let svg_size: f64 = attr(attrs, "font-size").and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    let px = svg_size * PLOTTERS_SVG_RATIO;
    // The bitmap backend's text box is `px / 1.24` high (truncated), anchored by its top,
    // centre or bottom; the glyphs' baseline lies `px / 2` below the box's top.
    let box_h = (px / PLOTTERS_SVG_RATIO).trunc();
    let top = match attr(attrs, "dy") {
        Some("0.76em") => 0.0,
        Some("0.5ex") => -(box_h / 2.0).trunc(),
        Some("-0.5ex") => -box_h,
        _ => return Err(bad()),
    };
    let mut out = String::with_capacity(96 + content.len());
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" dy=\"{}\"",
        attr(attrs, "x").ok_or_else(bad)?,
        attr(attrs, "y").ok_or_else(bad)?,
        num(top + px / 2.0)
    );
    if let Some(anchor) = attr(attrs, "text-anchor").filter(|a| *a != "start") {
        let _ = write!(out, " text-anchor=\"{anchor}\"");
    }
    if let Some(family) = attr(attrs, "font-family").filter(|f| *f != FAMILY) {
        let _ = write!(out, " font-family=\"{family}\"");
    }
    let _ = write!(out, " font-size=\"{}\"", num(px * em_per_px()));
    for name in ["font-weight", "font-style", "fill", "transform"] {
        if let Some(v) = attr(attrs, name) {
            let _ = write!(out, " {name}=\"{v}\"");
        }
    }
    if let Some(opacity) = attr(attrs, "opacity").filter(|o| *o != "1") {
        let _ = write!(out, " opacity=\"{opacity}\"");
    }
    let _ = write!(out, ">{}</text>", content.trim_matches('\n'));
    Ok(out)
}

/// `elements` (plotters' shapes, no text, one per line) written shorter, drawing the same:
/// without the attributes that say what SVG's defaults are already (no group of ours sets them
/// otherwise), `opacity="1"` and `stroke-width="1"`, and each `<polyline>` or `<polygon>` as a
/// `<path>` of relative moves ([`points_to_path`]).
fn drop_defaults(elements: &str) -> String {
    let mut out = String::with_capacity(elements.len());
    for line in elements.split_inclusive('\n') {
        let line = line.replace(" opacity=\"1\"", "").replace(" stroke-width=\"1\"", "");
        let (tag, close) = match () {
            _ if line.starts_with("<polyline ") => ("<polyline ", ""),
            _ if line.starts_with("<polygon ") => ("<polygon ", "z"),
            _ => {
                out.push_str(&line);
                continue;
            }
        };
        let path = line.find(" points=\"").and_then(|at| {
            let start = at + " points=\"".len();
            let end = start + line[start..].find('"')?;
            let d = points_to_path(&line[start..end])?;
            Some(format!("<path {}d=\"{d}{close}\"{}", &line[tag.len()..at + 1], &line[end + 1..]))
        });
        out.push_str(path.as_deref().unwrap_or(&line));
    }
    out
}

/// The path data drawing the polyline of `points` (plotters' `x,y x,y ` in whole pixels): an
/// absolute move to the first point, then relative lines (`M10 20l5 -3 4 0`), repeated points
/// dropped. `None` for points that are not whole numbers.
fn points_to_path(points: &str) -> Option<String> {
    let mut d = String::with_capacity(points.len() / 2);
    let mut last: Option<(i64, i64)> = None;
    for pair in points.split_whitespace() {
        let (x, y) = pair.split_once(',')?;
        let (x, y): (i64, i64) = (x.parse().ok()?, y.parse().ok()?);
        match last {
            None => {
                let _ = write!(d, "M{x} {y}l");
            }
            Some((lx, ly)) if (lx, ly) != (x, y) => {
                for v in [x - lx, y - ly] {
                    if !d.ends_with('l') && v >= 0 {
                        d.push(' ');
                    }
                    let _ = write!(d, "{v}");
                }
            }
            Some(_) => {}
        }
        last = Some((x, y));
    }
    d.strip_suffix('l').map(str::to_string).or(Some(d)).filter(|d| !d.is_empty())
}

/// Finishes `raw`, an SVG document as plotters' SVG backend writes it, for `usage`.
pub fn finish(raw: &str, usage: SvgUse) -> Result<FinishedSvg, ReportError> {
    let bad = |what: &str| ReportError::Chart(format!("unexpected SVG from plotters: {what}"));
    let open_end = raw.find('>').ok_or_else(|| bad("no <svg> tag"))?;
    let (open, mut rest) = (&raw[..open_end], &raw[open_end + 1..]);
    if !open.starts_with("<svg ") {
        return Err(bad("it does not start with <svg"));
    }
    let mut chars = BTreeSet::new();
    let mut body = String::with_capacity(raw.len());
    while let Some(start) = rest.find("<text") {
        body.push_str(&drop_defaults(&rest[..start]));
        let after = &rest[start + "<text".len()..];
        let tag_end = after.find('>').ok_or_else(|| bad("an unclosed <text>"))?;
        let content_end = after.find("</text>").ok_or_else(|| bad("a <text> without </text>"))?;
        let content = &after[tag_end + 1..content_end];
        unescape_into(content.trim_matches('\n'), &mut chars);
        body.push_str(&rewrite_text(&after[..tag_end], content)?);
        rest = &after[content_end + "</text>".len()..];
    }
    body.push_str(&drop_defaults(rest));
    let open = match usage {
        SvgUse::File => open.to_string(),
        SvgUse::Inline => open.replace(" xmlns=\"http://www.w3.org/2000/svg\"", ""),
    };
    let mut text = String::with_capacity(body.len() + 256);
    let _ = write!(text, "{open} font-family=\"DejaVu Sans,sans-serif\">");
    if usage == SvgUse::File {
        let _ = write!(text, "\n<style>{}text{{font-family:{FAMILY_LIST}}}</style>", font_face(&chars)?);
    }
    text.push_str(&body);
    Ok(FinishedSvg { text, chars })
}

/// An `@font-face` rule for [`EMBEDDED_FAMILY`] whose source is the subset of the chart font
/// for `chars`, as base64 `data:`.
pub fn font_face(chars: &BTreeSet<char>) -> Result<String, ReportError> {
    let font = font_subset::subset(FONT_BYTES, chars).map_err(|e| ReportError::Chart(e.to_string()))?;
    Ok(format!(
        "@font-face{{font-family:\"{EMBEDDED_FAMILY}\";src:url(data:font/ttf;base64,{}) format(\"truetype\")}}",
        base64(&font)
    ))
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\">\n\
        <rect x=\"0\" y=\"0\" width=\"100\" height=\"50\" opacity=\"1\" fill=\"#FFFFFF\" stroke=\"none\"/>\n\
        <text x=\"50\" y=\"20\" dy=\"0.5ex\" text-anchor=\"middle\" font-family=\"sans-serif\" \
        font-size=\"24.193548387096776\" opacity=\"1\" fill=\"#000000\">\nA &lt;b&gt; &amp; c\n</text>\n\
        <text x=\"10\" y=\"40\" dy=\"0.76em\" text-anchor=\"start\" font-family=\"sans-serif\" \
        font-size=\"16.129032258064516\" opacity=\"0.5\" fill=\"#000000\" transform=\"rotate(270, 10, 40)\">\nday\n</text>\n\
        </svg>\n";

    #[test]
    fn texts_take_the_png_size_baseline_and_font() {
        let file = finish(RAW, SvgUse::File).unwrap();
        let t = &file.text;
        assert!(t.starts_with("<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"DejaVu Sans,sans-serif\">\n<style>@font-face{font-family:\"ipwarm DejaVu Sans\";src:url(data:font/ttf;base64,"), "{t}");
        // 30 px (24.19 x 1.24) is an em of 30 x 2048 / 2384 = 25.77; the centred box is 24 px high.
        assert!(t.contains("<text x=\"50\" y=\"20\" dy=\"3\" text-anchor=\"middle\" font-size=\"25.77\" fill=\"#000000\">A &lt;b&gt; &amp; c</text>"), "{t}");
        assert!(t.contains("<text x=\"10\" y=\"40\" dy=\"10\" font-size=\"17.18\" fill=\"#000000\" transform=\"rotate(270, 10, 40)\" opacity=\"0.5\">day</text>"), "{t}");
        assert!(!t.contains("opacity=\"1\""));
        assert_eq!(file.chars, "A <b> & cday".chars().collect());
        let inline = finish(RAW, SvgUse::Inline).unwrap();
        assert!(inline.text.starts_with("<svg width=\"100\" height=\"50\" viewBox=\"0 0 100 50\" font-family"));
        assert!(!inline.text.contains("http") && !inline.text.contains("<style>"));
        assert_eq!(finish(RAW, SvgUse::File).unwrap(), file, "deterministic");
    }

    #[test]
    fn unexpected_input_is_an_error() {
        assert!(finish("<html>", SvgUse::File).is_err());
        assert!(finish("<svg a=\"b\"><text x=\"1\">x", SvgUse::File).is_err());
        assert!(
            finish("<svg a=\"b\"><text x=\"1\" y=\"2\" dy=\"1em\" font-size=\"3\">x</text></svg>", SvgUse::File)
                .is_err()
        );
    }

    #[test]
    fn polylines_and_polygons_become_relative_paths() {
        assert_eq!(points_to_path("10,20 15,17 15,17 19,17 ").as_deref(), Some("M10 20l5-3 4 0"));
        assert_eq!(points_to_path("7,8 ").as_deref(), Some("M7 8"));
        assert_eq!(points_to_path("1.5,2 3,4"), None);
        let shapes = "<polyline fill=\"none\" opacity=\"0.15\" stroke=\"#1F77B4\" stroke-width=\"1\" points=\"1,2 3,1 \"/>\n\
            <polygon opacity=\"1\" fill=\"#FF7F0E\" points=\"0,0 4,0 4,4 \"/>\n<line x1=\"1\" y1=\"2\" x2=\"3\" y2=\"4\" opacity=\"1\"/>\n";
        assert_eq!(
            drop_defaults(shapes),
            "<path fill=\"none\" opacity=\"0.15\" stroke=\"#1F77B4\" d=\"M1 2l2-1\"/>\n\
             <path fill=\"#FF7F0E\" d=\"M0 0l4 0 0 4z\"/>\n<line x1=\"1\" y1=\"2\" x2=\"3\" y2=\"4\"/>\n"
        );
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
