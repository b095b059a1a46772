//! The report of one run: key figures, warnings, the charts, per-provider results, totals,
//! the scenario that ran and where the results come from.

use crate::engine::seed_text;
use crate::report::aggregate::{Aggregates, ProviderDay, complaint_rate, deferral_rate, name_of};
use crate::report::canvas::{ChartFormat, DrawnChart};
use crate::report::{ReportError, warnings};
use crate::sim::{Counts, ReputationLevel, RunResult};

use super::page::{Cell, Page, Table, grouped, pct, rate_pct};

/// What a run's report says besides its result: where the scenario came from and how the
/// run was asked for. No date: the same inputs give the same file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo<'a> {
    /// The scenario file as given on the command line; `None` for the embedded default scenario.
    pub scenario_file: Option<&'a str>,
    /// The scenario's description (free text from its file).
    pub description: &'a str,
    /// The scenario that ran, as the folder's `scenario.toml` records it.
    pub scenario_record: &'a str,
    /// A hash of that record (SHA-256, hex).
    pub scenario_hash: &'a str,
    /// The command that ran, as a user would type it again.
    pub command: &'a str,
    /// The format of the chart files written beside the report.
    pub chart_format: ChartFormat,
}

/// The highest daily value of `rate` over `days` (1-based day, value, the day's counts); `None`
/// when it is 0 (or undefined) every day.
fn peak<'a>(
    days: impl Iterator<Item = (usize, &'a Counts)>,
    rate: fn(&Counts) -> Option<f64>,
) -> Option<(usize, f64, &'a Counts)> {
    days.filter_map(|(d, c)| Some((d + 1, rate(c)?, c)))
        .fold(None, |best, (d, r, c)| match best {
            Some((_, b, _)) if b >= r => best,
            _ => Some((d, r, c)),
        })
        .filter(|(_, r, _)| *r > 0.0)
}

/// `0.41% (day 3: 2 of 488)`.
fn complaint_peak(p: Option<(usize, f64, &Counts)>) -> String {
    p.map_or_else(
        || "0%".into(),
        |(day, r, c)| {
            format!("{} (day {day}: {} of {})", rate_pct(Some(r), 2), grouped(c.complaints), grouped(c.inbox))
        },
    )
}

/// `12.5% (day 4)`.
fn deferral_peak(p: Option<(usize, f64, &Counts)>) -> String {
    p.map_or_else(|| "0%".into(), |(day, r, _)| format!("{} (day {day})", rate_pct(Some(r), 1)))
}

/// The cells of one provider's (or all providers') row after its name and share.
fn outcome_cells(totals: &Counts, days: &[Counts]) -> Vec<Cell> {
    let days = || days.iter().enumerate();
    vec![
        Cell::Num(pct(totals.inbox, totals.sent, 1)),
        Cell::Num(pct(totals.junk, totals.sent, 1)),
        Cell::Num(pct(totals.blocked, totals.sent, 1)),
        Cell::Num(complaint_peak(peak(days(), complaint_rate))),
        Cell::Num(deferral_peak(peak(days(), deferral_rate))),
    ]
}

