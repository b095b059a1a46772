//! Google Postmaster Tools v1 `TrafficStats` (the `domains.trafficStats`
//! resource, JSON): one object per line, a pretty-printed object, or a list
//! response `{"trafficStats": [...]}`, any number in a row. Postmaster Tools
//! reports on Gmail only, so the provider is `gmail`; the day is the one in
//! `name` (`domains/example.com/trafficStats/20260302`).
//!
//! Each `ipReputations` entry gives its `reputation` (`HIGH`, `MEDIUM`, `LOW`,
//! `BAD`; `REPUTATION_CATEGORY_UNSPECIFIED` is skipped) to each of its
//! `sampleIps`. `userReportedSpamRatio` is the domain's, not an IP's: it is
//! copied to the row of every IP listed that day (a day without sample IPs
//! has no row to carry it, and is noted). The v2 API has no IP reputation and
//! is not read.

use std::io::{BufRead, Read};

use serde_json::Value;

use super::Sink;
use super::json::bounded;
use crate::observed::problem::quoted;
use crate::observed::{CivilDate, ObservedRow};

/// The provider Postmaster Tools reports on.
pub const PROVIDER: &str = "gmail";

/// Largest Postmaster file read (bytes): a year of daily objects is far less.
const MAX_BYTES: u64 = 64 << 20;

/// Reads a whole file.
pub fn read(reader: impl BufRead, sink: &mut Sink) {
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(MAX_BYTES + 1).read_to_end(&mut bytes) {
        sink.problem(1, None, format!("cannot read: {e}"));
        return;
    }
    if bytes.len() as u64 > MAX_BYTES {
        sink.problem(1, None, format!("file larger than {MAX_BYTES} bytes"));
        return;
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = position(&String::from_utf8_lossy(&bytes[..e.valid_up_to()]), e.valid_up_to());
            sink.problem(line, Some(column), "invalid utf-8");
            return;
        }
    };
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let start = stream.byte_offset();
        match stream.next() {
            None => return,
            Some(Ok(value)) => {
                let skipped = text[start..].len() - text[start..].trim_start().len();
                let (line, _) = position(text, start + skipped);
                if let Err(message) = document(sink, &value, line) {
                    sink.problem(line, None, message);
                }
            }
            Some(Err(e)) => {
                let mut message = e.to_string();
                if let Some(i) = message.rfind(" at line ") {
                    message.truncate(i);
                }
                sink.problem((e.line() as u64).max(1), Some((e.column() as u64).max(1)), bounded(&message));
                return;
            }
        }
        if sink.problems.full() {
            return;
        }
    }
}

/// Line and column (from 1, characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (u64, u64) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

/// One top-level value: a `TrafficStats`, a list response, or an array of them.
fn document(sink: &mut Sink, value: &Value, line: u64) -> Result<(), String> {
    match value {
        Value::Object(map) if map.contains_key("trafficStats") => match &map["trafficStats"] {
            Value::Array(items) => items.iter().try_for_each(|v| traffic_stats(sink, v, line)),
            _ => Err("trafficStats: expected an array".to_string()),
        },
        Value::Object(map) if map.is_empty() => Ok(()),
        Value::Object(_) => traffic_stats(sink, value, line),
        Value::Array(items) => items.iter().try_for_each(|v| traffic_stats(sink, v, line)),
        _ => Err("expected a TrafficStats object or a list response {\"trafficStats\": [...]}".to_string()),
    }
}

/// One `TrafficStats`.
fn traffic_stats(sink: &mut Sink, value: &Value, line: u64) -> Result<(), String> {
    let Value::Object(stats) = value else { return Err("expected a TrafficStats object".to_string()) };
    let name = stats.get("name").and_then(Value::as_str).ok_or("TrafficStats without a `name`")?;
    let date = name_date(name)
        .ok_or_else(|| format!("name: expected domains/DOMAIN/trafficStats/YYYYMMDD, got {}", quoted(name)))?;
    let spam_rate = match stats.get("userReportedSpamRatio") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(r) if (0.0..=1.0).contains(&r) => Some(r),
            _ => {
                return Err(format!(
                    "userReportedSpamRatio: expected a fraction in [0, 1], got {}",
                    bounded(&v.to_string())
                ));
            }
        },
    };
    let mut listed = false;
    let reputations = match stats.get("ipReputations") {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("ipReputations: expected an array".to_string()),
    };
    for entry in reputations {
        let reputation =
            entry.get("reputation").and_then(Value::as_str).ok_or("ipReputations: entry without `reputation`")?;
        let reputation = match reputation {
            "HIGH" | "MEDIUM" | "LOW" | "BAD" => reputation,
            "REPUTATION_CATEGORY_UNSPECIFIED" => {
                sink.skip("ipReputations entry REPUTATION_CATEGORY_UNSPECIFIED", line);
                continue;
            }
            other => return Err(format!("ipReputations: unknown reputation {}", quoted(other))),
        };
        let ips = match entry.get("sampleIps") {
            None | Some(Value::Null) => &Vec::new(),
            Some(Value::Array(ips)) => ips,
            Some(_) => return Err("sampleIps: expected an array of addresses".to_string()),
        };
        for ip in ips {
            let ip = ip.as_str().ok_or("sampleIps: expected an array of addresses")?;
            let ip = crate::observed::csv::name(ip).map_err(|m| format!("sampleIps: {m}"))?;
            listed = true;
            let row = ObservedRow {
                date,
                provider: PROVIDER.to_string(),
                ip,
                reputation: Some(reputation.to_string()),
                spam_rate,
                ..ObservedRow::default()
            };
            sink.publish(row, line);
        }
    }
    if !listed && spam_rate.is_some() {
        sink.skip("userReportedSpamRatio of a day without sample IPs (no row to carry it)", line);
    }
    Ok(())
}

/// The day of `domains/DOMAIN/trafficStats/YYYYMMDD`.
fn name_date(name: &str) -> Option<CivilDate> {
    let day = name.rsplit_once("/trafficStats/")?.1;
    if day.len() != 8 || !day.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    CivilDate::new(day[..4].parse().ok()?, day[4..6].parse().ok()?, day[6..].parse().ok()?)
}
