//! `report.html`: a self-contained page about a run or an experiment, to read in a browser,
//! print, or mail to a colleague.
//!
//! Self-contained means nothing is fetched when it opens: the charts are inline SVG drawn
//! from the same chart list as the chart files (whatever format those are in), the chart
//! font is embedded once as a subset (`@font-face` with `data:`), the style sheet is inline,
//! and a content security policy forbids any load and any script. Every text that comes from
//! a user (scenario and experiment names, descriptions, file texts, provider and axis names)
//! is HTML-escaped. The page has no date and no path of the machine: the same inputs give the
//! same bytes.
//!
//! - [`run_report`]: key figures, warnings, the run charts, per-provider results, totals,
//!   the scenario (collapsible) and provenance.
//! - [`experiment_report`]: overview, warnings, the experiment charts, the key metrics per
//!   design point with 95% intervals, warm times as censored data, the leading sensitivity
//!   indices, the experiment files (collapsible) and provenance.
//!
//! Nothing here writes a file: the caller writes the returned text where it belongs.

mod experiment;
mod page;
mod run;

pub use experiment::{ExperimentInfo, MAX_TABLE_POINTS};
pub use page::escape;
pub use run::RunInfo;

use super::ReportError;
use super::canvas::ChartSink;
use super::experiment::{ChartData, ChartSpec, SensitivityCharts, WarmData, draw_experiment_charts};
use crate::sim::RunResult;

/// The name of the report in an output folder.
pub const REPORT_FILE: &str = "report.html";

/// The HTML report of the run `result`.
pub fn run_report(result: &RunResult, info: &RunInfo<'_>) -> Result<String, ReportError> {
    let mut sink = ChartSink::inline();
    super::charts::draw_charts(result, &mut sink)?;
    run::render(result, info, sink.drawn())
}

/// The HTML report of an experiment: its charts are those `spec` and `sensitivity` ask for,
/// drawn from `data`, `warm` and the sensitivity rows.
pub fn experiment_report(
    info: &ExperimentInfo<'_>,
    data: &ChartData,
    warm: &WarmData,
    spec: &ChartSpec,
    sensitivity: &SensitivityCharts<'_>,
) -> Result<String, ReportError> {
    let mut sink = ChartSink::inline();
    draw_experiment_charts(data, warm, spec, sensitivity, &mut sink)?;
    experiment::render(info, data, warm, sensitivity.rows, sink.drawn())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::canvas::ChartFormat;
    use crate::report::{chart_names, testdata};

    fn info(record: &str) -> RunInfo<'_> {
        RunInfo {
            scenario_file: Some("my <file>.toml"),
            description: "a <b>bold</b> plan",
            scenario_record: record,
            scenario_hash: "00ff",
            command: "ipwarm run 'my <file>.toml'",
            chart_format: ChartFormat::Png,
        }
    }

    #[test]
    fn a_run_report_holds_every_chart_inline_and_escapes_user_text() {
        let mut result = testdata::small();
        result.scenario = "<script>alert('x')</script>".into();
        result.provider_names[0] = "<img src=x>".into();
        let html = run_report(&result, &info("name = \"</pre><script>\"")).unwrap();
        let figures = html.matches("<figure class=\"chart\"").count();
        assert_eq!(figures, chart_names().len(), "every run chart, inline");
        assert_eq!(html.matches("<svg ").count(), figures);
        for bad in ["<script", "<img", "<b>", "http://", "https://"] {
            assert!(!html.contains(bad), "report holds {bad}");
        }
        assert!(html.contains("<title>ipwarm run report: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</title>"));
        assert!(html.contains("&lt;img src=x&gt;") && html.contains("a &lt;b&gt;bold&lt;/b&gt; plan"));
        assert!(html.contains("<pre>name = &quot;&lt;/pre&gt;&lt;script&gt;&quot;</pre>"));
        assert_eq!(html.matches("@font-face").count(), 1, "one font for every chart");
        assert_eq!(run_report(&result, &info("name = \"</pre><script>\"")).unwrap(), html, "deterministic");
    }

    #[test]
    fn an_empty_run_still_has_a_report() {
        let mut empty = testdata::small();
        empty.records.clear();
        empty.totals = Default::default();
        empty.horizon_days = 0;
        let html = run_report(&empty, &info("")).unwrap();
        assert!(html.contains("Key figures") && html.ends_with("</html>\n"));
    }
}
