//! `adaptive`: a ramp that grows while the observed health is good, holds when
//! a quality threshold is crossed (by default the published rule: delivery at
//! or below 90%, opens under 10%, bounces over 5% or complaints over 0.1%),
//! and backs off after a burst of throttling or blocks until the error rate
//! falls, then resumes slowly. Per provider (one ramp each, on that provider's
//! signals) or global (one ramp on the signals summed over providers).

use serde::Serialize;

use super::health::{HEALTH, HealthRules};
use super::param::{Bounds, ParamSpec};
use super::ramp::Ramp;
use super::read::ParamReader;
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{Routing, assign, clear_volume, whole};
use super::signals::Tally;
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan, segment_plan_into};

const START: ParamSpec =
    ParamSpec::float("start", 1000.0, Bounds::POSITIVE, "total volume on day 1").unit("messages/day");
const GROWTH: ParamSpec = ParamSpec::float("growth", 1.3, Bounds::above(1.0), "daily growth factor while healthy");
const TARGET: ParamSpec =
    ParamSpec::optional_float("target", "the list size", Bounds::POSITIVE, "daily volume at which growth stops")
        .unit("messages/day");
const SCOPE: ParamSpec = ParamSpec::choice(
    "scope",
    &["per_provider", "global"],
    "per_provider",
    "a ramp per provider on its own signals, or one for the total on the summed signals",
);
/// The scopes, in the order of [`SCOPE`]'s options.
const SCOPES: [HealthScope; 2] = [HealthScope::PerProvider, HealthScope::Global];

/// `adaptive` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "adaptive",
    summary: "ramps while delivery, opens, bounces, complaints and 4xx/5xx replies look healthy; holds or backs off",
    source: "[Braze-auto] (hold rule); [Gmail-guidelines; SES-warm] (back off)",
    own: &[START, GROWTH, TARGET, SCOPE],
    shared: &[HEALTH],
    reader: read,
};

/// Whether an adaptive ramp judges each provider on its own or the whole sender at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthScope {
    /// One ramp per provider, each on that provider's signals.
    PerProvider,
    /// One ramp for the total, on the signals summed over providers.
    Global,
}

/// The parameters of `adaptive`: each field is the parameter of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct AdaptiveParams {
    pub start: f64,
    pub growth: f64,
    /// `None`: the list size.
    pub target: Option<f64>,
    pub scope: HealthScope,
    /// The health thresholds.
    pub health: HealthRules,
}

impl Default for AdaptiveParams {
    fn default() -> Self {
        Self {
            start: const { START.float_default() },
            growth: const { GROWTH.float_default() },
            target: None,
            scope: HealthScope::PerProvider,
            health: HealthRules::DEFAULT,
        }
    }
}

fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let b = match base {
        Some(StrategyKind::Adaptive(b)) => *b,
        _ => AdaptiveParams::default(),
    };
    let start = r.float(&START, b.start);
    let growth = r.float(&GROWTH, b.growth);
    let target = r.opt_float(&TARGET, b.target);
    let scope = r.pick(&SCOPE, &SCOPES, b.scope);
    let health = HealthRules::read(r, b.health);
    let (start, target) = (start?, target?);
    if let Some(target) = target {
        r.ordered((&START, start), (&TARGET, target))?;
    }
    Some(StrategyKind::Adaptive(AdaptiveParams { start, growth: growth?, target, scope: scope?, health: health? }))
}

impl KindParams for AdaptiveParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(Adaptive::new(*self, segments))
    }
}

/// A health-driven ramp, per provider or global.
#[derive(Debug, Clone)]
pub struct Adaptive {
    params: AdaptiveParams,
    segments: SegmentSettings,
    /// One ramp per provider, or a single one for the global scope; empty before day 1.
    ramps: Vec<Ramp>,
    /// Working space of [`Strategy::plan_day`], kept between days (issue 18: no
    /// allocation in the steady state of a run).
    routing: Routing,
}

impl Adaptive {
    /// An adaptive ramp sending to the audience in `segments`' order.
    pub fn new(params: AdaptiveParams, segments: SegmentSettings) -> Self {
        Self { params, segments, ramps: Vec::new(), routing: Routing::default() }
    }

    /// The ramps' current volumes (messages/day): one per provider, or one in total.
    pub fn volumes(&self) -> Vec<f64> {
        self.ramps.iter().map(Ramp::volume).collect()
    }

    /// The providers ramp `r` covers (`None`: all of them) and its share of the list.
    fn ramp_scope(&self, r: usize, view: &SenderView) -> (Option<usize>, f64) {
        match self.params.scope {
            HealthScope::PerProvider => (Some(r), view.provider_shares[r]),
            HealthScope::Global => (None, 1.0),
        }
    }

    fn start(&mut self, view: &SenderView) {
        let n = match self.params.scope {
            HealthScope::PerProvider => view.provider_names.len(),
            HealthScope::Global => 1,
        };
        self.ramps = (0..n).map(|r| Ramp::new(self.params.start * self.ramp_scope(r, view).1)).collect();
    }

