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

use super::ramp::Ramp;
use super::route::{IpRoles, assign, empty_plan, whole};
use super::signals::Tally;
use super::{
    DayObservation, DayPlan, PerProviderParams, SegmentSettings, SenderView, Strategy, segment_plan, split_total,
};

/// One ramp per provider on the dedicated IPs, overflow to the shared pool.
#[derive(Debug, Clone)]
pub struct PerProvider {
    params: PerProviderParams,
    segments: SegmentSettings,
    /// Per provider: the dedicated ramp; empty before day 1.
    ramps: Vec<Ramp>,
    /// Per provider: whether the overflow is now queued on the dedicated IPs.
    queueing: Vec<bool>,
}

impl PerProvider {
    /// A per-provider warm-up sending to the audience in `segments`' order.
    pub fn new(params: PerProviderParams, segments: SegmentSettings) -> Self {
        Self { params, segments, ramps: Vec::new(), queueing: Vec::new() }
    }

    /// Each provider's dedicated ramp volume (messages/day).
    pub fn ramp_volumes(&self) -> Vec<f64> {
        self.ramps.iter().map(Ramp::volume).collect()
    }

    /// For each provider, whether its overflow is queued on the dedicated IPs (the late phase).
    pub fn queueing(&self) -> &[bool] {
        &self.queueing
    }

    fn update(&mut self, dedicated: &[bool], demand: &[u64], history: &[DayObservation]) {
        let rules = self.params.health;
        for (p, ramp) in self.ramps.iter_mut().enumerate() {
            let last = Tally::over(history, 1, dedicated, |q| q == p);
            let window = Tally::over(history, rules.window_days as usize, dedicated, |q| q == p);
            ramp.step(rules.verdict(&last, &window), self.params.growth, demand[p] as f64, &rules);
        }
    }
}

impl Strategy for PerProvider {
    fn name(&self) -> &'static str {
        "per_provider"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        let roles = IpRoles::of(view);
        let dedicated = roles.senders();
        let has_pool = roles.pool.iter().any(|&p| p);
        let demand =
            split_total(whole(self.params.daily_volume.unwrap_or(view.list_size as f64)), &view.provider_shares);
        if self.ramps.is_empty() {
            self.ramps = demand.iter().map(|_| Ramp::new(self.params.start)).collect();
            self.queueing = vec![false; demand.len()];
        } else if !history.is_empty() {
            self.update(&dedicated, &demand, history);
        }
        let mut volume = empty_plan(view);
        for (p, &d) in demand.iter().enumerate() {
            let ramp = self.ramps[p].volume();
            self.queueing[p] |= ramp >= self.params.pool_until_share * d as f64;
            let own = if self.queueing[p] { d } else { whole(ramp).min(d) };
            assign(&mut volume, p, own, &dedicated);
            if has_pool {
                assign(&mut volume, p, d - own, &roles.pool);
            }
        }
        DayPlan { volume, segments: segment_plan(self.segments, view, day) }
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
