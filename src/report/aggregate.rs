//! Per-(day, provider) aggregates and the rate definitions shared by every output.
//!
//! A [`RunResult`] holds one record per (day, IP, provider). Most outputs want
//! sums over IPs per (day, provider), and the reputation of the sender's
//! reference IPs ([`ReferenceIps`](crate::sim::ReferenceIps): its dedicated IPs,
//! or all IPs if none is): [`Aggregates`] computes both once. The run charts
//! also read its per-IP side: sums over providers per (day, IP), each IP's
//! reputation at each provider, and the sums over the reference IPs alone.

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

/// Retry attempts: delivery attempts beyond each message's first,
/// `attempts - sent` (every new message is attempted when it is handed to the
/// MTA, so its later attempts are retries of mail deferred before). Counts
/// attempts, not messages: a message retried three times counts three.
pub fn retry_attempts(c: &Counts) -> u64 {
    c.attempts().saturating_sub(c.sent)
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
    /// Counts summed over the reference IPs only.
    pub reference_counts: Counts,
    /// Messages of the reference IPs still queued at the end of the day.
    pub reference_queued: u64,
    /// Sum of the reputation of the reference IPs.
    rep_sum: f64,
    /// Lowest reputation of the reference IPs (meaningful when `rep_n > 0`).
    rep_min: f64,
    /// Number of reference IPs with a record that day.
    rep_n: u32,
}

impl ProviderDay {
    /// Mean reputation over the reference IPs, or `None` without any record.
    pub fn reputation(&self) -> Option<f64> {
        (self.rep_n > 0).then(|| self.rep_sum / f64::from(self.rep_n))
    }

    /// Lowest reputation over the reference IPs, or `None` without any record:
    /// the one that decides whether the provider is warm, which needs all of them.
    pub fn lowest_reputation(&self) -> Option<f64> {
        (self.rep_n > 0).then_some(self.rep_min)
    }
}

/// Sums over providers for one (day, IP).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IpDay {
    /// Counts summed over all providers.
    pub counts: Counts,
    /// Messages of the IP still queued at the end of the day.
    pub queued: u64,
}

/// Per-(day, provider) sums of a run, day-major.
#[derive(Debug, Clone)]
pub(crate) struct Aggregates {
    /// Number of days: the horizon, or more if records go beyond it.
    pub n_days: usize,
    /// Number of providers: the named ones, or more if records refer to others.
    pub n_providers: usize,
    /// Number of IPs: the named ones, or more if records refer to others.
    pub n_ips: usize,
    /// Whether each IP (`0..n_ips`) is one of the reference IPs.
    pub ip_is_reference: Vec<bool>,
    /// Whether each IP (`0..n_ips`) is dedicated (new or warm) rather than a shared pool.
    pub ip_dedicated: Vec<bool>,
    /// `days[day_index * n_providers + provider]`, `day_index = day - 1`.
    days: Vec<ProviderDay>,
    /// `ip_days[day_index * n_ips + ip]`.
    ip_days: Vec<IpDay>,
    /// `ip_reputation[(day_index * n_ips + ip) * n_providers + provider]`, NaN without a record.
    ip_reputation: Vec<f64>,
}

