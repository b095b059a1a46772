//! The output folder of an experiment: starting or resuming it, writing runs
//! into it, and finishing it (manifest, summaries, charts). Shared by
//! `sweep`, `compare`, `merge` and `plot`.
//!
//! Unlike `run`, a sweep streams its rows to disk as runs finish, so that an
//! interrupted sweep can `--resume`; its folder is therefore written in place.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use ipwarm::report::experiment::{self as rx, ChartData, SummaryOutputs};
use ipwarm::sweep::{self, Flow, Manifest, Plan, RunStatus, SeedMode, Shard, Sinks};

use super::Failure;
use super::progress::Bar;

/// Options shared by `sweep` and `compare`.
pub struct RunOptions {
    /// Worker threads.
    pub threads: usize,
    /// Continue the results in the folder.
    pub resume: bool,
    /// Replace the results in the folder.
    pub overwrite: bool,
    /// Only this shard's runs.
    pub shard: Option<Shard>,
    /// Stop at the first failed run.
    pub fail_fast: bool,
}

/// The default number of threads: the machine's parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// File names in an experiment folder.
const MANIFEST: &str = "manifest.json";
const RUNS: &str = "runs.csv";
const SERIES: &str = "series.csv";

/// Runs `plan` into `dir` (its experiment file `experiment_text` is copied there) and finishes the folder.
pub fn run_plan(plan: &Plan, experiment_text: Option<&str>, dir: &Path, opts: &RunOptions) -> Result<(), Failure> {
    prepare(plan, dir, opts)?;
    let rt = |e: anyhow::Error| Failure::runtime(e);
    if let Some(text) = experiment_text {
        fs::write(dir.join("experiment.toml"), text).context("cannot write experiment.toml").map_err(rt)?;
    }
    let manifest = Manifest::new(plan, opts.shard, |_| RunStatus::Pending);
    write_manifest(dir, &manifest).map_err(rt)?;
    let planned: Vec<usize> = sweep::shard_runs(plan.n_runs(), opts.shard);
    let axes = plan.axes.clone();
    let runs_header =
        rx::runs_header(&axes, &plan.providers()).iter().map(|h| rx::csv_field(h)).collect::<Vec<_>>().join(",");
    let series_header = rx::series_header().join(",");
    let status_col = 4 + axes.len();
    let mut runs = open_resumable(&dir.join(RUNS), &runs_header, |f| {
        sweep::scan_runs(f, &runs_header, &planned, status_col).map(|s| (s.keep_bytes, s.ok.len()))
    })
    .map_err(rt)?;
    let done = runs.1;
    let last = done.checked_sub(1).map(|i| planned[i]);
    let mut series = if plan.series {
        let s = open_resumable(&dir.join(SERIES), &series_header, |f| {
            sweep::scan_series(f, &series_header, last).map(|k| (k, 0))
        })
        .map_err(rt)?;
        Some(s.0)
    } else {
        None
    };
    let todo = &planned[done..];
    let bar = Bar::new(planned.len(), done);
    let stop_after = test_hook("IPWARM_TEST_STOP_AFTER").and_then(|v| v.parse::<usize>().ok());
    let fail_runs: Vec<usize> = test_hook("IPWARM_TEST_FAIL_RUNS")
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_default();
    let real = plan.runner();
    let run = |r: usize| {
        if fail_runs.contains(&r) {
            let id = plan.run_id(r);
            return rx::failed_rows(
                id,
                &plan.points[id.point].values,
                plan.providers().len(),
                "failure injected by IPWARM_TEST_FAIL_RUNS",
            );
        }
        real(r)
    };
    let mut progress = |p: sweep::Progress| {
        bar.set(done + p.done, p.failed);
        if stop_after.is_some_and(|k| p.done >= k) { Flow::Stop } else { Flow::Continue }
    };
    let sinks = Sinks { runs: &mut runs.0, series: series.as_mut().map(|s| s as &mut dyn Write) };
    let result = sweep::execute(plan, todo, opts.threads, opts.fail_fast, sinks, &mut progress, &run);
    bar.finish();
    drop(runs);
    drop(series);
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            // Record what finished, then fail.
            let _ = finish(dir, manifest, false);
            return Err(Failure::runtime(anyhow!(e).context("sweep stopped")));
        }
    };
    if tally.stopped {
        let _ = finish(dir, manifest, false);
        return Err(Failure::runtime(anyhow!("stopped after {} runs (IPWARM_TEST_STOP_AFTER)", tally.done)));
    }
    let manifest = finish(dir, manifest, opts.shard.is_none()).map_err(rt)?;
    report_end(dir, &manifest)
}

