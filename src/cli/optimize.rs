//! `ipwarm optimize FILE`: search a family of warm-up plans for the fastest
//! one that stays safe, verify it, and compare it with the published presets
//! and the scenario's own strategy. The folder is written in place (like a
//! sweep's) so that `--resume` can continue it: `evaluations.csv` grows as runs
//! finish, every other file is rewritten crash-safely at the end.

use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::{Args, ValueHint};
use ipwarm::optimize::search::{self, Event, Optimum, SearchError};
use ipwarm::optimize::{self as opt, OptimizeSpec, charts, outputs, state};
use ipwarm::sweep::{self, CompareInput, Flow, StrategyArg};

use super::Failure;
use super::owned::{self, DELETE_UNOWNED_HELP, Intent, OwnedDir};
use super::progress::Bar;
use super::sweep_dir::{RunOptions, default_threads, read_manifest, run_plan};

/// Examples of `ipwarm optimize`.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm optimize optimizations/optimize.toml
                                              search, verify and compare into output/<name>/
  ipwarm optimize my.toml --dry-run           the search space, the budget's split and the seeds; no run
  ipwarm optimize my.toml --threads 2 --out results/opt
                                              choose threads and folder (the outputs do not depend on threads)
  ipwarm optimize my.toml --resume            continue an interrupted optimisation (same files as uninterrupted)
  ipwarm run output/fastest_safe/best_plan.toml
                                              run the plan found
  ipwarm export output/fastest_safe/best_plan.toml --format kumomta
                                              the plan as the MTA's configuration

Outputs: candidates.csv, convergence.csv, front.csv, best_plan.toml, best_outcomes.csv, summary.json,
front.png, convergence.png, evaluations.csv, comparison/ (the files of `ipwarm compare`).
The file, the method and the outputs: docs/OPTIMIZE.md.

Exit codes: 0 success (also when no plan is safe: the message says so), 1 runtime failure, 2 bad input or usage.";

/// Arguments of `ipwarm optimize`.
#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Optimisation file (TOML): a base scenario, the family of plans, the parameters searched,
    /// the objective, the chance constraints and the budget.
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    file: PathBuf,
    /// Output folder [default: output/<name>].
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: Option<PathBuf>,
    /// Worker threads [default: the number of cores]; outputs do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Continue the optimisation in its folder: the runs in evaluations.csv are replayed, not simulated again.
    #[arg(long, conflicts_with = "overwrite")]
    resume: bool,
    /// Replace the results already in the output folder: deletes the files ipwarm wrote there
    /// (listed in its .ipwarm-output.json) and nothing else.
    #[arg(long)]
    overwrite: bool,
    #[arg(long, requires = "overwrite", help = DELETE_UNOWNED_HELP)]
    delete_unowned: bool,
    /// Print the search space, the budget's split and the seeds, and exit.
    #[arg(long)]
    dry_run: bool,
}

/// The record of the optimisation file in its folder.
const FILE_RECORD: &str = "optimization.toml";
/// What a resumed folder must match.
const STATE: &str = "state.json";
/// The comparison's subfolder.
const COMPARISON: &str = "comparison";

/// Loads the file, runs the optimisation and writes its folder.
pub fn optimize(args: OptimizeArgs) -> Result<(), Failure> {
    let (spec, text, inputs) = load(&args.file)?;
    if args.dry_run {
        print_dry_run(&spec);
        return Ok(());
    }
    let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&spec.name));
    let threads = args.threads.map_or_else(default_threads, |n| n as usize);
    let hash = state::state_hash(&text, &spec.base_text);
    let presets = preset_plans(&spec)?;
    let mut out = prepare(&args, &dir, &inputs, &hash)?;
    let rt = |e: anyhow::Error| Failure::runtime(e);
    out.write(FILE_RECORD, text.as_bytes()).map_err(rt)?;
    out.write(sweep::BASE_SCENARIO_RECORD, spec.base_text.as_bytes()).map_err(rt)?;
    let state_json = serde_json::json!({ "ipwarm_version": ipwarm::VERSION, "hash": hash });
    out.write(STATE, format!("{state_json:#}\n").as_bytes()).map_err(rt)?;
    eprintln!(
        "optimising {} parameters of `{}` for {}: budget {} runs ({} for the search, {} kept for verification)",
        spec.space.dims(),
        spec.family.name(),
        spec.objective.describe(),
        spec.budget,
        spec.search_budget(),
        spec.settings.verify_reserve()
    );
    let optimum = search_into(&spec, &mut out, args.resume, threads)?;
    let contenders = compare(&spec, &optimum, &presets, &mut out, &args, &inputs, threads)?;
    write_outputs(&spec, &optimum, &contenders, &mut out).map_err(rt)?;
    print_result(&spec, &optimum, &contenders, &dir);
    Ok(())
}

