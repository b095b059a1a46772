//! `linear`: from `start` on day 1 to `target` on day `ramp_days` in equal
//! daily steps, then `target` every day.

use super::route::whole;
use super::{DayObservation, DayPlan, LinearParams, SegmentSettings, SenderView, Strategy, total_plan};

/// Linear ramp to a target daily volume.
#[derive(Debug, Clone)]
pub struct Linear {
    params: LinearParams,
    segments: SegmentSettings,
}

impl Linear {
    /// A ramp sending to the audience in `segments`' order.
    pub fn new(params: LinearParams, segments: SegmentSettings) -> Self {
        Self { params, segments }
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
        "linear"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, _history: &[DayObservation]) -> DayPlan {
        total_plan(self.volume(day, view.list_size), view, self.segments, day)
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
