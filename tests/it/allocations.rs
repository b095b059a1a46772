//! No heap allocation in the steady state of a run (issue 18).
//!
//! The test binary's global allocator ([`CountingAllocator`], registered in `main.rs`) counts
//! the allocations (and reallocations) of each thread in a thread-local counter, so tests running
//! in parallel do not disturb each other's counts.
//!
//! A run is observed through a strategy wrapper that reads the counter each time the runner asks
//! for a day's plan: the difference between two days is everything the run allocated for a day
//! (the plan, the day's events, the queues, the observation and the records). After the first
//! days (queues and scratch buffers reach their working size), what a day may still allocate is
//! only what the `Strategy` API makes a fresh value each day:
//! - the plan ([`DayPlan`]: the `[ip][provider]` volumes, `1 + n_ips` vectors, and a priority
//!   order of segments when the strategy gives one), returned by value by `plan_day`;
//! - the day's observation in the history ([`DayObservation`]: its `[ip][provider]` cells,
//!   `1 + n_ips` vectors), kept for the rest of the run because `plan_day` reads the whole
//!   history as `&[DayObservation]`.
//!
//! Everything else (records reserved for the horizon, the event queue, the MTA queues' slots and
//! cohorts, strategies' scratch, reply codes) allocates nothing per day. A per-day allocation
//! that comes back fails [`steady_days_allocate_only_the_plan_and_the_observation`].

use ipwarm::scenario::{Scenario, default_scenario};
use ipwarm::strategy::{DayObservation, DayPlan, SegmentPlan, SenderView, Strategy, StrategyKind};
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
    /// Allocations the plans themselves are allowed per day (see the module's doc).
    plan_allocations: Vec<u64>,
}

impl Strategy for Counted {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        self.at_plan.push(allocations());
        let plan = self.inner.plan_day(day, view, history);
        self.plan_allocations.push(plan_vectors(&plan));
        plan
    }
}

/// The vectors of `plan` that hold heap memory: its volumes' outer and inner vectors and a
/// priority order of segments.
fn plan_vectors(plan: &DayPlan) -> u64 {
    let rows = plan.volume.iter().filter(|row| row.capacity() > 0).count() as u64;
    let order = match &plan.segments {
        SegmentPlan::Priority(order) => u64::from(order.capacity() > 0),
        SegmentPlan::Proportional | SegmentPlan::Random => 0,
    };
    u64::from(plan.volume.capacity() > 0) + rows + order
}

/// What one run allocated: in all, and on each day from the plan of day `d` to that of `d + 1`.
struct Allocations {
    total: u64,
    per_day: Vec<u64>,
    /// Per day, the allocations of the plan and of the day's observation (see the module's doc).
    allowed_per_day: Vec<u64>,
}

fn count_run(sc: &Scenario, seed: u64) -> Allocations {
    let days = sc.horizon_days as usize;
    let mut strategy = Counted {
        inner: ipwarm::strategy::build(&sc.strategy),
        at_plan: Vec::with_capacity(days),
        plan_allocations: Vec::with_capacity(days),
    };
    let before = allocations();
    let result = ipwarm::sim::run_with(sc, &mut strategy, seed).expect("run");
    let total = allocations() - before;
    assert_eq!(result.records.len(), days * sc.ips.len() * sc.providers.len());
    let per_day = strategy.at_plan.windows(2).map(|w| w[1] - w[0]).collect();
    let observation = 1 + sc.ips.len() as u64;
    let allowed_per_day = strategy.plan_allocations.iter().map(|plan| plan + observation).collect();
    Allocations { total, per_day, allowed_per_day }
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

/// Days from which a run must allocate only its plan and its observation: the queues and
/// scratch buffers reach their working size in the first days of a ramp.
const WARM_UP_DAYS: usize = 7;

/// Allocations of a run that do not depend on its length but may differ between two lengths:
/// vectors growing by doubling to a size that depends on the horizon (the event queue's heap,
/// the history of observations): a few doublings each.
const RUN_LENGTH_SLACK: u64 = 16;

#[test]
fn steady_days_allocate_only_the_plan_and_the_observation() {
    for (name, sc) in [("default", default_over(84)), ("sender_only_x100", sender_only_x100(84))] {
        let a = count_run(&sc, 42);
        for (d, (&got, &allowed)) in a.per_day.iter().zip(&a.allowed_per_day).enumerate().skip(WARM_UP_DAYS) {
            assert!(got <= allowed, "{name}: day {} allocated {got} times (plan and observation: {allowed})", d + 1);
        }
    }
}

#[test]
fn a_longer_run_allocates_only_its_plans_and_observations_more() {
    for (name, scenario) in [("default", default_over as fn(u32) -> Scenario), ("sender_only_x100", sender_only_x100)] {
        let (short, long) = (count_run(&scenario(42), 42), count_run(&scenario(84), 42));
        let extra_days: u64 = long.allowed_per_day[42..].iter().sum();
        assert!(
            long.total <= short.total + extra_days + RUN_LENGTH_SLACK,
            "{name}: 42 days allocated {} times, 84 days {} (allowed: {} + {extra_days} + {RUN_LENGTH_SLACK})",
            short.total,
            long.total,
            short.total
        );
    }
}