/// Reads and validates the optimisation file; returns it with its text and the files read.
pub fn load(path: &Path) -> Result<(OptimizeSpec, String, Vec<PathBuf>), Failure> {
    let text = ipwarm::scenario::read_input(path).map_err(Failure::input)?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut inputs = vec![path.to_path_buf()];
    let mut read_base = |file: &str| -> Result<(String, String), String> {
        let full = base_dir.join(file);
        inputs.push(full.clone());
        let text = ipwarm::scenario::read_input(&full).map_err(|e| e.to_string())?;
        Ok((full.display().to_string(), text))
    };
    let spec = opt::parse_optimize(&text, &path.display().to_string(), &mut read_base).map_err(Failure::input)?;
    search::verify::limits(&spec).map_err(|m| Failure::input(anyhow!("{}: {m}", path.display())))?;
    Ok((spec, text, inputs))
}

/// Checks and takes the output folder; on `--resume`, checks it holds this optimisation.
fn prepare(args: &OptimizeArgs, dir: &Path, inputs: &[PathBuf], hash: &str) -> Result<OwnedDir, Failure> {
    let intent = match (args.resume, args.overwrite) {
        (true, _) => Intent::Continue,
        (_, true) => Intent::Replace,
        _ => Intent::Fresh,
    };
    let hint = ": use --resume to continue the optimisation in it, or --overwrite to replace it";
    owned::check_dir(dir, intent, args.delete_unowned, inputs, hint)?;
    if args.resume && dir.join(STATE).exists() {
        let mut old = String::new();
        owned::open_regular(dir, STATE)
            .and_then(|f| std::io::Read::take(f, 1 << 20).read_to_string(&mut old).map_err(Into::into))
            .map_err(Failure::input)?;
        let old: serde_json::Value = serde_json::from_str(&old).unwrap_or_default();
        if old["hash"].as_str() != Some(hash) {
            return Err(Failure::input(anyhow!(
                "{} holds another optimisation (or another version of this file): use --overwrite to start again",
                dir.display()
            )));
        }
    }
    OwnedDir::claim(dir, "optimize", args.overwrite, args.delete_unowned && args.overwrite).map_err(Failure::runtime)
}

/// Runs the search and verification, appending each new run to `evaluations.csv`
/// (read back first with `--resume`).
fn search_into(spec: &OptimizeSpec, out: &mut OwnedDir, resume: bool, threads: usize) -> Result<Optimum, Failure> {
    let rt = |e: anyhow::Error| Failure::runtime(e);
    let header = state::header_line(spec);
    let mut file = out.open_append(state::EVALUATIONS).map_err(rt)?;
    let resumed = if resume {
        state::read_evaluations(&mut BufReader::new(&mut file), &header).map_err(|m| Failure::input(anyhow!(m)))?
    } else {
        state::Resumed::default()
    };
    file.set_len(resumed.keep_bytes).context("cannot truncate evaluations.csv").map_err(rt)?;
    file.seek(SeekFrom::End(0)).context("cannot write evaluations.csv").map_err(rt)?;
    let mut writer = BufWriter::new(file);
    if resumed.keep_bytes == 0 {
        writeln!(writer, "{header}")
            .and_then(|()| writer.flush())
            .context("cannot write evaluations.csv")
            .map_err(rt)?;
    }
    if resumed.rows > 0 {
        eprintln!("resuming: {} runs read back from evaluations.csv", resumed.rows);
    }
    let bar = Bar::new(spec.budget as usize, 0);
    let stop_after = super::test_hooks::hooks().stop_after;
    let mut new_runs = 0usize;
    let mut write_error: Option<std::io::Error> = None;
    let mut on_event = |event: Event| match event {
        Event::Run { evaluation, cached, done } => {
            bar.set(done as usize, 0);
            if !cached {
                let row = state::evaluation_row(evaluation);
                if let Err(e) = writer.write_all(row.as_bytes()).and_then(|()| writer.flush()) {
                    write_error = Some(e);
                    return Flow::Stop;
                }
                new_runs += 1;
            }
            if stop_after.is_some_and(|k| new_runs >= k) { Flow::Stop } else { Flow::Continue }
        }
        Event::Generation(_) => Flow::Continue,
    };
    let result = search::optimize(spec, &resumed.memo, threads, &mut on_event);
    bar.finish();
    if let Some(e) = write_error {
        return Err(Failure::runtime(anyhow!(e).context("cannot write evaluations.csv")));
    }
    match result {
        Ok(optimum) => Ok(optimum),
        Err(SearchError::Budget(m)) => Err(Failure::input(anyhow!(m))),
        Err(SearchError::Stopped(n)) => {
            Err(Failure::runtime(anyhow!("stopped after {n} runs; `--resume` continues from evaluations.csv")))
        }
        Err(e) => Err(Failure::runtime(anyhow!(e))),
    }
}

