//! Per-(day, provider) aggregates and the rate definitions shared by every output.
//!
//! A [`RunResult`] holds one record per (day, IP, provider). Most outputs want
//! sums over IPs per (day, provider), and the reputation of the sender's
//! reference IPs ([`ReferenceIps`](crate::sim::ReferenceIps): its dedicated IPs,
//! or all IPs if none is): [`Aggregates`] computes both once.

use std::borrow::Cow;

use crate::model::Replies;
use crate::sim::{Counts, RunResult};

/// `numerator / denominator`, or `None` when the denominator is zero.
fn ratio(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

/// Inbox rate: `inbox / sent`, the fraction of new messages that reached the
/// inbox (in [0, 1]); `None` when nothing was sent. Over a single day it can
/// exceed 1, since messages deferred earlier may be delivered that day.
pub fn inbox_rate(c: &Counts) -> Option<f64> {
    ratio(c.inbox, c.sent)
}

/// Complaint rate: `complaints / inbox`, complaints per message delivered to
/// the inbox, as postmaster dashboards define it; `None` when nothing reached
/// the inbox. Counts all complaints, not only those reported by a feedback loop.
pub fn complaint_rate(c: &Counts) -> Option<f64> {
    ratio(c.complaints, c.inbox)
}

/// Deferral rate: `deferred / attempts` (see [`Counts::attempts`]), the fraction
/// of delivery attempts answered with a 4xx; `None` when there was no attempt.
pub fn deferral_rate(c: &Counts) -> Option<f64> {
    ratio(c.deferred, c.attempts())
}

/// The name at `index`, or `#index` when the result has no such name.
pub(crate) fn name_of(names: &[String], index: usize) -> Cow<'_, str> {
    match names.get(index) {
        Some(name) => Cow::Borrowed(name.as_str()),
        None => Cow::Owned(format!("#{index}")),
    }
}

/// Sums over IPs for one (day, provider).
#[derive(Debug, Clone, Default)]
pub(crate) struct ProviderDay {
    /// Counts summed over all IPs.
    pub counts: Counts,
    /// Messages still queued at the end of the day, summed over all IPs.
    pub queued: u64,
    /// Sum of the reputation of the reference IPs.
    rep_sum: f64,
    /// Number of reference IPs with a record that day.
    rep_n: u32,
}

impl ProviderDay {
    /// Mean reputation over the reference IPs, or `None` without any record.
    pub fn reputation(&self) -> Option<f64> {
        (self.rep_n > 0).then(|| self.rep_sum / f64::from(self.rep_n))
    }
}

/// Per-(day, provider) sums of a run, day-major.
#[derive(Debug, Clone)]
pub(crate) struct Aggregates {
    /// Number of days: the horizon, or more if records go beyond it.
    pub n_days: usize,
    /// Number of providers: the named ones, or more if records refer to others.
    pub n_providers: usize,
    /// `days[day_index * n_providers + provider]`, `day_index = day - 1`.
    days: Vec<ProviderDay>,
}

impl Aggregates {
    /// Sums the records of `result`. Reputation is averaged over its reference
    /// IPs ([`RunResult::reference_ips`]).
    pub fn new(result: &RunResult) -> Self {
        let max_day = result.records.iter().map(|r| r.day).max().unwrap_or(0);
        let n_days = result.horizon_days.max(max_day) as usize;
        let max_provider = result.records.iter().map(|r| r.provider + 1).max().unwrap_or(0);
        let n_providers = result.provider_names.len().max(max_provider);
        let reference = result.reference_ips();
        let mut days = vec![ProviderDay::default(); n_days * n_providers];
        for r in &result.records {
            let day_index = r.day.max(1) as usize - 1;
            let day = &mut days[day_index * n_providers + r.provider];
            day.counts.add(&r.counts);
            day.queued += r.queued;
            if reference.contains(r.ip) && r.reputation.is_finite() {
                day.rep_sum += r.reputation;
                day.rep_n += 1;
            }
        }
        Self { n_days, n_providers, days }
    }

