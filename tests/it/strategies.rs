//! Each strategy's behaviour in the simulator: adaptive backs off and
//! recovers, auto_blend follows its share, per_provider ramps each provider
//! on its own, the orders through the audience; and the `strategies` command
//! and `run --strategy`.

use crate::support::{Cells, accepted, ipwarm, root, scenario, segment, shipped, warm_day};
use ipwarm::model::IpSpec;
use ipwarm::sim::{self, RunResult};
use ipwarm::strategy::{
    AdaptiveParams, ExponentialParams, HealthScope, ScheduleParams, SegmentOrder, StrategyKind, TableUnit,
    presets::preset,
};

fn sent(r: &RunResult, cells: Cells<'_>) -> u64 {
    cells.sum(r, |c| c.sent)
}

#[test]
fn adaptive_cuts_volume_after_a_burst_of_blocks_and_recovers() {
    let sc = shipped("adaptive_too_fast");
    let r = sim::run(&sc, sc.seed).expect("run");
    let gmail = |d: u32| Cells::day(d).provider("gmail");
    let burst = (1..=5)
        .find(|&d| {
            let (blocked, evaluated) = (gmail(d).sum(&r, |c| c.blocked), gmail(d).sum(&r, |c| accepted(c) + c.blocked));
            blocked * 50 >= evaluated && blocked > 0
        })
        .expect("starting at 40,000 a day brings 5xx blocks at Gmail within days");
    assert!(sent(&r, gmail(burst + 1)) * 2 <= sent(&r, gmail(burst)), "the day after the burst, half the volume");
    let low = (burst..=20).map(|d| sent(&r, gmail(d))).min().expect("days");
    assert!(low * 10 < sent(&r, gmail(1)), "backs off while errors stay high: {low}");
    assert_eq!(Cells::days(burst + 5, 42).provider("gmail").sum(&r, |c| c.blocked + c.deferred), 0, "errors fell");
    // Resumes slowly: +10% a day while regaining the lost volume, faster afterwards.
    let (a, b) = (sent(&r, gmail(15)), sent(&r, gmail(16)));
    assert!((b as f64 / a as f64 - 1.1).abs() < 0.01, "recovering at +10% a day: {a} -> {b}");
    assert!(sent(&r, gmail(42)) > 20 * low, "and back to full volume");
    // The escalated burst and the cut below 1,000 a day cost it about two weeks against a ramp (day 12).
    assert!(warm_day(&r, "gmail").is_some_and(|d| d <= 28), "gmail warm: {:?}", r.warm_day);
    // Every other provider warms within six weeks; Microsoft, the slowest, only at the very end if at all.
    let others = ["gmail", "yahoo", "apple", "other"].map(|p| warm_day(&r, p).expect("warm within six weeks"));
    let microsoft = warm_day(&r, "microsoft").unwrap_or(u32::MAX);
    assert!(microsoft >= 36 && others.iter().all(|&d| d < microsoft), "{:?}", r.warm_day);
    // The same start without adaptation keeps being throttled and blocked.
    let mut blind = sc.clone();
    let StrategyKind::Adaptive(p) = sc.strategy.kind else { panic!("adaptive") };
    blind.strategy.kind =
        StrategyKind::Exponential(ExponentialParams { start: p.start, growth: p.growth, target: p.target });
    let b = sim::run(&blind, sc.seed).expect("run");
    let blocked = |r: &RunResult| Cells::days(1, 42).provider("gmail").sum(r, |c| c.blocked);
    assert!(blocked(&b) > 20 * blocked(&r).max(1), "blocks: {} blind, {} adaptive", blocked(&b), blocked(&r));
    // and is no sooner warm (cutting below 1,000 a day cools the adaptive IP for a week, so not later either).
    let adaptive = warm_day(&r, "gmail").expect("warm");
    assert!(warm_day(&b, "gmail").is_none_or(|d| d >= adaptive), "blind {:?}", b.warm_day);
}

