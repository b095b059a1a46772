//! Which recipients a strategy sends to: the audience settings every kind
//! takes (`segment_order`, `widen_every_days`), declared once as the
//! [`AUDIENCE`] parameter group, and the segment plan they give each day.

use serde::Serialize;

use super::param::{Bounds, ParamGroup, ParamSpec};
use super::read::ParamReader;
use super::{SegmentPlan, SenderView};

/// The order in which the sender works through its audience segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentOrder {
    /// Most engaged segments first (highest open rate), widening as volume grows
    /// (and, with `widen_every_days`, as days pass).
    EngagedFirst,
    /// Recipients drawn at random from the whole list each day.
    Random,
    /// Every segment in proportion to its size (what a random draw gives in expectation, without its noise).
    Proportional,
}

/// The orders, in the order of [`SEGMENT_ORDER`]'s options.
const ORDERS: [SegmentOrder; 3] = [SegmentOrder::EngagedFirst, SegmentOrder::Random, SegmentOrder::Proportional];

/// `segment_order`.
const SEGMENT_ORDER: ParamSpec = ParamSpec::choice(
    "segment_order",
    &["engaged_first", "random", "proportional"],
    "engaged_first",
    "order through the audience segments (docs/MODEL.md, section 5)",
)
.what("segment order");

/// `widen_every_days`.
const WIDEN_EVERY_DAYS: ParamSpec = ParamSpec::optional_int(
    "widen_every_days",
    "none",
    Bounds::between(1.0, 365.0),
    "days per widening step (none: widen as volume grows)",
)
.unit("days")
.when("segment_order", "engaged_first");

/// The audience settings every kind takes.
pub const AUDIENCE: ParamGroup = ParamGroup { name: "audience settings", params: &[SEGMENT_ORDER, WIDEN_EVERY_DAYS] };

/// Which recipients a strategy sends to: the order, and how fast engaged-first widens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SegmentSettings {
    /// Order through the segments.
    pub order: SegmentOrder,
    /// With `EngagedFirst`: only the most engaged segment on days `1..=n`, one more
    /// segment every `n` days after that (30-day engaged, then 60, then 90, then
    /// everyone). `None`: every segment is allowed from day 1, filled in order.
    pub widen_every_days: Option<u32>,
}

impl Default for SegmentSettings {
    fn default() -> Self {
        Self { order: SegmentOrder::EngagedFirst, widen_every_days: None }
    }
}

impl SegmentSettings {
    /// The settings `r` gives, over the defaults; `None` (recorded) if any is invalid.
    pub fn read(r: &mut dyn ParamReader) -> Option<Self> {
        let order = r.pick(&SEGMENT_ORDER, &ORDERS, SegmentOrder::EngagedFirst);
        let widen_every_days = if order.is_some_and(|o| o != SegmentOrder::EngagedFirst) {
            r.unused(&WIDEN_EVERY_DAYS);
            (!r.has(&WIDEN_EVERY_DAYS)).then_some(None)
        } else {
            r.opt_int(&WIDEN_EVERY_DAYS, None)
        };
        Some(Self { order: order?, widen_every_days: widen_every_days? })
    }
}

/// The segment plan of day `day` (1-based) under `settings`.
///
/// Engaged-first lists the segments by decreasing open rate; with
/// `widen_every_days = n` only the first `1 + (day - 1) / n` of them are allowed.
pub fn segment_plan(settings: SegmentSettings, view: &SenderView, day: u32) -> SegmentPlan {
    let mut plan = SegmentPlan::Proportional;
    segment_plan_into(settings, view, day, &mut plan);
    plan
}

/// [`segment_plan`] into `plan`, in the capacity of its priority order if it has one (a
/// strategy writing into the plan the runner reuses allocates nothing, issue 18).
pub fn segment_plan_into(settings: SegmentSettings, view: &SenderView, day: u32, plan: &mut SegmentPlan) {
    match settings.order {
        SegmentOrder::EngagedFirst => {
            let mut idx = match std::mem::replace(plan, SegmentPlan::Proportional) {
                SegmentPlan::Priority(idx) => idx,
                SegmentPlan::Proportional | SegmentPlan::Random => Vec::new(),
            };
            idx.clear();
            idx.extend(0..view.segments.len());
            // A total order (ties to the lower index): unstable sorting is stable here, and allocates nothing.
            idx.sort_unstable_by(|&a, &b| {
                view.segments[b].open_rate.total_cmp(&view.segments[a].open_rate).then(a.cmp(&b))
            });
            if let Some(n) = settings.widen_every_days {
                idx.truncate(1 + (day.saturating_sub(1) / n.max(1)) as usize);
            }
            *plan = SegmentPlan::Priority(idx);
        }
        SegmentOrder::Random => *plan = SegmentPlan::Random,
        SegmentOrder::Proportional => *plan = SegmentPlan::Proportional,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::read::NoValues;
    use crate::strategy::test_support;

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
    fn the_defaults_are_the_specs() {
        assert_eq!(SegmentSettings::read(&mut NoValues::default()), Some(SegmentSettings::default()));
        assert_eq!(SEGMENT_ORDER.default.to_string(), "\"engaged_first\"");
    }
}