    /// The sums of 0-based `day_index` and `provider`.
    pub fn day(&self, day_index: usize, provider: usize) -> &ProviderDay {
        &self.days[day_index * self.n_providers + provider]
    }

    /// The sums of one provider, day by day.
    pub fn provider_days(&self, provider: usize) -> impl DoubleEndedIterator<Item = &ProviderDay> + '_ {
        self.days.iter().skip(provider).step_by(self.n_providers.max(1))
    }

    /// Counts of `provider` summed over the run.
    pub fn provider_totals(&self, provider: usize) -> Counts {
        let mut total = Counts::default();
        for day in self.provider_days(provider) {
            total.add(&day.counts);
        }
        total
    }

    /// Counts of 0-based `day_index` summed over providers.
    pub fn day_totals(&self, day_index: usize) -> Counts {
        let mut total = Counts::default();
        let start = day_index * self.n_providers;
        for day in &self.days[start..start + self.n_providers] {
            total.add(&day.counts);
        }
        total
    }

    /// Messages of `provider` still queued at the end of the last day.
    pub fn provider_queued_at_end(&self, provider: usize) -> u64 {
        match self.n_days {
            0 => 0,
            n => self.day(n - 1, provider).queued,
        }
    }

    /// Reputation of `provider` on the last day that has a record for it.
    pub fn final_reputation(&self, provider: usize) -> Option<f64> {
        self.provider_days(provider).rev().find_map(ProviderDay::reputation)
    }

    /// Share of all sent mail that went to `provider`, in [0, 1] (0 if nothing was sent).
    pub fn provider_share(&self, provider: usize, total_sent: u64) -> f64 {
        ratio(self.provider_totals(provider).sent, total_sent).unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn provider_totals_add_up_to_run_totals() {
        let result = testdata::small();
        let agg = Aggregates::new(&result);
        assert_eq!(agg.n_days, 10);
        assert_eq!(agg.n_providers, 3);
        let mut sum = Counts::default();
        for p in 0..agg.n_providers {
            sum.add(&agg.provider_totals(p));
        }
        assert_eq!(sum, result.totals);
        let mut by_day = Counts::default();
        for d in 0..agg.n_days {
            by_day.add(&agg.day_totals(d));
        }
        assert_eq!(by_day, result.totals);
    }

    #[test]
    fn reputation_averages_dedicated_ips_only() {
        let result = testdata::small();
        let agg = Aggregates::new(&result);
        // In `small`, only IP 0 is dedicated.
        let expected =
            result.records.iter().find(|r| r.day == 10 && r.provider == 1 && r.ip == 0).map(|r| r.reputation);
        assert_eq!(agg.final_reputation(1), expected);
    }

    #[test]
    fn reputation_averages_all_ips_when_none_is_dedicated() {
        let mut result = testdata::small();
        result.ip_dedicated = vec![false, false];
        let agg = Aggregates::new(&result);
        let reps: Vec<f64> =
            result.records.iter().filter(|r| r.day == 3 && r.provider == 2).map(|r| r.reputation).collect();
        let mean = reps.iter().sum::<f64>() / reps.len() as f64;
        let got = agg.day(2, 2).reputation().unwrap_or(f64::NAN);
        assert!((got - mean).abs() < 1e-12);
    }

    #[test]
    fn rates_are_none_on_zero_denominators() {
        let zero = Counts::default();
        assert_eq!(inbox_rate(&zero), None);
        assert_eq!(complaint_rate(&zero), None);
        assert_eq!(deferral_rate(&zero), None);
        let c = Counts { sent: 10, inbox: 8, junk: 1, deferred: 2, bounced: 1, complaints: 2, ..Counts::default() };
        assert_eq!(inbox_rate(&c), Some(0.8));
        assert_eq!(complaint_rate(&c), Some(0.25));
        assert_eq!(c.attempts(), 12);
        assert_eq!(deferral_rate(&c), Some(2.0 / 12.0));
    }
}
