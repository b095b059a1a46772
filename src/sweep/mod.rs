//! Experiments: many runs of a scenario over sweep axes and replicates,
//! executed in parallel with byte-identical outputs whatever the thread count
//! or sharding.
//!
//! Lifecycle:
//! 1. [`parse_experiment`] (or [`compare_plan`]) validates everything and
//!    expands the design into a [`Plan`]: design points, each a validated
//!    scenario, times replicates, each run with a seed derived from the root
//!    seed (`plan.rs`).
//! 2. [`execute`] runs the runs the caller asks for (all, a shard, or what is
//!    left after an interruption) on a rayon pool and writes each finished
//!    run's rows, in run order, to the writers it is given (`roaming.rs`: the
//!    writing moves to the thread whose run comes next, and threads run at most
//!    a few blocks of runs ahead, so memory does not grow with the number of runs).
//!    Each run is identified by a [`RunId`] and its rows are formatted by the
//!    worker that ran it (`rows.rs`), from the metrics
//!    [`crate::report::experiment`] computes.
//! 3. The caller writes the [`Manifest`], and summarises and charts the files
//!    with [`crate::report::experiment`].
//!
//! Nothing here prints or opens files: the CLI passes readers, writers and a
//! progress callback.

mod axes;
mod compare;
mod design;
mod digest;
mod exec;
mod experiment_file;
#[cfg(test)]
mod limits_tests;
mod manifest;
mod plan;
mod provenance;
mod roaming;
mod rows;
mod sensitivity;
mod strategy_arg;

use std::io::Write;

pub use axes::{Axis, AxisValues};
pub use compare::{CompareError, CompareInput, compare_plan};
pub use design::{Design, morris_stratum_centre, unit_points};
pub use digest::{DigestState, FileDigest, HashingWriter};
pub use exec::{Flow, WINDOW_PER_THREAD, run_ordered};
pub(crate) use experiment_file::{BaseScenario, RawExperiment, base_scenario};
pub use experiment_file::{MAX_DESIGN_POINTS, MAX_RUNS, ReadBase, is_experiment, parse_experiment};
pub use manifest::{
    MANIFEST_VERSION, Manifest, ManifestPoint, RunCounts, RunStatus, RunsScan, merge_sorted, scan_runs, scan_series,
};
pub use plan::{
    CONTENT_HASH_HEX_DIGITS, DesignPoint, LABEL_SUFFIX, Plan, SeedMode, Shard, ShardRuns, axis_columns, axis_fields,
    content_hash, labelled_axes, point_names, shard_runs,
};
pub use provenance::{
    BASE_SCENARIO_RECORD, EXPERIMENT_RECORD, Record, RecordError, SCENARIO_RECORD, compare_name, compare_records,
    experiment_records, is_record_name, run_folder_name, scenario_record,
};
pub use roaming::{
    BLOCK_ITEMS, BLOCKS_AHEAD_PER_THREAD, MIN_BLOCKS_PER_THREAD, OrderedConsumer, block_items, run_ordered_roaming,
};
pub use rows::{RunId, RunRows, failed_rows, run_rows};

#[cfg(doc)]
use crate::report::experiment::SeriesFormat;
pub use sensitivity::sensitivity;
pub use strategy_arg::{ArgError, ArgProblem, StrategyArg};

use crate::report::experiment::SummaryBuilder;
use crate::report::experiment::series_store;
use crate::scenario::Problem;

/// Why an experiment could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExperimentError {
    /// Every problem found, sorted by file and position; displayed one per line.
    #[error("{}", problems.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The problems.
        problems: Vec<Problem>,
    },
}

impl ExperimentError {
    fn invalid(mut problems: Vec<Problem>) -> Self {
        problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        problems.dedup();
        Self::Invalid { problems }
    }
}

/// Errors while running or merging a sweep.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Writing or reading a file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The manifest could not be written or read.
    #[error("manifest: {0}")]
    Manifest(String),
    /// Shard files could not be merged.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// A run failed and `fail_fast` was set.
    #[error("run {run} (seed {}) failed: {message}", crate::engine::seed_text(*seed))]
    RunFailed {
        /// Run index.
        run: usize,
        /// Its seed.
        seed: u64,
        /// Why.
        message: String,
    },
}

/// Where the rows of finished runs go.
pub struct Sinks<'a> {
    /// `runs.csv` (header already written).
    pub runs: &'a mut (dyn Write + Send),
    /// The series, if the plan writes series.
    pub series: Option<SeriesSink<'a>>,
    /// The summaries, fed each run (and its series) in run order, if they are wanted.
    pub summaries: Option<&'a mut SummaryBuilder>,
}

/// Where the series of finished runs go ([`SeriesFormat`]).
pub enum SeriesSink<'a> {
    /// `series.csv` (header already written): each run's lines, then its `runs.csv` row.
    Csv(&'a mut (dyn Write + Send)),
    /// Parquet parts of `part_runs` runs each: `write(part, bytes)` puts part `part` in place
    /// (crash-safely). The `runs.csv` rows of a part's runs are written after it.
    Parts {
        /// Runs per part.
        part_runs: usize,
        /// Writes a part.
        write: &'a mut (dyn FnMut(usize, &[u8]) -> std::io::Result<()> + Send),
    },
}

