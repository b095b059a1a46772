//! No heap allocation in the steady state of a run (issue 18).
//!
//! The test binary's global allocator ([`CountingAllocator`], registered in `main.rs`) counts
//! the allocations (and reallocations) of each thread in a thread-local counter, so tests running
//! in parallel do not disturb each other's counts.
//!
//! A run is observed through a strategy wrapper that reads the counter each time the runner asks
//! for a day's plan: the difference between two days is everything the run allocated for a day
//! (the plan, the day's events, the queues, the observation and the records), and the difference
//! across `plan_day_into` is what the strategy allocated to plan it. After the first days (queues
//! and scratch buffers reach their working size), a day allocates nothing: strategies write their
//! plan into the one the runner keeps ([`Strategy::plan_day_into`]), and the runner makes the
//! history's entries for the whole horizon at the start, so that observing a day fills one in
//! place. Records are reserved for the horizon; the event queue, the MTA queues' slots and
//! cohorts, strategies' scratch and reply codes are kept between days. Three tests hold it:
//! - [`steady_days_allocate_nothing`]: each day of the default scenario after the first week,
//!   whole;
//! - [`every_strategy_plans_a_day_without_allocating`]: the strategy's own share, on every day
//!   after the first, for every kind of the registry (on its defaults and on the planning paths
//!   its defaults do not take), every preset and every shipped scenario;
//! - [`a_longer_run_allocates_only_its_history_more`]: a run of 84 days against one of 42,
//!   whole, for the default scenario and every strategy of the previous test: the only
//!   allocations that grow with the horizon are the history's entries, made at the start (the
//!   buffers of a run that ramps for weeks may still grow on days after the first week: a few
//!   doublings in all, not a day's allocation each day).

