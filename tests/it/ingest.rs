//! `ipwarm ingest`: each format's fixture (tests/fixtures/ingest/) through the
//! real binary to `observed.csv`, which reads back; merging with `ingest csv`;
//! malformed, truncated and hostile files give located errors, exit 2 and
//! nothing written; an existing `--out` is kept without `--force`.

use super::support::{ipwarm, ok, root};
use ipwarm::observed::read_observed;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/ingest").join(name)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

/// Runs `ipwarm ingest FORMAT FILE... --out out.csv [extra]` in `dir`.
fn ingest(dir: &Path, format: &str, files: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["ingest".to_string(), format.to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--out".to_string(), "out.csv".to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    ipwarm(dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_format_ingests_its_fixture_into_a_csv_that_reads_back() {
    let cases = [
        ("ses", "ses.jsonl", 5, vec![]),
        ("kumomta", "kumomta.jsonl", 4, vec![]),
        ("postfix", "postfix.log", 5, vec!["--year", "2026"]),
        ("postmaster", "postmaster.json", 4, vec![]),
        ("snds", "snds.csv", 2, vec![]),
        ("csv", "observed.csv", 2, vec![]),
    ];
    for (format, file, n_rows, extra) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = ingest(dir.path(), format, &[&fixture(file)], &extra);
        ok(&out);
        let text = std::fs::read_to_string(dir.path().join("out.csv")).expect("out.csv");
        let table = read_observed(text.as_bytes(), "out.csv").unwrap_or_else(|e| panic!("{format}: {e}"));
        assert_eq!(table.len(), n_rows, "{format}:\n{text}");
        assert!(stderr(&out).contains(&format!("wrote out.csv: {n_rows} rows")), "{}", stderr(&out));
    }
}

#[test]
fn skipped_records_are_summarised_with_their_first_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = ingest(dir.path(), "ses", &[&fixture("ses.jsonl")], &[]);
    ok(&out);
    let err = stderr(&out);
    assert!(err.contains("note: 1 record(s): event Click (not a delivery outcome) (first at "), "{err}");
    assert!(err.contains("ses.jsonl:11)"), "{err}");
}

#[test]
fn csv_merges_files_counts_add_and_published_values_join() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, file, name) in
        [("ses", "ses.jsonl", "a.csv"), ("snds", "snds.csv", "b.csv"), ("postmaster", "postmaster.json", "c.csv")]
    {
        let out = ipwarm(dir.path(), &["ingest", format, &fixture(file).display().to_string(), "--out", name]);
        ok(&out);
    }
    let out = ipwarm(dir.path(), &["ingest", "csv", "a.csv", "b.csv", "c.csv", "a.csv", "--out", "all.csv"]);
    ok(&out);
    let all = std::fs::read(dir.path().join("all.csv")).expect("all.csv");
    let table = read_observed(all.as_slice(), "all.csv").expect("valid");
    let row = table
        .rows()
        .find(|r| r.date.to_string() == "2026-03-02" && r.provider == "gmail" && r.ip == "198.51.100.7")
        .expect("row");
    assert_eq!(
        (row.sent, row.delivered, row.reputation.as_deref(), row.spam_rate),
        (Some(4), Some(2), Some("LOW"), Some(0.0012))
    );
}