/// Progress after each run written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Runs written in this call.
    pub done: usize,
    /// Runs to write in this call.
    pub total: usize,
    /// Of `done`, how many failed.
    pub failed: usize,
}

/// What one call of [`execute`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SweepOutcome {
    /// Runs written.
    pub done: usize,
    /// Of which failed.
    pub failed: usize,
    /// Whether the progress callback stopped the sweep early.
    pub stopped: bool,
}

/// Runs `todo` (run indices, ascending: [`shard_runs`], or what is left of them) of `plan` on `threads` threads and
/// writes each run's rows in order. With CSV series: its series rows (flushed), then its
/// `runs.csv` row (flushed), so that after a kill every complete row of
/// `runs.csv` has all its series rows. With Parquet parts: runs are gathered by part; when
/// the runs of a part are done (or the sweep ends), the part is encoded (with more than one
/// thread, a column at a time between the runs of the next part, by the threads as they write)
/// and written, then the
/// `runs.csv` rows of its runs (flushed), so that after a kill `runs.csv` holds no run whose
/// part is not in place. With `summaries`, each run and its series are added as the run is
/// handed over, in run order. `progress` is called after each run
/// and may stop the sweep. With `fail_fast`, the first failed run is written
/// and then ends the sweep with [`SweepError::RunFailed`]. `run` runs one run
/// and formats its rows: [`Plan::runner_as`] gives the real one.
pub fn execute(
    plan: &Plan,
    todo: ShardRuns,
    threads: usize,
    fail_fast: bool,
    sinks: Sinks<'_>,
    progress: &mut (dyn FnMut(Progress) -> Flow + Send),
    run: &(dyn Fn(usize) -> RunRows + Sync),
) -> Result<SweepOutcome, SweepError> {
    let Sinks { runs, series, summaries } = sinks;
    // With more than one thread, a part is encoded in pieces while the runs go on.
    let part = PartWriter { in_pieces: threads > 1, threads: 1, ..PartWriter::default() };
    let writer =
        Writer { plan, todo, fail_fast, runs, series, part, summaries, progress, outcome: SweepOutcome::default() };
    let (flow, writer) = run_ordered_roaming(todo.len(), threads, |i| run(todo.get(i)), writer);
    let Writer { runs, mut series, mut part, mut outcome, .. } = writer;
    // The runs of the last parts (complete, or cut short by a stop or a failed run) are kept.
    let flushed = match series.as_mut() {
        Some(SeriesSink::Parts { write, .. }) if !matches!(flow, Err(SweepError::Io(_))) => {
            // Nothing is left to run: the rest is encoded on every thread, at once.
            part.threads = threads;
            part.in_pieces = false;
            part.finish_pending(&mut **write, &mut *runs).and_then(|()| part.flush(&mut **write, &mut *runs))
        }
        _ => Ok(()),
    };
    let flow = flow?;
    flushed?;
    outcome.stopped = flow == Flow::Stop;
    Ok(outcome)
}

/// What takes a sweep's runs in order ([`execute`]), on whichever thread's run comes next.
struct Writer<'a, 'p, 'q> {
    plan: &'q Plan,
    todo: ShardRuns,
    fail_fast: bool,
    runs: &'a mut (dyn Write + Send),
    series: Option<SeriesSink<'a>>,
    part: PartWriter,
    summaries: Option<&'a mut SummaryBuilder>,
    progress: &'p mut (dyn FnMut(Progress) -> Flow + Send),
    outcome: SweepOutcome,
}

impl OrderedConsumer<RunRows> for Writer<'_, '_, '_> {
    type Error = SweepError;

    fn consume(&mut self, i: usize, mut rows: RunRows) -> Result<Flow, SweepError> {
        let run = self.todo.get(i);
        match self.series.as_mut() {
            Some(SeriesSink::Csv(s)) => {
                s.write_all(rows.series_rows.as_bytes())?;
                s.flush()?;
                self.runs.write_all(rows.run_row.as_bytes())?;
                self.runs.flush()?;
            }
            Some(SeriesSink::Parts { part_runs, write }) => {
                let p = series_store::part_of(run, *part_runs);
                if self.part.index.is_some_and(|current| current != p) {
                    self.part.flush(&mut **write, &mut *self.runs)?;
                }
                self.part.add(p, *part_runs, &rows)?;
            }
            None => {
                self.runs.write_all(rows.run_row.as_bytes())?;
                self.runs.flush()?;
            }
        }
        if let Some(builder) = self.summaries.as_mut() {
            builder.add_run(&rows.record).map_err(report_error)?;
            if let Some(series) = &rows.series_typed {
                builder.add_run_series(rows.record.point, series).map_err(report_error)?;
            }
        }
        // The series go back to the thread that made them, to be reused (`series_store::Home`).
        if let Some(series) = rows.series_typed.take() {
            series.recycle();
        }
        let outcome = &mut self.outcome;
        outcome.done += 1;
        if !rows.ok {
            outcome.failed += 1;
            if self.fail_fast {
                let id = self.plan.run_id(run);
                return Err(SweepError::RunFailed { run: id.run, seed: id.seed, message: rows.message });
            }
        }
        Ok((self.progress)(Progress { done: outcome.done, total: self.todo.len(), failed: outcome.failed }))
    }

    fn chore(&mut self) -> Result<bool, SweepError> {
        match self.series.as_mut() {
            Some(SeriesSink::Parts { write, .. }) => self.part.encode_piece(&mut **write, &mut *self.runs),
            _ => Ok(false),
        }
    }
}