thread_local! {
    /// The per-(day, provider) sums' memory of the last [`Aggregates`] dropped on the thread.
    static SPARE_DAYS: std::cell::Cell<Vec<ProviderDay>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Drop for Aggregates {
    fn drop(&mut self) {
        SPARE_DAYS.set(std::mem::take(&mut self.days));
    }
}

impl Aggregates {
    /// Sums the records of `result`. Reputation is averaged over its reference
    /// IPs ([`RunResult::reference_ips`]).
    pub fn new(result: &RunResult) -> Self {
        Self::build(result, true)
    }

    /// [`Self::new`] without the per-IP side (what an experiment's rows need): [`Self::ip_day`]
    /// and [`Self::ip_reputation`] see no record, and the reference IPs' own counts
    /// ([`ProviderDay::reference_counts`], `reference_queued`) stay zero; the reputation is the same.
    pub fn by_provider(result: &RunResult) -> Self {
        Self::build(result, false)
    }

    fn build(result: &RunResult, per_ip: bool) -> Self {
        let max_day = result.records.iter().map(|r| r.day).max().unwrap_or(0);
        let n_days = result.horizon_days.max(max_day) as usize;
        let max_provider = result.records.iter().map(|r| r.provider + 1).max().unwrap_or(0);
        let n_providers = result.provider_names.len().max(max_provider);
        let max_ip = result.records.iter().map(|r| r.ip + 1).max().unwrap_or(0);
        let n_ips = result.ip_names.len().max(result.ip_dedicated.len()).max(max_ip);
        let reference = result.reference_ips();
        let ip_is_reference: Vec<bool> = (0..n_ips).map(|ip| reference.contains(ip)).collect();
        let ip_dedicated: Vec<bool> =
            (0..n_ips).map(|ip| result.ip_dedicated.get(ip).copied().unwrap_or(false)).collect();
        let empty = ProviderDay { rep_min: f64::INFINITY, ..ProviderDay::default() };
        // The memory of the last sums dropped on this thread (a sweep sums a run after another).
        let mut days = SPARE_DAYS.take();
        days.clear();
        days.resize(n_days * n_providers, empty);
        let ip_cells = if per_ip { n_days * n_ips } else { 0 };
        let mut ip_days = vec![IpDay::default(); ip_cells];
        let mut ip_reputation = vec![f64::NAN; ip_cells * n_providers];
        for r in &result.records {
            let day_index = r.day.max(1) as usize - 1;
            let day = &mut days[day_index * n_providers + r.provider];
            day.counts.add(&r.counts);
            day.queued += r.queued;
            if per_ip {
                let ip_day = &mut ip_days[day_index * n_ips + r.ip];
                ip_day.counts.add(&r.counts);
                ip_day.queued += r.queued;
            }
            if per_ip && ip_is_reference[r.ip] {
                day.reference_counts.add(&r.counts);
                day.reference_queued += r.queued;
            }
            if r.reputation.is_finite() {
                if per_ip {
                    ip_reputation[(day_index * n_ips + r.ip) * n_providers + r.provider] = r.reputation;
                }
                if ip_is_reference[r.ip] {
                    day.rep_sum += r.reputation;
                    day.rep_min = day.rep_min.min(r.reputation);
                    day.rep_n += 1;
                }
            }
        }
        Self { n_days, n_providers, n_ips, ip_is_reference, ip_dedicated, days, ip_days, ip_reputation }
    }

    /// Whether the reference IPs are some of the IPs but not all (dedicated IPs
    /// next to shared pools), so that their own sums differ from the totals.
    pub fn reference_is_part(&self) -> bool {
        self.ip_is_reference.iter().any(|&r| r) && self.ip_is_reference.iter().any(|&r| !r)
    }

    /// Number of reference IPs.
    pub fn n_reference(&self) -> usize {
        self.ip_is_reference.iter().filter(|&&r| r).count()
    }

    /// The sums of 0-based `day_index` and `ip` over providers.
    pub fn ip_day(&self, day_index: usize, ip: usize) -> IpDay {
        self.ip_days.get(day_index * self.n_ips + ip).copied().unwrap_or_default()
    }

    /// The reputation of `ip` at `provider` at the end of 0-based `day_index`, if recorded.
    pub fn ip_reputation(&self, day_index: usize, ip: usize, provider: usize) -> Option<f64> {
        let v = self.ip_reputation.get((day_index * self.n_ips + ip) * self.n_providers + provider)?;
        v.is_finite().then_some(*v)
    }

    /// Messages still queued at the end of 0-based `day_index`, over all IPs and providers.
    pub fn day_queued(&self, day_index: usize) -> u64 {
        (0..self.n_providers).map(|p| self.day(day_index, p).queued).sum()
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
    fn by_provider_has_the_same_provider_side_and_no_ip_side() {
        let result = testdata::small();
        // Sums dropped before leave their memory to the next, which starts from zero all the same.
        drop(Aggregates::new(&testdata::small()));
        let (full, lean) = (Aggregates::new(&result), Aggregates::by_provider(&result));
        assert_eq!((lean.n_days, lean.n_providers, lean.n_ips), (full.n_days, full.n_providers, full.n_ips));
        for d in 0..full.n_days {
            for p in 0..full.n_providers {
                let (a, b) = (full.day(d, p), lean.day(d, p));
                assert_eq!((a.counts, a.queued), (b.counts, b.queued));
                assert_eq!((b.reference_counts, b.reference_queued), (Counts::default(), 0));
                assert_eq!((a.reputation(), a.lowest_reputation()), (b.reputation(), b.lowest_reputation()));
                assert_eq!(lean.ip_reputation(d, 0, p), None);
            }
            assert_eq!(lean.ip_day(d, 0).counts, Counts::default());
        }
    }

    #[test]
    fn per_ip_sums_and_reference_ips() {
        let result = testdata::small();
        let agg = Aggregates::new(&result);
        assert_eq!((agg.n_ips, agg.n_reference(), agg.reference_is_part()), (2, 1, true));
        for d in 0..agg.n_days {
            let mut by_ip = Counts::default();
            for ip in 0..agg.n_ips {
                by_ip.add(&agg.ip_day(d, ip).counts);
            }
            assert_eq!(by_ip, agg.day_totals(d));
            let queued: u64 = (0..agg.n_ips).map(|ip| agg.ip_day(d, ip).queued).sum();
            assert_eq!(queued, agg.day_queued(d));
            for p in 0..agg.n_providers {
                // Only IP 0 is dedicated: the reference sums and the lowest reputation are its own.
                let own = result.records.iter().find(|r| r.day as usize == d + 1 && r.provider == p && r.ip == 0);
                let own = own.map(|r| (r.counts, r.reputation));
                let day = agg.day(d, p);
                assert_eq!(Some((day.reference_counts, day.lowest_reputation().unwrap_or(f64::NAN))), own);
                assert_eq!(agg.ip_reputation(d, 1, p), day_reputation(&result, d, 1, p));
            }
        }
        let mut all_shared = testdata::small();
        all_shared.ip_dedicated = vec![false, false];
        let agg = Aggregates::new(&all_shared);
        assert!(!agg.reference_is_part() && agg.n_reference() == 2);
        let lowest = agg.day(2, 2).lowest_reputation().unwrap_or(f64::NAN);
        assert_eq!(lowest, day_reputation(&all_shared, 2, 1, 2).unwrap_or(f64::NAN), "IP 1 is 0.05 lower");
    }

    fn day_reputation(result: &RunResult, day_index: usize, ip: usize, provider: usize) -> Option<f64> {
        let r = result.records.iter().find(|r| r.day as usize == day_index + 1 && r.ip == ip && r.provider == provider);
        r.map(|r| r.reputation)
    }

    #[test]
    fn retry_attempts_are_attempts_beyond_the_first() {
        let c = Counts { sent: 10, inbox: 12, deferred: 5, blocked: 1, ..Counts::default() };
        assert_eq!(retry_attempts(&c), 8, "18 attempts for 10 new messages");
        assert_eq!(retry_attempts(&Counts { sent: 5, ..Counts::default() }), 0);
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
