//! The report of an experiment (`sweep`, `compare`, `merge`, `plot`): the design, warnings,
//! the charts, the key metrics per design point with their intervals, the warm times as
//! censored data, the leading sensitivity indices, the files that ran and where the results
//! come from. Everything comes from the experiment folder's files, so `plot` writes the same
//! report as the sweep did.

use std::collections::BTreeMap;

use crate::report::ReportError;
use crate::report::canvas::{ChartFormat, DrawnChart};
use crate::report::experiment::{
    ALL_PROVIDERS, ChartData, DEFAULT_OUTCOMES, MAX_DEFAULT_POINTS, Outcome, RESTRICTED_PREFIX, SensitivityRow,
    StatRow, WarmData, WarmTimeRow, metric_info, outcomes,
};

use super::page::{Cell, Page, Table, grouped, sig};

/// Largest number of design points listed in a table (the CSV files hold them all).
pub const MAX_TABLE_POINTS: usize = 50;

/// Parameters listed per metric and index in the sensitivity section.
const TOP_PARAMETERS: usize = 5;

/// What an experiment's report says besides its statistics: its design and provenance, from
/// the folder's manifest and records. No date: the same folder gives the same file.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentInfo<'a> {
    /// The experiment's description.
    pub description: &'a str,
    /// The design (`grid`, `zip`, `lhs`, `morris`, `sobol`, `compare`).
    pub design: &'a str,
    /// Root seed of the run seeds, as text.
    pub root_seed: &'a str,
    /// `common` or `independent` seeds.
    pub seeds: &'a str,
    /// Runs planned, ok, failed and not run.
    pub runs: (usize, usize, usize, usize),
    /// The hash of the experiment (and scenario) texts.
    pub experiment_hash: &'a str,
    /// The version of ipwarm that ran the experiment.
    pub results_version: &'a str,
    /// The command that ran it (`sweep`, `compare`).
    pub command: &'a str,
    /// The files recording what ran (name, text): `experiment.toml`, `base_scenario.toml`, `point-<i>.toml`.
    pub records: &'a [(String, String)],
    /// Warnings about the results.
    pub warnings: &'a [String],
    /// The format of the chart files written beside the report.
    pub chart_format: ChartFormat,
    /// The metrics of the table of key figures (the outcome chart's; the default ones when empty).
    pub key_metrics: &'a [String],
}

/// `mean [low, high]` of `row`, times `scale`.
fn with_ci(row: Option<&StatRow>, scale: f64) -> String {
    let Some(s) = row.map(|r| &r.stats) else { return "-".into() };
    let v = |x: Option<f64>| x.map(|x| x * scale);
    match (s.ci_low, s.ci_high) {
        (Some(_), Some(_)) => format!("{} [{}, {}]", sig(v(s.mean)), sig(v(s.ci_low)), sig(v(s.ci_high))),
        _ => sig(v(s.mean)),
    }
}

/// `value [low, high]` of optional values.
fn interval<T: Copy>(value: Option<T>, low: Option<T>, high: Option<T>, show: impl Fn(T) -> String) -> String {
    let show = |x: Option<T>| x.map_or("-".to_string(), &show);
    match (value, low, high) {
        (None, None, None) => "-".into(),
        (v, None, None) => show(v),
        (v, lo, hi) => format!("{} [{}, {}]", show(v), show(lo), show(hi)),
    }
}

/// The design points listed (at most [`MAX_TABLE_POINTS`]) and a note when some are left out.
fn listed_points(data: &ChartData, what: &str) -> (usize, Option<String>) {
    let n = data.n_points();
    let shown = n.min(MAX_TABLE_POINTS);
    let note = (shown < n).then(|| format!("The first {shown} of {n} design points; {what} holds them all."));
    (shown, note)
}

/// `value [low, high]` of an outcome, with the runs never warm of a days-to-warm outcome.
fn outcome_cell(o: Option<&Outcome>) -> String {
    let Some(o) = o else { return "-".into() };
    let mut text = if o.lo == o.value && o.hi == o.value {
        sig(Some(o.value))
    } else {
        format!("{} [{}, {}]", sig(Some(o.value)), sig(Some(o.lo)), sig(Some(o.hi)))
    };
    if let Some(k) = o.never_warm.filter(|k| *k > 0) {
        text.push_str(&format!(" ({k}/{} never warm)", o.n));
    }
    text
}

