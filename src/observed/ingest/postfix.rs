//! Postfix mail logs (syslog lines). A delivery line of the `smtp`, `lmtp` or
//! `relay` service,
//! `TIME HOST NAME/smtp[PID]: QUEUEID: to=<rcpt>, relay=HOST[IP]:PORT, ..., dsn=X.Y.Z, status=STATUS (text)`,
//! counts for its recipient:
//!
//! | status | counted as |
//! |---|---|
//! | `sent` | `delivered` |
//! | `deferred`, `SOFTBOUNCE` | `deferred` |
//! | `bounced` | `bounced` for dsn 5.1.x (bad address), `blocked` for any other 5.x.x |
//!
//! and `sent` on the first delivery line of a (queue id, recipient). The
//! queue manager's `QUEUEID: from=<...>, status=expired, returned to sender`
//! counts `expired` for each recipient of the message whose last attempt was
//! deferred, with the provider and IP of that attempt. Other lines are
//! skipped, summarised by service.
//!
//! **The IP** is not logged by Postfix: one transport per IP
//! (`smtp_bind_address` with its own `syslog_name`) names it in the tag, so
//! the IP is the tag's syslog name without a leading `postfix-`
//! (`postfix-ip3/smtp` is `ip3`; a plain `postfix/smtp` is `postfix`).
//! **The provider** is the relay host's (MX table), else the recipient
//! domain's. **The day**: classic timestamps (`Mar  2 09:14:07`) have no year
//! and no zone: the year is `--year` (one more after a December to January
//! turn in a file) and the time is taken as UTC; RFC 3339 timestamps
//! (`2026-03-02T09:14:07.1+00:00`, rsyslog's high-precision format) are exact.
//!
//! **Bounded state:** the queue ids and recipients seen, and the target of
//! each recipient's last deferral, for at most [`MAX_TRACKED_MESSAGES`]
//! messages at a time; an entry is dropped when the queue manager logs
//! `QUEUEID: removed`, or, oldest first, when the bound is reached (a message
//! retried after that counts `sent` again and cannot count `expired`).

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};

use super::json::enhanced_code;
use super::time::{rfc3339_date, syslog_month_day};
use super::{Count, LineError, Sink};
use crate::observed::CivilDate;
use crate::observed::problem::quoted;

/// Most messages whose recipients are tracked at once (about 100 bytes each).
pub const MAX_TRACKED_MESSAGES: usize = 1 << 20;

/// One tracked message: per recipient (by hash), the (provider, ip) of its
/// last deferral, if its last attempt was deferred.
#[derive(Default)]
struct Message {
    recipients: Vec<(u64, Option<(u32, u32)>)>,
}

/// The reader's state across lines and files.
pub struct State {
    /// Most messages tracked ([`MAX_TRACKED_MESSAGES`]; smaller in tests).
    max_messages: usize,
    messages: HashMap<u64, Message>,
    order: VecDeque<u64>,
    /// Provider and IP names, interned for [`Message`].
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    /// Years added to `--year` in the current file (December to January turns).
    year_offset: i64,
    last_month: Option<u32>,
}

/// A parsed syslog line: day, host, syslog name, service and message.
struct Syslog<'a> {
    date: CivilDate,
    host: &'a str,
    name: &'a str,
    service: &'a str,
    message: &'a str,
}

impl Default for State {
    fn default() -> Self {
        Self::with_bound(MAX_TRACKED_MESSAGES)
    }
}

impl State {
    /// A state tracking at most `max_messages` messages.
    fn with_bound(max_messages: usize) -> Self {
        Self {
            max_messages,
            messages: HashMap::new(),
            order: VecDeque::new(),
            names: Vec::new(),
            name_ids: HashMap::new(),
            year_offset: 0,
            last_month: None,
        }
    }

    /// Resets what is per file (the year turn).
    pub fn start_file(&mut self) {
        self.year_offset = 0;
        self.last_month = None;
    }

