//! Criterion benchmarks of one simulation run.
//!
//! - `default_42d`: one 42-day run of the embedded default scenario.
//! - `default_42d_x100`: the same with the list and every daily volume multiplied by 100;
//!   batch outcomes are sampled with binomial draws, so the cost should barely move.
//! - `blast_42d`: a heavily throttled run (many deferrals and retries).
//!
//! Run with `cargo bench --bench run`.

use criterion::{Criterion, criterion_group, criterion_main};
use ipwarm::scenario::{Scenario, default_scenario};
use ipwarm::strategy::StrategyKind;
use std::hint::black_box;

fn scaled(mut sc: Scenario, factor: f64) -> Scenario {
    sc.audience.size = (sc.audience.size as f64 * factor) as u64;
    match &mut sc.strategy.kind {
        StrategyKind::Exponential { start, target, .. } => {
            *start *= factor;
            *target *= factor;
        }
        StrategyKind::Schedule { daily_volumes, .. } => {
            daily_volumes.iter_mut().for_each(|v| *v = (*v as f64 * factor) as u64);
        }
    }
    sc
}

fn bench_runs(c: &mut Criterion) {
    let sc = default_scenario().expect("embedded default scenario is valid");
    let x100 = scaled(sc.clone(), 100.0);
    let blast = ipwarm::scenario::parse(include_str!("../scenarios/blast.toml"), "blast.toml").expect("valid");
    let mut group = c.benchmark_group("run");
    group.bench_function("default_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&sc), 42).expect("run")));
    group.bench_function("default_42d_x100", |b| b.iter(|| ipwarm::sim::run(black_box(&x100), 42).expect("run")));
    group.bench_function("blast_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&blast), 42).expect("run")));
    group.finish();
}

criterion_group!(benches, bench_runs);
criterion_main!(benches);
