//! The output folder of an experiment: starting or resuming it, writing runs
//! into it, and finishing it (manifest, summaries, charts). Shared by
//! `sweep`, `compare`, `merge` and `plot`.
//!
//! Unlike `run`, a sweep streams its rows to disk as runs finish, so that an
//! interrupted sweep can `--resume`; its folder is therefore written in place.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use ipwarm::report::experiment::{
    self as rx, ChartData, RunsLayout, SeriesFormat, SeriesSource, SummaryBuilder, SummaryOutputs,
};
use ipwarm::report::html::REPORT_FILE;
use ipwarm::report::{ChartFormat, ChartSink};
use ipwarm::sweep::{
    self, DigestState, FileDigest, Flow, HashingWriter, Manifest, Plan, Record, RunCounts, SeedMode, SeriesSink, Shard,
    Sinks,
};

use super::Failure;
use super::owned::{self, Intent, OwnedDir, open_regular};
use super::progress::Bar;
use super::series_files;

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
    /// With `overwrite`: also delete files ipwarm did not write.
    pub delete_unowned: bool,
    /// The input files (their folders are never deleted).
    pub inputs: Vec<PathBuf>,
    /// The command writing the folder (recorded in its marker).
    pub command: &'static str,
    /// The chart files' format (`--format`); `None`: the format of the results resumed, else PNG.
    pub format: Option<ChartFormat>,
    /// How series are stored (`--series-format`); `None`: as in the results resumed, else Parquet.
    pub series_format: Option<SeriesFormat>,
}

/// The default number of threads: the machine's parallelism.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// File names in an experiment folder.
const MANIFEST: &str = "manifest.json";
const RUNS: &str = "runs.csv";
const SERIES: &str = "series.csv";
/// Warm times as censored data, and the share of runs warm by day.
const WARM_TIMES: &str = "warm_times.csv";
const WARM_CURVES: &str = "warm_curves.csv";
/// Every file name an experiment folder of an earlier version may hold besides its charts (`*.png`).
const EXPERIMENT_FILES: [&str; 7] =
    [MANIFEST, RUNS, SERIES, sweep::EXPERIMENT_RECORD, "summary.csv", "series_summary.csv", "differences.csv"];

