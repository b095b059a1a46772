//! Parquet series of experiments (the default; `--series-format csv` keeps `series.csv`): the parts
//! hold exactly the rows of `series.csv`, the summaries and charts do not depend on the format, a
//! killed sweep resumes to the same bytes, the size per run of the default scenario stays within
//! 2 KB, and pandas and polars read the parts as they are. Threads and shards: `sweep.rs`.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use ipwarm::report::experiment::fmt_float;
use ipwarm::report::experiment::series_store::{ColumnValues, decode_part};

use crate::support::{assert_same_files, files, ok, root};
use crate::sweep::{small_experiment, sweep};

/// The Parquet format with 4 runs per part.
const PARQUET: [&str; 4] = ["--series-format", "parquet", "--test-hook", "part-runs=4"];

/// The rows of the parts of `dir/series`, in part order, as `series.csv` writes them (header included).
fn parts_as_csv(dir: &Path) -> String {
    let mut text = ipwarm::report::experiment::series_header().join(",");
    text.push('\n');
    let mut names: Vec<String> = fs::read_dir(dir.join("series"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".parquet"))
        .collect();
    names.sort();
    for name in names {
        let part = decode_part(fs::read(dir.join("series").join(&name)).unwrap()).unwrap();
        for row in 0..part.len() {
            write!(text, "{},{},{}", part.run[row], part.day[row], part.provider(row)).unwrap();
            for column in &part.metrics {
                text.push(',');
                if column.defined[row] == 0 {
                    continue;
                }
                match &column.values {
                    ColumnValues::Counts(v) => write!(text, "{}", v[row] as u64).unwrap(),
                    ColumnValues::Reals(v) => text.push_str(&fmt_float(v[row])),
                }
            }
            text.push('\n');
        }
    }
    text
}

/// `dir`'s files but its series, manifest and marker (which name the format and the files), by name.
fn without_series(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let series = |n: &str| n.starts_with("series/") || n == "series.csv";
    files(dir).into_iter().filter(|(n, _)| !series(n) && n != "manifest.json" && n != ".ipwarm-output.json").collect()
}

fn assert_same_but_series(a: &Path, b: &Path) {
    let (fa, fb) = (without_series(a), without_series(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb));
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn parquet_parts_hold_the_rows_of_series_csv_and_give_the_same_summaries_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    // 12 runs of five providers, two of them failed (no series rows), 4 runs per part.
    let fail = ["--test-hook", "fail-runs=2,5"];
    let csv = sweep(tmp.path(), &exp, "csv", &[&fail[..], &["--series-format", "csv"]].concat());
    let parquet = sweep(tmp.path(), &exp, "parquet", &[&fail[..], &PARQUET[..]].concat());
    assert_eq!((csv.status.code(), parquet.status.code()), (Some(1), Some(1)), "two runs failed");
    let (csv, parquet) = (tmp.path().join("csv"), tmp.path().join("parquet"));
    let text = fs::read_to_string(csv.join("series.csv")).unwrap();
    assert_eq!(parts_as_csv(&parquet), text);
    assert!(text.contains(",yahoo,") && !text.contains("\n2,1,"), "several providers, run 2 failed");
    let names: Vec<String> = files(&parquet).into_iter().map(|(n, _)| n).collect();
    for part in 0..3 {
        assert!(names.contains(&format!("series/part-{part:06}.parquet")), "{names:?}");
    }
    assert!(!names.contains(&"series.csv".to_string()));
    // Summaries, warm times, charts and report alike.
    assert_same_but_series(&csv, &parquet);
    let manifest = fs::read_to_string(parquet.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"series_format\": \"parquet\"") && manifest.contains("\"series_part_runs\": 4"));
    assert!(!fs::read_to_string(csv.join("manifest.json")).unwrap().contains("series_format"));
    // plot reads the parts back (the single runs of the series charts).
    fs::remove_file(parquet.join("inbox.png")).unwrap();
    ok(&crate::support::ipwarm(tmp.path(), &["plot", "parquet"]));
    assert_same_but_series(&csv, &parquet);
}

fn killed(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipwarm")).args(args).current_dir(dir).output().unwrap()
}

