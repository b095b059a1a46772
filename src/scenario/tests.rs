//! Data-driven tests of scenario parsing and validation: each test is a TOML
//! fixture and the exact problems expected, as `line:col: key.path: message`.

use super::*;
use crate::model::{FeedbackLoop, IpKind, RetryPolicy};
use crate::strategy::{AfterTable, AutoBlendParams, Blend, ScheduleParams, SegmentOrder, StrategyKind, TableUnit};

/// A minimal valid scenario; the trailing comments are line numbers.
pub(crate) const MIN: &str = r#"name = "t"                                 # 1
[audience]                                 # 2
size = 1000                                # 3
providers = { gmail = 0.6, yahoo = 0.4 }   # 4
[[audience.segments]]                      # 5
name = "all"                               # 6
share = 1.0                                # 7
open_rate = 0.2                            # 8
complaint_rate = 0.001                     # 9
invalid_rate = 0.01                        # 10
[[ips]]                                    # 11
name = "ip-1"                              # 12
kind = "new"                               # 13
[strategy]                                 # 14
kind = "exponential"                       # 15
start = 100                                # 16
growth = 1.5                               # 17
target = 10000                             # 18
"#;

/// `MIN` with each `(from, to)` replacement applied (`from` must occur once).
pub(crate) fn edit(edits: &[(&str, &str)]) -> String {
    let mut text = MIN.to_string();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur exactly once");
        text = text.replace(from, to);
    }
    text
}

/// `MIN` with `extra` appended (new tables after `[strategy]`, from line 19).
pub(crate) fn append(extra: &str) -> String {
    format!("{MIN}{extra}")
}

/// Parses `toml` and checks that the problems are exactly `expected`: one per
/// line, `line:col: key.path: message` (the file name is added here).
pub(crate) fn check(toml: &str, expected: &str) {
    let actual = match parse(toml, "t.toml") {
        Ok(_) => String::new(),
        Err(ScenarioError::Invalid { problems }) => problems.iter().map(|p| format!("{p}\n")).collect::<String>(),
        Err(e) => panic!("unexpected error {e}"),
    };
    let expected: String =
        expected.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!("t.toml:{l}\n")).collect();
    assert_eq!(actual, expected, "\nactual problems:\n{actual}");
}

/// Parses `toml`, which must be valid.
pub(crate) fn ok(toml: &str) -> Scenario {
    match parse(toml, "t.toml") {
        Ok(s) => s,
        Err(e) => panic!("expected a valid scenario, got:\n{e}"),
    }
}

#[test]
fn default_scenario_parses() {
    let s = default_scenario().expect("default scenario");
    assert_eq!((s.name.as_str(), s.seed, s.horizon_days), ("default", 42, 56));
    let names: Vec<&str> = s.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["gmail", "microsoft", "yahoo", "apple", "other"]);
    assert_eq!(s.audience.provider_shares, [0.45, 0.2, 0.15, 0.1, 0.1]);
    assert_eq!(s.audience.size, 200_000);
    let segs: Vec<(&str, f64)> = s.audience.segments.iter().map(|g| (g.name.as_str(), g.share)).collect();
    assert_eq!(segs, [("active_30d", 0.35), ("active_90d", 0.25), ("inactive_180d", 0.25), ("never_engaged", 0.15)]);
    assert_eq!(s.audience.segments[3].trap_rate, 0.0002);
    let pool = IpKind::SharedPool { trust_mean: 0.85, trust_sd: 0.05, daily_volume_per_provider: 500_000.0 };
    assert_eq!(s.ips.iter().map(|ip| &ip.kind).collect::<Vec<_>>(), [&IpKind::New, &pool]);
    let blend =
        StrategyKind::AutoBlend(AutoBlendParams { daily_volume: Some(100_000.0), blend: Blend::Time { days: 45 } });
    assert_eq!(s.strategy.kind, blend);
    assert_eq!(s.strategy.segment_order, SegmentOrder::EngagedFirst);
    assert_eq!((s.window.start_hour, s.window.end_hour), (8, 20));
    assert_eq!(s.retry, RetryPolicy::default());
}

