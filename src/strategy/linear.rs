//! `linear`: from `start` on day 1 to `target` on day `ramp_days` in equal
//! daily steps, then `target` every day.

use serde::Serialize;

use super::param::{Bounds, ParamSpec};
use super::read::ParamReader;
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{Routing, whole};
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan};

const START: ParamSpec =
    ParamSpec::float("start", 1000.0, Bounds::POSITIVE, "total volume on day 1").unit("messages/day");
const TARGET: ParamSpec =
    ParamSpec::optional_float("target", "the list size", Bounds::POSITIVE, "volume reached on day ramp_days and kept")
        .unit("messages/day");
const RAMP_DAYS: ParamSpec =
    ParamSpec::int("ramp_days", 30, Bounds::DAYS, "day on which the target is reached").unit("days");

/// `linear` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "linear",
    summary: "equal daily steps from start to a target",
    source: "",
    own: &[START, TARGET, RAMP_DAYS],
    shared: &[],
    reader: read,
};

/// The parameters of `linear`: each field is the parameter of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct LinearParams {
    pub start: f64,
    /// `None`: the list size.
    pub target: Option<f64>,
    pub ramp_days: u32,
}

impl Default for LinearParams {
    fn default() -> Self {
        Self {
            start: const { START.float_default() },
            target: None,
            ramp_days: const { RAMP_DAYS.int_default() as u32 },
        }
    }
}

fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let b = match base {
        Some(StrategyKind::Linear(b)) => *b,
        _ => LinearParams::default(),
    };
    let start = r.float(&START, b.start);
    let target = r.opt_float(&TARGET, b.target);
    let ramp_days = r.int(&RAMP_DAYS, b.ramp_days);
    let (start, target) = (start?, target?);
    if let Some(target) = target {
        r.ordered((&START, start), (&TARGET, target))?;
    }
    Some(StrategyKind::Linear(LinearParams { start, target, ramp_days: ramp_days? }))
}

impl KindParams for LinearParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(Linear::new(*self, segments))
    }
}

/// Linear ramp to a target daily volume.
#[derive(Debug, Clone)]
pub struct Linear {
    params: LinearParams,
    segments: SegmentSettings,
    /// Working space of [`Strategy::plan_day`], kept between days (issue 18: no
    /// allocation in the steady state of a run).
    routing: Routing,
}

impl Linear {
    /// A ramp sending to the audience in `segments`' order.
    pub fn new(params: LinearParams, segments: SegmentSettings) -> Self {
        Self { params, segments, routing: Routing::default() }
    }

    /// Total volume planned for day `day` (1-based) for a list of `list_size` recipients:
    /// `start + (target - start) * (day - 1) / (ramp_days - 1)`, held at `target` afterwards.
    pub fn volume(&self, day: u32, list_size: u64) -> u64 {
        let p = &self.params;
        let target = p.target.unwrap_or(list_size as f64);
        let progress = if p.ramp_days <= 1 {
            1.0
        } else {
            (f64::from(day.saturating_sub(1)) / f64::from(p.ramp_days - 1)).min(1.0)
        };
        whole(p.start + (target - p.start) * progress)
    }
}

impl Strategy for Linear {
    fn name(&self) -> &'static str {
        ENTRY.name
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, _history: &[DayObservation], plan: &mut DayPlan) {
        let total = self.volume(day, view.list_size);
        self.routing.total_plan(total, view, self.segments, day, plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_steps_to_the_target_then_holds() {
        let p = LinearParams { start: 1000.0, target: Some(5000.0), ramp_days: 5 };
        let s = Linear::new(p, SegmentSettings::default());
        let v: Vec<u64> = (1..=7).map(|d| s.volume(d, 1_000_000)).collect();
        assert_eq!(v, vec![1000, 2000, 3000, 4000, 5000, 5000, 5000]);
        let s = Linear::new(LinearParams { target: None, ramp_days: 1, ..p }, SegmentSettings::default());
        assert_eq!(s.volume(1, 7000), 7000, "a one-day ramp sends the target from day 1");
    }
}
