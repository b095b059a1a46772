//! Experiments through the real binary: `sweep`, `compare`, `merge`, `plot`.
//! Determinism across threads and shards, resume after an interruption,
//! failures, statistics, and located errors in experiment files.

use crate::support::{Timed, assert_same_files, files, ipwarm, ok, root, run_with_deadline};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// A small, self-contained base scenario: five providers, two segments, one new IP, an exponential ramp.
const BASE: &str = concat!("name = \"base\"\nhorizon_days = 10\n", crate::support::small_world!(),);

/// Writes [`BASE`] into `dir` and returns its path.
fn base_scenario(dir: &Path) -> PathBuf {
    let path = dir.join("base.toml");
    fs::write(&path, BASE).expect("write base scenario");
    path
}

/// A small experiment on [`BASE`]: 2 growth factors x 2 starts, `replicates` each.
pub(crate) fn small_experiment(dir: &Path, replicates: u32) -> PathBuf {
    let base = base_scenario(dir);
    let text = format!(
        r#"name = "small"
scenario = "{}"
replicates = {replicates}
seed = 7

[axes]
horizon_days = {{ values = [10] }}
"strategy.growth" = {{ values = [1.3, 1.6] }}
"strategy.start" = {{ range = [1000, 2000], steps = 2 }}
"#,
        base.display()
    );
    let path = dir.join("small.toml");
    fs::write(&path, text).expect("write experiment");
    path
}

pub(crate) fn sweep(dir: &Path, exp: &Path, out: &str, extra: &[&str]) -> Output {
    let mut args = vec!["sweep", exp.to_str().unwrap(), "--out", out];
    args.extend_from_slice(extra);
    ipwarm(dir, &args)
}

/// `--series-format` values, with the hook that puts 4 runs in each Parquet part (so that
/// the small experiments have several parts).
const SERIES_FORMATS: [&[&str]; 2] =
    [&["--series-format", "csv"], &["--series-format", "parquet", "--test-hook", "part-runs=4"]];

#[test]
fn outputs_are_identical_for_one_and_four_threads() {
    for (format, series) in SERIES_FORMATS.into_iter().zip(["series.csv", "series/part-000002.parquet"]) {
        outputs_are_identical_for_one_and_four_threads_in(format, series);
    }
}

fn outputs_are_identical_for_one_and_four_threads_in(format: &[&str], series: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "t1", &[&["--threads", "1"], format].concat()));
    ok(&sweep(tmp.path(), &exp, "t4", &[&["--threads", "4"], format].concat()));
    assert_same_files(&tmp.path().join("t1"), &tmp.path().join("t4"));
    let names: Vec<String> = files(&tmp.path().join("t1")).into_iter().map(|(n, _)| n).collect();
    for f in [
        "runs.csv",
        series,
        "summary.csv",
        "series_summary.csv",
        "differences.csv",
        "warm_times.csv",
        "warm_curves.csv",
        "warm_by_day.png",
        "manifest.json",
        "inbox.png",
        "outcomes.png",
        "heatmap-days_to_warm_all.png",
    ] {
        assert!(names.iter().any(|n| n == f) || f.starts_with("heatmap"), "{f} missing: {names:?}");
    }
    let runs = fs::read_to_string(tmp.path().join("t1/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 4 * 3);
}

#[test]
fn three_shards_merged_equal_one_sweep() {
    for format in SERIES_FORMATS {
        three_shards_merged_equal_one_sweep_in(format);
    }
}

fn three_shards_merged_equal_one_sweep_in(format: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "all", &[&["--threads", "2"], format].concat()));
    for k in 1..=3 {
        let shard = format!("{k}/3");
        ok(&sweep(tmp.path(), &exp, &format!("s{k}"), &[&["--shard", &shard, "--threads", "1"], format].concat()));
    }
    // Shards merge in any order.
    ok(&ipwarm(tmp.path(), &["merge", "s3", "s1", "s2", "--out", "merged"]));
    assert_same_files(&tmp.path().join("all"), &tmp.path().join("merged"));
    // A missing shard is refused.
    let out = ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "partial"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard 3/3 is missing"));
}

