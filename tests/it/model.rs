//! The model's headline behaviours, on shipped scenarios and scenarios built in code.

use crate::support::{scenario, shipped, warm_ip};
use ipwarm::model::{FeedbackLoop, IpKind, IpSpec};
use ipwarm::sim::{self, ReputationLevel, RunResult, run_with};
use ipwarm::strategy::{
    AfterTable, DayObservation, DayPlan, Exponential, ExponentialParams, ScheduleParams, SegmentOrder, SegmentSettings,
    SenderView, Strategy, StrategyKind, TableUnit,
};

/// Sum of a count over the days `days` at provider `p`.
fn sum(r: &RunResult, p: usize, days: std::ops::RangeInclusive<u32>, f: impl Fn(&sim::Counts) -> u64) -> u64 {
    r.records.iter().filter(|x| x.provider == p && days.contains(&x.day)).map(|x| f(&x.counts)).sum()
}

fn exponential(start: f64, growth: f64, target: f64) -> Exponential {
    Exponential::new(ExponentialParams { start, growth, target: Some(target) }, SegmentSettings::default())
}

fn reputation(r: &RunResult, p: usize, day: u32) -> f64 {
    r.records.iter().find(|x| x.provider == p && x.day == day && x.ip == 0).expect("record").reputation
}

fn schedule(daily_volumes: Vec<u64>) -> StrategyKind {
    StrategyKind::Schedule(ScheduleParams {
        volumes: daily_volumes,
        provider_volumes: Vec::new(),
        unit: TableUnit::Day,
        per_ip: false,
        after: AfterTable::Hold,
        target: None,
    })
}

#[test]
fn calibration_fastest_provider_warm_in_about_two_weeks_slowest_in_about_six() {
    let sc = shipped("calibration");
    for seed in [7, 8, 9] {
        let r = sim::run(&sc, seed).expect("run");
        let days: Vec<u32> = r.warm_day.iter().map(|d| d.expect("every provider warms within 8 weeks")).collect();
        let (fastest, slowest) = (*days.iter().min().expect("days"), *days.iter().max().expect("days"));
        assert!((11..=17).contains(&fastest), "seed {seed}: fastest provider warm on day {fastest} ({days:?})");
        assert!((38..=46).contains(&slowest), "seed {seed}: slowest provider warm on day {slowest} ({days:?})");
    }
}

#[test]
fn blast_from_day_one_is_punished_at_every_provider() {
    let blast = sim::run(&shipped("blast"), 42).expect("run");
    let gradual = sim::run(&shipped("engaged_first"), 42).expect("run");
    for (p, name) in blast.provider_names.iter().enumerate() {
        let sent = sum(&blast, p, 1..=7, |c| c.sent) as f64;
        let inbox = sum(&blast, p, 1..=7, |c| c.inbox) as f64;
        assert!(inbox < 0.5 * sent, "{name}: {inbox} of {sent} reached the inbox in the blast's first week");
        let g_sent = sum(&gradual, p, 1..=7, |c| c.sent) as f64;
        let g_inbox = sum(&gradual, p, 1..=7, |c| c.inbox) as f64;
        assert!(g_inbox > 0.5 * g_sent, "{name}: gradual ramp should mostly reach the inbox");
        let deferred = sum(&blast, p, 1..=3, |c| c.deferred);
        assert!(deferred > sent as u64, "{name}: the blast must be throttled (4xx) in its first days");
        let level = blast.records.iter().find(|x| x.provider == p && x.day == 7).expect("day 7").level;
        assert!(level <= ReputationLevel::Low, "{name}: level {level:?} after a week of blasting");
    }
}

#[test]
fn deferred_mail_expires_after_the_queue_lifetime() {
    let r = sim::run(&shipped("blast"), 42).expect("run");
    // First sends at 08:00 on day 1; the 72-hour lifetime ends on day 4.
    let first_expiry = r.records.iter().filter(|x| x.counts.expired > 0).map(|x| x.day).min();
    assert_eq!(first_expiry, Some(4));
    assert!(r.totals.expired > 0);
}