#[test]
fn the_output_is_never_replaced_without_force_nor_an_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("out.csv"), "mine\n").expect("write");
    let out = ingest(dir.path(), "snds", &[&fixture("snds.csv")], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("out.csv")).expect("kept"), "mine\n");
    ok(&ingest(dir.path(), "snds", &[&fixture("snds.csv")], &["--force"]));
    let out = ipwarm(dir.path(), &["ingest", "csv", "out.csv", "--out", "out.csv", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is one of the input files"), "{}", stderr(&out));
}

/// Each bad file: (format, contents, a located message expected on stderr).
fn bad_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let ses = fixture_text("ses.jsonl");
    let first_ses = ses.lines().next().expect("line").to_string();
    let truncated = &first_ses[..first_ses.len() / 2];
    vec![
        ("ses", format!("{first_ses}\n{truncated}").into_bytes(), "bad.log:2:"),
        (
            "ses",
            format!("{first_ses}\n{{\"eventType\":\"Send\"}}\n").into_bytes(),
            "bad.log:2: Send record without `mail`",
        ),
        ("ses", b"\xff\xfe not utf-8\n".to_vec(), "bad.log:1:1: invalid utf-8"),
        ("ses", format!("{}\n", "[".repeat(10_000)).into_bytes(), "bad.log:1:"),
        (
            "kumomta",
            b"{\"type\":\"Delivery\",\"timestamp\":99999999999999999999999999}\n".to_vec(),
            "bad.log:1: timestamp",
        ),
        ("kumomta", b"{\"type\":\"Delivery\",\"num_attempts\":-1,\"timestamp\":1}\n".to_vec(), "bad.log:1:"),
        (
            "postfix",
            b"Mar  2 09:14:07 h postfix/smtp[1]: 1A: to=<r@gmail.com>, status=sent\n".to_vec(),
            "bad.log:1:1: syslog timestamp without a year",
        ),
        ("postmaster", b"{\"name\":\"domains/x/trafficStats/20260230\"}\n".to_vec(), "bad.log:1: name: expected"),
        ("postmaster", b"{\"name\":\"domains/x/trafficStats/20260302\",\n \"ipReputations\": [".to_vec(), "bad.log:2:"),
        ("snds", b"198.51.100.7,3/1/2026 8:00 AM,,1,1,1,GREEN,12,,,0\n".to_vec(), "bad.log:1: Complaint rate"),
        ("csv", b"date,provider,ip,sent\n2026-03-02,gmail,ip-1,-4\n".to_vec(), "bad.log:2:23: sent: expected a count"),
        (
            "csv",
            b"date,provider,ip,sent\n2026-03-02,gmail,ip-1,99999999999999999999\n".to_vec(),
            "bad.log:2:23: sent: 99999999999999999999 is too large",
        ),
    ]
}

#[test]
fn malformed_truncated_and_hostile_files_give_located_errors_exit_2_and_no_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (format, contents, expected) in bad_files() {
        std::fs::write(dir.path().join("bad.log"), &contents).expect("write");
        let out = ipwarm(dir.path(), &["ingest", format, "bad.log", "--out", "out.csv"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{format} {expected}: {err}");
        assert!(err.contains(expected), "{format}: expected `{expected}` in:\n{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!dir.path().join("out.csv").exists(), "{format}: nothing is written");
    }
}

#[test]
fn a_bad_provider_map_is_located_and_a_good_one_is_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("p.toml"), "[domains]\n\"gmail.com\" = \"personal\"\n[mx]\n\"a b\" = \"x\"\n")
        .expect("write");
    let out = ingest(dir.path(), "ses", &[&fixture("ses.jsonl")], &["--providers", "p.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("p.toml:4:1: expected a domain"), "{}", stderr(&out));
    std::fs::write(dir.path().join("p.toml"), "[domains]\n\"gmail.com\" = \"personal\"\n").expect("write");
    ok(&ingest(dir.path(), "ses", &[&fixture("ses.jsonl")], &["--providers", "p.toml"]));
    let text = std::fs::read_to_string(dir.path().join("out.csv")).expect("out");
    assert!(text.contains("2026-03-02,personal,198.51.100.7,2,1,"), "{text}");
}

#[test]
fn a_missing_input_file_is_bad_input_and_the_help_shows_examples() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = ipwarm(dir.path(), &["ingest", "ses", "missing.jsonl", "--out", "o.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read missing.jsonl"), "{}", stderr(&out));
    let help = ipwarm(dir.path(), &["ingest", "--help"]);
    ok(&help);
    assert!(String::from_utf8_lossy(&help.stdout).contains("ipwarm ingest postfix /var/log/mail.log --year 2026"));
}

#[test]
fn standard_input_to_standard_output() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ipwarm"))
        .args(["ingest", "postfix", "-", "--year", "2026", "--out", "-"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ipwarm runs");
    child.stdin.take().expect("stdin").write_all(fixture_text("postfix.log").as_bytes()).expect("write stdin");
    let out = child.wait_with_output().expect("ipwarm ends");
    ok(&out);
    let table = read_observed(out.stdout.as_slice(), "stdout").expect("valid CSV on stdout");
    assert_eq!(table.len(), 5);
    assert!(stderr(&out).contains("(first at <stdin>:"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "nothing written");
}