#[test]
fn an_interrupted_sweep_resumes_to_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "whole", &["--series-format", "csv"]));
    let stopped = std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm"))
        .args(["sweep", exp.to_str().unwrap(), "--out", "cut", "--series-format", "csv", "--test-hook", "stop-after=5"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(1));
    let cut = tmp.path().join("cut");
    assert_eq!(fs::read_to_string(cut.join("runs.csv")).unwrap().lines().count(), 1 + 5);
    // As if killed while writing: a half-written row in each file.
    for (name, tail) in [("runs.csv", "5,1,2,99,1"), ("series.csv", "5,3,gmail,12")] {
        let mut text = fs::read_to_string(cut.join(name)).unwrap();
        text.push_str(tail);
        fs::write(cut.join(name), text).unwrap();
    }
    let manifest = fs::read_to_string(cut.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"pending\""), "the manifest lists the runs not done");
    // Without --resume the folder is protected.
    assert_eq!(sweep(tmp.path(), &exp, "cut", &[]).status.code(), Some(2));
    let resumed = sweep(tmp.path(), &exp, "cut", &["--resume", "--threads", "3"]);
    ok(&resumed);
    assert!(String::from_utf8_lossy(&resumed.stdout).contains("runs: total 12, ok 12, failed 0"));
    assert_same_files(&tmp.path().join("whole"), &cut);
}

#[test]
fn replicates_differ_and_share_seeds_across_points() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 4);
    ok(&sweep(tmp.path(), &exp, "out", &[]));
    let runs = fs::read_to_string(tmp.path().join("out/runs.csv")).unwrap();
    let rows: Vec<Vec<&str>> = runs.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (seed, complaints, inbox) = (col("seed"), col("complaints"), col("inbox"));
    let point0: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == "0").collect();
    assert_eq!(point0.len(), 4);
    for i in 0..4 {
        for j in i + 1..4 {
            assert_ne!(point0[i][seed], point0[j][seed], "replicates {i} and {j} share a seed");
            let same = point0[i][complaints] == point0[j][complaints] && point0[i][inbox] == point0[j][inbox];
            assert!(!same, "replicates {i} and {j} gave the same outcome");
        }
    }
    // Common random numbers: replicate r has the same seed at every design point.
    for r in &rows {
        let first = rows.iter().find(|x| x[1] == "0" && x[2] == r[2]).unwrap();
        assert_eq!(r[seed], first[seed]);
    }
}

/// Half-width of the CI of `metric` at point 0 in `summary.csv`.
fn ci_half_width(summary: &str, metric: &str) -> f64 {
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let row: Vec<&str> = summary
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[0] == "0" && r[col("metric")] == metric)
        .unwrap();
    let (lo, hi): (f64, f64) = (row[col("ci_low")].parse().unwrap(), row[col("ci_high")].parse().unwrap());
    (hi - lo) / 2.0
}

#[test]
fn the_confidence_interval_narrows_as_replicates_grow() {
    let tmp = tempfile::tempdir().unwrap();
    let mut widths = Vec::new();
    for n in [4, 16] {
        let dir = tmp.path().join(format!("n{n}"));
        fs::create_dir(&dir).unwrap();
        let exp = small_experiment(&dir, n);
        ok(&sweep(&dir, &exp, "out", &[]));
        let summary = fs::read_to_string(dir.join("out/summary.csv")).unwrap();
        widths.push((ci_half_width(&summary, "complaints"), ci_half_width(&summary, "inbox")));
    }
    assert!(widths[1].0 < widths[0].0, "complaints CI: {widths:?}");
    assert!(widths[1].1 < widths[0].1, "inbox CI: {widths:?}");
}