    /// Reads one line.
    pub fn line(&mut self, sink: &mut Sink, number: u64, text: &str) -> Result<(), LineError> {
        let Some(log) = self.syslog(sink, text)? else {
            sink.skip("not a syslog line of a postfix service", number);
            return Ok(());
        };
        let Some((queue_id, rest)) = split_queue_id(log.message) else {
            sink.skip(&format!("{} line without a queue id", service_kind(log.service)), number);
            return Ok(());
        };
        let key = hash(&(log.host, queue_id));
        match log.service {
            "smtp" | "lmtp" | "relay" if rest.starts_with("to=<") => self.delivery(sink, number, &log, key, rest),
            "qmgr" if rest == "removed" => {
                self.messages.remove(&key);
                Ok(())
            }
            "qmgr" if rest.starts_with("from=<") && field(rest, "status=").is_some_and(|s| s.ends_with("expired")) => {
                self.expired(sink, number, log.date, key);
                Ok(())
            }
            service => {
                sink.skip(&format!("{} line (not a delivery result)", service_kind(service)), number);
                Ok(())
            }
        }
    }

    /// The timestamp, host and tag of a line; `None` if it is not a postfix line.
    fn syslog<'a>(&mut self, sink: &Sink, text: &'a str) -> Result<Option<Syslog<'a>>, LineError> {
        let (date, rest) = if let Some((month, day, rest)) = syslog_month_day(text) {
            let Some(year) = sink.options.year else {
                return Err((Some(1), "syslog timestamp without a year: pass --year".to_string()));
            };
            if self.last_month.is_some_and(|last| month + 6 <= last) {
                self.year_offset += 1;
            }
            self.last_month = Some(month);
            let date = CivilDate::new(year + self.year_offset, month, day)
                .ok_or_else(|| (Some(1), format!("no such day: {month}/{day} in {}", year + self.year_offset)))?;
            (date, rest)
        } else {
            let (stamp, rest) = text.split_once(' ').unwrap_or((text, ""));
            match rfc3339_date(stamp) {
                Some(date) if stamp.len() > 10 => (date, rest),
                _ => return Ok(None),
            }
        };
        let mut words = rest.trim_start().splitn(3, ' ');
        let (Some(host), Some(tag), Some(message)) = (words.next(), words.next(), words.next()) else {
            return Ok(None);
        };
        let Some(tag) = tag.strip_suffix(':') else { return Ok(None) };
        let tag = tag.split('[').next().unwrap_or(tag);
        let Some((name, service)) = tag.rsplit_once('/') else { return Ok(None) };
        Ok(Some(Syslog { date, host, name, service, message }))
    }

    /// A delivery line.
    fn delivery(
        &mut self,
        sink: &mut Sink,
        number: u64,
        log: &Syslog<'_>,
        key: u64,
        rest: &str,
    ) -> Result<(), LineError> {
        let recipient = rest["to=<".len()..].split('>').next().unwrap_or("");
        let status = field(rest, "status=").ok_or((None, "delivery line without status=".to_string()))?;
        let count = match status {
            "sent" => Count::Delivered,
            "deferred" | "SOFTBOUNCE" => Count::Deferred,
            "bounced" => {
                let dsn = field(rest, "dsn=").and_then(enhanced_code);
                if matches!(dsn, Some((5, 1, _))) { Count::Bounced } else { Count::Blocked }
            }
            other => {
                sink.skip(&format!("delivery status {}", quoted(other)), number);
                return Ok(());
            }
        };
        let relay = field(rest, "relay=").map(|r| r.split(['[', ':']).next().unwrap_or(r)).filter(|r| *r != "none");
        let provider = sink.options.providers.of_message(relay, recipient).to_string();
        let ip = ip_of(log.name)?;
        let (provider_id, ip_id) = (self.intern(&provider), self.intern(&ip));
        let first = self.track(key, hash(recipient), (count == Count::Deferred).then_some((provider_id, ip_id)));
        if first {
            sink.add(log.date, &provider, &ip, Count::Sent, 1);
        }
        sink.add(log.date, &provider, &ip, count, 1);
        Ok(())
    }

    /// The queue manager gave up on a message: each recipient last deferred expires.
    fn expired(&mut self, sink: &mut Sink, number: u64, date: CivilDate, key: u64) {
        let Some(message) = self.messages.remove(&key) else {
            sink.skip("expired message whose deliveries are not in the log (or past the tracking bound)", number);
            return;
        };
        for (_, pending) in message.recipients {
            if let Some((provider, ip)) = pending {
                let (provider, ip) = (self.names[provider as usize].clone(), self.names[ip as usize].clone());
                sink.add(date, &provider, &ip, Count::Expired, 1);
            }
        }
    }

    /// Records an attempt for (message, recipient); whether it is the first.
    fn track(&mut self, key: u64, recipient: u64, pending: Option<(u32, u32)>) -> bool {
        if !self.messages.contains_key(&key) {
            while self.messages.len() >= self.max_messages {
                match self.order.pop_front() {
                    Some(old) => {
                        self.messages.remove(&old);
                    }
                    None => break,
                }
            }
            if self.order.len() >= 2 * self.max_messages {
                let messages = &self.messages;
                self.order.retain(|k| messages.contains_key(k));
            }
            self.order.push_back(key);
        }
        let message = self.messages.entry(key).or_default();
        match message.recipients.iter_mut().find(|(r, _)| *r == recipient) {
            Some(entry) => {
                entry.1 = pending;
                false
            }
            None => {
                message.recipients.push((recipient, pending));
                true
            }
        }
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.name_ids.insert(name.to_string(), id);
        id
    }
}

