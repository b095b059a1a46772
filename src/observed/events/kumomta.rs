//! KumoMTA log records, one JSON object per line
//! (<https://docs.kumomta.com/reference/log_record/>), with the egress source
//! named by the IP's label, so that the records say which IP sent.
//!
//! | event | record |
//! |---|---|
//! | sent | `Reception` (no egress source yet, as KumoMTA logs it) |
//! | delivered | `Delivery`, `250 2.0.0 OK` |
//! | deferred | `TransientFailure` with the provider's 4xx reply, one per attempt |
//! | bounced | `Bounce`, the provider's 5.1.1 reply, classification `InvalidRecipient` |
//! | blocked | `Bounce`, the provider's block reply, classification `SpamBlock` |
//! | expired | `Expiration`, `551 5.4.7`, classification `MessageExpired` |
//! | complaint | `Feedback` with an ARF `feedback_report` (`abuse`) |
//!
//! Opens are not logged by an MTA. `num_attempts` is the attempt's number
//! (1 for a message's first attempt).

use std::io::{self, Write};

use serde::Serialize;

use super::Events;
use super::cells::{Reply, SENDER_DOMAIN};
use super::stream::{Event, for_each_event};
use super::text::{recipient, rfc3339_ms, unix_seconds};
use crate::observed::Count;

/// The egress pool every simulated source belongs to.
const POOL: &str = "warmup";

#[derive(Serialize)]
struct Record<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    sender: String,
    recipient: &'a str,
    queue: String,
    site: String,
    size: u64,
    response: Response,
    #[serde(skip_serializing_if = "Option::is_none")]
    peer_address: Option<Peer<'a>>,
    timestamp: i64,
    event_time: String,
    created: i64,
    num_attempts: u32,
    bounce_classification: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    egress_pool: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    egress_source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback_report: Option<Feedback<'a>>,
    delivery_protocol: Option<&'static str>,
    reception_protocol: &'static str,
}

#[derive(Serialize)]
struct Response {
    code: u16,
    enhanced_code: Option<Enhanced>,
    content: String,
    command: Option<&'static str>,
}

#[derive(Serialize)]
struct Enhanced {
    class: u16,
    subject: u16,
    detail: u16,
}

#[derive(Serialize)]
struct Peer<'a> {
    name: &'a str,
    addr: &'a str,
}

#[derive(Serialize)]
struct Feedback<'a> {
    feedback_type: &'static str,
    user_agent: &'static str,
    version: u32,
    arrival_date: String,
    source_ip: &'a str,
    original_mail_from: String,
    original_rcpto_to: [&'a str; 1],
    reported_domain: [&'static str; 1],
}

/// KumoMTA's id of message `serial`.
pub fn message_id(serial: u64) -> String {
    format!("{serial:016x}4b756d6f0000c0de")
}

/// A reply as KumoMTA's `response`.
fn response(reply: &Reply, command: &'static str) -> Response {
    let (class, subject, detail) = reply.enhanced;
    Response {
        code: reply.code,
        enhanced_code: Some(Enhanced { class, subject, detail }),
        content: reply.text.clone(),
        command: Some(command),
    }
}

/// Writes every event of `events` but opens as KumoMTA records.
pub fn write(events: &Events, out: &mut impl Write) -> io::Result<()> {
    let ok = Reply { code: 250, enhanced: (2, 0, 0), text: "OK".to_string() };
    let expired = Reply {
        code: 551,
        enhanced: (5, 4, 7),
        text: "Next delivery time would be after the expiration time".to_string(),
    };
    for_each_event(events, |e| {
        if e.kind == Count::Opens {
            return Ok(());
        }
        let rcpt = recipient(e.message.serial, e.cell);
        serde_json::to_writer(&mut *out, &record(e, &rcpt, &ok, &expired))?;
        out.write_all(b"\n")
    })
}

fn record<'a>(e: &Event<'a>, rcpt: &'a str, ok: &Reply, expired: &Reply) -> Record<'a> {
    let cell = e.cell;
    let to_mx = Some(Peer { name: &cell.mx, addr: cell.mx_addr });
    let (kind, response, peer, class) = match e.kind {
        Count::Sent => {
            let r = Response { code: 250, enhanced_code: None, content: String::new(), command: None };
            ("Reception", r, Some(Peer { name: "app.example.com", addr: "10.0.0.10" }), "Uncategorized")
        }
        Count::Delivered => ("Delivery", response(ok, "."), to_mx, "Uncategorized"),
        Count::Deferred => ("TransientFailure", response(&cell.defer, "."), to_mx, "Uncategorized"),
        Count::Bounced => ("Bounce", response(&cell.bounce, "RCPT TO"), to_mx, "InvalidRecipient"),
        Count::Blocked => ("Bounce", response(&cell.block, "."), to_mx, "SpamBlock"),
        Count::Expired => {
            let mut r = response(expired, "");
            r.command = None;
            ("Expiration", r, None, "MessageExpired")
        }
        Count::Complaints | Count::Opens => {
            let r = Response { code: 250, enhanced_code: None, content: String::new(), command: None };
            ("Feedback", r, None, "Uncategorized")
        }
    };
    let received = e.kind == Count::Sent;
    let feedback = (e.kind == Count::Complaints).then(|| Feedback {
        feedback_type: "abuse",
        user_agent: "ipwarm-simulated-feedback-loop/1.0",
        version: 1,
        arrival_date: rfc3339_ms(e.time_ms),
        source_ip: &cell.ip,
        original_mail_from: format!("news@{SENDER_DOMAIN}"),
        original_rcpto_to: [rcpt],
        reported_domain: [SENDER_DOMAIN],
    });
    Record {
        kind,
        id: message_id(e.message.serial),
        sender: format!("news@{SENDER_DOMAIN}"),
        recipient: rcpt,
        queue: format!("warmup:{SENDER_DOMAIN}@{}", cell.domain),
        site: if received { String::new() } else { format!("{}->{}", cell.ip, cell.mx) },
        size: 24_000,
        response,
        peer_address: peer,
        timestamp: unix_seconds(e.time_ms),
        event_time: rfc3339_ms(e.time_ms),
        created: unix_seconds(e.message.first_ms),
        num_attempts: e.message.attempts,
        bounce_classification: class,
        egress_pool: (!received).then_some(POOL),
        egress_source: (!received).then_some(cell.ip.as_str()),
        feedback_report: feedback,
        delivery_protocol: (!received).then_some("ESMTP"),
        reception_protocol: "ESMTP",
    }
}
