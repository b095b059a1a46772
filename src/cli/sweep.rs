//! `ipwarm sweep EXPERIMENT`: run an experiment file (design points x replicates).

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Args;
use ipwarm::sweep::{self, Plan, SeedMode, Shard};
use std::io::Write;

use super::Failure;
use super::sweep_dir::{RunOptions, default_threads, run_plan};

/// Arguments of `ipwarm sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Experiment file (TOML): a base scenario, sweep axes, a design and replicates.
    #[arg(value_name = "EXPERIMENT")]
    experiment: PathBuf,
    #[command(flatten)]
    run: RunFlags,
    /// Print the expanded runs (run, point, replicate, seed, axis values) and exit.
    #[arg(long)]
    dry_run: bool,
}

/// Flags shared by `sweep` and `compare`.
#[derive(Debug, Args)]
pub struct RunFlags {
    /// Output folder [default: output/<experiment name>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: the number of cores]; outputs do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Option<u32>,
    /// Continue a sweep in its folder, skipping the runs already finished: an interrupted one, or a finished one given more replicates.
    #[arg(long, conflicts_with = "overwrite")]
    pub resume: bool,
    /// Replace the results already in the output folder: deletes the files ipwarm wrote there
    /// (listed in its .ipwarm-output.json) and nothing else.
    #[arg(long)]
    pub overwrite: bool,
    #[arg(long, requires = "overwrite", help = super::owned::DELETE_UNOWNED_HELP)]
    pub delete_unowned: bool,
    /// Stop at the first failed run instead of recording it and going on.
    #[arg(long)]
    pub fail_fast: bool,
    /// Run only shard K of N (runs i with i mod N = K-1); combine shards with `ipwarm merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

impl RunFlags {
    /// The shard asked for with `--shard`, if any.
    pub fn shard(&self) -> Result<Option<Shard>, Failure> {
        self.shard.as_deref().map(Shard::parse).transpose().map_err(|e| Failure::input(anyhow!(e)))
    }

    /// The options of a run, and its folder.
    pub fn options(
        &self,
        plan: &Plan,
        shard: Option<Shard>,
        command: &'static str,
        inputs: Vec<PathBuf>,
    ) -> (RunOptions, PathBuf) {
        let dir = self.out.clone().unwrap_or_else(|| {
            let name = match shard {
                Some(s) => format!("{}-shard-{}-of-{}", plan.name, s.index, s.count),
                None => plan.name.clone(),
            };
            PathBuf::from("output").join(name)
        });
        let opts = RunOptions {
            threads: self.threads.map_or_else(default_threads, |n| n as usize),
            resume: self.resume,
            overwrite: self.overwrite,
            shard,
            fail_fast: self.fail_fast,
            delete_unowned: self.delete_unowned,
            inputs,
            command,
        };
        (opts, dir)
    }
}

/// Loads, validates and runs the experiment.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let path = &args.experiment;
    let text = ipwarm::scenario::read_input(path).map_err(Failure::input)?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut inputs = vec![path.clone()];
    let mut read_base = |file: &str| -> Result<(String, String), String> {
        let full = base_dir.join(file);
        inputs.push(full.clone());
        ipwarm::scenario::read_input(&full).map(|t| (full.display().to_string(), t)).map_err(|e| e.to_string())
    };
    let plan = sweep::parse_experiment(&text, &path.display().to_string(), &mut read_base).map_err(Failure::input)?;
    let shard = args.run.shard()?;
    if args.dry_run {
        print_runs(&plan, shard);
        return Ok(());
    }
    let (opts, dir) = args.run.options(&plan, shard, "sweep", inputs);
    run_plan(&plan, Some(&text), &dir, &opts)
}

/// Prints the expanded runs (a closed stdout, e.g. piped into `head`, ends the listing quietly).
pub fn print_runs(plan: &Plan, shard: Option<Shard>) {
    let _ = write_runs(plan, shard, &mut std::io::stdout().lock());
}

fn write_runs(plan: &Plan, shard: Option<Shard>, out: &mut dyn Write) -> std::io::Result<()> {
    let runs = sweep::shard_runs(plan.n_runs(), shard);
    let of = shard.map_or(String::new(), |s| format!(", shard {s}: {} runs", runs.len()));
    let seeds = match plan.seeds {
        SeedMode::Common => "common",
        SeedMode::Independent => "independent",
    };
    writeln!(
        out,
        "experiment `{}`: {} design points x {} replicates = {} runs ({} design, {seeds} seeds{of})",
        plan.name,
        plan.points.len(),
        plan.replicates,
        plan.n_runs(),
        plan.design,
    )?;
    let mut header = vec!["run".to_string(), "point".into(), "replicate".into(), "seed".into()];
    header.extend(plan.axes.iter().cloned());
    writeln!(out, "{}", header.join("\t"))?;
    for run in runs {
        let id = plan.run_id(run);
        let mut cols = vec![id.run.to_string(), id.point.to_string(), id.replicate.to_string(), id.seed.to_string()];
        cols.extend(plan.points[id.point].values.iter().cloned());
        writeln!(out, "{}", cols.join("\t"))?;
    }
    Ok(())
}
