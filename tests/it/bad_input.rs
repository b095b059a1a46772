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
        assert_no_control_characters(&stderr);
    }
    assert!(!tmp.path().join("out").exists(), "a rejected scenario must write nothing");
}

/// Checks that `text` (stderr) holds no control character but newlines.
fn assert_no_control_characters(text: &str) {
    let bad = text.chars().find(|c| c.is_control() && *c != '\n');
    assert!(bad.is_none(), "control character {bad:?} would reach the terminal:\n{text:?}");
}

/// Writes `files` into a temp dir, runs `args` there, checks exit code 2 and
/// that stderr holds every `expected`; returns stderr.
fn refused(files: &[(&str, &[u8])], args: &[&str], expected: &[&str]) -> String {
    let tmp = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        fs::write(tmp.path().join(name), bytes).expect("write");
    }
    let out = ipwarm(tmp.path(), args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "{args:?}: expected `{e}` in:\n{stderr}");
    }
    assert_no_control_characters(&stderr);
    assert!(!tmp.path().join("output").exists(), "nothing runs");
    stderr
}

/// An experiment on `GOOD` (as base.toml) with `rest` after its name and
/// scenario, refused by `sweep --dry-run` with every `expected` (`exp.toml:` added).
fn experiment_refused(rest: &str, expected: &[&str]) {
    let text = format!("name = \"e\"\nscenario = \"base.toml\"\n{rest}");
    let expected: Vec<String> = expected.iter().map(|e| format!("exp.toml:{e}")).collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let files: [(&str, &[u8]); 2] = [("base.toml", GOOD.as_bytes()), ("exp.toml", text.as_bytes())];
    refused(&files, &["sweep", "exp.toml", "--dry-run"], &expected);
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

#[test]
fn tables_written_as_arrays_are_refused() {
    // Once read positionally: start hour 8, end hour 20.
    check(
        "name = \"t\"",
        "name = \"t\"\nsending = [8, 20]",
        &[
            "2:11: sending: expected a table, got an array: write `sending = { key = value, ... }` or a [sending] section",
        ],
    );
}

#[test]
fn lists_larger_than_every_mailbox_in_the_world_are_refused() {
    // 5e15 recipients in random order once hung; 1e18 panicked in the sampler.
    check(
        "size = 1000",
        "size = 5000000000000000",
        &["4:8: audience.size: must be at most 10000000000 (~10^10, about every mailbox in the world"],
    );
}

#[test]
fn provider_names_that_collide_with_output_columns_are_reserved() {
    check(
        "yahoo = 0.4",
        "all = 0.4\n[providers.all]\npreset = \"yahoo\"",
        &["7:1: audience.providers.all: `all` is reserved: outputs name the sum over providers `all`"],
    );
}

#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    check(
        "name = \"ip-1\"",
        "name = \"ip\\u001b[2J1\"",
        &["15:8: ips[0].name: must not contain control characters, got '\\u{1b}' at character 3"],
    );
    check(
        "yahoo = 0.4",
        "\"\\u001b[31myahoo\" = 0.4",
        &["7:1: audience.providers.\"\\u{1b}[31myahoo\": must not contain control characters"],
    );
}

#[test]
fn names_longer_than_64_characters_are_refused() {
    // A 250-character name once validated, then the run failed on its folder name.
    let long = format!("name = \"{}\"", "n".repeat(250));
    check("name = \"t\"", &long, &["1:8: name: must have at most 64 characters, got 250"]);
}

#[test]
fn input_files_are_capped_in_size_and_must_be_utf8() {
    // /dev/zero reports a length of 0 and never ends: once read until memory ran out.
    let zero = std::path::Path::new("/dev/zero");
    if zero.exists() {
        for args in [&["validate", "/dev/zero"][..], &["run", "/dev/zero", "--out", "out"][..]] {
            refused(&[], args, &["/dev/zero: larger than 16 MiB, the limit of input files"]);
        }
    }
    let mut big = GOOD.as_bytes().to_vec();
    big.resize(16 * 1024 * 1024 + 1, b'\n');
    refused(&[("big.toml", &big)], &["validate", "big.toml"], &["big.toml: larger than 16 MiB"]);
    // Invalid UTF-8 is located at its first bad byte.
    let mut bytes = GOOD.replace("name = \"all\"", "name = \"al?\"").into_bytes();
    let at = bytes.windows(3).position(|w| w == b"al?").expect("marker") + 2;
    bytes[at] = 0xff;
    refused(&[("bad.toml", &bytes)], &["validate", "bad.toml"], &["bad.toml:9:11: invalid utf-8 (byte 0xff)"]);
}