#[test]
fn adaptive_holds_while_opens_stay_under_ten_percent() {
    let mut sc = scenario(vec![crate::support::warm_ip(50_000.0, 0.9)], StrategyKind::Linear(Default::default()), 10);
    sc.audience.segments = vec![segment("dormant", 1.0, 0.05, 0.0001, 0.002)];
    let params = AdaptiveParams { start: 20_000.0, scope: HealthScope::Global, ..AdaptiveParams::default() };
    sc.strategy.kind = StrategyKind::Adaptive(params);
    let r = sim::run(&sc, 3).expect("run");
    for d in 1..=10 {
        assert_eq!(sent(&r, Cells::day(d)), 20_000, "day {d}: held by the open-rate rule");
    }
    sc.audience.segments[0].open_rate = 0.3;
    let r = sim::run(&sc, 3).expect("run");
    assert_eq!(sent(&r, Cells::day(2)), 26_000, "engaged recipients: grows x1.3");
}

#[test]
fn auto_blend_share_follows_its_schedule_and_the_blend_keeps_delivering() {
    let mut sc = shipped("default");
    // The presets' central values, not this run's draw from their priors.
    sc.providers.iter_mut().for_each(|p| p.priors.clear());
    let r = sim::run(&sc, sc.seed).expect("run");
    for d in 1..=56 {
        let (new, all) = (sent(&r, Cells::day(d).ip("new-1")), sent(&r, Cells::day(d)));
        assert_eq!(all, 100_000, "day {d}: the whole demand, every day");
        let share = (f64::from(d) / 45.0).min(1.0);
        assert!((new as f64 / all as f64 - share).abs() < 1e-4, "day {d}: share {new}/{all}, expected {share}");
        let delivered = Cells::day(d).sum(&r, accepted) as f64 / all as f64;
        assert!(delivered > 0.98, "day {d}: {delivered:.3} of the blend accepted");
    }
    // Each provider warms at its own pace, within the 45 days of the blend but Microsoft.
    let days: Vec<u32> = r.warm_day.iter().map(|d| d.expect("every provider warm")).collect();
    assert!(days.iter().filter(|&&d| d <= 20).count() >= 3, "{days:?}");
    assert!(warm_day(&r, "microsoft").expect("warm") >= 30, "{days:?}");
}

#[test]
fn volume_based_blend_waits_for_accepted_mail() {
    let sc = shipped("blend_volume");
    let r = sim::run(&sc, sc.seed).expect("run");
    let mut accepted_so_far = 0u64;
    for d in 1..=56 {
        let new = sent(&r, Cells::day(d).ip("new-1")) + sent(&r, Cells::day(d).ip("new-2"));
        let share = (0.02 + accepted_so_far as f64 / 600_000.0).min(1.0);
        assert!((new as f64 - share * 60_000.0).abs() <= 5.0, "day {d}: {new} on the new IPs, share {share}");
        accepted_so_far += Cells::day(d).ip("new-1").sum(&r, accepted) + Cells::day(d).ip("new-2").sum(&r, accepted);
    }
    // Throttled new IPs would hold the share back: with twice the demand the share grows twice as fast.
    let mut fast = sc.clone();
    let StrategyKind::AutoBlend(mut p) = sc.strategy.kind.clone() else { panic!("auto_blend") };
    p.daily_volume = Some(120_000.0);
    fast.strategy.kind = StrategyKind::AutoBlend(p);
    let f = sim::run(&fast, sc.seed).expect("run");
    let full_day = |r: &RunResult, demand| (1..=56).find(|&d| sent(r, Cells::day(d).ip("new-1")) * 2 >= demand);
    assert!(full_day(&f, 120_000) < full_day(&r, 60_000), "more volume, faster warm-up");
}