/// The presets of the comparison as (name, scenario text), before any run: a preset
/// that cannot run on the base scenario (an `auto_blend` preset without a warm IP to
/// blend with) is left out with a note.
fn preset_plans(spec: &OptimizeSpec) -> Result<Vec<(String, String)>, Failure> {
    let mut plans = Vec::new();
    for preset in &spec.settings.compare_presets {
        let arg = StrategyArg::parse(preset).map_err(Failure::input)?;
        let ran = match arg.apply(&spec.base, &spec.base_text) {
            Ok(ran) => ran,
            Err(e) => {
                let why = e.problems.first().map_or(String::new(), |p| p.message.clone());
                eprintln!("note: preset {preset} cannot run on this scenario, left out of the comparison: {why}");
                continue;
            }
        };
        let text = sweep::scenario_record(&spec.base_text, &spec.base_file, &ran, ran.seed, Some(&arg))
            .map_err(|e| Failure::runtime(anyhow!(e)))?;
        plans.push((preset.clone(), text));
    }
    Ok(plans)
}

/// The comparison's plans: the best (or, if none is safe, the best verified) candidate,
/// the scenario's own strategy, then the presets; as (label, scenario text).
fn contenders(spec: &OptimizeSpec, optimum: &Optimum, presets: &[(String, String)]) -> Vec<(String, String)> {
    let mut plans = Vec::new();
    let top = optimum.best.or((!optimum.verified.is_empty()).then_some(0));
    if let Some(v) = top {
        let candidate = &optimum.candidates[optimum.verified[v].candidate];
        let label = if optimum.best.is_some() { "best_plan" } else { "best_unsafe" };
        plans.push((label.to_string(), opt::plan_scenario_text(spec, &candidate.values)));
    }
    plans.push(("own_strategy".to_string(), spec.base_text.clone()));
    plans.extend(presets.iter().cloned());
    plans
}

/// Runs the comparison into `comparison/` with `compare`'s machinery and reads its plans back.
fn compare(
    spec: &OptimizeSpec,
    optimum: &Optimum,
    presets: &[(String, String)],
    out: &mut OwnedDir,
    args: &OptimizeArgs,
    inputs: &[PathBuf],
    threads: usize,
) -> Result<Vec<outputs::Contender>, Failure> {
    let scenarios = contenders(spec, optimum, presets);
    let labels: Vec<String> = scenarios.iter().map(|(l, _)| l.clone()).collect();
    let input = CompareInput {
        scenarios,
        strategies: Vec::new(),
        replicates: spec.settings.compare_replicates,
        seed: search::compare_seed(spec.seed),
    };
    let mut plan = sweep::compare_plan(&input).map_err(Failure::input)?;
    plan.name = format!("{}-comparison", spec.name);
    plan.axes = vec!["plan".to_string()];
    let records = sweep::compare_records(&input, &plan).map_err(|e| Failure::runtime(anyhow!(e)))?;
    let dir = out.subdir(COMPARISON).map_err(Failure::runtime)?;
    // A resumed comparison must be of the same plans; else it is run again.
    let resume = args.resume && read_manifest(&dir).is_ok_and(|m| m.experiment_hash == plan.hash);
    let opts = RunOptions {
        threads,
        resume,
        overwrite: !resume,
        shard: None,
        fail_fast: true,
        delete_unowned: false,
        inputs: inputs.to_vec(),
        command: "optimize",
        format: None,
        series_format: Some(ipwarm::report::experiment::SeriesFormat::Csv),
    };
    run_plan(&plan, &records, &dir, &opts)?;
    let runs = owned::open_regular(&dir, "runs.csv").map_err(Failure::runtime)?;
    outputs::read_contenders(spec, &labels, &mut BufReader::new(runs)).map_err(|m| Failure::runtime(anyhow!(m)))
}

