//! `ipwarm init` and `ipwarm validate` on what it writes, through the real
//! binary: the starting files (scenario, experiment, optimisation) validate and
//! run, existing files are never replaced without `--force`, and experiments
//! are recognised as such.

use crate::support::{ipwarm, ok, root};
use std::fs;
use std::path::Path;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Shortens the horizon of the scenario file at `path` so that it runs in a moment.
fn shorten(path: &Path) {
    let text = fs::read_to_string(path).expect("read");
    assert_eq!(text.matches("\nhorizon_days = 56\n").count(), 1, "{text}");
    fs::write(path, text.replace("\nhorizon_days = 56\n", "\nhorizon_days = 5\n")).expect("write");
}

#[test]
fn the_starting_scenario_and_experiment_validate_and_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    // On standard output, as `ipwarm init scenario > my.toml` does.
    let printed = ipwarm(dir, &["init", "scenario"]);
    ok(&printed);
    assert!(printed.stdout.starts_with(b"# Written by `ipwarm init scenario`"), "{}", stdout(&printed));
    fs::write(dir.join("printed.toml"), &printed.stdout).expect("write");
    let written = ipwarm(dir, &["init", "scenario", "--out", "sub/my-plan.toml"]);
    ok(&written);
    assert!(stdout(&written).contains("wrote sub/my-plan.toml"), "{}", stdout(&written));
    let experiment = ipwarm(dir, &["init", "experiment", "--scenario", "my-plan.toml", "--out", "sub/exp.toml"]);
    ok(&experiment);
    let out = ipwarm(dir, &["validate", "printed.toml", "sub/my-plan.toml", "sub/exp.toml"]);
    ok(&out);
    let text = stdout(&out);
    assert!(text.contains("printed.toml: ok (scenario `my_scenario`, 56 days)"), "{text}");
    assert!(text.contains("sub/my-plan.toml: ok (scenario `my-plan`, 56 days)"), "{text}");
    assert!(
        text.contains(
            "sub/exp.toml: ok (experiment `exp` on scenario `my-plan`: 3 design points x 5 replicates = 15 runs)"
        ),
        "{text}"
    );
    shorten(&dir.join("sub/my-plan.toml"));
    let run = ipwarm(dir, &["run", "sub/my-plan.toml"]);
    ok(&run);
    assert!(dir.join("output/my-plan/daily.csv").is_file());
    let dry = ipwarm(dir, &["sweep", "sub/exp.toml", "--dry-run"]);
    ok(&dry);
    assert!(stdout(&dry).starts_with("experiment `exp`: 3 design points x 5 replicates = 15 runs"), "{}", stdout(&dry));
    let sweep = ipwarm(dir, &["sweep", "sub/exp.toml", "--threads", "1"]);
    ok(&sweep);
    assert!(stdout(&sweep).contains("runs: total 15, ok 15, failed 0"), "{}", stdout(&sweep));
}

#[test]
fn the_starting_optimization_validates_and_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    ok(&ipwarm(dir, &["init", "scenario", "--out", "my.toml"]));
    let printed = ipwarm(dir, &["init", "optimization", "--scenario", "my.toml"]);
    ok(&printed);
    assert!(printed.stdout.starts_with(b"# Written by `ipwarm init optimization`"), "{}", stdout(&printed));
    let written = ipwarm(dir, &["init", "optimization", "--scenario", "my.toml", "--out", "opt.toml"]);
    ok(&written);
    assert!(stdout(&written).contains("wrote opt.toml: "), "{}", stdout(&written));
    let text = fs::read_to_string(dir.join("opt.toml")).expect("read");
    // Every key is explained: by a comment on its line or in the lines just before it.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let key = !line.is_empty() && !line.starts_with('#') && !line.starts_with('[');
        if key && !line.contains(" # ") && !lines[i.saturating_sub(1)].starts_with('#') {
            let block_start = lines[..i].iter().rposition(|l| l.is_empty() || l.starts_with('[')).unwrap_or(0);
            assert!(lines[block_start + 1..i].iter().any(|l| l.starts_with('#')), "unexplained: {line}");
        }
    }
    let out = ipwarm(dir, &["validate", "opt.toml"]);
    ok(&out);
    assert!(
        stdout(&out).contains("opt.toml: ok (optimisation `opt` of 2 parameters of `exponential` on scenario `my`"),
        "{}",
        stdout(&out)
    );
    let dry = ipwarm(dir, &["optimize", "opt.toml", "--dry-run"]);
    ok(&dry);
    assert!(stdout(&dry).contains("budget 1000 runs: search 640"), "{}", stdout(&dry));
    // As written, on a 10-day horizon so that it runs in a moment.
    let scenario = fs::read_to_string(dir.join("my.toml")).expect("read");
    assert_eq!(scenario.matches("\nhorizon_days = 56\n").count(), 1);
    fs::write(dir.join("my.toml"), scenario.replace("\nhorizon_days = 56\n", "\nhorizon_days = 10\n")).expect("write");
    let run = ipwarm(dir, &["optimize", "opt.toml", "--threads", "2"]);
    ok(&run);
    for file in ["candidates.csv", "summary.json", "comparison"] {
        assert!(dir.join("output/opt").join(file).exists(), "{file}");
    }
}

