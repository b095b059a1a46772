//! `ipwarm sweep EXPERIMENT`: run an experiment file (design points x replicates).

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, ValueHint};
use ipwarm::sweep::{self, Plan, SeedMode, Shard};
use std::io::Write;

use super::Failure;
use super::report::FormatArg;
use super::sweep_dir::{RunOptions, default_threads, run_plan};

/// Arguments of `ipwarm sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Experiment file (TOML): a base scenario, sweep axes, a design and replicates.
    #[arg(value_name = "EXPERIMENT", value_hint = ValueHint::FilePath)]
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
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
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
    #[command(flatten)]
    pub format: FormatArg,
    /// How the daily series are stored: parquet (the folder series/, about 2 KB per run, read by
    /// pandas and polars) or csv (series.csv) [default: parquet; with --resume, as the folder's].
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub series_format: Option<super::series_files::SeriesFormatArg>,
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
            format: self.format.get(),
            series_format: self.series_format.map(Into::into),
        };
        (opts, dir)
    }
}

/// An experiment file read and validated: what `ipwarm sweep` runs and `ipwarm validate` checks.
pub struct Experiment {
    /// The plan: design points (validated scenarios) and replicates.
    pub plan: Plan,
    /// The file's text.
    pub text: String,
    /// The files read: the experiment, then its base scenario if it names one.
    pub inputs: Vec<PathBuf>,
    /// The text of its base scenario file, if it names one (recorded in its folder).
    pub base_text: Option<String>,
}

/// Reads and validates the experiment file at `path` (its base scenario
/// relative to it); every problem at once, as exit code 2.
pub fn load_experiment(path: &Path) -> Result<Experiment, Failure> {
    let text = ipwarm::scenario::read_input(path).map_err(Failure::input)?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut inputs = vec![path.to_path_buf()];
    let mut base_text = None;
    let mut read_base = |file: &str| -> Result<(String, String), String> {
        let full = base_dir.join(file);
        inputs.push(full.clone());
        let text = ipwarm::scenario::read_input(&full).map_err(|e| e.to_string())?;
        base_text = Some(text.clone());
        Ok((full.display().to_string(), text))
    };
    let plan = sweep::parse_experiment(&text, &path.display().to_string(), &mut read_base).map_err(Failure::input)?;
    Ok(Experiment { plan, text, inputs, base_text })
}

/// Loads, validates and runs the experiment.
pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let Experiment { plan, text, inputs, base_text } = load_experiment(&args.experiment)?;
    let shard = args.run.shard()?;
    if args.dry_run {
        print_runs(&plan, shard);
        return Ok(());
    }
    let (opts, dir) = args.run.options(&plan, shard, "sweep", inputs);
    run_plan(&plan, &sweep::experiment_records(&text, base_text.as_deref()), &dir, &opts)
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
    header.extend(plan.axis_columns());
    writeln!(out, "{}", header.join("\t"))?;
    let labelled = plan.labelled_axes();
    for run in runs {
        let id = plan.run_id(run);
        let seed = ipwarm::engine::seed_text(id.seed);
        let mut cols = vec![id.run.to_string(), id.point.to_string(), id.replicate.to_string(), seed];
        let point = &plan.points[id.point];
        cols.extend(sweep::axis_fields(&point.values, &point.labels, &labelled));
        writeln!(out, "{}", cols.join("\t"))?;
    }
    Ok(())
}
