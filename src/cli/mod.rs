//! Command-line interface: clap definitions, commands, and the mapping of
//! errors to exit codes. This is the only module that prints or touches files.

#[macro_use]
mod stdout;
mod compare;
mod completions;
mod errors;
mod events;
mod export;
mod fit;
mod ingest;
mod init;
mod malloc;
mod man;
mod merge;
mod optimize;
mod owned;
mod plot;
mod progress;
mod report;
mod run;
mod schema;
mod sensitivity;
mod series_files;
mod strategies;
mod sweep;
mod sweep_dir;
mod test_hooks;
mod validate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use errors::message;

const EXAMPLES: &str = "\
Examples:
  ipwarm run                                  run the embedded default scenario into output/default/
  ipwarm run scenarios/blast.toml --seed 7    run a scenario file with another seed
  ipwarm run my.toml --out results/my-run     choose the output folder
  ipwarm run --format svg                     charts as SVG (report.html shows them inline either way)
  ipwarm run --strategy kumo_conservative     the default scenario with another strategy (a kind or a preset)
  ipwarm strategies                           list every strategy and preset with its parameters and source
  ipwarm validate scenarios/*.toml            check scenario (or experiment) files without running them
  ipwarm init scenario --out my.toml          write a commented scenario to start from (or `init experiment`)
  ipwarm sweep experiments/strategies.toml    run an experiment: runs.csv, summaries and charts in output/<name>/
  ipwarm compare --strategy exponential --strategy adaptive --replicates 20
                                              compare strategies on the default scenario
  ipwarm sweep exp.toml --shard 2/3           run one shard; `ipwarm merge DIR... --out DIR` combines them
  ipwarm run --events ses --events csv        also write the delivery log and observed.csv the run's sender would see
  ipwarm ingest ses events.jsonl --out observed.csv
                                              daily counts per provider and IP from delivery logs
  ipwarm fit observed.csv --scenario my.toml --forecast 30
                                              fit the providers to that data and forecast 30 more days
  ipwarm optimize optimizations/optimize.toml
                                              the fastest plan that stays safe, verified and compared with the presets
  ipwarm plot output/strategies               redraw an experiment's charts from its CSV files
  ipwarm export plan.toml --format kumomta    the plan as KumoMTA shaping files (or csv, halon, scenario)
  ipwarm completions bash                     shell completions; `ipwarm man` prints the manual page

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
    /// Run one scenario and write daily.csv, summary.json, charts (PNG or SVG) and report.html.
    #[command(after_help = EXAMPLES)]
    Run(run::RunArgs),
    /// Check scenario and experiment files without running them; exit 0 when every file is valid.
    #[command(after_help = EXAMPLES)]
    Validate(validate::ValidateArgs),
    /// Write a commented scenario or experiment file to start from.
    #[command(after_help = init::EXAMPLES)]
    Init(init::InitArgs),
    /// List every strategy kind and preset with its parameters, defaults and source.
    #[command(after_help = EXAMPLES)]
    Strategies(strategies::StrategiesArgs),
    /// Run an experiment file: design points x replicates in parallel, with summaries and charts.
    #[command(after_help = EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Compare scenarios or strategies over replicates (common random numbers, paired differences).
    #[command(after_help = EXAMPLES)]
    Compare(compare::CompareArgs),
    /// Normalise delivery logs and provider exports (SES, KumoMTA, Postfix, Postmaster Tools, SNDS) into observed.csv.
    #[command(after_help = ingest::EXAMPLES)]
    Ingest(ingest::IngestArgs),
    /// Combine the folders of a sharded sweep into the files of the unsharded sweep.
    #[command(after_help = EXAMPLES)]
    Merge(merge::MergeArgs),
    /// Fit provider parameters to a sender's observed delivery data (ABC-SMC), and forecast the warm-up.
    #[command(after_help = fit::EXAMPLES)]
    Fit(fit::FitArgs),
    /// Write a scenario's plan as the schedule an MTA reads (CSV, KumoMTA shaping, Halon warm-up) or as a schedule scenario.
    #[command(after_help = export::EXAMPLES)]
    Export(export::ExportArgs),
    /// Search a family of warm-up plans for the fastest that keeps the chance of trouble under limits, verify it and compare it with the presets.
    #[command(after_help = optimize::EXAMPLES)]
    Optimize(optimize::OptimizeArgs),
    /// Redraw an experiment's charts and report.html from its CSV summaries.
    #[command(after_help = EXAMPLES)]
    Plot(plot::PlotArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one page per command into a folder.
    #[command(after_help = man::EXAMPLES)]
    Man(man::ManArgs),
    /// Print the JSON Schema of scenario or experiment files, for editors.
    #[command(after_help = schema::EXAMPLES)]
    Schema(schema::SchemaArgs),
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
    malloc::tune();
    let cli = Cli::parse();
    if let Err(f) = test_hooks::install(&cli.test_hooks) {
        eprintln!("error: {}", message(&f.error));
        return ExitCode::from(f.code);
    }
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Strategies(args) => strategies::strategies(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Compare(args) => compare::compare(args),
        Command::Merge(args) => merge::merge(args),
        Command::Ingest(args) => ingest::ingest(args),
        Command::Fit(args) => fit::fit(args),
        Command::Optimize(args) => optimize::optimize(args),
        Command::Export(args) => export::export(args),
        Command::Plot(args) => plot::plot(args),
        Command::Init(args) => init::init(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => man::man(args),
        Command::Schema(args) => schema::schema(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", message(&f.error));
            ExitCode::from(f.code)
        }
    }
}

/// The clap definition of the command line as users see it, for completions
/// and manual pages: every command, without the hidden `--test-hook` flag
/// (some completion generators list hidden flags, and a global flag cannot be
/// removed from a command, so the top level is rebuilt around the commands).
fn command() -> clap::Command {
    let full = <Cli as clap::CommandFactory>::command();
    let mut cmd = clap::Command::new("ipwarm")
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .subcommands(full.get_subcommands().cloned());
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    if let Some(after) = full.get_after_help() {
        cmd = cmd.after_help(after.clone());
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent_and_users_see_all_of_it_but_the_test_flag() {
        let full = <Cli as clap::CommandFactory>::command();
        full.clone().debug_assert();
        command().debug_assert();
        let names = |c: &clap::Command| c.get_subcommands().map(|s| s.get_name().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&command()), names(&full));
        assert_eq!(command().get_about(), full.get_about());
    }
}
