//! `ipwarm run [SCENARIO]`: one run, written to daily.csv (or daily.parquet), summary.json and charts (and, with
//! `--events`, the delivery logs its sender would have written: [`super::events`]).

use super::Failure;
use super::owned::{self, DELETE_UNOWNED_HELP, Intent, Staging};
use super::report::{FormatArg, shell_word};
use anyhow::Context;
use clap::{Args, ValueHint};
use ipwarm::report::ChartFormat;
use ipwarm::report::experiment::SeriesFormat;
use ipwarm::report::experiment::series_store;
use ipwarm::report::html::{REPORT_FILE, RunInfo};
use ipwarm::{report, scenario, sim, sweep};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Arguments of `ipwarm run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the embedded default scenario runs.
    #[arg(value_name = "SCENARIO", value_hint = ValueHint::FilePath)]
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>, output/<scenario name>-<strategy> with --strategy].
    /// Replaced as a whole when the run succeeds, if it is empty or holds only files ipwarm wrote.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: Option<PathBuf>,
    #[arg(long, help = DELETE_UNOWNED_HELP)]
    delete_unowned: bool,
    /// Seed of the run [default: the scenario's `seed`]: an integer, or `0x` and hex digits as outputs write seeds.
    #[arg(long, value_name = "N", value_parser = ipwarm::engine::parse_seed)]
    seed: Option<u64>,
    /// Replace the scenario's strategy by a strategy kind on its defaults or a preset
    /// (`ipwarm strategies` lists them), or `NAME:key=value,...` to set parameters too (a kind
    /// then starts from the scenario's own parameters if it is of that kind); the scenario's
    /// segment order is kept.
    #[arg(long, value_name = "NAME", value_parser = super::strategies::StrategyName, hide_possible_values = true)]
    strategy: Option<String>,
    #[command(flatten)]
    format: FormatArg,
    /// How the daily records are stored: csv (daily.csv) or parquet (daily.parquet, the same
    /// columns, read by pandas and polars) [default: csv].
    #[arg(long, value_name = "FORMAT", value_enum)]
    series_format: Option<super::series_files::SeriesFormatArg>,
    #[command(flatten)]
    events: super::events::EventsArgs,
}

/// Runs the scenario and writes its outputs all-or-nothing.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    // A malformed --strategy is reported before the scenario is even read.
    let strategy = args.strategy.as_deref().map(sweep::StrategyArg::parse).transpose().map_err(Failure::input)?;
    let scenario = match &args.scenario {
        Some(path) => scenario::parse_file(path),
        None => scenario::default_scenario(),
    }
    .map_err(Failure::input)?;
    let scenario = match &strategy {
        Some(arg) => {
            let text = match &args.scenario {
                Some(path) => scenario::read_input(path).map_err(Failure::input)?,
                None => scenario::DEFAULT_SCENARIO_TOML.to_string(),
            };
            arg.apply(&scenario, &text).map_err(Failure::input)?
        }
        None => scenario,
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let record = record(&args, &scenario, seed, strategy.as_ref())?;
    let folder = sweep::run_folder_name(&scenario.name, args.strategy.as_deref());
    let dest = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(folder));
    let inputs: Vec<PathBuf> = args.scenario.iter().cloned().collect();
    owned::check_dir(&dest, Intent::Replace, args.delete_unowned, &inputs, "")?;
    if dest.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        owned::check_removable(&dest, &inputs)?;
    }
    let result = sim::run(&scenario, seed)
        .with_context(|| format!("scenario `{}` failed", scenario.name))
        .map_err(Failure::runtime)?;
    let events = args.events.plan(&result, &scenario)?;
    let file_name = args.scenario.as_ref().map(|p| p.display().to_string());
    let format = args.format.get().unwrap_or_default();
    let outputs = Outputs {
        file: file_name.as_deref(),
        record: &record,
        description: &scenario.description,
        command: &command_line(&args, format),
        format,
        series_format: args.series_format.map_or(SeriesFormat::Csv, Into::into),
        events: events.as_ref(),
    };
    let (written, names) = write_outputs(&result, &outputs, &dest, args.delete_unowned).map_err(Failure::runtime)?;
    out!("{}", report::summary_table(&result));
    outln!("strategy: {}", scenario.strategy.label());
    outln!("\nwrote {}:", written.display());
    for name in names {
        outln!("  {name}");
    }
    for warning in report::warnings(&result) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// The run's `scenario.toml`: the scenario that runs, after `--strategy` and `--seed`.
fn record(
    args: &RunArgs,
    ran: &scenario::Scenario,
    seed: u64,
    strategy: Option<&sweep::StrategyArg>,
) -> Result<String, Failure> {
    let (text, origin) = match &args.scenario {
        Some(path) => (scenario::read_input(path).map_err(Failure::input)?, path.display().to_string()),
        None => (scenario::DEFAULT_SCENARIO_TOML.to_string(), "the default scenario".to_string()),
    };
    sweep::scenario_record(&text, &origin, ran, seed, strategy).map_err(Failure::runtime)
}

/// The command that ran, as a user would type it again (without `--out`), for `report.html`.
fn command_line(args: &RunArgs, format: ChartFormat) -> String {
    let mut words = vec!["ipwarm".to_string(), "run".to_string()];
    words.extend(args.scenario.iter().map(|p| shell_word(&p.display().to_string())));
    if let Some(strategy) = &args.strategy {
        words.extend(["--strategy".to_string(), shell_word(strategy)]);
    }
    if let Some(seed) = args.seed {
        words.extend(["--seed".to_string(), ipwarm::engine::seed_text(seed)]);
    }
    if format != ChartFormat::Png {
        words.extend(["--format".to_string(), format.to_string()]);
    }
    if let Some(series) = args.series_format.map(SeriesFormat::from).filter(|f| *f != SeriesFormat::Csv) {
        words.extend(["--series-format".to_string(), series.to_string()]);
    }
    words.extend(args.events.words());
    words.join(" ")
}

/// What a run writes besides its result.
struct Outputs<'a> {
    /// The scenario file as given, if any.
    file: Option<&'a str>,
    /// The text of `scenario.toml`.
    record: &'a str,
    /// The scenario's description.
    description: &'a str,
    /// The command, for the report.
    command: &'a str,
    /// The chart files' format.
    format: ChartFormat,
    /// How the daily records are stored.
    series_format: SeriesFormat,
    /// The simulated delivery logs of `--events`, if any.
    events: Option<&'a super::events::Planned>,
}

/// Writes every output into a staging folder and swaps it in for `dest`; returns the folder
/// and the names of the files written, in order.
fn write_outputs(
    result: &sim::RunResult,
    outputs: &Outputs<'_>,
    dest: &Path,
    delete_unowned: bool,
) -> anyhow::Result<(PathBuf, Vec<String>)> {
    let mut staging = Staging::new(dest, "run", delete_unowned)?;
    let record = outputs.record;
    staging.create(sweep::SCENARIO_RECORD)?.write_all(record.as_bytes()).context("cannot write scenario.toml")?;
    let daily = match outputs.series_format {
        SeriesFormat::Csv => {
            let mut csv = BufWriter::new(staging.create("daily.csv")?);
            report::write_daily_csv(result, &mut csv).context("cannot write daily.csv")?;
            csv.flush().context("cannot write daily.csv")?;
            "daily.csv"
        }
        SeriesFormat::Parquet => {
            let bytes = series_store::encode_daily(&report::daily_columns(result))?;
            staging.create(series_store::DAILY_PARQUET)?.write_all(&bytes).context("cannot write daily.parquet")?;
            series_store::DAILY_PARQUET
        }
    };
    let mut json = BufWriter::new(staging.create("summary.json")?);
    report::write_summary_json(result, outputs.file, &mut json).context("cannot write summary.json")?;
    json.flush().context("cannot write summary.json")?;
    let charts = report::write_charts_as(result, staging.path(), outputs.format).context("cannot draw charts")?;
    staging.adopt(&charts)?;
    // Plain SHA-256 of the file, so that `sha256sum scenario.toml` checks it.
    let hash: String = {
        use sha2::Digest as _;
        sha2::Sha256::digest(record.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    };
    let info = RunInfo {
        scenario_file: outputs.file,
        description: outputs.description,
        scenario_record: record,
        scenario_hash: &hash,
        command: outputs.command,
        chart_format: outputs.format,
    };
    let html = report::html::run_report(result, &info).context("cannot write report.html")?;
    staging.create(REPORT_FILE)?.write_all(html.as_bytes()).context("cannot write report.html")?;
    let mut names: Vec<String> = [daily, "summary.json", sweep::SCENARIO_RECORD].map(String::from).to_vec();
    names.extend(charts.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()));
    names.push(REPORT_FILE.to_string());
    if let Some(events) = outputs.events {
        names.extend(events.write(&mut staging)?);
    }
    Ok((staging.commit()?, names))
}
