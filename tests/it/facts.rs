//! The published facts of docs/MODEL.md ("Facts the model reproduces"), each
//! asserted over several seeds and at least two scenario variants that differ in
//! list size, provider mix and volume, so that a fact holds across the space of
//! scenarios and not only at a shipped example.
//!
//! Scenarios are written here as TOML text by [`World`] and parsed by the same
//! validator as user files. Tolerances come from the facts themselves ("about two
//! weeks", "up to six weeks", "under 2%"), never from a run's output.

use ipwarm::model::Replies;
use ipwarm::sim::{self, ReputationLevel, RunResult};

/// Seeds every fact is checked on.
const SEEDS: [u64; 3] = [11, 22, 33];

/// A provider mix of the list.
#[derive(Clone, Copy, Debug)]
enum Mix {
    /// US consumer: Gmail about half, then Microsoft, Yahoo/AOL, Apple [Mapp; jwz].
    UsConsumer,
    /// A B2B list on Microsoft 365 and Google Workspace [SpamResource-B2B].
    Business,
    /// A Gmail-heavy list with no Apple.
    GmailHeavy,
}

impl Mix {
    fn toml(self) -> &'static str {
        match self {
            Mix::UsConsumer => "gmail = 0.45\nmicrosoft = 0.2\nyahoo = 0.15\napple = 0.1\nother = 0.1\n",
            Mix::Business => "microsoft = 0.5\ngmail = 0.35\nother = 0.15\n",
            Mix::GmailHeavy => "gmail = 0.7\nyahoo = 0.1\nmicrosoft = 0.1\nother = 0.1\n",
        }
    }
}

/// A scenario built from a few choices.
#[derive(Clone, Debug)]
struct World {
    size: u64,
    mix: Mix,
    /// Complaint rate and invalid-address rate added to every segment.
    complaints: f64,
    invalid: f64,
    /// `[[ips]]` tables.
    ips: String,
    /// `[strategy]` table body.
    strategy: String,
    horizon: u32,
    /// Extra top-level text (e.g. a `[sending]` table).
    extra: String,
    /// Share of the list in an unengaged segment (3% opens, 0.08% complaints, 3% invalid), 0 for none.
    inactive_share: f64,
}

impl World {
    /// A clean engaged list of `size` recipients, one new IP, an exponential ramp
    /// x1.25 a day from 500 to half the list a day (a gradual ramp in the sense of
    /// the AWS and SendGrid guides), 56 days.
    fn ramp(size: u64, mix: Mix) -> Self {
        Self {
            size,
            mix,
            complaints: 0.0001,
            invalid: 0.002,
            ips: "[[ips]]\nname = \"new-1\"\nkind = \"new\"\n".into(),
            strategy: format!("kind = \"exponential\"\nstart = 500\ngrowth = 1.25\ntarget = {}\n", size / 2),
            horizon: 56,
            extra: String::new(),
            inactive_share: 0.0,
        }
    }

    /// One warm IP (`trust` 0.9, its history the given volume per provider) sending
    /// the given schedule table and holding its last value.
    fn warm(size: u64, mix: Mix, history_per_provider: u64, volumes: &[u64], horizon: u32) -> Self {
        let table: Vec<String> = volumes.iter().map(u64::to_string).collect();
        Self {
            ips: format!(
                "[[ips]]\nname = \"warm-1\"\nkind = \"warm\"\ndaily_volume_per_provider = {history_per_provider}\n\
                 trust = 0.9\n"
            ),
            strategy: format!("kind = \"schedule\"\ndaily_volumes = [{}]\n", table.join(", ")),
            horizon,
            ..Self::ramp(size, mix)
        }
    }

