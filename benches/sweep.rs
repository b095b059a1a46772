//! Timed sweeps of the default scenario (not criterion: one sweep takes seconds).
//!
//! - 1,000 runs on 1 thread and on 2 threads: the speed-up of the parallel runner;
//! - 10,000 runs on 2 threads: the time of a large sweep.
//!
//! Each sweep writes `runs.csv` and `series.csv` to a temporary folder, as the CLI does.
//! Run with `cargo bench --bench sweep`; set `IPWARM_BENCH_RUNS=N` to change the large sweep.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use ipwarm::scenario::DEFAULT_SCENARIO_TOML;
use ipwarm::sweep::{self, CompareInput, Flow, Sinks};

/// Runs `n_runs` replicates of the default scenario on `threads` threads; returns seconds.
fn sweep_seconds(n_runs: u32, threads: usize) -> f64 {
    let input = CompareInput {
        scenarios: vec![("default.toml".into(), DEFAULT_SCENARIO_TOML.into())],
        strategies: Vec::new(),
        replicates: n_runs,
        seed: 1,
    };
    let plan = sweep::compare_plan(&input).expect("the default scenario is valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut runs = BufWriter::new(File::create(dir.path().join("runs.csv")).expect("runs.csv"));
    let mut series = BufWriter::new(File::create(dir.path().join("series.csv")).expect("series.csv"));
    let todo = sweep::shard_runs(plan.n_runs(), None);
    let runner = plan.runner();
    let start = Instant::now();
    let sinks = Sinks { runs: &mut runs, series: Some(ipwarm::sweep::SeriesSink::Csv(&mut series)), summaries: None };
    let tally = sweep::execute(&plan, todo, threads, false, sinks, &mut |_| Flow::Continue, &runner).expect("sweep");
    runs.flush().expect("flush");
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!((tally.done, tally.failed), (plan.n_runs(), 0));
    seconds
}

fn main() {
    let large: u32 = std::env::var("IPWARM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let one = sweep_seconds(1_000, 1);
    let two = sweep_seconds(1_000, 2);
    println!("1,000 runs, 1 thread:  {one:.2} s ({:.0} runs/s)", 1000.0 / one);
    println!("1,000 runs, 2 threads: {two:.2} s ({:.0} runs/s), speed-up {:.2}x", 1000.0 / two, one / two);
    let big = sweep_seconds(large, 2);
    println!("{large} runs, 2 threads: {big:.2} s ({:.0} runs/s)", f64::from(large) / big);
}