fn summary_section(page: &mut Page, data: &ChartData, warm: &WarmData, info: &ExperimentInfo<'_>) {
    page.section("summary", "Summary per design point");
    let metrics: Vec<String> = if info.key_metrics.is_empty() {
        DEFAULT_OUTCOMES.map(String::from).to_vec()
    } else {
        info.key_metrics.to_vec()
    };
    let mut head = vec!["design point".to_string()];
    head.extend(metrics.iter().map(|m| format!("#{}", metric_info(m).title)));
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut table = Table::new(&head);
    let values: Vec<Vec<Outcome>> = metrics.iter().map(|m| outcomes(data, warm, m).0).collect();
    let (shown, note) = listed_points(data, "summary.csv");
    for p in 0..shown {
        let mut row = vec![Cell::Text(data.point_name(p))];
        row.extend(values.iter().map(|v| Cell::Num(outcome_cell(v.iter().find(|o| o.point == p)))));
        table.row(row);
    }
    page.table(&table);
    page.note(&format!(
        "Mean over {} replicate{} per design point, with its 95% confidence interval in brackets (t \
         distribution; cut at the values the metric can take, as in outcomes.png). Days to warm are restricted \
         means from warm_times.csv: a run never warm counts at its horizon (see the warm times below).",
        data.replicates,
        if data.replicates == 1 { "" } else { "s" }
    ));
    if let Some(note) = note {
        page.note(&note);
    }
    if data.n_points() <= MAX_DEFAULT_POINTS && data.n_points() > 0 {
        every_metric(page, data);
    }
}

/// A collapsible table of every metric of `summary.csv` (rows) by design point (columns).
fn every_metric(page: &mut Page, data: &ChartData) {
    let mut metrics: Vec<&str> = Vec::new();
    for r in &data.summary {
        if !metrics.contains(&r.metric.as_str()) {
            metrics.push(&r.metric);
        }
    }
    let mut head = vec!["metric (summary.csv)".to_string()];
    head.extend((0..data.n_points()).map(|p| format!("#{}", data.point_name(p))));
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut table = Table::new(&head);
    for metric in metrics {
        let mut row = vec![Cell::Text(metric.to_string())];
        for p in 0..data.n_points() {
            let stat = data.summary.iter().find(|r| r.point == p && r.metric == metric);
            row.push(Cell::Num(with_ci(stat, 1.0)));
        }
        table.row(row);
    }
    page.table_details("Every metric of summary.csv, mean [95% CI] (open to read)", &table);
    page.note(
        "Values as summary.csv holds them: shares as fractions, intervals as computed (a t interval of a mean near \
         0 can reach below it).",
    );
}

fn warm_row(data: &ChartData, r: &WarmTimeRow, with_provider: bool) -> Vec<Cell> {
    let mut row = vec![Cell::Text(data.point_name(r.point))];
    if with_provider {
        row.push(Cell::Text(r.provider.clone()));
    }
    row.extend([
        Cell::Num(grouped(r.n_runs)),
        Cell::Num(grouped(r.n_warm)),
        Cell::Num(grouped(r.n_censored)),
        Cell::Num(format!("{:.1}%", r.share_never_warm * 100.0)),
        Cell::Num(interval(r.median_days, r.median_ci_low, r.median_ci_high, |d| d.to_string())),
        Cell::Num(interval(r.restricted_mean_days, r.restricted_mean_ci_low, r.restricted_mean_ci_high, |d| {
            sig(Some(d))
        })),
        Cell::Num(r.days_observed.to_string()),
    ]);
    row
}

const WARM_HEAD: [&str; 7] = [
    "#runs",
    "#warm",
    "#never warm (censored)",
    "#share never warm (Kaplan-Meier)",
    "#median days [95% CI]",
    "#restricted mean days [95% CI]",
    "#days observed",
];

fn warm_section(page: &mut Page, data: &ChartData, warm: &WarmData) {
    page.section("warm-times", "Warm times");
    if warm.times.is_empty() {
        page.para("This folder has no warm_times.csv (it was written by an earlier version of ipwarm).");
        return;
    }
    let (shown, note) = listed_points(data, "warm_times.csv");
    let mut head = vec!["design point"];
    head.extend(WARM_HEAD);
    let mut table = Table::new(&head);
    for r in warm.times.iter().filter(|r| r.provider == ALL_PROVIDERS && r.point < shown) {
        table.row(warm_row(data, r, false));
    }
    page.para(
        "Days until every provider is warm (the bottleneck provider), with runs never warm censored at their horizon:",
    );
    page.table(&table);
    if let Some(note) = &note {
        page.note(note);
    }
    let mut head = vec!["design point", "provider"];
    head.extend(WARM_HEAD);
    let mut per_provider = Table::new(&head);
    for r in warm.times.iter().filter(|r| r.provider != ALL_PROVIDERS && r.point < shown) {
        per_provider.row(warm_row(data, r, true));
    }
    if !per_provider.is_empty() {
        page.heading("Per provider");
        page.table(&per_provider);
    }
    page.note(
        "A median (with its Brookmeyer-Crowley interval) is shown once at least half the runs were warm; an upper \
         bound of - was not reached within the horizon. The restricted mean counts a run never warm at the horizon.",
    );
}

/// The indices shown per design: the main one first.
fn indices_of(design: &str) -> &'static [&'static str] {
    match design {
        "sobol" => &["ST", "S1"],
        "morris" => &["mu_star", "sigma"],
        _ => &["prcc"],
    }
}

