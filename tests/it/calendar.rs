//! Sending calendars (`[sending] days`, `start_weekday`): no fresh mail on days
//! off, strategies planning by sending day on sending days' observations, retries
//! and every output going on through days off, located validation errors, the
//! default calendar changing nothing, and the two shipped calendar scenarios'
//! outcomes (`b2b_weekdays`, `weekly_newsletter`) over three seeds each.

use std::fs;

use crate::support::{Cells, accepted, ipwarm, root, scenario, shipped, warm_day};
use ipwarm::model::{Calendar, IpKind, IpSpec, SendingDays, Weekday, WeekdaySet};
use ipwarm::scenario::Scenario;
use ipwarm::sim::{self, OnSendingDays, ReputationLevel, RunResult, run_with};
use ipwarm::strategy::{
    AfterTable, DayObservation, DayPlan, ScheduleParams, SenderView, Strategy, StrategyKind, TableUnit,
};

fn run(sc: &Scenario, seed: u64) -> RunResult {
    sim::run(sc, seed).unwrap_or_else(|e| panic!("{}: {e}", sc.name))
}

/// Fresh messages sent on day `day`, over every IP and provider.
fn sent_on(r: &RunResult, day: u32) -> u64 {
    Cells::day(day).sum(r, |c| c.sent)
}

fn schedule(volumes: Vec<u64>) -> StrategyKind {
    StrategyKind::Schedule(ScheduleParams {
        volumes,
        provider_volumes: Vec::new(),
        unit: TableUnit::Day,
        per_ip: false,
        after: AfterTable::Hold,
        target: None,
    })
}

#[test]
fn nothing_fresh_goes_out_on_days_off_and_every_day_is_recorded() {
    let sc = shipped("b2b_weekdays");
    let r = run(&sc, sc.seed);
    assert_eq!(r.records.len(), (r.horizon_days as usize) * r.ip_names.len() * r.provider_names.len());
    for day in 1..=r.horizon_days {
        let weekend = matches!(sc.window.calendar.weekday_of(day), Weekday::Saturday | Weekday::Sunday);
        assert_eq!(sent_on(&r, day) == 0, weekend, "day {day}: {} sent", sent_on(&r, day));
    }
    // The ramp advances per weekday: the second Monday (day 8) is sending day 6, 1,000 x 1.3^5.
    assert_eq!(sent_on(&r, 1), 1000);
    assert_eq!(sent_on(&r, 8), (1000.0 * 1.3_f64.powi(5)).round() as u64);
}

#[test]
fn a_schedule_is_read_per_sending_day() {
    let sc = shipped("weekly_newsletter");
    let r = run(&sc, sc.seed);
    let tuesdays: Vec<u32> = (1..=r.horizon_days).filter(|&d| sc.window.calendar.sends_on(d)).collect();
    assert_eq!(tuesdays, (0..9).map(|w| 2 + 7 * w).collect::<Vec<u32>>());
    let volumes: Vec<u64> = tuesdays.iter().map(|&d| sent_on(&r, d)).collect();
    assert_eq!(volumes, [5000, 10_000, 20_000, 40_000, 40_000, 40_000, 40_000, 40_000, 40_000]);
    assert_eq!(r.totals.sent, volumes.iter().sum::<u64>(), "nothing fresh on the other days");
}

/// Plans 1,000 a day on the shape of the view and records each call's day and the days of its history.
struct Recorder {
    calls: Vec<(u32, Vec<u32>)>,
}

impl Strategy for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        self.calls.push((day, history.iter().map(|o| o.day).collect()));
        let mut volume = vec![vec![0; view.provider_names.len()]; view.ips.len()];
        volume[0][0] = 1000;
        DayPlan { volume, segments: ipwarm::strategy::SegmentPlan::Proportional }
    }
}

