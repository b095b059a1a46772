//! The real binary in a temp dir: run, validate, outputs, determinism, exit codes.

use crate::support::{ipwarm, root, shipped_scenarios};
use std::fs;
use std::path::Path;

const OUTPUTS: [&str; 7] =
    ["daily.csv", "summary.json", "outcomes.png", "reputation.png", "rates.png", "ips.png", "queue.png"];

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    OUTPUTS.iter().map(|f| (f.to_string(), fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))).collect()
}

#[test]
fn run_without_arguments_runs_the_embedded_default_into_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = ipwarm(tmp.path(), &["run"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let dir = tmp.path().join("output/default");
    let files = read_all(&dir);
    let csv = String::from_utf8(files[0].1.clone()).expect("utf-8");
    let header = csv.lines().next().expect("header");
    for col in [
        "day",
        "provider",
        "ip",
        "sent",
        "inbox",
        "junk",
        "deferred",
        "bounced",
        "blocked",
        "expired",
        "complaints",
        "opens",
        "reputation",
        "reputation_level",
    ] {
        assert!(header.split(',').any(|h| h == col), "daily.csv lacks column {col}: {header}");
    }
    assert_eq!(csv.lines().count(), 1 + 56 * 5 * 2, "one row per day, provider and IP");
    let json: serde_json::Value = serde_json::from_slice(&files[1].1).expect("json");
    assert_eq!(json["scenario"], "default");
    assert_eq!(json["seed"], "0x2a", "seeds are text: see README, Reading the outputs");
    assert_eq!(json["ipwarm_version"], env!("CARGO_PKG_VERSION"));
    assert!(json["totals"]["sent"].as_u64().expect("sent") > 0);
    assert_eq!(json["providers"].as_array().expect("providers").len(), 5);
    assert!(json["providers"][0].get("warm_day").is_some());
    for (name, bytes) in &files[2..] {
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 20_000, "{name} is not a real chart");
    }
    assert_eq!(json["warnings"], serde_json::json!([]), "the default scenario is inside the model");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("gmail") && stdout.contains("warm"), "summary table on the terminal: {stdout}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn a_run_outside_the_model_warns_on_stderr_and_in_the_summary_but_succeeds() {
    // The default scenario at 100 times the volume: the sender would be most of its shared pool's traffic.
    let default = fs::read_to_string(root().join("scenarios/default.toml")).expect("default.toml");
    let big = default
        .replace("size = 200000", "size = 20000000")
        .replace("daily_volume = 100000", "daily_volume = 10000000")
        .replace("horizon_days = 56", "horizon_days = 10");
    assert_ne!(big, default);
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("big.toml"), big).expect("write");
    let out = ipwarm(tmp.path(), &["run", "big.toml", "--out", "big"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> =
        stderr.lines().filter(|l| l.starts_with("warning: shared pool `shared-pool` at ")).collect();
    assert_eq!(warnings.len(), 5, "one warning per provider: {stderr}");
    assert!(warnings[0].contains("at gmail") && warnings[0].contains("(500,000 messages/day)"), "{}", warnings[0]);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("big/summary.json")).expect("summary")).expect("json");
    let listed = json["warnings"].as_array().expect("warnings");
    assert_eq!(listed.len(), 5);
    assert_eq!(listed[0]["kind"], "shared_pool_overload");
    assert_eq!(listed[0]["provider"], "gmail");
    assert_eq!(format!("warning: {}", listed[0]["message"].as_str().expect("message")), warnings[0]);
}

#[test]
fn same_scenario_and_seed_give_byte_identical_outputs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let scenario = root().join("scenarios/blast.toml");
    let scenario = scenario.to_str().expect("path");
    for out in ["a", "b"] {
        let o = ipwarm(tmp.path(), &["run", scenario, "--seed", "5", "--out", out]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (a, b) = (read_all(&tmp.path().join("a")), read_all(&tmp.path().join("b")));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between two runs with the same seed");
    }
    let o = ipwarm(tmp.path(), &["run", scenario, "--seed", "6", "--out", "c"]);
    assert!(o.status.success());
    assert_ne!(a[0].1, fs::read(tmp.path().join("c/daily.csv")).expect("csv"), "another seed, other draws");
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let files: Vec<String> = shipped_scenarios().iter().map(|p| p.display().to_string()).collect();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = ipwarm(tmp.path(), &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches(": ok").count(), files.len());
}

