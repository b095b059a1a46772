//! A strategy that sends what the sender sent: the observed volumes per IP and provider on the
//! observed days, then another strategy's plans.
//!
//! Each day it asks the scenario's strategy (`inner`) for its plan, so that the recipients are
//! chosen as the scenario says (segment order, widening) and `inner` sees every day's
//! observations; on an observed day it replaces the plan's volumes by the observed ones. An
//! adaptive `inner` thus judges the replayed days' replies, though its own ramp state follows
//! what it planned rather than what was replayed.
//!
//! With a sending calendar that is not every day, the runner asks strategies by sending day
//! (`sim::OnSendingDays`); the replay maps a sending day's index back to its calendar day, so
//! the observed volumes of days off are not sent (the scenario's calendar should be the
//! sender's).

use crate::model::Calendar;
use crate::strategy::{DayObservation, DayPlan, SenderView, Strategy, new_plan};

/// Observed volumes, then `inner`.
pub struct Replay<'a> {
    /// `[day − 1][ip][provider]` of the observed days.
    volumes: &'a [Vec<Vec<u64>>],
    inner: Box<dyn Strategy>,
    calendar: Calendar,
}

impl<'a> Replay<'a> {
    /// Replays `volumes` (days 1, 2, ...) under the scenario's `calendar`, then follows `inner`.
    pub fn new(volumes: &'a [Vec<Vec<u64>>], inner: Box<dyn Strategy>, calendar: Calendar) -> Self {
        Self { volumes, inner, calendar }
    }

    /// The calendar day of the `index`-th sending day (the day itself for every day).
    fn calendar_day(&self, index: u32) -> u32 {
        if self.calendar.is_every_day() {
            return index;
        }
        let last = self.volumes.len() as u32 + index.saturating_mul(7) + 7;
        (1..=last).find(|&d| self.calendar.sending_day_index(d) == Some(index)).unwrap_or(index)
    }
}

impl Strategy for Replay<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        self.inner.plan_day_into(day, view, history, plan);
        if let Some(observed) = self.volumes.get(self.calendar_day(day) as usize - 1) {
            plan.volume.clone_from(observed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::default_scenario;

    #[test]
    fn a_run_sends_the_observed_volumes_then_the_strategy_takes_over() {
        let mut scenario = default_scenario().expect("default");
        scenario.horizon_days = 4;
        let (n_ips, n_providers) = (scenario.ips.len(), scenario.providers.len());
        let mut day = vec![vec![0u64; n_providers]; n_ips];
        day[0][0] = 300;
        day[1][2] = 40;
        let volumes = vec![day.clone(), day];
        let inner = crate::strategy::build(&scenario.strategy);
        let mut replay = Replay::new(&volumes, inner, scenario.window.calendar);
        let result = crate::sim::run_with(&scenario, &mut replay, 3).expect("runs");
        let sent = |d: u32, ip: usize, p: usize| {
            result.records.iter().find(|r| r.day == d && r.ip == ip && r.provider == p).map_or(0, |r| r.counts.sent)
        };
        assert_eq!((sent(1, 0, 0), sent(2, 1, 2), sent(2, 0, 1)), (300, 40, 0));
        let day3: u64 = result.records.iter().filter(|r| r.day == 3).map(|r| r.counts.sent).sum();
        assert_eq!(day3, 100_000, "the scenario's strategy sends its daily volume after the replay");
    }
}
