//! `manifest.json` of experiment folders: constant size whatever the number of runs (counts,
//! not a list of runs), counts and digests that match the files after a kill and a resume,
//! merge's refusal of a shard edited after it finished, and manifests of layout 1 (a list of
//! runs) still read, resumed and merged.

use std::fs;
use std::path::Path;

use crate::support::{assert_same_files, ipwarm, ok};
use crate::sweep::{small_experiment, sweep};

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// `lines bytes fnv1a64` of a file, as the manifest's digests record them.
fn digest(path: &Path) -> serde_json::Value {
    let bytes = fs::read(path).unwrap();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for &b in &bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    serde_json::json!({"lines": lines, "bytes": bytes.len(), "fnv1a64": format!("{hash:016x}")})
}

/// Stops a sweep of `exp` into `out` after `n` runs (exit 1).
fn stopped(dir: &Path, exp: &Path, out: &str, n: usize) {
    let hook = format!("stop-after={n}");
    let res = sweep(dir, exp, out, &["--test-hook", &hook, "--threads", "1"]);
    assert_eq!(res.status.code(), Some(1), "{}", String::from_utf8_lossy(&res.stderr));
}

#[test]
fn the_manifest_has_the_same_size_for_12_and_10_000_planned_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let mut texts = Vec::new();
    for replicates in [3, 2_500] {
        let dir = tmp.path().join(format!("r{replicates}"));
        fs::create_dir(&dir).unwrap();
        let exp = small_experiment(&dir, replicates);
        stopped(&dir, &exp, "out", 2);
        let m = manifest(&dir.join("out"));
        let planned = 4 * replicates as u64;
        assert_eq!(
            m["run_counts"],
            serde_json::json!({"planned": planned, "ok": 2, "failed": 0, "pending": planned - 2})
        );
        assert_eq!(m["manifest_version"], 2);
        assert!(m.get("runs").is_none(), "no list of runs");
        texts.push(fs::read_to_string(dir.join("out/manifest.json")).unwrap());
    }
    // 4 x 3 and 4 x 2,500 runs: the replicates, the counts and the hash differ, in digits only.
    let (small, large) = (&texts[0], &texts[1]);
    assert!(large.len() >= small.len() && large.len() - small.len() <= 16, "{} vs {} bytes", small.len(), large.len());
    assert!(small.len() < 4_000, "{small}");
}

#[test]
fn a_resumed_sweep_records_the_counts_and_the_digest_of_its_whole_files() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "whole", &[]));
    stopped(tmp.path(), &exp, "cut", 5);
    let cut = tmp.path().join("cut");
    let m = manifest(&cut);
    assert_eq!(m["run_counts"], serde_json::json!({"planned": 12, "ok": 5, "failed": 0, "pending": 7}));
    assert_eq!(m["runs_digest"], digest(&cut.join("runs.csv")));
    // As if killed while writing a row; the kept part is digested again on resume.
    let mut text = fs::read_to_string(cut.join("runs.csv")).unwrap();
    text.push_str("5,1,2,0x99,1");
    fs::write(cut.join("runs.csv"), text).unwrap();
    ok(&sweep(tmp.path(), &exp, "cut", &["--resume", "--threads", "2"]));
    let m = manifest(&cut);
    assert_eq!(m["run_counts"], serde_json::json!({"planned": 12, "ok": 12, "failed": 0, "pending": 0}));
    assert_eq!(m["runs_digest"], digest(&cut.join("runs.csv")), "the digest covers the part kept and the rest");
    assert_same_files(&tmp.path().join("whole"), &cut);
}

#[test]
fn merge_refuses_a_shard_edited_cut_or_unfinished() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    for k in 1..=2 {
        ok(&sweep(tmp.path(), &exp, &format!("s{k}"), &["--shard", &format!("{k}/2")]));
    }
    let runs = tmp.path().join("s2/runs.csv");
    let good = fs::read_to_string(&runs).unwrap();
    let refused = |out: &str, why: &str| {
        let res = ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", out]);
        let err = String::from_utf8_lossy(&res.stderr).into_owned();
        assert_eq!(res.status.code(), Some(2), "{err}");
        assert!(err.contains("shard 2/2") && err.contains(why), "{why}: {err}");
    };
    // One value changed (the last byte of the first run's row): same rows, another checksum.
    let mut edited = good.clone().into_bytes();
    let i = good.match_indices('\n').nth(1).unwrap().0 - 1;
    edited[i] = if edited[i] == b'1' { b'2' } else { b'1' };
    fs::write(&runs, &edited).unwrap();
    refused("m1", "runs.csv changed since the shard finished");
    // The last row cut off.
    let cut = &good[..good.trim_end().rfind('\n').unwrap() + 1];
    fs::write(&runs, cut).unwrap();
    refused("m2", "runs.csv holds 5 of the 6 runs");
    // A manifest saying runs are pending.
    fs::write(&runs, &good).unwrap();
    let path = tmp.path().join("s2/manifest.json");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("\"pending\": 0", "\"pending\": 1")).unwrap();
    refused("m3", "is not finished: resume it first");
    fs::write(&path, text).unwrap();
    ok(&ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "merged"]));
    assert_eq!(manifest(&tmp.path().join("merged"))["run_counts"]["ok"], 12);
}

/// Rewrites `dir/manifest.json` as layout 1 wrote it: no version, no counts, every run listed.
fn as_layout_one(dir: &Path) {
    let mut m = manifest(dir);
    let runs = fs::read_to_string(dir.join("runs.csv")).unwrap();
    let listed: Vec<serde_json::Value> = runs
        .lines()
        .skip(1)
        .map(|row| {
            let f: Vec<&str> = row.split(',').collect();
            let status = if row.contains(",ok,") { "ok" } else { "failed" };
            serde_json::json!({"run": f[0].parse::<u64>().unwrap(), "point": f[1].parse::<u64>().unwrap(),
                "replicate": f[2].parse::<u64>().unwrap(), "seed": f[3], "status": status})
        })
        .collect();
    let map = m.as_object_mut().unwrap();
    map.remove("manifest_version");
    map.remove("run_counts");
    map.insert("runs".into(), serde_json::Value::Array(listed));
    fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(&m).unwrap()).unwrap();
}

#[test]
fn folders_whose_manifest_lists_its_runs_still_merge_resume_and_plot() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 3);
    ok(&sweep(tmp.path(), &exp, "whole", &[]));
    for k in 1..=2 {
        let out = format!("s{k}");
        ok(&sweep(tmp.path(), &exp, &out, &["--shard", &format!("{k}/2")]));
        as_layout_one(&tmp.path().join(&out));
    }
    ok(&ipwarm(tmp.path(), &["merge", "s2", "s1", "--out", "merged"]));
    assert_same_files(&tmp.path().join("whole"), &tmp.path().join("merged"));
    // A sweep cut short under layout 1 resumes to the files of the whole sweep.
    stopped(tmp.path(), &exp, "cut", 4);
    as_layout_one(&tmp.path().join("cut"));
    assert!(fs::read_to_string(tmp.path().join("cut/manifest.json")).unwrap().contains("\"runs\": ["));
    ok(&sweep(tmp.path(), &exp, "cut", &["--resume"]));
    assert_same_files(&tmp.path().join("whole"), &tmp.path().join("cut"));
    as_layout_one(&tmp.path().join("cut"));
    ok(&ipwarm(tmp.path(), &["plot", "cut"]));
}