fn sensitivity_section(page: &mut Page, indices: &[SensitivityRow]) {
    if indices.is_empty() {
        return;
    }
    page.section("sensitivity", "Sensitivity");
    let mut by_metric: BTreeMap<&str, Vec<&SensitivityRow>> = BTreeMap::new();
    for r in indices {
        by_metric.entry(&r.metric).or_default().push(r);
    }
    let design = indices[0].design.as_str();
    let shown = indices_of(design);
    for (metric, rows) in by_metric {
        let (main, others) = (shown[0], &shown[1..]);
        let mut ranked: Vec<&SensitivityRow> = rows.iter().copied().filter(|r| r.index == main).collect();
        ranked.sort_by(|a, b| {
            let key = |r: &SensitivityRow| if r.value.estimate.is_finite() { r.value.estimate.abs() } else { -1.0 };
            key(b).total_cmp(&key(a)).then_with(|| a.parameter.cmp(&b.parameter))
        });
        let mut head = vec!["parameter".to_string(), format!("#{main} [95% interval]")];
        head.extend(others.iter().map(|o| format!("#{o} [95% interval]")));
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        let mut table = Table::new(&head);
        for r in ranked.iter().take(TOP_PARAMETERS) {
            let mut row = vec![Cell::Text(r.parameter.clone()), Cell::Num(estimate(r))];
            for other in others {
                let o = rows.iter().find(|x| x.index == *other && x.parameter == r.parameter);
                row.push(Cell::Num(o.map_or("-".into(), |o| estimate(o))));
            }
            table.row(row);
        }
        let base = metric.strip_prefix(RESTRICTED_PREFIX).unwrap_or(metric);
        page.heading(&format!("{} ({metric})", metric_info(base).title));
        page.table(&table);
    }
    page.note(&format!(
        "The {TOP_PARAMETERS} parameters with the largest {} of each metric ({design} design); sensitivity.csv holds every index.",
        shown[0]
    ));
}

fn estimate(r: &SensitivityRow) -> String {
    let v = &r.value;
    let opt = |x: f64| x.is_finite().then_some(x);
    interval(opt(v.estimate), opt(v.ci_low), opt(v.ci_high), |x| sig(Some(x)))
}

/// The HTML report of an experiment with its `charts` (inline SVG, drawn from the same list
/// as the chart files).
pub(super) fn render(
    info: &ExperimentInfo<'_>,
    data: &ChartData,
    warm: &WarmData,
    indices: &[SensitivityRow],
    charts: &[DrawnChart],
) -> Result<String, ReportError> {
    let (planned, ok, failed, pending) = info.runs;
    let title = format!("ipwarm experiment report: {}", data.name);
    let lead = format!(
        "{} design, {} design point{} x {} replicate{} = {planned} runs ({ok} ok{}{}).",
        info.design,
        data.n_points(),
        if data.n_points() == 1 { "" } else { "s" },
        data.replicates,
        if data.replicates == 1 { "" } else { "s" },
        if failed > 0 { format!(", {failed} failed") } else { String::new() },
        if pending > 0 { format!(", {pending} not run") } else { String::new() },
    );
    let mut page = Page::new(&title, &lead);
    page.section("overview", "Overview");
    if !info.description.trim().is_empty() {
        page.para(info.description.trim());
    }
    let axes = if data.axes.is_empty() { "none".to_string() } else { data.axes.join(", ") };
    page.para(&format!("Axes: {axes}. Seeds: {} (root {}).", info.seeds, info.root_seed));

    page.section("warnings", "Warnings");
    page.warnings(info.warnings);

    page.section("charts", "Charts");
    if charts.is_empty() {
        page.para("No chart: the experiment's [charts] asks for none for this design.");
    }
    page.charts(charts, info.chart_format.extension());

    summary_section(&mut page, data, warm, info);
    warm_section(&mut page, data, warm);
    sensitivity_section(&mut page, indices);

    page.section("files", "Experiment files");
    page.para("What ran, as recorded in this folder (open to read):");
    for (name, text) in info.records {
        page.file_text(name, text);
    }

    page.section("provenance", "Provenance");
    let mut prov = Table::new(&["", ""]);
    let rows = [
        ("ipwarm version (results)", info.results_version.to_string()),
        ("ipwarm version (this report)", crate::VERSION.to_string()),
        ("command", format!("ipwarm {}", info.command)),
        ("experiment", data.name.clone()),
        ("experiment hash (SHA-256)", info.experiment_hash.to_string()),
        ("root seed", info.root_seed.to_string()),
        ("seeds", info.seeds.to_string()),
        ("chart files", format!("{} (the charts here are the same drawings, inline)", info.chart_format)),
    ];
    for (k, v) in rows {
        prov.row(vec![Cell::Text(k.into()), Cell::Text(v)]);
    }
    page.table(&prov);
    page.note(
        "This file has no date on purpose: it is drawn from the folder's files alone, so the same results give the \
         same bytes (ipwarm plot writes it again).",
    );
    page.finish()
}