#[test]
fn a_parquet_sweep_killed_or_stopped_resumes_to_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "whole", &PARQUET));
    let e = exp.to_str().unwrap();
    // Killed as part 1 is about to be renamed into place: runs.csv holds part 0's runs only.
    let args = [
        &["sweep", e, "--out", "killed"][..],
        &PARQUET,
        &["--test-hook", "abort-at=before-rename:part-000001.parquet"],
    ];
    let out = killed(tmp.path(), &args.concat());
    assert!(!out.status.success());
    let runs = fs::read_to_string(tmp.path().join("killed/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 4, "{runs}");
    assert!(!tmp.path().join("killed/series/part-000001.parquet").exists());
    // Stopped in the middle of part 1: its runs are written, then run again on resume.
    let args = [&["sweep", e, "--out", "stopped"][..], &PARQUET, &["--test-hook", "stop-after=6"]];
    assert_eq!(killed(tmp.path(), &args.concat()).status.code(), Some(1));
    assert_eq!(fs::read_to_string(tmp.path().join("stopped/runs.csv")).unwrap().lines().count(), 1 + 6);
    for folder in ["killed", "stopped"] {
        let resumed = sweep(tmp.path(), &exp, folder, &["--resume", "--threads", "2"]);
        ok(&resumed);
        assert!(String::from_utf8_lossy(&resumed.stdout).contains("runs: total 12, ok 12, failed 0"), "{folder}");
        assert_same_files(&tmp.path().join("whole"), &tmp.path().join(folder));
    }
    // A part deleted since: its runs (and the later ones) run again.
    fs::remove_file(tmp.path().join("stopped/series/part-000001.parquet")).unwrap();
    ok(&sweep(tmp.path(), &exp, "stopped", &["--resume"]));
    assert_same_files(&tmp.path().join("whole"), &tmp.path().join("stopped"));
    // The format of a folder is kept on resume; asking for another is refused.
    let out = sweep(tmp.path(), &exp, "stopped", &["--resume", "--series-format", "csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds series stored as parquet"));
}

/// Regression guard of issue 18's storage goal: at most 2 KB of series per run of the default
/// scenario, in a full part of 1,024 runs (sizes are deterministic: 1,869 bytes per run).
#[test]
fn parquet_series_of_the_default_scenario_take_at_most_2_kb_per_run() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = tmp.path().join("size.toml");
    let scenario = root().join("scenarios/default.toml");
    fs::write(&exp, format!("name = \"size\"\nscenario = \"{}\"\nreplicates = 1024\nseed = 1\n", scenario.display()))
        .unwrap();
    ok(&sweep(tmp.path(), &exp, "out", &[]));
    let bytes = fs::metadata(tmp.path().join("out/series/part-000000.parquet")).unwrap().len();
    let per_run = bytes as f64 / 1024.0;
    assert!(per_run <= 2048.0, "{per_run:.0} bytes per run");
    let _ = writeln!(std::io::stderr(), "series_parquet: {per_run:.0} bytes per run of the default scenario");
}

/// pandas (`pd.read_parquet("series")`) and polars (`pl.read_parquet("series/*.parquet")`) read the
/// parts without any help and find the values of `series.csv` (reals to their 7 significant digits).
#[test]
fn pandas_and_polars_read_the_parts_as_series_csv() {
    let check = Command::new("python3").args(["-c", "import pandas, pyarrow, polars"]).output();
    if !check.as_ref().is_ok_and(|o| o.status.success()) {
        let required = std::env::var("IPWARM_REQUIRE_PANDAS").is_ok_and(|v| v == "1");
        assert!(!required, "IPWARM_REQUIRE_PANDAS=1 but python3 cannot import pandas, pyarrow and polars");
        let _ = writeln!(
            std::io::stderr(),
            "series_parquet::pandas_and_polars_read_the_parts_as_series_csv: skipped: no pandas, pyarrow or polars"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "csv", &["--series-format", "csv"]));
    ok(&sweep(tmp.path(), &exp, "parquet", &PARQUET));
    let script = r#"
import numpy as np, pandas as pd, polars as pl
csv = pd.read_csv("csv/series.csv")
for name, df in [("pandas", pd.read_parquet("parquet/series")),
                 ("polars", pl.read_parquet("parquet/series/*.parquet").to_pandas())]:
    # Parts in name order, rows in the order of series.csv.
    assert list(df.columns) == list(csv.columns), (name, list(df.columns))
    assert len(df) == len(csv), (name, len(df), len(csv))
    for column in csv.columns:
        a, b = df[column], csv[column]
        if column == "provider":
            assert (a.astype(str) == b).all(), name
        elif column == "reputation":
            assert np.allclose(a, b, rtol=1e-7, atol=0, equal_nan=True), name
            assert all(f"{x:.7g}" == f"{y:.7g}" for x, y in zip(a, b)), name
        else:
            assert (a.astype("int64") == b).all(), (name, column)
    print(name, "ok", len(df))
"#;
    let out = Command::new("python3").args(["-c", script]).current_dir(tmp.path()).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("pandas ok 600") && stdout.contains("polars ok 600"), "{stdout}");
}
