//! Data-driven tests of the `[strategy]` table: every kind with its defaults
//! and parameters, presets and their overrides, and every kind of mistake,
//! each located at `line:col`.

use crate::model::{IpKind, IpSpec};
use crate::scenario::tests::{MIN, check, ok};
use crate::scenario::{MAX_AUDIENCE_SIZE, ScenarioError, parse};
use crate::strategy::param::{ParamDefault, ParamSpec, ParamType};
use crate::strategy::presets::preset;
use crate::strategy::registry::{COMMON, KindEntry, kinds};
use crate::strategy::{
    AdaptiveParams, AfterTable, AutoBlendParams, Blend, HealthRules, HealthScope, LinearParams, PerProviderParams,
    ScheduleParams, SegmentOrder, StrategyKind, TableUnit,
};

/// `MIN` (whose IP is `new`) with its `[strategy]` body replaced by `body`
/// (from line 15) and `tail` appended after it.
fn with(body: &str, tail: &str) -> String {
    let head: String = MIN.lines().take(14).map(|l| format!("{l}\n")).collect();
    format!("{head}{body}\n{tail}")
}

/// A shared-pool IP table, to append.
const POOL: &str = "[[ips]]\nname = \"pool\"\nkind = \"shared_pool\"\n";

#[test]
fn every_kind_runs_on_its_defaults() {
    assert_eq!(ok(&with("kind = \"linear\"", "")).strategy.kind, StrategyKind::Linear(LinearParams::default()));
    assert_eq!(ok(&with("kind = \"adaptive\"", "")).strategy.kind, StrategyKind::Adaptive(AdaptiveParams::default()));
    let per_provider = ok(&with("kind = \"per_provider\"", "")).strategy.kind;
    assert_eq!(per_provider, StrategyKind::PerProvider(PerProviderParams::default()));
    let blend = ok(&with("kind = \"auto_blend\"", POOL)).strategy;
    assert_eq!(blend.kind, StrategyKind::AutoBlend(AutoBlendParams::default()));
    assert_eq!((blend.segment_order, blend.widen_every_days, blend.preset), (SegmentOrder::EngagedFirst, None, None));
}

#[test]
fn adaptive_with_every_parameter() {
    let body = r#"kind = "adaptive"
start = 500
growth = 1.2
target = 50000
scope = "global"
min_delivery_rate = 0.85
min_open_rate = 0.05
max_bounce_rate = 0.03
max_complaint_rate = 0.0008
max_deferral_rate = 0.02
backoff_deferral_rate = 0.3
backoff_block_rate = 0.05
cut_factor = 0.25
recovery_growth = 1.05
window_days = 7
segment_order = "engaged_first"
widen_every_days = 7"#;
    let s = ok(&with(body, "")).strategy;
    let health = HealthRules {
        min_delivery_rate: 0.85,
        min_open_rate: 0.05,
        max_bounce_rate: 0.03,
        max_complaint_rate: 0.0008,
        max_deferral_rate: 0.02,
        backoff_deferral_rate: 0.3,
        backoff_block_rate: 0.05,
        cut_factor: 0.25,
        recovery_growth: 1.05,
        window_days: 7,
    };
    let expected =
        AdaptiveParams { start: 500.0, growth: 1.2, target: Some(50_000.0), scope: HealthScope::Global, health };
    assert_eq!(s.kind, StrategyKind::Adaptive(expected));
    assert_eq!(s.widen_every_days, Some(7));
}

#[test]
fn bad_adaptive_and_per_provider_parameters() {
    let body = "kind = \"adaptive\"\nscope = \"local\"\ncut_factor = 1\nrecovery_growth = 0.9\nmin_open_rate = 2\n\
                window_days = 0\nstart = 9000\ntarget = 100";
    check(
        &with(body, ""),
        "16:9: strategy.scope: unknown value `local`, expected one of `per_provider`, `global`
         17:14: strategy.cut_factor: must be < 1, got 1
         18:19: strategy.recovery_growth: must be >= 1, got 0.9
         19:17: strategy.min_open_rate: must be in [0, 1], got 2
         20:15: strategy.window_days: must be in 1..=3650, got 0
         22:10: strategy.target: must be >= start (9000), got 100",
    );
    check(
        &with("kind = \"per_provider\"\npool_until_share = 1.5\nramp_days = 3", ""),
        "16:20: strategy.pool_until_share: must be in [0, 1], got 1.5
         17:1: strategy.ramp_days: not a parameter of kind `per_provider`",
    );
}