#[test]
fn examples_commented_out_in_the_default_scenario_are_valid() {
    let mut in_example = false;
    let mut text = String::new();
    for line in DEFAULT_SCENARIO_TOML.lines() {
        in_example |= line.starts_with("[providers.microsoft]");
        let line = if in_example { line.strip_prefix("# ").unwrap_or(line) } else { line };
        in_example &= !line.starts_with("trust_gain_per_day = 0.08");
        text.push_str(&line.replace("other = 0.1", "other = 0.05\ngmx = 0.05"));
        text.push('\n');
    }
    let s = ok(&text);
    let names: Vec<&str> = s.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["gmail", "microsoft", "yahoo", "apple", "other", "gmx"]);
    assert_eq!(s.providers[1].trust_gain_per_day, 0.05);
    assert_eq!(s.providers[1].defer_reply.text, "temporarily rate limited");
    assert_eq!(s.providers[5].trust_gain_per_day, 0.08);
}

#[test]
fn minimal_scenario_gets_defaults() {
    let s = ok(MIN);
    assert_eq!((s.description.as_str(), s.seed), ("", 1));
    assert_eq!(s.horizon_days, DEFAULT_HORIZON_DAYS);
    assert_eq!((s.window.start_hour, s.window.end_hour), (8, 20));
    assert_eq!(s.retry, RetryPolicy::default());
    assert_eq!(s.audience.segments[0].trap_rate, 0.0);
    assert_eq!(s.strategy.segment_order, SegmentOrder::EngagedFirst);
}

#[test]
fn unknown_keys_with_and_without_suggestion() {
    check(
        &edit(&[("open_rate = 0.2", "open_rat = 0.2")]),
        "5:1: audience.segments[0].open_rate: missing required key
         8:1: audience.segments[0].open_rat: unknown key, did you mean `open_rate`?",
    );
    check(
        &edit(&[("name = \"t\"", "name = \"t\"\nhorizon_dys = 30")]),
        "2:1: horizon_dys: unknown key, did you mean `horizon_days`?",
    );
    check(
        &append("[providers.gmail]\nfeedback = { kind = \"none\", delay = 3 }\n"),
        "20:29: providers.gmail.feedback.delay: unknown key, expected one of `kind`, `delay_hours`",
    );
    check(&append("[stratgy]\n"), "19:2: stratgy: unknown key, did you mean `strategy`?");
}

#[test]
fn wrong_types() {
    check(
        &edit(&[("size = 1000", "size = \"big\""), ("growth = 1.5", "growth = \"fast\"")]),
        r#"3:8: audience.size: invalid type: string "big", expected an integer
           17:10: strategy.growth: invalid type: string "fast", expected a number"#,
    );
    check(
        &edit(&[("size = 1000", "size = 1000.5")]),
        "3:8: audience.size: invalid type: floating point `1000.5`, expected an integer",
    );
    // A table of the wrong type no longer stops validation: the other problems come too.
    check(
        "name = \"t\"\naudience = 5\n",
        "1:1: ips: missing required key
         1:1: strategy: missing required key
         2:12: audience: expected a table, got an integer: write `audience = { key = value, ... }` or a [audience] section",
    );
}

#[test]
fn negative_integers() {
    check(&edit(&[("size = 1000", "size = -5")]), "3:8: audience.size: must be > 0, got -5");
    check(&edit(&[("name = \"t\"", "name = \"t\"\nseed = -1")]), "2:8: seed: must be >= 0, got -1");
}

#[test]
fn seeds_as_text_cover_every_64_bit_seed() {
    let seed = |v: &str| ok(&edit(&[("name = \"t\"", &format!("name = \"t\"\nseed = {v}"))])).seed;
    assert_eq!(seed("\"0xffffffffffffffff\""), u64::MAX);
    assert_eq!(seed("\"18446744073709551615\""), u64::MAX);
    assert_eq!(seed("\"0x2a\""), 42);
    assert_eq!(seed("0x2a"), 42, "a TOML hex integer");
    let msg =
        "expected a seed: an integer from 0 to 18446744073709551615, or `0x` and up to 16 hex digits, got \"0xg\"";
    check(&edit(&[("name = \"t\"", "name = \"t\"\nseed = \"0xg\"")]), &format!("2:8: seed: {msg}"));
    check(
        &edit(&[("name = \"t\"", "name = \"t\"\nseed = 1.5")]),
        "2:8: seed: expected an integer or a seed as text (\"0x2a\"), got a float",
    );
}

