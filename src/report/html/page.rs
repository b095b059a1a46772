//! The page both reports share: escaping, the head (style sheet, content security policy,
//! the charts' font), sections with a table of contents, tables, collapsible file texts and
//! chart figures.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::report::ReportError;
use crate::report::canvas::DrawnChart;
use crate::report::svg::{FAMILY_LIST, font_face};

/// `s` with the five characters that mean something in HTML replaced by entities; every
/// text that does not come from this module goes through it.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The style sheet: readable on screen, compact on paper.
const CSS: &str = "\
:root{--ink:#1d1d1f;--muted:#5f6368;--rule:#d9dce1;--band:#f4f6f8;--accent:#1f77b4;--warn:#8a4b00;--warnbg:#fff4e0}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",\"Helvetica Neue\",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px;line-height:1.25}
h2{font-size:20px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--rule)}
h3{font-size:16px;margin:20px 0 6px}
p{margin:6px 0}
.lead{color:var(--muted);margin:0 0 12px}
nav.toc{font-size:14px;margin:8px 0 4px;color:var(--muted)}
nav.toc a{color:var(--accent);text-decoration:none;margin-right:14px;white-space:nowrap}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:14px 0}
.figure{border:1px solid var(--rule);border-radius:6px;padding:8px 12px;background:var(--band)}
.figure .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.figure .k{font-size:13px;color:var(--muted)}
table{border-collapse:collapse;margin:8px 0 14px;font-size:14px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
th{background:var(--band);font-weight:600}
td.n,th.n{text-align:right}
th{min-width:4.5em}
tbody tr:nth-child(even){background:#fafbfc}
.scroll{overflow-x:auto}
.warnings{background:var(--warnbg);border-left:4px solid var(--warn);padding:8px 14px;margin:10px 0}
.warnings li{margin:4px 0}
.note{color:var(--muted);font-size:13px}
figure.chart{margin:16px 0 24px;break-inside:avoid;page-break-inside:avoid}
figure.chart svg{display:block;width:100%;height:auto;border:1px solid var(--rule)}
figure.chart figcaption{font-size:13px;color:var(--muted);margin-top:4px}
details{margin:8px 0;border:1px solid var(--rule);border-radius:6px;padding:6px 12px}
details summary{cursor:pointer;font-weight:600}
pre{font:12.5px/1.45 ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere;margin:8px 0}
code{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:0.92em}
@media print{
body{font-size:11pt}
main{max-width:none;padding:0}
nav.toc{display:none}
h2{break-after:avoid;page-break-after:avoid}
table,.figures{break-inside:avoid;page-break-inside:avoid}
tbody tr:nth-child(even){background:none}
.scroll{overflow:visible}
table{font-size:9pt}
th,td{padding:3px 6px}
figure.chart svg{border:none}
details{border:none;padding:0}
a{color:inherit;text-decoration:none}
}
";

/// The content security policy: nothing is fetched and no script runs, whoever opens the file.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

/// One cell of a [`Table`].
pub enum Cell {
    /// Text, escaped when rendered, left-aligned.
    Text(String),
    /// A number (already formatted), right-aligned.
    Num(String),
}

/// A table: a header row and rows of cells.
pub struct Table {
    head: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with the columns `head`; a column whose name starts with `#` is numeric
    /// (right-aligned; the `#` is not shown).
    pub fn new(head: &[&str]) -> Self {
        let head = head
            .iter()
            .map(|h| match h.strip_prefix('#') {
                Some(name) => Cell::Num(name.to_string()),
                None => Cell::Text(h.to_string()),
            })
            .collect();
        Self { head, rows: Vec::new() }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn render(&self, out: &mut String) {
        out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
        for h in &self.head {
            match h {
                Cell::Text(t) => write_tag(out, "th", "", t),
                Cell::Num(t) => write_tag(out, "th", " class=\"n\"", t),
            }
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for cell in row {
                match cell {
                    Cell::Text(t) => write_tag(out, "td", "", t),
                    Cell::Num(t) => write_tag(out, "td", " class=\"n\"", t),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
    }
}

fn write_tag(out: &mut String, tag: &str, attrs: &str, text: &str) {
    let _ = write!(out, "<{tag}{attrs}>{}</{tag}>", escape(text));
}

/// A report page being built: sections in order, then [`Page::finish`].
pub struct Page {
    title: String,
    lead: String,
    sections: Vec<(String, String)>,
    body: String,
    chart_chars: BTreeSet<char>,
    open: bool,
}

impl Page {
    /// A page titled `title` (the `<title>` and the `<h1>`), with `lead` (text) under it.
    pub fn new(title: &str, lead: &str) -> Self {
        Self {
            title: title.to_string(),
            lead: lead.to_string(),
            sections: Vec::new(),
            body: String::new(),
            chart_chars: BTreeSet::new(),
            open: false,
        }
    }

    /// Starts a section `id` headed `heading` (closing the previous one), listed in the
    /// table of contents.
    pub fn section(&mut self, id: &str, heading: &str) {
        self.close();
        let _ = writeln!(self.body, "<section id=\"{}\">\n<h2>{}</h2>", escape(id), escape(heading));
        self.sections.push((id.to_string(), heading.to_string()));
        self.open = true;
    }

    fn close(&mut self) {
        if std::mem::take(&mut self.open) {
            self.body.push_str("</section>\n");
        }
    }

    /// A sub-heading.
    pub fn heading(&mut self, text: &str) {
        write_tag(&mut self.body, "h3", "", text);
        self.body.push('\n');
    }

    /// A paragraph of text.
    pub fn para(&mut self, text: &str) {
        write_tag(&mut self.body, "p", "", text);
        self.body.push('\n');
    }

    /// A paragraph of small, muted text.
    pub fn note(&mut self, text: &str) {
        write_tag(&mut self.body, "p", " class=\"note\"", text);
        self.body.push('\n');
    }

    /// Key figures: (value, what it is) in boxes.
    pub fn figures(&mut self, figures: &[(String, String)]) {
        self.body.push_str("<div class=\"figures\">\n");
        for (value, key) in figures {
            let _ = writeln!(
                self.body,
                "<div class=\"figure\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
                escape(value),
                escape(key)
            );
        }
        self.body.push_str("</div>\n");
    }

    /// The warnings, or a line saying there are none.
    pub fn warnings(&mut self, warnings: &[String]) {
        if warnings.is_empty() {
            self.para("No warnings.");
            return;
        }
        self.body.push_str("<div class=\"warnings\"><ul>\n");
        for w in warnings {
            write_tag(&mut self.body, "li", "", w);
            self.body.push('\n');
        }
        self.body.push_str("</ul></div>\n");
    }

    /// A table.
    pub fn table(&mut self, table: &Table) {
        table.render(&mut self.body);
    }

    /// A collapsible block titled `summary` holding `table`.
    pub fn table_details(&mut self, summary: &str, table: &Table) {
        let _ = writeln!(self.body, "<details><summary>{}</summary>", escape(summary));
        table.render(&mut self.body);
        self.body.push_str("</details>\n");
    }

    /// A collapsible block titled `summary` holding the text of a file.
    pub fn file_text(&mut self, summary: &str, text: &str) {
        let _ =
            writeln!(self.body, "<details><summary>{}</summary><pre>{}</pre></details>", escape(summary), escape(text));
    }

    /// The charts, each inline as SVG in a figure captioned with its file name; their
    /// characters are added to the page's font.
    pub fn charts(&mut self, charts: &[DrawnChart], file_format: &str) {
        for chart in charts {
            let Some(svg) = &chart.svg else { continue };
            let stem = chart.file_name.rsplit_once('.').map_or(chart.file_name.as_str(), |(s, _)| s);
            let _ = writeln!(
                self.body,
                "<figure class=\"chart\" id=\"chart-{id}\" data-chart=\"{id}\">\n{}\n<figcaption>{id}.{} \
                 in this folder</figcaption>\n</figure>",
                svg.text.trim_end(),
                escape(file_format),
                id = escape(stem),
            );
            self.chart_chars.extend(svg.chars.iter().copied());
        }
    }

    /// The whole page.
    pub fn finish(mut self) -> Result<String, ReportError> {
        self.close();
        let mut out = String::with_capacity(self.body.len() + CSS.len() + 40_000);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"ipwarm {}\">\n<title>{}</title>\n<style>\n{CSS}",
            crate::VERSION,
            escape(&self.title)
        );
        if !self.chart_chars.is_empty() {
            let _ =
                writeln!(out, "{}\nfigure.chart svg text{{font-family:{FAMILY_LIST}}}", font_face(&self.chart_chars)?);
        }
        let _ = write!(out, "</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n", escape(&self.title));
        write_tag(&mut out, "p", " class=\"lead\"", &self.lead);
        out.push_str("\n<nav class=\"toc\">");
        for (id, heading) in &self.sections {
            let _ = write!(out, "<a href=\"#{}\">{}</a>", escape(id), escape(heading));
        }
        out.push_str("</nav>\n");
        out.push_str(&self.body);
        out.push_str("</main>\n</body>\n</html>\n");
        Ok(out)
    }
}

/// `4400000` -> `4,400,000`: the one grouping of the terminal warnings, reused.
pub(crate) use crate::report::warnings::grouped;

/// `v` with about three significant digits (whole numbers from 100 on); `-` for none.
pub fn sig(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let a = v.abs();
            let s = if (10_000.0..1e18).contains(&a) {
                let n = grouped(a.round() as u64);
                if v < 0.0 { format!("-{n}") } else { n }
            } else if a >= 100.0 || a == 0.0 {
                format!("{v:.0}")
            } else if a >= 10.0 {
                format!("{v:.1}")
            } else if a >= 1.0 {
                format!("{v:.2}")
            } else if a >= 0.01 {
                format!("{v:.3}")
            } else {
                format!("{v:.2e}")
            };
            if s == "-0" { "0".into() } else { s }
        }
        _ => "-".into(),
    }
}

/// `part / whole` as a percentage with `digits` decimals; `-` when `whole` is 0.
pub fn pct(part: u64, whole: u64, digits: usize) -> String {
    if whole == 0 { "-".into() } else { format!("{:.digits$}%", part as f64 * 100.0 / whole as f64) }
}

/// A rate in [0, 1] as a percentage with `digits` decimals; `-` for none.
pub fn rate_pct(rate: Option<f64>, digits: usize) -> String {
    rate.filter(|r| r.is_finite()).map_or_else(|| "-".into(), |r| format!("{:.digits$}%", r * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(4_400_000), "4,400,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(sig(Some(1234.5)), "1234");
        assert_eq!(sig(Some(-7_820_181.4)), "-7,820,181");
        assert_eq!(sig(Some(12.345)), "12.3");
        assert_eq!(sig(Some(0.12345)), "0.123");
        assert_eq!(sig(Some(0.0012)), "1.20e-3");
        assert_eq!(sig(Some(-0.0)), "0");
        assert_eq!(sig(None), "-");
        assert_eq!(pct(1, 3, 1), "33.3%");
        assert_eq!(pct(1, 0, 1), "-");
        assert_eq!(rate_pct(Some(0.003), 2), "0.30%");
    }

    #[test]
    fn a_page_escapes_and_lists_its_sections() {
        let mut page = Page::new("run <b>", "lead & more");
        page.section("a", "First <i>");
        let mut t = Table::new(&["name", "#value"]);
        t.row(vec![Cell::Text("<script>".into()), Cell::Num("1".into())]);
        page.table(&t);
        page.file_text("scenario.toml", "name = \"</pre><script>\"");
        let html = page.finish().unwrap();
        assert!(html.contains("<title>run &lt;b&gt;</title>") && html.contains("<h2>First &lt;i&gt;</h2>"));
        assert!(html.contains("<a href=\"#a\">First &lt;i&gt;</a>"));
        assert!(html.contains("<td>&lt;script&gt;</td><td class=\"n\">1</td>"));
        assert!(html.contains("<pre>name = &quot;&lt;/pre&gt;&lt;script&gt;&quot;</pre>"));
        assert!(!html.contains("<script") && !html.contains("@font-face"), "no chart, no font");
    }
}
