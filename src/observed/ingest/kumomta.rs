//! KumoMTA log records (one JSON object per line). The IP is the record's
//! `egress_source`; the provider is the MX host's (`peer_address.name`, else
//! the host in `site`), else the recipient domain's. The day is that of
//! `timestamp` (Unix seconds), else of `event_time`. `recipient` may be one
//! address or a list (batched records): counts are per recipient.
//!
//! | type | counted as |
//! |---|---|
//! | `Delivery` | `delivered` |
//! | `TransientFailure` | `deferred` (one per failed attempt) |
//! | `Bounce` | `bounced` for an invalid address (classification `InvalidRecipient`, `BadDomain`, `InactiveMailbox`, `QuotaIssues`, `NoAnswerFromHost`... or enhanced code 5.1.x), `blocked` otherwise (`SpamBlock`, `SpamContent`, `PolicyRelated`, 5.7.x...) |
//! | `Expiration` | `expired` |
//! | `Feedback` | `complaints` (ARF `feedback_type` other than `not-spam`) |
//! | `Reception` | skipped: the egress source is chosen later |
//! | `AdminBounce`, `OOB`, `Rejection`, others | skipped |
//!
//! `sent` is counted at a message's first attempt, the `Delivery`,
//! `TransientFailure` or `Bounce` record with `num_attempts` <= 1: that is
//! where the egress source is known (a `Reception` record has none). KumoMTA
//! keeps the attempt counter in memory; after a restart it is approximated,
//! so a few messages may be counted twice or not at all.

use serde::Deserialize;
use serde_json::Value;

use super::json::parse_line;
use super::time::{rfc3339_date, unix_date};
use super::{Count, LineError, Sink};
use crate::observed::CivilDate;
use crate::observed::problem::quoted;

/// The IP of records without `egress_source`.
const UNKNOWN_IP: &str = "unknown";

/// Bounce classifications of an invalid address (KumoMTA's predefined labels).
const INVALID_ADDRESS_CLASSES: [&str; 5] =
    ["InvalidRecipient", "BadDomain", "InactiveMailbox", "QuotaIssues", "NoAnswerFromHost"];

/// Bounce classifications of a policy or reputation block.
const BLOCK_CLASSES: [&str; 8] = [
    "SpamBlock",
    "SpamContent",
    "SpamRelated",
    "PolicyRelated",
    "VirusRelated",
    "AuthError",
    "ContentRelated",
    "RelayDenied",
];

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "type")]
    kind: Option<String>,
    recipient: Option<Value>,
    site: Option<String>,
    response: Option<Response>,
    peer_address: Option<Peer>,
    timestamp: Option<f64>,
    event_time: Option<String>,
    num_attempts: Option<u64>,
    bounce_classification: Option<String>,
    egress_source: Option<String>,
    feedback_report: Option<Feedback>,
}

#[derive(Deserialize)]
struct Response {
    enhanced_code: Option<Enhanced>,
}

#[derive(Deserialize)]
struct Enhanced {
    class: Option<u64>,
    subject: Option<u64>,
}

#[derive(Deserialize)]
struct Peer {
    name: Option<String>,
}

#[derive(Deserialize)]
struct Feedback {
    feedback_type: Option<String>,
}