use super::support::shipped_scenarios;
use ipwarm::scenario::{Scenario, default_scenario};
use ipwarm::strategy::presets::PRESETS;
use ipwarm::strategy::registry::{self, StrategySpec};
use ipwarm::strategy::{
    AdaptiveParams, AfterTable, AutoBlendParams, Blend, DayObservation, DayPlan, ExponentialParams, HealthScope,
    LinearParams, ProviderVolumes, ScheduleParams, SegmentOrder, SenderView, Strategy, StrategyKind, TableUnit,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    /// Allocations made by this thread (const-initialised and without a destructor, so reading
    /// or bumping it never allocates).
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// The system allocator, counting each thread's `alloc`, `alloc_zeroed` and `realloc` calls.
pub struct CountingAllocator;

fn count() {
    // `try_with`: a thread being torn down still allocates; it is simply not counted.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// Allocations made so far by the current thread.
fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to `System`; counting touches only a thread-local `Cell`.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The scenario's own strategy, reading the allocation counter at each day's plan.
struct Counted {
    inner: Box<dyn Strategy>,
    /// `at_plan[d - 1]`: allocations of this thread when day `d` was about to be planned
    /// (reserved for the horizon, so that recording allocates nothing).
    at_plan: Vec<u64>,
    /// `planning[d - 1]`: allocations of the strategy while it planned day `d`.
    planning: Vec<u64>,
}

impl Strategy for Counted {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        let mut plan = DayPlan::empty(view);
        self.plan_day_into(day, view, history, &mut plan);
        plan
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        let before = allocations();
        self.at_plan.push(before);
        self.inner.plan_day_into(day, view, history, plan);
        self.planning.push(allocations() - before);
    }
}

/// What one run allocated: in all, and on each day from the plan of day `d` to that of `d + 1`
/// (on a sending calendar, from one sending day to the next).
struct Allocations {
    total: u64,
    per_day: Vec<u64>,
    /// Per day, the strategy's allocations while planning it ([`Counted::planning`]).
    planning: Vec<u64>,
}

fn count_run(sc: &Scenario, seed: u64) -> Allocations {
    let days = sc.horizon_days as usize;
    let mut strategy = Counted {
        inner: ipwarm::strategy::build(&sc.strategy),
        at_plan: Vec::with_capacity(days),
        planning: Vec::with_capacity(days),
    };
    let before = allocations();
    let result = ipwarm::sim::run_with(sc, &mut strategy, seed).expect("run");
    let total = allocations() - before;
    assert_eq!(result.records.len(), days * sc.ips.len() * sc.providers.len());
    let per_day = strategy.at_plan.windows(2).map(|w| w[1] - w[0]).collect();
    Allocations { total, per_day, planning: strategy.planning }
}

/// The default scenario over `days` days.
fn default_over(days: u32) -> Scenario {
    Scenario { horizon_days: days, ..default_scenario().expect("default scenario") }
}

/// The default scenario with the list and the sender's daily volume multiplied by 100 on the
/// same shared pool: both IPs throttled nearly every hour, the retry-heaviest case
/// (`default_42d_x100_sender_only` in benches/run.rs).
fn sender_only_x100(days: u32) -> Scenario {
    let mut sc = default_over(days);
    sc.audience.size *= 100;
    match &mut sc.strategy.kind {
        StrategyKind::AutoBlend(p) => p.daily_volume = p.daily_volume.map(|v| v * 100.0),
        other => panic!("the default scenario's strategy is an auto blend, not `{}`", other.name()),
    }
    sc
}

/// The default scenario over `days` days with `spec` for its strategy.
fn default_with(spec: &StrategySpec, days: u32) -> Scenario {
    Scenario { strategy: spec.clone(), ..default_over(days) }
}

/// A schedule of the daily table `volumes`, or of `provider_volumes` (a list per provider):
/// the sender's total (each dedicated IP's with `per_ip`), then doubling every two days up to
/// 150,000 a day.
fn schedule(volumes: &[u64], provider_volumes: Vec<ProviderVolumes>, per_ip: bool) -> StrategyKind {
    StrategyKind::Schedule(ScheduleParams {
        volumes: volumes.to_vec(),
        provider_volumes,
        unit: TableUnit::Day,
        per_ip,
        after: AfterTable::Grow { factor: 2.0, every_days: 2 },
        target: Some(150_000.0),
    })
}

/// Every strategy the registry builds, by label: each kind on its defaults; the planning paths
/// the defaults do not take (the schedule, which has no defaults, in total, per IP and per
/// provider; adaptive's global scope; auto_blend's volume blend; the other audience orders);
/// and every preset. Each runs on the default scenario with its strategy replaced.
fn every_strategy() -> Vec<(String, StrategySpec)> {
    let mut specs: Vec<(String, StrategySpec)> = Vec::new();
    for entry in registry::kinds() {
        if let Ok(kind) = entry.defaults() {
            specs.push((entry.name.to_string(), StrategySpec::new(kind)));
        }
    }
    let providers = default_over(1).providers;
    let lists = |scale: u64| -> Vec<ProviderVolumes> {
        let list = |i: u64| (1..=20).map(|d| scale * (i + 1) * 50 * d * d).collect();
        providers.iter().zip(0..).map(|(p, i)| ProviderVolumes { provider: p.name.clone(), volumes: list(i) }).collect()
    };
    let table = [500, 1_000, 2_000, 5_000, 10_000, 20_000, 40_000];
    let variants = [
        ("schedule (total)", schedule(&table, Vec::new(), false)),
        ("schedule (per ip)", schedule(&table, Vec::new(), true)),
        ("schedule (per provider)", schedule(&[], lists(2), false)),
        ("schedule (per provider, per ip)", schedule(&[], lists(1), true)),
        (
            "adaptive (global)",
            StrategyKind::Adaptive(AdaptiveParams { scope: HealthScope::Global, ..AdaptiveParams::default() }),
        ),
        (
            "auto_blend (volume)",
            StrategyKind::AutoBlend(AutoBlendParams {
                daily_volume: Some(50_000.0),
                blend: Blend::Volume { start_share: 0.05, warmup_volume: 500_000.0 },
            }),
        ),
    ];
    specs.extend(variants.into_iter().map(|(label, kind)| (label.to_string(), StrategySpec::new(kind))));
    for (order, label) in [(SegmentOrder::Random, "random"), (SegmentOrder::Proportional, "proportional")] {
        let spec = StrategySpec {
            segment_order: order,
            ..StrategySpec::new(StrategyKind::Exponential(ExponentialParams::default()))
        };
        specs.push((format!("exponential ({label} order)"), spec));
    }
    let weekly =
        StrategySpec { widen_every_days: Some(7), ..StrategySpec::new(StrategyKind::Linear(LinearParams::default())) };
    specs.push(("linear (widening weekly)".to_string(), weekly));
    for preset in &PRESETS {
        let spec = StrategySpec { preset: Some(preset.name.to_string()), ..StrategySpec::new(preset.kind()) };
        specs.push((format!("preset {}", preset.name), spec));
    }
    specs
}

/// Days from which a run must allocate nothing: the queues and scratch buffers reach their
/// working size in the first days of a ramp.
const WARM_UP_DAYS: usize = 7;

/// Allocations of a run that do not depend on its length but may differ between two lengths:
/// vectors growing by doubling to a size that depends on the horizon (the event queue's heap):
/// a few doublings each.
const RUN_LENGTH_SLACK: u64 = 16;

#[test]
fn steady_days_allocate_nothing() {
    for (name, sc) in [("default", default_over(84)), ("sender_only_x100", sender_only_x100(84))] {
        let a = count_run(&sc, 42);
        for (d, &got) in a.per_day.iter().enumerate().skip(WARM_UP_DAYS) {
            assert_eq!(got, 0, "{name}: day {} allocated {got} times", d + 1);
        }
    }
}

#[test]
fn every_strategy_plans_a_day_without_allocating() {
    let strategies = every_strategy();
    for entry in registry::kinds() {
        let counted = strategies.iter().any(|(_, spec)| spec.kind.name() == entry.name);
        assert!(counted, "kind `{}` is not counted", entry.name);
    }
    let on_default = strategies.into_iter().map(|(label, spec)| (label, default_with(&spec, 84)));
    let shipped = shipped_scenarios().into_iter().map(|path| {
        let sc = ipwarm::scenario::parse_file(&path).expect("valid scenario");
        (format!("scenarios/{}.toml", sc.name), sc)
    });
    let mut failures = Vec::new();
    for (label, sc) in on_default.chain(shipped) {
        let a = count_run(&sc, 42);
        // Day 1 sizes the strategy's working space (and starts its ramps).
        let over: Vec<String> = a
            .planning
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, planning)| **planning > 0)
            .map(|(d, planning)| format!("day {}: {planning}", d + 1))
            .collect();
        if !over.is_empty() {
            let first = over.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            failures.push(format!("{label}: {} days, {first}", over.len()));
        }
    }
    assert!(failures.is_empty(), "days on which planning allocated (allocations):\n{}", failures.join("\n"));
}

#[test]
fn a_longer_run_allocates_only_its_history_more() {
    let mut cases =
        vec![("default".to_string(), default_over(84)), ("sender_only_x100".to_string(), sender_only_x100(84))];
    cases.extend(every_strategy().into_iter().map(|(label, spec)| (label, default_with(&spec, 84))));
    let mut failures = Vec::new();
    for (name, sc) in &cases {
        let short = Scenario { horizon_days: 42, ..sc.clone() };
        let (short, long) = (count_run(&short, 42), count_run(sc, 42));
        // The history's entries, made at the start: one per day and one per day and IP.
        let extra_days = 42 * (1 + sc.ips.len() as u64);
        if long.total > short.total + extra_days + RUN_LENGTH_SLACK {
            failures.push(format!(
                "{name}: 42 days allocated {} times, 84 days {} (allowed: {} + {extra_days} + {RUN_LENGTH_SLACK})",
                short.total, long.total, short.total
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