    fn toml(&self) -> String {
        let (c, b) = (self.complaints, self.invalid);
        let engaged = 1.0 - self.inactive_share;
        let inactive = if self.inactive_share > 0.0 {
            format!(
                "[[audience.segments]]\nname = \"inactive\"\nshare = {}\nopen_rate = 0.03\ncomplaint_rate = 0.0008\n\
                 invalid_rate = 0.03\n\n",
                self.inactive_share
            )
        } else {
            String::new()
        };
        format!(
            "name = \"facts\"\nhorizon_days = {h}\n{extra}\n[audience]\nsize = {size}\n\n[audience.providers]\n{mix}\n\
             [[audience.segments]]\nname = \"active_30d\"\nshare = {s1}\nopen_rate = 0.45\ncomplaint_rate = {c}\n\
             invalid_rate = {b}\n\n[[audience.segments]]\nname = \"active_90d\"\nshare = {s2}\nopen_rate = 0.3\n\
             complaint_rate = {c2}\ninvalid_rate = {b2}\n\n{inactive}{ips}\n[strategy]\n{strategy}",
            h = self.horizon,
            extra = self.extra,
            size = self.size,
            mix = self.mix.toml(),
            c2 = (2.0 * c).min(1.0),
            b2 = (2.0 * b).min(1.0),
            s1 = 0.6 * engaged,
            s2 = 0.4 * engaged,
            ips = self.ips,
            strategy = self.strategy,
        )
    }

