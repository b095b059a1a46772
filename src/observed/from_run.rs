//! What a simulated run's sender observes, as [`ObservedRow`]s: the rows
//! `ipwarm run --events csv` writes, every other `--events` format carries a
//! part of, and `ipwarm fit` compares with the sender's own data.
//!
//! One row per (day, provider, IP) on which the sender saw something: mail
//! sent, a reply, an expiry, a feedback-loop report or an open. Every IP whose
//! mail the sender's MTA sent has rows, shared-pool IPs included (the MTA logs
//! its own sends through a pool as through a dedicated IP), each named by
//! [`ip_label`]. The counts are [`ProviderObservation::of_day`]'s, the one rule
//! of what a sender sees of a day; the published fields follow the provider's
//! [`Published`] property:
//!
//! - counts (`sent`, `delivered`, `deferred`, `bounced`, `blocked`, `expired`,
//!   `opens`) always; `complaints` only where the provider has a per-message
//!   feedback loop;
//! - Postmaster Tools providers, on days the IP had mail evaluated: the IP's
//!   reputation (`HIGH`, `MEDIUM`, `LOW`, `BAD`, the run's level) and the
//!   user-reported spam rate, complaints over inbox mail of *all* the
//!   sender's IPs at that provider (Postmaster Tools reports it per domain,
//!   not per IP), where some mail reached the inbox;
//! - SNDS providers, on days the IP had mail evaluated: the filter result
//!   (`GREEN` below 10% of evaluated mail given a spam verdict, junk or
//!   blocked; `RED` above 90%; `YELLOW` between), the complaint rate
//!   (complaints over accepted mail of the IP, rounded to 0.01%, as SNDS
//!   shows a percentage) and the trap hits.

use super::{CivilDate, ObservedRow, ip_label};
use crate::model::{Counts, FeedbackLoop, ProviderParams, Published, Replies};
use crate::scenario::Scenario;
use crate::sim::{DailyRecord, ReputationLevel, RunResult};
use crate::strategy::ProviderObservation;

/// Share of evaluated mail given a spam verdict under which SNDS shows `GREEN`.
pub const SNDS_GREEN_BELOW: f64 = 0.10;
/// Share of evaluated mail given a spam verdict above which SNDS shows `RED`.
pub const SNDS_RED_ABOVE: f64 = 0.90;

/// The rows a sender observes of `result`, a run of `scenario`, whose day 1 is
/// `start`: sorted by (date, provider, ip), as `observed.csv` is.
pub fn observed_rows(result: &RunResult, scenario: &Scenario, start: CivilDate) -> Vec<ObservedRow> {
    let labels: Vec<String> = scenario.ips.iter().enumerate().map(|(i, ip)| ip_label(ip, i)).collect();
    let mut rows = Vec::new();
    let mut day_start = 0;
    while day_start < result.records.len() {
        let day = result.records[day_start].day;
        let day_end = day_start + result.records[day_start..].iter().take_while(|r| r.day == day).count();
        let records = &result.records[day_start..day_end];
        let date = start.plus_days(i64::from(day) - 1);
        for record in records {
            let (Some(provider), Some(ip)) = (scenario.providers.get(record.provider), labels.get(record.ip)) else {
                continue;
            };
            if let Some(row) = observed_row(record, provider, date, ip, records) {
                rows.push(row);
            }
        }
        day_start = day_end;
    }
    rows.sort_by(|a, b| (a.date, &a.provider, &a.ip).cmp(&(b.date, &b.provider, &b.ip)));
    rows
}

/// The row of one record (`None` if the sender saw nothing of it); `day` holds
/// every record of its day, for what a provider publishes per domain.
fn observed_row(
    record: &DailyRecord,
    p: &ProviderParams,
    date: CivilDate,
    ip: &str,
    day: &[DailyRecord],
) -> Option<ObservedRow> {
    let c = &record.counts;
    let seen = ProviderObservation::of_day(c, p, &p.block_reply);
    let complaints = matches!(p.feedback, FeedbackLoop::PerMessage { .. }).then_some(seen.fbl_complaints);
    let activity = [seen.sent, seen.accepted, seen.deferred, seen.bounced, seen.blocked, seen.expired, seen.opens];
    if activity.iter().all(|&n| n == 0) && complaints.unwrap_or(0) == 0 {
        return None;
    }
    let mut row = ObservedRow {
        date,
        provider: p.name.clone(),
        ip: ip.to_string(),
        sent: Some(seen.sent),
        delivered: Some(seen.accepted),
        deferred: Some(seen.deferred),
        bounced: Some(seen.bounced),
        blocked: Some(seen.blocked),
        expired: Some(seen.expired),
        complaints,
        opens: Some(seen.opens),
        ..ObservedRow::default()
    };
    if c.evaluated() > 0 {
        match p.published {
            Published::Nothing => {}
            Published::PostmasterTools => {
                row.reputation = Some(postmaster_reputation(record.level).to_string());
                row.spam_rate = domain_spam_rate(day, record.provider, p);
            }
            Published::Snds => {
                row.reputation = Some(snds_filter_result(c).to_string());
                row.spam_rate = ratio(c.complaints, c.accepted()).map(snds_rounded);
                row.trap_hits = Some(c.trap_hits);
            }
        }
    }
    Some(row)
}

/// Postmaster Tools' name of a reputation level.
pub fn postmaster_reputation(level: ReputationLevel) -> &'static str {
    match level {
        ReputationLevel::High => "HIGH",
        ReputationLevel::Medium => "MEDIUM",
        ReputationLevel::Low => "LOW",
        ReputationLevel::Bad => "BAD",
    }
}

/// SNDS's filter result of a day's counts: the share of evaluated mail given a
/// spam verdict (placed in junk or blocked).
pub fn snds_filter_result(c: &Counts) -> &'static str {
    match ratio(c.junk + c.blocked, c.evaluated()) {
        Some(share) if share > SNDS_RED_ABOVE => "RED",
        Some(share) if share >= SNDS_GREEN_BELOW => "YELLOW",
        _ => "GREEN",
    }
}

/// The day's spam rate at `provider` over all the sender's IPs: the
/// aggregate rate [`ProviderObservation::of_day`] gives, of the domain's
/// summed counts (complaints over inbox mail, also where the provider's
/// feedback loop is not the aggregate one).
fn domain_spam_rate(day: &[DailyRecord], provider: usize, p: &ProviderParams) -> Option<f64> {
    let mut domain = Counts::default();
    for r in day.iter().filter(|r| r.provider == provider) {
        domain.add(&r.counts);
    }
    ProviderObservation::of_day(&domain, p, &p.block_reply)
        .aggregate_complaint_rate
        .or_else(|| ratio(domain.complaints, domain.inbox))
}

/// A rate as SNDS shows it, a percentage with two decimals: the percentage
/// is rounded first, so that reading `0.27%` back (0.27 / 100) gives exactly
/// this value.
pub fn snds_rounded(rate: f64) -> f64 {
    (rate * 10_000.0).round() / 100.0 / 100.0
}

/// `num / den`, or `None` when `den` is 0.
fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

#[cfg(test)]
mod tests;
