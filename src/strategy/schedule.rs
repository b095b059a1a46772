//! `schedule`: an explicit table of volumes (per day or per hour, in total or
//! per IP), then hold the last value or keep growing by a factor.

use super::route::{spread_per_ip, spread_total, whole};
use super::{
    AfterTable, DayObservation, DayPlan, ScheduleParams, SegmentSettings, SenderView, Strategy, TableUnit, segment_plan,
};

/// Follows a [`ScheduleParams`] table.
#[derive(Debug, Clone)]
pub struct Schedule {
    params: ScheduleParams,
    segments: SegmentSettings,
}

impl Schedule {
    /// A schedule sending to the audience in `segments`' order.
    pub fn new(params: ScheduleParams, segments: SegmentSettings) -> Self {
        Self { params, segments }
    }

    /// The table's value for day `day` (1-based) in its own unit, before the cap.
    pub fn table_value(&self, day: u32) -> f64 {
        let volumes = &self.params.volumes;
        let idx = day.saturating_sub(1) as usize;
        if let Some(&v) = volumes.get(idx) {
            return v as f64;
        }
        let last = volumes.last().copied().unwrap_or(0) as f64;
        match self.params.after {
            AfterTable::Hold => last,
            AfterTable::Grow { factor, every_days } => {
                let extra = (idx + 1 - volumes.len()) as u32;
                let steps = extra.div_ceil(every_days.max(1)).min(10_000) as i32;
                (last * factor.powi(steps)).min(1e15)
            }
        }
    }

    /// Messages/day on day `day` (1-based) with `active_hours` sending hours, in the
    /// table's scope (per IP or total), capped at the target.
    pub fn daily_volume(&self, day: u32, active_hours: u32) -> u64 {
        let per_day = match self.params.unit {
            TableUnit::Day => self.table_value(day),
            TableUnit::Hour => self.table_value(day) * f64::from(active_hours),
        };
        whole(per_day.min(self.params.target.unwrap_or(f64::INFINITY)))
    }
}

impl Strategy for Schedule {
    fn name(&self) -> &'static str {
        "schedule"
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, _history: &[DayObservation]) -> DayPlan {
        let v = self.daily_volume(day, view.active_hours);
        let volume = if self.params.per_ip { spread_per_ip(v, view) } else { spread_total(v, view) };
        DayPlan { volume, segments: segment_plan(self.segments, view, day) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::test_support::view;

    fn schedule(volumes: Vec<u64>, after: AfterTable) -> Schedule {
        let params = ScheduleParams { volumes, unit: TableUnit::Day, per_ip: false, after, target: None };
        Schedule::new(params, SegmentSettings::default())
    }

    #[test]
    fn follows_the_table_then_holds_or_grows() {
        let hold = schedule(vec![50, 100, 500], AfterTable::Hold);
        assert_eq!((1..=5).map(|d| hold.daily_volume(d, 12)).collect::<Vec<_>>(), vec![50, 100, 500, 500, 500]);
        let grow = schedule(vec![50, 100], AfterTable::Grow { factor: 2.0, every_days: 1 });
        assert_eq!((1..=4).map(|d| grow.daily_volume(d, 12)).collect::<Vec<_>>(), vec![50, 100, 200, 400]);
    }

    #[test]
    fn growth_every_few_days_steps() {
        let s = schedule(vec![8000], AfterTable::Grow { factor: 2.0, every_days: 3 });
        let v: Vec<u64> = (1..=8).map(|d| s.daily_volume(d, 12)).collect();
        assert_eq!(v, vec![8000, 16_000, 16_000, 16_000, 32_000, 32_000, 32_000, 64_000]);
    }

    #[test]
    fn hourly_tables_per_ip_and_the_cap() {
        let params = ScheduleParams {
            volumes: vec![20, 28],
            unit: TableUnit::Hour,
            per_ip: true,
            after: AfterTable::Hold,
            target: None,
        };
        let mut s = Schedule::new(params.clone(), SegmentSettings::default());
        assert_eq!(s.daily_volume(1, 12), 240);
        let plan = s.plan_day(2, &view(), &[]);
        assert_eq!(plan.volume, vec![vec![202, 134], vec![0, 0]], "28 x 12 = 336 on the dedicated IP");
        let capped = Schedule::new(ScheduleParams { target: Some(300.0), ..params }, SegmentSettings::default());
        assert_eq!(capped.daily_volume(2, 12), 300);
    }
}
