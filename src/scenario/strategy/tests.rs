//! Data-driven tests of the `[strategy]` table: every kind with its defaults
//! and parameters, presets and their overrides, and every kind of mistake,
//! each located at `line:col`.

use crate::model::{IpKind, IpSpec};
use crate::scenario::tests::{MIN, check, ok};
use crate::strategy::presets::preset;
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
         17:1: strategy.hourly_volumes: give daily_volumes or hourly_volumes, not both
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
    assert_eq!(
        s.ips[1],
        IpSpec { name: "old".into(), kind: IpKind::Warm { daily_volume_per_provider: 5000.0, trust: 0.9 } }
    );
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
