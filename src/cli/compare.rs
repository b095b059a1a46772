//! `ipwarm compare SCENARIO... [--strategy NAME...]`: compare whole scenarios,
//! or strategies on a scenario, over replicates with common random numbers.

use std::path::PathBuf;

use clap::{Args, ValueHint};
use ipwarm::scenario;
use ipwarm::sweep::{self, CompareInput};

use super::Failure;
use super::sweep::{RunFlags, print_runs};
use super::sweep_dir::run_plan;

/// Arguments of `ipwarm compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files to compare [default: the embedded default scenario].
    #[arg(value_name = "SCENARIO", value_hint = ValueHint::FilePath)]
    scenarios: Vec<PathBuf>,
    /// Replicates per scenario and strategy.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    replicates: u32,
    /// A strategy to run on every scenario, named as for `ipwarm run --strategy` (a kind or a preset, see `ipwarm strategies`), or `NAME:key=value,...` to set parameters; repeat to compare several.
    #[arg(
        long = "strategy",
        value_name = "NAME",
        value_parser = super::strategies::StrategyName,
        hide_possible_values = true
    )]
    strategies: Vec<String>,
    /// Root seed of the run seeds: an integer, or `0x` and hex digits as outputs write seeds.
    #[arg(long, value_name = "N", default_value = "1", value_parser = ipwarm::engine::parse_seed)]
    seed: u64,
    #[command(flatten)]
    run: RunFlags,
    /// Print the expanded runs and exit.
    #[arg(long)]
    dry_run: bool,
}

/// Builds the comparison and runs it.
pub fn compare(args: CompareArgs) -> Result<(), Failure> {
    let scenarios = if args.scenarios.is_empty() {
        vec![("scenarios/default.toml (embedded)".to_string(), scenario::DEFAULT_SCENARIO_TOML.to_string())]
    } else {
        args.scenarios
            .iter()
            .map(|p| scenario::read_input(p).map(|t| (p.display().to_string(), t)).map_err(Failure::input))
            .collect::<Result<_, _>>()?
    };
    let input = CompareInput { scenarios, strategies: args.strategies, replicates: args.replicates, seed: args.seed };
    let plan = sweep::compare_plan(&input).map_err(Failure::input)?;
    let shard = args.run.shard()?;
    if args.dry_run {
        print_runs(&plan, shard);
        return Ok(());
    }
    let records = sweep::compare_records(&input, &plan).map_err(Failure::runtime)?;
    let (opts, dir) = args.run.options(&plan, shard, "compare", args.scenarios.clone());
    run_plan(&plan, &records, &dir, &opts)
}