/// The IP a syslog name stands for: without a leading `postfix-`.
fn ip_of(name: &str) -> Result<String, LineError> {
    let ip = name.strip_prefix("postfix-").filter(|s| !s.is_empty()).unwrap_or(name);
    crate::observed::csv::name(ip).map_err(|m| (None, format!("syslog name (the ip): {m}")))
}

/// `service` for the skip summary.
fn service_kind(service: &str) -> String {
    format!("service {}", quoted(service))
}

/// `QUEUEID: rest` (a queue id is hex or base-52 letters and digits).
fn split_queue_id(message: &str) -> Option<(&str, &str)> {
    let (id, rest) = message.split_once(": ")?;
    (!id.is_empty() && id.len() <= 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())).then_some((id, rest))
}

/// The value of `key` (`status=`) in a `key=value, ...` message: up to the next `,` or space.
fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = text.match_indices(key).find(|(i, _)| *i == 0 || text[..*i].ends_with(' '))?.0 + key.len();
    let value = &text[start..];
    Some(value.split([',', ' ']).next().unwrap_or(value))
}

fn hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_names_and_queue_ids() {
        let text = "to=<a@b.c>, relay=x.y[1.2.3.4]:25, dsn=5.1.1, status=bounced (host said: 550 5.1.1)";
        assert_eq!(field(text, "status="), Some("bounced"));
        assert_eq!(field(text, "dsn="), Some("5.1.1"));
        assert_eq!(field(text, "relay="), Some("x.y[1.2.3.4]:25"));
        assert_eq!(field("orig_to=<x>, to=<y>", "to="), Some("<y>"));
        assert_eq!(ip_of("postfix-ip3"), Ok("ip3".to_string()));
        assert_eq!(ip_of("postfix"), Ok("postfix".to_string()));
        assert!(ip_of(&"x".repeat(65)).is_err());
        assert_eq!(split_queue_id("4Qx7Lm0ABC: to=<x>"), Some(("4Qx7Lm0ABC", "to=<x>")));
        assert_eq!(split_queue_id("connect from x"), None);
    }

    #[test]
    fn the_tracked_messages_stay_within_their_bound() {
        let mut state = State::with_bound(4);
        let mut sink =
            Sink::new(super::super::Format::Postfix, super::super::Options { year: Some(2026), ..Default::default() });
        let line = |id: usize, status: &str| {
            format!(
                "Mar  2 09:00:00 h postfix-a/smtp[1]: Q{id}: to=<r-{id}@gmail.com>, relay=none, dsn=4.4.1, status={status} (x)"
            )
        };
        for id in 0..10 {
            state.line(&mut sink, id as u64 + 1, &line(id, "deferred")).expect("line");
            assert!(state.messages.len() <= 4 && state.order.len() <= 8);
        }
        // A retry of an evicted message counts `sent` again; a tracked one does not.
        state.line(&mut sink, 11, &line(0, "sent")).expect("line");
        state.line(&mut sink, 12, &line(9, "sent")).expect("line");
        for (n, id) in [(13, 1), (14, 8)] {
            let expired = format!(
                "Mar  7 09:00:00 h postfix/qmgr[2]: Q{id}: from=<s@example.com>, status=expired, returned to sender"
            );
            state.line(&mut sink, n, &expired).expect("line");
        }
        let row = |day| sink.table.get(CivilDate::new(2026, 3, day).expect("day"), "gmail", "a").cloned().expect("row");
        assert_eq!((row(2).sent, row(2).deferred, row(2).delivered), (Some(11), Some(10), Some(2)));
        assert_eq!(row(7).expired, Some(1));
        assert_eq!(sink.skips.list()[0].first.line, 13);
    }
}