/// Prints the total/ok/failed line and a warning for runs outside the model's
/// domain; an error if any run failed.
pub fn report_end(dir: &Path, manifest: &Manifest) -> Result<(), Failure> {
    let (ok, failed, pending) = manifest.counts();
    let total = manifest.runs.len();
    outln!("wrote {}", dir.display());
    outln!(
        "runs: total {total}, ok {ok}, failed {failed}{}",
        if pending > 0 { format!(", pending {pending}") } else { String::new() }
    );
    let runs = File::open(dir.join(RUNS)).context("cannot open runs.csv").map_err(Failure::runtime)?;
    let overloaded = rx::count_pool_overloaded(&mut BufReader::new(runs))
        .context("cannot read runs.csv")
        .map_err(Failure::runtime)?;
    if overloaded > 0 {
        eprintln!(
            "warning: in {overloaded} of {total} runs a shared pool carried more of the sender's mail than its own \
             volume (runs.csv column {}): the model assumes a pool dominated by other tenants, so their results \
             for that pool are out of scope",
            rx::POOL_OVERLOAD_DAYS
        );
    }
    if failed > 0 {
        return Err(Failure::runtime(anyhow!(
            "{failed} of {total} runs failed (their seeds and messages are in runs.csv)"
        )));
    }
    Ok(())
}

/// A test hook from the environment (used by the integration tests only).
fn test_hook(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Checks the folder: fresh, resumable (same experiment and shard) or to be replaced.
fn prepare(plan: &Plan, dir: &Path, opts: &RunOptions) -> Result<(), Failure> {
    let occupied = fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if occupied {
        if opts.resume {
            let old = read_manifest(dir).map_err(Failure::input)?;
            if old.experiment_hash != plan.hash {
                return Err(Failure::input(anyhow!(
                    "{} holds results of another version of this experiment (hash {} instead of {}): use --overwrite to start again",
                    dir.display(),
                    old.experiment_hash,
                    plan.hash
                )));
            }
            if old.replicates > plan.replicates {
                return Err(Failure::input(anyhow!(
                    "{} holds {} replicates per design point, more than the {} asked for: ask for at least {} to resume, or use --overwrite to start again",
                    dir.display(),
                    old.replicates,
                    plan.replicates,
                    old.replicates
                )));
            }
            if old.shard != opts.shard {
                let show = |s: Option<Shard>| s.map_or("all runs".to_string(), |s| format!("shard {s}"));
                return Err(Failure::input(anyhow!(
                    "{} holds {}, not {}",
                    dir.display(),
                    show(old.shard),
                    show(opts.shard)
                )));
            }
        } else if opts.overwrite {
            fs::remove_dir_all(dir)
                .with_context(|| format!("cannot remove {}", dir.display()))
                .map_err(Failure::runtime)?;
        } else {
            return Err(Failure::input(anyhow!(
                "{} is not empty: use --resume to continue the sweep in it, or --overwrite to replace it",
                dir.display()
            )));
        }
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display())).map_err(Failure::runtime)
}

/// Opens `path` for appending after the part `scan` says to keep (truncating the
/// rest), writing `header` if nothing is kept. Returns the writer and the count `scan` gave.
fn open_resumable(
    path: &Path,
    header: &str,
    scan: impl FnOnce(&mut dyn std::io::BufRead) -> Result<(u64, usize), sweep::SweepError>,
) -> Result<(BufWriter<File>, usize)> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let (keep, count) =
        scan(&mut BufReader::new(&mut file)).with_context(|| format!("cannot read {}", path.display()))?;
    file.set_len(keep).with_context(|| format!("cannot truncate {}", path.display()))?;
    file.seek(SeekFrom::End(0))?;
    let mut w = BufWriter::new(file);
    if keep == 0 {
        writeln!(w, "{header}")?;
        w.flush()?;
    }
    Ok((w, count))
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<()> {
    let mut w = BufWriter::new(File::create(dir.join(MANIFEST)).context("cannot create manifest.json")?);
    manifest.write(&mut w).context("cannot write manifest.json")?;
    w.flush().context("cannot write manifest.json")
}

