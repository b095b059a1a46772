//! Command-line interface: clap definitions, commands, and the mapping of
//! errors to exit codes. This is the only module that prints or touches files.

#[macro_use]
mod stdout;
mod compare;
mod merge;
mod owned;
mod plot;
mod progress;
mod run;
mod strategies;
mod sweep;
mod sweep_dir;
mod test_hooks;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  ipwarm run                                  run the embedded default scenario into output/default/
  ipwarm run scenarios/blast.toml --seed 7    run a scenario file with another seed
  ipwarm run my.toml --out results/my-run     choose the output folder
  ipwarm run --strategy kumo_conservative     the default scenario with another strategy (a kind or a preset)
  ipwarm strategies                           list every strategy and preset with its parameters and source
  ipwarm validate scenarios/*.toml            check scenario files without running them
  ipwarm sweep experiments/strategies.toml    run an experiment: runs.csv, summaries and charts in output/<name>/
  ipwarm compare --strategy exponential --strategy adaptive --replicates 20
                                              compare strategies on the default scenario
  ipwarm sweep exp.toml --shard 2/3           run one shard; `ipwarm merge DIR... --out DIR` combines them
  ipwarm plot output/strategies               redraw an experiment's charts from its CSV files

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// ipwarm: simulate the warm-up of a sending IP at each mailbox provider.
#[derive(Debug, Parser)]
#[command(name = "ipwarm", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Fault injection for ipwarm's own tests (see src/cli/test_hooks.rs).
    #[arg(long = "test-hook", value_name = "NAME=VALUE", global = true, hide = true)]
    test_hooks: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one scenario and write daily.csv, summary.json and PNG charts.
    #[command(after_help = EXAMPLES)]
    Run(run::RunArgs),
    /// Check scenario files without running them; exit 0 when every file is valid.
    #[command(after_help = EXAMPLES)]
    Validate(validate::ValidateArgs),
    /// List every strategy kind and preset with its parameters, defaults and source.
    #[command(after_help = EXAMPLES)]
    Strategies(strategies::StrategiesArgs),
    /// Run an experiment file: design points x replicates in parallel, with summaries and charts.
    #[command(after_help = EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Compare scenarios or strategies over replicates (common random numbers, paired differences).
    #[command(after_help = EXAMPLES)]
    Compare(compare::CompareArgs),
    /// Combine the folders of a sharded sweep into the files of the unsharded sweep.
    #[command(after_help = EXAMPLES)]
    Merge(merge::MergeArgs),
    /// Redraw an experiment's charts from its CSV summaries.
    #[command(after_help = EXAMPLES)]
    Plot(plot::PlotArgs),
}

/// An error that knows its exit code.
#[derive(Debug)]
pub struct Failure {
    /// 1 runtime failure, 2 bad input.
    pub code: u8,
    /// What went wrong.
    pub error: anyhow::Error,
}

impl Failure {
    /// Bad input (exit code 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        Self { code: 2, error: error.into() }
    }

    /// Runtime failure (exit code 1).
    pub fn runtime(error: impl Into<anyhow::Error>) -> Self {
        Self { code: 1, error: error.into() }
    }
}

/// Parses arguments, runs the command and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(f) = test_hooks::install(&cli.test_hooks) {
        eprintln!("error: {:#}", f.error);
        return ExitCode::from(f.code);
    }
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Strategies(args) => strategies::strategies(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Compare(args) => compare::compare(args),
        Command::Merge(args) => merge::merge(args),
        Command::Plot(args) => plot::plot(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {:#}", f.error);
            ExitCode::from(f.code)
        }
    }
}