#[test]
fn any_strategy_is_asked_on_sending_days_with_their_index_and_their_observations_only() {
    let mut sc = scenario(vec![IpSpec::new("new-1", IpKind::New)], schedule(vec![1000]), 15);
    let tue_fri = WeekdaySet::of([Weekday::Tuesday, Weekday::Friday]);
    sc.window.calendar = Calendar { days: SendingDays::Weekdays(tue_fri), start_weekday: Weekday::Monday };
    let mut recorder = Recorder { calls: Vec::new() };
    let r = run_with(&sc, &mut recorder, 1).expect("run");
    // Tuesdays and Fridays of days 1-15: days 2, 5, 9, 12 are sending days 1 to 4.
    let expected: Vec<(u32, Vec<u32>)> = (1..=4).map(|k| (k, (1..k).collect())).collect();
    assert_eq!(recorder.calls, expected);
    let sending: Vec<u32> = (1..=15).filter(|&d| sent_on(&r, d) > 0).collect();
    assert_eq!(sending, [2, 5, 9, 12]);
}

#[test]
fn deferred_mail_is_retried_on_days_off() {
    // A Friday blast from a new IP: most of it deferred, retried over the weekend.
    let mut sc = scenario(vec![IpSpec::new("new-1", IpKind::New)], schedule(vec![200_000, 1000]), 5);
    sc.window.calendar =
        Calendar { days: SendingDays::Weekdays(WeekdaySet::WORKING_WEEK), start_weekday: Weekday::Friday };
    let r = run(&sc, 3);
    assert_eq!(sent_on(&r, 1), 200_000);
    assert!(Cells::day(1).sum(&r, |c| c.deferred) > 100_000, "the blast is deferred");
    for day in [2, 3] {
        assert_eq!(sent_on(&r, day), 0, "day {day} is a weekend day");
        let (retried, delivered) = (Cells::day(day).sum(&r, |c| c.deferred), Cells::day(day).sum(&r, accepted));
        assert!(retried > 0 && delivered > 0, "day {day}: {retried} deferred again, {delivered} accepted");
    }
    assert_eq!(sent_on(&r, 4), 1000, "Monday is sending day 2");
}

#[test]
fn a_calendar_of_every_day_changes_nothing() {
    let base = shipped("calibration");
    let plain = run(&base, 7);
    let text = fs::read_to_string(root().join("scenarios/calibration.toml")).expect("read");
    for days in
        ["\"every_day\"", "[\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]", "{ every_days = 1 }"]
    {
        let with = text.replace("[audience]\n", &format!("[sending]\ndays = {days}\n\n[audience]\n"));
        let sc = ipwarm::scenario::parse(&with, "calendar.toml").expect("valid");
        assert!(sc.window.calendar.is_every_day(), "{days}");
        assert_eq!(run(&sc, 7), plain, "{days}");
    }
    // The wrapper itself is the identity on a calendar of every day.
    let mut strategy = ipwarm::strategy::build(&base.strategy);
    let mut wrapped = OnSendingDays::new(strategy.as_mut(), Calendar::EVERY_DAY);
    assert_eq!(run_with(&base, &mut wrapped, 7).expect("run"), plain);
}