#[test]
fn linear_and_exponential_targets_default_to_the_list() {
    let s = ok(&with("kind = \"linear\"\nstart = 100\nramp_days = 20", "")).strategy;
    assert_eq!(s.kind, StrategyKind::Linear(LinearParams { start: 100.0, target: None, ramp_days: 20 }));
    // A start above the default target is reported at the key the file gives.
    check(
        &with("kind = \"linear\"\nstart = 100\ntarget = 50", ""),
        "17:10: strategy.target: must be >= start (100), got 50",
    );
}

#[test]
fn schedules_hourly_per_ip_growing_every_few_days() {
    let body = "kind = \"schedule\"\nhourly_volumes = [20, 28]\nvolume_per = \"ip\"\nafter = \"grow\"\n\
                after_growth = 2.0\nafter_every_days = 3\ntarget = 5000";
    let expected = ScheduleParams {
        volumes: vec![20, 28],
        provider_volumes: Vec::new(),
        unit: TableUnit::Hour,
        per_ip: true,
        after: AfterTable::Grow { factor: 2.0, every_days: 3 },
        target: Some(5000.0),
    };
    assert_eq!(ok(&with(body, "")).strategy.kind, StrategyKind::Schedule(expected));
    let body =
        "kind = \"schedule\"\ndaily_volumes = [1]\nhourly_volumes = [1]\nvolume_per = \"each\"\nafter = \"grow\"";
    check(
        &with(body, ""),
        "14:1: strategy.after_growth: missing required key
         17:1: strategy.hourly_volumes: give one of daily_volumes, hourly_volumes and provider_volumes, not daily_volumes too
         18:14: strategy.volume_per: unknown value `each`, expected one of `total`, `ip`",
    );
    check(
        &with("kind = \"schedule\"\ndaily_volumes = [1]\nafter_every_days = 2", ""),
        "17:1: strategy.after_every_days: only used when after = \"grow\"",
    );
}

#[test]
fn auto_blend_time_and_volume() {
    let s = ok(&with("kind = \"auto_blend\"\ndaily_volume = 50000\nblend_days = 30", POOL)).strategy;
    let expected = AutoBlendParams { daily_volume: Some(50_000.0), blend: Blend::Time { days: 30 } };
    assert_eq!(s.kind, StrategyKind::AutoBlend(expected));
    let body = "kind = \"auto_blend\"\nblend = \"volume\"\nstart_share = 0.05\nwarmup_volume = 2e6";
    let expected = Blend::Volume { start_share: 0.05, warmup_volume: 2e6 };
    assert_eq!(
        ok(&with(body, POOL)).strategy.kind,
        StrategyKind::AutoBlend(AutoBlendParams { daily_volume: None, blend: expected })
    );
    check(
        &with("kind = \"auto_blend\"\nblend = \"volume\"\nblend_days = 10\nstart_share = 1.5", POOL),
        "17:1: strategy.blend_days: only used when blend = \"time\"
         18:15: strategy.start_share: must be <= 1, got 1.5",
    );
    check(
        &with("kind = \"auto_blend\"\nwarmup_volume = 5", POOL),
        "16:1: strategy.warmup_volume: only used when blend = \"volume\"",
    );
}

#[test]
fn kinds_that_need_particular_ips() {
    check(
        &with("kind = \"auto_blend\"", ""),
        "15:8: strategy.kind: kind `auto_blend` needs a `new` ip and a `warm` or `shared_pool` ip to blend it with, \
         got new",
    );
    let only_pool = MIN.replace("kind = \"new\"", "kind = \"shared_pool\"");
    let head: String = only_pool.lines().take(14).map(|l| format!("{l}\n")).collect();
    check(
        &format!("{head}kind = \"per_provider\"\n"),
        "15:8: strategy.kind: kind `per_provider` needs a `new` or `warm` ip to warm up, got shared_pool",
    );
    let warm = "[[ips]]\nname = \"old\"\nkind = \"warm\"\ndaily_volume_per_provider = 5000\ntrust = 0.9\n";
    let s = ok(&with("kind = \"auto_blend\"", warm));
    assert_eq!(s.ips[1], IpSpec::new("old", IpKind::Warm { daily_volume_per_provider: 5000.0, trust: 0.9 }));
}