#[test]
fn failed_runs_are_recorded_and_the_sweep_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["sweep", exp.to_str().unwrap(), "--out", out, "--test-hook", "fail-runs=2,5"];
        args.extend_from_slice(extra);
        std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm")).args(&args).current_dir(tmp.path()).output().unwrap()
    };
    let out = run("goes-on", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("runs: total 8, ok 6, failed 2"), "{out:?}");
    let runs = fs::read_to_string(tmp.path().join("goes-on/runs.csv")).unwrap();
    let failed: Vec<&str> = runs.lines().filter(|l| l.contains(",failed,")).collect();
    assert_eq!(failed.len(), 2);
    assert!(failed[0].starts_with("2,2,0,") && failed[0].contains("--test-hook fail-runs"), "{}", failed[0]);
    assert!(tmp.path().join("goes-on/summary.csv").exists(), "statistics over the runs that succeeded");
    let fast = run("fast", &["--fail-fast", "--threads", "1"]);
    assert_eq!(fast.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fast.stderr).contains("run 2 (seed"), "{fast:?}");
    assert_eq!(fs::read_to_string(tmp.path().join("fast/runs.csv")).unwrap().lines().count(), 1 + 3);
}

#[test]
fn bad_experiment_files_fail_with_their_locations() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base_scenario(tmp.path());
    let text = format!(
        r#"name = "bad"
scenario = "{}"
replicates = 0
desing = "grid"

[axes]
"strategy.growth" = {{ values = [1.2, 0.9] }}
"strategy.start" = []
"audience.size" = {{ values = [] }}
"strategy.target" = {{ range = [1000, 2000] }}
"#,
        base.display()
    );
    fs::write(tmp.path().join("bad.toml"), text).unwrap();
    let out = ipwarm(tmp.path(), &["sweep", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "bad.toml:3:14: replicates: must be > 0, got 0",
        "bad.toml:4:1: desing: unknown key, did you mean `design`?",
        "bad.toml:8:20: axes.\"strategy.start\": a plain array is a value, not an axis",
        "bad.toml:9:30: axes.\"audience.size\".values: empty axis",
        "bad.toml:10:21: axes.\"strategy.target\": a range needs `steps = n`",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in:\n{err}");
    }
    assert!(!tmp.path().join("output").exists(), "nothing runs");
    // A value that makes a design point invalid is located at that value.
    let text = format!(
        "name = \"bad2\"\nscenario = \"{}\"\n[axes]\n\"strategy.growth\" = {{ values = [1.2, 0.9] }}\n",
        base.display()
    );
    fs::write(tmp.path().join("bad2.toml"), text).unwrap();
    let err = String::from_utf8_lossy(&ipwarm(tmp.path(), &["sweep", "bad2.toml"]).stderr).into_owned();
    assert!(
        err.contains("bad2.toml:4:38: axes.\"strategy.growth\".values[1]: with strategy.growth = 0.9: strategy.growth: must be > 1, got 0.9"),
        "{err}"
    );
    // Problems in an inline base scenario are located in the experiment file.
    let inline = "name = \"bad3\"\n[scenario]\nname = \"x\"\nhorizon_days = 0\n";
    fs::write(tmp.path().join("bad3.toml"), inline).unwrap();
    let err = String::from_utf8_lossy(&ipwarm(tmp.path(), &["sweep", "bad3.toml"]).stderr).into_owned();
    assert!(err.contains("bad3.toml:4:16: scenario.horizon_days: must be"), "{err}");
}

#[test]
fn dry_run_lists_runs_and_plain_arrays_stay_values() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    let out = ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--dry-run"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("experiment `small`: 4 design points x 2 replicates = 8 runs (grid design, common seeds)"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 2 + 8);
    assert!(!tmp.path().join("output").exists());
    // An array inside the scenario (daily_volumes) is a value, not an axis; zip pairs axes.
    let text = r#"name = "zip"
