//! Tests of the reputation dynamics (docs/MODEL.md sections 6 and 9): each
//! mechanism against the published behaviour it was chosen to reproduce, on the
//! state alone (the day's counts are given, nothing is throttled or sampled).

use super::*;

fn gmail() -> ProviderParams {
    ProviderParams::preset("gmail").expect("preset")
}

/// A day of `volume` fresh messages, all evaluated: a share `bounce` of them
/// hard-bounces, 90% of the rest reach the inbox, where recipients complain at
/// `complaint` and open at `open`.
fn day(volume: u64, bounce: f64, complaint: f64, open: f64) -> Counts {
    let bounced = (volume as f64 * bounce).round() as u64;
    let accepted = volume - bounced;
    let inbox = accepted * 9 / 10;
    Counts {
        sent: volume,
        inbox,
        junk: accepted - inbox,
        bounced,
        complaints: (inbox as f64 * complaint).round() as u64,
        opens: (inbox as f64 * open).round() as u64,
        ..Counts::default()
    }
}

/// A clean, engaged day: 0.2% bounces, 0.01% complaints, 40% opens.
fn clean_day(volume: u64) -> Counts {
    day(volume, 0.002, 0.0001, 0.4)
}

/// A day on which nothing was sent.
fn idle() -> Counts {
    Counts::default()
}

/// Ends a day of `counts` whose busiest hour evaluated a twelfth of the day's mail.
fn live(r: &mut Reputation, p: &ProviderParams, counts: &Counts) {
    r.end_of_day(p, &DailyFactors::of(p), counts, counts.evaluated() / 12);
}

/// Days until a new IP sending `counts` every day first reaches High (0.8), within `max_days`.
fn days_to_high(p: &ProviderParams, counts: &Counts, max_days: u32) -> Option<u32> {
    let mut r = Reputation::new_ip(p);
    (1..=max_days).find(|_| {
        live(&mut r, p, counts);
        r.trust >= 0.8
    })
}

#[test]
fn clean_consistent_volume_builds_trust() {
    let p = gmail();
    let mut r = Reputation::new_ip(&p);
    let start = r.trust;
    for _ in 0..20 {
        live(&mut r, &p, &clean_day(20_000));
    }
    assert!(r.trust > start + 0.4, "trust {} after 20 clean days", r.trust);
}

#[test]
fn complaints_above_the_severe_line_destroy_trust() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for _ in 0..5 {
        live(&mut r, &p, &day(20_000, 0.002, 0.01, 0.4));
    }
    assert!(r.trust < 0.3, "trust {} after 5 days at 1% complaints", r.trust);
}

#[test]
fn allowance_grows_with_history_and_trust() {
    let p = gmail();
    let new = Reputation::new_ip(&p);
    assert_eq!(new.hourly_allowance(&p), p.base_hourly_allowance);
    let warm = Reputation::with_history(&p, 0.9, 120_000.0, 12);
    let a = warm.hourly_allowance(&p);
    assert!(a > 1.8 * 10_000.0 && a < 2.0 * 10_000.0, "allowance {a}");
}

// Cooling with a grace period.

#[test]
fn cooling_starts_only_after_the_grace_period() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for n in 1..=3 {
        live(&mut r, &p, &idle());
        assert_eq!(r.trust, 0.9, "idle day {n} is within the grace period");
        assert_eq!(r.low_days, n);
    }
    live(&mut r, &p, &idle());
    // One day of cooling: 0.3 + 0.6 * exp(-1/10).
    assert!((r.trust - (0.3 + 0.6 * (-0.1f64).exp())).abs() < 1e-12, "trust {} after 4 idle days", r.trust);
    live(&mut r, &p, &clean_day(20_000));
    assert_eq!(r.low_days, 0, "a normal day ends the low spell");
}

#[test]
fn a_weekday_sender_stays_high_over_its_weekends() {
    let p = gmail();
    let weekdays = |p: &ProviderParams| {
        let mut r = Reputation::with_history(p, 0.9, 20_000.0, 12);
        let mut lowest: f64 = 1.0;
        for d in 0..56 {
            live(&mut r, p, &if d % 7 < 5 { clean_day(20_000) } else { idle() });
            lowest = lowest.min(r.trust);
        }
        lowest
    };
    let lowest = weekdays(&p);
    assert!(lowest >= 0.85, "lowest trust {lowest} of a Monday-Friday sender over 8 weeks");
    // Without the grace period every weekend would cost the High level.
    let no_grace = ProviderParams { cooling_grace_days: 0.0, ..p };
    let lowest = weekdays(&no_grace);
    assert!(lowest < 0.8, "lowest trust {lowest} without a grace period");
}