#[test]
fn integers_and_floats_are_interchangeable_where_harmless() {
    let s = ok(&edit(&[("share = 1.0", "share = 1"), ("start = 100", "start = 100.0")]));
    assert_eq!(s.audience.segments[0].share, 1.0);
}

#[test]
fn probabilities_out_of_range() {
    check(
        &edit(&[("open_rate = 0.2", "open_rate = 1.2"), ("complaint_rate = 0.001", "complaint_rate = -0.1")]),
        "8:13: audience.segments[0].open_rate: must be in [0, 1], got 1.2
         9:18: audience.segments[0].complaint_rate: must be in [0, 1], got -0.1",
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    check(
        &edit(&[("open_rate = 0.2", "open_rate = nan"), ("growth = 1.5", "growth = +inf")]),
        "8:13: audience.segments[0].open_rate: must be a finite number, got nan
         17:10: strategy.growth: must be a finite number, got inf",
    );
}

#[test]
fn shares_must_sum_to_one() {
    check(
        &edit(&[("yahoo = 0.4", "yahoo = 0.3"), ("share = 1.0", "share = 0.5")]),
        "4:13: audience.providers: provider shares must sum to 1 (within 1e-6), got 0.9
         5:1: audience.segments: segment shares must sum to 1 (within 1e-6), got 0.5",
    );
    ok(&edit(&[("gmail = 0.6", "gmail = 0.6000000001")]));
}

#[test]
fn horizon_range() {
    let with = |h: &str| edit(&[("name = \"t\"", &format!("name = \"t\"\nhorizon_days = {h}"))]);
    check(&with("0"), "2:16: horizon_days: must be in 1..=365, got 0");
    check(&with("400"), "2:16: horizon_days: must be in 1..=365, got 400");
    assert_eq!(ok(&with("1")).horizon_days, 1);
    assert_eq!(ok(&with("365")).horizon_days, 365);
}

#[test]
fn scenario_name_pattern() {
    check(
        &edit(&[("name = \"t\"", "name = \"my run\"")]),
        r#"1:8: name: must match [A-Za-z0-9_-]+ (it names the output folder), got "my run""#,
    );
}

#[test]
fn duplicate_names() {
    check(
        &edit(&[("kind = \"new\"", "kind = \"new\"\n[[ips]]\nname = \"ip-1\"\nkind = \"new\"")]),
        "15:8: ips[1].name: duplicate ip name `ip-1`, first used at ips[0].name",
    );
    let dup_segment = "[[audience.segments]]\nname = \"all\"\nshare = 0.0\nopen_rate = 0.1\n\
                       complaint_rate = 0.0\ninvalid_rate = 0.0\n";
    check(
        &edit(&[("[[ips]]", &format!("{dup_segment}[[ips]]"))]),
        "12:8: audience.segments[1].name: duplicate segment name `all`, first used at audience.segments[0].name",
    );
}

#[test]
fn unknown_providers() {
    check(
        &edit(&[("yahoo = 0.4", "hotmail = 0.4")]),
        "4:28: audience.providers.hotmail: unknown provider `hotmail`: not a preset (`gmail`, `microsoft`, \
         `yahoo`, `apple`, `other`); add a [providers.hotmail] table with a `preset`",
    );
    check(
        &edit(&[("yahoo = 0.4", "yaho = 0.4")]),
        "4:28: audience.providers.yaho: unknown provider `yaho`, did you mean `yahoo`?",
    );
    check(
        &(edit(&[("yahoo = 0.4", "gmx = 0.4")]) + "[providers.gmx]\ntrust_gain_per_day = 0.07\n"),
        "19:1: providers.gmx.preset: missing required key: `gmx` is not a preset (`gmail`, `microsoft`, `yahoo`, \
         `apple`, `other`)",
    );
    check(
        &(edit(&[("yahoo = 0.4", "gmx = 0.4")]) + "[providers.gmx]\npreset = \"othr\"\n"),
        "20:10: providers.gmx.preset: unknown preset `othr`, did you mean `other`?",
    );
    check(
        &append("[providers.microsoft]\ntrust_gain_per_day = 5\n"),
        "19:1: providers.microsoft: provider `microsoft` has no share in audience.providers
         20:22: providers.microsoft.trust_gain_per_day: must be in [0, 1], got 5",
    );
}

#[test]
fn custom_provider_on_a_preset_keeps_file_order() {
    let s = ok(&(edit(&[("gmail = 0.6, yahoo = 0.4", "yahoo = 0.3, gmx = 0.1, gmail = 0.6")])
        + "[providers.gmx]\npreset = \"other\"\ntrust_gain_per_day = 0.07\n"));
    let names: Vec<&str> = s.providers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["yahoo", "gmx", "gmail"]);
    assert_eq!(s.audience.provider_shares, [0.3, 0.1, 0.6]);
    let gmx = &s.providers[1];
    let other = crate::model::ProviderParams::preset("other").expect("preset");
    assert_eq!((gmx.trust_gain_per_day, gmx.base_hourly_allowance), (0.07, other.base_hourly_allowance));
}

