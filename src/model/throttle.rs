//! A provider's hourly rate limit on one (IP, provider) pair, and the attempts
//! it makes certain to fail.
//!
//! Each clock hour the provider evaluates at most the whole part of its hourly
//! allowance from the IP (docs/MODEL.md); the rest of the hour's attempts get a
//! 4xx. The allowance depends only on the provider's state, which changes once
//! a day, so it is fixed for a whole day ([`HourlyLimit::start_day`]).
//!
//! Fresh mail is sent at the start of each active hour, so two kinds of
//! attempt are known to fail before they are made:
//! - any attempt later in an hour whose allowance is used up;
//! - any attempt after the start of a later hour of the same day whose fresh
//!   mail alone uses up that hour's allowance (a *saturated* hour).
//!
//! [`MtaQueue::attempt`](super::MtaQueue::attempt) asks [`HourlyLimit`] about
//! both and makes such attempts at once, each counted as a deferral, instead of
//! waiting for each.

use super::{SendingWindow, slice_of};
use crate::engine::SimTime;

/// The hourly rate limit of one (IP, provider) pair during a day.
#[derive(Debug, Clone, Default)]
pub struct HourlyLimit {
    /// The day `allowance` and `saturated` are for (0-based).
    day: u32,
    /// Whole messages of the hourly allowance, for every hour of `day`.
    allowance: u64,
    /// Hours of `day` whose fresh mail alone uses up the allowance.
    saturated: [bool; 24],
    /// Start of the hour `tokens` belong to (`None`: no hour open).
    hour: Option<SimTime>,
    /// Messages the provider still accepts in the current hour.
    tokens: u64,
    /// Largest number of messages evaluated in one clock hour of the day, over the hours closed so far.
    peak_hour_evaluated: u64,
    /// Whether the allowance takes every hour's fresh mail of `day` whole.
    fits_every_hour: bool,
}

impl HourlyLimit {
    /// Starts day `day` (0-based) with an hourly `allowance` (messages/hour) and
    /// `fresh[s]` fresh messages of segment `s` to send over the active hours
    /// of `window` (each hour's slice as [`slice_of`] makes it).
    pub fn start_day(&mut self, day: u32, allowance: f64, fresh: &[u64], window: SendingWindow) {
        // The allowance is positive, so truncation is the floor, without a call to `floor`.
        let tokens = allowance as u64;
        self.day = day;
        self.allowance = tokens;
        self.saturated = [false; 24];
        // Each hour's slice of a segment is its share rounded down or up: bound the hour's
        // fresh mail first, and look at each hour only when the bounds straddle the allowance.
        let hours = u64::from(window.hours());
        let low: u64 = fresh.iter().map(|&n| n / hours).sum();
        let high = high_bound(fresh, window);
        self.fits_every_hour = high <= tokens;
        if high >= tokens && high > 0 {
            for h in window.start_hour..window.end_hour {
                let hour_fresh = if low >= tokens {
                    low
                } else {
                    fresh.iter().map(|&n| slice_of(n, h - window.start_hour, window.hours())).sum()
                };
                self.saturated[h as usize] = hour_fresh >= tokens && hour_fresh > 0;
            }
        }
    }

    /// Whether the allowance of the day takes each hour's fresh mail whole (the
    /// fresh mail given to [`HourlyLimit::start_day`], sliced as [`slice_of`]
    /// makes it): then, with nothing queued, no attempt of the day fails.
    pub fn fits_every_hour(&self) -> bool {
        self.fits_every_hour
    }

    /// Counts a day on which no hour was opened but every hour took its fresh
    /// mail whole, the busiest `peak_hour` messages: what opening each hour and
    /// taking its mail would leave for [`HourlyLimit::end_day`].
    pub fn took_whole_hours(&mut self, peak_hour: u64) {
        debug_assert!(self.hour.is_none() && self.fits_every_hour && peak_hour <= self.allowance);
        self.peak_hour_evaluated = self.peak_hour_evaluated.max(peak_hour);
    }