/// Runs `plan` into `dir` and finishes the folder; `records` (what ran:
/// the experiment file, or the scenarios compared) are written there first.
pub fn run_plan(plan: &Plan, records: &[Record], dir: &Path, opts: &RunOptions) -> Result<(), Failure> {
    let resumed = opts.resume.then(|| read_manifest(dir).ok()).flatten();
    let resumed_format = resumed.as_ref().map(|m| m.charts.format);
    let (series_format, part_runs) = series_files::choose(opts.series_format, resumed.as_ref(), dir)?;
    let mut out = prepare(plan, dir, opts)?;
    let rt = |e: anyhow::Error| Failure::runtime(e);
    for record in records {
        out.write(&record.name, record.text.as_bytes()).map_err(rt)?;
    }
    let mut manifest = Manifest::new(plan, opts.shard);
    manifest.charts.format = opts.format.or(resumed_format).unwrap_or_default();
    (manifest.series_format, manifest.series_part_runs) = (series_format, part_runs);
    write_manifest(&mut out, &manifest).map_err(rt)?;
    let planned = manifest.planned_runs();
    let header = runs_header(&manifest);
    let series_header = rx::series_header().join(",");
    let status_col = manifest.status_col();
    // With Parquet parts, only the runs of the parts complete and in place are kept.
    let expected = match part_runs {
        Some(k) if plan.series => series_files::resumable_runs(&out, &header, &manifest, k).map_err(rt)?,
        _ => planned,
    };
    let (mut runs, resumed) = open_resumable(&mut out, RUNS, &header, |f| {
        sweep::scan_runs(f, &header, expected, status_col).map(|s| (s.keep_bytes, s))
    })
    .map_err(rt)?;
    let done = resumed.done();
    let last = done.checked_sub(1).map(|i| planned.get(i));
    let mut parts = match part_runs {
        Some(k) if plan.series => {
            Some(series_files::PartFiles::open(&mut out, opts.command, planned, done, k).map_err(rt)?)
        }
        _ => None,
    };
    let mut series = if plan.series && parts.is_none() {
        let s = open_resumable(&mut out, SERIES, &series_header, |f| {
            sweep::scan_series(f, &series_header, last).map(|k| (k, ()))
        })
        .map_err(rt)?;
        Some(s.0)
    } else {
        None
    };
    // The summaries of an unsharded sweep, fed as runs finish (those kept on resume first).
    let mut summaries = match opts.shard {
        None => Some(start_summaries(&out, &manifest, done).map_err(rt)?),
        Some(_) => None,
    };
    let todo = planned.skip(done);
    let bar = Bar::new(planned.len(), done);
    let hooks = super::test_hooks::hooks();
    let (stop_after, fail_runs) = (hooks.stop_after, &hooks.fail_runs);
    let real = plan.runner_as(series_format);
    let run = |r: usize| {
        if fail_runs.contains(&r) {
            let id = plan.run_id(r);
            return sweep::failed_rows(
                id,
                &plan.axis_fields(id.point),
                rx::n_metric_fields(plan.providers().len(), plan.drawn_columns().len()),
                "failure injected by --test-hook fail-runs",
            );
        }
        real(r)
    };
    let mut progress = |p: sweep::Progress| {
        bar.set(done + p.done, p.failed);
        if stop_after.is_some_and(|k| p.done >= k) { Flow::Stop } else { Flow::Continue }
    };
    let mut write_part = |p: usize, bytes: &[u8]| parts.as_mut().map_or(Ok(()), |f| f.write(p, bytes));
    let series_sink = match (series.as_mut(), part_runs) {
        (Some(s), _) => Some(SeriesSink::Csv(s as &mut (dyn Write + Send))),
        (None, Some(k)) if plan.series => Some(SeriesSink::Parts { part_runs: k, write: &mut write_part }),
        _ => None,
    };
    let sinks = Sinks { runs: &mut runs, series: series_sink, summaries: summaries.as_mut() };
    let result = sweep::execute(plan, todo, opts.threads, opts.fail_fast, sinks, &mut progress, &run);
    bar.finish();
    // The digests of what the writers wrote, once it is all on disk.
    let flushed = runs.flush().and_then(|()| series.as_mut().map_or(Ok(()), Write::flush));
    let digests = (runs.digest(), series.as_ref().map(HashingWriter::digest).or(parts.as_ref().map(|p| p.digest())));
    drop(runs);
    drop(series);
    super::test_hooks::abort_point("sweep-before-finish");
    let threads = opts.threads;
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            // Record what finished (read from the files), then fail.
            let _ = finish(&mut out, manifest, None, Summaries::Skip, threads);
            return Err(Failure::runtime(anyhow!(e).context("sweep stopped")));
        }
    };
    if tally.stopped {
        let _ = finish(&mut out, manifest, None, Summaries::Skip, threads);
        return Err(Failure::runtime(anyhow!("stopped after {} runs (--test-hook stop-after)", tally.done)));
    }
    flushed.context("cannot write the rows of the runs").map_err(rt)?;
    let (ok, failed) = (resumed.ok + tally.done - tally.failed, resumed.failed + tally.failed);
    let written = Written { counts: RunCounts::new(planned.len(), ok, failed), digests };
    let summaries = summaries.map_or(Summaries::Skip, |b| Summaries::Streamed(Box::new(b)));
    let (manifest, overloaded) = finish(&mut out, manifest, Some(written), summaries, threads).map_err(rt)?;
    report_end(dir, &manifest, overloaded)
}

