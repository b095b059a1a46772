//! `exponential`: `start * growth^(day-1)` messages a day, capped at `target`.

use serde::Serialize;

use super::param::{Bounds, ParamSpec};
use super::read::ParamReader;
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{Routing, whole};
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan};

const START: ParamSpec =
    ParamSpec::float("start", 1000.0, Bounds::POSITIVE, "total volume on day 1").unit("messages/day");
const GROWTH: ParamSpec = ParamSpec::float("growth", 1.3, Bounds::above(1.0), "daily growth factor");
const TARGET: ParamSpec =
    ParamSpec::optional_float("target", "the list size", Bounds::POSITIVE, "daily volume at which growth stops")
        .unit("messages/day");

/// `exponential` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "exponential",
    summary: "start x growth^(day-1) messages a day up to a target",
    source: "",
    own: &[START, GROWTH, TARGET],
    shared: &[],
    reader: read,
};

/// The parameters of `exponential`: each field is the parameter of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct ExponentialParams {
    pub start: f64,
    pub growth: f64,
    /// `None`: the list size.
    pub target: Option<f64>,
}

impl Default for ExponentialParams {
    fn default() -> Self {
        Self { start: const { START.float_default() }, growth: const { GROWTH.float_default() }, target: None }
    }
}

fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let b = match base {
        Some(StrategyKind::Exponential(b)) => *b,
        _ => ExponentialParams::default(),
    };
    let start = r.float(&START, b.start);
    let growth = r.float(&GROWTH, b.growth);
    let target = r.opt_float(&TARGET, b.target);
    let (start, target) = (start?, target?);
    if let Some(target) = target {
        r.ordered((&START, start), (&TARGET, target))?;
    }
    Some(StrategyKind::Exponential(ExponentialParams { start, growth: growth?, target }))
}

impl KindParams for ExponentialParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(Exponential::new(*self, segments))
    }
}

/// Exponential ramp to a target daily volume.
#[derive(Debug, Clone)]
pub struct Exponential {
    params: ExponentialParams,
    segments: SegmentSettings,
    /// Working space of [`Strategy::plan_day`], kept between days (issue 18: no
    /// allocation in the steady state of a run).
    routing: Routing,
}

impl Exponential {
    /// A ramp sending to the audience in `segments`' order.
    pub fn new(params: ExponentialParams, segments: SegmentSettings) -> Self {
        Self { params, segments, routing: Routing::default() }
    }

    /// Total volume planned for day `day` (1-based) for a list of `list_size` recipients.
    pub fn volume(&self, day: u32, list_size: u64) -> u64 {
        let p = &self.params;
        let v = p.start * p.growth.powi(day.saturating_sub(1).min(10_000) as i32);
        whole(v.min(p.target.unwrap_or(list_size as f64)))
    }
}

impl Strategy for Exponential {
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
    fn grows_then_holds_at_target_or_the_list_size() {
        let p = ExponentialParams { start: 100.0, growth: 2.0, target: Some(1000.0) };
        let s = Exponential::new(p, SegmentSettings::default());
        let v: Vec<u64> = (1..=6).map(|d| s.volume(d, 1_000_000)).collect();
        assert_eq!(v, vec![100, 200, 400, 800, 1000, 1000]);
        let s = Exponential::new(ExponentialParams { target: None, ..p }, SegmentSettings::default());
        assert_eq!(s.volume(6, 3000), 3000);
    }
}
