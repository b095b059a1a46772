//! `ipwarm export PLAN --format csv|kumomta|halon|scenario`: a scenario's plan
//! (for example the optimiser's `best_plan.toml`) as the day-by-day schedule
//! an MTA reads, written all-or-nothing into one folder per format.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum, ValueHint};
use ipwarm::export::{self, PlanSchedule};
use ipwarm::observed::CivilDate;
use ipwarm::scenario;

use super::Failure;
use super::owned::{self, DELETE_UNOWNED_HELP, Intent, Staging};

/// Examples of `ipwarm export`.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm export output/fastest_safe/best_plan.toml --format kumomta
                                              KumoMTA shaping files, one per plan day, in output/best_plan-kumomta/
  ipwarm export my.toml --format halon --start 2026-04-06 --out halon/
                                              Halon warm-up plugin config with day 1 on 6 April 2026
  ipwarm export my.toml --format csv          schedule.csv: day, date, provider, ip, address, messages_per_day
  ipwarm export my.toml --format scenario     schedule_scenario.toml: the plan as a `schedule` strategy;
                                              `ipwarm run` of it at the same seed gives the same daily.csv
  ipwarm export my.toml --format csv --seed 7 an adaptive strategy's plan at seed 7 (it plans from what it observes)

Files: csv -> schedule.csv; kumomta -> shaping-day-NNN.toml (one per plan day), sources.toml, README.txt;
halon -> warmup.yaml; scenario -> schedule_scenario.toml. Formats and limits: docs/OPTIMIZE.md, \"Export\".

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// schedule.csv: new messages per day, provider and IP.
    Csv,
    /// KumoMTA traffic shaping: a shaping file per plan day, sources.toml and README.txt.
    Kumomta,
    /// Halon's warm-up plugin (halon-extras/warmup): warmup.yaml for smtpd-app.yaml.
    Halon,
    /// schedule_scenario.toml: the scenario with its strategy replaced by a `schedule` of the plan.
    Scenario,
}

impl ExportFormat {
    fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Kumomta => "kumomta",
            ExportFormat::Halon => "halon",
            ExportFormat::Scenario => "scenario",
        }
    }
}

/// Arguments of `ipwarm export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The plan: a scenario file (TOML), for example an optimisation's best_plan.toml.
    #[arg(value_name = "PLAN", value_hint = ValueHint::FilePath)]
    plan: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// Output folder [default: output/<scenario name>-<format>]. Replaced as a whole, if it is empty or
    /// holds only files ipwarm wrote.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: Option<PathBuf>,
    #[arg(long, help = DELETE_UNOWNED_HELP)]
    delete_unowned: bool,
    /// Seed of the run that records the plan [default: the scenario's `seed`]; a strategy that adapts to
    /// what it observes plans differently at each seed.
    #[arg(long, value_name = "N", value_parser = ipwarm::engine::parse_seed)]
    seed: Option<u64>,
    /// Date of the plan's day 1 (UTC) [default: 2026-03-02, or the first day after it on the weekday of the
    /// scenario's day 1 when its calendar has days off].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    start: Option<CivilDate>,
}

/// `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<CivilDate, String> {
    CivilDate::parse(text).ok_or_else(|| format!("expected a date YYYY-MM-DD, got `{text}`"))
}

/// Records the plan and writes the format's files all-or-nothing.
pub fn export(args: ExportArgs) -> Result<(), Failure> {
    let text = scenario::read_input(&args.plan).map_err(Failure::input)?;
    let scenario = scenario::parse(&text, &args.plan.display().to_string()).map_err(Failure::input)?;
    let seed = args.seed.unwrap_or(scenario.seed);
    let mut plan = export::plan_schedule(&scenario, seed)
        .with_context(|| format!("scenario `{}` failed", scenario.name))
        .map_err(Failure::runtime)?;
    if let Some(start) = args.start {
        plan.set_start(start).map_err(|e| Failure::input(anyhow!("--start: {e}")))?;
    }
    let files = files(args.format, &text, &scenario, &plan)?;
    let dest = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-{}", scenario.name, args.format.name())));
    let inputs = vec![args.plan.clone()];
    owned::check_dir(&dest, Intent::Replace, args.delete_unowned, &inputs, "")?;
    if dest.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        owned::check_removable(&dest, &inputs)?;
    }
    let written = write(&dest, &files, args.delete_unowned).map_err(Failure::runtime)?;
    let seed_text = ipwarm::engine::seed_text(seed);
    outln!("plan of `{}` ({}) at seed {seed_text}, day 1 = {}", plan.scenario, plan.strategy, plan.start_date);
    outln!("wrote {}:", written.display());
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    match names.as_slice() {
        [first, .., last_day, sources, readme] if names.len() > 6 => {
            outln!("  {first} .. {last_day} ({} files)", names.len() - 2);
            outln!("  {sources}\n  {readme}");
        }
        _ => names.iter().for_each(|n| outln!("  {n}")),
    }
    for warning in warnings(args.format, &scenario, &plan) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// The files of `format`: (name, text).
fn files(
    format: ExportFormat,
    text: &str,
    scenario: &scenario::Scenario,
    plan: &PlanSchedule,
) -> Result<Vec<(String, String)>, Failure> {
    Ok(match format {
        ExportFormat::Csv => {
            let mut bytes = Vec::new();
            export::write_schedule_csv(plan, &mut bytes)
                .context("cannot write schedule.csv")
                .map_err(Failure::runtime)?;
            vec![("schedule.csv".to_string(), String::from_utf8_lossy(&bytes).into_owned())]
        }
        ExportFormat::Kumomta => export::kumomta_files(plan),
        ExportFormat::Halon => vec![("warmup.yaml".to_string(), export::halon_yaml(plan))],
        ExportFormat::Scenario => {
            let out = export::schedule_scenario(scenario, plan, text).map_err(|e| Failure::runtime(anyhow!(e)))?;
            vec![("schedule_scenario.toml".to_string(), out)]
        }
    })
}

/// What the user should know about the export.
fn warnings(format: ExportFormat, scenario: &scenario::Scenario, plan: &PlanSchedule) -> Vec<String> {
    let mut out = Vec::new();
    if plan.adaptive {
        out.push(format!(
            "strategy {} adapts to what it observes: this is its plan at seed {} only",
            plan.strategy, plan.seed
        ));
    }
    if matches!(format, ExportFormat::Kumomta | ExportFormat::Halon) {
        for provider in plan.providers.iter().filter(|p| export::mx_suffixes(p).is_empty()) {
            out.push(format!("provider `{provider}` has no known MX hosts: its plan is not enforced by these files"));
        }
    }
    if format == ExportFormat::Scenario
        && let Some(difference) = export::routing_difference(scenario, plan)
    {
        out.push(difference);
    }
    out
}

/// Writes `files` into a staging folder swapped in for `dest`.
fn write(dest: &std::path::Path, files: &[(String, String)], delete_unowned: bool) -> anyhow::Result<PathBuf> {
    let mut staging = Staging::new(dest, "export", delete_unowned)?;
    for (name, text) in files {
        staging.create(name)?.write_all(text.as_bytes()).with_context(|| format!("cannot write {name}"))?;
    }
    staging.commit()
}