#[test]
fn new_ips_blend_with_warm_ones_and_everyone_keeps_delivering() {
    let sc = shipped("blend_warm_pool");
    let r = sim::run(&sc, sc.seed).expect("run");
    for d in [1, 10, 20, 30, 40] {
        let s = (f64::from(d) / 30.0).min(1.0);
        let new = sent(&r, Cells::day(d).ip("new-1")) as f64 / 150_000.0;
        assert!((new - s / (s + 2.0)).abs() < 1e-4, "day {d}: new IP's part {new}");
    }
    assert!(Cells::days(1, 49).sum(&r, accepted) as f64 > 0.99 * r.totals.sent as f64);
    for ip in ["warm-1", "warm-2"] {
        let level = r.records.iter().filter(|x| r.ip_names[x.ip] == ip).map(|x| x.reputation);
        assert!(level.fold(1.0, f64::min) > 0.8, "{ip} stays High");
    }
    assert!(r.warm_day.iter().all(Option::is_some), "the new IP warms everywhere: {:?}", r.warm_day);
}

#[test]
fn per_provider_warms_each_provider_at_its_own_pace() {
    let sc = shipped("per_provider");
    let r = sim::run(&sc, sc.seed).expect("run");
    // The day the dedicated IP takes over all of a provider's mail.
    let takeover = |r: &RunResult, p: &str| {
        (1..=56).find(|&d| sent(r, Cells::day(d).provider(p).ip("shared-pool")) == 0).expect("takes over")
    };
    let days: Vec<u32> = ["apple", "other", "yahoo", "microsoft", "gmail"].iter().map(|p| takeover(&r, p)).collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]) && days[0] < days[4], "less mail, earlier: {days:?}");
    // Early on the overflow goes to the shared pool; later it is queued on the dedicated IP and retried.
    assert!(sent(&r, Cells::day(1).ip("shared-pool")) > 95_000);
    let switch = takeover(&r, "gmail");
    let deferred = Cells::day(switch).provider("gmail").ip("new-1").sum(&r, |c| c.deferred);
    assert!(deferred > 0, "the jump to all of Gmail's mail is throttled");
    assert_eq!(r.totals.expired, 0, "and retried until delivered");
    assert!(Cells::days(1, 56).sum(&r, accepted) as f64 > 0.99 * r.totals.sent as f64);
    // A provider that keeps throttling holds its own ramp while the others go on.
    let mut hostile = sc.clone();
    let ms = hostile.providers.iter_mut().find(|p| p.name == "microsoft").expect("microsoft");
    (ms.base_hourly_allowance, ms.allowance_growth_untrusted, ms.allowance_growth_trusted) = (20.0, 1.0, 1.05);
    let h = sim::run(&hostile, sc.seed).expect("run");
    assert_eq!(takeover(&h, "gmail"), switch, "gmail unaffected");
    let ms_dedicated = sent(&h, Cells::days(1, 56).provider("microsoft").ip("new-1"));
    assert!(sent(&h, Cells::day(56).provider("microsoft").ip("shared-pool")) > 0, "microsoft never taken over");
    assert!(ms_dedicated * 5 < sent(&r, Cells::days(1, 56).provider("microsoft").ip("new-1")));
}

#[test]
fn random_order_is_a_random_draw_from_the_list() {
    let mut sc = shipped("engaged_first");
    sc.horizon_days = 20;
    sc.strategy.segment_order = SegmentOrder::Random;
    let a = sim::run(&sc, 4).expect("run");
    assert_eq!(a, sim::run(&sc, 4).expect("run"), "the recipients stream is seeded");
    sc.strategy.segment_order = SegmentOrder::Proportional;
    let p = sim::run(&sc, 4).expect("run");
    assert_ne!(a.records, p.records, "random draws differ from proportional rounding");
    // About 7,400 hard bounces each, sd about 85 over seeds: the same segment mix in expectation.
    let bounced = |r: &RunResult| Cells::days(1, 20).sum(r, |c| c.bounced) as f64;
    assert!((bounced(&a) / bounced(&p) - 1.0).abs() < 0.05, "alike in expectation: {} {}", bounced(&a), bounced(&p));
}

