//! Warm-up strategies: what the sender decides each day from what it can observe.
//!
//! A [`Strategy`] receives the sender's static view of its setup and the
//! observations of past days, and returns a [`DayPlan`] (volume per IP and
//! provider, and which segments to send to) as data; the simulator applies it.
//! Strategies never see reputation, allowances or any other hidden state.

mod exponential;
mod observe;
mod schedule;
mod spec;
mod split;

pub use exponential::Exponential;
pub use observe::{DayObservation, DayPlan, ProviderObservation, ReplyCount, SegmentPlan, SenderView};
pub use schedule::Schedule;
pub use spec::{AfterTable, SegmentOrder, StrategyKind, StrategySpec};
pub use split::{slice_of, split_total};

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
    match &spec.kind {
        StrategyKind::Schedule { daily_volumes, after } => {
            Box::new(Schedule::new(daily_volumes.clone(), *after, spec.segment_order))
        }
        StrategyKind::Exponential { start, growth, target } => {
            Box::new(Exponential::new(*start, *growth, *target, spec.segment_order))
        }
    }
}

/// The segment plan for `order` over the sender's segments.
pub fn segment_plan(order: SegmentOrder, view: &SenderView) -> SegmentPlan {
    match order {
        SegmentOrder::EngagedFirst => {
            let mut idx: Vec<usize> = (0..view.segments.len()).collect();
            idx.sort_by(|&a, &b| view.segments[b].open_rate.total_cmp(&view.segments[a].open_rate).then(a.cmp(&b)));
            SegmentPlan::Priority(idx)
        }
        SegmentOrder::Proportional => SegmentPlan::Proportional,
    }
}

/// Spreads a total daily volume over providers (by list share) and over the
/// dedicated IPs (evenly; over all IPs when none is dedicated).
pub fn spread_total(total: u64, view: &SenderView) -> Vec<Vec<u64>> {
    let any_dedicated = view.ips.iter().any(|ip| ip.is_dedicated());
    let ip_weights: Vec<f64> =
        view.ips.iter().map(|ip| if ip.is_dedicated() || !any_dedicated { 1.0 } else { 0.0 }).collect();
    let per_provider = split_total(total, &view.provider_shares);
    let mut volume = vec![vec![0; view.provider_names.len()]; view.ips.len()];
    for (p, &v) in per_provider.iter().enumerate() {
        for (ip, part) in split_total(v, &ip_weights).into_iter().enumerate() {
            volume[ip][p] = part;
        }
    }
    volume
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
    fn total_goes_to_dedicated_ips_by_provider_share() {
        let v = test_support::view();
        assert_eq!(spread_total(1000, &v), vec![vec![600, 400], vec![0, 0]]);
    }

    #[test]
    fn engaged_first_orders_by_open_rate() {
        let v = test_support::view();
        assert_eq!(segment_plan(SegmentOrder::EngagedFirst, &v), SegmentPlan::Priority(vec![1, 0]));
    }
}