/// Reads `dir/manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let mut f =
        File::open(&path).with_context(|| format!("cannot open {}: is it an experiment folder?", path.display()))?;
    Manifest::read(&mut f).with_context(|| format!("cannot read {}", path.display()))
}

/// Sets the statuses of `manifest` from `runs.csv`, writes it, and with
/// `summarize` writes the summaries and the charts. Returns the manifest written.
pub fn finish(dir: &Path, mut manifest: Manifest, summarize: bool) -> Result<Manifest> {
    let planned: Vec<usize> = manifest.runs.iter().map(|r| r.run).collect();
    let header = rx::runs_header(&manifest.axes, &manifest.providers)
        .iter()
        .map(|h| rx::csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    let file = File::open(dir.join(RUNS)).context("cannot open runs.csv")?;
    let scan = sweep::scan_runs(&mut BufReader::new(file), &header, &planned, 4 + manifest.axes.len())?;
    for (i, r) in manifest.runs.iter_mut().enumerate() {
        r.status = match scan.ok.get(i) {
            Some(true) => RunStatus::Ok,
            Some(false) => RunStatus::Failed,
            None => RunStatus::Pending,
        };
    }
    write_manifest(dir, &manifest)?;
    if summarize {
        write_summaries(dir, &manifest)?;
        draw_charts(dir, &manifest)?;
    }
    Ok(manifest)
}

fn write_summaries(dir: &Path, manifest: &Manifest) -> Result<()> {
    let create = |name: &str| -> Result<BufWriter<File>> {
        Ok(BufWriter::new(File::create(dir.join(name)).with_context(|| format!("cannot create {name}"))?))
    };
    let mut runs = BufReader::new(File::open(dir.join(RUNS)).context("cannot open runs.csv")?);
    let mut series = if manifest.series {
        Some(BufReader::new(File::open(dir.join(SERIES)).context("cannot open series.csv")?))
    } else {
        None
    };
    let mut summary = create("summary.csv")?;
    let mut series_summary = if manifest.series { Some(create("series_summary.csv")?) } else { None };
    let paired = manifest.seeds == SeedMode::Common && manifest.points.len() > 1;
    let mut differences = if paired { Some(create("differences.csv")?) } else { None };
    let outputs = SummaryOutputs {
        summary: &mut summary,
        series_summary: series_summary.as_mut().map(|w| w as &mut dyn Write),
        differences: differences.as_mut().map(|w| w as &mut dyn Write),
    };
    rx::summarize(&mut runs, series.as_mut().map(|r| r as &mut dyn std::io::Read), outputs)
        .context("cannot summarise")?;
    for w in [Some(&mut summary), series_summary.as_mut(), differences.as_mut()].into_iter().flatten() {
        w.flush().context("cannot write a summary")?;
    }
    Ok(())
}

/// Draws the experiment's charts from `summary.csv` and `series_summary.csv`; returns their paths.
pub fn draw_charts(dir: &Path, manifest: &Manifest) -> Result<Vec<PathBuf>> {
    let read = |name: &str, series: bool| -> Result<Vec<rx::StatRow>> {
        let mut f = BufReader::new(File::open(dir.join(name)).with_context(|| format!("cannot open {name}"))?);
        rx::read_stats(&mut f, series).with_context(|| format!("cannot read {name}"))
    };
    let data = ChartData {
        name: manifest.experiment.clone(),
        replicates: manifest.replicates,
        axes: manifest.axes.clone(),
        point_values: manifest.points.iter().map(|p| p.values.clone()).collect(),
        summary: read("summary.csv", false)?,
        series: if manifest.series { read("series_summary.csv", true)? } else { Vec::new() },
    };
    rx::write_experiment_charts(&data, &manifest.charts, dir).context("cannot draw the charts")
}

/// Checks that `dir` looks finished enough to merge or plot.
pub fn require_dir(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    Ok(())
}