    /// Steps each ramp on its signals, read on the sending IPs of the last [`Routing::fill`].
    fn update(&mut self, view: &SenderView, history: &[DayObservation]) {
        let senders = &self.routing.senders;
        let rules = self.params.health;
        let target = self.params.target.unwrap_or(view.list_size as f64);
        for r in 0..self.ramps.len() {
            let (provider, share) = self.ramp_scope(r, view);
            let covers = |p: usize| provider.is_none_or(|q| q == p);
            let last = Tally::over(history, 1, senders, covers);
            let window = Tally::over(history, rules.window_days as usize, senders, covers);
            self.ramps[r].step(rules.verdict(&last, &window), self.params.growth, target * share, &rules);
        }
    }
}

impl Strategy for Adaptive {
    fn name(&self) -> &'static str {
        ENTRY.name
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        self.routing.fill(view);
        if self.ramps.is_empty() {
            self.start(view);
        } else if !history.is_empty() {
            self.update(view, history);
        }
        if self.params.scope == HealthScope::Global {
            return self.routing.total_plan(whole(self.ramps[0].volume()), view, self.segments, day, plan);
        }
        let Routing { senders, even, .. } = &mut self.routing;
        clear_volume(&mut plan.volume, view);
        for (p, ramp) in self.ramps.iter().enumerate() {
            assign(&mut plan.volume, p, whole(ramp.volume()), senders, even);
        }
        segment_plan_into(self.segments, view, day, &mut plan.segments);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::ProviderObservation;
    use crate::strategy::test_support::view;

    /// A day on which the new IP (index 0) saw `deferred` 4xx and `blocked` 5xx at provider 0, clean elsewhere.
    fn day(d: u32, accepted: u64, deferred: u64, blocked: u64) -> DayObservation {
        let clean = ProviderObservation { accepted, opens: accepted / 3, ..Default::default() };
        let hit = ProviderObservation { deferred, blocked, ..clean.clone() };
        DayObservation { day: d, cells: vec![vec![hit, clean.clone()], vec![ProviderObservation::default(); 2]] }
    }

    fn run(scope: HealthScope, days: &[DayObservation]) -> Vec<Vec<f64>> {
        let params =
            AdaptiveParams { start: 1000.0, growth: 2.0, target: Some(1e9), scope, ..AdaptiveParams::default() };
        let mut s = Adaptive::new(params, SegmentSettings::default());
        let v = view();
        (0..=days.len())
            .map(|d| {
                s.plan_day(d as u32 + 1, &v, &days[..d]);
                s.volumes()
            })
            .collect()
    }

    #[test]
    fn per_provider_cuts_only_the_provider_that_blocks_and_recovers_slowly() {
        let days = [day(1, 1000, 0, 0), day(2, 1000, 0, 200), day(3, 1000, 500, 0), day(4, 1000, 0, 0)];
        let v = run(HealthScope::PerProvider, &days);
        assert_eq!(v[0], vec![600.0, 400.0]);
        assert_eq!(v[1], vec![1200.0, 800.0]);
        assert_eq!(v[2], vec![600.0, 1600.0], "blocks at provider 0 cut it; provider 1 keeps growing");
        assert_eq!(v[3], vec![300.0, 3200.0], "a burst of 4xx while backing off cuts again");
        assert_eq!(v[4], vec![300.0, 6400.0], "errors fell: recovery starts the next day");
    }

    #[test]
    fn global_scope_reacts_to_the_sum_and_recovery_is_slow() {
        let mut days = vec![day(1, 1000, 0, 0), day(2, 1000, 0, 100)];
        days.extend((3..=6).map(|d| day(d, 1000, 0, 0)));
        let v = run(HealthScope::Global, &days);
        assert_eq!(v[1], vec![2000.0]);
        assert_eq!(v[2], vec![1000.0], "100 blocks in 2,100 evaluated (4.8%) cut the total");
        assert_eq!(v[3], vec![1000.0]);
        let r = (v[4][0] / v[3][0], v[5][0] / v[4][0]);
        assert!((r.0 - 1.1).abs() < 1e-9 && (r.1 - 1.1).abs() < 1e-9, "resumes at +10% a day: {r:?}");
    }

    #[test]
    fn growth_stops_at_the_target_share() {
        let params = AdaptiveParams { start: 1000.0, growth: 10.0, target: Some(5000.0), ..AdaptiveParams::default() };
        let mut s = Adaptive::new(params, SegmentSettings::default());
        let days: Vec<DayObservation> = (1..=3).map(|d| day(d, 1000, 0, 0)).collect();
        for d in 0..=3 {
            s.plan_day(d + 1, &view(), &days[..d as usize]);
        }
        assert_eq!(s.volumes(), vec![3000.0, 2000.0]);
    }
}