/// The summaries of `manifest`'s runs, fed the first `done` runs of its folder `out` (a resumed
/// sweep's), read back from its files.
fn start_summaries(out: &OwnedDir, manifest: &Manifest, done: usize) -> Result<SummaryBuilder> {
    let layout = RunsLayout::of(&manifest.axis_columns(), &manifest.providers, &manifest.drawn_parameters);
    let mut builder = SummaryBuilder::new(layout, paired(manifest))?;
    if done > 0 {
        let mut runs = BufReader::new(out.open_read(RUNS)?);
        let dir = out.path().to_path_buf();
        let mut series = series_files::open_source(&dir, manifest)?;
        rx::add_runs_from_files(&mut builder, &mut runs, series.as_deref_mut().map(|s| s as &mut dyn SeriesSource))
            .context("cannot read the runs kept")?;
    }
    Ok(builder)
}

/// Whether `manifest`'s summaries include paired differences against design point 0: designed
/// alternatives with common seeds (the points of a sampled design are draws, which
/// `sensitivity.csv` analyses instead).
fn paired(manifest: &Manifest) -> bool {
    manifest.seeds == SeedMode::Common && manifest.points.len() > 1 && manifest.sampling.is_none()
}

/// Prints the total/ok/failed line and a warning for runs outside the model's
/// domain; an error if any run failed.
pub fn report_end(dir: &Path, manifest: &Manifest, overloaded: Option<usize>) -> Result<(), Failure> {
    let (ok, failed, pending) = manifest.counts();
    let total = manifest.run_counts.planned;
    outln!("wrote {}", dir.display());
    outln!(
        "runs: total {total}, ok {ok}, failed {failed}{}",
        if pending > 0 { format!(", pending {pending}") } else { String::new() }
    );
    let overloaded = pool_overloaded(dir, overloaded).map_err(Failure::runtime)?;
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

/// The number of runs of the folder `dir` that left the model's domain: `known` (counted as the
/// runs were summarised), or else counted in its `runs.csv` ([`rx::count_pool_overloaded`]).
pub fn pool_overloaded(dir: &Path, known: Option<usize>) -> Result<usize> {
    match known {
        Some(n) => Ok(n),
        None => {
            rx::count_pool_overloaded(&mut BufReader::new(open_regular(dir, RUNS)?)).context("cannot read runs.csv")
        }
    }
}

/// Checks the folder and takes it: fresh, resumable (same experiment and shard)
/// or to be replaced (only what ipwarm wrote, see `owned`).
fn prepare(plan: &Plan, dir: &Path, opts: &RunOptions) -> Result<OwnedDir, Failure> {
    let intent = if opts.resume {
        Intent::Continue
    } else if opts.overwrite {
        Intent::Replace
    } else {
        Intent::Fresh
    };
    let hint = ": use --resume to continue the sweep in it, or --overwrite to replace it";
    owned::check_dir(dir, intent, opts.delete_unowned, &opts.inputs, hint)?;
    let occupied = OwnedDir::occupied(dir);
    let rt = Failure::runtime;
    let mut replace = occupied && opts.overwrite;
    if occupied && opts.resume {
        let marked = OwnedDir::has_marker(dir);
        if marked && !dir.join(MANIFEST).exists() {
            // Killed before its first manifest was in place: no run can have finished.
            replace = true;
        } else {
            let old = read_manifest(dir).map_err(Failure::input)?;
            check_resumable(plan, dir, opts, &old)?;
            if !marked {
                return OwnedDir::adopt_legacy(dir, opts.command, &EXPERIMENT_FILES).map_err(rt);
            }
        }
    }
    OwnedDir::claim(dir, opts.command, replace, opts.delete_unowned && opts.overwrite).map_err(rt)
}

/// Refuses to resume results of another experiment, with more replicates, or of another shard.
fn check_resumable(plan: &Plan, dir: &Path, opts: &RunOptions, old: &Manifest) -> Result<(), Failure> {
    let older_ipwarm =
        old.ipwarm_version != ipwarm::VERSION || old.experiment_hash.len() != sweep::CONTENT_HASH_HEX_DIGITS;
    if old.experiment_hash != plan.hash && older_ipwarm {
        return Err(Failure::input(anyhow!(
            "{} was written by an older ipwarm (version {}, whose experiment hashes cannot be compared with this \
             version's): it cannot be resumed, use --overwrite to start again",
            dir.display(),
            old.ipwarm_version,
        )));
    }
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
        return Err(Failure::input(anyhow!("{} holds {}, not {}", dir.display(), show(old.shard), show(opts.shard))));
    }
    Ok(())
}

