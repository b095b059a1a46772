//! Unit tests of the readers on the shipped fixtures (tests/fixtures/ingest/)
//! and on malformed, truncated and hostile input.

use super::*;

const SES: &str = include_str!("../../../tests/fixtures/ingest/ses.jsonl");
const KUMOMTA: &str = include_str!("../../../tests/fixtures/ingest/kumomta.jsonl");
const POSTFIX: &str = include_str!("../../../tests/fixtures/ingest/postfix.log");
const POSTMASTER: &str = include_str!("../../../tests/fixtures/ingest/postmaster.json");
const SNDS: &str = include_str!("../../../tests/fixtures/ingest/snds.csv");
const CSV: &str = include_str!("../../../tests/fixtures/ingest/observed.csv");

fn ingest(format: Format, text: &[u8]) -> Result<Ingested, ObservedError> {
    let mut ingest = Ingest::new(format, Options { year: Some(2026), ..Options::default() });
    ingest.read(text, "in.log");
    ingest.finish()
}

/// Rows as `date provider ip sent/delivered/deferred/bounced/blocked/expired/complaints/opens`.
fn rows(format: Format, text: &str) -> Vec<String> {
    let ingested = ingest(format, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let n = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    ingested
        .table
        .rows()
        .map(|r| {
            let counts = [r.sent, r.delivered, r.deferred, r.bounced, r.blocked, r.expired, r.complaints, r.opens];
            let published = format!(
                "{} {} {}",
                r.reputation.as_deref().unwrap_or("-"),
                r.spam_rate.map_or("-".to_string(), |v| v.to_string()),
                n(r.trap_hits)
            );
            format!("{} {} {} {} {published}", r.date, r.provider, r.ip, counts.map(n).join("/"))
        })
        .collect()
}

fn skips(format: Format, text: &str) -> Vec<(String, u64, u64)> {
    let ingested = ingest(format, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    ingested.skips.list().into_iter().map(|s| (s.reason, s.count, s.first.line)).collect()
}

fn problems(format: Format, text: &[u8]) -> Vec<String> {
    match ingest(format, text) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn ses_events_count_per_recipient_on_their_day() {
    assert_eq!(
        rows(Format::Ses, SES),
        [
            "2026-03-02 gmail 198.51.100.7 2/1/0/1/0/0/0/1 - - -",
            "2026-03-02 microsoft 198.51.100.8 1/0/0/0/1/0/0/0 - - -",
            "2026-03-02 yahoo 198.51.100.7 1/0/1/0/0/0/0/0 - - -",
            "2026-03-03 gmail 198.51.100.7 0/0/0/0/0/0/1/0 - - -",
            "2026-03-03 yahoo 198.51.100.7 0/0/0/0/0/1/0/0 - - -",
        ]
    );
    let skipped = skips(Format::Ses, SES);
    assert_eq!(skipped[0], ("event Click (not a delivery outcome)".to_string(), 1, 11));
    assert_eq!(skipped[1].0, "event Rendering Failure (not a delivery outcome)");
    assert_eq!(skipped.len(), 2, "{skipped:?}");
}

#[test]
fn kumomta_records_count_sent_at_the_first_attempt() {
    assert_eq!(
        rows(Format::Kumomta, KUMOMTA),
        [
            "2026-03-02 gmail ip-3 2/1/1/0/0/0/0/- - - -",
            "2026-03-02 microsoft ip-4 3/0/0/1/2/0/0/- - - -",
            "2026-03-03 gmail ip-3 0/1/0/0/0/0/1/- - - -",
            "2026-03-03 yahoo ip-3 0/0/0/0/0/1/0/- - - -",
        ]
    );
    let reasons: Vec<String> = skips(Format::Kumomta, KUMOMTA).into_iter().map(|s| s.0).collect();
    assert!(reasons.iter().any(|r| r.starts_with("Reception")), "{reasons:?}");
    assert!(reasons.contains(&"unknown record type \"SomeFutureType\"".to_string()), "{reasons:?}");
}

#[test]
fn postfix_lines_count_by_status_and_expire_deferred_recipients() {
    assert_eq!(
        rows(Format::Postfix, POSTFIX),
        [
            "2026-03-02 apple ip4 1/0/0/0/1/0/-/- - - -",
            "2026-03-02 gmail ip3 1/1/0/0/0/0/-/- - - -",
            "2026-03-02 microsoft ip3 1/0/2/0/0/0/-/- - - -",
            "2026-03-02 yahoo ip4 1/0/0/1/0/0/-/- - - -",
            "2026-03-07 microsoft ip3 0/0/0/0/0/1/-/- - - -",
        ]
    );
    let reasons: Vec<String> = skips(Format::Postfix, POSTFIX).into_iter().map(|s| s.0).collect();
    assert!(reasons.contains(&"service \"smtpd\" line without a queue id".to_string()), "{reasons:?}");
    assert!(reasons.contains(&"service \"local\" line (not a delivery result)".to_string()), "{reasons:?}");
}

#[test]
fn postfix_needs_a_year_for_classic_timestamps_and_turns_the_year() {
    let mut ingest = Ingest::new(Format::Postfix, Options::default());
    ingest.read(POSTFIX.as_bytes(), "mail.log");
    let e = ingest.finish().expect_err("no year");
    assert_eq!(e.problems[0].to_string(), "mail.log:1:1: syslog timestamp without a year: pass --year");
    let turn = "Dec 31 23:59:59 h postfix-a/smtp[1]: 1A: to=<r-1@gmail.com>, relay=none, dsn=4.4.1, status=deferred (x)\n\
                Jan  1 00:00:01 h postfix-a/smtp[1]: 1A: to=<r-1@gmail.com>, relay=none, dsn=2.0.0, status=sent (ok)\n";
    assert_eq!(
        rows(Format::Postfix, turn),
        ["2026-12-31 gmail a 1/0/1/0/0/0/-/- - - -", "2027-01-01 gmail a 0/1/0/0/0/0/-/- - - -"]
    );
    let rfc = "2026-03-02T09:14:07.123456+00:00 h postfix/smtp[1]: 1A: to=<r-1@me.com>, relay=none, status=sent (ok)\n";
    assert_eq!(rows(Format::Postfix, rfc), ["2026-03-02 apple postfix 1/1/0/0/0/0/-/- - - -"]);
}

#[test]
fn postmaster_and_snds_give_published_values() {
    assert_eq!(
        rows(Format::Postmaster, POSTMASTER),
        [
            "2026-03-02 gmail 198.51.100.7 -/-/-/-/-/-/-/- LOW 0.0012 -",
            "2026-03-02 gmail 198.51.100.8 -/-/-/-/-/-/-/- HIGH 0.0012 -",
            "2026-03-03 gmail 198.51.100.7 -/-/-/-/-/-/-/- MEDIUM 0.002 -",
            "2026-03-03 gmail 198.51.100.8 -/-/-/-/-/-/-/- MEDIUM 0.002 -",
        ]
    );
    assert_eq!(
        rows(Format::Snds, SNDS),
        [
            "2026-03-01 microsoft 198.51.100.7 -/-/-/-/-/-/-/- YELLOW 0.003 2",
            "2026-03-01 microsoft 198.51.100.8 -/-/-/-/-/-/-/- GREEN 0.0005 0",
        ]
    );
    assert_eq!(rows(Format::Csv, CSV).len(), 2);
}

#[test]
fn malformed_records_are_located_and_all_reported() {
    let bad_ses = format!(
        "{}\n{{\"eventType\":\"Send\"}}\n{{\"eventType\":\"Bounce\",\"mail\":{{\"tags\":{{}}}}}}\n{{trunc",
        SES.lines().next().unwrap_or("")
    );
    assert_eq!(
        problems(Format::Ses, bad_ses.as_bytes()),
        ["in.log:2: Send record without `mail`", "in.log:3: missing `bounce`", "in.log:4:2: key must be a string",]
    );
    let bad_kumo =
        "{\"type\":\"Delivery\",\"recipient\":5,\"timestamp\":1}\n{\"type\":\"Delivery\",\"timestamp\":1e300}\n";
    assert_eq!(
        problems(Format::Kumomta, bad_kumo.as_bytes()),
        [
            "in.log:1: recipient: expected a string or a list of strings",
            "in.log:2: timestamp: expected Unix seconds from 0 to 253402300799"
        ]
    );
    let bad_snds = "198.51.100.7,3/1/2026 8:00 AM,x,1,1,1,PURPLE,0.3%,,,2\nnot-an-ip,3/1/2026,,,,,,,,,\n";
    let p = problems(Format::Snds, bad_snds.as_bytes());
    assert!(p[0].starts_with("in.log:1: Filter result: expected GREEN"), "{p:?}");
    assert!(p[1].starts_with("in.log:2:1: IP Address"), "{p:?}");
    let p = problems(Format::Postmaster, b"{\"name\":\"domains/x/trafficStats/2026\"}\n[1,");
    assert!(p[0].starts_with("in.log:1: name: expected"), "{p:?}");
    assert!(p[1].starts_with("in.log:2:"), "{p:?}");
}

#[test]
fn hostile_input_gives_problems_never_a_panic() {
    let deep = format!("{}\n", "[".repeat(50_000));
    let huge = format!("{{\"type\":\"Delivery\",\"num_attempts\":{},\"timestamp\":1}}\n", "9".repeat(400));
    let inputs: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        huge.into_bytes(),
        b"\xff\xfe\x00garbage\n\x00\x01".to_vec(),
        b"{\"eventType\":\"Send\",\"mail\":{\"destination\":[\"a@gmail.com\"],\"timestamp\":\"2026-03-02T09:00:0"
            .to_vec(),
        b"Mar 99 99:99:99 h postfix/smtp[1]: 1A: to=<\n".to_vec(),
        b"date,provider,ip\n2026-01-01,\"g".to_vec(),
    ];
    for format in Format::ALL {
        for input in &inputs {
            let result = std::panic::catch_unwind(|| ingest(format, input));
            assert!(result.is_ok(), "{format:?} panicked on {input:?}");
        }
    }
    assert_eq!(problems(Format::Ses, b"\xff\n").first().map(String::as_str), Some("in.log:1:1: invalid utf-8"));
    let many: String = (0..500).map(|_| "x\n").collect();
    let p = problems(Format::Kumomta, many.as_bytes());
    assert_eq!(p.len(), crate::observed::problem::MAX_PROBLEMS);
}
