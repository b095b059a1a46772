//! The scenario gallery: every shipped scenario's expected outcome, as its
//! comments state it, on its own seed. Pairs are compared on the same seed.
//! The strategy showcases (`default`, `blend_*`, `adaptive_too_fast`,
//! `per_provider`) are asserted in `strategies`, `calibration` and `blast` in
//! `model` as well, the calendar scenarios (`b2b_weekdays`, `weekly_newsletter`)
//! in `calendar`.

use crate::support::{Cells, accepted, shipped, shipped_scenarios, warm_day};
use ipwarm::sim::{self, Counts, RunResult};

/// Every shipped scenario, each asserted in this module or the one named.
const COVERED: [&str; 28] = [
    "adaptive_too_fast", // strategies
    "b2b_weekdays",      // calendar
    "blast",             // here and model
    "blast_then_ramp",   // here
    "blend_volume",      // strategies
    "blend_warm_pool",   // strategies
    "calibration",       // model
    "clean_list",
    "default", // strategies
    "engaged_first",
    "gmail_consumer",
    "gradual_climb",
    "maintenance_1000",
    "maintenance_low",
    "microsoft_business",
    "old_list",
    "per_provider", // strategies
    "preset_braze_aggressive",
    "preset_braze_conservative",
    "preset_braze_moderate",
    "preset_kumo_aggressive",
    "preset_kumo_conservative",
    "preset_kumo_transactional",
    "preset_sendgrid_hourly",
    "preset_ses_auto",
    "random_order",
    "spike",
    "weekly_newsletter", // calendar
];