#[test]
fn experiments_too_large_to_plan_are_refused_at_their_key() {
    // Once: 2^32 replicates wrapped to 0 runs (exit 0); 10^12 samples aborted on a failed allocation.
    experiment_refused("replicates = 4294967296\n", &["3:14: replicates: must be at most 10000000"]);
    experiment_refused(
        "design = \"lhs\"\nsamples = 1000000000000\n[axes]\n\"strategy.growth\" = { range = [1.1, 2.0] }\n",
        &["4:11: samples: must be at most 100000"],
    );
    experiment_refused(
        "[axes]\n\"strategy.growth\" = { range = [1.1, 2.0], steps = 1000000000000 }\n",
        &["4:51: axes.\"strategy.growth\".steps: must be at most 100000"],
    );
}

#[test]
fn experiment_axes_that_change_nothing_are_refused() {
    experiment_refused(
        "[axes]\nseed = { values = [1, 2, 3] }\n",
        &["4:1: axes.seed: an axis over `seed` changes nothing: runs take their seeds from the experiment's `seed`"],
    );
    experiment_refused("design = \"lhs\"\nsamples = 5\n", &["3:10: design: a Latin hypercube needs at least one axis"]);
}

#[test]
fn experiment_files_and_their_base_scenarios_are_read_with_the_input_cap() {
    // The experiment's `scenario = "/dev/zero"` was once read until memory ran out.
    if std::path::Path::new("/dev/zero").exists() {
        let text = b"name = \"e\"\nscenario = \"/dev/zero\"\n";
        refused(
            &[("exp.toml", text)],
            &["sweep", "exp.toml", "--dry-run"],
            &["exp.toml:2:12: scenario: /dev/zero: larger than 16 MiB, the limit of input files"],
        );
        refused(&[], &["compare", "/dev/zero", "--dry-run"], &["/dev/zero: larger than 16 MiB"]);
    }
    let mut big = b"name = \"e\"\nscenario = \"base.toml\"\n".to_vec();
    big.resize(16 * 1024 * 1024 + 1, b'\n');
    let files: [(&str, &[u8]); 2] = [("base.toml", GOOD.as_bytes()), ("exp.toml", &big)];
    refused(&files, &["sweep", "exp.toml", "--dry-run"], &["exp.toml: larger than 16 MiB"]);
    // Invalid UTF-8 in an experiment file is located.
    let files: [(&str, &[u8]); 2] = [("base.toml", GOOD.as_bytes()), ("exp.toml", b"name = \"e\xff\"\n")];
    refused(&files, &["sweep", "exp.toml", "--dry-run"], &["exp.toml:1:10: invalid utf-8 (byte 0xff)"]);
}

#[test]
fn a_megabyte_long_unknown_key_is_reported_without_hanging() {
    // Found by the fuzz campaign: key suggestions computed a full edit-distance table against every
    // known key, once per design point (16 s for a 1 MB axis key in 15 points, 4.7 s for a scenario).
    use crate::support::{Timed, run_with_deadline};
    let tmp = tempfile::tempdir().expect("tempdir");
    let long = "x".repeat(1_000_000);
    fs::write(
        tmp.path().join("bad.toml"),
        GOOD.replace("horizon_days = 10", &format!("horizon_days = 10\n{long} = 1")),
    )
    .expect("write");
    let mut base = crate::support::root();
    base.push("scenarios/default.toml");
    let exp = format!(
        "name = \"e\"\nscenario = \"{}\"\n[axes]\nhorizon_days = {{ values = [10, 11, 12, 13, 14] }}\n\"{long}\" = {{ values = [1, 2, 3] }}\n",
        base.display()
    );
    fs::write(tmp.path().join("exp.toml"), exp).expect("write");
    for args in [&["validate", "bad.toml"][..], &["sweep", "exp.toml", "--dry-run"][..]] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm"));
        cmd.args(args).current_dir(tmp.path());
        match run_with_deadline(&mut cmd, std::time::Duration::from_secs(60)) {
            Timed::Ended { status, stderr, .. } => {
                assert_eq!(status.code(), Some(2), "{args:?}");
                assert!(String::from_utf8_lossy(&stderr).contains("unknown key"), "{args:?}");
            }
            Timed::TimedOut => panic!("{args:?} still running after 60 s"),
        }
    }
}
