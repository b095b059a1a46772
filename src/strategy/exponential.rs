//! `exponential`: `start * growth^(day-1)` messages a day, capped at `target`.

use super::{DayObservation, DayPlan, SegmentOrder, SenderView, Strategy, segment_plan, spread_total};

/// Exponential ramp to a target daily volume.
#[derive(Debug, Clone)]
pub struct Exponential {
    start: f64,
    growth: f64,
    target: f64,
    order: SegmentOrder,
}

impl Exponential {
    /// A ramp from `start` messages on day 1, times `growth` each day, up to `target` (all messages/day).
    pub fn new(start: f64, growth: f64, target: f64, order: SegmentOrder) -> Self {
        Self { start, growth, target, order }
    }

    /// Total volume planned for day `day` (1-based).
    pub fn volume(&self, day: u32) -> u64 {
        let v = self.start * self.growth.powi(day.saturating_sub(1).min(10_000) as i32);
        v.min(self.target).round() as u64
    }
}

impl Strategy for Exponential {
    fn name(&self) -> &'static str {
        "exponential"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, _history: &[DayObservation]) -> DayPlan {
        DayPlan { volume: spread_total(self.volume(day), view), segments: segment_plan(self.order, view) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_holds_at_target() {
        let s = Exponential::new(100.0, 2.0, 1000.0, SegmentOrder::EngagedFirst);
        let v: Vec<u64> = (1..=6).map(|d| s.volume(d)).collect();
        assert_eq!(v, vec![100, 200, 400, 800, 1000, 1000]);
    }
}