#[test]
fn doubling_after_warm_up_is_throttled_and_costs_reputation() {
    let steady = scenario(vec![warm_ip(45_000.0, 0.9)], schedule(vec![100_000]), 14);
    let mut volumes = vec![100_000; 10];
    volumes.push(250_000);
    let spiky = scenario(vec![warm_ip(45_000.0, 0.9)], schedule(volumes), 14);
    let s = sim::run(&steady, 3).expect("run");
    let k = sim::run(&spiky, 3).expect("run");
    let gmail = 0;
    assert_eq!(sum(&s, gmail, 11..=11, |c| c.deferred), 0, "steady volume is not throttled");
    let k_deferred = sum(&k, gmail, 11..=11, |c| c.deferred);
    assert!(k_deferred > 50_000, "the spike day must be throttled, got {k_deferred} deferrals");
    let (rs, rk) = (reputation(&s, gmail, 11), reputation(&k, gmail, 11));
    assert!(rk < rs - 0.1, "spike reputation {rk} vs steady {rs}");
}

#[test]
fn too_little_volume_after_warm_up_fades_while_a_thousand_a_day_holds() {
    // 200/day in total (gmail 90/day) against 10,000/day (at least 1,000 per provider).
    let low = sim::run(&scenario(vec![warm_ip(20_000.0, 0.9)], schedule(vec![200]), 40), 5).expect("run");
    let kept = sim::run(&scenario(vec![warm_ip(20_000.0, 0.9)], schedule(vec![10_000]), 40), 5).expect("run");
    for p in 0..5 {
        assert!(reputation(&low, p, 40) < 0.5, "provider {p}: low volume should fade, got {}", reputation(&low, p, 40));
        assert!(
            reputation(&kept, p, 40) > 0.85,
            "provider {p}: maintenance should hold, got {}",
            reputation(&kept, p, 40)
        );
    }
}

#[test]
fn history_fades_after_about_thirty_days_without_sending() {
    let r = sim::run(&scenario(vec![warm_ip(20_000.0, 0.9)], schedule(vec![0]), 35), 5).expect("run");
    for p in 0..5 {
        let rep = reputation(&r, p, 30);
        assert!(rep < 0.35, "provider {p}: trust {rep} after 30 idle days");
        assert!(reputation(&r, p, 5) > 0.5, "provider {p}: fading is gradual");
    }
}

/// Wraps a strategy and records what it was shown.
struct Recorder {
    inner: Exponential,
    seen: Vec<DayObservation>,
}

impl Strategy for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        self.seen = history.to_vec();
        self.inner.plan_day(day, view, history)
    }
}

#[test]
fn complaints_reach_the_sender_only_through_each_providers_feedback_loop() {
    let mut sc = scenario(vec![IpSpec::new("new-1", IpKind::New)], schedule(vec![0]), 20);
    sc.audience.segments[0].complaint_rate = 0.002;
    let mut rec = Recorder { inner: exponential(2000.0, 1.2, 50_000.0), seen: vec![] };
    let r = run_with(&sc, &mut rec, 11).expect("run");
    let truth = |p: usize, day: u32| sum(&r, p, day..=day, |c| c.complaints);
    for (p, provider) in sc.providers.iter().enumerate() {
        let fbl: u64 = rec.seen.iter().map(|d| d.cells[0][p].fbl_complaints).sum();
        let any_aggregate = rec.seen.iter().any(|d| d.cells[0][p].aggregate_complaint_rate.is_some());
        match provider.feedback {
            FeedbackLoop::PerMessage { delay_hours: 24 } => {
                // A complaint on day d is reported on day d + 1.
                for d in &rec.seen[1..] {
                    assert_eq!(d.cells[0][p].fbl_complaints, truth(p, d.day - 1), "{} day {}", provider.name, d.day);
                }
                assert!(fbl > 0 && !any_aggregate);
            }
            FeedbackLoop::PerMessage { .. } => {
                assert!(fbl > 0 && !any_aggregate, "{}", provider.name)
            }
            FeedbackLoop::DailyAggregate => {
                assert_eq!(fbl, 0, "{} has no per-message loop", provider.name);
                let d = &rec.seen[5];
                let rate = d.cells[0][p].aggregate_complaint_rate.expect("daily rate");
                let inbox = sum(&r, p, d.day..=d.day, |c| c.inbox) as f64;
                assert!((rate - truth(p, d.day) as f64 / inbox).abs() < 1e-12);
            }
            FeedbackLoop::None => assert!(fbl == 0 && !any_aggregate, "{} gives no feedback", provider.name),
        }
        assert!(sum(&r, p, 1..=19, |c| c.complaints) > 0, "{}: complaints happen", provider.name);
    }
}

