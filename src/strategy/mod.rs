//! Warm-up strategies: what the sender decides each day from what it can observe.
//!
//! A [`Strategy`] receives the sender's static view of its setup and the
//! observations of past days, and returns a [`DayPlan`] (volume per IP and
//! provider, and which segments to send to) as data; the simulator applies it.
//! Strategies never see reputation, allowances or any other hidden state.
//!
//! One file per strategy kind (`schedule`, `exponential`, `linear`, `adaptive`,
//! `auto_blend`, `per_provider`); [`presets`] names published plans;
//! [`catalog`] lists kinds and presets with their parameters. Shared pieces:
//! `route` (volumes to `[ip][provider]`), `signals` (health rates and
//! verdicts) and `ramp` (a ramp that grows, holds and backs off).

mod adaptive;
mod auto_blend;
pub mod catalog;
mod exponential;
mod linear;
mod observe;
mod per_provider;
pub mod presets;
mod ramp;
mod route;
mod schedule;
mod signals;
mod spec;

pub use crate::model::{slice_of, split_into, split_total};
pub use adaptive::Adaptive;
pub use auto_blend::AutoBlend;
pub use exponential::Exponential;
pub use linear::Linear;
pub use observe::{DayObservation, DayPlan, ProviderObservation, ReplyCount, SegmentPlan, SenderView};
pub use per_provider::PerProvider;
pub use ramp::{Ramp, RampMode};
pub use route::IpRoles;
pub use schedule::Schedule;
pub use signals::{MIN_SIGNAL_MESSAGES, Tally, Verdict};
pub use spec::{
    AdaptiveParams, AfterTable, AutoBlendParams, Blend, DEFAULT_BLEND_DAYS, DEFAULT_START_SHARE, DEFAULT_WARMUP_VOLUME,
    ExponentialParams, HealthRules, HealthScope, LinearParams, PerProviderParams, ScheduleParams, SegmentOrder,
    SegmentSettings, StrategyKind, StrategySpec, TableUnit,
};

/// A warm-up strategy.
pub trait Strategy: Send {
    /// The strategy's name as written in scenario files.
    fn name(&self) -> &'static str;

    /// Decides day `day` (1-based) from the sender's view and the observations
    /// of days `1..day`, oldest first.
    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan;
}

/// Builds the strategy described by `spec`.
pub fn build(spec: &StrategySpec) -> Box<dyn Strategy> {
    let seg = spec.segments();
    match &spec.kind {
        StrategyKind::Schedule(p) => Box::new(Schedule::new(p.clone(), seg)),
        StrategyKind::Exponential(p) => Box::new(Exponential::new(*p, seg)),
        StrategyKind::Linear(p) => Box::new(Linear::new(*p, seg)),
        StrategyKind::Adaptive(p) => Box::new(Adaptive::new(*p, seg)),
        StrategyKind::AutoBlend(p) => Box::new(AutoBlend::new(*p, seg)),
        StrategyKind::PerProvider(p) => Box::new(PerProvider::new(*p, seg)),
    }
}

/// The plan of a strategy that decides only a total: `total` messages spread
/// over providers and sending IPs (see `route`), in `settings`' audience order.
pub fn total_plan(total: u64, view: &SenderView, settings: SegmentSettings, day: u32) -> DayPlan {
    DayPlan { volume: route::spread_total(total, view), segments: segment_plan(settings, view, day) }
}

/// The segment plan of day `day` (1-based) under `settings`.
///
/// Engaged-first lists the segments by decreasing open rate; with
/// `widen_every_days = n` only the first `1 + (day - 1) / n` of them are allowed.
pub fn segment_plan(settings: SegmentSettings, view: &SenderView, day: u32) -> SegmentPlan {
    match settings.order {
        SegmentOrder::EngagedFirst => {
            let mut idx: Vec<usize> = (0..view.segments.len()).collect();
            idx.sort_by(|&a, &b| view.segments[b].open_rate.total_cmp(&view.segments[a].open_rate).then(a.cmp(&b)));
            if let Some(n) = settings.widen_every_days {
                idx.truncate(1 + (day.saturating_sub(1) / n.max(1)) as usize);
            }
            SegmentPlan::Priority(idx)
        }
        SegmentOrder::Random => SegmentPlan::Random,
        SegmentOrder::Proportional => SegmentPlan::Proportional,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A sender view for strategy unit tests.
    use super::SenderView;
    use crate::model::{IpKind, IpSpec, Segment};

    /// Two providers (0.6 / 0.4), one new and one shared IP, two segments.
    pub fn view() -> SenderView {
        let seg = |name: &str, share, open_rate| Segment {
            name: name.into(),
            share,
            open_rate,
            complaint_rate: 0.0002,
            invalid_rate: 0.01,
            trap_rate: 0.0,
        };
        SenderView {
            horizon_days: 42,
            active_hours: 12,
            ips: vec![
                IpSpec { name: "new".into(), kind: IpKind::New },
                IpSpec {
                    name: "pool".into(),
                    kind: IpKind::SharedPool { trust_mean: 0.8, trust_sd: 0.05, daily_volume_per_provider: 1e5 },
                },
            ],
            provider_names: vec!["gmail".into(), "yahoo".into()],
            provider_shares: vec![0.6, 0.4],
            list_size: 10_000,
            segments: vec![seg("cold", 0.5, 0.05), seg("hot", 0.5, 0.4)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engaged_first_orders_by_open_rate_and_widens_by_day_when_asked() {
        let mut v = test_support::view();
        let plan = |s, d| segment_plan(s, &v, d);
        let all = SegmentSettings::default();
        assert_eq!(plan(all, 1), SegmentPlan::Priority(vec![1, 0]));
        let weekly = SegmentSettings { widen_every_days: Some(7), ..all };
        assert_eq!(
            (plan(weekly, 7), plan(weekly, 8)),
            (SegmentPlan::Priority(vec![1]), SegmentPlan::Priority(vec![1, 0]))
        );
        v.segments.push(v.segments[0].clone());
        assert_eq!(segment_plan(weekly, &v, 99), SegmentPlan::Priority(vec![1, 0, 2]));
        let random = SegmentSettings { order: SegmentOrder::Random, widen_every_days: None };
        assert_eq!(segment_plan(random, &v, 1), SegmentPlan::Random);
    }

    #[test]
    fn build_names_every_kind() {
        for name in catalog::names() {
            let (kind, _) = catalog::by_name(name).expect("known");
            assert_eq!(build(&StrategySpec::new(kind.clone())).name(), kind.name());
        }
    }
}