#[test]
fn provider_overrides_in_every_toml_form() {
    let s = ok(&append(
        "[providers.gmail]\ntrust_gain_per_day = 0.2\nfeedback = { kind = \"per_message\", delay_hours = 6 }\n\
         defer_reply.code = \"421 4.7.0\"\n[providers.yahoo.feedback]\nkind = \"none\"\n",
    ));
    let gmail = &s.providers[0];
    assert_eq!(gmail.trust_gain_per_day, 0.2);
    assert_eq!(gmail.feedback, FeedbackLoop::PerMessage { delay_hours: 6 });
    assert_eq!(gmail.defer_reply.code, "421 4.7.0");
    let preset = crate::model::ProviderParams::preset("gmail").expect("preset");
    assert_eq!(gmail.defer_reply.text, preset.defer_reply.text);
    assert_eq!(s.providers[1].feedback, FeedbackLoop::None);
}

#[test]
fn provider_override_ranges() {
    check(
        &append(
            "[providers.gmail]\nallowance_growth_trusted = 1.2\nspike_ratio = 1\nidle_decay_days = 0\n\
             bounce_reply = { code = \"421 4.7.0\" }\nname = \"g\"\n",
        ),
        r#"20:28: providers.gmail.allowance_growth_trusted: must be >= allowance_growth_untrusted (1.5), got 1.2
           21:15: providers.gmail.spike_ratio: must be > 1, got 1
           22:19: providers.gmail.idle_decay_days: must be > 0, got 0
           23:25: providers.gmail.bounce_reply.code: must be a 5xx reply code, got "421 4.7.0"
           24:1: providers.gmail.name: cannot be overridden: a provider's name is its key in audience.providers"#,
    );
    check(
        &append("[providers.gmail]\ncomplaint_warn_rate = 0.01\n"),
        "20:23: providers.gmail.complaint_warn_rate: must be <= complaint_severe_rate (0.003), got 0.01",
    );
    check(
        "name = \"t\"\nproviders.gmail.feedback.kind = \"hourly\"\n",
        "1:1: audience: missing required key
         1:1: ips: missing required key
         1:1: strategy: missing required key
         2:11: providers.gmail: provider `gmail` has no share in audience.providers
         2:33: providers.gmail.feedback.kind: unknown kind `hourly`, expected one of `per_message`, \
         `daily_aggregate`, `none`",
    );
}

#[test]
fn keys_of_another_kind() {
    check(
        &edit(&[("kind = \"new\"", "kind = \"new\"\ntrust = 0.9")]),
        "14:1: ips[0].trust: not a parameter of kind `new`",
    );
    check(
        &edit(&[("target = 10000", "target = 10000\ndaily_volumes = [1, 2]")]),
        "19:1: strategy.daily_volumes: not a parameter of kind `exponential`",
    );
    check(
        &edit(&[("kind = \"exponential\"", "kind = \"schedule\"\ndaily_volumes = [100]")]),
        "17:1: strategy.start: not a parameter of kind `schedule`
         18:1: strategy.growth: not a parameter of kind `schedule`",
    );
}

#[test]
fn unknown_kinds() {
    check(
        &edit(&[("kind = \"new\"", "kind = \"neww\"")]),
        "13:8: ips[0].kind: unknown kind `neww`, did you mean `new`?",
    );
    check(
        &edit(&[("kind = \"exponential\"", "kind = \"quadratic\"")]),
        "15:8: strategy.kind: unknown kind `quadratic`, expected one of `schedule`, `exponential`, `linear`, \
         `adaptive`, `auto_blend`, `per_provider`, `preset`",
    );
}

