//! `ipwarm run --events`: the real binary on a small scenario
//! (tests/fixtures/events/small.toml) writes every format, byte-identical from
//! one run to the next; each file, through `ipwarm ingest`, gives back the
//! rows of `observed.csv` for the fields its format carries; the size limit
//! refuses a run before anything is written; `--events-start` dates the files.

use super::support::{ipwarm, ok, root};
use ipwarm::observed::{ObservedRow, read_observed};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every format with its file, as `--events` names and writes them.
const FORMATS: [(&str, &str); 6] = [
    ("ses", "events-ses.jsonl"),
    ("kumomta", "events-kumomta.jsonl"),
    ("postfix", "maillog"),
    ("postmaster", "postmaster.jsonl"),
    ("snds", "snds.csv"),
    ("csv", "observed.csv"),
];

fn small() -> PathBuf {
    root().join("tests/fixtures/events/small.toml")
}

/// `ipwarm run small.toml --out OUT --events F...` plus `extra`, in `dir`.
fn run(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let scenario = small().display().to_string();
    let mut args = vec!["run", scenario.as_str(), "--out", out];
    for (format, _) in FORMATS {
        args.extend(["--events", format]);
    }
    args.extend(extra);
    ipwarm(dir, &args)
}

fn rows(path: &Path) -> Vec<ObservedRow> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_observed(text.as_bytes(), &path.display().to_string()).expect("observed.csv reads back").into_rows()
}

/// The fields `format` carries, as text, by key; rows carrying nothing left out.
fn carried(rows: &[ObservedRow], format: &str) -> BTreeMap<(String, String, String), Vec<String>> {
    let count = |v: Option<u64>| v.unwrap_or(0).to_string();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let float = |v: Option<f64>| v.map(|x| format!("{x:?}")).unwrap_or_default();
    let snds = |r: &ObservedRow| ["GREEN", "YELLOW", "RED"].contains(&text(&r.reputation).as_str());
    let mut out = BTreeMap::new();
    for r in rows {
        let counts = [r.sent, r.delivered, r.deferred, r.bounced, r.blocked, r.expired, r.complaints, r.opens];
        let fields: Vec<String> = match format {
            "ses" => counts.iter().map(|&c| count(c)).collect(),
            "kumomta" => counts[..7].iter().map(|&c| count(c)).collect(),
            "postfix" => counts[..6].iter().map(|&c| count(c)).collect(),
            "postmaster" if r.reputation.is_some() && !snds(r) => vec![text(&r.reputation), float(r.spam_rate)],
            "snds" if snds(r) => vec![text(&r.reputation), float(r.spam_rate), count(r.trap_hits)],
            "csv" => vec![format!("{r:?}")],
            _ => continue,
        };
        if fields.iter().any(|f| !f.is_empty() && f != "0") {
            out.insert((r.date.to_string(), r.provider.clone(), r.ip.clone()), fields);
        }
    }
    out
}

#[test]
fn every_format_is_written_deterministically_and_ingests_back_to_the_observed_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    ok(&run(dir.path(), "a", &[]));
    ok(&run(dir.path(), "b", &[]));
    for (_, file) in FORMATS {
        let (a, b) = (dir.path().join("a").join(file), dir.path().join("b").join(file));
        let bytes = std::fs::read(&a).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!bytes.is_empty(), "{file} is empty");
        assert!(bytes == std::fs::read(&b).expect("second run"), "{file} differs between two runs");
    }
    let observed = rows(&dir.path().join("a/observed.csv"));
    let total = |f: fn(&ObservedRow) -> Option<u64>| observed.iter().filter_map(f).sum::<u64>();
    for (name, n) in [("deferred", total(|r| r.deferred)), ("expired", total(|r| r.expired))] {
        assert!(n > 0, "the scenario must produce {name} mail");
    }
    for (name, n) in [("blocked", total(|r| r.blocked)), ("complaints", total(|r| r.complaints))] {
        assert!(n > 0, "the scenario must produce {name}");
    }
    for (format, file) in FORMATS {
        let input = dir.path().join("a").join(file).display().to_string();
        let out = format!("{format}.csv");
        ok(&ipwarm(dir.path(), &["ingest", format, &input, "--out", &out]));
        let back = rows(&dir.path().join(&out));
        let (expected, got) = (carried(&observed, format), carried(&back, format));
        assert!(!expected.is_empty(), "{format}: nothing to compare");
        let differ: Vec<_> = expected.iter().filter(|(k, v)| got.get(*k) != Some(*v)).take(3).collect();
        let extra: Vec<_> = got.keys().filter(|k| !expected.contains_key(*k)).take(3).collect();
        assert!(
            differ.is_empty() && extra.is_empty(),
            "{format}: rows differ: {differ:?} (got {:?}); extra {extra:?}",
            differ.iter().map(|(k, _)| got.get(*k)).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_limit_is_checked_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(dir.path(), "limited", &["--events-limit", "1000"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than --events-limit 1000") && err.contains("ses "), "{err}");
    assert!(!dir.path().join("limited").exists(), "nothing is written");
    // The message gives the count: exactly that many is accepted.
    let total: String = err.split("write ").nth(1).and_then(|s| s.split(' ').next()).expect("a count").to_string();
    ok(&run(dir.path(), "exact", &["--events-limit", &total]));
    let lines: usize = FORMATS
        .iter()
        .map(|(_, file)| {
            std::fs::read(dir.path().join("exact").join(file)).expect("file").split(|&b| b == b'\n').count() - 1
        })
        .sum();
    assert_eq!(
        lines.to_string(),
        (total.parse::<usize>().expect("number") + 1).to_string(),
        "records + the csv header"
    );
}

#[test]
fn events_start_dates_the_files_and_bad_dates_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = small().display().to_string();
    let args = ["run", scenario.as_str(), "--out", "late", "--events", "csv", "--events", "postmaster"];
    ok(&ipwarm(dir.path(), &[&args[..], &["--events-start", "2025-12-30"]].concat()));
    let dates: Vec<String> = rows(&dir.path().join("late/observed.csv")).iter().map(|r| r.date.to_string()).collect();
    assert_eq!(dates.first().map(String::as_str), Some("2025-12-30"));
    assert_eq!(dates.last().map(String::as_str), Some("2026-01-02"));
    let postmaster = std::fs::read_to_string(dir.path().join("late/postmaster.jsonl")).expect("postmaster");
    assert!(postmaster.contains("trafficStats/20260102"), "{postmaster}");
    let bad = ipwarm(dir.path(), &[&args[..], &["--events-start", "2026-02-30"]].concat());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected a date YYYY-MM-DD"));
}
