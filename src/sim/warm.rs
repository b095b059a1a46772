//! When a provider counts as warm.
//!
//! An IP is warm at a provider on day `d` when, on each of the days
//! `d ..= d + 6` (or up to the end of the run), its reputation level is High
//! and, on each of those days that the calendar sends on, it sent mail to that
//! provider and under 1% of its SMTP attempts there were deferred; `d` itself
//! is a sending day. A provider is warm from the first day all the sender's reference
//! IPs ([`ReferenceIps`]: its dedicated IPs, or all IPs if none is) are warm there.
//! With a calendar of every day (the default), every day is a sending day.

use super::{DailyRecord, ReferenceIps, ReputationLevel};
use crate::model::{Calendar, Replies};

/// Consecutive days an IP must hold the warm condition.
pub const WARM_HOLD_DAYS: u32 = 7;
/// Largest share of SMTP attempts deferred on a warm day.
pub const WARM_MAX_DEFERRAL_RATE: f64 = 0.01;

/// Whether one record meets the warm condition; on a day off (`sending_day`
/// false) only its level counts.
pub fn record_is_warm(r: &DailyRecord, sending_day: bool) -> bool {
    let c = &r.counts;
    r.level == ReputationLevel::High
        && (!sending_day
            || (c.sent > 0 && c.attempts() > 0 && (c.deferred as f64) < WARM_MAX_DEFERRAL_RATE * c.attempts() as f64))
}

/// For each provider, the first 1-based day it is warm, or `None`: the day its
/// `reference` IPs (one record each per day and provider) are all warm there,
/// on `calendar`'s sending days. `records` must be ordered by (day, ip, provider).
pub fn warm_days(
    records: &[DailyRecord],
    reference: ReferenceIps<'_>,
    n_providers: usize,
    calendar: &Calendar,
) -> Vec<Option<u32>> {
    let n_ips = reference.n_ips();
    let n_days = records.len() / (n_ips * n_providers).max(1);
    let sending = |day: usize| calendar.sends_on(day as u32 + 1);
    let day_ok = |day: usize, p: usize| {
        (0..n_ips)
            .filter(|&ip| reference.contains(ip))
            .all(|ip| record_is_warm(&records[(day * n_ips + ip) * n_providers + p], sending(day)))
    };
    (0..n_providers)
        .map(|p| {
            let ok: Vec<bool> = (0..n_days).map(|d| day_ok(d, p)).collect();
            (0..n_days)
                .find(|&d| {
                    let end = (d + WARM_HOLD_DAYS as usize).min(n_days);
                    sending(d) && ok[d..end].iter().all(|&b| b)
                })
                .map(|d| d as u32 + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Counts;

    fn rec(day: u32, level: ReputationLevel, deferred: u64) -> DailyRecord {
        let counts = Counts { sent: 1000, inbox: 1000, deferred, ..Counts::default() };
        DailyRecord { day, ip: 0, provider: 0, counts, queued: 0, reputation: 0.9, level }
    }

    #[test]
    fn warm_needs_a_week_of_high_with_few_deferrals() {
        use ReputationLevel::*;
        let mut recs: Vec<DailyRecord> = (1..=20).map(|d| rec(d, if d >= 5 { High } else { Medium }, 0)).collect();
        recs[7].counts.deferred = 50; // day 8: 5% deferred, breaks the run
        assert_eq!(warm_days(&recs, ReferenceIps::new(&[true]), 1, &Calendar::EVERY_DAY), vec![Some(9)]);
        let never: Vec<DailyRecord> = (1..=5).map(|d| rec(d, Medium, 0)).collect();
        assert_eq!(warm_days(&never, ReferenceIps::new(&[true]), 1, &Calendar::EVERY_DAY), vec![None]);
        // Near the end of the run, the remaining days suffice.
        let late: Vec<DailyRecord> = (1..=10).map(|d| rec(d, if d >= 9 { High } else { Low }, 0)).collect();
        assert_eq!(warm_days(&late, ReferenceIps::new(&[true]), 1, &Calendar::EVERY_DAY), vec![Some(9)]);
    }
}