#[test]
fn warm_and_shared_pool_ips() {
    let ips = "[[ips]]\nname = \"w\"\nkind = \"warm\"\ndaily_volume_per_provider = 5000\ntrust = 0.7\n\
               [[ips]]\nname = \"s\"\nkind = \"shared_pool\"\ntrust_sd = 0.1\n";
    let s = ok(&append(ips));
    let warm = IpKind::Warm { daily_volume_per_provider: 5000.0, trust: 0.7 };
    let pool = IpKind::SharedPool { trust_mean: 0.85, trust_sd: 0.1, daily_volume_per_provider: 500_000.0 };
    let kinds: Vec<&IpKind> = s.ips.iter().map(|ip| &ip.kind).collect();
    assert_eq!(kinds, [&IpKind::New, &warm, &pool]);
    check(
        &append(
            "[[ips]]\nname = \"w\"\nkind = \"warm\"\ntrust = 1.5\n[[ips]]\nname = \"s\"\nkind = \"shared_pool\"\ntrust_sd = -1\n",
        ),
        "19:1: ips[1].daily_volume_per_provider: missing required key
         22:9: ips[1].trust: must be in [0, 1], got 1.5
         26:12: ips[2].trust_sd: must be >= 0, got -1",
    );
}

#[test]
fn empty_and_missing_lists() {
    let no_segments = "name = \"t\"\n[audience]\nsize = 1000\nproviders = { gmail = 1.0 }\nsegments = []\n\
                       [[ips]]\nname = \"a\"\nkind = \"new\"\n[strategy]\nkind = \"schedule\"\ndaily_volumes = []\n";
    check(
        no_segments,
        "5:12: audience.segments: must have at least one segment
         11:17: strategy.daily_volumes: must have at least one day",
    );
    check(
        "name = \"t\"\nips = []\n[audience]\nsize = 1\n[audience.providers]\n[strategy]\nkind = \"schedule\"\n",
        "2:7: ips: must have at least one ip
         3:1: audience.segments: missing required key
         5:1: audience.providers: must list at least one provider
         6:1: strategy.daily_volumes: missing required key",
    );
}

#[test]
fn schedule_strategy() {
    let s = ok(&edit(&[
        ("kind = \"exponential\"", "kind = \"schedule\""),
        ("start = 100", "segment_order = \"proportional\""),
        ("growth = 1.5", "daily_volumes = [100, 200]"),
        ("target = 10000", "after = \"grow\"\nafter_growth = 1.1"),
    ]));
    let expected = StrategyKind::Schedule(ScheduleParams {
        volumes: vec![100, 200],
        provider_volumes: Vec::new(),
        unit: TableUnit::Day,
        per_ip: false,
        after: AfterTable::Grow { factor: 1.1, every_days: 1 },
        target: None,
    });
    assert_eq!(s.strategy.kind, expected);
    assert_eq!(s.strategy.segment_order, SegmentOrder::Proportional);
    let bad = [
        ("kind = \"exponential\"", "kind = \"schedule\""),
        ("start = 100", "segment_order = \"randomly\""),
        ("growth = 1.5", "daily_volumes = [100, -5, \"x\"]"),
        ("target = 10000", "after_growth = 0.5"),
    ];
    check(
        &edit(&bad),
        r#"16:17: strategy.segment_order: unknown segment order `randomly`, did you mean `random`?
           17:23: strategy.daily_volumes[1]: must be in 0..=10000000000, got -5
           17:27: strategy.daily_volumes[2]: invalid type: string "x", expected an integer
           18:1: strategy.after_growth: only used when after = "grow""#,
    );
}

#[test]
fn sending_window_and_retry() {
    let text = "[sending]\nstart_hour = 20\nend_hour = 8\n[retry]\nbackoff_factor = 0.5\nfirst_retry_minutes = 300\n\
                queue_lifetime_hours = 0\n";
    check(
        &edit(&[("[audience]", &format!("{text}[audience]"))]),
        "3:14: sending.start_hour: must be < end_hour (8), got 20
         6:18: retry.backoff_factor: must be >= 1, got 0.5
         7:23: retry.first_retry_minutes: must be <= max_retry_interval_minutes (240), got 300
         8:24: retry.queue_lifetime_hours: must be in 1..=8760, got 0",
    );
    check(
        &edit(&[("[audience]", "[sending]\nend_hour = 25\n[audience]")]),
        "3:12: sending.end_hour: must be in 1..=24, got 25",
    );
}

