//! `schedule`: explicit daily volumes, then hold or keep growing.

use super::{AfterTable, DayObservation, DayPlan, SegmentOrder, SenderView, Strategy, segment_plan, spread_total};

/// A table of total daily volumes (messages/day), day 1 first.
#[derive(Debug, Clone)]
pub struct Schedule {
    daily_volumes: Vec<u64>,
    after: AfterTable,
    order: SegmentOrder,
}

impl Schedule {
    /// A schedule of `daily_volumes` followed by `after`.
    pub fn new(daily_volumes: Vec<u64>, after: AfterTable, order: SegmentOrder) -> Self {
        Self { daily_volumes, after, order }
    }

    /// Total volume planned for day `day` (1-based).
    pub fn volume(&self, day: u32) -> u64 {
        let idx = day.saturating_sub(1) as usize;
        if let Some(&v) = self.daily_volumes.get(idx) {
            return v;
        }
        let last = self.daily_volumes.last().copied().unwrap_or(0);
        match self.after {
            AfterTable::Hold => last,
            AfterTable::Grow { factor } => {
                let extra = (idx + 1 - self.daily_volumes.len()).min(10_000) as i32;
                (last as f64 * factor.powi(extra)).min(1e15).round() as u64
            }
        }
    }
}

impl Strategy for Schedule {
    fn name(&self) -> &'static str {
        "schedule"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, _history: &[DayObservation]) -> DayPlan {
        DayPlan { volume: spread_total(self.volume(day), view), segments: segment_plan(self.order, view) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_table_then_holds_or_grows() {
        let hold = Schedule::new(vec![50, 100, 500], AfterTable::Hold, SegmentOrder::EngagedFirst);
        assert_eq!((1..=5).map(|d| hold.volume(d)).collect::<Vec<_>>(), vec![50, 100, 500, 500, 500]);
        let grow = Schedule::new(vec![50, 100], AfterTable::Grow { factor: 2.0 }, SegmentOrder::EngagedFirst);
        assert_eq!((1..=4).map(|d| grow.volume(d)).collect::<Vec<_>>(), vec![50, 100, 200, 400]);
    }
}
