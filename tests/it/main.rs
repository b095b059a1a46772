//! ipwarm's integration tests: one test binary, one module per concern.
//!
//! - `cli`: the real binary in a temp dir (run, validate, exit codes, atomic outputs, determinism).
//! - `ingest`: `ipwarm ingest` of each log format's fixture to `observed.csv`; located errors on bad files.
//! - `init`: `ipwarm init` writes starting files that validate and run; `validate` recognises experiments.
//! - `bad_input`: every kind of bad scenario input gives exit 2 and names its location.
//! - `file_safety`: the ownership rule of output folders, crash-safe state, kill-and-resume at many points.
//! - `fit`: `ipwarm fit` on synthetic data with known parameters: outputs, the fitted scenario, recovery.
//! - `fit_calibration`: the fit's calibration study (`examples/fit_calibration`) on two tiny warm-ups: outputs
//!   well formed and identical on one and two threads.
//! - `model`: calibration, the blast, spikes, maintenance, retries, feedback loops.
//! - `optimize`: `ipwarm optimize` against an exhaustive grid of a small discrete space (within a day of its best
//!   with a fifth of its runs, never safe where the grid is unsafe), threads, resume, the best plan exported and
//!   run back, bad files.
//! - `optimize_file`: optimisation files: every problem of a bad file at once, located, before any run.
//! - `conservation`: every shipped scenario and randomised valid scenarios (proptest).
//! - `strategies`: each strategy's behaviour in runs, `ipwarm strategies` and `run --strategy`.
//! - `gallery`: every shipped scenario's expected outcome.
//! - `calendar`: sending calendars: days off, strategies by sending day, retries, the two calendar scenarios.
//! - `manifest`: `manifest.json` keeps its size whatever the number of runs; counts and digests after a kill and a
//!   resume; merge refuses a shard edited, cut or unfinished; manifests listing their runs (layout 1) still work.
//! - `golden`: every shipped scenario and experiment gives the files recorded in `tests/golden/` (byte for byte).
//! - `sweep`: experiments: determinism across threads and shards, resume, failures, statistics, located errors.
//! - `provenance`: every output folder records what ran in it and runs again from it; folder names; seeds as
//!   text and axis values as values in the outputs.
//! - `series_parquet`: Parquet series of experiments hold the rows of `series.csv` (summaries and charts alike),
//!   resume after a kill to the same bytes, stay within 2 KB per run of the default scenario, and pandas and
//!   polars read them (skipped without them, unless `IPWARM_REQUIRE_PANDAS=1`).
//! - `python`: `examples/read_outputs.py` reads the outputs with pandas (skipped without pandas, unless
//!   `IPWARM_REQUIRE_PANDAS=1`, as in `.ci/run`).
//! - `slurm`: a sharded sweep as a real Slurm job array through `examples/slurm/submit.sh`, merged; failed tasks
//!   (skipped without a Slurm cluster: `scripts/slurm/start.sh` starts one).
//! - `report_html`: `report.html` of runs and experiments (every chart inline, nothing external, user text
//!   escaped, byte-identical) and `--format svg`; the reports in headless Chromium (skipped without it, unless
//!   `IPWARM_REQUIRE_CHROMIUM=1`, as in `.ci/run`), with the checks proven on broken pages.
//! - `schemas`: `schemas/*.schema.json` are generated from the code, every shipped file validates against its
//!   schema and broken ones do not; `.taplo.toml` associates them in editors.
//! - `uncertain`: provider parameters given as distributions (and shipped priors), drawn per run and recorded,
//!   identical across threads and shards; located errors in distribution tables; `[variation]` off is the model
//!   without it; the spread of warm days across seeds.
//! - `warm_times`: warm times as censored data (`warm_times.csv`, `warm_curves.csv`) against a Kaplan-Meier
//!   estimate of `runs.csv`; restricted means in the summaries; plot, merge and compare.
//! - `events`: `run --events` writes every format deterministically, within its limit, and each ingests back to
//!   the run's `observed.csv`.
//! - `export`: `ipwarm export` (schedule CSV, KumoMTA shaping, Halon warm-up, schedule scenario) and the
//!   `schedule` strategy's `provider_volumes`; an exported plan runs back to the same daily.csv.
//! - `allocations`: no heap allocation in the steady state of a run (a counting global allocator, per thread).
//! - `architecture`: invariants of docs/ARCHITECTURE.md checked on the sources.
//! - `fuzz`: generated and mutated scenario and experiment files through the parsers and the binary
//!   (a short run here; the long campaign: `IPWARM_FUZZ_SECS=1800 cargo test --release --test it fuzz:: -- --ignored`).

mod allocations;
mod architecture;
mod bad_input;
mod calendar;
mod cli;
mod conservation;
mod events;
mod export;
mod facts;
mod file_safety;
mod fit;
mod fit_calibration;
mod fuzz;
mod gallery;
mod golden;
mod ingest;
mod init;
mod manifest;
mod model;
mod optimize;
mod optimize_file;
mod provenance;
mod python;
mod report_html;
mod schemas;
mod sensitivity;
mod series_parquet;
mod slurm;
mod strategies;
mod support;
mod sweep;
mod uncertain;
mod warm_times;

/// Counts each thread's allocations, for `allocations`; otherwise the system allocator.
#[global_allocator]
static ALLOCATOR: allocations::CountingAllocator = allocations::CountingAllocator;