/// A failure of the summaries, as the error of a sweep.
fn report_error(e: crate::report::ReportError) -> SweepError {
    SweepError::Io(std::io::Error::other(e.to_string()))
}

/// The runs of the Parquet part being gathered by [`execute`], and the part before it while it
/// is encoded (in pieces, between runs).
#[derive(Default)]
struct PartWriter {
    /// Which part (`None`: no run yet).
    index: Option<usize>,
    /// Its series rows.
    columns: series_store::PartColumns,
    /// The `runs.csv` rows of its runs.
    run_rows: String,
    /// Whether a part is encoded in pieces between runs ([`Self::encode_piece`]), else at once.
    in_pieces: bool,
    /// Threads a part encoded at once is encoded on ([`series_store::encode_part`]).
    threads: usize,
    /// The part being encoded in pieces, if any.
    pending: Option<PendingPart>,
    /// Columns of an earlier part, cleared, to gather the next one in (their memory reused).
    spare: Option<series_store::PartColumns>,
}

/// A part being encoded in pieces: its index, the `runs.csv` rows of its runs, and its encoder,
/// which owns its rows.
struct PendingPart {
    index: usize,
    run_rows: String,
    encoder: series_store::PartEncoder<series_store::PartColumns>,
}

impl PartWriter {
    fn add(&mut self, part: usize, part_runs: usize, rows: &RunRows) -> Result<(), SweepError> {
        self.index = Some(part);
        if let Some(series) = &rows.series_typed {
            if self.columns.is_empty() {
                // A part's runs have about as many rows each: room for them all, once.
                self.columns.reserve(series.len() * part_runs);
            }
            self.columns.push_run(series).map_err(report_error)?;
        }
        self.run_rows.push_str(&rows.run_row);
        Ok(())
    }

    /// Hands the part over: encodes it and writes it, then the `runs.csv` rows of its runs, at
    /// once, or in pieces (writing the part handed over before, first). Parts and their rows are
    /// thus written in order, each part before its rows.
    fn flush(
        &mut self,
        write: &mut dyn FnMut(usize, &[u8]) -> std::io::Result<()>,
        runs: &mut dyn Write,
    ) -> Result<(), SweepError> {
        let Some(part) = self.index.take() else { return Ok(()) };
        self.finish_pending(write, runs)?;
        let run_rows = std::mem::take(&mut self.run_rows);
        if self.in_pieces {
            let columns = std::mem::replace(&mut self.columns, self.spare.take().unwrap_or_default());
            let encoder = series_store::PartEncoder::new(columns).map_err(report_error)?;
            self.pending = Some(PendingPart { index: part, run_rows, encoder });
            return Ok(());
        }
        let bytes = series_store::encode_part(&self.columns, self.threads).map_err(report_error)?;
        self.columns.clear();
        write_part(write, runs, part, &bytes, &run_rows)
    }

    /// Encodes a column of the part being encoded in pieces, if any, and writes the part, then
    /// its rows, once its last column is encoded. Says whether there was a piece to do.
    fn encode_piece(
        &mut self,
        write: &mut dyn FnMut(usize, &[u8]) -> std::io::Result<()>,
        runs: &mut dyn Write,
    ) -> Result<bool, SweepError> {
        let Some(pending) = self.pending.as_mut() else { return Ok(false) };
        pending.encoder.encode_next();
        if pending.encoder.is_done() {
            self.finish_pending(write, runs)?;
        }
        Ok(true)
    }

    /// Encodes what is left of the part being encoded in pieces, if any (on [`Self::threads`]
    /// threads), and writes it, then its rows.
    fn finish_pending(
        &mut self,
        write: &mut dyn FnMut(usize, &[u8]) -> std::io::Result<()>,
        runs: &mut dyn Write,
    ) -> Result<(), SweepError> {
        let Some(mut pending) = self.pending.take() else { return Ok(()) };
        pending.encoder.encode_rest(self.threads);
        let (bytes, mut columns) = pending.encoder.finish().map_err(report_error)?;
        columns.clear();
        self.spare = Some(columns);
        write_part(write, runs, pending.index, &bytes, &pending.run_rows)
    }
}

/// Writes part `part` (`bytes`), then the `runs.csv` rows of its runs (flushed).
fn write_part(
    write: &mut dyn FnMut(usize, &[u8]) -> std::io::Result<()>,
    runs: &mut dyn Write,
    part: usize,
    bytes: &[u8],
    run_rows: &str,
) -> Result<(), SweepError> {
    write(part, bytes)?;
    runs.write_all(run_rows.as_bytes())?;
    runs.flush()?;
    Ok(())
}
