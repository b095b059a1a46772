//! Amazon SES event publishing records (one JSON object per line, as Kinesis
//! Firehose writes them; classic notifications' `notificationType` is read as
//! `eventType`). Counts are per recipient, on the day of the event's own
//! timestamp (the `mail.timestamp` for `Send`); the IP is
//! `mail.tags["ses:outgoing-ip"]`, the provider the recipient's domain.
//!
//! | event | counted as |
//! |---|---|
//! | `Send` | `sent`, per address of `mail.destination` |
//! | `Delivery` | `delivered`, per `delivery.recipients` |
//! | `DeliveryDelay` | `deferred`, per `delayedRecipients` (SES retries 4xx itself: one event per delay, not per attempt) |
//! | `Bounce` `Permanent` | `blocked` if the recipient's status or diagnostic is 5.7.x, else `bounced` (`General`, `NoEmail`, `Suppressed`, `OnAccountSuppressionList`) |
//! | `Bounce` `Transient` | `blocked` for `ContentRejected` and `AttachmentRejected` (policy), else `expired`: SES reports transient bounces only once it stops retrying |
//! | `Bounce` `Undetermined` | `bounced` |
//! | `Complaint` | `complaints`, per `complainedRecipients` (skipped if `complaintFeedbackType` is `not-spam`) |
//! | `Open` | `opens`, provider of the first destination |
//! | `Reject`, `Click`, `Rendering Failure`, `Subscription`, others | skipped (never reached a provider, or not a delivery outcome) |

use std::collections::HashMap;

use serde::Deserialize;

use super::json::{enhanced_code, parse_line};
use super::time::rfc3339_date;
use super::{Count, LineError, Sink};
use crate::observed::CivilDate;

/// The IP of records without `ses:outgoing-ip`.
pub const UNKNOWN_IP: &str = "unknown";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    event_type: Option<String>,
    notification_type: Option<String>,
    mail: Option<Mail>,
    delivery: Option<Delivery>,
    bounce: Option<Bounce>,
    complaint: Option<Complaint>,
    delivery_delay: Option<Delay>,
    open: Option<Timed>,
}

