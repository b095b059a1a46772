//! Tests of [`super::observed_rows`]: conservation against the run's totals,
//! dates, order, and that only published fields of publishing providers appear.

use super::*;
use crate::sim::{self, Counts};

fn run(days: u32) -> (RunResult, Scenario) {
    let mut scenario = crate::scenario::default_scenario().expect("default scenario");
    scenario.horizon_days = days;
    let result = sim::run(&scenario, 7).expect("run");
    (result, scenario)
}

fn start() -> CivilDate {
    CivilDate::parse("2026-03-02").expect("date")
}

fn sum(rows: &[ObservedRow], field: fn(&ObservedRow) -> Option<u64>) -> u64 {
    rows.iter().filter_map(field).sum()
}

#[test]
fn counts_add_up_to_the_runs_totals() {
    let (result, scenario) = run(12);
    let rows = observed_rows(&result, &scenario, start());
    let t = &result.totals;
    assert_eq!(sum(&rows, |r| r.sent), t.sent);
    assert_eq!(sum(&rows, |r| r.delivered), t.accepted());
    assert_eq!(sum(&rows, |r| r.deferred), t.deferred);
    assert_eq!(sum(&rows, |r| r.bounced), t.bounced);
    assert_eq!(sum(&rows, |r| r.blocked), t.blocked);
    assert_eq!(sum(&rows, |r| r.expired), t.expired);
    assert_eq!(sum(&rows, |r| r.opens), t.opens);
    // Complaints: the feedback-loop reports of providers that send them, no others.
    let per_message: Vec<&str> = scenario
        .providers
        .iter()
        .filter(|p| matches!(p.feedback, FeedbackLoop::PerMessage { .. }))
        .map(|p| p.name.as_str())
        .collect();
    let fbl: u64 = result
        .records
        .iter()
        .filter(|r| per_message.contains(&result.provider_names[r.provider].as_str()))
        .map(|r| r.counts.fbl_complaints)
        .sum();
    assert!(fbl > 0, "the test needs complaints");
    assert_eq!(sum(&rows, |r| r.complaints), fbl);
}

#[test]
fn rows_are_dated_sorted_and_named_by_label() {
    let (result, scenario) = run(5);
    let rows = observed_rows(&result, &scenario, start());
    assert_eq!(rows.first().map(|r| r.date), Some(start()));
    assert_eq!(rows.last().map(|r| r.date.to_string()).as_deref(), Some("2026-03-06"));
    assert!(rows.windows(2).all(|w| (w[0].date, &w[0].provider, &w[0].ip) < (w[1].date, &w[1].provider, &w[1].ip)));
    let labels: Vec<String> = scenario.ips.iter().enumerate().map(|(i, ip)| ip_label(ip, i)).collect();
    assert!(rows.iter().all(|r| labels.contains(&r.ip)));
    // Every IP sent something, shared-pool IPs included.
    for label in &labels {
        assert!(rows.iter().any(|r| &r.ip == label && r.sent > Some(0)), "{label}");
    }
}

#[test]
fn published_fields_come_only_from_the_providers_that_publish_them() {
    let (result, scenario) = run(10);
    let rows = observed_rows(&result, &scenario, start());
    let published = |name: &str| scenario.providers.iter().find(|p| p.name == name).map(|p| p.published);
    let mut seen = [false; 2];
    for row in &rows {
        match published(&row.provider) {
            Some(Published::PostmasterTools) => {
                seen[0] |= row.reputation.is_some();
                assert!(row.reputation.iter().all(|r| ["HIGH", "MEDIUM", "LOW", "BAD"].contains(&r.as_str())));
                assert_eq!(row.trap_hits, None);
                assert_eq!(row.complaints, None, "gmail has no per-message loop");
            }
            Some(Published::Snds) => {
                seen[1] |= row.reputation.is_some();
                assert!(row.reputation.iter().all(|r| ["GREEN", "YELLOW", "RED"].contains(&r.as_str())));
                assert_eq!(row.trap_hits.is_some(), row.reputation.is_some());
            }
            _ => assert_eq!((&row.reputation, row.spam_rate, row.trap_hits), (&None, None, None), "{row:?}"),
        }
        assert!(row.spam_rate.is_none() || row.reputation.is_some());
    }
    assert_eq!(seen, [true, true]);
}

#[test]
fn gmail_publishes_the_domains_spam_rate_on_every_ip() {
    let (result, scenario) = run(8);
    let rows = observed_rows(&result, &scenario, start());
    let gmail = scenario.providers.iter().position(|p| p.name == "gmail").expect("gmail");
    let p = &scenario.providers[gmail];
    for day in 1..=8 {
        let day_records: Vec<&DailyRecord> =
            result.records.iter().filter(|r| r.day == day && r.provider == gmail).collect();
        let mut total = Counts::default();
        day_records.iter().for_each(|r| total.add(&r.counts));
        let expected = ProviderObservation::of_day(&total, p, &p.block_reply).aggregate_complaint_rate;
        let date = start().plus_days(i64::from(day) - 1);
        for row in rows.iter().filter(|r| r.date == date && r.provider == "gmail" && r.reputation.is_some()) {
            assert_eq!(row.spam_rate, expected, "day {day}: the domain's rate on every IP");
        }
    }
}

#[test]
fn snds_colours_follow_the_share_given_a_spam_verdict() {
    let counts = |inbox, junk, blocked| Counts { inbox, junk, blocked, ..Counts::default() };
    assert_eq!(snds_filter_result(&counts(91, 9, 0)), "GREEN");
    assert_eq!(snds_filter_result(&counts(90, 5, 5)), "YELLOW");
    assert_eq!(snds_filter_result(&counts(10, 45, 45)), "YELLOW");
    assert_eq!(snds_filter_result(&counts(9, 45, 46)), "RED");
    assert_eq!(postmaster_reputation(ReputationLevel::Medium), "MEDIUM");
}