/// Writes the CSV files, `best_plan.toml`, `summary.json` and the charts.
fn write_outputs(
    spec: &OptimizeSpec,
    optimum: &Optimum,
    contenders: &[outputs::Contender],
    out: &mut OwnedDir,
) -> anyhow::Result<()> {
    type Writer = fn(&OptimizeSpec, &Optimum, &mut dyn Write) -> std::io::Result<()>;
    let files: [(&str, Writer); 4] = [
        ("candidates.csv", outputs::write_candidates),
        ("convergence.csv", outputs::write_convergence),
        ("front.csv", outputs::write_front),
        ("best_outcomes.csv", outputs::write_best_outcomes),
    ];
    for (name, write) in files {
        if name == "best_outcomes.csv" && optimum.best.is_none() {
            out.remove(name)?;
            continue;
        }
        let mut bytes = Vec::new();
        write(spec, optimum, &mut bytes).with_context(|| format!("cannot write {name}"))?;
        out.write(name, &bytes)?;
    }
    match optimum.best {
        Some(b) => {
            let values = &optimum.candidates[optimum.verified[b].candidate].values;
            out.write("best_plan.toml", opt::plan_scenario_text(spec, values).as_bytes())?;
        }
        None => drop(out.remove("best_plan.toml")?),
    }
    let compare_runs = contenders.iter().map(|c| c.objective.len() as u64).sum();
    let summary = outputs::summary_json(spec, optimum, contenders, compare_runs);
    out.write("summary.json", format!("{summary:#}\n").as_bytes())?;
    let front = outputs::front_data(spec, optimum, contenders);
    let convergence = outputs::convergence_data(spec, optimum);
    out.write_via(|tmp| charts::write_charts(&front, &convergence, tmp).context("cannot draw the charts"))?;
    Ok(())
}

/// Prints the best plan and the comparison's verdict.
fn print_result(spec: &OptimizeSpec, optimum: &Optimum, contenders: &[outputs::Contender], dir: &Path) {
    let metric = spec.objective.metric.name();
    outln!(
        "search: {} runs, {} generations, {} candidates ({})",
        optimum.search_runs,
        optimum.generations.len(),
        optimum.candidates.len(),
        optimum.stop.describe()
    );
    for v in &optimum.verified {
        let c = &optimum.candidates[v.candidate];
        let bounds: Vec<String> = spec
            .constraints
            .iter()
            .zip(&v.upper)
            .map(|(k, u)| format!("{} <= {:.4}", k.describe().split(" <=").next().unwrap_or_default(), u))
            .collect();
        outln!(
            "verified {}: {metric} {:.2} over {} runs; bounds at {:.1}%: {} -> {}",
            c.label,
            v.stats.mean,
            v.stats.n,
            100.0 * optimum.bound_confidence,
            bounds.join(", "),
            if v.safe { "safe" } else { "NOT safe" }
        );
    }
    match optimum.best {
        Some(b) => outln!(
            "best plan: {} ({}: {:.2})",
            optimum.candidates[optimum.verified[b].candidate].label,
            metric,
            optimum.verified[b].stats.mean
        ),
        None => {
            outln!("no verified candidate is safe: no best_plan.toml (the comparison shows the closest as best_unsafe)")
        }
    }
    if let Some(first) = contenders.first() {
        outln!(
            "comparison on {} fresh seeds (difference: the plan minus {}, 95% paired t interval):",
            first.objective.len(),
            first.label
        );
        for (i, c) in contenders.iter().enumerate() {
            let shares: Vec<String> =
                (0..spec.constraints.len()).map(|k| format!("{:.1}%", 100.0 * c.share(k))).collect();
            let diff = outputs::paired_difference(first, c)
                .filter(|_| i > 0)
                .map_or(String::new(), |(m, lo, hi)| format!("  difference {m:+.2} [{lo:+.2}, {hi:+.2}]"));
            outln!("  {:<24} {metric} {:>8.2}  violations {}{diff}", c.label, c.mean(), shares.join(" "));
        }
    }
    outln!("wrote {}", dir.display());
}

/// Prints what `--dry-run` shows.
fn print_dry_run(spec: &OptimizeSpec) {
    outln!("optimisation `{}`: family {}, {}", spec.name, spec.family.name(), spec.objective.describe());
    for c in &spec.constraints {
        outln!("  constraint {}", c.describe());
    }
    outln!("searched parameters:");
    for p in &spec.space.params {
        let scale = if p.log { "log" } else { "linear" };
        let step = p.step.map_or(String::new(), |s| format!(", step {s}"));
        outln!("  {:<28} {} to {} {} ({scale}{step})", p.key, p.min, p.max, p.unit);
    }
    let s = &spec.settings;
    outln!(
        "budget {} runs: search {} (CMA-ES population {}, successive halving {} to {} replicates), verification {} x {}",
        spec.budget,
        spec.search_budget(),
        s.population,
        s.initial_replicates,
        s.max_replicates,
        s.verify_candidates,
        s.verify_replicates
    );
    outln!(
        "comparison: {} plans x {} replicates (besides the budget)",
        s.compare_presets.len() + 2,
        s.compare_replicates
    );
    outln!(
        "seeds: search replicate r {}, verification {}, comparison root {} (root seed {})",
        "derive_seed(seed, [1, r])",
        "derive_seed(seed, [2, r])",
        ipwarm::engine::seed_text(search::compare_seed(spec.seed)),
        ipwarm::engine::seed_text(spec.seed)
    );
}
