//! The health signals a sender computes from its observations, and the verdict
//! of [`HealthRules`] on them: grow, hold, or back off.
//!
//! Rates (all from observable counts only):
//!
//! ```text
//! deferral  = 4xx replies / attempts                    (last day)
//! block     = 5xx blocks / evaluated                    (last day)
//! delivery  = accepted / (accepted + blocked + bounced + expired)
//! bounce    = hard bounces / evaluated
//! complaint = complaints seen / accepted                (feedback-loop reports, or the
//!                                                        published rate times accepted)
//! open      = opens / accepted
//! evaluated = accepted + blocked + bounced,  attempts = evaluated + 4xx replies
//! ```
//!
//! A rate is judged only when its denominator holds at least
//! [`MIN_SIGNAL_MESSAGES`]: a handful of messages says nothing.

use super::{DayObservation, HealthRules, ProviderObservation};
use crate::model::Replies;

/// Fewest messages in a rate's denominator for the rate to be judged.
pub const MIN_SIGNAL_MESSAGES: u64 = 100;

/// Observed counts summed over days, IPs and providers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Messages accepted (2xx).
    pub accepted: u64,
    /// 4xx replies.
    pub deferred: u64,
    /// 5xx block replies.
    pub blocked: u64,
    /// Hard bounces.
    pub bounced: u64,
    /// Messages expired in the queue.
    pub expired: u64,
    /// Complaints seen: per-message reports, plus published rates times accepted mail.
    pub complaints: f64,
    /// Opens.
    pub opens: u64,
}

impl Replies for Tally {
    fn accepted_replies(&self) -> u64 {
        self.accepted
    }
    fn blocked_replies(&self) -> u64 {
        self.blocked
    }
    fn bounced_replies(&self) -> u64 {
        self.bounced
    }
    fn deferred_replies(&self) -> u64 {
        self.deferred
    }
}

impl Tally {
    /// Adds one observation.
    pub fn add(&mut self, o: &ProviderObservation) {
        self.accepted += o.accepted;
        self.deferred += o.deferred;
        self.blocked += o.blocked;
        self.bounced += o.bounced;
        self.expired += o.expired;
        self.complaints += o.fbl_complaints as f64 + o.aggregate_complaint_rate.unwrap_or(0.0) * o.accepted as f64;
        self.opens += o.opens;
    }

    /// The last `days` days of `history`, over the IPs with `ips[ip]` true and
    /// the providers with `providers(p)` true.
    pub fn over(history: &[DayObservation], days: usize, ips: &[bool], providers: impl Fn(usize) -> bool) -> Self {
        let mut t = Self::default();
        for day in &history[history.len().saturating_sub(days)..] {
            for (ip, row) in day.cells.iter().enumerate() {
                if ips.get(ip).copied().unwrap_or(false) {
                    row.iter().enumerate().filter(|(p, _)| providers(*p)).for_each(|(_, o)| t.add(o));
                }
            }
        }
        t
    }

    fn rate(n: f64, d: u64) -> Option<f64> {
        (d >= MIN_SIGNAL_MESSAGES).then(|| n / d as f64)
    }

    /// 4xx replies / attempts.
    pub fn deferral_rate(&self) -> Option<f64> {
        Self::rate(self.deferred as f64, self.attempts())
    }

    /// 5xx blocks / evaluated.
    pub fn block_rate(&self) -> Option<f64> {
        Self::rate(self.blocked as f64, self.evaluated())
    }

    /// accepted / (accepted + blocked + bounced + expired).
    pub fn delivery_rate(&self) -> Option<f64> {
        Self::rate(self.accepted as f64, self.evaluated() + self.expired)
    }

    /// Hard bounces / evaluated.
    pub fn bounce_rate(&self) -> Option<f64> {
        Self::rate(self.bounced as f64, self.evaluated())
    }

    /// Complaints seen / accepted.
    pub fn complaint_rate(&self) -> Option<f64> {
        Self::rate(self.complaints, self.accepted)
    }

