//! Golden outputs: every shipped scenario run and every shipped experiment swept
//! give the files recorded in `tests/golden/` (a refactor must not change a byte).
//!
//! `tests/golden/<name>.summary.json` holds each run's `summary.json` verbatim, for a
//! readable diff; `tests/golden/digests.txt` holds lines, bytes and an FNV-1a checksum
//! of every file of every output folder (the records of what ran included: a run's
//! `scenario.toml` is also checked to be the shipped file itself). Regenerate both after an intended change
//! with `IPWARM_UPDATE_GOLDEN=1 cargo test --test it golden::` and review the diff.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use super::support::{ipwarm, root, shipped_scenarios};

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

/// `lines bytes fnv1a64` of `bytes`.
fn digest(bytes: &[u8]) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    format!("{lines} {} {hash:016x}", bytes.len())
}

/// Appends `label/file digest` for every file of `dir`, sorted by name.
fn digest_folder(label: &str, dir: &Path, out: &mut String) {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names {
        let bytes = fs::read(dir.join(&name)).unwrap();
        writeln!(out, "{label}/{name} {}", digest(&bytes)).unwrap();
    }
}

/// Compares `actual` with the golden file `name` (or rewrites it), with a line diff on failure.
fn check(name: &str, actual: &str, failures: &mut Vec<String>) {
    let path = golden_dir().join(name);
    if std::env::var_os("IPWARM_UPDATE_GOLDEN").is_some() {
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let mut diff = format!("{name} differs from tests/golden/{name}:\n");
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        let (x, y) = (e.get(i).copied(), a.get(i).copied());
        if x != y {
            let _ = writeln!(diff, "  line {}:\n  - {}\n  + {}", i + 1, x.unwrap_or("(none)"), y.unwrap_or("(none)"));
        }
    }
    failures.push(diff);
}

#[test]
fn shipped_scenarios_and_experiments_give_their_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let mut digests = String::new();
    let mut failures = Vec::new();
    for file in shipped_scenarios() {
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(format!("run-{stem}"));
        // Run from the root with a relative path: summary.json records the path given.
        let rel = format!("scenarios/{stem}.toml");
        let res = ipwarm(&root(), &["run", &rel, "--out", out.to_str().unwrap()]);
        assert!(res.status.success(), "{stem}: {}", String::from_utf8_lossy(&res.stderr));
        digest_folder(&format!("run/{stem}"), &out, &mut digests);
        let summary = fs::read_to_string(out.join("summary.json")).unwrap();
        check(&format!("{stem}.summary.json"), &summary, &mut failures);
        // Run as given, a scenario records itself verbatim.
        let record = fs::read_to_string(out.join("scenario.toml")).unwrap();
        assert!(record == fs::read_to_string(&file).unwrap(), "{stem}: scenario.toml is not the file that ran");
    }
    let mut experiments: Vec<PathBuf> = fs::read_dir(root().join("experiments"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    experiments.sort();
    for exp in experiments {
        let stem = exp.file_stem().unwrap().to_string_lossy().into_owned();
        let out = tmp.path().join(format!("sweep-{stem}"));
        let rel = format!("experiments/{stem}.toml");
        // Series as CSV text: the Parquet parts' bytes also name the parquet crate's version;
        // their content is checked against series.csv in tests/it/series_parquet.rs.
        let res = ipwarm(&root(), &["sweep", &rel, "--out", out.to_str().unwrap(), "--series-format", "csv"]);
        assert!(res.status.success(), "{stem}: {}", String::from_utf8_lossy(&res.stderr));
        digest_folder(&format!("sweep/{stem}"), &out, &mut digests);
        assert_eq!(fs::read_to_string(out.join("experiment.toml")).unwrap(), fs::read_to_string(&exp).unwrap());
    }
    check("digests.txt", &digests, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