design = "zip"
replicates = 1
[scenario]
name = "inline"
horizon_days = 5
[scenario.audience]
size = 1000
providers = { gmail = 1.0 }
segments = [{ name = "all", share = 1.0, open_rate = 0.2, complaint_rate = 0.0001, invalid_rate = 0.01 }]
[[scenario.ips]]
name = "ip1"
kind = "new"
[scenario.strategy]
kind = "schedule"
daily_volumes = [100, 200, 300]
[axes]
"strategy.after" = { values = ["hold", "grow"] }
"strategy.after_growth" = { values = [1.0, 1.5] }
"#;
    fs::write(tmp.path().join("zip.toml"), text).unwrap();
    let out = ipwarm(tmp.path(), &["sweep", "zip.toml", "--dry-run"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `after_growth` with `after = "hold"` is reported at the value that causes it.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("zip.toml:19:39: axes.\"strategy.after_growth\".values[0]"), "{stderr}");
    // Arrays inside axis values are values too.
    let fixed = text.replace(
        "\"strategy.after_growth\" = { values = [1.0, 1.5] }",
        "\"strategy.daily_volumes\" = { values = [[100, 200], [300, 400, 500]], labels = [\"short\", \"long\"] }",
    );
    let fixed =
        fixed.replace("values = [\"hold\", \"grow\"]", "values = [\"hold\", \"hold\"], labels = [\"a\", \"b\"]");
    fs::write(tmp.path().join("zip.toml"), fixed).unwrap();
    let out = ipwarm(tmp.path(), &["sweep", "zip.toml", "--dry-run"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 design points x 1 replicates = 2 runs (zip design"), "{stdout}");
    // Each axis's value, then its label: the values as written (an array in TOML syntax).
    let header = "run\tpoint\treplicate\tseed\tstrategy.after\tstrategy.after_label\tstrategy.daily_volumes\t\
                  strategy.daily_volumes_label";
    assert!(stdout.contains(header), "{stdout}");
    assert!(stdout.contains("\thold\ta\t[100, 200]\tshort\n"), "{stdout}");
    assert!(stdout.contains("\thold\tb\t[300, 400, 500]\tlong\n"), "{stdout}");
}

#[test]
fn the_shipped_experiment_compares_four_strategies_with_charts_and_plot_redraws_them() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = root().join("experiments/strategies.toml");
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "out"]));
    let dir = tmp.path().join("out");
    let summary = fs::read_to_string(dir.join("summary.csv")).unwrap();
    let points: std::collections::BTreeSet<&str> =
        summary.lines().skip(1).filter_map(|l| l.split(',').nth(1)).collect();
    assert!(points.len() >= 4, "at least four strategies: {points:?}");
    let diffs = fs::read_to_string(dir.join("differences.csv")).unwrap();
    assert!(diffs.lines().count() > 1, "paired differences against the first strategy");
    let charts = ["inbox.png", "reputation.png", "outcomes.png"];
    let before: Vec<Vec<u8>> = charts.iter().map(|c| fs::read(dir.join(c)).unwrap()).collect();
    for bytes in &before {
        assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 20_000);
    }
    for c in charts {
        fs::remove_file(dir.join(c)).unwrap();
    }
    ok(&ipwarm(tmp.path(), &["plot", "out"]));
    let after: Vec<Vec<u8>> = charts.iter().map(|c| fs::read(dir.join(c)).unwrap()).collect();
    assert!(before == after, "plot redraws the same charts from the CSV files");
}