#[test]
fn a_day_or_two_of_lower_volume_keeps_the_level() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for _ in 0..2 {
        live(&mut r, &p, &clean_day(50));
        assert!(r.trust >= 0.9, "trust {} on a day at 50 messages", r.trust);
    }
    live(&mut r, &p, &clean_day(20_000));
    assert!(r.trust >= 0.9, "trust {} back at full volume", r.trust);
    // A lasting drop to 50 a day cools the IP from its fourth day.
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for _ in 0..10 {
        live(&mut r, &p, &clean_day(50));
    }
    assert!(r.trust < 0.8, "trust {} after 10 days at 50 messages", r.trust);
}

#[test]
fn thirty_idle_days_undo_most_of_a_warm_up() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for _ in 0..30 {
        live(&mut r, &p, &idle());
    }
    // 3 days of grace, then 27 of cooling: exp(-2.7) = 6.7% of the way is left.
    let left = (r.trust - r.baseline) / (0.9 - r.baseline);
    assert!(left > 0.0 && left < 0.1, "{left} of the way to the baseline left after 30 idle days");
    assert!(r.history_daily < 0.06 * 20_000.0);
}

#[test]
fn a_weekly_sender_cools_partly_each_week() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for week in 0..4 {
        live(&mut r, &p, &clean_day(20_000));
        let after_send = r.trust;
        for _ in 0..6 {
            live(&mut r, &p, &idle());
        }
        // Until the cadence is learned (two gaps of six days), 3 days of cooling out of 6 idle days:
        // exp(-0.3) = 74% of the margin over the baseline kept; then all of it.
        let kept = (r.trust - r.baseline) / (after_send - r.baseline);
        let want = if week < 2 { (-0.3f64).exp() } else { 1.0 };
        assert!((kept - want).abs() < 1e-9, "week {week}: kept {kept} of the margin");
    }
}

#[test]
fn daily_senders_warm_faster_than_weekly_senders_of_the_same_weekly_volume() {
    let p = gmail();
    let (mut daily, mut weekly) = (Reputation::new_ip(&p), Reputation::new_ip(&p));
    for week in 1..=6 {
        for d in 0..7 {
            live(&mut daily, &p, &clean_day(2_000));
            live(&mut weekly, &p, &if d == 0 { clean_day(14_000) } else { idle() });
        }
        assert!(daily.trust > weekly.trust, "week {week}: daily {} weekly {}", daily.trust, weekly.trust);
    }
    assert!(daily.trust >= 0.8, "daily sender {} after 6 weeks", daily.trust);
    assert!(weekly.trust < 0.8, "weekly sender {} after 6 weeks", weekly.trust);
}

// Smooth quality response.

#[test]
fn the_quality_factor_is_high_below_the_line_and_falls_sharply_above() {
    let expected =
        [(0.5, 0.9986), (0.75, 0.9846), (0.95, 0.9394), (1.0, 0.9193), (1.5, 0.5), (2.0, 0.1510), (3.0, 0.0154)];
    for line in [0.001, 0.02] {
        let mut last = 1.0;
        for (multiple, q) in expected {
            let got = quality_factor(multiple * line, line);
            assert!((got - q).abs() < 1e-4, "q at {multiple} times the line {line}: {got}, want {q}");
            assert!(got < last);
            last = got;
        }
        // No cliff: a step of 1% of the line changes the factor by less than 3%.
        let steps: Vec<f64> = (0..400).map(|i| quality_factor(f64::from(i) * 0.01 * line, line)).collect();
        assert!(steps.windows(2).all(|w| (w[0] - w[1]).abs() < 0.03));
    }
}

#[test]
fn lists_under_the_published_lines_warm_almost_as_fast_as_clean_ones() {
    let p = gmail();
    // Average engagement (21% opens), so that credit is not capped by the engagement bonus.
    let clean = days_to_high(&p, &day(5_000, 0.002, 0.0001, 0.21), 60).expect("clean list warms");
    let bounces = days_to_high(&p, &day(5_000, 0.015, 0.0001, 0.21), 60).expect("1.5% bounces warm");
    let both = days_to_high(&p, &day(5_000, 0.019, 0.0007, 0.21), 60).expect("1.9% + 0.07% warms");
    assert!(bounces <= clean + 1, "1.5% bounces: {bounces} days against {clean}");
    assert!(f64::from(both) <= 1.1 * f64::from(clean) + 1.0, "1.9% + 0.07%: {both} days against {clean}");
    // Above the lines warm-up slows sharply: 1.5 times either line is not High in 60 days.
    assert_eq!(days_to_high(&p, &day(5_000, 0.03, 0.0001, 0.21), 60), None, "1.5 times the bounce line");
    assert_eq!(days_to_high(&p, &day(5_000, 0.002, 0.0015, 0.21), 60), None, "1.5 times the complaint line");
    let mut r = Reputation::new_ip(&p);
    for _ in 0..30 {
        live(&mut r, &p, &day(5_000, 0.04, 0.0001, 0.21));
    }
    assert!(r.trust < p.initial_trust, "trust {} after 30 days at twice the bounce line", r.trust);
}