#[test]
fn a_feedback_loop_of_whole_days_reports_each_complaint_that_many_days_later() {
    // A report due at exactly 24:00 belongs to the next day (docs/MODEL.md, section 1),
    // also when it was scheduled days ahead, before that day's end was.
    let mut sc = scenario(vec![IpSpec::new("new-1", IpKind::New)], schedule(vec![20_000]), 12);
    sc.audience.segments[0].complaint_rate = 0.002;
    for (p, provider) in sc.providers.iter_mut().enumerate() {
        provider.feedback = FeedbackLoop::PerMessage { delay_hours: 24 * (p as u64 % 3 + 1) };
    }
    let r = sim::run(&sc, 5).expect("run");
    for (p, provider) in sc.providers.iter().enumerate() {
        let delay_days = p as u32 % 3 + 1;
        for day in 1..=12 {
            let reported = sum(&r, p, day..=day, |c| c.fbl_complaints);
            let due =
                if day > delay_days { sum(&r, p, day - delay_days..=day - delay_days, |c| c.complaints) } else { 0 };
            assert_eq!(reported, due, "{} (delay {delay_days} days), day {day}", provider.name);
        }
        assert!(sum(&r, p, 1..=12, |c| c.fbl_complaints) > 0, "{}: complaints are reported", provider.name);
    }
}

#[test]
fn sender_sees_the_providers_own_reply_codes() {
    let mut rec = Recorder { inner: exponential(200_000.0, 1.0, 200_000.0), seen: vec![] };
    let sc = scenario(vec![IpSpec::new("new-1", IpKind::New)], schedule(vec![0]), 4);
    run_with(&sc, &mut rec, 2).expect("run");
    let codes =
        |p: usize| -> Vec<String> { rec.seen[0].cells[0][p].replies.iter().map(|r| r.code.to_string()).collect() };
    assert!(codes(0).contains(&"421 4.7.28".to_string()), "gmail: {:?}", codes(0));
    assert!(codes(1).contains(&"451 4.7.650".to_string()), "microsoft: {:?}", codes(1));
    assert!(codes(2).contains(&"421 4.7.0 [TSS04]".to_string()), "yahoo: {:?}", codes(2));
    assert!(codes(0).contains(&"550 5.1.1".to_string()), "invalid addresses hard-bounce: {:?}", codes(0));
}

#[test]
fn engaged_first_sends_to_the_most_engaged_segment_first() {
    let sc = shipped("engaged_first");
    let r = sim::run(&sc, 1).expect("run");
    // Day 1 volume (1,000) fits in active_30d: no hard bounces beyond its 0.2% invalid rate.
    let bounced = sum(&r, 0, 1..=3, |c| c.bounced) as f64;
    let sent = sum(&r, 0, 1..=3, |c| c.sent) as f64;
    assert!(bounced / sent < 0.01, "bounce rate {}", bounced / sent);
    let mut prop = sc.clone();
    prop.strategy.segment_order = SegmentOrder::Proportional;
    let q = sim::run(&prop, 1).expect("run");
    let q_bounced = sum(&q, 0, 1..=3, |c| c.bounced) as f64 / sum(&q, 0, 1..=3, |c| c.sent) as f64;
    assert!(q_bounced > 0.008, "proportional reaches the invalid addresses of old segments: {q_bounced}");
}