    /// Opens the clock hour of `now`, with the whole allowance, unless it is open.
    pub(super) fn enter_hour(&mut self, now: SimTime) {
        let hour = now.hour_start();
        if self.hour != Some(hour) {
            self.close_hour();
            self.hour = Some(hour);
            self.tokens = self.allowance;
        }
    }

    /// Ends the day: returns the largest number of messages evaluated in one
    /// clock hour of it, and forgets the day's hours.
    pub fn end_day(&mut self) -> u64 {
        self.close_hour();
        self.hour = None;
        std::mem::take(&mut self.peak_hour_evaluated)
    }

    /// Folds the open hour's evaluated messages (what it used of the allowance) into the day's peak.
    fn close_hour(&mut self) {
        if self.hour.is_some() {
            self.peak_hour_evaluated = self.peak_hour_evaluated.max(self.allowance - self.tokens);
        }
    }

    /// At `now`, in an open hour: the messages still accepted in this hour (to be
    /// decremented as mail is accepted), and whether an attempt at a later time `t`
    /// is certain to fail once they are used up: `t` is in this hour, or after the
    /// start of a saturated hour of today.
    pub(super) fn at(&mut self, now: SimTime) -> (&mut u64, impl Fn(SimTime) -> bool + '_) {
        let (hour_end, today, saturated) = (now.hour_start().plus_minutes(60), self.day, &self.saturated);
        let certain_failure = move |t: SimTime| {
            t < hour_end || (t.day() == today && t != t.hour_start() && saturated[t.hour_of_day() as usize])
        };
        (&mut self.tokens, certain_failure)
    }
}

/// The most fresh mail any hour of `window` can get of `fresh` (each segment's
/// hourly slice is its share rounded down or up).
fn high_bound(fresh: &[u64], window: SendingWindow) -> u64 {
    let hours = u64::from(window.hours());
    fresh.iter().map(|&n| n.div_ceil(hours)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturated_hours_are_those_whose_fresh_mail_uses_up_the_allowance() {
        let window = SendingWindow { start_hour: 8, end_hour: 20, ..SendingWindow::default() };
        for (allowance, fresh) in
            [(10.5, vec![115, 7]), (10.0, vec![120]), (11.0, vec![120]), (3.0, vec![0, 0]), (0.5, vec![1])]
        {
            let mut limit = HourlyLimit::default();
            limit.start_day(2, allowance, &fresh, window);
            for h in 0..24 {
                let in_window = (window.start_hour..window.end_hour).contains(&h);
                let hour_fresh: u64 = if in_window { fresh.iter().map(|&n| slice_of(n, h - 8, 12)).sum() } else { 0 };
                let want = hour_fresh > 0 && hour_fresh >= allowance as u64;
                // Marking is sound (a marked hour is saturated); below one message an hour, the
                // bounds may leave a saturated hour unmarked, which only forgoes the shortcut.
                let got = limit.saturated[h as usize];
                assert!(!got || want, "allowance {allowance}, fresh {fresh:?}, hour {h} is not saturated");
                if allowance >= 1.0 {
                    assert_eq!(got, want, "allowance {allowance}, fresh {fresh:?}, hour {h}");
                }
            }
        }
    }

    #[test]
    fn the_peak_hour_counts_what_each_hour_used_of_the_allowance() {
        let window = SendingWindow { start_hour: 8, end_hour: 20, ..SendingWindow::default() };
        let mut limit = HourlyLimit::default();
        limit.start_day(0, 100.0, &[0], window);
        for (hour, used) in [(8, 30), (9, 100), (10, 5)] {
            limit.enter_hour(SimTime::at(0, hour).plus_minutes(20));
            let (tokens, _) = limit.at(SimTime::at(0, hour).plus_minutes(20));
            *tokens -= used;
        }
        assert_eq!(limit.end_day(), 100);
        assert_eq!(limit.end_day(), 0, "a day without an hour used nothing");
        let (_, certain_failure) = limit.at(SimTime::at(0, 10));
        assert!(certain_failure(SimTime::at(0, 10).plus_minutes(59)) && !certain_failure(SimTime::at(0, 11)));
    }
}
