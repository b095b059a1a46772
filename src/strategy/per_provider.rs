//! `per_provider`: warm-up tracked per provider, as managed dedicated IPs are.
//!
//! The sender's demand at provider `p` is `D_p` (its `daily_volume` split by list
//! share). Each provider has its own ramp of dedicated volume `a_p`, starting at
//! `start` whatever the provider's share (a provider accepts little from an IP
//! it does not know, however much the sender has for it) and driven by that
//! provider's signals alone (the health rules of `adaptive`): it grows by
//! `growth` while healthy, holds, or backs off. A provider with less mail
//! reaches its demand sooner; one that throttles or blocks waits.
//!
//! - **Early** (while `a_p < pool_until_share * D_p`): the dedicated IPs send
//!   `min(a_p, D_p)`; the overflow `D_p - a_p` goes out through the shared pool
//!   (or, without a shared pool, is not sent).
//! - **Later** (from the first day `a_p` reaches that share, for good): the
//!   dedicated IPs carry the whole `D_p`; what the provider will not take yet is
//!   deferred, queued by the MTA and retried.

use serde::Serialize;

use super::health::{HEALTH, HealthRules};
use super::param::{Bounds, ParamSpec};
use super::ramp::Ramp;
use super::read::{AllValid, ParamReader};
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{Routing, assign, clear_volume, ip_kinds, whole};
use super::signals::Tally;
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan, segment_plan_into};
use crate::model::IpSpec;

const DAILY_VOLUME: ParamSpec = ParamSpec::optional_float(
    "daily_volume",
    "the list size",
    Bounds::POSITIVE,
    "what the sender sends each day whatever the warm-up",
)
.unit("messages/day");
const START: ParamSpec = ParamSpec::float(
    "start",
    250.0,
    Bounds::POSITIVE,
    "dedicated volume at each provider on day 1, whatever its share (about 20 an hour for 12 hours)",
)
.unit("messages/day")
.source("[SendGrid-warm]");
const GROWTH: ParamSpec =
    ParamSpec::float("growth", 1.3, Bounds::above(1.0), "daily growth factor of each provider's ramp while healthy");
const POOL_UNTIL_SHARE: ParamSpec = ParamSpec::float(
    "pool_until_share",
    0.5,
    Bounds::UNIT,
    "overflow to the shared pool until a provider's ramp covers this share of its demand, queued after",
);

/// `per_provider` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "per_provider",
    summary: "a ramp per provider on the dedicated IPs; overflow to the shared pool early, queued later",
    source: "[SES-managed]",
    own: &[DAILY_VOLUME, START, GROWTH, POOL_UNTIL_SHARE],
    shared: &[HEALTH],
    reader: read,
};

/// The parameters of `per_provider`: each field is the parameter of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct PerProviderParams {
    /// `None`: the list size.
    pub daily_volume: Option<f64>,
    pub start: f64,
    pub growth: f64,
    pub pool_until_share: f64,
    /// The health thresholds of each provider's ramp.
    pub health: HealthRules,
}

impl Default for PerProviderParams {
    fn default() -> Self {
        Self {
            daily_volume: None,
            start: const { START.float_default() },
            growth: const { GROWTH.float_default() },
            pool_until_share: const { POOL_UNTIL_SHARE.float_default() },
            health: HealthRules::DEFAULT,
        }
    }
}

fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let b = match base {
        Some(StrategyKind::PerProvider(b)) => *b,
        _ => PerProviderParams::default(),
    };
    let mut all = AllValid::default();
    let params = PerProviderParams {
        daily_volume: all.take(r.opt_float(&DAILY_VOLUME, b.daily_volume)),
        start: all.take(r.float(&START, b.start)),
        growth: all.take(r.float(&GROWTH, b.growth)),
        pool_until_share: all.take(r.float(&POOL_UNTIL_SHARE, b.pool_until_share)),
        health: all.take(HealthRules::read(r, b.health)),
    };
    all.then(StrategyKind::PerProvider(params))
}

impl KindParams for PerProviderParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(PerProvider::new(*self, segments))
    }

    fn check_ips(&self, ips: &[IpSpec]) -> Result<(), String> {
        if ips.iter().any(IpSpec::is_dedicated) {
            return Ok(());
        }
        Err(format!("kind `{}` needs a `new` or `warm` ip to warm up, got {}", ENTRY.name, ip_kinds(ips)))
    }
}

/// One ramp per provider on the dedicated IPs, overflow to the shared pool.
#[derive(Debug, Clone)]
pub struct PerProvider {
    params: PerProviderParams,
    segments: SegmentSettings,
    /// Per provider: the dedicated ramp; empty before day 1.
    ramps: Vec<Ramp>,
    /// Per provider: whether the overflow is now queued on the dedicated IPs.
    queueing: Vec<bool>,
    /// Working space of [`Strategy::plan_day`], kept between days (issue 18: no
    /// allocation in the steady state of a run).
    routing: Routing,
}