#[test]
fn every_preset_and_kind_gives_a_scenario_that_validates() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for name in ipwarm::strategy::catalog::names() {
        let file = format!("{name}.toml");
        ok(&ipwarm(tmp.path(), &["init", "scenario", "--preset", name, "--out", &file]));
        files.push(file);
    }
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = ipwarm(tmp.path(), &args);
    ok(&out);
    assert_eq!(stdout(&out).matches(": ok (scenario").count(), files.len());
    let text = fs::read_to_string(tmp.path().join("kumo_conservative.toml")).expect("read");
    assert!(text.contains("\nkind = \"preset\"\nname = \"kumo_conservative\"\n"), "{text}");
    shorten(&tmp.path().join("kumo_conservative.toml"));
    let run = ipwarm(tmp.path(), &["run", "kumo_conservative.toml"]);
    ok(&run);
    assert!(stdout(&run).contains("strategy: preset kumo_conservative (schedule)"), "{}", stdout(&run));
}

#[test]
fn an_existing_file_is_refused_unless_forced_and_bad_input_exits_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    fs::write(dir.join("mine.toml"), "# my own work\n").expect("write");
    fs::create_dir(dir.join("folder")).expect("mkdir");
    let out = ipwarm(dir, &["init", "scenario", "--out", "mine.toml"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(stderr(&out).contains("mine.toml exists: pass --force to replace it"), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(dir.join("mine.toml")).expect("read"), "# my own work\n");
    ok(&ipwarm(dir, &["init", "scenario", "--out", "mine.toml", "--force"]));
    ok(&ipwarm(dir, &["validate", "mine.toml"]));
    let leftovers: Vec<String> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "mine.toml" && n != "folder")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    for (args, expected) in [
        (
            &["init", "scenario", "--preset", "kumo_conservatve"][..],
            "error: --preset: unknown strategy `kumo_conservatve`, did you mean `kumo_conservative`?\n |\n \
             | --preset kumo_conservatve\n |          ^^^^^^^^^^^^^^^^\n",
        ),
        (&["init", "scenario", "--preset", "exponential:growth=2"], "--preset takes a name"),
        (&["init", "experiment", "--preset", "exponential"], "--preset applies to `ipwarm init scenario` only"),
        (&["init", "optimization", "--preset", "exponential"], "--preset applies to `ipwarm init scenario` only"),
        (
            &["init", "scenario", "--scenario", "x.toml"],
            "--scenario applies to `ipwarm init experiment|optimization` only",
        ),
        (&["init", "scenaro"], "a similar value exists: 'scenario'"),
        (&["init", "--force"], "--out <FILE>"),
        (&["init", "--out", "folder"], "folder is a folder: give a file name"),
    ] {
        let out = ipwarm(dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}: nothing is written");
    }
}

#[test]
fn validate_recognises_experiment_files_and_checks_them_as_experiments() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let shipped: Vec<String> = ["strategies", "cluster-check", "growth-by-inactive"]
        .iter()
        .map(|n| root().join(format!("experiments/{n}.toml")).display().to_string())
        .collect();
    let mut args = vec!["validate"];
    args.extend(shipped.iter().map(String::as_str));
    let out = ipwarm(dir, &args);
    ok(&out);
    assert_eq!(stdout(&out).matches(": ok (experiment `").count(), 3, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("ok (experiment `strategies` on scenario `default`: 5 design points x 20 replicates")
    );
    // A bad experiment: its own problems, located, and nothing about scenario keys it does not have.
    let base = root().join("scenarios/default.toml");
    let text = format!(
        "name = \"e\"\nscenario = {:?}\nreplicates = 0\n[axes]\n\"strategy.growht\" = {{ values = [1.5] }}\n",
        base.display().to_string()
    );
    fs::write(dir.join("exp.toml"), text).expect("write");
    fs::write(dir.join("good.toml"), ipwarm(dir, &["init"]).stdout).expect("write");
    let out = ipwarm(dir, &["validate", "good.toml", "exp.toml"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = stderr(&out);
    assert!(err.contains("exp.toml: checked as an experiment file (it has `scenario` or `[axes]`):\n"), "{err}");
    assert!(err.contains("exp.toml:3:14: replicates: "), "{err}");
    assert!(!err.contains("unknown key, expected") && !err.contains("exp.toml:2:1: scenario"), "{err}");
    assert!(err.ends_with("error: 1 of 2 files are invalid\n"), "{err}");
    assert!(stdout(&out).contains("good.toml: ok (scenario `my_scenario`"), "{}", stdout(&out));
}
