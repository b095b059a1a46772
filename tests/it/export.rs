//! `ipwarm export` and the `schedule` strategy's `provider_volumes`: a scenario
//! with per-provider tables sends exactly those volumes; bad tables give
//! located errors; an exported non-adaptive plan, run back as a schedule at
//! the same seeds, gives byte-identical daily outputs; the KumoMTA files use
//! only keys KumoMTA's shaping.rs accepts and rates its throttle parser
//! accepts; the Halon configuration validates against the plugin's own schema
//! (`tests/data/halon-warmup/`); the CLI writes each format into an owned folder.

use std::fs;

use ipwarm::export::{self, PlanSchedule};
use ipwarm::scenario::{self, Scenario, ScenarioError};
use ipwarm::{report, sim};
use serde_json::Value;

use super::support::{ipwarm, ok, root};

mod formats;

/// The text of the shipped scenario `name`.
fn shipped_text(name: &str) -> String {
    fs::read_to_string(root().join("scenarios").join(format!("{name}.toml"))).unwrap()
}

/// `text` with its `[strategy]` table replaced by `strategy` (TOML body of the table).
fn with_strategy(text: &str, strategy: &str) -> String {
    let mut doc: toml::Table = toml::from_str(text).unwrap();
    doc.insert("strategy".into(), toml::Value::Table(toml::from_str(strategy).unwrap()));
    toml::to_string(&doc).unwrap()
}

/// A per-provider ramp on the weekday calendar of `b2b_weekdays` (providers microsoft, gmail, other).
fn provider_ramp() -> String {
    with_strategy(
        &shipped_text("b2b_weekdays"),
        "kind = \"schedule\"\nafter = \"grow\"\nafter_growth = 1.5\n\
         [provider_volumes]\nmicrosoft = [100, 200, 400]\ngmail = [300, 600]\nother = [0, 50]\n",
    )
}

/// Fresh messages sent on `day` at provider `provider` over every IP.
fn sent(r: &sim::RunResult, day: u32, provider: usize) -> u64 {
    r.records.iter().filter(|x| x.day == day && x.provider == provider).map(|x| x.counts.sent).sum()
}

#[test]
fn provider_volumes_send_exactly_those_volumes_at_each_provider() {
    let sc = scenario::parse(&provider_ramp(), "ramp.toml").unwrap();
    let r = sim::run(&sc, 1).unwrap();
    let sending: Vec<u32> = (1..=sc.horizon_days).filter(|&d| sc.window.calendar.sends_on(d)).collect();
    let expected = |list: &[u64], i: usize| -> u64 {
        // After its list, each provider grows by 1.5 a sending day (after_every_days = 1).
        list.get(i).copied().unwrap_or_else(|| {
            let last = *list.last().unwrap() as f64;
            (last * 1.5_f64.powi((i + 1 - list.len()) as i32)).round() as u64
        })
    };
    let lists: [(&str, &[u64]); 3] = [("microsoft", &[100, 200, 400]), ("gmail", &[300, 600]), ("other", &[0, 50])];
    for (name, list) in lists {
        let p = sc.providers.iter().position(|q| q.name == name).unwrap();
        for (i, &day) in sending.iter().take(8).enumerate() {
            assert_eq!(sent(&r, day, p), expected(list, i), "{name}, sending day {} (day {day})", i + 1);
        }
    }
    let off: u64 = (1..=sc.horizon_days)
        .filter(|d| !sending.contains(d))
        .map(|d| (0..3).map(|p| sent(&r, d, p)).sum::<u64>())
        .sum();
    assert_eq!(off, 0, "nothing fresh on days off");
}