#[test]
fn many_problems_at_once_sorted_by_position() {
    let text = r#"[strategy]
kind = "exponential"
start = 100
growth = 0.9
target = 10
[[ips]]
name = "a"
kind = "warm"
trust = 1.5
[audience]
size = 0
providers = { gmail = 0.5 }
[[audience.segments]]
name = "all"
share = 1.0
open_rate = 0.2
complaint_rate = 0.001
invalid_rate = 0.01
colour = "blue"
"#;
    check(
        text,
        "1:1: name: missing required key
         4:10: strategy.growth: must be > 1, got 0.9
         5:10: strategy.target: must be >= start (100), got 10
         6:1: ips[0].daily_volume_per_provider: missing required key
         9:9: ips[0].trust: must be in [0, 1], got 1.5
         11:8: audience.size: must be > 0, got 0
         12:13: audience.providers: provider shares must sum to 1 (within 1e-6), got 0.5
         19:1: audience.segments[0].colour: unknown key, expected one of `name`, `share`, `open_rate`, \
         `complaint_rate`, `invalid_rate`, `trap_rate`",
    );
}

#[test]
fn syntax_errors_are_located() {
    check(&edit(&[("size = 1000", "size = = 1000")]), "3:8: extra `=`, expected nothing");
    // An unclosed array gives one problem (where parsing first failed), not
    // the parser's cascade of errors up to the end of the file.
    check(
        &edit(&[("target = 10000", "target = 10000\nx = [1, 2\ny = 3")]),
        "20:1: strategy.x[2]: missing comma between array elements, expected `,`",
    );
    check(
        &edit(&[("size = 1000", "size = 1000 2"), ("growth = 1.5", "growth = 1.5.1")]),
        "3:8: audience.size: string values must be quoted, expected literal string
         17:13: strategy.growth: invalid float, expected nothing",
    );
    check(&edit(&[("kind = \"new\"", "kind = \"new\"\nname = \"b\"")]), "14:1: duplicate key `name`");
}

#[test]
fn files() {
    let missing = std::path::Path::new("/nonexistent/scenario.toml");
    match parse_file(missing) {
        Err(ScenarioError::Io { path, .. }) => assert_eq!(path, missing),
        other => panic!("expected an io error, got {other:?}"),
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, edit(&[("size = 1000", "size = -5")])).expect("write");
    let err = parse_file(&path).expect_err("invalid");
    assert_eq!(err.to_string(), format!("{}:3:8: audience.size: must be > 0, got -5", path.display()));
    std::fs::write(&path, MIN).expect("write");
    assert_eq!(parse_file(&path).expect("valid").name, "t");
}

#[test]
fn ip_addresses_are_parsed_and_checked() {
    let two = "[[ips]]\nname = \"ip-2\"\nkind = \"new\"\naddress = \"2001:db8::7\"\n";
    let s = ok(&append(two).replace("kind = \"new\"  ", "address = \"198.51.100.7\"\nkind = \"new\""));
    let addresses: Vec<String> = s.ips.iter().map(|ip| ip.address.map(|a| a.to_string()).unwrap_or_default()).collect();
    assert_eq!(addresses, ["198.51.100.7", "2001:db8::7"]);
    assert_eq!(ok(MIN).ips[0].address, None);
    check(
        &append(
            "[[ips]]\nname = \"b\"\nkind = \"new\"\naddress = \"300.1.2.3\"\n[[ips]]\nname = \"c\"\nkind = \"new\"\naddress = 7\n",
        ),
        r#"22:11: ips[1].address: expected an IPv4 or IPv6 address (such as "198.51.100.7"), got "300.1.2.3"
           26:11: ips[2].address: invalid type: integer `7`, expected a string"#,
    );
    let dup = "[[ips]]\nname = \"b\"\nkind = \"new\"\naddress = \"203.0.113.5\"\n";
    check(
        &append(&format!("{dup}{}", dup.replace("\"b\"", "\"c\""))),
        "26:11: ips[2].address: duplicate ip address `203.0.113.5`, first used at ips[1].address",
    );
}