#[test]
fn trap_hits_cost_trust_smoothly() {
    let p = gmail();
    let after = |hits: u64| {
        let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
        live(&mut r, &p, &Counts { trap_hits: hits, ..clean_day(20_000) });
        r.trust
    };
    let clean = after(0);
    let losses: Vec<f64> = (0..=300).map(|hits| clean - after(hits)).collect();
    assert!((losses[1] - 0.01 * 0.9).abs() < 1e-3, "one hit costs {}", losses[1]);
    // Each further hit costs no more than the one before: no threshold, no cliff.
    assert!(losses.windows(2).all(|w| w[1] >= w[0] && w[1] - w[0] <= 0.01 * 0.9 + 1e-12));
    assert!(losses[100] > losses[99], "hits keep costing below the cap on the daily loss");
    assert!(losses[300] <= MAX_DAILY_LOSS * 0.9 + 1e-12);
}

// Spikes, judged on evaluated mail and on reception.

#[test]
fn a_spike_is_judged_on_the_mail_the_provider_evaluated() {
    let p = gmail();
    let warm = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    let (mut steady, mut spiked, mut throttled) = (warm.clone(), warm.clone(), warm);
    live(&mut steady, &p, &clean_day(20_000));
    live(&mut spiked, &p, &clean_day(100_000));
    assert!(spiked.trust < steady.trust - 0.1, "spiked {} steady {}", spiked.trust, steady.trust);
    // Five times the volume attempted, but the provider evaluated only the usual 20,000.
    live(&mut throttled, &p, &Counts { sent: 100_000, ..clean_day(20_000) });
    assert_eq!(throttled.trust, steady.trust);
}

#[test]
fn a_well_received_spike_costs_less_than_a_poorly_received_one() {
    let p = gmail();
    let warm = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    let (mut good, mut poor) = (warm.clone(), warm);
    live(&mut good, &p, &day(60_000, 0.002, 0.0001, 0.45));
    live(&mut poor, &p, &day(60_000, 0.002, 0.0009, 0.05));
    let (good_loss, poor_loss) = (0.9 - good.trust, 0.9 - poor.trust);
    assert!(good_loss > 0.05, "a spike costs even well received mail ({good_loss})");
    assert!(poor_loss > 2.0 * good_loss, "poorly received {poor_loss}, well received {good_loss}");
    // Well received: (1 + 0.1) / 1.5 (the smoothed complaint rate is a little under 0.01%); poorly: the bound.
    assert!((good.reception(&p) - 1.1 / 1.5).abs() < 0.01, "reception {}", good.reception(&p));
    assert_eq!(poor.reception(&p), RECEPTION_BOUNDS.1);
}

// Pressure from deferrals.

/// A day on which a new IP attempted `fresh` messages, the provider evaluated
/// `evaluated` of them (clean and engaged) and deferred attempts `deferred` times.
fn throttled_day(fresh: u64, evaluated: u64, deferred: u64) -> Counts {
    Counts { sent: fresh, deferred, ..clean_day(evaluated) }
}

#[test]
fn hammering_into_deferrals_is_escalated_to_blocks_after_two_days() {
    let p = gmail();
    let mut r = Reputation::new_ip(&p);
    let hammer = throttled_day(15_000, 3_600, 60_000); // 94% of attempts deferred
    live(&mut r, &p, &hammer);
    assert_eq!(r.escalation(&p), 0.0, "pressure {} after one day", r.pressure);
    assert_eq!(r.block_reply(&p), &p.block_reply);
    live(&mut r, &p, &hammer);
    assert!(r.escalation(&p) > 0.0, "pressure {} after two days", r.pressure);
    assert_eq!(r.block_reply(&p).code, "550 5.7.28");
    for _ in 0..3 {
        live(&mut r, &p, &hammer);
    }
    assert!(r.block_probability(&p) > 0.5, "block share {} after five days", r.block_probability(&p));
}

