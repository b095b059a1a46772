//! Warm-up strategies: what the sender decides each day from what it can observe.
//!
//! A [`Strategy`] receives the sender's static view of its setup and the
//! observations of past days, and returns a [`DayPlan`] (volume per IP and
//! provider, and which segments to send to) as data; the simulator applies it.
//! Strategies never see reputation, allowances or any other hidden state.
//!
//! One file per strategy kind (`schedule`, `exponential`, `linear`, `adaptive`,
//! `auto_blend`, `per_provider`), each holding the kind's parameters, their
//! [`param::ParamSpec`]s and its [`registry::KindEntry`] beside its logic;
//! [`registry`] lists the kinds, and everything that needs them reads it.
//! [`presets`] names published plans; [`catalog`] finds a kind or preset by
//! name. Shared pieces: [`param`] and [`read`] (parameter metadata and how a
//! kind reads its values), `audience` and `health` (parameter groups several
//! kinds take), `route` (volumes to `[ip][provider]`), `signals` (health rates
//! and verdicts) and `ramp` (a ramp that grows, holds and backs off).

mod adaptive;
mod audience;
mod auto_blend;
pub mod catalog;
mod exponential;
mod health;
mod linear;
mod observe;
pub mod param;
mod per_provider;
pub mod presets;
mod ramp;
pub mod read;
pub mod registry;
mod route;
mod schedule;
mod signals;

pub use crate::model::{slice_of, split_into, split_total};
pub use adaptive::{Adaptive, AdaptiveParams, HealthScope};
pub use audience::{SegmentOrder, SegmentSettings, segment_plan, segment_plan_into};
pub use auto_blend::{AutoBlend, AutoBlendParams, Blend};
pub use exponential::{Exponential, ExponentialParams};
pub use health::HealthRules;
pub use linear::{Linear, LinearParams};
pub use observe::{
    DayObservation, DayPlan, ProviderObservation, RepliesByCode, ReplyCodes, ReplyCount, SegmentPlan, SenderView,
};
pub use per_provider::{PerProvider, PerProviderParams};
pub use ramp::{Ramp, RampMode};
pub use registry::{StrategyKind, StrategySpec};
pub use route::{IpRoles, clear_volume};
pub use schedule::{AfterTable, ProviderVolumes, Schedule, ScheduleParams, TableUnit};
pub use signals::{MIN_SIGNAL_MESSAGES, Tally, Verdict};

/// A warm-up strategy.
pub trait Strategy: Send {
    /// The strategy's name as written in scenario files.
    fn name(&self) -> &'static str;

    /// Decides day `day` (1-based) from the sender's view and the observations
    /// of days `1..day`, oldest first.
    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan;

    /// [`Strategy::plan_day`] written into `plan`, which holds an earlier plan (or
    /// [`DayPlan::empty`]) and is overwritten whole. A run plans every day into one
    /// plan it keeps: the strategies of the registry write into its capacity and
    /// allocate nothing (issue 18: no allocation in the steady state of a run);
    /// by default, the plan of [`Strategy::plan_day`] replaces it.
    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        *plan = self.plan_day(day, view, history);
    }
}

/// The plan of a strategy that writes its plans ([`Strategy::plan_day_into`]), as a new
/// value: its [`Strategy::plan_day`].
pub(crate) fn new_plan(view: &SenderView, plan_into: impl FnOnce(&mut DayPlan)) -> DayPlan {
    let mut plan = DayPlan::empty(view);
    plan_into(&mut plan);
    plan
}

/// Builds the strategy described by `spec`.
pub fn build(spec: &StrategySpec) -> Box<dyn Strategy> {
    spec.kind.build(spec.segments())
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
                IpSpec::new("new", IpKind::New),
                IpSpec::new(
                    "pool",
                    IpKind::SharedPool { trust_mean: 0.8, trust_sd: 0.05, daily_volume_per_provider: 1e5 },
                ),
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
    fn build_names_every_kind() {
        for name in catalog::names() {
            let (kind, _) = catalog::by_name(name).expect("known");
            assert_eq!(build(&StrategySpec::new(kind.clone())).name(), kind.name());
        }
    }
}
