//! Synthetic run results for the report tests, built by hand (no simulation).

use crate::sim::{Counts, DailyRecord, ReputationLevel, RunResult};
use crate::strategy::StrategySpec;

/// A deterministic pseudo-random number in [0, 1) from `key` (splitmix64).
fn noise(key: u64) -> f64 {
    let mut z = key.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The strategy named `name` (a kind or a preset).
fn strategy(name: &str) -> StrategySpec {
    let (kind, preset) = crate::strategy::catalog::by_name(name).expect("a strategy name");
    StrategySpec { preset: preset.map(str::to_string), ..StrategySpec::new(kind) }
}

/// Fills `totals` and `queued_at_end` from the records.
fn finish(mut result: RunResult) -> RunResult {
    let mut totals = Counts::default();
    for r in &result.records {
        totals.add(&r.counts);
    }
    result.totals = totals;
    result.queued_at_end = result.records.iter().filter(|r| r.day == result.horizon_days).map(|r| r.queued).sum();
    result
}

/// 2 IPs (the first dedicated), 3 providers, 10 days, varied counts;
/// provider 1 never gets warm.
pub fn small() -> RunResult {
    let mut records = Vec::new();
    for day in 1..=10u32 {
        for ip in 0..2usize {
            for provider in 0..3usize {
                let d = u64::from(day);
                let k = (ip * 3 + provider) as u64;
                let sent = 100 * d + 37 * k;
                let counts = Counts {
                    sent,
                    inbox: sent * (5 + d) / 20,
                    junk: sent / (3 + k),
                    deferred: (sent / 4) / d,
                    bounced: k + 1,
                    blocked: if day < 4 { 10 - d - k } else { 0 },
                    expired: (day % 3) as u64 + k,
                    complaints: (d + k) % 4,
                    fbl_complaints: ((d + k) % 4) / 2,
                    opens: sent / 5,
                    trap_hits: u64::from(day == 2 && ip == 1),
                };
                let reputation = (0.15 + 0.07 * f64::from(day) + 0.03 * provider as f64 - 0.05 * ip as f64).min(1.0);
                records.push(DailyRecord {
                    day,
                    ip,
                    provider,
                    counts,
                    queued: (sent / 10) / d,
                    reputation,
                    level: ReputationLevel::from_score(reputation),
                });
            }
        }
    }
    finish(RunResult {
        scenario: "small test".to_string(),
        strategy: strategy("exponential"),
        seed: 7,
        horizon_days: 10,
        ip_names: vec!["ip-a".to_string(), "ip-b".to_string()],
        ip_dedicated: vec![true, false],
        provider_names: vec!["gmail".to_string(), "microsoft".to_string(), "yahoo".to_string()],
        records,
        totals: Counts::default(),
        queued_at_end: 0,
        warm_day: vec![Some(6), None, Some(9)],
        pool_overloads: Vec::new(),
        drawn_parameters: Vec::new(),
    })
}

/// A realistic-looking warm-up: 42 days, 2 dedicated IPs, 5 providers, volume
/// ramping from 1,000 to 100,000 messages per day, reputation rising from 0.3
/// towards 0.9 at a different speed per provider.
pub fn realistic() -> RunResult {
    let providers = ["gmail", "microsoft", "yahoo", "apple", "other"];
    let shares = [0.42, 0.24, 0.14, 0.10, 0.10];
    let speeds = [0.09, 0.035, 0.13, 0.06, 0.10];
    let horizon = 42u32;
    let mut records = Vec::new();
    let mut warm_day = vec![None; providers.len()];
    for day in 1..=horizon {
        let t = f64::from(day - 1);
        let volume = 1000.0 * 100f64.powf(t / f64::from(horizon - 1));
        for ip in 0..2usize {
            for p in 0..providers.len() {
                let key = u64::from(day) * 1000 + ip as u64 * 100 + p as u64;
                let wobble = noise(key) - 0.5;
                let rep = (0.3 + 0.6 * (1.0 - (-speeds[p] * t).exp()) + 0.03 * wobble).clamp(0.0, 1.0);
                if ip == 0 && rep >= 0.8 && warm_day[p].is_none() {
                    warm_day[p] = Some(day);
                }
                let n = volume * shares[p] / 2.0;
                let blocked = n * (0.45 - rep).max(0.0) * 0.4;
                let bounced = n * 0.006;
                let expired = n * 0.03 * (1.0 - rep).powi(3);
                let accepted = (n - blocked - bounced - expired).max(0.0);
                let inbox = accepted * (0.15 + rep).min(0.98);
                let complaint_rate = (0.0004 + 0.005 * (1.0 - rep).powi(2)) * (0.6 + 0.8 * noise(key ^ 0xABCD));
                let complaints = (inbox * complaint_rate).round() as u64;
                let counts = Counts {
                    sent: n.round() as u64,
                    inbox: inbox.round() as u64,
                    junk: (accepted - inbox).round() as u64,
                    deferred: (n * (1.0 - rep).powi(2) * 1.2).round() as u64,
                    bounced: bounced.round() as u64,
                    blocked: blocked.round() as u64,
                    expired: expired.round() as u64,
                    complaints,
                    fbl_complaints: if p == 1 || p == 2 { complaints } else { 0 },
                    opens: (inbox * 0.22).round() as u64,
                    trap_hits: u64::from(noise(key ^ 0x1234) < 0.02),
                };
                records.push(DailyRecord {
                    day,
                    ip,
                    provider: p,
                    counts,
                    queued: (n * (1.0 - rep).powi(2) * 0.3).round() as u64,
                    reputation: rep,
                    level: ReputationLevel::from_score(rep),
                });
            }
        }
    }
    finish(RunResult {
        scenario: "realistic-warmup".to_string(),
        strategy: strategy("kumo_conservative"),
        seed: 20240601,
        horizon_days: horizon,
        ip_names: vec!["203.0.113.10".to_string(), "203.0.113.11".to_string()],
        ip_dedicated: vec![true, true],
        provider_names: providers.iter().map(|s| s.to_string()).collect(),
        records,
        totals: Counts::default(),
        queued_at_end: 0,
        warm_day,
        pool_overloads: Vec::new(),
        drawn_parameters: Vec::new(),
    })
}
