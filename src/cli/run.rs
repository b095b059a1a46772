//! `ipwarm run [SCENARIO]`: one run, written to daily.csv, summary.json and charts.

use super::Failure;
use super::owned::{self, DELETE_UNOWNED_HELP, Intent, Staging};
use anyhow::Context;
use clap::Args;
use ipwarm::{report, scenario, sim, strategy, sweep};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `ipwarm run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML). Without it, the embedded default scenario runs.
    #[arg(value_name = "SCENARIO")]
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>]. Replaced as a whole when the run succeeds,
    /// if it is empty or holds only files ipwarm wrote.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[arg(long, help = DELETE_UNOWNED_HELP)]
    delete_unowned: bool,
    /// Seed of the run [default: the scenario's `seed`].
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Replace the scenario's strategy by a strategy kind on its defaults or a preset
    /// (`ipwarm strategies` lists them), or `NAME:key=value,...` to set parameters too (a kind
    /// then starts from the scenario's own parameters if it is of that kind); the scenario's
    /// segment order is kept.
    #[arg(long, value_name = "NAME")]
    strategy: Option<String>,
}

/// Runs the scenario and writes its outputs all-or-nothing.
pub fn run(args: RunArgs) -> Result<(), Failure> {
    let scenario = match &args.scenario {
        Some(path) => scenario::parse_file(path),
        None => scenario::default_scenario(),
    }
    .map_err(Failure::input)?;
    let scenario = match &args.strategy {
        Some(name) if name.contains(':') => {
            let (text, file) = match &args.scenario {
                Some(path) => (scenario::read_input(path).map_err(Failure::input)?, path.display().to_string()),
                None => (scenario::DEFAULT_SCENARIO_TOML.to_string(), "the default scenario".to_string()),
            };
            with_strategy_table(&text, &file, name)?
        }
        Some(name) => with_strategy(scenario, name)?,
        None => scenario,
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let dest = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let inputs: Vec<PathBuf> = args.scenario.iter().cloned().collect();
    owned::check_dir(&dest, Intent::Replace, args.delete_unowned, &inputs, "")?;
    if dest.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        owned::check_removable(&dest, &inputs)?;
    }
    let result = sim::run(&scenario, seed)
        .with_context(|| format!("scenario `{}` failed", scenario.name))
        .map_err(Failure::runtime)?;
    let file_name = args.scenario.as_ref().map(|p| p.display().to_string());
    let written = write_outputs(&result, file_name.as_deref(), &dest, args.delete_unowned).map_err(Failure::runtime)?;
    out!("{}", report::summary_table(&result));
    outln!("strategy: {}", scenario.strategy.label());
    outln!("\nwrote {}:", written.display());
    for name in ["daily.csv", "summary.json", "outcomes.png", "reputation.png", "rates.png"] {
        outln!("  {name}");
    }
    for warning in report::warnings(&result) {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

/// `scenario` with its strategy replaced by the kind or preset `name`.
fn with_strategy(mut scenario: scenario::Scenario, name: &str) -> Result<scenario::Scenario, Failure> {
    let (kind, preset) = strategy::catalog::by_name(name).map_err(Failure::input)?;
    if let Err(message) = kind.check_ips(&scenario.ips) {
        return Err(Failure::input(anyhow::anyhow!("--strategy {name}: {message} in scenario `{}`", scenario.name)));
    }
    scenario.strategy = strategy::StrategySpec { kind, preset: preset.map(str::to_string), ..scenario.strategy };
    Ok(scenario)
}

/// The scenario `text` (from `file`) with its `[strategy]` table replaced as
/// `NAME:key=value,...` says, validated like a file's (as `ipwarm compare` does).
fn with_strategy_table(text: &str, file: &str, name: &str) -> Result<scenario::Scenario, Failure> {
    let mut doc: toml::Table =
        toml::from_str(text).with_context(|| format!("cannot read {file}")).map_err(Failure::input)?;
    let own = doc.get("strategy").and_then(toml::Value::as_table);
    let table =
        sweep::strategy_table(name, own).map_err(|m| Failure::input(anyhow::anyhow!("--strategy {name}: {m}")))?;
    doc.insert("strategy".into(), toml::Value::Table(table));
    let text = toml::to_string(&doc).context("cannot write the scenario back").map_err(Failure::runtime)?;
    scenario::parse(&text, &format!("{file} with --strategy {name}")).map_err(Failure::input)
}

fn write_outputs(
    result: &sim::RunResult,
    file: Option<&str>,
    dest: &std::path::Path,
    delete_unowned: bool,
) -> anyhow::Result<PathBuf> {
    let mut staging = Staging::new(dest, "run", delete_unowned)?;
    let mut csv = BufWriter::new(staging.create("daily.csv")?);
    report::write_daily_csv(result, &mut csv).context("cannot write daily.csv")?;
    csv.flush().context("cannot write daily.csv")?;
    let mut json = BufWriter::new(staging.create("summary.json")?);
    report::write_summary_json(result, file, &mut json).context("cannot write summary.json")?;
    json.flush().context("cannot write summary.json")?;
    let charts = report::write_charts(result, staging.path()).context("cannot draw charts")?;
    staging.adopt(&charts)?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_with_parameters_is_validated_like_a_file() {
        let text = scenario::DEFAULT_SCENARIO_TOML;
        let s = with_strategy_table(text, "default", "exponential:growth=1.5,target=20000").expect("valid");
        match s.strategy.kind {
            strategy::StrategyKind::Exponential(p) => assert_eq!((p.growth, p.target), (1.5, Some(20_000.0))),
            other => panic!("exponential, got {other:?}"),
        }
        let s = with_strategy_table(text, "default", "ses_auto:daily_volume=5000").expect("valid");
        assert_eq!(s.strategy.preset.as_deref(), Some("ses_auto"));
        let e = with_strategy_table(text, "default", "exponential:growth=0.9").unwrap_err().error.to_string();
        assert!(e.contains("strategy.growth: must be > 1, got 0.9"), "{e}");
        let e = with_strategy_table(text, "default", "linear:grwth=2").unwrap_err().error.to_string();
        assert!(e.contains("strategy.grwth: unknown key, did you mean `growth`?"), "{e}");
    }
}
