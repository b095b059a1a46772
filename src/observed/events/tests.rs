//! Tests of the event writers: each format is deterministic, has as many
//! records as counted, parses as its format, and reads back through
//! `ipwarm ingest`'s readers into the observed rows it was written from (for
//! the fields the format carries).

use std::collections::BTreeMap;

use super::*;
use crate::observed::Count;
use crate::observed::ingest::{Ingest, Options};

/// A run with deferrals, blocks, bounces, expiries and complaints.
fn events(days: u32) -> Events {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/blast.toml");
    let mut scenario = crate::scenario::parse_file(std::path::Path::new(path)).expect("blast scenario");
    scenario.horizon_days = days;
    scenario.audience.size = 3_000;
    scenario.retry.queue_lifetime_hours = 6;
    // Two sending hours: deferrals, retries and expiries from day 1.
    (scenario.window.start_hour, scenario.window.end_hour) = (9, 11);
    // Microsoft blocks an IP of trust below 0.5: blocks from day 1.
    scenario.providers.iter_mut().filter(|p| p.name == "microsoft").for_each(|p| p.block_trust_threshold = 0.5);
    let result = crate::sim::run(&scenario, 3).expect("run");
    Events::new(&result, &scenario, CivilDate::parse(DEFAULT_EVENTS_START).expect("date"))
}

fn written(events: &Events, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    events.write(format, &mut out).expect("write");
    out
}

/// The fields `format` carries of each row, as text; rows with nothing carried left out.
fn project(rows: &[ObservedRow], format: Format) -> BTreeMap<(CivilDate, String, String), Vec<String>> {
    let count = |v: Option<u64>| v.unwrap_or(0).to_string();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let float = |v: Option<f64>| v.map(|x| format!("{x:?}")).unwrap_or_default();
    let snds = |r: &ObservedRow| ["GREEN", "YELLOW", "RED"].contains(&text(&r.reputation).as_str());
    rows.iter()
        .filter(|r| match format {
            Format::Postmaster => r.reputation.is_some() && !snds(r),
            Format::Snds => snds(r),
            _ => true,
        })
        .filter_map(|r| {
            let fields: Vec<String> = match format {
                Format::Ses | Format::Kumomta | Format::Postfix => {
                    format.counts().iter().map(|c| count(c.get(r))).collect()
                }
                Format::Postmaster => vec![text(&r.reputation), float(r.spam_rate)],
                Format::Snds => vec![text(&r.reputation), float(r.spam_rate), count(r.trap_hits)],
                Format::Csv => {
                    let mut all: Vec<String> = Count::ALL.iter().map(|c| format!("{:?}", c.get(r))).collect();
                    all.extend([format!("{:?}", r.reputation), float(r.spam_rate), format!("{:?}", r.trap_hits)]);
                    all
                }
            };
            let empty = fields.iter().all(|f| f.is_empty() || f == "0");
            (!empty).then(|| ((r.date, r.provider.clone(), r.ip.clone()), fields))
        })
        .collect()
}

fn ingest(format: Format, bytes: &[u8]) -> Vec<ObservedRow> {
    let mut ingest = Ingest::new(format, Options::default());
    ingest.read(bytes, format.file_name());
    let ingested = ingest.finish().unwrap_or_else(|e| panic!("{}: {e}", format.name()));
    ingested.table.into_rows()
}

#[test]
fn every_format_reads_back_as_the_rows_it_was_written_from() {
    let events = events(6);
    let rows = events.rows();
    let n = |f: fn(&ObservedRow) -> Option<u64>| rows.iter().filter_map(f).sum::<u64>();
    assert!(n(|r| r.expired) > 0 && n(|r| r.blocked) > 0 && n(|r| r.bounced) > 0, "the test needs every outcome");
    assert!(n(|r| r.complaints) > 0 && n(|r| r.deferred) > 0, "the test needs complaints and deferrals");
    for format in Format::ALL {
        let bytes = written(&events, format);
        let expected = project(rows, format);
        assert!(!expected.is_empty(), "{}", format.name());
        let back = project(&ingest(format, &bytes), format);
        if back != expected {
            let diff: Vec<_> = expected.iter().filter(|(k, v)| back.get(*k) != Some(v)).take(5).collect();
            let extra: Vec<_> = back.keys().filter(|k| !expected.contains_key(*k)).take(5).collect();
            panic!(
                "{}: rows differ, e.g. expected {diff:?} got {:?}; extra {extra:?}",
                format.name(),
                diff.iter().map(|(k, _)| back.get(*k)).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn every_format_is_deterministic_and_counted_before_it_is_written() {
    let events = events(4);
    for format in Format::ALL {
        let bytes = written(&events, format);
        assert_eq!(bytes, written(&events, format), "{}", format.name());
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        let header = u64::from(format == Format::Csv);
        assert_eq!(lines, events.record_count(format) + header, "{}", format.name());
    }
}

#[test]
fn json_records_follow_their_schemas() {
    let events = events(3);
    let ses = String::from_utf8(written(&events, Format::Ses)).expect("utf-8");
    let mut types = std::collections::BTreeSet::new();
    for line in ses.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let kind = v["eventType"].as_str().expect("eventType").to_string();
        let key = match kind.as_str() {
            "DeliveryDelay" => "deliveryDelay".to_string(),
            k => k.to_ascii_lowercase(),
        };
        assert!(v[&key].is_object(), "{kind} without its `{key}` object");
        assert!(v["mail"]["tags"]["ses:outgoing-ip"][0].as_str().is_some_and(|ip| ip.starts_with("198.51.100.")));
        assert!(v["mail"]["destination"][0].as_str().is_some_and(|r| r.starts_with("rcpt-")));
        types.insert(kind);
    }
    assert!(types.is_superset(&["Send", "Delivery", "DeliveryDelay", "Bounce", "Open"].map(String::from).into()));
    let kumo = String::from_utf8(written(&events, Format::Kumomta)).expect("utf-8");
    for line in kumo.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        if v["type"] == "TransientFailure" {
            assert_eq!(v["response"]["code"].as_u64().map(|c| c / 100), Some(4));
            assert!(v["peer_address"]["name"].as_str().is_some() && v["egress_source"].as_str().is_some());
        }
    }
    let postfix = String::from_utf8(written(&events, Format::Postfix)).expect("utf-8");
    let deferred = postfix.lines().find(|l| l.contains("status=deferred")).expect("a deferral");
    assert!(deferred.contains("postfix-198.51.100.") && deferred.contains(" dsn=4."), "{deferred}");
}
