//! `exponential`: `start * growth^(day-1)` messages a day, capped at `target`.

use super::route::whole;
use super::{DayObservation, DayPlan, ExponentialParams, SegmentSettings, SenderView, Strategy, total_plan};

/// Exponential ramp to a target daily volume.
#[derive(Debug, Clone)]
pub struct Exponential {
    params: ExponentialParams,
    segments: SegmentSettings,
}

impl Exponential {
    /// A ramp sending to the audience in `segments`' order.
    pub fn new(params: ExponentialParams, segments: SegmentSettings) -> Self {
        Self { params, segments }
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
        "exponential"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, _history: &[DayObservation]) -> DayPlan {
        total_plan(self.volume(day, view.list_size), view, self.segments, day)
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
