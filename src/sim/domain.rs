//! Checks that a run stayed inside the model's domain.
//!
//! A shared-pool IP stands for a pool whose volume and reputation are
//! dominated by other tenants: its state does not move with the sender's
//! traffic (docs/MODEL.md, section 3). That premise fails on a day when the
//! sender's own mail through the pool at a provider exceeds the other tenants'
//! volume there (`daily_volume_per_provider`), so that the sender would be
//! most of the pool's traffic. The run still completes, but its results for
//! that pool describe a pool that cannot exist; the run reports each such
//! (IP, provider) so that the user can raise the pool's volume, or move the
//! traffic to dedicated IPs.

use super::DailyRecord;
use crate::model::{IpKind, IpSpec};
use serde::Serialize;

/// A shared-pool IP that carried more of the sender's mail at a provider than
/// the pool's own daily volume there, on at least one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolOverload {
    /// Index of the IP in `RunResult::ip_names`.
    pub ip: usize,
    /// Index of the provider in `RunResult::provider_names`.
    pub provider: usize,
    /// First such day, 1-based.
    pub first_day: u32,
    /// Number of such days.
    pub days: u32,
    /// Largest number of messages the sender sent through the pool there in one day.
    pub peak_sent_per_day: u64,
    /// The pool's own volume there (messages/day), from the scenario.
    pub pool_daily_volume: f64,
}

/// The (IP, provider) pairs where a shared pool carried more of the sender's
/// mail than its own volume. `records` are ordered by (day, ip, provider).
pub fn pool_overloads(records: &[DailyRecord], ips: &[IpSpec]) -> Vec<PoolOverload> {
    let mut found: Vec<PoolOverload> = Vec::new();
    for r in records {
        let IpKind::SharedPool { daily_volume_per_provider, .. } = ips[r.ip].kind else { continue };
        if r.counts.sent as f64 <= daily_volume_per_provider {
            continue;
        }
        match found.iter_mut().find(|o| o.ip == r.ip && o.provider == r.provider) {
            Some(o) => {
                o.days += 1;
                o.peak_sent_per_day = o.peak_sent_per_day.max(r.counts.sent);
            }
            None => found.push(PoolOverload {
                ip: r.ip,
                provider: r.provider,
                first_day: r.day,
                days: 1,
                peak_sent_per_day: r.counts.sent,
                pool_daily_volume: daily_volume_per_provider,
            }),
        }
    }
    found.sort_by_key(|o| (o.ip, o.provider));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Counts, ReputationLevel};

    fn record(day: u32, ip: usize, provider: usize, sent: u64) -> DailyRecord {
        DailyRecord {
            day,
            ip,
            provider,
            counts: Counts { sent, ..Counts::default() },
            queued: 0,
            reputation: 0.5,
            level: ReputationLevel::from_score(0.5),
        }
    }

    #[test]
    fn only_shared_pools_above_their_own_volume_are_reported() {
        let ips = vec![
            IpSpec::new("new", IpKind::New),
            IpSpec::new(
                "pool",
                IpKind::SharedPool { trust_mean: 0.85, trust_sd: 0.05, daily_volume_per_provider: 1000.0 },
            ),
        ];
        let mut records = Vec::new();
        for (day, sent) in [(1, 900), (2, 1500), (3, 1000), (4, 2500)] {
            // The new IP sends far more, and is never reported; provider 1 of the pool stays below.
            records.push(record(day, 0, 0, 1_000_000));
            records.push(record(day, 0, 1, 1_000_000));
            records.push(record(day, 1, 0, sent));
            records.push(record(day, 1, 1, 999));
        }
        let found = pool_overloads(&records, &ips);
        assert_eq!(
            found,
            vec![PoolOverload {
                ip: 1,
                provider: 0,
                first_day: 2,
                days: 2,
                peak_sent_per_day: 2500,
                pool_daily_volume: 1000.0
            }]
        );
    }
}