/// The problems of `text` as `file:line:col: key: message` lines.
fn problems(text: &str) -> Vec<String> {
    match scenario::parse(text, "t.toml") {
        Ok(_) => panic!("expected problems"),
        Err(ScenarioError::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn bad_provider_tables_give_located_errors() {
    let base = shipped_text("b2b_weekdays");
    let bad = |body: &str| problems(&with_strategy(&base, &format!("kind = \"schedule\"\n{body}")));
    let found = bad("[provider_volumes]\nmicrosoft = [100]\ngmial = [1]\nother = [0]\n");
    assert!(
        found
            .iter()
            .any(|m| m.contains("strategy.provider_volumes.gmial: unknown provider `gmial`, did you mean `gmail`?")),
        "{found:?}"
    );
    assert!(found.iter().any(|m| m.contains("strategy.provider_volumes: missing provider `gmail`")), "{found:?}");
    let found = bad("[provider_volumes]\nmicrosoft = [100, -5]\ngmail = []\nother = \"x\"\n");
    assert!(
        found.iter().any(|m| m.contains("strategy.provider_volumes.microsoft[1]: must be in 0..=10000000000, got -5")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|m| m.contains("strategy.provider_volumes.gmail: must have at least one day")),
        "{found:?}"
    );
    assert!(found.iter().any(|m| m.contains("strategy.provider_volumes.other:")), "{found:?}");
    assert_eq!(found.len(), 3, "every problem at once: {found:?}");
    let found = bad("daily_volumes = [1]\n[provider_volumes]\nmicrosoft = [1]\ngmail = [1]\nother = [1]\n");
    assert!(
        found
            .iter()
            .any(|m| m
                .contains("strategy.provider_volumes: give one of daily_volumes, hourly_volumes and provider_volumes")),
        "{found:?}"
    );
    let found = bad("provider_volumes = {}\n");
    assert!(
        found.iter().any(|m| m.contains("strategy.provider_volumes: must name at least one provider")),
        "{found:?}"
    );
    // Every problem is located at line:col in the file.
    assert!(
        found.iter().all(|m| m.starts_with("t.toml:") && m.split(':').nth(2).is_some_and(|c| c.parse::<u32>().is_ok())),
        "{found:?}"
    );
}

/// daily.csv of `sc` at `seed`.
fn daily_csv(sc: &Scenario, seed: u64) -> Vec<u8> {
    let r = sim::run(sc, seed).unwrap();
    let mut out = Vec::new();
    report::write_daily_csv(&r, &mut out).unwrap();
    out
}

/// The plan of `text` at `seed` exported as a schedule scenario, and that scenario.
fn exported(text: &str, seed: u64) -> (PlanSchedule, Scenario, String) {
    let sc = scenario::parse(text, "plan.toml").unwrap();
    let plan = export::plan_schedule(&sc, seed).unwrap();
    let out = export::schedule_scenario(&sc, &plan, text).unwrap();
    let back = scenario::parse(&out, "schedule_scenario.toml").unwrap();
    (plan, back, out)
}

#[test]
fn an_exported_plan_runs_back_to_the_same_daily_csv() {
    let cases = [
        ("exponential", shipped_text("clean_list")),
        ("per-provider ramp on weekdays", provider_ramp()),
        ("preset, hourly per-IP table", shipped_text("preset_sendgrid_hourly")),
        // An adaptive plan is its plan at that seed: run at that seed, it reproduces that run.
        ("adaptive, at the seed it was recorded at", shipped_text("adaptive_too_fast")),
    ];
    for (what, text) in cases {
        let original = scenario::parse(&text, "plan.toml").unwrap();
        for seed in [1, 2] {
            let (plan, back, out) = exported(&text, seed);
            assert_eq!(plan.adaptive, what.starts_with("adaptive"), "{what}");
            assert_eq!(export::routing_difference(&original, &plan), None, "{what}");
            assert!(out.contains("kind = \"schedule\"") && out.contains("[strategy.provider_volumes]"), "{what}");
            let (a, b) = (daily_csv(&original, seed), daily_csv(&back, seed));
            assert!(a == b, "{what}, seed {seed}: daily.csv differs");
            assert!(a != daily_csv(&original, seed + 10), "{what}: the seed matters, so equality is not trivial");
        }
    }
}

#[test]
fn a_plan_routed_through_a_shared_pool_is_reported_as_not_reproducible_per_ip() {
    let text = shipped_text("per_provider");
    let sc = scenario::parse(&text, "plan.toml").unwrap();
    let plan = export::plan_schedule(&sc, 1).unwrap();
    assert!(plan.adaptive && plan.rules.is_some());
    let difference = export::routing_difference(&sc, &plan).expect("the overflow goes through the pool");
    assert!(difference.contains("on day 1"), "{difference}");
    // The provider totals are still the plan's.
    let spec = export::schedule_spec(&sc, &plan);
    let back = Scenario { strategy: spec, ..sc.clone() };
    let replay = export::plan_schedule(&back, 1).unwrap();
    for day in 1..=plan.days.len() {
        for p in 0..plan.providers.len() {
            assert_eq!(replay.provider_total(day, p), plan.provider_total(day, p), "day {day}");
        }
    }
}

#[test]
fn the_csv_lists_every_day_provider_and_ip_of_the_plan() {
    let sc = scenario::parse(&provider_ramp(), "ramp.toml").unwrap();
    let plan = export::plan_schedule(&sc, 3).unwrap();
    let mut bytes = Vec::new();
    export::write_schedule_csv(&plan, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = export::SCHEDULE_COLUMNS.iter().map(|(c, _)| *c).collect();
    assert_eq!(lines.next().unwrap(), header.join(","));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), plan.days.len() * plan.providers.len() * plan.sending_ips().len());
    assert_eq!(rows[0][..4], ["1", "2026-03-02", "microsoft", plan.ips[0].label.as_str()][..], "{:?}", rows[0]);
    let total: u64 = rows.iter().map(|r| r[5].parse::<u64>().unwrap()).sum();
    let planned: u64 = plan.days.iter().flatten().flatten().sum();
    assert_eq!(total, planned);
    assert!(planned > 0);
}

#[test]
fn the_cli_writes_each_format_into_an_owned_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("ramp.toml"), provider_ramp()).unwrap();
    for (format, file) in [
        ("csv", "schedule.csv"),
        ("kumomta", "shaping-day-001.toml"),
        ("halon", "warmup.yaml"),
        ("scenario", "schedule_scenario.toml"),
    ] {
        let out = ipwarm(dir.path(), &["export", "ramp.toml", "--format", format, "--out", format]);
        ok(&out);
        assert!(dir.path().join(format).join(file).is_file(), "{format}");
        // Again into the same folder: replaced, since ipwarm wrote it.
        ok(&ipwarm(dir.path(), &["export", "ramp.toml", "--format", format, "--out", format, "--seed", "2"]));
    }
    ok(&ipwarm(dir.path(), &["run", "scenario/schedule_scenario.toml", "--seed", "2", "--out", "back"]));
    ok(&ipwarm(dir.path(), &["run", "ramp.toml", "--seed", "2", "--out", "original"]));
    let read = |p: &str| fs::read(dir.path().join(p)).unwrap();
    assert!(read("back/daily.csv") == read("original/daily.csv"), "the CLI round trip");
    // A foreign file in the folder is refused; bad input exits 2 with its location.
    fs::write(dir.path().join("csv/mine.txt"), "x").unwrap();
    assert_eq!(ipwarm(dir.path(), &["export", "ramp.toml", "--format", "csv", "--out", "csv"]).status.code(), Some(2));
    fs::write(
        dir.path().join("bad.toml"),
        with_strategy(&provider_ramp(), "kind = \"schedule\"\nprovider_volumes = { gmial = [1] }"),
    )
    .unwrap();
    let out = ipwarm(dir.path(), &["export", "bad.toml", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("strategy.provider_volumes.gmial"));
    let out = ipwarm(dir.path(), &["export", "ramp.toml", "--format", "csv", "--start", "2026-03-04", "--out", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--start: 2026-03-04 is a Wednesday"));
    let help = ipwarm(dir.path(), &["export", "--help"]);
    ok(&help);
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
}

#[test]
fn an_exported_scenario_validates_against_the_scenario_schema() {
    let path = root().join("schemas/scenario.schema.json");
    let json: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V7);
    compiler.add_resource("file:///scenario.schema.json", json).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("file:///scenario.schema.json", &mut schemas).unwrap();
    let check =
        |text: &str| schemas.validate(&toml::from_str::<Value>(text).unwrap(), index).map_err(|e| format!("{e}"));
    let (_, _, out) = exported(&shipped_text("clean_list"), 1);
    check(&out).unwrap_or_else(|e| panic!("{e}"));
    check(&provider_ramp()).unwrap_or_else(|e| panic!("{e}"));
    // A schedule still needs one of its tables.
    assert!(check(&with_strategy(&provider_ramp(), "kind = \"schedule\"")).is_err());
}