#[test]
fn engaged_first_widens_by_day_when_asked() {
    let mut sc = shipped("engaged_first");
    sc.horizon_days = 30;
    sc.strategy.kind = StrategyKind::Exponential(ExponentialParams { start: 100_000.0, growth: 1.01, target: None });
    sc.strategy.widen_every_days = Some(7);
    let r = sim::run(&sc, 2).expect("run");
    // 200,000 recipients: 35% engaged in 30 days, then 25%, 25% and 15%.
    for (days, allowed) in [((1, 7), 70_000), ((8, 14), 120_000), ((15, 21), 170_000), ((22, 30), 200_000)] {
        for d in days.0..=days.1 {
            let s = sent(&r, Cells::day(d));
            assert!(s <= allowed && s + 10 >= allowed.min(100_000), "day {d}: {s} sent, {allowed} allowed");
        }
    }
}

#[test]
fn per_ip_tables_give_each_dedicated_ip_the_table() {
    let mut sc = shipped("preset_sendgrid_hourly");
    sc.horizon_days = 3;
    sc.ips = vec![IpSpec::new("a", sc.ips[0].kind.clone()), IpSpec { name: "b".into(), ..sc.ips[0].clone() }];
    let r = sim::run(&sc, 1).expect("run");
    assert_eq!(
        (sent(&r, Cells::day(1).ip("a")), sent(&r, Cells::day(1).ip("b"))),
        (240, 240),
        "20 an hour for 12 hours"
    );
    let Some(StrategyKind::Schedule(ScheduleParams { unit, .. })) = preset("sendgrid_hourly").map(|p| p.kind()) else {
        panic!("a schedule")
    };
    assert_eq!(unit, TableUnit::Hour);
}

#[test]
fn the_strategies_command_lists_every_kind_and_preset() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = ipwarm(tmp.path(), &["strategies"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for kind in ["schedule", "exponential", "linear", "adaptive", "auto_blend", "per_provider"] {
        assert!(text.contains(&format!("\n  {kind}: ")), "kind {kind}:\n{text}");
    }
    for p in ipwarm::strategy::presets::PRESETS {
        assert!(text.contains(&format!("\n  {}", p.name)) && text.contains(p.source), "preset {}", p.name);
    }
    for param in ["max_complaint_rate", "0.001", "blend_days", "45", "pool_until_share", "widen_every_days"] {
        assert!(text.contains(param), "{param}");
    }
    let help = String::from_utf8_lossy(&ipwarm(tmp.path(), &["run", "--help"]).stdout).into_owned();
    assert!(help.contains("--strategy <NAME>") && help.contains("ipwarm strategies"), "{help}");
}

#[test]
fn run_with_another_strategy() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let calibration = root().join("scenarios/calibration.toml");
    let calibration = calibration.to_str().expect("path");
    let out = ipwarm(tmp.path(), &["run", calibration, "--strategy", "kumo_conservative", "--out", "k"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("strategy: preset kumo_conservative (schedule)"));
    let csv = std::fs::read_to_string(tmp.path().join("k/daily.csv")).expect("csv");
    let day1: u64 =
        csv.lines().filter(|l| l.starts_with("1,")).map(|l| l.split(',').nth(3).unwrap().parse::<u64>().unwrap()).sum();
    assert_eq!(day1, 50, "the preset's first day");
    let out = ipwarm(tmp.path(), &["run", "--strategy", "adaptive", "--out", "a"]);
    assert!(out.status.success(), "a kind on its defaults");
    for (args, expected) in [
        (vec!["run", "--strategy", "kumo"], "unknown strategy `kumo`, expected one of `exponential`"),
        (vec!["run", "--strategy", "schedule"], "has no default for `daily_volumes`"),
        (vec!["run", calibration, "--strategy", "ses_auto"], "kind `auto_blend` needs a `new` ip and a `warm` or"),
    ] {
        let out = ipwarm(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert!(!tmp.path().join("output").exists(), "a rejected strategy writes nothing");
}