#[test]
fn same_seed_same_result_other_seed_other_result() {
    let sc = shipped("engaged_first");
    let a = sim::run(&sc, 9).expect("run");
    assert_eq!(a, sim::run(&sc, 9).expect("run"));
    assert_ne!(a.records, sim::run(&sc, 10).expect("run").records);
}

#[test]
fn shared_pool_reputation_is_established_and_noisy() {
    let pool = IpSpec::new(
        "pool",
        IpKind::SharedPool { trust_mean: 0.85, trust_sd: 0.05, daily_volume_per_provider: 500_000.0 },
    );
    let sc = scenario(vec![pool], schedule(vec![100_000]), 30);
    let r = sim::run(&sc, 4).expect("run");
    let reps: Vec<f64> = (1..=30).map(|d| reputation(&r, 0, d)).collect();
    let mean = reps.iter().sum::<f64>() / 30.0;
    let sd = (reps.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 29.0).sqrt();
    assert!((mean - 0.85).abs() < 0.05, "mean {mean}");
    assert!(sd > 0.01 && sd < 0.1, "sd {sd}");
    assert_eq!(r.totals.deferred, 0, "the pool's history carries the volume from day 1");
}

/// The default scenario with the list and the sender's daily volume multiplied by
/// `sender`, and the shared pool's own volume by `pool`.
fn default_scaled(sender: f64, pool: f64) -> sim::RunResult {
    let mut sc = ipwarm::scenario::default_scenario().expect("default");
    sc.horizon_days = 14;
    sc.audience.size = (sc.audience.size as f64 * sender) as u64;
    match &mut sc.strategy.kind {
        StrategyKind::AutoBlend(p) => p.daily_volume = p.daily_volume.map(|v| v * sender),
        other => panic!("the default scenario is an auto_blend, not {other:?}"),
    }
    for ip in &mut sc.ips {
        if let IpKind::SharedPool { daily_volume_per_provider, .. } = &mut ip.kind {
            *daily_volume_per_provider *= pool;
        }
    }
    sim::run(&sc, 3).expect("run")
}

#[test]
fn a_shared_pool_carrying_more_than_its_own_volume_is_reported_as_outside_the_model() {
    // As shipped, the sender is a minority tenant of its pool: nothing to report.
    assert_eq!(default_scaled(1.0, 1.0).pool_overloads, vec![]);
    // At 100 times the volume the sender's mail through the pool is about nine times the
    // pool's own 500,000/day at Gmail: the pool at every provider is reported, from day 1.
    let r = default_scaled(100.0, 1.0);
    let pool = r.ip_names.iter().position(|n| n == "shared-pool").expect("pool");
    let reported: Vec<(usize, usize, u32)> = r.pool_overloads.iter().map(|o| (o.ip, o.provider, o.first_day)).collect();
    assert_eq!(reported, (0..5).map(|p| (pool, p, 1)).collect::<Vec<_>>());
    let gmail = &r.pool_overloads[0];
    let sent_day_1 = r.records.iter().find(|x| x.day == 1 && x.ip == pool && x.provider == 0).expect("record");
    assert_eq!(gmail.pool_daily_volume, 500_000.0);
    assert!(gmail.peak_sent_per_day >= sent_day_1.counts.sent && sent_day_1.counts.sent > 4_000_000);
    assert_eq!(gmail.days, 14);
    // The same business on a pool a hundred times larger is inside the model again.
    assert_eq!(default_scaled(100.0, 100.0).pool_overloads, vec![]);
}
