//! Nothing is lost: the ownership rule of output folders (docs/ARCHITECTURE.md,
//! "File safety"), crash-safe state, and resumes after a kill at any instant.
//! Each test names the defect of issue 10 it guards against.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use super::support::{assert_same_files, ipwarm, root};
use super::sweep::{small_experiment, sweep};

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every entry of `dir` (names), sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

/// The scenario file used by the run tests: the default one, 10 days.
fn short_scenario(dir: &Path) -> std::path::PathBuf {
    let text = fs::read_to_string(root().join("scenarios/default.toml")).unwrap();
    let text = text.replacen("horizon_days = 42", "horizon_days = 10", 1);
    let path = dir.join("s.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_refuses_a_folder_it_did_not_write_and_the_folder_of_its_input() {
    // Defect 1: `run scenarios/default.toml --out scenarios` deleted the input.
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("scen");
    fs::create_dir(&scen).unwrap();
    short_scenario(&scen);
    for extra in [&[][..], &["--delete-unowned"][..]] {
        let mut args = vec!["run", "scen/s.toml", "--out", "scen"];
        args.extend_from_slice(extra);
        let out = ipwarm(tmp.path(), &args);
        assert_eq!(code(&out), Some(2), "{}", stderr(&out));
        assert_eq!(entries(&scen), ["s.toml"]);
    }
    assert!(
        stderr(&ipwarm(tmp.path(), &["run", "scen/s.toml", "--out", "scen", "--delete-unowned"]))
            .contains("holds the input file")
    );
    // A folder of the user's: refused; with the flag, replaced as its help says.
    let other = tmp.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("notes.txt"), "mine").unwrap();
    let out = ipwarm(tmp.path(), &["run", "scen/s.toml", "--out", "other"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("notes.txt") && stderr(&out).contains("--delete-unowned"), "{}", stderr(&out));
    assert_eq!(entries(&other), ["notes.txt"]);
    let out = ipwarm(tmp.path(), &["run", "scen/s.toml", "--out", "other", "--delete-unowned"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(!other.join("notes.txt").exists());
    // Its own folder it replaces; a file the user adds there makes it foreign again.
    assert_eq!(code(&ipwarm(tmp.path(), &["run", "scen/s.toml", "--out", "other", "--seed", "2"])), Some(0));
    fs::write(other.join("added.txt"), "mine").unwrap();
    assert_eq!(code(&ipwarm(tmp.path(), &["run", "scen/s.toml", "--out", "other"])), Some(2));
    assert!(other.join("added.txt").exists());
}

#[test]
fn run_into_a_file_is_bad_input_and_changes_nothing() {
    // Defect 6: `run --out FILE` moved the file aside and exited 1.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("afile"), "keep").unwrap();
    let out = ipwarm(tmp.path(), &["run", "--out", "afile"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not a folder"));
    assert_eq!(entries(tmp.path()), ["afile"]);
    assert_eq!(fs::read_to_string(tmp.path().join("afile")).unwrap(), "keep");
}

#[test]
fn sweep_overwrite_never_empties_the_current_folder() {
    // Defect 2: `cd proj && sweep e.toml --out . --overwrite` deleted everything in proj.
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 1);
    fs::write(tmp.path().join("precious.txt"), "data").unwrap();
    let before = entries(tmp.path());
    for extra in [&["--overwrite"][..], &["--overwrite", "--delete-unowned"][..], &["--resume"][..]] {
        let out = sweep(tmp.path(), &exp, ".", extra);
        assert_eq!(code(&out), Some(2), "{extra:?}: {}", stderr(&out));
        assert_eq!(entries(tmp.path()), before, "{extra:?}");
    }
    // In its own folder, --overwrite deletes only what it wrote, and refuses a user's file.
    assert_eq!(code(&sweep(tmp.path(), &exp, "out", &[])), Some(0));
    fs::write(tmp.path().join("out/notes.txt"), "mine").unwrap();
    assert_eq!(code(&sweep(tmp.path(), &exp, "out", &["--overwrite"])), Some(2));
    assert!(tmp.path().join("out/notes.txt").exists());
    assert_eq!(code(&sweep(tmp.path(), &exp, "out", &["--resume"])), Some(0), "resume keeps foreign files");
    assert!(tmp.path().join("out/notes.txt").exists());
}

#[test]
fn files_planted_as_symlinks_are_never_followed() {
    // Defect 9: --resume wrote through a symlinked runs.csv or experiment.toml.
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 1);
    let target = tmp.path().join("target.txt");
    for name in ["runs.csv", "experiment.toml", "summary.csv"] {
        fs::write(&target, "untouched").unwrap();
        let out_dir = tmp.path().join(format!("o-{name}"));
        assert_eq!(code(&sweep(tmp.path(), &exp, out_dir.to_str().unwrap(), &[])), Some(0));
        fs::remove_file(out_dir.join(name)).unwrap();
        std::os::unix::fs::symlink(&target, out_dir.join(name)).unwrap();
        let out = sweep(tmp.path(), &exp, out_dir.to_str().unwrap(), &["--resume"]);
        assert_ne!(code(&out), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(fs::read_to_string(&target).unwrap(), "untouched", "{name}");
    }
}

#[test]
fn merge_refuses_a_shard_whose_runs_were_cut_short_or_an_unsharded_folder() {
    // Defect 10: a finished shard with a truncated runs.csv merged with exit 0;
    // defect 18: merging an unsharded folder said "t1 is not a shard of the same sweep as t1".
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    for k in 1..=2 {
        let args = ["--shard", &format!("{k}/2"), "--series-format", "csv"];
        assert_eq!(code(&sweep(tmp.path(), &exp, &format!("s{k}"), &args)), Some(0));
    }
    let runs = tmp.path().join("s2/runs.csv");
    let text = fs::read_to_string(&runs).unwrap();
    let cut: String = text.lines().take(3).map(|l| format!("{l}\n")).collect();
    fs::write(&runs, &cut).unwrap();
    let out = ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "m"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("runs.csv holds 2 of the 6 runs"), "{}", stderr(&out));
    // A row edited in place keeps the count but not the checksum.
    fs::write(&runs, text.replacen(",ok,", ",ok ,", 1)).unwrap();
    let out = ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "m"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    fs::write(&runs, &text).unwrap();
    let series = tmp.path().join("s1/series.csv");
    let s = fs::read_to_string(&series).unwrap();
    fs::write(&series, &s[..s.len() - 40]).unwrap();
    let out = ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "m"]);
    assert!(code(&out) == Some(2) && stderr(&out).contains("series.csv changed"), "{}", stderr(&out));
    fs::write(&series, &s).unwrap();
    assert_eq!(code(&ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "m"])), Some(0));
    // An unsharded folder says so.
    assert_eq!(code(&sweep(tmp.path(), &exp, "t1", &[])), Some(0));
    let out = ipwarm(tmp.path(), &["merge", "t1", "--out", "m2"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("not a shard"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("same sweep as"), "{}", stderr(&out));
}

/// Runs `ipwarm args` in `dir` with the abort hook set to `point`.
fn aborted_at(dir: &Path, args: &[&str], point: &str) -> Output {
    let hook = format!("abort-at={point}");
    Command::new(env!("CARGO_BIN_EXE_ipwarm"))
        .args(args)
        .args(["--test-hook", &hook])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_run_killed_between_its_renames_leaves_nothing_that_blocks_the_next() {
    // Defect 7: a kill while old results were removed left `.NAME.old`, and every later run failed.
    let tmp = tempfile::tempdir().unwrap();
    let scen = short_scenario(tmp.path());
    let s = scen.to_str().unwrap();
    assert_eq!(code(&ipwarm(tmp.path(), &["run", s, "--out", "r"])), Some(0));
    let killed = aborted_at(tmp.path(), &["run", s, "--out", "r", "--seed", "5"], "run-between-renames");
    assert_eq!(code(&killed), None, "aborted by a signal");
    let left: Vec<String> = entries(tmp.path()).into_iter().filter(|n| n.starts_with(".ipwarm")).collect();
    assert_eq!(left.len(), 2, "a staging and a replaced folder are left: {left:?}");
    let out = ipwarm(tmp.path(), &["run", s, "--out", "r", "--seed", "5"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(entries(tmp.path()), ["r", "s.toml"], "leftovers cleaned");
    ipwarm(tmp.path(), &["run", s, "--out", "fresh", "--seed", "5"]);
    assert_same_files(&tmp.path().join("r"), &tmp.path().join("fresh"));
}

/// Resumes the sweep into `out` until it succeeds (at most a few times).
fn resume_until_done(dir: &Path, exp: &Path, out: &str) {
    for _ in 0..3 {
        let res = sweep(dir, exp, out, &["--resume", "--threads", "2"]);
        if code(&res) == Some(0) {
            return;
        }
        assert_ne!(code(&res), Some(2), "resume refused: {}", stderr(&res));
    }
    panic!("the sweep in {out} did not finish after three resumes");
}

#[test]
fn a_sweep_killed_at_any_point_resumes_to_the_files_of_an_uninterrupted_one() {
    // Defect 3: a kill during the manifest write left it truncated and resume refused for good.
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    assert_eq!(code(&sweep(tmp.path(), &exp, "whole", &[])), Some(0));
    let e = exp.to_str().unwrap();
    let points = [
        "before-rename:.ipwarm-output.json",
        "before-rename:.ipwarm-output.json#2",
        "before-rename:experiment.toml",
        "before-rename:manifest.json",
        "sweep-before-finish",
        "before-rename:manifest.json#2",
        "before-rename:summary.csv",
        "before-rename:series_summary.csv",
        "before-rename:inbox.png",
        "before-rename:outcomes.png",
    ];
    for (i, point) in points.iter().enumerate() {
        let out = format!("k{i}");
        let killed = aborted_at(tmp.path(), &["sweep", e, "--out", &out], point);
        assert_eq!(code(&killed), None, "{point}: not reached ({})", stderr(&killed));
        resume_until_done(tmp.path(), &exp, &out);
        assert_same_files(&tmp.path().join("whole"), &tmp.path().join(&out));
    }
    // A kill at a manifest write that is not the first, in a resume, resumes too.
    let killed = aborted_at(tmp.path(), &["sweep", e, "--out", "whole", "--resume"], "before-rename:manifest.json");
    assert_eq!(code(&killed), None);
    resume_until_done(tmp.path(), &exp, "whole");
    // Kills at arbitrary instants (SIGKILL after a growing delay).
    let reference = tmp.path().join("whole");
    for (i, delay_ms) in [5u64, 20, 40, 80, 160].into_iter().enumerate() {
        let out = format!("t{i}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_ipwarm"))
            .args(["sweep", e, "--out", &out, "--threads", "1"])
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        resume_until_done(tmp.path(), &exp, &out);
        assert_same_files(&reference, &tmp.path().join(&out));
    }
}