#[test]
fn presets_with_overrides() {
    let s = ok(&with("kind = \"preset\"\nname = \"kumo_aggressive\"\ntarget = 50000\nsegment_order = \"random\"", ""))
        .strategy;
    let Some(StrategyKind::Schedule(table)) = preset("kumo_aggressive").map(|p| p.kind()) else { panic!("a schedule") };
    assert_eq!(s.kind, StrategyKind::Schedule(ScheduleParams { target: Some(50_000.0), ..table }));
    assert_eq!((s.segment_order, s.preset.as_deref()), (SegmentOrder::Random, Some("kumo_aggressive")));
    assert_eq!(s.label(), "preset kumo_aggressive (schedule)");
    let s = ok(&with("kind = \"preset\"\nname = \"braze_conservative\"\nafter_growth = 1.5", "")).strategy;
    let StrategyKind::Schedule(p) = s.kind else { panic!("a schedule") };
    assert_eq!(p.after, AfterTable::Grow { factor: 1.5, every_days: 3 }, "the preset's step is kept");
    let s = ok(&with("kind = \"preset\"\nname = \"ses_auto\"\ndaily_volume = 80000", POOL)).strategy;
    let expected = AutoBlendParams { daily_volume: Some(80_000.0), blend: Blend::Time { days: 45 } };
    assert_eq!(s.kind, StrategyKind::AutoBlend(expected));
}

#[test]
fn preset_mistakes() {
    check(&with("kind = \"preset\"", ""), "14:1: strategy.name: missing required key");
    check(
        &with("kind = \"preset\"\nname = \"kumo_agressive\"", ""),
        "16:8: strategy.name: unknown preset `kumo_agressive`, did you mean `kumo_aggressive`?",
    );
    check(
        &with("kind = \"preset\"\nname = \"sendgrid_hourly\"\ndaily_volumes = [1]\ngrowth = 2.0", ""),
        "17:1: strategy.daily_volumes: cannot be changed in preset `sendgrid_hourly`: copy its table into kind = \
         \"schedule\" instead
         18:1: strategy.growth: not a parameter of preset `sendgrid_hourly` (kind `schedule`)",
    );
    check(&with("kind = \"linear\"\nname = \"x\"", ""), "16:1: strategy.name: only used with kind = \"preset\"");
    check(
        &with("kind = \"preset\"\nname = \"ses_auto\"", ""),
        "15:8: strategy.kind: kind `auto_blend` needs a `new` ip and a `warm` or `shared_pool` ip to blend it with, \
         got new",
    );
}

#[test]
fn widening_by_day_is_for_engaged_first_only() {
    check(
        &with("kind = \"linear\"\nsegment_order = \"random\"\nwiden_every_days = 7", ""),
        "17:1: strategy.widen_every_days: only used when segment_order = \"engaged_first\"",
    );
    check(
        &with("kind = \"linear\"\nwiden_every_days = 0", ""),
        "16:20: strategy.widen_every_days: must be in 1..=365, got 0",
    );
}

#[test]
fn unknown_keys_are_suggested_from_the_registry() {
    check(
        &with("kind = \"linear\"\nramp_dayz = 20\nbackof_block_rate = 0.1", ""),
        "16:1: strategy.ramp_dayz: unknown key, did you mean `ramp_days`?
         17:1: strategy.backof_block_rate: unknown key, did you mean `backoff_block_rate`?",
    );
    check(&with("kind = \"linear\"\nstrategy = 3", ""), "16:1: strategy.strategy: unknown key");
    check(
        &append_strategy("1979-05-27"),
        "1:12: strategy: expected a table, got a date-time
         1:12: strategy.kind: missing required key",
    );
}

/// `MIN` with its `[strategy]` table replaced by `strategy = VALUE` on line 1.
fn append_strategy(value: &str) -> String {
    let head: String = MIN.lines().take(13).map(|l| format!("{l}\n")).collect();
    format!("strategy = {value}\n{head}")
}

