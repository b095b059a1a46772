//! A Postfix mail log: the smtp client's per-recipient results and the queue
//! manager's lines, as `src/global/log_adhoc.c` and `src/qmgr/` write them.
//!
//! The sending IP is named in the tag: one smtp transport per IP, bound to it
//! with `smtp_bind_address` and logging under its own `syslog_name`
//! `postfix-<IP label>` (the deployment convention for telling IPs apart in
//! a Postfix log), while the queue manager logs as `postfix/qmgr`. Timestamps
//! are RFC 3339 in UTC (rsyslog's high-precision format), so that the log
//! carries its year.
//!
//! | event | line |
//! |---|---|
//! | sent | `postfix/qmgr: ID: from=<...>, size=..., nrcpt=1 (queue active)` |
//! | delivered | `postfix-IP/smtp: ID: to=<...>, relay=MX[addr]:25, ..., dsn=2.0.0, status=sent (250 2.0.0 OK ...)`, then `postfix/qmgr: ID: removed` |
//! | deferred | the same with the provider's 4xx reply, `status=deferred` |
//! | bounced, blocked | the same with the provider's 5xx reply, `status=bounced`, then `removed` |
//! | expired | `postfix/qmgr: ID: from=<...>, status=expired, returned to sender`, then `removed` |
//!
//! An MTA logs neither complaints nor opens.

use std::io::{self, Write};

use super::Events;
use super::cells::{Cell, Reply, SENDER_DOMAIN};
use super::stream::{Event, for_each_event};
use super::text::{recipient, syslog_rfc3339};
use crate::observed::Count;

/// The host name in every line.
const HOST: &str = "mta1";

/// Postfix's queue id of message `serial` (upper-case hex, as short queue ids are).
pub fn queue_id(serial: u64) -> String {
    format!("{serial:010X}")
}

/// Writes every message event of `events` as Postfix log lines.
pub fn write(events: &Events, out: &mut impl Write) -> io::Result<()> {
    for_each_event(events, |e| line(e, out))
}

/// `delay=`'s number: whole seconds from 100 s, else two significant digits.
fn seconds(s: f64) -> String {
    match s {
        s if s >= 100.0 => format!("{s:.0}"),
        s if s >= 10.0 => format!("{s:.0}"),
        s if s >= 1.0 => format!("{s:.1}"),
        s => format!("{s:.2}"),
    }
}

fn line(e: &Event<'_>, out: &mut impl Write) -> io::Result<()> {
    let time = syslog_rfc3339(e.time_ms);
    let id = queue_id(e.message.serial);
    let qmgr = format!("{time} {HOST} postfix/qmgr[1100]: {id}:");
    let cell = e.cell;
    match e.kind {
        Count::Sent => writeln!(out, "{qmgr} from=<news@{SENDER_DOMAIN}>, size=24000, nrcpt=1 (queue active)"),
        Count::Delivered => {
            let text = format!("250 2.0.0 OK <{id}@{SENDER_DOMAIN}>");
            smtp(e, &time, &id, "2.0.0", "sent", &text, out)?;
            writeln!(out, "{qmgr} removed")
        }
        Count::Deferred => {
            smtp(e, &time, &id, &cell.defer.dsn(), "deferred", &said(cell, &cell.defer, "end of DATA"), out)
        }
        Count::Bounced | Count::Blocked => {
            let (reply, command) =
                if e.kind == Count::Bounced { (&cell.bounce, "RCPT TO") } else { (&cell.block, "end of DATA") };
            smtp(e, &time, &id, &reply.dsn(), "bounced", &said(cell, reply, command), out)?;
            writeln!(out, "{qmgr} removed")
        }
        Count::Expired => {
            writeln!(out, "{qmgr} from=<news@{SENDER_DOMAIN}>, status=expired, returned to sender")?;
            writeln!(out, "{qmgr} removed")
        }
        Count::Complaints | Count::Opens => Ok(()),
    }
}

/// `host MX[addr] said: REPLY (in reply to COMMAND command)`.
fn said(cell: &Cell, reply: &Reply, command: &str) -> String {
    format!("host {}[{}] said: {} (in reply to {command} command)", cell.mx, cell.mx_addr, reply.line())
}

/// The smtp client's result line.
fn smtp(
    e: &Event<'_>,
    time: &str,
    id: &str,
    dsn: &str,
    status: &str,
    text: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let cell = e.cell;
    let delay = ((e.time_ms - e.message.first_ms) as f64 / 1000.0).max(0.5);
    writeln!(
        out,
        "{time} {HOST} postfix-{ip}/smtp[2200]: {id}: to=<{rcpt}>, relay={mx}[{addr}]:25, delay={delay}, \
         delays={queued}/0.01/0.2/0.25, dsn={dsn}, status={status} ({text})",
        ip = cell.ip,
        rcpt = recipient(e.message.serial, cell),
        mx = cell.mx,
        addr = cell.mx_addr,
        delay = seconds(delay),
        queued = seconds((delay - 0.46).max(0.0)),
    )
}