#[test]
fn a_sender_that_backs_off_sees_the_pressure_fade_within_two_days() {
    let p = gmail();
    let mut r = Reputation::new_ip(&p);
    for _ in 0..7 {
        live(&mut r, &p, &throttled_day(15_000, 3_600, 60_000));
    }
    assert!(r.escalation(&p) > 0.5);
    let hammered = r.trust;
    live(&mut r, &p, &clean_day(1_000));
    assert!(r.escalation(&p) > 0.0, "one calm day after a week of hammering is not enough");
    live(&mut r, &p, &clean_day(1_000));
    assert_eq!(r.escalation(&p), 0.0, "pressure {} after two calm days", r.pressure);
    assert_eq!(r.block_reply(&p), &p.block_reply);
    for _ in 0..5 {
        live(&mut r, &p, &clean_day(1_000));
    }
    assert!(r.pressure < 0.1 && r.trust > hammered, "pressure {} trust {} > {hammered}", r.pressure, r.trust);
}

#[test]
fn a_new_ip_started_far_above_its_allowance_warms_slower_than_one_started_gently() {
    let p = gmail();
    let (mut blast, mut gentle) = (Reputation::new_ip(&p), Reputation::new_ip(&p));
    for _ in 0..7 {
        // 15,000 attempted against 3,600 evaluated, versus 1,500 all evaluated.
        live(&mut blast, &p, &throttled_day(15_000, 3_600, 40_000));
        live(&mut gentle, &p, &clean_day(1_500));
    }
    assert!(gentle.trust > blast.trust + 0.2, "gentle {} blast {}", gentle.trust, blast.trust);
}

#[test]
fn a_day_of_throttling_is_tolerated() {
    let p = gmail();
    let warm = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    let (mut steady, mut burst) = (warm.clone(), warm);
    live(&mut steady, &p, &clean_day(20_000));
    // Within the tolerance: no pressure at all.
    live(&mut burst, &p, &Counts { deferred: 4_000, ..clean_day(20_000) });
    assert_eq!((burst.pressure, burst.trust), (0.0, steady.trust));
    // A spike throttled for a day (45% of attempts deferred) costs a little and is never escalated.
    live(&mut burst, &p, &throttled_day(50_000, 20_000, 16_400));
    for _ in 0..5 {
        assert_eq!(burst.escalation(&p), 0.0);
        live(&mut burst, &p, &clean_day(20_000));
    }
    assert!(burst.trust > steady.trust - 0.05, "trust {} after a day of throttling", burst.trust);
}

// Learned cadence.

#[test]
fn a_steady_weekly_sender_keeps_its_peaks_and_keeps_climbing_once_its_cadence_is_learned() {
    let p = gmail();
    let mut weekly = Reputation::new_ip(&p);
    let mut after_send = Vec::new();
    for _week in 0..12 {
        for d in 0..7 {
            live(&mut weekly, &p, &if d == 0 { clean_day(14_000) } else { idle() });
            if d == 0 {
                after_send.push(weekly.trust);
            }
        }
    }
    assert_eq!(weekly.usual_gap(), 6);
    // From the third week on (the cadence learned after two gaps) it never cools: each week ends above the last.
    assert!(after_send.windows(2).skip(2).all(|w| w[1] > w[0]), "{after_send:?}");
    live(&mut weekly, &p, &clean_day(14_000));
    let (peak, trust) = (weekly.recent_peak_daily, weekly.trust);
    for _ in 0..6 {
        live(&mut weekly, &p, &idle());
    }
    assert_eq!(weekly.recent_peak_daily, peak, "days off within the cadence keep the recent peak");
    assert_eq!(weekly.trust, trust, "days off within the cadence neither earn nor lose");
    live(&mut weekly, &p, &idle());
    assert!(weekly.recent_peak_daily < peak, "a seventh day off is beyond the cadence");
}

#[test]
fn a_single_long_pause_is_not_learned_as_a_cadence() {
    let p = gmail();
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    // A daily sender pauses six days once, then sends daily again.
    for d in 0..20 {
        live(&mut r, &p, &if (5..11).contains(&d) { idle() } else { clean_day(20_000) });
    }
    assert_eq!(r.usual_gap(), 0, "gaps {:?}", r.last_gaps);
    // Gaps longer than two weeks are never a cadence.
    let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
    for _ in 0..2 {
        for d in 0..16 {
            live(&mut r, &p, &if d == 0 { clean_day(20_000) } else { idle() });
        }
    }
    assert_eq!(r.usual_gap(), 0, "gaps {:?}", r.last_gaps);
}
