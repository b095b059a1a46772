//! `examples/read_outputs.py` reads fresh outputs of `run`, `sweep` and `compare` with pandas.
//!
//! Needs `python3` (3.11 or later, for `tomllib`) with pandas and pyarrow (the Parquet series):
//! `.ci/run` installs pinned ones. Without it the test says it is skipped and why, and passes; with
//! `IPWARM_REQUIRE_PANDAS=1` (set by `.ci/run`) it fails instead, so that CI cannot pass
//! without running the example.

use crate::support::{ipwarm, ok, root};
use crate::sweep::small_experiment;
use std::io::Write;
use std::process::Command;

/// Why the example cannot run here, if it cannot.
fn python_unavailable() -> Option<String> {
    let probe =
        Command::new("python3").args(["-c", "import tomllib, pandas, pyarrow; print(pandas.__version__)"]).output();
    match probe {
        Err(e) => Some(format!("python3 cannot be started: {e}")),
        Ok(out) if !out.status.success() => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let last = stderr.lines().last().unwrap_or("").to_string();
            Some(format!("python3 has no pandas, no pyarrow or no tomllib (Python < 3.11): {last}"))
        }
        Ok(_) => None,
    }
}

#[test]
fn the_python_example_reads_every_kind_of_output_folder() {
    if let Some(why) = python_unavailable() {
        let required = std::env::var("IPWARM_REQUIRE_PANDAS").is_ok_and(|v| v == "1");
        assert!(!required, "IPWARM_REQUIRE_PANDAS=1 but the Python example cannot run: {why}");
        // Written to the real stderr, past the test harness's capture, so that the skip shows.
        let _ = writeln!(
            std::io::stderr(),
            "python::the_python_example_reads_every_kind_of_output_folder: skipped: {why}; \
             `python3 -m pip install pandas` to run it"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // A run with a seed above 2^53, an experiment with a labelled axis, a comparison of strategies.
    ok(&ipwarm(tmp.path(), &["run", "--strategy", "kumo_conservative", "--seed", "9007199254740993", "--out", "run"]));
    let exp = small_experiment(tmp.path(), 2);
    let labelled = std::fs::read_to_string(&exp)
        .unwrap()
        .replace("{ values = [1.3, 1.6] }", "{ values = [1.3, 1.6], labels = [\"slow\", \"fast\"] }");
    std::fs::write(&exp, labelled).unwrap();
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "sweep"]));
    // The same with the series as CSV, and a run's daily records as Parquet.
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "sweep-csv", "--series-format", "csv"]));
    let parquet_run = ["--series-format", "parquet", "--out", "run-parquet"];
    ok(&ipwarm(
        tmp.path(),
        &[&["run", "--strategy", "kumo_conservative", "--seed", "9007199254740993"][..], &parquet_run].concat(),
    ));
    let compare = ["compare", "--strategy", "exponential", "--strategy", "linear", "--replicates", "2"];
    ok(&ipwarm(tmp.path(), &[&compare[..], &["--out", "compare"]].concat()));
    let script = root().join("examples/read_outputs.py");
    for (run, folder) in [("run", "sweep"), ("run-parquet", "compare"), ("run", "sweep-csv")] {
        let out = Command::new("python3").arg(&script).args([run, folder]).current_dir(tmp.path()).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{folder}: stdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stdout.contains("with preset kumo_conservative (schedule), seed 9007199254740993"), "{stdout}");
        assert!(stdout.ends_with("ok: outputs read as documented\n"), "{stdout}");
        assert!(stdout.contains("series: 400 rows") || folder == "compare", "{folder}: {stdout}");
    }
}