/// A value of `p` as TOML: its default, or for a parameter without one, a valid sample.
fn default_toml(p: &ParamSpec) -> Option<String> {
    match p.default {
        ParamDefault::Float(v) => Some(format!("{v:?}")),
        ParamDefault::Int(v) => Some(v.to_string()),
        ParamDefault::Bool(v) => Some(v.to_string()),
        ParamDefault::Choice(v) => Some(format!("\"{v}\"")),
        ParamDefault::Absent(_) => None,
        ParamDefault::Required if p.ty == ParamType::PerDay => Some("[100, 200]".to_string()),
        ParamDefault::Required => Some(format!("{:?}", p.bounds.min.map_or(1.0, |m| m.value + 1.0))),
    }
}

/// Whether `p` is used when every parameter of `entry` is at its default.
fn used_by_default(entry: &KindEntry, p: &ParamSpec) -> bool {
    p.when.is_none_or(|c| {
        let on = entry.param(c.key).or_else(|| COMMON.params.iter().find(|q| q.key == c.key));
        on.is_some_and(|q| q.default == ParamDefault::Choice(c.value))
    })
}

/// The `[strategy]` body of `entry` with the parameters that have no default, plus `extra` lines.
fn body(entry: &KindEntry, extra: &str) -> String {
    let mut body = format!("kind = \"{}\"\n", entry.name);
    for p in entry.params().filter(|p| p.default == ParamDefault::Required && used_by_default(entry, p)) {
        body.push_str(&format!("{} = {}\n", p.key, default_toml(p).unwrap_or_default()));
    }
    body + extra
}

#[test]
fn every_registered_default_is_the_kinds_default() {
    for entry in kinds() {
        let implicit = ok(&with(&body(entry, ""), POOL)).strategy;
        let mut given = String::new();
        for p in entry.params().chain(COMMON.params) {
            if p.default != ParamDefault::Required
                && used_by_default(entry, p)
                && let Some(v) = default_toml(p)
            {
                given.push_str(&format!("{} = {v}\n", p.key));
            }
        }
        let explicit = ok(&with(&body(entry, &given), POOL)).strategy;
        assert_eq!(explicit, implicit, "{}: every default written out", entry.name);
        if let Ok(defaults) = entry.defaults() {
            assert_eq!(implicit.kind, defaults, "{}", entry.name);
        }
    }
}

/// The problems of `text` as `line:col: key: message` lines.
fn problems(text: &str) -> Vec<String> {
    match parse(text, "t.toml") {
        Ok(_) => Vec::new(),
        Err(ScenarioError::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn validation_enforces_the_registered_bounds() {
    for entry in kinds() {
        for p in entry.params().filter(|p| matches!(p.ty, ParamType::Float | ParamType::Int)) {
            let step = if p.is_int() { 1.0 } else { 0.5 };
            let outside = [
                p.bounds.min.map(|m| if m.inclusive { m.value - step } else { m.value }),
                p.bounds.max.map(|m| if m.inclusive { m.value + step } else { m.value }),
            ];
            let inside = [p.bounds.min.filter(|m| m.inclusive), p.bounds.max.filter(|m| m.inclusive)];
            let condition = p.when.map(|c| format!("{} = \"{}\"\n", c.key, c.value)).unwrap_or_default();
            let toml = |v: f64| if p.is_int() { format!("{}", v as i64) } else { format!("{v:?}") };
            for v in outside.into_iter().flatten() {
                let text = with(&body(entry, &format!("{condition}{} = {}", p.key, toml(v))), POOL);
                let found = problems(&text);
                let expected = format!("strategy.{}: {}", p.key, p.bounds.rule_broken(v, p.is_int()).expect("outside"));
                assert!(found.iter().any(|m| m.contains(&expected)), "{}.{} = {v}: {found:?}", entry.name, p.key);
            }
            for v in inside.into_iter().flatten().map(|m| m.value) {
                let text = with(&body(entry, &format!("{condition}{} = {}", p.key, toml(v))), POOL);
                let found = problems(&text);
                assert!(
                    !found.iter().any(|m| m.contains(&format!("strategy.{}:", p.key))),
                    "{}.{}: {found:?}",
                    entry.name,
                    p.key
                );
            }
        }
    }
}

#[test]
fn a_schedule_day_holds_at_most_the_largest_list() {
    let schedule = kinds().iter().find(|k| k.name == "schedule").expect("schedule");
    for key in ["daily_volumes", "hourly_volumes", "provider_volumes"] {
        let max = schedule.param(key).and_then(|p| p.bounds.max).map(|m| m.value);
        assert_eq!(max, Some(MAX_AUDIENCE_SIZE as f64), "{key}");
    }
}
