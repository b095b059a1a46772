//! Criterion benchmarks of one simulation run.
//!
//! - `ramp_42d`: one 42-day run of `scenarios/engaged_first.toml`, a new IP on an
//!   exponential ramp (the default scenario before it became a blend).
//! - `ramp_42d_x100`: the same with the list and every daily volume multiplied by 100.
//!   At this scale the new IP's ramp starts far above what providers accept from an
//!   unknown IP, so the run is heavily throttled: its extra cost is the MTA's retries.
//! - `warm_42d` and `warm_42d_x100`: the same list and ramp on an IP with a history
//!   large enough for either volume, so that both runs have the same dynamics and the
//!   pair isolates the cost of sampling: batch outcomes are binomial draws, so the cost
//!   should barely move with volume.
//! - `blast_42d`: `scenarios/blast.toml`, a heavily throttled run (many deferrals and retries).
//! - `default_56d`: the embedded default scenario, a new IP blended with a shared pool
//!   (twice the cells of a one-IP run), over its own 56 days.
//! - `default_42d` and `default_42d_x100`: the default scenario over 42 days, and the
//!   same business at 100 times the volume: the list, the sender's daily volume and the
//!   shared pool's own volume multiplied by 100 (the model's pool is dominated by other
//!   tenants, so a sender 100 times larger is on a pool 100 times larger). The new IP is
//!   not: its day-1 share is 100 times larger and heavily throttled, so part of the
//!   extra cost is the MTA's retries.
//! - `default_42d_x100_sender_only`: the list and the sender's daily volume multiplied by
//!   100 on the same 500,000/day pool. The sender is then about nine tenths of the
//!   pool's traffic, outside the model (the run says so in its warnings); both IPs are
//!   throttled nearly every hour, so this is the retry-heaviest case.
//!
//! Run with `cargo bench --bench run`.

use criterion::{Criterion, criterion_group, criterion_main};
use ipwarm::model::IpKind;
use ipwarm::scenario::{Scenario, default_scenario, parse};
use ipwarm::strategy::StrategyKind;
use std::hint::black_box;

/// `sc` with the list, the strategy's volumes and the IPs' own daily volumes (warm
/// histories, shared pools) multiplied by `factor`.
fn scaled(sc: Scenario, factor: f64) -> Scenario {
    let mut sc = sender_scaled(sc, factor);
    for ip in &mut sc.ips {
        match &mut ip.kind {
            IpKind::Warm { daily_volume_per_provider, .. } | IpKind::SharedPool { daily_volume_per_provider, .. } => {
                *daily_volume_per_provider *= factor
            }
            IpKind::New => {}
        }
    }
    sc
}

/// `sc` with the list and the strategy's volumes multiplied by `factor`.
fn sender_scaled(mut sc: Scenario, factor: f64) -> Scenario {
    sc.audience.size = (sc.audience.size as f64 * factor) as u64;
    let scale = |v: &mut Option<f64>| *v = v.map(|v| v * factor);
    match &mut sc.strategy.kind {
        StrategyKind::Exponential(p) => {
            p.start *= factor;
            scale(&mut p.target);
        }
        StrategyKind::Linear(p) => {
            p.start *= factor;
            scale(&mut p.target);
        }
        StrategyKind::Adaptive(p) => {
            p.start *= factor;
            scale(&mut p.target);
        }
        StrategyKind::Schedule(p) => {
            p.volumes.iter_mut().for_each(|v| *v = (*v as f64 * factor) as u64);
            scale(&mut p.target);
        }
        StrategyKind::AutoBlend(p) => scale(&mut p.daily_volume),
        StrategyKind::PerProvider(p) => {
            p.start *= factor;
            scale(&mut p.daily_volume);
        }
        other => panic!("no volume scaling for kind `{}`", other.name()),
    }
    sc
}

fn warm(mut sc: Scenario) -> Scenario {
    sc.ips[0].kind = IpKind::Warm { daily_volume_per_provider: 5_000_000.0, trust: 0.9 };
    sc
}

fn bench_runs(c: &mut Criterion) {
    let sc = parse(include_str!("../scenarios/engaged_first.toml"), "engaged_first.toml").expect("valid");
    let x100 = scaled(sc.clone(), 100.0);
    let (warm_x1, warm_x100) = (warm(sc.clone()), warm(x100.clone()));
    let blast = parse(include_str!("../scenarios/blast.toml"), "blast.toml").expect("valid");
    let default = default_scenario().expect("embedded default scenario is valid");
    let default_42 = Scenario { horizon_days: 42, ..default.clone() };
    let default_42_x100 = scaled(default_42.clone(), 100.0);
    let default_42_x100_sender = sender_scaled(default_42.clone(), 100.0);
    let overloads = |sc: &Scenario| ipwarm::sim::run(sc, 42).expect("run").pool_overloads.len();
    assert_eq!(overloads(&default_42_x100), 0, "the scaled default scenario stays inside the model");
    assert_eq!(overloads(&default_42_x100_sender), 5, "the sender-only scaling overloads the pool everywhere");
    let mut group = c.benchmark_group("run");
    group.bench_function("ramp_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&sc), 42).expect("run")));
    group.bench_function("ramp_42d_x100", |b| b.iter(|| ipwarm::sim::run(black_box(&x100), 42).expect("run")));
    group.bench_function("warm_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&warm_x1), 42).expect("run")));
    group.bench_function("warm_42d_x100", |b| b.iter(|| ipwarm::sim::run(black_box(&warm_x100), 42).expect("run")));
    group.bench_function("blast_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&blast), 42).expect("run")));
    group.bench_function("default_56d", |b| b.iter(|| ipwarm::sim::run(black_box(&default), 42).expect("run")));
    group.bench_function("default_42d", |b| b.iter(|| ipwarm::sim::run(black_box(&default_42), 42).expect("run")));
    // Over many seeds, as a sweep runs them (one seed can be a cheap or a dear run).
    let mut seed = 0u64;
    group.bench_function("default_56d_seeds", |b| {
        b.iter(|| {
            seed += 1;
            ipwarm::sim::run(black_box(&default), seed).expect("run")
        })
    });
    group.bench_function("default_42d_seeds", |b| {
        b.iter(|| {
            seed += 1;
            ipwarm::sim::run(black_box(&default_42), seed).expect("run")
        })
    });
    group.bench_function("default_42d_x100", |b| {
        b.iter(|| ipwarm::sim::run(black_box(&default_42_x100), 42).expect("run"))
    });
    group.bench_function("default_42d_x100_sender_only", |b| {
        b.iter(|| ipwarm::sim::run(black_box(&default_42_x100_sender), 42).expect("run"))
    });
    group.finish();
}

criterion_group!(benches, bench_runs);
criterion_main!(benches);