#[test]
fn a_failed_run_leaves_earlier_results_untouched_and_no_partial_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ok = ipwarm(tmp.path(), &["run", "--out", "res"]);
    assert!(ok.status.success());
    let before = read_all(&tmp.path().join("res"));
    fs::write(tmp.path().join("bad.toml"), "name = \"bad\"\nhorizon_days = 0\n").expect("write");
    let bad = ipwarm(tmp.path(), &["run", "bad.toml", "--out", "res"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(before, read_all(&tmp.path().join("res")), "earlier results changed");
    let entries: Vec<String> = fs::read_dir(tmp.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into())
        .collect();
    assert!(entries.iter().all(|e| !e.contains("partial")), "staging left behind: {entries:?}");
}

#[test]
fn help_shows_examples_and_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let help = ipwarm(tmp.path(), &["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Examples:"));
    assert_eq!(ipwarm(tmp.path(), &["frobnicate"]).status.code(), Some(2));
    assert_eq!(ipwarm(tmp.path(), &["run", "--seed", "minus-one"]).status.code(), Some(2));
    assert_eq!(ipwarm(tmp.path(), &["validate"]).status.code(), Some(2));
    let missing = ipwarm(tmp.path(), &["run", "no-such-file.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-file.toml"));
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    // `ipwarm strategies | head -0`: the reader is gone before ipwarm writes.
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm"))
        .arg("strategies")
        .current_dir(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("panicked"), "{:?}: {stderr}", out.status);
}

#[test]
fn completions_for_every_shell_name_every_command() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = ipwarm(tmp.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8(out.stdout).expect("utf-8");
        assert!(script.len() > 1000, "{shell}: {script}");
        for word in ["run", "validate", "init", "sweep", "compare", "merge", "plot", "--strategy"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
        // Strategy names are offered where the shell's script lists values (elvish's and powershell's do not).
        assert!(!["bash", "zsh", "fish"].contains(&shell) || script.contains("kumo_conservative"), "{shell}");
        assert!(!script.contains("test-hook"), "{shell}: the hidden test flag is offered");
    }
    let bad = ipwarm(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("[possible values: bash, elvish, fish, powershell, zsh]"));
    let help = String::from_utf8(ipwarm(tmp.path(), &["completions", "--help"]).stdout).expect("utf-8");
    assert!(help.contains("Examples:\n  ipwarm completions bash > "), "{help}");
}