#[test]
fn days_off_are_rows_of_daily_csv_with_nothing_sent() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let res = ipwarm(&root(), &["run", "scenarios/b2b_weekdays.toml", "--out", out.to_str().expect("path")]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let csv = fs::read_to_string(out.join("daily.csv")).expect("daily.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (day, sent) = (col("day"), col("sent"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 56 * 3, "a row per day and provider");
    for saturday in [6, 13, 20, 27, 34, 41, 48, 55] {
        let on_day: Vec<&Vec<&str>> = rows.iter().filter(|r| r[day] == saturday.to_string()).collect();
        assert_eq!(on_day.len(), 3, "day {saturday}");
        assert!(on_day.iter().all(|r| r[sent] == "0"), "day {saturday}: {on_day:?}");
    }
}

#[test]
fn calendar_mistakes_are_all_reported_with_their_location() {
    let text = fs::read_to_string(root().join("scenarios/b2b_weekdays.toml")).expect("read");
    let bad =
        text.replace("\ndays = \"weekdays\"\n", "\ndays = [\"mon\", \"wendesday\", 3]\nstart_weekday = \"sundy\"\n");
    let line = bad.lines().position(|l| l.starts_with("days = [")).expect("days line") + 1;
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("bad.toml"), bad).expect("write");
    let out = ipwarm(tmp.path(), &["validate", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        format!("bad.toml:{line}:16: sending.days[1]: unknown weekday `wendesday`, did you mean `wednesday`?"),
        format!("bad.toml:{line}:29: sending.days[2]: expected a weekday name, got an integer"),
        format!("bad.toml:{}:17: sending.start_weekday: unknown weekday `sundy`, did you mean `sunday`?", line + 1),
    ] {
        assert!(stderr.contains(&expected), "missing `{expected}` in:\n{stderr}");
    }
}

/// Gmail's level on each day of `r` (the first IP).
fn gmail_levels(r: &RunResult) -> Vec<(u32, ReputationLevel)> {
    let gmail = r.provider_names.iter().position(|p| p == "gmail").expect("gmail");
    r.records.iter().filter(|x| x.provider == gmail && x.ip == 0).map(|x| (x.day, x.level)).collect()
}

// Relies on the cooling grace period (docs/MODEL.md, section 9): a warm IP that sends nothing on Saturday and
// Sunday keeps its level; without it, it would drop from High to Medium every weekend.
#[test]
fn a_weekday_sender_once_warm_stays_high_at_gmail_across_weekends() {
    let sc = shipped("b2b_weekdays");
    for seed in [sc.seed, sc.seed + 1, sc.seed + 2] {
        let r = run(&sc, seed);
        let warm = warm_day(&r, "gmail").unwrap_or_else(|| panic!("seed {seed}: never warm at gmail"));
        let below: Vec<(u32, ReputationLevel)> =
            gmail_levels(&r).into_iter().filter(|&(d, level)| d >= warm && level != ReputationLevel::High).collect();
        assert!(below.is_empty(), "seed {seed}: warm on day {warm}, then below High on {below:?}");
    }
}

/// `weekly` (a schedule read per sending day of a one-day-a-week calendar) as a daily sender of the same
/// weekly volume: every day, each weekly volume spread over its seven days.
fn daily_equivalent(weekly: &Scenario) -> Scenario {
    let mut daily = weekly.clone();
    daily.window.calendar = Calendar::EVERY_DAY;
    let StrategyKind::Schedule(params) = &weekly.strategy.kind else { panic!("a schedule") };
    let volumes = params.volumes.iter().flat_map(|&v| std::iter::repeat_n(v / 7, 7)).collect();
    daily.strategy.kind = StrategyKind::Schedule(ScheduleParams { volumes, ..params.clone() });
    daily
}

#[test]
fn a_weekly_sender_warms_more_slowly_than_a_daily_sender_of_the_same_weekly_volume() {
    let weekly = shipped("weekly_newsletter");
    let daily = daily_equivalent(&weekly);
    let never = weekly.horizon_days + 1;
    for seed in [weekly.seed, weekly.seed + 1, weekly.seed + 2] {
        let (w, d) = (run(&weekly, seed), run(&daily, seed));
        let weeks = |r: &RunResult| r.totals.sent as f64 / f64::from(r.horizon_days) * 7.0;
        assert!((weeks(&w) / weeks(&d) - 1.0).abs() < 0.05, "seed {seed}: the same weekly volume");
        let d_gmail = warm_day(&d, "gmail").unwrap_or_else(|| panic!("seed {seed}: the daily sender warms at gmail"));
        assert!(d_gmail <= 21, "seed {seed}: the daily sender is warm at gmail on day {d_gmail}");
        for p in &weekly.providers {
            let (wd, dd) = (warm_day(&w, &p.name).unwrap_or(never), warm_day(&d, &p.name).unwrap_or(never));
            assert!(wd >= dd, "seed {seed}, {}: weekly warm on day {wd}, daily on day {dd}", p.name);
        }
        let w_gmail = warm_day(&w, "gmail").unwrap_or(never);
        assert!(w_gmail >= d_gmail + 14, "seed {seed}: gmail warm on day {w_gmail} weekly, {d_gmail} daily");
    }
}

#[test]
fn the_calendar_wrapper_sees_only_what_a_sender_observes() {
    // As `architecture::strategies_see_only_what_a_sender_observes` for `src/strategy`: the wrapper lives in
    // `src/sim` (it is no strategy kind) but passes on only the view and the observations.
    let text = fs::read_to_string(root().join("src/sim/calendar.rs")).expect("read");
    let code = text.split("#[cfg(test)]").next().expect("code");
    for name in ["Reputation", "HourlyLimit", "MtaQueue", "Counts", "trust", "Run", "Pair", "records"] {
        assert!(!code.contains(name), "src/sim/calendar.rs uses {name}: the wrapper sees only observations");
    }
}
