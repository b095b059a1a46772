//! Every kind of bad scenario input, through the real binary: exit code 2,
//! each problem named with `file:line:col: key.path`, all problems at once,
//! and no output written.

use crate::support::ipwarm;
use std::fs;

/// A valid scenario; bad inputs are made from it by one replacement.
const GOOD: &str = r#"name = "t"
horizon_days = 10
[audience]
size = 1000
[audience.providers]
gmail = 0.6
yahoo = 0.4
[[audience.segments]]
name = "all"
share = 1.0
open_rate = 0.2
complaint_rate = 0.001
invalid_rate = 0.01
[[ips]]
name = "ip-1"
kind = "new"
[strategy]
kind = "exponential"
start = 100
growth = 1.5
target = 10000
"#;

/// Writes `GOOD` with `from` replaced by `to` as bad.toml, runs `validate` and
/// `run` on it, and checks exit code 2 and that stderr names every `expected` location.
fn check(from: &str, to: &str, expected: &[&str]) {
    assert_eq!(GOOD.matches(from).count(), 1, "`{from}` must occur once");
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("bad.toml"), GOOD.replace(from, to)).expect("write");
    for args in [&["validate", "bad.toml"][..], &["run", "bad.toml", "--out", "out"][..]] {
        let out = ipwarm(tmp.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} on `{to}`: {stderr}");
        for e in expected {
            assert!(stderr.contains(&format!("bad.toml:{e}")), "{args:?}: expected `bad.toml:{e}` in:\n{stderr}");
        }
    }
    assert!(!tmp.path().join("out").exists(), "a rejected scenario must write nothing");
}

#[test]
fn unknown_key_is_named_with_a_suggestion() {
    check(
        "open_rate = 0.2",
        "open_rat = 0.2",
        &["11:1: audience.segments[0].open_rat: unknown key, did you mean `open_rate`?"],
    );
    check("size = 1000", "size = 1000\ncolour = \"red\"", &["5:1: audience.colour: unknown key"]);
}

#[test]
fn wrong_type_is_located() {
    check("size = 1000", "size = \"big\"", &["4:8: audience.size:"]);
}

#[test]
fn toml_syntax_error_is_located() {
    check("growth = 1.5", "growth = = 1.5", &["20:"]);
}

#[test]
fn probability_out_of_range_and_non_finite_numbers() {
    check("complaint_rate = 0.001", "complaint_rate = 1.5", &["12:18: audience.segments[0].complaint_rate:"]);
    check("open_rate = 0.2", "open_rate = nan", &["11:13: audience.segments[0].open_rate: must be a finite number"]);
}

#[test]
fn shares_must_sum_to_one() {
    check("yahoo = 0.4", "yahoo = 0.3", &["5:1: audience.providers: provider shares must sum to 1"]);
}

#[test]
fn horizon_out_of_range() {
    check("horizon_days = 10", "horizon_days = 0", &["2:16: horizon_days:"]);
    check("horizon_days = 10", "horizon_days = 400", &["2:16: horizon_days:"]);
}

#[test]
fn negative_size_and_unknown_provider() {
    check("size = 1000", "size = -5", &["4:8: audience.size: must be > 0, got -5"]);
    check("yahoo = 0.4", "hotmail = 0.4", &["7:1: audience.providers.hotmail:"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    check(
        "size = 1000",
        "size = -5\nfoo = 1",
        &["4:8: audience.size: must be > 0, got -5", "5:1: audience.foo: unknown key"],
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = GOOD.replace("horizon_days = 10", "horizon_days = 0").replace("growth = 1.5", "growth = 0.5");
    fs::write(tmp.path().join("bad.toml"), text).expect("write");
    let out = ipwarm(tmp.path(), &["validate", "bad.toml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.toml:2:16: horizon_days") && stderr.contains("bad.toml:20:10: strategy.growth"));
}

#[test]
fn validate_checks_every_file_and_fails_if_any_is_bad() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("good.toml"), GOOD).expect("write");
    fs::write(tmp.path().join("bad.toml"), GOOD.replace("size = 1000", "size = 0")).expect("write");
    let out = ipwarm(tmp.path(), &["validate", "good.toml", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.toml: ok"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml:4:8: audience.size"));
    assert!(ipwarm(tmp.path(), &["validate", "good.toml"]).status.success());
}