#[test]
fn the_manual_page_is_printed_or_written_one_page_per_command() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = ipwarm(tmp.path(), &["man"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = String::from_utf8(out.stdout).expect("utf-8");
    assert!(page.contains("\n.TH ipwarm 1 ") && page.contains("\n.SH SYNOPSIS\n"), "{page}");
    for command in ["run", "validate", "init", "strategies", "sweep", "compare", "merge", "plot", "completions"] {
        assert!(page.contains(&format!("ipwarm\\-{command}(1)")), "the page lists `{command}`");
    }
    assert!(page.contains("\n.SH EXAMPLES\n.nf\n") && !page.contains("test\\-hook"), "{page}");
    let out = ipwarm(tmp.path(), &["man", "--out", "man1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut pages: Vec<String> = fs::read_dir(tmp.path().join("man1"))
        .expect("man1")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    // One page per command (as `ipwarm --help` lists them, `help` aside) and ipwarm.1.
    let help = String::from_utf8_lossy(&ipwarm(tmp.path(), &["--help"]).stdout).into_owned();
    let commands: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a command list")
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 10 && commands.contains(&"man"), "{commands:?}");
    for command in &commands {
        assert!(pages.contains(&format!("ipwarm-{command}.1")), "no page for `{command}`: {pages:?}");
    }
    assert_eq!(pages.len(), commands.len() + 1, "{pages:?}");
    assert!(pages.contains(&"ipwarm.1".to_string()), "{pages:?}");
    assert_eq!(fs::read_to_string(tmp.path().join("man1/ipwarm.1")).expect("page"), page);
    let run = fs::read_to_string(tmp.path().join("man1/ipwarm-run.1")).expect("page");
    assert!(run.contains("\n.TH ipwarm-run 1  \"ipwarm ") && run.contains("\\-\\-strategy"), "{run}");
    // Pages are not replaced without --force, and a refusal writes nothing.
    fs::write(tmp.path().join("man1/ipwarm-run.1"), "mine").expect("write");
    let again = ipwarm(tmp.path(), &["man", "--out", "man1"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists: pass --force to replace it"));
    assert_eq!(fs::read_to_string(tmp.path().join("man1/ipwarm-run.1")).expect("page"), "mine");
    assert!(ipwarm(tmp.path(), &["man", "--out", "man1", "--force"]).status.success());
    assert_eq!(fs::read_to_string(tmp.path().join("man1/ipwarm-run.1")).expect("page"), run);
}

#[test]
fn strategy_errors_are_shown_on_the_command_line_with_a_caret() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let stderr = |args: &[&str]| {
        let out = ipwarm(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        String::from_utf8(out.stderr).expect("utf-8")
    };
    assert_eq!(
        stderr(&["run", "--strategy", "exponential:grwth=2"]),
        "error: --strategy: unknown parameter `grwth`, did you mean `growth`?\n\
         \x20|\n\
         \x20| --strategy exponential:grwth=2\n\
         \x20|                        ^^^^^\n\
         \x20|\n\
         help: did you mean `growth`?\n\
         \x20|\n\
         \x20| --strategy exponential:growth=2\n\
         \x20|                          +\n"
    );
    let e = stderr(&["run", "--strategy", "exponentail"]);
    assert!(
        e.starts_with(
            "error: --strategy: unknown strategy `exponentail`, did you mean `exponential`?\n\
             \x20|\n\
             \x20| --strategy exponentail\n\
             \x20|            ^^^^^^^^^^^\n"
        ),
        "{e}"
    );
    let e = stderr(&["run", "--strategy", "exponential:start=500,growth=0.9"]);
    assert!(e.starts_with("error: --strategy: strategy.growth: must be > 1, got 0.9\n"), "{e}");
    assert!(
        e.ends_with(
            "\n | --strategy exponential:start=500,growth=0.9\n |                                         ^^^\n"
        ),
        "{e}"
    );
    assert!(!e.contains("default.toml") && !e.contains(":69:"), "not located in the embedded scenario: {e}");
    let e = stderr(&["compare", "--strategy", "adaptiv", "--strategy", "linear:ramp_dys=3", "--strategy", "linear"]);
    assert!(
        e.contains("--strategy: unknown strategy `adaptiv`, did you mean `adaptive`?\n |\n | --strategy adaptiv\n"),
        "{e}"
    );
    assert!(
        e.contains("did you mean `ramp_days`?\n |\n | --strategy linear:ramp_dys=3\n |                   ^^^^^^^^\n"),
        "{e}"
    );
    assert!(!tmp.path().join("output").exists(), "a rejected strategy runs nothing");
}

#[test]
fn a_missing_scenario_is_reported_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for args in [&["run", "missing.toml"][..], &["validate", "missing.toml"], &["sweep", "missing.toml"]] {
        let out = ipwarm(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("missing.toml: "), "{args:?}: {stderr}");
        let os_error = stderr.split("missing.toml: ").nth(1).and_then(|s| s.lines().next()).unwrap_or_default();
        assert!(!os_error.is_empty() && stderr.matches(os_error).count() == 1, "{args:?}: said twice: {stderr}");
    }
}