/// Reads one record.
pub fn line(sink: &mut Sink, number: u64, text: &str) -> Result<(), LineError> {
    let r: Record = parse_line(text)?;
    let kind = r.kind.as_deref().ok_or((None, "no `type`".to_string()))?;
    let count = match kind {
        "Delivery" => Count::Delivered,
        "TransientFailure" => Count::Deferred,
        "Bounce" => bounce_count(&r),
        "Expiration" => Count::Expired,
        "Feedback" => {
            let feedback = r.feedback_report.as_ref().and_then(|f| f.feedback_type.as_deref());
            if feedback == Some("not-spam") {
                sink.skip("Feedback with feedback_type not-spam", number);
                return Ok(());
            }
            Count::Complaints
        }
        "Reception" => {
            sink.skip("Reception (sent is counted at the first attempt, where the egress source is known)", number);
            return Ok(());
        }
        "AdminBounce"
        | "OOB"
        | "Rejection"
        | "AdminRebind"
        | "DeferredInjectionRebind"
        | "Delayed"
        | "XferOut"
        | "XferIn" => {
            sink.skip(&format!("record type {kind}"), number);
            return Ok(());
        }
        other => {
            sink.skip(&format!("unknown record type {}", quoted(other)), number);
            return Ok(());
        }
    };
    let date = match (r.timestamp, r.event_time.as_deref()) {
        (Some(t), _) => {
            unix_date(t).ok_or((None, "timestamp: expected Unix seconds from 0 to 253402300799".to_string()))?
        }
        (None, Some(t)) => {
            rfc3339_date(t).ok_or_else(|| (None, format!("event_time: expected RFC 3339, got {}", quoted(t))))?
        }
        (None, None) => return Err((None, "no `timestamp` or `event_time`".to_string())),
    };
    let ip = match r.egress_source.as_deref() {
        Some(ip) => crate::observed::csv::name(ip).map_err(|m| (None, format!("egress_source: {m}")))?,
        None => {
            sink.skip("record without egress_source: counted under ip `unknown`", number);
            UNKNOWN_IP.to_string()
        }
    };
    let first_attempt = matches!(count, Count::Delivered | Count::Deferred | Count::Bounced | Count::Blocked)
        && r.num_attempts.is_some_and(|n| n <= 1);
    let mx = r.peer_address.as_ref().and_then(|p| p.name.as_deref()).or_else(|| r.site.as_deref().map(site_host));
    let recipients = recipients(r.recipient.as_ref())?;
    if recipients.is_empty() {
        sink.skip("record without recipient", number);
    }
    for address in recipients {
        let provider = sink.options.providers.of_message(mx, address).to_string();
        add(sink, date, &provider, &ip, count);
        if first_attempt {
            add(sink, date, &provider, &ip, Count::Sent);
        }
    }
    Ok(())
}

fn add(sink: &mut Sink, date: CivilDate, provider: &str, ip: &str, count: Count) {
    sink.add(date, provider, ip, count, 1);
}

/// A `Bounce`'s column: see the table at the top.
fn bounce_count(r: &Record) -> Count {
    match r.bounce_classification.as_deref() {
        Some(c) if INVALID_ADDRESS_CLASSES.contains(&c) => return Count::Bounced,
        Some(c) if BLOCK_CLASSES.contains(&c) => return Count::Blocked,
        _ => {}
    }
    let code = r.response.as_ref().and_then(|resp| resp.enhanced_code.as_ref());
    match code.map(|c| (c.class, c.subject)) {
        Some((Some(5), Some(1))) => Count::Bounced,
        _ => Count::Blocked,
    }
}

/// The MX host part of a `site` (`source->(alt1|alt2)?.gmail-smtp-in.l.google.com.`).
fn site_host(site: &str) -> &str {
    let host = site.rsplit("->").next().unwrap_or(site);
    match host.rfind(")?") {
        Some(i) => &host[i + 2..],
        None => host,
    }
}

/// The recipient addresses: one string or a list of strings.
fn recipients(value: Option<&Value>) -> Result<Vec<&str>, LineError> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.as_str()]),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or((None, "recipient: expected a string or a list of strings".to_string())))
            .collect(),
        Some(_) => Err((None, "recipient: expected a string or a list of strings".to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_hosts_and_bounce_columns() {
        assert_eq!(
            site_host("ip-3->(alt1|alt2|alt3|alt4)?.gmail-smtp-in.l.google.com."),
            ".gmail-smtp-in.l.google.com."
        );
        assert_eq!(site_host("mx.example.net"), "mx.example.net");
        let rec = |class: Option<&str>, subject: u64| Record {
            kind: None,
            recipient: None,
            site: None,
            response: Some(Response { enhanced_code: Some(Enhanced { class: Some(5), subject: Some(subject) }) }),
            peer_address: None,
            timestamp: None,
            event_time: None,
            num_attempts: None,
            bounce_classification: class.map(str::to_string),
            egress_source: None,
            feedback_report: None,
        };
        assert_eq!(bounce_count(&rec(None, 1)), Count::Bounced);
        assert_eq!(bounce_count(&rec(None, 7)), Count::Blocked);
        assert_eq!(bounce_count(&rec(Some("InvalidRecipient"), 7)), Count::Bounced);
        assert_eq!(bounce_count(&rec(Some("SpamBlock"), 1)), Count::Blocked);
        assert_eq!(bounce_count(&rec(Some("Uncategorized"), 1)), Count::Bounced);
    }
}