    /// Opens / accepted.
    pub fn open_rate(&self) -> Option<f64> {
        Self::rate(self.opens as f64, self.accepted)
    }
}

/// What a ramp should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Healthy: keep ramping.
    Grow,
    /// A quality threshold is crossed: keep the volume.
    Hold,
    /// A burst of throttling or blocks: cut the volume.
    BackOff,
}

impl HealthRules {
    /// The verdict on the `last` day's counts and the `window`'s (the last `window_days` days).
    pub fn verdict(&self, last: &Tally, window: &Tally) -> Verdict {
        let above = |rate: Option<f64>, limit: f64| rate.is_some_and(|r| r >= limit);
        if above(last.deferral_rate(), self.backoff_deferral_rate) || above(last.block_rate(), self.backoff_block_rate)
        {
            return Verdict::BackOff;
        }
        let hold = last.deferral_rate().is_some_and(|r| r > self.max_deferral_rate)
            || window.delivery_rate().is_some_and(|r| r <= self.min_delivery_rate)
            || window.open_rate().is_some_and(|r| r < self.min_open_rate)
            || window.bounce_rate().is_some_and(|r| r > self.max_bounce_rate)
            || window.complaint_rate().is_some_and(|r| r > self.max_complaint_rate);
        if hold { Verdict::Hold } else { Verdict::Grow }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(accepted: u64, deferred: u64, blocked: u64, bounced: u64, opens: u64) -> ProviderObservation {
        ProviderObservation { sent: accepted, accepted, deferred, blocked, bounced, opens, ..Default::default() }
    }

    fn verdict(o: ProviderObservation) -> Verdict {
        let mut t = Tally::default();
        t.add(&o);
        HealthRules::default().verdict(&t, &t)
    }

    #[test]
    fn the_published_hold_rule() {
        assert_eq!(verdict(obs(1000, 0, 0, 10, 300)), Verdict::Grow);
        // Opens under 10%.
        assert_eq!(verdict(obs(1000, 0, 0, 10, 90)), Verdict::Hold);
        // Bounces over 5%.
        assert_eq!(verdict(obs(1000, 0, 0, 60, 300)), Verdict::Hold);
        // Delivery at or below 90% (expired mail counts against it).
        let mut o = obs(900, 0, 0, 0, 300);
        o.expired = 100;
        assert_eq!(verdict(o), Verdict::Hold);
        // Complaints over 0.1%, through a feedback loop or a published rate.
        let mut o = obs(1000, 0, 0, 0, 300);
        o.fbl_complaints = 2;
        assert_eq!(verdict(o.clone()), Verdict::Hold);
        o.fbl_complaints = 0;
        o.aggregate_complaint_rate = Some(0.0015);
        assert_eq!(verdict(o), Verdict::Hold);
    }

    #[test]
    fn throttling_holds_then_backs_off() {
        assert_eq!(verdict(obs(1000, 60, 0, 0, 300)), Verdict::Hold);
        assert_eq!(verdict(obs(1000, 300, 0, 0, 300)), Verdict::BackOff);
        assert_eq!(verdict(obs(1000, 0, 30, 0, 300)), Verdict::BackOff);
    }

    #[test]
    fn small_samples_are_not_judged() {
        assert_eq!(verdict(obs(40, 30, 5, 5, 0)), Verdict::Grow);
        assert_eq!(Tally::default().open_rate(), None);
    }

    #[test]
    fn tally_sums_the_chosen_days_ips_and_providers() {
        let day = |d: u32, a: u64| DayObservation {
            day: d,
            cells: vec![vec![obs(a, 0, 0, 0, 0), obs(10 * a, 0, 0, 0, 0)], vec![obs(100 * a, 0, 0, 0, 0); 2]],
        };
        let h = vec![day(1, 1), day(2, 2), day(3, 3)];
        assert_eq!(Tally::over(&h, 2, &[true, false], |_| true).accepted, 2 + 20 + 3 + 30);
        assert_eq!(Tally::over(&h, 9, &[true, true], |p| p == 0).accepted, 6 + 600);
    }
}