    fn run(&self, seed: u64) -> RunResult {
        let text = self.toml();
        let sc = ipwarm::scenario::parse(&text, "facts.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        sim::run(&sc, seed).expect("run")
    }
}

/// Index of provider `name` in a run.
fn provider(r: &RunResult, name: &str) -> usize {
    r.provider_names.iter().position(|n| n == name).expect("provider")
}

/// Sum of a count at provider `p` over days `days` (every IP).
fn sum(r: &RunResult, p: usize, days: std::ops::RangeInclusive<u32>, f: impl Fn(&sim::Counts) -> u64) -> u64 {
    r.records.iter().filter(|x| x.provider == p && days.contains(&x.day)).map(|x| f(&x.counts)).sum()
}

/// Level of the first IP at provider `p` on `day`.
fn level(r: &RunResult, p: usize, day: u32) -> ReputationLevel {
    r.records.iter().find(|x| x.provider == p && x.day == day && x.ip == 0).expect("record").level
}

/// The variants of a ramp every fact about warm-up speed is checked on.
fn ramp_variants() -> [World; 3] {
    [World::ramp(200_000, Mix::UsConsumer), World::ramp(60_000, Mix::GmailHeavy), World::ramp(2_000_000, Mix::Business)]
}

/// Fact: a clean list on a gradual ramp is warm in about two weeks at the fastest
/// provider and within about six weeks at the slowest [SES-warm; Pinpoint-warm].
#[test]
fn warm_in_two_to_six_weeks() {
    for w in ramp_variants() {
        for seed in SEEDS {
            let r = w.run(seed);
            let days: Vec<u32> = r
                .warm_day
                .iter()
                .zip(&r.provider_names)
                .map(|(d, n)| d.unwrap_or_else(|| panic!("{w:?} seed {seed}: {n} never warm")))
                .collect();
            let (fastest, slowest) = (*days.iter().min().expect("days"), *days.iter().max().expect("days"));
            assert!((10..=18).contains(&fastest), "{:?} seed {seed}: fastest warm on day {fastest} {days:?}", w.mix);
            assert!((28..=46).contains(&slowest), "{:?} seed {seed}: slowest warm on day {slowest} {days:?}", w.mix);
        }
    }
}

/// Days until the fastest provider is warm, averaged over the seeds (`horizon + 1` for never).
fn mean_fastest(w: &World) -> f64 {
    let days = SEEDS.iter().map(|&s| {
        let r = w.run(s);
        r.warm_day.iter().map(|d| d.unwrap_or(w.horizon + 1)).min().expect("providers")
    });
    days.map(f64::from).sum::<f64>() / SEEDS.len() as f64
}

/// Fact: the published lines are where providers start to act. Under them
/// (complaints under 0.1% [Gmail-guidelines], bounces under 2% [SES-enforcement])
/// warm-up is at most modestly slower than on a clean list; far above them the IP
/// is not warm anywhere.
#[test]
fn under_the_published_lines_warm_up_is_at_most_modestly_slower() {
    for clean in [World::ramp(200_000, Mix::UsConsumer), World::ramp(60_000, Mix::GmailHeavy)] {
        let base = mean_fastest(&clean);
        // Segments carry c and 2c (b and 2b): the list averages 1.4 c, so 0.0005 gives 0.07%.
        let near_complaint_line = World { complaints: 0.0005, ..clean.clone() };
        let near_bounce_line = World { invalid: 0.011, ..clean.clone() };
        for (what, w) in [("0.07% complaints", near_complaint_line), ("1.5% bounces", near_bounce_line)] {
            let slower = mean_fastest(&w);
            assert!(
                slower <= 1.35 * base,
                "{:?}, {what}: fastest warm on day {slower} against {base} clean",
                clean.mix
            );
        }
        let both = World { complaints: 0.0005, invalid: 0.0135, ..clean.clone() };
        assert!(mean_fastest(&both) <= 1.6 * base, "{:?}: 0.07% complaints and 1.9% bounces together", clean.mix);
        for far in [World { complaints: 0.004, ..clean.clone() }, World { invalid: 0.08, ..clean.clone() }] {
            for seed in SEEDS {
                let r = far.run(seed);
                assert!(r.warm_day.iter().all(Option::is_none), "{far:?} seed {seed}: warm far above a line");
            }
        }
    }
}

/// Fact: complaints above Gmail's 0.3% line get mail blocked [Gmail-guidelines; Gmail-codes].
#[test]
fn complaints_far_above_the_line_are_blocked() {
    for w in [World::ramp(200_000, Mix::UsConsumer), World::ramp(1_000_000, Mix::GmailHeavy)] {
        let w = World { complaints: 0.004, ..w };
        for seed in SEEDS {
            let r = w.run(seed);
            let g = provider(&r, "gmail");
            let (blocked, evaluated) =
                (sum(&r, g, 1..=w.horizon, |c| c.blocked), sum(&r, g, 1..=w.horizon, |c| c.evaluated()));
            assert!(
                blocked as f64 > 0.05 * evaluated as f64,
                "{:?} seed {seed}: {blocked} of {evaluated} blocked",
                w.mix
            );
        }
    }
}

/// Fact: an IP idle for 30 days must be re-warmed [SendGrid-warm; Braze-warm;
/// MailWizz]; a pause of a weekend is not idleness [Braze-warm: "more than a few days"].
#[test]
fn thirty_idle_days_undo_a_warm_up_but_a_weekend_does_not() {
    for (size, mix, per_provider) in [(200_000, Mix::UsConsumer, 20_000), (2_000_000, Mix::Business, 150_000)] {
        let idle = World::warm(size, mix, per_provider, &[0], 31);
        let mut weekend_table = vec![per_provider * 4; 5];
        weekend_table.extend([0, 0]);
        weekend_table.extend(vec![per_provider * 4; 7]);
        let weekend = World::warm(size, mix, per_provider, &weekend_table, 14);
        for seed in SEEDS {
            let r = idle.run(seed);
            for (p, name) in r.provider_names.iter().enumerate() {
                assert!(level(&r, p, 31) <= ReputationLevel::Low, "{mix:?} seed {seed}: {name} after 30 idle days");
            }
            let r = weekend.run(seed);
            for (p, name) in r.provider_names.iter().enumerate() {
                assert_eq!(level(&r, p, 8), ReputationLevel::High, "{mix:?} seed {seed}: {name} after a weekend");
            }
        }
    }
}

/// Fact: after warm-up, about 1,000 messages a day per provider per IP keeps a
/// reputation [SES-warm; Pinpoint-warm]; much less lets it fade.
#[test]
fn a_thousand_a_day_per_provider_keeps_a_reputation_and_a_hundred_does_not() {
    for mix in [Mix::UsConsumer, Mix::Business] {
        // Every provider gets at least 1,200 a day (the smallest share is 0.1 or 0.15).
        let kept = World::warm(500_000, mix, 20_000, &[12_000], 40);
        // The largest share gets at most 100 a day.
        let faded = World::warm(500_000, mix, 20_000, &[140], 40);
        for seed in SEEDS {
            let (k, f) = (kept.run(seed), faded.run(seed));
            for (p, name) in k.provider_names.iter().enumerate() {
                assert_eq!(level(&k, p, 40), ReputationLevel::High, "{mix:?} seed {seed}: {name} at 1,000+ a day");
                assert!(level(&f, p, 40) <= ReputationLevel::Medium, "{mix:?} seed {seed}: {name} at 100 a day");
            }
        }
    }
}

/// Fact: doubling the volume previously sent is throttled [Gmail-guidelines],
/// while a ramp of x1.4 a day is accepted [SendGrid-warm].
#[test]
fn doubling_is_throttled_and_a_forty_percent_step_is_not() {
    for (mix, v) in [(Mix::UsConsumer, 40_000u64), (Mix::GmailHeavy, 400_000)] {
        let per_provider = v / 2; // history above what the steady volume gives any provider
        let mut table = vec![v; 10];
        table.push(v * 2);
        let doubled = World::warm(10 * v, mix, per_provider, &table, 11);
        let mut table = vec![v; 10];
        table.push(v * 14 / 10);
        let stepped = World::warm(10 * v, mix, per_provider, &table, 11);
        for seed in SEEDS {
            let (d, s) = (doubled.run(seed), stepped.run(seed));
            let g = provider(&d, "gmail");
            let share = |r: &RunResult| {
                let deferred = sum(r, g, 11..=11, |c| c.deferred) as f64;
                deferred / (deferred + sum(r, g, 11..=11, |c| c.evaluated()) as f64)
            };
            assert!(share(&d) > 0.05, "{mix:?} seed {seed}: doubling deferred {:.3}", share(&d));
            assert!(share(&s) < 0.01, "{mix:?} seed {seed}: x1.4 deferred {:.3}", share(&s));
        }
    }
}

/// Fact: warming on the most engaged recipients first is faster than mailing a
/// random sample of the list [SES-warm; Braze-warm; Adcrux].
#[test]
fn engaged_first_warms_sooner_than_a_random_order() {
    for w in [World::ramp(200_000, Mix::UsConsumer), World::ramp(1_000_000, Mix::Business)] {
        // A list with a long unengaged tail, where the order matters.
        let engaged = World { inactive_share: 0.4, ..w };
        let random = World { strategy: format!("{}segment_order = \"random\"\n", engaged.strategy), ..engaged.clone() };
        let total = |w: &World| -> u32 {
            SEEDS.iter().map(|&s| w.run(s).warm_day.iter().map(|d| d.unwrap_or(w.horizon + 1)).sum::<u32>()).sum()
        };
        let (e, r) = (total(&engaged), total(&random));
        assert!(e < r, "{:?}: engaged first {e} provider-days to warm against random {r}", engaged.mix);
    }
}

/// Fact: a day-1 blast from a new IP is mostly deferred and leaves it at Low or
/// worse [Yahoo-codes: a new IP not ramped slowly]; a blast of a few days followed
/// by a gradual ramp recovers, later than a ramp from the start.
#[test]
fn a_blast_is_punished_and_a_ramp_afterwards_recovers_later() {
    for (size, mix) in [(200_000u64, Mix::UsConsumer), (600_000, Mix::GmailHeavy)] {
        let blast = World {
            strategy: format!("kind = \"schedule\"\ndaily_volumes = [{size}]\n"),
            horizon: 14,
            ..World::ramp(size, mix)
        };
        for seed in SEEDS {
            let r = blast.run(seed);
            for (p, name) in r.provider_names.iter().enumerate() {
                let deferred = sum(&r, p, 1..=1, |c| c.deferred) as f64;
                let evaluated = sum(&r, p, 1..=1, |c| c.evaluated()) as f64;
                assert!(
                    deferred > evaluated,
                    "{mix:?} seed {seed}: {name} day 1 {deferred} deferred, {evaluated} evaluated"
                );
                assert!(
                    level(&r, p, 7) <= ReputationLevel::Low,
                    "{mix:?} seed {seed}: {name} after a week of blasting"
                );
            }
        }
    }
}

/// Fact: a sender that keeps sending a volume the provider defers, day after day,
/// is escalated from 4xx deferrals to 5xx blocks (Gmail's 421 4.7.28 becoming
/// 550 5.7.28, Yahoo's TS03, Microsoft's S3140 [Gmail-codes; Yahoo-codes;
/// MS-codes]); a ramp the provider accepts never is. (A sender that backs off
/// recovers: see the next fact.)
#[test]
fn hammering_into_deferrals_is_escalated_to_blocks_and_a_ramp_is_not() {
    for (size, mix) in [(300_000u64, Mix::UsConsumer), (1_000_000, Mix::Business)] {
        let hammer =
            World { strategy: format!("kind = \"schedule\"\ndaily_volumes = [{size}]\n"), ..World::ramp(size, mix) };
        let ramp = World::ramp(size, mix);
        for seed in SEEDS {
            let (h, r) = (hammer.run(seed), ramp.run(seed));
            for (p, name) in h.provider_names.iter().enumerate() {
                let share = |r: &RunResult| {
                    sum(r, p, 3..=8, |c| c.blocked) as f64 / sum(r, p, 3..=8, |c| c.evaluated()).max(1) as f64
                };
                assert!(share(&h) > 0.1, "{mix:?} seed {seed}: {name} hammered, {:.3} blocked", share(&h));
                assert!(share(&r) < 0.01, "{mix:?} seed {seed}: {name} ramped, {:.3} blocked", share(&r));
            }
        }
    }
}

/// Fact: a blast is not the end of an IP: with a gradual ramp afterwards it
/// recovers, later than a ramp from the start (docs/MODEL.md, section 9, gives the
/// measured delay).
#[test]
fn a_ramp_after_a_three_day_blast_recovers_later_than_a_ramp_from_the_start() {
    for w in [World::ramp(200_000, Mix::UsConsumer), World::ramp(600_000, Mix::GmailHeavy)] {
        let target = w.size / 2;
        let mut table = vec![w.size; 3];
        let mut v = 500.0f64;
        while (v as u64) < target {
            table.push(v as u64);
            v *= 1.25;
        }
        table.push(target);
        let blasted = World {
            strategy: format!(
                "kind = \"schedule\"\ndaily_volumes = [{}]\n",
                table.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
            ),
            horizon: 70,
            ..w.clone()
        };
        for seed in SEEDS {
            let (b, r) = (blasted.run(seed), w.run(seed));
            let fastest = |x: &RunResult| x.warm_day.iter().flatten().min().copied();
            let (fb, fr) = (fastest(&b).expect("recovers at some provider"), fastest(&r).expect("ramp warms"));
            assert!(fb > fr + 3, "{:?} seed {seed}: after the blast warm on {fb}, ramp {fr}", w.mix);
            assert!(fb <= fr + 28, "{:?} seed {seed}: after the blast warm on {fb}, ramp {fr}", w.mix);
        }
    }
}

/// Fact: a Monday-to-Friday sender keeps its reputation over weekends (cool-down
/// comes after "more than a few days" [Braze-warm]), and a weekly sender warms
/// more slowly than a daily sender of the same weekly volume [Gmail-guidelines].
#[test]
fn weekends_keep_a_reputation_and_weekly_senders_warm_more_slowly_than_daily_ones() {
    for (size, mix) in [(200_000u64, Mix::UsConsumer), (1_000_000, Mix::Business)] {
        let weekdays =
            World { extra: "[sending]\ndays = \"weekdays\"\n".into(), horizon: 63, ..World::ramp(size, mix) };
        let weekly_volume = size / 4;
        let weekly = World {
            extra: "[sending]\ndays = [\"tue\"]\n".into(),
            strategy: format!(
                "kind = \"schedule\"\ndaily_volumes = [{}, {}, {weekly_volume}]\n",
                weekly_volume / 4,
                weekly_volume / 2
            ),
            horizon: 63,
            ..World::ramp(size, mix)
        };
        let daily = World {
            strategy: format!(
                "kind = \"schedule\"\ndaily_volumes = [{}, {}, {}]\n",
                weekly_volume / 28,
                weekly_volume / 14,
                weekly_volume / 7
            ),
            horizon: 63,
            ..World::ramp(size, mix)
        };
        for seed in SEEDS {
            let r = weekdays.run(seed);
            let g = provider(&r, "gmail");
            let warm = r.warm_day[g].expect("the weekday sender warms at Gmail");
            for day in warm..=r.horizon_days {
                assert_eq!(level(&r, g, day), ReputationLevel::High, "{mix:?} seed {seed}: Gmail on day {day}");
            }
            let (w, d) = (weekly.run(seed), daily.run(seed));
            let gd = d.warm_day[g].expect("the daily sender warms at Gmail");
            assert!(
                w.warm_day[g].is_none_or(|gw| gw > gd + 7),
                "{mix:?} seed {seed}: weekly {:?} daily {gd}",
                w.warm_day[g]
            );
        }
    }
}
