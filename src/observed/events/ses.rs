//! Amazon SES event publishing records, one JSON object per line as Kinesis
//! Firehose delivers them (`eventType`, `mail`, one type object), with the
//! sending IP in the automatic tag `ses:outgoing-ip`
//! (<https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-firehose-contents.html>).
//!
//! | event | record |
//! |---|---|
//! | sent | `Send` |
//! | delivered | `Delivery` (`250 2.0.0 OK`) |
//! | deferred | `DeliveryDelay` `IPFailure`, one per 4xx reply (SES itself reports a delay once, not per attempt), with the provider's reply |
//! | bounced | `Bounce` `Permanent`/`NoEmail`, the provider's 5.1.1 reply |
//! | blocked | `Bounce` `Permanent`/`General`, the provider's 5.7.x block reply |
//! | expired | `Bounce` `Transient`/`General`, status 4.4.7, the last deferral's reply |
//! | complaint | `Complaint` (`abuse`) |
//! | open | `Open` |

use std::io::{self, Write};

use serde::Serialize;

use super::Events;
use super::cells::{Reply, SENDER_DOMAIN};
use super::stream::{Event, for_each_event};
use super::text::{recipient, rfc3339_ms};
use crate::observed::Count;

/// The SES host named as reporting MTA.
const REPORTING_MTA: &str = "a8-1.smtp-out.amazonses.com";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    event_type: &'static str,
    mail: Mail<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery: Option<Delivery<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delivery_delay: Option<Delay<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bounce: Option<Bounce<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    complaint: Option<Complaint<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<Open<'a>>,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Mail<'a> {
    timestamp: String,
    message_id: String,
    source: String,
    sending_account_id: &'static str,
    destination: [&'a str; 1],
    tags: Tags<'a>,
}

#[derive(Serialize)]
struct Tags<'a> {
    #[serde(rename = "ses:configuration-set")]
    configuration_set: [&'static str; 1],
    #[serde(rename = "ses:from-domain")]
    from_domain: [&'static str; 1],
    #[serde(rename = "ses:outgoing-ip")]
    outgoing_ip: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Delivery<'a> {
    timestamp: &'a str,
    processing_time_millis: i64,
    recipients: [&'a str; 1],
    smtp_response: &'static str,
    #[serde(rename = "reportingMTA")]
    reporting_mta: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Recipient<'a> {
    email_address: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnostic_code: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Delay<'a> {
    timestamp: &'a str,
    delay_type: &'static str,
    expiration_time: String,
    delayed_recipients: [Recipient<'a>; 1],
    #[serde(rename = "reportingMTA")]
    reporting_mta: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bounce<'a> {
    bounce_type: &'static str,
    bounce_sub_type: &'static str,
    bounced_recipients: [Recipient<'a>; 1],
    timestamp: &'a str,
    feedback_id: String,
    #[serde(rename = "reportingMTA")]
    reporting_mta: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Complaint<'a> {
    complained_recipients: [Recipient<'a>; 1],
    timestamp: &'a str,
    feedback_id: String,
    user_agent: &'static str,
    complaint_feedback_type: &'static str,
    arrival_date: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Open<'a> {
    ip_address: &'static str,
    timestamp: &'a str,
    user_agent: &'static str,
}

/// SES's message id of message `serial`.
pub fn message_id(serial: u64) -> String {
    format!("0100{serial:012x}-5e5e5e5e-0000-4000-8000-{serial:012x}-000000")
}

/// Writes every event of `events` as SES records.
pub fn write(events: &Events, out: &mut impl Write) -> io::Result<()> {
    let lifetime_ms = events.cells.lifetime_hours.saturating_mul(3_600_000) as i64;
    for_each_event(events, |e| {
        let time = rfc3339_ms(e.time_ms);
        let rcpt = recipient(e.message.serial, e.cell);
        let record = record(e, &time, &rcpt, lifetime_ms);
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")
    })
}

/// A recipient entry with `action`, `status` and `reply` as its diagnostic.
fn entry<'a>(rcpt: &'a str, action: &'static str, status: String, reply: &Reply) -> [Recipient<'a>; 1] {
    [Recipient {
        email_address: rcpt,
        action: Some(action),
        status: Some(status),
        diagnostic_code: Some(format!("smtp; {}", reply.line())),
    }]
}

fn record<'a>(e: &Event<'a>, time: &'a str, rcpt: &'a str, lifetime_ms: i64) -> Record<'a> {
    let mail = Mail {
        timestamp: rfc3339_ms(e.message.first_ms),
        message_id: message_id(e.message.serial),
        source: format!("news@{SENDER_DOMAIN}"),
        sending_account_id: "123456789012",
        destination: [rcpt],
        tags: Tags { configuration_set: ["ipwarm"], from_domain: [SENDER_DOMAIN], outgoing_ip: [&e.cell.ip] },
    };
    let mut r = Record {
        event_type: "",
        mail,
        send: None,
        delivery: None,
        delivery_delay: None,
        bounce: None,
        complaint: None,
        open: None,
    };
    let feedback_id = format!("0100{:012x}-fb-{:x}-000000", e.message.serial, e.time_ms);
    let bounce = |kind, sub, recipients| Bounce {
        bounce_type: kind,
        bounce_sub_type: sub,
        bounced_recipients: recipients,
        timestamp: time,
        feedback_id: feedback_id.clone(),
        reporting_mta: format!("dsn; {REPORTING_MTA}"),
    };
    let cell = e.cell;
    match e.kind {
        Count::Sent => (r.event_type, r.send) = ("Send", Some(Empty {})),
        Count::Delivered => {
            r.event_type = "Delivery";
            r.delivery = Some(Delivery {
                timestamp: time,
                processing_time_millis: e.time_ms - e.message.first_ms,
                recipients: [rcpt],
                smtp_response: "250 2.0.0 OK",
                reporting_mta: REPORTING_MTA,
            });
        }
        Count::Deferred => {
            r.event_type = "DeliveryDelay";
            r.delivery_delay = Some(Delay {
                timestamp: time,
                delay_type: "IPFailure",
                expiration_time: rfc3339_ms(e.message.first_ms + lifetime_ms),
                delayed_recipients: entry(rcpt, "delayed", cell.defer.dsn(), &cell.defer),
                reporting_mta: REPORTING_MTA,
            });
        }
        Count::Bounced => {
            r.event_type = "Bounce";
            r.bounce = Some(bounce("Permanent", "NoEmail", entry(rcpt, "failed", cell.bounce.dsn(), &cell.bounce)));
        }
        Count::Blocked => {
            r.event_type = "Bounce";
            r.bounce = Some(bounce("Permanent", "General", entry(rcpt, "failed", cell.block.dsn(), &cell.block)));
        }
        Count::Expired => {
            r.event_type = "Bounce";
            r.bounce = Some(bounce("Transient", "General", entry(rcpt, "failed", "4.4.7".to_string(), &cell.defer)));
        }
        Count::Complaints => {
            r.event_type = "Complaint";
            r.complaint = Some(Complaint {
                complained_recipients: [Recipient {
                    email_address: rcpt,
                    action: None,
                    status: None,
                    diagnostic_code: None,
                }],
                timestamp: time,
                feedback_id,
                user_agent: "ipwarm-simulated-feedback-loop",
                complaint_feedback_type: "abuse",
                arrival_date: time,
            });
        }
        Count::Opens => {
            r.event_type = "Open";
            r.open = Some(Open { ip_address: "192.0.2.100", timestamp: time, user_agent: "Mozilla/5.0" });
        }
    }
    r
}