impl PerProvider {
    /// A per-provider warm-up sending to the audience in `segments`' order.
    pub fn new(params: PerProviderParams, segments: SegmentSettings) -> Self {
        Self { params, segments, ramps: Vec::new(), queueing: Vec::new(), routing: Routing::default() }
    }

    /// Each provider's dedicated ramp volume (messages/day).
    pub fn ramp_volumes(&self) -> Vec<f64> {
        self.ramps.iter().map(Ramp::volume).collect()
    }

    /// For each provider, whether its overflow is queued on the dedicated IPs (the late phase).
    pub fn queueing(&self) -> &[bool] {
        &self.queueing
    }

    /// Steps each provider's ramp on its signals at the dedicated IPs, towards its demand
    /// (the sending IPs and the demand per provider of the day's [`Routing`]).
    fn update(&mut self, history: &[DayObservation]) {
        let (rules, Routing { senders: dedicated, by_provider: demand, .. }) = (self.params.health, &self.routing);
        for (p, ramp) in self.ramps.iter_mut().enumerate() {
            let last = Tally::over(history, 1, dedicated, |q| q == p);
            let window = Tally::over(history, rules.window_days as usize, dedicated, |q| q == p);
            ramp.step(rules.verdict(&last, &window), self.params.growth, demand[p] as f64, &rules);
        }
    }
}

impl Strategy for PerProvider {
    fn name(&self) -> &'static str {
        ENTRY.name
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        self.routing.fill(view);
        self.routing.split_by_provider(whole(self.params.daily_volume.unwrap_or(view.list_size as f64)), view);
        if self.ramps.is_empty() {
            let n = self.routing.by_provider.len();
            self.ramps = (0..n).map(|_| Ramp::new(self.params.start)).collect();
            self.queueing = vec![false; n];
        } else if !history.is_empty() {
            self.update(history);
        }
        let Routing { roles, senders: dedicated, by_provider: demand, even } = &mut self.routing;
        let has_pool = roles.pool.iter().any(|&p| p);
        let volume = &mut plan.volume;
        clear_volume(volume, view);
        for (p, &d) in demand.iter().enumerate() {
            let ramp = self.ramps[p].volume();
            self.queueing[p] |= ramp >= self.params.pool_until_share * d as f64;
            let own = if self.queueing[p] { d } else { whole(ramp).min(d) };
            assign(volume, p, own, dedicated, even);
            if has_pool {
                assign(volume, p, d - own, &roles.pool, even);
            }
        }
        segment_plan_into(self.segments, view, day, &mut plan.segments);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::ProviderObservation;
    use crate::strategy::test_support::view;

    /// A day on which the new IP was throttled hard at provider 0 only when `throttled`.
    fn day(d: u32, throttled: bool) -> DayObservation {
        let clean = ProviderObservation { accepted: 1000, opens: 300, ..Default::default() };
        let first = ProviderObservation { deferred: if throttled { 1000 } else { 0 }, ..clean.clone() };
        DayObservation { day: d, cells: vec![vec![first, clean], vec![ProviderObservation::default(); 2]] }
    }

    fn strategy() -> PerProvider {
        let params = PerProviderParams {
            daily_volume: Some(10_000.0),
            start: 500.0,
            growth: 2.0,
            ..PerProviderParams::default()
        };
        PerProvider::new(params, SegmentSettings::default())
    }

    #[test]
    fn overflow_goes_to_the_pool_early_then_is_queued_on_the_dedicated_ips() {
        let mut s = strategy();
        let v = view();
        // Demand 6,000 and 4,000; both ramps start at 500.
        assert_eq!(s.plan_day(1, &v, &[]).volume, vec![vec![500, 500], vec![5500, 3500]]);
        let days: Vec<DayObservation> = (1..=3).map(|d| day(d, false)).collect();
        assert_eq!(s.plan_day(2, &v, &days[..1]).volume, vec![vec![1000, 1000], vec![5000, 3000]]);
        let plan = s.plan_day(3, &v, &days[..2]);
        assert_eq!(plan.volume, vec![vec![2000, 4000], vec![4000, 0]], "2,000 >= half of 4,000: provider 1 queues");
        let plan = s.plan_day(4, &v, &days[..3]);
        assert_eq!(plan.volume, vec![vec![6000, 4000], vec![0, 0]], "a day later, provider 0 too");
        assert_eq!(s.queueing(), [true, true]);
    }

    #[test]
    fn each_provider_ramps_on_its_own_signals() {
        let mut s = strategy();
        let v = view();
        let days = [day(1, false), day(2, true), day(3, false)];
        for d in 0..=days.len() {
            s.plan_day(d as u32 + 1, &v, &days[..d]);
        }
        // Provider 0: 500, 1,000, cut to 500 after its 4xx, then waits; provider 1 doubles up to its demand.
        assert_eq!(s.ramp_volumes(), vec![500.0, 4000.0]);
        assert_eq!(s.queueing(), [false, true]);
    }

    #[test]
    fn without_a_pool_the_early_overflow_is_not_sent() {
        let mut v = view();
        v.ips.truncate(1);
        let mut s = strategy();
        assert_eq!(s.plan_day(1, &v, &[]).volume, vec![vec![500, 500]]);
    }
}