#[test]
fn compare_runs_strategies_paired() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/calibration.toml");
    let args = [
        "compare",
        scenario.to_str().unwrap(),
        "--strategy",
        "exponential",
        "--strategy",
        "kumo_conservative",
        "--strategy",
        "exponential:growth=1.8",
        "--replicates",
        "2",
        "--out",
        "cmp",
    ];
    ok(&ipwarm(tmp.path(), &args));
    let diffs = fs::read_to_string(tmp.path().join("cmp/differences.csv")).unwrap();
    assert!(diffs.starts_with("point,strategy,metric,n,mean,sd,ci_low,ci_high,min,max"), "{diffs}");
    assert!(diffs.contains("\n2,exponential:growth=1.8,inbox,2,"), "{diffs}");
    let out = ipwarm(tmp.path(), &["compare", "--strategy", "exponental"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown strategy `exponental`"), "{out:?}");
}

#[test]
fn replicates_added_later_give_the_files_of_a_sweep_run_with_them_from_the_start() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 4);
    ok(&sweep(tmp.path(), &exp, "fresh", &[]));
    // Two replicates, then (the experiment file edited) four, resumed in the same folder.
    let exp = small_experiment(tmp.path(), 2);
    ok(&sweep(tmp.path(), &exp, "grown", &["--threads", "1"]));
    let before = fs::read_to_string(tmp.path().join("grown/runs.csv")).unwrap();
    let exp = small_experiment(tmp.path(), 4);
    let out = sweep(tmp.path(), &exp, "grown", &["--resume"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("runs: total 16, ok 16, failed 0"), "{out:?}");
    let after = fs::read_to_string(tmp.path().join("grown/runs.csv")).unwrap();
    assert!(after.starts_with(&before), "the finished runs are kept as they were");
    assert_same_files(&tmp.path().join("fresh"), &tmp.path().join("grown"));
    // Fewer replicates than the folder holds: refused, results untouched.
    let exp = small_experiment(tmp.path(), 3);
    let out = sweep(tmp.path(), &exp, "grown", &["--resume"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds 4 replicates per design point"), "{out:?}");
    assert_same_files(&tmp.path().join("fresh"), &tmp.path().join("grown"));
    // Another change to the experiment is still refused.
    let other =
        fs::read_to_string(&exp).unwrap().replace("seed = 7", "seed = 8").replace("replicates = 3", "replicates = 4");
    fs::write(&exp, other).unwrap();
    let out = sweep(tmp.path(), &exp, "grown", &["--resume"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("another version of this experiment"), "{out:?}");
}

#[test]
fn a_folder_written_by_an_older_ipwarm_is_refused_on_resume_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    ok(&sweep(tmp.path(), &exp, "old", &["--threads", "1"]));
    let manifest_path = tmp.path().join("old/manifest.json");
    let manifest = fs::read_to_string(&manifest_path).unwrap();
    let hash = |text: &str| {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        value["experiment_hash"].as_str().unwrap().to_string()
    };
    let sha256 = hash(&manifest);
    assert_eq!(sha256.len(), 64, "a SHA-256 in hex: {sha256}");
    // Before SHA-256, the experiment hash was a 64-bit FNV-1a: 16 hex digits.
    fs::write(&manifest_path, manifest.replace(&sha256, "e7b7b7202783146b")).unwrap();
    let out = sweep(tmp.path(), &exp, "old", &["--resume"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("was written by an older ipwarm") && stderr.contains("--overwrite"), "{stderr}");
    // --overwrite starts again.
    ok(&sweep(tmp.path(), &exp, "old", &["--overwrite"]));
    assert_eq!(hash(&fs::read_to_string(&manifest_path).unwrap()), sha256);
}

#[test]
fn compare_replicates_added_later_match_a_fresh_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/calibration.toml");
    let compare = |out: &str, replicates: &str, extra: &[&str]| {
        let mut args = vec!["compare", scenario.to_str().unwrap(), "--strategy", "exponential", "--strategy"];
        args.extend(["linear", "--replicates", replicates, "--out", out]);
        args.extend(extra);
        ipwarm(tmp.path(), &args)
    };
    ok(&compare("fresh", "3", &[]));
    ok(&compare("grown", "1", &[]));
    ok(&compare("grown", "3", &["--resume"]));
    assert_same_files(&tmp.path().join("fresh"), &tmp.path().join("grown"));
}

#[test]
fn compare_shards_merge_to_the_unsharded_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/calibration.toml");
    let compare = |out: &str, extra: &[&str]| {
        let mut args = vec!["compare", scenario.to_str().unwrap(), "--strategy", "exponential", "--strategy"];
        args.extend(["linear", "--replicates", "3", "--out", out]);
        args.extend(extra);
        ipwarm(tmp.path(), &args)
    };
    ok(&compare("all", &[]));
    ok(&compare("c2", &["--shard", "2/2", "--threads", "1"]));
    ok(&compare("c1", &["--shard", "1/2"]));
    ok(&ipwarm(tmp.path(), &["merge", "c2", "c1", "--out", "merged"]));
    assert_same_files(&tmp.path().join("all"), &tmp.path().join("merged"));
    let out = compare("bad", &["--shard", "3/2"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[test]
fn the_slurm_scripts_shard_and_merge_like_one_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    ok(&sweep(tmp.path(), &exp, "all", &[]));
    let script = |name: &str| root().join("examples/slurm").join(name);
    for k in ["1", "2"] {
        let out = std::process::Command::new("bash")
            .arg(script("sweep.sbatch"))
            .args([exp.to_str().unwrap(), "cluster"])
            .env("IPWARM", env!("CARGO_BIN_EXE_ipwarm"))
            .env("SLURM_ARRAY_TASK_ID", k)
            .env("SLURM_ARRAY_TASK_COUNT", "2")
            .current_dir(tmp.path())
            .output()
            .unwrap();
        ok(&out);
    }
    let out = std::process::Command::new("bash")
        .arg(script("merge.sbatch"))
        .arg("cluster")
        .env("IPWARM", env!("CARGO_BIN_EXE_ipwarm"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    ok(&out);
    assert_same_files(&tmp.path().join("all"), &tmp.path().join("cluster/merged"));
}

#[test]
fn latin_hypercube_with_independent_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base_scenario(tmp.path());
    let text = format!(
        r#"name = "lhs"
scenario = "{}"
design = "lhs"
samples = 6
replicates = 2
seeds = "independent"
[axes]
"strategy.growth" = {{ range = [1.1, 2.0] }}
"strategy.segment_order" = {{ values = ["engaged_first", "proportional"] }}
"#,
        base.display()
    );
    fs::write(tmp.path().join("lhs.toml"), &text).unwrap();
    let out = ipwarm(tmp.path(), &["sweep", "lhs.toml", "--dry-run"]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("6 design points x 2 replicates = 12 runs (lhs design, independent seeds)"), "{stdout}");
    let rows: Vec<Vec<&str>> = stdout.lines().skip(2).map(|l| l.split('\t').collect()).collect();
    let mut strata: Vec<usize> = rows
        .iter()
        .filter(|r| r[2] == "0")
        .map(|r| ((r[4].parse::<f64>().unwrap() - 1.1) / 0.9 * 6.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(strata, [0, 1, 2, 3, 4, 5], "one growth factor in each sixth of the range");
    let seeds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[3]).collect();
    assert_eq!(seeds.len(), 12, "independent seeds: every run its own");
    // The same file gives the same design; `samples` without lhs is an error.
    assert_eq!(ipwarm(tmp.path(), &["sweep", "lhs.toml", "--dry-run"]).stdout, out.stdout);
    fs::write(tmp.path().join("lhs.toml"), text.replace("design = \"lhs\"", "design = \"grid\"")).unwrap();
    let err = String::from_utf8_lossy(&ipwarm(tmp.path(), &["sweep", "lhs.toml"]).stderr).into_owned();
    assert!(err.contains("lhs.toml:4:1: samples: only used with design = \"lhs\""), "{err}");
    assert!(err.contains("lhs.toml:8:21: axes.\"strategy.growth\": a range needs `steps = n`"), "{err}");
}

#[test]
fn runs_that_overload_a_shared_pool_are_counted_in_runs_csv_and_warned_about() {
    let tmp = tempfile::tempdir().unwrap();
    // BASE with a small shared pool (2,000 messages/day per provider) blended with the new IP.
    let base = BASE.replace(
        "[strategy]\nkind = \"exponential\"\nstart = 1000.0\ngrowth = 1.3\ntarget = 50000.0\n",
        "[[ips]]\nname = \"pool\"\nkind = \"shared_pool\"\ndaily_volume_per_provider = 2000\n\
         [strategy]\nkind = \"auto_blend\"\ndaily_volume = 1000\n",
    );
    assert_ne!(base, BASE);
    fs::write(tmp.path().join("pool.toml"), base).unwrap();
    // 3,000 a day stays under the pool's volume at every provider (Gmail's 45% is 1,350); 40,000 does not.
    let exp = tmp.path().join("pool-exp.toml");
    fs::write(
        &exp,
        "name = \"pool\"\nscenario = \"pool.toml\"\nreplicates = 2\n[axes]\n\"strategy.daily_volume\" = { values = [3000, 40000] }\n",
    )
    .unwrap();
    let out = sweep(tmp.path(), &exp, "out", &[]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: in 2 of 4 runs a shared pool carried more of the sender's mail than its own volume"),
        "{stderr}"
    );
    let mut r = csv::Reader::from_path(tmp.path().join("out/runs.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let (point, days) = (col("point"), col("pool_overload_days"));
    for rec in r.records() {
        let rec = rec.unwrap();
        let d: u64 = rec[days].parse().unwrap();
        // At 40,000 a day the pool carries about 18,000 at Gmail on each of the 10 days.
        if &rec[point] == "0" { assert_eq!(d, 0) } else { assert!(d >= 10, "{d} overload days") }
    }
    // Inside the model, nothing is said.
    let small = small_experiment(tmp.path(), 1);
    let quiet = sweep(tmp.path(), &small, "quiet", &[]);
    ok(&quiet);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("warning"));
}

/// Sets column `column` of the row of `metric` at design point 0 in the CSV
/// file `path`; returns the line of that row.
fn set_stat(path: &Path, metric: &str, column: &str, value: &str) -> usize {
    let text = fs::read_to_string(path).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (col, metric_col) =
        (header.iter().position(|h| *h == column).unwrap(), header.iter().position(|h| *h == "metric").unwrap());
    let i = lines
        .iter()
        .position(|l| l.split(',').next() == Some("0") && l.split(',').nth(metric_col) == Some(metric))
        .unwrap_or_else(|| panic!("no row of {metric} at point 0 in {}", path.display()));
    let mut fields: Vec<String> = lines[i].split(',').map(String::from).collect();
    fields[col] = value.into();
    lines[i] = fields.join(",");
    fs::write(path, lines.join("\n") + "\n").unwrap();
    i + 1
}

/// `ipwarm plot` with a deadline: it used to hang on such values.
fn plot_within_a_minute(dir: &Path) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm"));
    cmd.args(["plot", "out"]).current_dir(dir);
    match run_with_deadline(&mut cmd, Duration::from_secs(60)) {
        Timed::Ended { status, stderr, .. } => (status.code(), String::from_utf8_lossy(&stderr).into_owned()),
        Timed::TimedOut => panic!("ipwarm plot still running after 60 s"),
    }
}

/// Defect 17: `ipwarm plot` hung on a `summary.csv` holding `inf` or `1e307`
/// (a share, drawn times 100, overflowed to infinity; plotters never ends
/// computing the ticks of an infinite axis). Non-finite values are refused
/// with their file, line and column; huge finite values are drawn.
#[test]
fn plot_refuses_non_finite_statistics_and_draws_huge_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    ok(&sweep(tmp.path(), &exp, "out", &[]));
    let (summary, series) = (tmp.path().join("out/summary.csv"), tmp.path().join("out/series_summary.csv"));
    let original = fs::read(&summary).unwrap();
    for (metric, column, value) in [
        ("inbox_share", "mean", "inf"),
        ("restricted_days_to_warm_all", "ci_high", "-inf"),
        ("blocked_share", "sd", "NaN"),
    ] {
        fs::write(&summary, &original).unwrap();
        let line = set_stat(&summary, metric, column, value);
        let (code, stderr) = plot_within_a_minute(tmp.path());
        assert_eq!(code, Some(2), "bad input: {stderr}");
        let expected = format!("summary.csv: line {line}, column `{column}`: `{value}` is not a finite number");
        assert!(stderr.contains(&expected), "expected `{expected}` in: {stderr}");
    }
    fs::write(&summary, &original).unwrap();
    set_stat(&summary, "inbox_share", "mean", "1e307");
    set_stat(&summary, "inbox_share", "ci_high", "1.7976931348623157e308");
    set_stat(&summary, "restricted_days_to_warm_all", "mean", "-1e308");
    set_stat(&series, "inbox", "ci_high", "1e308");
    let (code, stderr) = plot_within_a_minute(tmp.path());
    assert_eq!(code, Some(0), "{stderr}");
    for chart in ["inbox.png", "reputation.png", "outcomes.png"] {
        assert!(fs::read(tmp.path().join("out").join(chart)).unwrap().starts_with(b"\x89PNG"), "{chart}");
    }
}

/// Issue 16: two of the four panels of `compare`'s `outcomes.png` were empty: the day every
/// provider is warm had no value when Microsoft was warm in no run, and the blocked share was 0
/// in every run. The bottleneck is now a restricted mean (runs never warm at the horizon, the
/// bar hatched) next to the providers warm by the end, and every panel has a bar per strategy,
/// not all of them 0.
#[test]
fn every_panel_of_a_comparison_has_a_value_per_strategy() {
    use ipwarm::report::experiment::{self as rx, ChartData};
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/default.toml");
    let args = ["compare", scenario.to_str().unwrap(), "--strategy", "exponential", "--strategy", "adaptive"];
    ok(&ipwarm(tmp.path(), &[&args[..], &["--replicates", "3", "--out", "out"]].concat()));
    let dir = tmp.path().join("out");
    let manifest = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let drawn = format!("\"outcomes\":{}", serde_json::to_string(&rx::DEFAULT_OUTCOMES).unwrap());
    assert!(manifest.replace([' ', '\n'], "").contains(&drawn), "the default panels: {manifest}");
    let read = |name: &str| fs::File::open(dir.join(name)).unwrap();
    let data = ChartData {
        name: "compare".into(),
        replicates: 3,
        axes: vec!["strategy".into()],
        point_values: vec![vec!["exponential".into()], vec!["adaptive".into()]],
        summary: rx::read_stats(&mut read("summary.csv"), false).unwrap(),
        series: Vec::new(),
        runs: Vec::new(),
    };
    let warm = rx::WarmData { times: rx::read_warm_times(&mut read("warm_times.csv")).unwrap(), curves: Vec::new() };
    for metric in rx::DEFAULT_OUTCOMES {
        let (bars, caption) = rx::outcomes(&data, &warm, metric);
        assert_eq!(bars.iter().map(|b| b.point).collect::<Vec<_>>(), [0, 1], "{metric}: a bar per strategy");
        assert!(bars.iter().any(|b| b.value > 0.0), "{metric} ({caption}): not 0 everywhere");
        assert!(bars.iter().all(|b| b.lo >= 0.0 && b.lo <= b.value && b.value <= b.hi), "{metric}: {bars:?}");
    }
}

/// Issue 16: the series charts have a panel for every provider together (`all` rows of
/// `series_summary.csv`: messages summed, the lowest reputation), and `plot` redraws them with
/// the single runs read back from `series.csv`.
#[test]
fn series_summaries_have_every_provider_together_and_plot_reads_single_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    ok(&sweep(tmp.path(), &exp, "out", &[]));
    let dir = tmp.path().join("out");
    let series = fs::read_to_string(dir.join("series_summary.csv")).unwrap();
    let inbox = |provider: &str| -> f64 {
        let prefix = format!("0,3,{provider},inbox,");
        let line = series.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no {prefix}"));
        line.split(',').nth(5).unwrap().parse().unwrap()
    };
    let providers = ["gmail", "microsoft", "yahoo", "apple", "other"];
    let sum: f64 = providers.iter().map(|p| inbox(p)).sum();
    assert!((inbox("all") - sum).abs() <= 1e-6 * sum.max(1.0), "all = the sum of the providers' inbox");
    let before = fs::read(dir.join("inbox.png")).unwrap();
    fs::remove_file(dir.join("inbox.png")).unwrap();
    ok(&ipwarm(tmp.path(), &["plot", "out"]));
    assert!(before == fs::read(dir.join("inbox.png")).unwrap(), "plot redraws the same chart");
}