#[derive(Deserialize)]
struct Mail {
    timestamp: Option<String>,
    #[serde(default)]
    destination: Vec<String>,
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
struct Timed {
    timestamp: Option<String>,
}

#[derive(Deserialize)]
struct Delivery {
    timestamp: Option<String>,
    #[serde(default)]
    recipients: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recipient {
    email_address: Option<String>,
    status: Option<String>,
    diagnostic_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bounce {
    bounce_type: Option<String>,
    bounce_sub_type: Option<String>,
    #[serde(default)]
    bounced_recipients: Vec<Recipient>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Complaint {
    #[serde(default)]
    complained_recipients: Vec<Recipient>,
    complaint_feedback_type: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delay {
    #[serde(default)]
    delayed_recipients: Vec<Recipient>,
    timestamp: Option<String>,
}

/// Reads one record.
pub fn line(sink: &mut Sink, number: u64, text: &str) -> Result<(), LineError> {
    let record: Record = parse_line(text)?;
    let Some(kind) = record.event_type.as_deref().or(record.notification_type.as_deref()) else {
        return Err((None, "no `eventType` (or `notificationType`)".to_string()));
    };
    match kind {
        "Send" | "Delivery" | "DeliveryDelay" | "Bounce" | "Complaint" | "Open" => {}
        "Reject" => {
            sink.skip("event Reject (refused by SES before sending)", number);
            return Ok(());
        }
        "Click" | "Rendering Failure" | "Subscription" => {
            sink.skip(&format!("event {kind} (not a delivery outcome)"), number);
            return Ok(());
        }
        other => {
            sink.skip(&format!("unknown event type {}", crate::observed::problem::quoted(other)), number);
            return Ok(());
        }
    }
    let Some(mail) = &record.mail else {
        return Err((None, format!("{kind} record without `mail`")));
    };
    let ip = match mail.tags.get("ses:outgoing-ip").and_then(|v| v.first()) {
        Some(ip) => crate::observed::csv::name(ip).map_err(|m| (None, format!("ses:outgoing-ip: {m}")))?,
        None => {
            sink.skip("record without mail.tags[\"ses:outgoing-ip\"]: counted under ip `unknown`", number);
            UNKNOWN_IP.to_string()
        }
    };
    let mut event = Event { sink, number, ip: &ip };
    let first = mail.destination.first().map(String::as_str).unwrap_or("");
    match kind {
        "Send" => {
            let date = date(&mail.timestamp, "mail.timestamp")?;
            event.each(mail.destination.iter().map(String::as_str), date, Count::Sent);
        }
        "Delivery" => {
            let d = need(&record.delivery, "delivery")?;
            let date = date(&d.timestamp, "delivery.timestamp")?;
            event.each(d.recipients.iter().map(String::as_str), date, Count::Delivered);
        }
        "DeliveryDelay" => {
            let d = need(&record.delivery_delay, "deliveryDelay")?;
            let date = date(&d.timestamp, "deliveryDelay.timestamp")?;
            event.each(addresses(&d.delayed_recipients), date, Count::Deferred);
        }
        "Bounce" => bounce(event, need(&record.bounce, "bounce")?)?,
        "Complaint" => {
            let c = need(&record.complaint, "complaint")?;
            let date = date(&c.timestamp, "complaint.timestamp")?;
            if c.complaint_feedback_type.as_deref() == Some("not-spam") {
                event.sink.skip("Complaint with complaintFeedbackType not-spam", number);
            } else if c.complained_recipients.is_empty() {
                event.each([first], date, Count::Complaints);
            } else {
                event.each(addresses(&c.complained_recipients), date, Count::Complaints);
            }
        }
        "Open" => {
            let o = need(&record.open, "open")?;
            let date = date(&o.timestamp, "open.timestamp")?;
            event.each([first], date, Count::Opens);
        }
        _ => {}
    }
    Ok(())
}

/// The addresses of recipient objects.
fn addresses(list: &[Recipient]) -> impl Iterator<Item = &str> {
    list.iter().map(|r| r.email_address.as_deref().unwrap_or(""))
}

/// A `Bounce`: see the table at the top.
fn bounce(mut event: Event<'_>, b: &Bounce) -> Result<(), LineError> {
    let date = date(&b.timestamp, "bounce.timestamp")?;
    let sub = b.bounce_sub_type.as_deref().unwrap_or("");
    match b.bounce_type.as_deref() {
        Some("Permanent") => {
            for r in &b.bounced_recipients {
                let code = r.status.as_deref().and_then(enhanced_code);
                let code = code.or_else(|| r.diagnostic_code.as_deref().and_then(enhanced_code));
                let count = if matches!(code, Some((5, 7, _))) { Count::Blocked } else { Count::Bounced };
                event.one(r.email_address.as_deref().unwrap_or(""), date, count);
            }
        }
        Some("Transient") => {
            let policy = matches!(sub, "ContentRejected" | "AttachmentRejected");
            let count = if policy { Count::Blocked } else { Count::Expired };
            event.each(addresses(&b.bounced_recipients), date, count);
        }
        Some("Undetermined") => event.each(addresses(&b.bounced_recipients), date, Count::Bounced),
        Some(other) => return Err((None, format!("unknown bounceType {}", crate::observed::problem::quoted(other)))),
        None => return Err((None, "bounce without `bounceType`".to_string())),
    }
    Ok(())
}

/// The sub-object `name`, required by the event type.
fn need<'a, T>(value: &'a Option<T>, name: &str) -> Result<&'a T, LineError> {
    value.as_ref().ok_or_else(|| (None, format!("missing `{name}`")))
}

/// The UTC day of a required timestamp.
fn date(value: &Option<String>, name: &str) -> Result<CivilDate, LineError> {
    let text = value.as_deref().ok_or_else(|| (None, format!("missing `{name}`")))?;
    rfc3339_date(text).ok_or_else(|| {
        (None, format!("{name}: expected an ISO 8601 timestamp, got {}", crate::observed::problem::quoted(text)))
    })
}

/// One record's counting context.
struct Event<'a> {
    sink: &'a mut Sink,
    number: u64,
    ip: &'a str,
}

impl Event<'_> {
    /// Counts one per recipient address.
    fn each<'r>(&mut self, recipients: impl IntoIterator<Item = &'r str>, date: CivilDate, count: Count) {
        let mut any = false;
        for address in recipients {
            any = true;
            self.one(address, date, count);
        }
        if !any {
            self.sink.skip("record without recipients", self.number);
        }
    }

    /// Counts one for one recipient.
    fn one(&mut self, address: &str, date: CivilDate, count: Count) {
        if address.trim().is_empty() {
            self.sink.skip("recipient without an address", self.number);
            return;
        }
        let provider = self.sink.options.providers.of_address(address).to_string();
        self.sink.add(date, &provider, self.ip, count, 1);
    }
}