fn run(name: &str) -> RunResult {
    let sc = shipped(name);
    sim::run(&sc, sc.seed).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn run_seed(name: &str, seed: u64) -> RunResult {
    sim::run(&shipped(name), seed).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `f` summed over the whole run, as a share of the messages sent.
fn share(r: &RunResult, f: impl Fn(&Counts) -> u64) -> f64 {
    Cells::days(1, r.horizon_days).sum(r, f) as f64 / r.totals.sent as f64
}

fn all_warm(r: &RunResult) -> bool {
    r.warm_day.iter().all(Option::is_some)
}

/// The final reputation of the first IP at each provider.
fn final_reputation(r: &RunResult) -> Vec<f64> {
    r.records.iter().filter(|x| x.day == r.horizon_days && x.ip == 0).map(|x| x.reputation).collect()
}

/// Reputation of the first IP at provider `p` on `day`.
fn reputation_on(r: &RunResult, p: usize, day: u32) -> f64 {
    r.records.iter().find(|x| x.day == day && x.provider == p && x.ip == 0).expect("record").reputation
}

/// Days on which the run got 4xx replies.
fn deferral_days(r: &RunResult) -> Vec<u32> {
    (1..=r.horizon_days).filter(|&d| Cells::day(d).sum(r, |c| c.deferred) > 0).collect()
}

#[test]
fn every_shipped_scenario_has_its_expectation() {
    let names: Vec<String> =
        shipped_scenarios().iter().map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned()).collect();
    assert_eq!(names, COVERED, "a new scenario needs its expected outcome asserted in a test");
}

#[test]
fn blasting_a_new_ip_at_full_volume_is_punished_where_a_ramp_is_not() {
    let (blast, ramp) = (run("blast"), run("engaged_first"));
    // Deferred, then escalated to blocks and Bad at every provider in its first two weeks; the
    // provider's memory of it fades as the consistent sends go on (docs/MODEL.md, section 13).
    assert!(share(&blast, |c| c.inbox) < 0.6, "blast inbox {}", share(&blast, |c| c.inbox));
    assert!(share(&blast, |c| c.blocked) > 0.15, "blast blocked {}", share(&blast, |c| c.blocked));
    for (p, name) in blast.provider_names.iter().enumerate() {
        let worst = (5..=14).map(|d| reputation_on(&blast, p, d)).fold(1.0, f64::min);
        assert!(worst < 0.2, "{name}: Bad in the blast's second week, lowest {worst}");
    }
    let fastest = blast.warm_day.iter().flatten().min().copied();
    assert!(fastest.is_none_or(|d| d >= 21), "no provider warm within three weeks: {:?}", blast.warm_day);
    assert!(share(&ramp, |c| c.inbox) > 0.9 && all_warm(&ramp));
}

#[test]
fn a_blast_then_a_ramp_falls_to_bad_then_warms_about_two_weeks_late() {
    let (late, ramp) = (run("blast_then_ramp"), run("engaged_first"));
    for (p, name) in late.provider_names.iter().enumerate() {
        let escalated = Cells::days(3, 6).provider(name).sum(&late, |c| c.blocked);
        assert!(escalated > 1_000, "{name}: the blast's backlog is escalated to blocks ({escalated})");
        let worst = (4..=10).map(|d| reputation_on(&late, p, d)).fold(1.0, f64::min);
        assert!(worst < 0.2, "{name}: Bad after the blast, lowest {worst}");
        let (late_day, ramp_day) = (late.warm_day[p], ramp.warm_day[p].expect("the ramp warms"));
        match late_day {
            // Measured: 11 to 14 days later at gmail, yahoo, apple and other.
            Some(d) => assert!((ramp_day + 8..=ramp_day + 18).contains(&d), "{name}: warm on {d}, ramp {ramp_day}"),
            // Microsoft, the slowest, is not warm within the 56 days (day 66 with a longer horizon).
            None => assert_eq!(name, "microsoft"),
        }
    }
}

#[test]
fn an_old_unengaged_list_fails_where_a_clean_one_warms() {
    let (old, clean) = (run("old_list"), run("clean_list"));
    assert!(share(&old, |c| c.bounced) > 0.02, "hard bounces above the 2% line");
    assert!(old.totals.trap_hits > 100 && share(&old, |c| c.blocked) > 0.05);
    // Engaged first, the old list can look warm for a few days before its old segments are added.
    assert!(share(&old, |c| c.inbox) < 0.6);
    assert!(final_reputation(&old).iter().all(|&t| t < 0.2), "{:?}", final_reputation(&old));
    assert!(share(&clean, |c| c.inbox) > 0.9 && all_warm(&clean));
    assert_eq!(clean.totals.trap_hits, 0);
}

#[test]
fn most_engaged_first_gives_fewer_complaints_and_less_junk_than_random_order() {
    for seed in [42, 43, 44] {
        let (engaged, random) = (run_seed("engaged_first", seed), run_seed("random_order", seed));
        let (e, r) = (&engaged.totals, &random.totals);
        assert!(e.complaints * 2 < r.complaints, "seed {seed}: complaints {} vs {}", e.complaints, r.complaints);
        assert!(e.junk * 3 < r.junk * 2, "seed {seed}: junk {} vs {}", e.junk, r.junk);
        assert!(e.bounced * 2 < r.bounced && e.trap_hits < r.trap_hits, "seed {seed}");
        // Microsoft needs about the whole six weeks, so it may miss the horizon.
        let n_warm = |r: &RunResult| r.warm_day.iter().filter(|d| d.is_some()).count();
        let no_later = engaged.warm_day.iter().zip(&random.warm_day).all(|(e, r)| match (e, r) {
            (Some(e), Some(r)) => e <= r,
            (_, None) => true,
            (None, Some(_)) => false,
        });
        assert!(n_warm(&engaged) >= 4 && no_later, "seed {seed}: {:?} {:?}", engaged.warm_day, random.warm_day);
    }
}

#[test]
fn maintenance_below_a_thousand_a_day_fades_while_a_thousand_holds() {
    let (low, kept) = (run("maintenance_low"), run("maintenance_1000"));
    assert!(final_reputation(&low).iter().all(|&t| t < 0.5), "{:?}", final_reputation(&low));
    assert!(final_reputation(&kept).iter().all(|&t| t > 0.9), "{:?}", final_reputation(&kept));
    for p in &kept.provider_names {
        let least = (1..=40).map(|d| Cells::day(d).provider(p).sum(&kept, |c| c.sent)).min().expect("days");
        assert!(least >= 1000, "{p}: {least} a day");
    }
}

#[test]
fn a_sudden_spike_is_throttled_and_costs_reputation_where_a_gradual_climb_is_not() {
    let (spike, climb) = (run("spike"), run("gradual_climb"));
    let gmail_on = |r: &RunResult, d: u32| {
        let p = r.provider_names.iter().position(|n| n == "gmail").expect("gmail");
        r.records.iter().find(|x| x.day == d && x.provider == p).expect("record").reputation
    };
    let spike_deferred = Cells::day(11).provider("gmail").sum(&spike, |c| c.deferred);
    assert!(spike_deferred > Cells::day(11).provider("gmail").sum(&spike, |c| c.sent), "x4 on day 11 is throttled");
    let after = (11..=13).map(|d| gmail_on(&spike, d)).fold(1.0, f64::min);
    assert!(gmail_on(&spike, 10) > 0.9 && after < 0.8, "and costs reputation: lowest {after} after the spike");
    assert_eq!(climb.totals.deferred, 0, "the climb is never throttled");
    assert!((1..=35).all(|d| gmail_on(&climb, d) > 0.9));
    assert_eq!(
        Cells::day(35).sum(&spike, |c| c.sent),
        Cells::day(35).sum(&climb, |c| c.sent),
        "same volume at the end"
    );
}

#[test]
fn a_gmail_heavy_consumer_list_warms_sooner_than_a_microsoft_heavy_business_list() {
    let (consumer, business) = (run("gmail_consumer"), run("microsoft_business"));
    // Share of weeks 3-4's mail going to providers already warm by day 21.
    let warm_share = |r: &RunResult| {
        let warm: Vec<&String> = r.provider_names.iter().filter(|p| warm_day(r, p).is_some_and(|d| d <= 21)).collect();
        let to_warm: u64 = warm.iter().map(|p| Cells::days(15, 28).provider(p).sum(r, |c| c.sent)).sum();
        to_warm as f64 / Cells::days(15, 28).sum(r, |c| c.sent) as f64
    };
    assert!(warm_share(&consumer) > 0.9, "consumer {}", warm_share(&consumer));
    assert!(warm_share(&business) < 0.5, "business {}", warm_share(&business));
    let junk =
        |r: &RunResult| Cells::days(8, 28).sum(r, |c| c.junk) as f64 / Cells::days(8, 28).sum(r, accepted) as f64;
    assert!(junk(&business) > 2.0 * junk(&consumer), "junk {} vs {}", junk(&business), junk(&consumer));
    assert!(warm_day(&consumer, "gmail").is_some_and(|d| d <= 17));
    assert!(warm_day(&business, "microsoft").is_some_and(|d| d >= 30));
}

/// The first days' volumes of a preset scenario (one IP).
fn first_days(r: &RunResult, n: u32) -> Vec<u64> {
    (1..=n).map(|d| Cells::day(d).sum(r, |c| c.sent)).collect()
}

#[test]
fn sendgrid_hourly_is_never_throttled() {
    let r = run("preset_sendgrid_hourly");
    assert_eq!(first_days(&r, 3), [240, 336, 468], "20, 28 and 39 an hour over 12 hours");
    assert_eq!(r.totals.deferred, 0);
    assert!(all_warm(&r) && warm_day(&r, "gmail").is_some_and(|d| d <= 17), "{:?}", r.warm_day);
    assert_eq!(Cells::day(49).sum(&r, |c| c.sent), 250_000, "stopped at the target");
}

#[test]
fn braze_conservative_is_slow_and_its_doublings_are_throttled() {
    let r = run("preset_braze_conservative");
    assert_eq!(first_days(&r, 7), [50, 50, 50, 100, 100, 100, 500]);
    let fastest = r.warm_day.iter().flatten().min().copied();
    assert!(fastest.is_some_and(|d| d >= 28), "no provider warm before week 5: {:?}", r.warm_day);
    // After the table: doubling every 3 days; each doubling day is throttled.
    for d in [22, 25, 28, 31] {
        assert!(Cells::day(d).sum(&r, |c| c.deferred) > 0, "day {d}");
        assert_eq!(Cells::day(d + 2).sum(&r, |c| c.deferred), 0, "day {}", d + 2);
    }
}

#[test]
fn braze_moderate_is_throttled_only_in_its_second_week() {
    let r = run("preset_braze_moderate");
    assert_eq!(first_days(&r, 5), [50, 100, 500, 1000, 2000]);
    let days = deferral_days(&r);
    assert!(!days.is_empty() && days.iter().all(|d| (5..=11).contains(d)), "{days:?}");
    assert!(all_warm(&r) && r.totals.expired == 0);
}

#[test]
fn braze_aggressive_is_throttled_hard_in_its_second_week_escalated_and_warms_later_than_moderate() {
    let r = run("preset_braze_aggressive");
    assert_eq!(first_days(&r, 6), [50, 100, 500, 1000, 5000, 10_000]);
    let swamped = (6..=12).filter(|&d| Cells::day(d).sum(&r, |c| c.deferred) > Cells::day(d).sum(&r, |c| c.sent));
    assert!(swamped.count() >= 4, "more 4xx replies than messages sent on most days of week 2");
    assert!(deferral_days(&r).iter().all(|&d| d <= 13));
    // A week of sending into 4xx replies is escalated to blocks, and costs time at every provider.
    assert!(r.totals.blocked > 0 && r.totals.expired == 0);
    let moderate = run("preset_braze_moderate");
    for (p, name) in r.provider_names.iter().enumerate() {
        let m = moderate.warm_day[p].expect("moderate warms");
        assert!(r.warm_day[p].is_none_or(|d| d > m), "{name}: aggressive {:?}, moderate {m}", r.warm_day[p]);
    }
}

#[test]
fn kumo_conservative_is_never_throttled_and_warms_every_provider_at_its_pace() {
    let r = run("preset_kumo_conservative");
    assert_eq!(first_days(&r, 6), [50, 100, 200, 400, 800, 1500]);
    assert_eq!(r.totals.deferred, 0);
    let days: Vec<u32> = r.warm_day.iter().map(|d| d.expect("warm")).collect();
    let (fastest, slowest) = (days.iter().min().copied(), days.iter().max().copied());
    assert!(fastest.is_some_and(|d| (11..=17).contains(&d)) && slowest.is_some_and(|d| d >= 38), "{days:?}");
    assert_eq!(Cells::day(49).sum(&r, |c| c.sent), 175_000);
}

#[test]
fn kumo_aggressive_is_throttled_in_its_doubling_days_only() {
    let r = run("preset_kumo_aggressive");
    assert_eq!(first_days(&r, 4), [200, 500, 1000, 2500]);
    let days = deferral_days(&r);
    assert!(days.contains(&6) && days.iter().all(|d| (4..=11).contains(d)), "{days:?}");
    assert!(all_warm(&r) && r.totals.expired == 0);
}

#[test]
fn kumo_transactional_is_throttled_only_briefly() {
    let r = run("preset_kumo_transactional");
    assert_eq!(first_days(&r, 4), [100, 250, 500, 1000]);
    let days = deferral_days(&r);
    assert!(!days.is_empty() && days.iter().all(|d| (6..=9).contains(d)), "{days:?}");
    let week = Cells::days(5, 11);
    assert!(week.sum(&r, |c| c.deferred) * 10 < week.sum(&r, |c| c.sent), "under 10% of that week");
    assert!(all_warm(&r));
}

#[test]
fn ses_auto_moves_the_mail_to_the_new_ips_over_45_days() {
    let r = run("preset_ses_auto");
    for d in [1, 9, 23, 45, 49] {
        let new = Cells::day(d).ip("new-1").sum(&r, |c| c.sent) + Cells::day(d).ip("new-2").sum(&r, |c| c.sent);
        let expected = (f64::from(d) / 45.0).min(1.0) * 150_000.0;
        assert!((new as f64 - expected).abs() <= 5.0, "day {d}: {new} on the new IPs");
    }
    assert!(share(&r, accepted) > 0.99);
}

/// Every shipped scenario draws its five run charts (`report::chart_names`), each
/// a PNG with something drawn: the per-IP and queue views included.
#[test]
fn every_shipped_scenario_draws_its_run_charts() {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in shipped_scenarios() {
        let name = file.file_stem().expect("stem").to_string_lossy().into_owned();
        let out = dir.path().join(&name);
        let paths = ipwarm::report::write_charts(&run(&name), &out).unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<String> =
            paths.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ipwarm::report::chart_names(), "{name}");
        for path in &paths {
            let bytes = std::fs::read(path).expect("chart written");
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000, "{name}: {}", path.display());
        }
    }
}
