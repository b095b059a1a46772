//! Strategies on a sending calendar: [`OnSendingDays`] makes any strategy plan
//! on the calendar's sending days only.
//!
//! The wrapped strategy lives in a world of sending days: it is asked to plan
//! only on sending days, with the day's index among them (1-based: the second
//! Tuesday of a weekly sender is its day 2, so a ramp advances and a
//! schedule's table is read per sending day), and it sees the observations of
//! sending days only, numbered the same way (an adaptive ramp judges the last
//! sending day, its window the last few sending days). On a day off the plan
//! sends no fresh mail; everything else goes on (retries, feedback, reputation).
//!
//! The wrapper sees exactly what the strategy sees (the sender's view and its
//! observations) and returns a plan as data; the runner applies it once, in
//! [`super::run_with`], and only for a calendar that is not every day, so a
//! run without a calendar is the run it always was.

use crate::model::Calendar;
use crate::strategy::{DayObservation, DayPlan, SegmentPlan, SenderView, Strategy};

/// `inner`, asked to plan on the sending days of `calendar` only.
pub struct OnSendingDays<'a> {
    inner: &'a mut dyn Strategy,
    calendar: Calendar,
    /// The observations of the sending days so far, renumbered by sending day: the first
    /// `sending_days` entries. The others are kept for their capacity, so that copying a
    /// day's observation in allocates nothing once the run has seen as many (issue 18).
    sending_history: Vec<DayObservation>,
    /// Number of sending days observed so far.
    sending_days: usize,
    /// How many days of the full history have been read into `sending_history`.
    read: usize,
}

impl<'a> OnSendingDays<'a> {
    /// `inner` on the sending days of `calendar`.
    pub fn new(inner: &'a mut dyn Strategy, calendar: Calendar) -> Self {
        Self { inner, calendar, sending_history: Vec::new(), sending_days: 0, read: 0 }
    }
}

impl Strategy for OnSendingDays<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    /// On a sending day, `inner`'s plan for its index among the sending days;
    /// on a day off, no fresh mail.
    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        let mut plan = DayPlan::empty(view);
        self.plan_day_into(day, view, history, &mut plan);
        plan
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        if self.sending_history.is_empty() {
            // Room for a whole run's sending days, shaped as the runner's observations.
            self.sending_history.resize_with(view.horizon_days as usize, || DayObservation::empty(view));
        }
        // Each day's observation is copied once, when first seen.
        for observed in history.iter().skip(self.read) {
            if self.calendar.sends_on(observed.day) {
                let index = self.sending_days as u32 + 1;
                match self.sending_history.get_mut(self.sending_days) {
                    Some(slot) => {
                        slot.cells.clone_from(&observed.cells);
                        slot.day = index;
                    }
                    None => self.sending_history.push(DayObservation { day: index, ..observed.clone() }),
                }
                self.sending_days += 1;
            }
        }
        self.read = self.read.max(history.len());
        match self.calendar.sending_day_index(day) {
            Some(index) => self.inner.plan_day_into(index, view, &self.sending_history[..self.sending_days], plan),
            None => no_fresh_mail(view, plan),
        }
    }
}

/// A plan that sends nothing, into `plan`; it draws nothing: a proportional or
/// priority plan of zero volumes takes no random numbers (a priority order is
/// kept, with its capacity, for the next sending day).
fn no_fresh_mail(view: &SenderView, plan: &mut DayPlan) {
    crate::strategy::clear_volume(&mut plan.volume, view);
    if plan.segments == SegmentPlan::Random {
        plan.segments = SegmentPlan::Proportional;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SendingDays, Weekday, WeekdaySet};
    use crate::strategy::ProviderObservation;

    /// Records the days it is asked and the history it is shown; plans `100 * day` on IP 0, provider 0.
    #[derive(Default)]
    struct Probe {
        asked: Vec<(u32, Vec<u32>)>,
    }

    impl Strategy for Probe {
        fn name(&self) -> &'static str {
            "probe"
        }
        fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
            self.asked.push((day, history.iter().map(|o| o.day).collect()));
            let mut plan = DayPlan::empty(view);
            plan.volume[0][0] = 100 * u64::from(day);
            plan
        }
    }

    fn observed(day: u32, sent: u64) -> DayObservation {
        let cell = ProviderObservation { sent, ..ProviderObservation::default() };
        DayObservation { day, cells: vec![vec![cell; 2]; 2] }
    }

    #[test]
    fn plans_by_sending_day_and_sees_only_sending_days() {
        let view = crate::strategy::test_support::view();
        let tuesday = SendingDays::Weekdays(WeekdaySet::of([Weekday::Tuesday, Weekday::Thursday]));
        let calendar = Calendar { days: tuesday, start_weekday: Weekday::Monday };
        let mut probe = Probe::default();
        let mut history = Vec::new();
        let mut volumes = Vec::new();
        {
            let mut wrapped = OnSendingDays::new(&mut probe, calendar);
            assert_eq!(wrapped.name(), "probe");
            for day in 1..=10 {
                let plan = wrapped.plan_day(day, &view, &history);
                volumes.push(plan.volume[0][0]);
                assert_eq!(plan.volume.len(), view.ips.len());
                history.push(observed(day, plan.volume[0][0]));
            }
        }
        // Tuesdays and Thursdays: days 2, 4, 9 are sending days 1, 2, 3.
        assert_eq!(volumes, vec![0, 100, 0, 200, 0, 0, 0, 0, 300, 0]);
        assert_eq!(probe.asked, vec![(1, vec![]), (2, vec![1]), (3, vec![1, 2])]);
    }
}