/// A file of runs being written: its digest covers the whole file, the part kept on resume included.
type RunsWriter = HashingWriter<BufWriter<File>>;

/// Opens `path` for appending after the part `scan` says to keep (truncating the
/// rest), writing `header` if nothing is kept. Returns the writer and what `scan` found.
/// The part kept is read once more, for the writer's digest (only on resume).
fn open_resumable<T>(
    out: &mut OwnedDir,
    name: &str,
    header: &str,
    scan: impl FnOnce(&mut dyn std::io::BufRead) -> Result<(u64, T), sweep::SweepError>,
) -> Result<(RunsWriter, T)> {
    let path = out.path().join(name);
    let mut file = out.open_append(name)?;
    let (keep, found) =
        scan(&mut BufReader::new(&mut file)).with_context(|| format!("cannot read {}", path.display()))?;
    file.set_len(keep).with_context(|| format!("cannot truncate {}", path.display()))?;
    let mut kept = DigestState::default();
    if keep > 0 {
        file.seek(SeekFrom::Start(0))?;
        kept.update_from(&mut BufReader::new(&mut file), keep)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    file.seek(SeekFrom::End(0))?;
    let mut w = HashingWriter::after(BufWriter::new(file), kept);
    if keep == 0 {
        writeln!(w, "{header}")?;
        w.flush()?;
    }
    Ok((w, found))
}

/// Writes `manifest.json`.
pub fn write_manifest(out: &mut OwnedDir, manifest: &Manifest) -> Result<()> {
    let mut bytes = Vec::new();
    manifest.write(&mut bytes).context("cannot write manifest.json")?;
    out.write(MANIFEST, &bytes)
}

/// The header line of `runs.csv` (without newline) for `manifest`.
pub fn runs_header(manifest: &Manifest) -> String {
    let columns = rx::runs_header(&manifest.axis_columns(), &manifest.providers, &manifest.drawn_parameters);
    columns.iter().map(|h| rx::csv_field(h)).collect::<Vec<_>>().join(",")
}

/// Copies the records of `from` (an experiment folder: `experiment.toml`,
/// `base_scenario.toml`, `point-<i>.toml`) into `out`.
pub fn copy_records(from: &Path, out: &mut OwnedDir) -> Result<()> {
    let mut names: Vec<String> = std::fs::read_dir(from)
        .with_context(|| format!("cannot list {}", from.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| sweep::is_record_name(n))
        .collect();
    names.sort();
    for name in names {
        let mut text = Vec::new();
        open_regular(from, &name)?.read_to_end(&mut text).with_context(|| format!("cannot read {name}"))?;
        out.write(&name, &text)?;
    }
    Ok(())
}

/// Reads `dir/manifest.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join(MANIFEST);
    let f = open_regular(dir, MANIFEST)
        .with_context(|| format!("{} is not an experiment folder (it has no manifest.json)", dir.display()))?;
    Manifest::read(&mut BufReader::new(f.take(MANIFEST_MAX_BYTES)))
        .with_context(|| format!("cannot read {}", path.display()))
}

/// What a command wrote into a folder's run files: run counts and the digests of
/// `runs.csv` and `series.csv`, known while writing them.
pub struct Written {
    /// Runs by status.
    pub counts: RunCounts,
    /// Digests of `runs.csv` and (with series) `series.csv`.
    pub digests: (FileDigest, Option<FileDigest>),
}

impl Written {
    /// Reads them from the files, streaming (after a sweep stopped or failed, when what
    /// reached the disk is what counts).
    fn read(out: &OwnedDir, manifest: &Manifest) -> Result<Self> {
        let planned = manifest.planned_runs();
        let header = runs_header(manifest);
        let file = BufReader::new(out.open_read(RUNS)?);
        let scan = sweep::scan_runs(&mut { file }, &header, planned, manifest.status_col())?;
        let runs = FileDigest::of(&mut BufReader::new(out.open_read(RUNS)?))?;
        let series = if manifest.series { Some(series_files::digest(out.path(), manifest)?) } else { None };
        Ok(Self { counts: RunCounts::new(planned.len(), scan.ok, scan.failed), digests: (runs, series) })
    }
}

/// What [`finish`] does about the summaries and charts.
pub enum Summaries {
    /// Nothing (a shard, a sweep stopped).
    Skip,
    /// Computes them from the folder's files (`merge`).
    FromFiles,
    /// Writes those accumulated while the runs streamed.
    Streamed(Box<SummaryBuilder>),
}

/// Records in `manifest` the run counts and digests of `written` (read from the files
/// when `None`), writes it, and unless `summaries` says to skip them writes the summaries and
/// the charts (on up to `threads` threads). Returns the manifest written and, when the summaries
/// were streamed, the number of runs outside the model's domain they counted.
pub fn finish(
    out: &mut OwnedDir,
    mut manifest: Manifest,
    written: Option<Written>,
    summaries: Summaries,
    threads: usize,
) -> Result<(Manifest, Option<usize>)> {
    let written = match written {
        Some(w) => w,
        None => Written::read(out, &manifest)?,
    };
    manifest.run_counts = written.counts;
    (manifest.runs_digest, manifest.series_digest) = (Some(written.digests.0), written.digests.1);
    write_manifest(out, &manifest)?;
    let builder = match summaries {
        Summaries::Skip => return Ok((manifest, None)),
        Summaries::FromFiles => None,
        Summaries::Streamed(b) => Some(*b),
    };
    let overloaded = builder.as_ref().and_then(SummaryBuilder::pool_overloaded);
    // On the command's threads: the charts are drawn in parallel (`draw_experiment_charts`).
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build()?;
    pool.install(|| -> Result<()> {
        write_summaries(out, &manifest, builder)?;
        super::sensitivity::write(out, &manifest)?;
        draw_charts(out, &manifest, overloaded)?;
        Ok(())
    })?;
    Ok((manifest, overloaded))
}

/// Writes the summaries: those of `builder`, or else computed from the folder's files.
fn write_summaries(out: &mut OwnedDir, manifest: &Manifest, builder: Option<SummaryBuilder>) -> Result<()> {
    let dir = out.path().to_path_buf();
    let paired = builder.as_ref().map_or_else(|| paired(manifest), SummaryBuilder::paired);
    out.write_via(|tmp| {
        let create = |name: &str| -> Result<(PathBuf, BufWriter<File>)> {
            let path = tmp.join(name);
            let file = File::create(&path).with_context(|| format!("cannot create {name}"))?;
            Ok((path, BufWriter::new(file)))
        };
        let mut summary = create("summary.csv")?;
        let mut series_summary = if manifest.series { Some(create("series_summary.csv")?) } else { None };
        let mut differences = if paired { Some(create("differences.csv")?) } else { None };
        let (mut warm_times, mut warm_curves) = (create(WARM_TIMES)?, create(WARM_CURVES)?);
        let outputs = SummaryOutputs {
            summary: &mut summary.1,
            series_summary: series_summary.as_mut().map(|w| &mut w.1 as &mut dyn Write),
            differences: differences.as_mut().map(|w| &mut w.1 as &mut dyn Write),
            warm_times: &mut warm_times.1,
            warm_curves: &mut warm_curves.1,
        };
        match builder {
            Some(builder) => builder.write(outputs),
            None => {
                let mut runs = BufReader::new(open_regular(&dir, RUNS)?);
                let mut series = series_files::open_source(&dir, manifest)?;
                rx::summarize(&mut runs, series.as_deref_mut().map(|s| s as &mut dyn SeriesSource), outputs)
            }
        }
        .context("cannot summarise")?;
        let mut paths = Vec::new();
        let all = [Some(summary), series_summary, differences, Some(warm_times), Some(warm_curves)];
        for (path, mut w) in all.into_iter().flatten() {
            w.flush().context("cannot write a summary")?;
            paths.push(path);
        }
        Ok(paths)
    })?;
    Ok(())
}

/// Draws the experiment's charts from `summary.csv`, `series_summary.csv`, `warm_times.csv` and
/// `warm_curves.csv` (the last two absent from folders of earlier versions), and the single runs
/// of the first replicates from `series.csv`, as files of the format the manifest records (removing
/// the same charts in the other format), then `report.html`; returns their paths.
pub fn draw_charts(out: &mut OwnedDir, manifest: &Manifest, overloaded: Option<usize>) -> Result<Vec<PathBuf>> {
    let read = |name: &str, series: bool| -> Result<Vec<rx::StatRow>> {
        let mut f = BufReader::new(out.open_read(name)?);
        rx::read_stats(&mut f, series).with_context(|| format!("cannot read {name}"))
    };
    let data = ChartData {
        name: manifest.experiment.clone(),
        replicates: manifest.replicates,
        axes: manifest.axes.clone(),
        point_values: manifest.point_names(),
        summary: read("summary.csv", false)?,
        series: if manifest.series { read("series_summary.csv", true)? } else { Vec::new() },
        runs: if manifest.series && (manifest.charts.inbox || manifest.charts.reputation) {
            let dir = out.path().to_path_buf();
            let mut source = series_files::open_source(&dir, manifest)?.context("no series")?;
            rx::read_run_lines(source.as_mut(), manifest.points.len()).context("cannot read the series")?
        } else {
            Vec::new()
        },
    };
    let mut warm = rx::WarmData::default();
    if out.path().join(WARM_TIMES).exists() {
        let mut f = BufReader::new(out.open_read(WARM_TIMES)?);
        warm.times = rx::read_warm_times(&mut f).with_context(|| format!("cannot read {WARM_TIMES}"))?;
        let mut f = BufReader::new(out.open_read(WARM_CURVES)?);
        warm.curves = rx::read_warm_curves(&mut f).with_context(|| format!("cannot read {WARM_CURVES}"))?;
    }
    let indices = super::sensitivity::read(out, manifest)?;
    let sensitivity = super::report::sensitivity_charts(manifest, &indices);
    let format = manifest.charts.format;
    let facts = super::report::report_facts(out, manifest, overloaded)?;
    // The charts' files and report.html's own charts are drawn at the same time.
    let (paths, html) = rayon::join(
        || {
            out.write_via(|tmp| {
                let mut sink = ChartSink::files(tmp, format)?;
                rx::draw_experiment_charts(&data, &warm, &manifest.charts, &sensitivity, &mut sink)
                    .context("cannot draw the charts")?;
                Ok(sink.paths())
            })
        },
        || super::report::experiment_report(&facts, manifest, &data, &warm, &indices),
    );
    let (mut paths, html) = (paths?, html?);
    // The same charts in the other format, from an earlier call, are stale: remove them.
    for path in &paths {
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            for other in ChartFormat::ALL.into_iter().filter(|f| *f != format) {
                out.remove(&format!("{stem}.{other}"))?;
            }
        }
    }
    out.write(REPORT_FILE, html.as_bytes())?;
    paths.push(out.path().join(REPORT_FILE));
    Ok(paths)
}

/// Checks that `dir` is an experiment folder and takes it to update its files
/// (a folder from before markers existed is adopted on its manifest).
pub fn existing_dir(dir: &Path, command: &str) -> Result<(OwnedDir, Manifest), Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(anyhow!("{} is not a folder", dir.display())));
    }
    let manifest = read_manifest(dir).map_err(Failure::input)?;
    let out = if OwnedDir::has_marker(dir) {
        OwnedDir::claim(dir, command, false, false)
    } else {
        OwnedDir::adopt_legacy(dir, command, &EXPERIMENT_FILES)
    };
    Ok((out.map_err(Failure::runtime)?, manifest))
}

/// Largest `manifest.json` read (a million runs take about 150 MB).
const MANIFEST_MAX_BYTES: u64 = 1 << 30;