/// The HTML report of `result` with its `charts` (inline SVG, drawn from the same list as the
/// chart files).
pub(super) fn render(result: &RunResult, info: &RunInfo<'_>, charts: &[DrawnChart]) -> Result<String, ReportError> {
    let agg = Aggregates::new(result);
    let t = &result.totals;
    let n_providers = agg.n_providers;
    let warm: Vec<u32> = result.warm_day.iter().flatten().copied().collect();
    let title = format!("ipwarm run report: {}", result.scenario);
    let lead = format!(
        "Strategy {}, seed {}, {} days, {} provider{}, {} IP{}.",
        result.strategy.label(),
        seed_text(result.seed),
        result.horizon_days,
        n_providers,
        if n_providers == 1 { "" } else { "s" },
        result.ip_names.len(),
        if result.ip_names.len() == 1 { "" } else { "s" },
    );
    let mut page = Page::new(&title, &lead);

    page.section("key-figures", "Key figures");
    if !info.description.trim().is_empty() {
        page.para(info.description.trim());
    }
    let day_totals: Vec<Counts> = (0..agg.n_days).map(|d| agg.day_totals(d)).collect();
    let warm_key = match warm.iter().max() {
        Some(last) if warm.len() == n_providers => format!("providers warm, the last on day {last}"),
        _ => "providers warm by the end".to_string(),
    };
    page.figures(&[
        (grouped(t.sent), "messages sent".into()),
        (pct(t.inbox, t.sent, 1), "of sent reached the inbox".into()),
        (pct(t.junk, t.sent, 1), "went to junk".into()),
        (pct(t.blocked, t.sent, 1), "blocked (5xx)".into()),
        (format!("{} of {n_providers}", warm.len()), warm_key),
        (
            peak(day_totals.iter().enumerate(), complaint_rate).map_or("0%".into(), |(_, r, _)| rate_pct(Some(r), 2)),
            "peak daily complaint rate (all providers)".into(),
        ),
    ]);
    let ips: Vec<String> = result
        .ip_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let kind = if result.ip_dedicated.get(i).copied().unwrap_or(false) { "dedicated" } else { "shared pool" };
            format!("{name} ({kind})")
        })
        .collect();
    page.para(&format!("IPs: {}.", ips.join(", ")));

    page.section("warnings", "Warnings");
    page.warnings(&warnings(result));

    page.section("charts", "Charts");
    page.charts(charts, info.chart_format.extension());

    page.section("providers", "Per provider");
    let mut table = Table::new(&[
        "provider",
        "#share of sent",
        "#warm day",
        "#inbox",
        "#junk",
        "#blocked",
        "#peak complaint rate (complaints of inbox)",
        "#peak deferral rate",
        "final reputation",
    ]);
    for p in 0..n_providers {
        let days: Vec<Counts> = agg.provider_days(p).map(|d: &ProviderDay| d.counts).collect();
        let totals = agg.provider_totals(p);
        let mut row = vec![
            Cell::Text(name_of(&result.provider_names, p).into_owned()),
            Cell::Num(format!("{:.1}%", agg.provider_share(p, t.sent) * 100.0)),
            Cell::Num(result.warm_day.get(p).copied().flatten().map_or("not warm".into(), |d| d.to_string())),
        ];
        row.extend(outcome_cells(&totals, &days));
        row.push(Cell::Text(
            agg.final_reputation(p)
                .map_or("-".into(), |s| format!("{s:.2} ({})", ReputationLevel::from_score(s).as_str())),
        ));
        table.row(row);
    }
    let mut all = vec![Cell::Text("all providers".into()), Cell::Num("100%".into()), Cell::Num(String::new())];
    all.extend(outcome_cells(t, &day_totals));
    all.push(Cell::Text(String::new()));
    table.row(all);
    page.table(&table);
    page.note(
        "Shares are of the messages sent to the provider (bounced and expired mail: see the totals). A provider is warm when the sender's dedicated IPs \
         (all IPs if none is) reach and keep the reputation the warm rule asks for (see docs/MODEL.md). The \
         complaint rate is complaints per message delivered to the inbox; a peak on a day with few inbox \
         messages is shown with its counts.",
    );

    page.section("totals", "Totals");
    let mut totals = Table::new(&["outcome", "#messages", "#share of sent"]);
    let rows: [(&str, u64); 8] = [
        ("sent (new messages)", t.sent),
        ("inbox", t.inbox),
        ("junk", t.junk),
        ("blocked (5xx)", t.blocked),
        ("bounced", t.bounced),
        ("expired in queue", t.expired),
        ("still queued at the end", result.queued_at_end),
        ("deferrals (4xx replies)", t.deferred),
    ];
    for (name, n) in rows {
        totals.row(vec![Cell::Text(name.into()), Cell::Num(grouped(n)), Cell::Num(pct(n, t.sent, 2))]);
    }
    for (name, n, of) in [("complaints", t.complaints, t.inbox), ("opens", t.opens, t.inbox)] {
        totals.row(vec![
            Cell::Text(format!("{name} (share of inbox)")),
            Cell::Num(grouped(n)),
            Cell::Num(pct(n, of, 3)),
        ]);
    }
    page.table(&totals);
    page.note(
        "Every message sent ends in exactly one of inbox, junk, blocked, bounced or expired, or is still queued; \
         deferrals count replies, so a message deferred twice counts twice.",
    );

    page.section("scenario", "Scenario");
    let origin = info.scenario_file.unwrap_or("the embedded default scenario");
    page.para(&format!("From {origin}; the folder's scenario.toml holds it as it ran (open below)."));
    page.file_text("scenario.toml", info.scenario_record);

    page.section("provenance", "Provenance");
    let mut prov = Table::new(&["", ""]);
    let rows = [
        ("ipwarm version", crate::VERSION.to_string()),
        ("command", info.command.to_string()),
        ("scenario", result.scenario.clone()),
        ("scenario file", origin.to_string()),
        ("scenario hash (SHA-256 of scenario.toml)", info.scenario_hash.to_string()),
        ("strategy", result.strategy.label()),
        ("seed", seed_text(result.seed)),
        ("chart files", format!("{} (the charts here are the same drawings, inline)", info.chart_format)),
    ];
    for (k, v) in rows {
        prov.row(vec![Cell::Text(k.into()), Cell::Text(v)]);
    }
    page.table(&prov);
    page.note("This file has no date on purpose: the same scenario and seed give the same bytes.");
    page.finish()
}
