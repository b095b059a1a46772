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

/// Checks that `stderr` holds the problem line `first` unchanged (alone on its line, or after `error: `),
/// followed by its excerpt: the gutter, the source line `source` numbered `line` (no number for a command
/// line), and `width` carets under character column `col` (1-based, as the problem line counts them).
fn assert_excerpt(stderr: &str, first: &str, line: Option<usize>, source: &str, col: usize, width: usize) {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|l| *l == first || l.strip_prefix("error: ") == Some(first));
    let at = at.unwrap_or_else(|| panic!("no line `{first}` in:\n{stderr}"));
    let number = line.map_or(String::new(), |n| n.to_string());
    let gutter = format!("{} |", " ".repeat(number.chars().count()));
    let carets = format!("{gutter} {}{}", " ".repeat(col - 1), "^".repeat(width));
    let expected = [gutter.clone(), format!("{number} | {source}"), carets];
    let shown: Vec<String> = lines.iter().skip(at + 1).take(3).map(|l| l.to_string()).collect();
    assert_eq!(shown, expected, "the excerpt of `{first}` in:\n{stderr}");
}

#[test]
fn a_problem_shows_its_line_with_carets_under_the_culprit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = GOOD.replace("size = 1000", "size = -5").replace("open_rate = 0.2", "open_rat = 0.2");
    fs::write(tmp.path().join("bad.toml"), bad).expect("write");
    for args in [&["validate", "bad.toml"][..], &["run", "bad.toml", "--out", "out"][..]] {
        let out = ipwarm(tmp.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        // The first line of each problem is as it always was; the excerpt follows it.
        assert_excerpt(&stderr, "bad.toml:4:8: audience.size: must be > 0, got -5", Some(4), "size = -5", 8, 2);
        let unknown = "bad.toml:11:1: audience.segments[0].open_rat: unknown key, did you mean `open_rate`?";
        assert_excerpt(&stderr, unknown, Some(11), "open_rat = 0.2", 1, 8);
        // The suggestion is shown in place.
        assert!(stderr.contains("\nhelp: did you mean `open_rate`?\n"), "{stderr}");
        assert!(stderr.lines().any(|l| l.starts_with("11 ") && l.ends_with(" open_rate = 0.2")), "{stderr}");
        assert_no_control_characters(&stderr);
    }
    // A syntax error is underlined where toml found it.
    fs::write(tmp.path().join("bad.toml"), GOOD.replace("growth = 1.5", "growth = 1.5.2")).expect("write");
    let stderr = String::from_utf8_lossy(&ipwarm(tmp.path(), &["validate", "bad.toml"]).stderr).into_owned();
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("bad.toml:20:13: strategy.growth: invalid float"), "{stderr}");
    assert_excerpt(&stderr, first, Some(20), "growth = 1.5.2", 13, 2);
}

#[test]
fn an_experiment_problem_shows_its_line_with_carets_under_the_culprit() {
    // In the experiment file itself, and at the axis value that a design point fails on.
    let text = "name = \"e\"\nscenario = \"base.toml\"\nreplicatez = 3\n[axes]\n\"strategy.growth\" = { values = [1.5, 0.5] }\n";
    let files: [(&str, &[u8]); 2] = [("base.toml", GOOD.as_bytes()), ("exp.toml", text.as_bytes())];
    let unknown = "exp.toml:3:1: replicatez: unknown key, did you mean `replicates`?";
    let point = "exp.toml:5:38: axes.\"strategy.growth\".values[1]: with strategy.growth = 0.5: strategy.growth: \
                 must be > 1, got 0.5";
    let stderr = refused(&files, &["sweep", "exp.toml", "--dry-run"], &[]);
    assert_excerpt(&stderr, unknown, Some(3), "replicatez = 3", 1, 10);
    assert_excerpt(&stderr, point, Some(5), "\"strategy.growth\" = { values = [1.5, 0.5] }", 38, 3);
    let stderr = refused(&files, &["validate", "exp.toml"], &[]);
    assert_excerpt(&stderr, point, Some(5), "\"strategy.growth\" = { values = [1.5, 0.5] }", 38, 3);
    // A problem of the base scenario is shown in the base scenario's own text.
    let base = GOOD.replace("size = 1000", "size = -5");
    let files: [(&str, &[u8]); 2] = [("base.toml", base.as_bytes()), ("exp.toml", text.as_bytes())];
    let stderr = refused(&files, &["sweep", "exp.toml", "--dry-run"], &[]);
    assert_excerpt(&stderr, "base.toml:4:8: audience.size: must be > 0, got -5", Some(4), "size = -5", 8, 2);
}

#[test]
fn a_strategy_problem_shows_the_command_line_with_carets_under_the_culprit() {
    let files: [(&str, &[u8]); 1] = [("s.toml", GOOD.as_bytes())];
    let arg = "exponential:start=100,growth=0.5";
    let stderr = refused(&files, &["run", "s.toml", "--strategy", arg], &[]);
    let first = "--strategy: strategy.growth: must be > 1, got 0.5";
    assert_excerpt(&stderr, first, None, &format!("--strategy {arg}"), 41, 3);
    let stderr = refused(&files, &["compare", "s.toml", "--strategy", "linear:ramp_dys=3", "--dry-run"], &[]);
    let first = "--strategy: unknown parameter `ramp_dys`, did you mean `ramp_days`?";
    assert_excerpt(&stderr, first, None, "--strategy linear:ramp_dys=3", 19, 8);
    assert!(stderr.contains("\n | --strategy linear:ramp_days=3\n"), "the suggestion in place: {stderr}");
}

#[test]
fn excerpts_are_coloured_only_on_a_terminal_and_without_no_color() {
    // `script` runs ipwarm on a terminal of its own (util-linux); where it is missing, this says so and stops.
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` command to give ipwarm a terminal");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("bad.toml"), GOOD.replace("size = 1000", "size = -5")).expect("write");
    let on_terminal = |no_color: Option<&str>| {
        let line = format!("'{}' validate bad.toml", env!("CARGO_BIN_EXE_ipwarm"));
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &line, "/dev/null"]).current_dir(tmp.path()).stdin(std::process::Stdio::null());
        match no_color {
            Some(v) => cmd.env("NO_COLOR", v),
            None => cmd.env_remove("NO_COLOR"),
        };
        let out = cmd.output().expect("script runs");
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("bad.toml:4:8: audience.size: must be > 0, got -5\n"), "{coloured:?}");
    assert!(coloured.contains("\u{1b}["), "a terminal gets colours: {coloured:?}");
    assert!(on_terminal(Some("")).contains("\u{1b}["), "an empty NO_COLOR is not set (no-color.org)");
    let plain = on_terminal(Some("1"));
    assert!(!plain.contains('\u{1b}') && plain.contains("4 | size = -5\n"), "NO_COLOR: {plain:?}");
}
