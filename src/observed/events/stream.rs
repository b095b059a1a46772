//! The day's counts of each (provider, IP) pair turned into messages and their
//! events, in time order: the one generator behind the per-message formats.
//!
//! Each pair keeps the messages its MTA still holds as a FIFO queue of runs of
//! message serials (never one entry per message, so memory grows with the
//! pairs and days, not with the volume). On a day a pair's events are, in
//! order: each new message handed over (`Sent`) followed by its first
//! attempt's reply (deferrals spread evenly among them, then the delivered,
//! bounced and blocked outcomes interleaved in proportion); then retries of
//! queued messages, oldest first (deferrals first, which send them back to the
//! end of the queue, then final replies); then expiries, oldest first; then
//! feedback-loop complaints and opens, about the day's messages. A message
//! deferred then delivered or expired keeps its serial, and a retry's attempt
//! number follows from its queue run. The events of the day are spread
//! evenly over the sending hours and merged over pairs by (time, row), so a
//! file is in time order and the same run gives the same bytes.
//!
//! Where the counts could not come from one queue (a retry with nothing
//! queued, which the simulator never produces), a fresh serial stands in.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;

use super::Events;
use super::cells::Cell;
use super::queue::{Family, PairState, is_spread};
use crate::observed::{CivilDate, Count, ObservedRow};

/// Milliseconds in a day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// Serials of stand-in messages start here (with the pair's index above bit 32).
const ORPHAN_SERIALS: u64 = 1 << 62;

/// The message of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// Its serial, unique in the run: the source of its ids and recipient.
    pub serial: u64,
    /// Attempts made with this event's reply included (0 for `Sent`; for
    /// `Expired`, the attempts made before).
    pub attempts: u32,
    /// When it was handed to the MTA (Unix milliseconds; the start of the
    /// sending hours of its first day for a message from the queue).
    pub first_ms: i64,
}

/// One event.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// When (Unix milliseconds).
    pub time_ms: i64,
    /// What happened to the message: the count of its row it adds one to.
    pub kind: Count,
    /// About which message.
    pub message: Message,
    /// The pair.
    pub cell: &'a Cell,
}

/// The day's counts of one pair (`None` read as 0).
#[derive(Debug, Clone, Copy, Default)]
pub struct Plan {
    sent: u64,
    delivered: u64,
    deferred: u64,
    bounced: u64,
    blocked: u64,
    expired: u64,
    complaints: u64,
    opens: u64,
}

impl Plan {
    /// The counts of `row`.
    pub fn of(row: &ObservedRow) -> Self {
        let n = |v: Option<u64>| v.unwrap_or(0);
        Self {
            sent: n(row.sent),
            delivered: n(row.delivered),
            deferred: n(row.deferred),
            bounced: n(row.bounced),
            blocked: n(row.blocked),
            expired: n(row.expired),
            complaints: n(row.complaints),
            opens: n(row.opens),
        }
    }

    /// Final replies (delivered, bounced, blocked).
    fn finals(&self) -> u64 {
        self.delivered + self.bounced + self.blocked
    }

    /// Events of messages: sent, every reply and expiries (no complaints or opens).
    pub fn records(&self) -> u64 {
        self.sent + self.finals() + self.deferred + self.expired
    }

    /// Lines of a Postfix log: [`Self::records`], plus the queue manager's
    /// `removed` after each final reply and expiry.
    pub fn postfix_lines(&self) -> u64 {
        self.records() + self.finals() + self.expired
    }
}

/// Smooth weighted round robin over delivered, bounced, blocked: exactly
/// their counts, interleaved in proportion.
#[derive(Debug, Clone)]
struct Interleave {
    weights: [u64; 3],
    current: [i128; 3],
}

impl Interleave {
    fn next(&mut self) -> Count {
        let total: u64 = self.weights.iter().sum();
        for (c, w) in self.current.iter_mut().zip(self.weights) {
            *c += i128::from(w);
        }
        let mut best = 0;
        for i in 1..3 {
            if self.current[i] > self.current[best] {
                best = i;
            }
        }
        self.current[best] -= i128::from(total);
        [Count::Delivered, Count::Bounced, Count::Blocked][best]
    }
}

/// One pair's day, as a generator of events.
struct PairDay {
    state: PairState,
    pair: usize,
    day: i64,
    base: u64,
    plan: Plan,
    /// First attempts with a reply today, and how many of them were deferred.
    answered: u64,
    new_deferred: u64,
    /// Timing: start of the sending hours, their length, events of the day, events emitted.
    start_ms: i64,
    window_ms: i64,
    n_events: u64,
    emitted: u64,
    /// Next new message, and the send time of the one whose reply comes next.
    next_new: u64,
    reply_due: Option<i64>,
    deferred_so_far: u64,
    finals: Interleave,
    retry_deferrals: u64,
    retry_finals: u64,
    expiries: u64,
    complaints: u64,
    opens: u64,
}

impl PairDay {
    fn new(state: PairState, pair: usize, plan: Plan, base: u64, date: CivilDate, window: (u32, u32)) -> Self {
        let day = date.days_since_epoch();
        let answered = plan.sent.min(plan.finals() + plan.deferred);
        let new_deferred = plan.deferred.min(answered);
        let start_ms = day * MS_PER_DAY + i64::from(window.0) * 3_600_000;
        let window_ms = i64::from(window.1.saturating_sub(window.0).max(1)) * 3_600_000;
        let mut state = state;
        if plan.sent > 0 {
            state.last_block = (base, plan.sent);
        }
        Self {
            state,
            pair,
            day,
            base,
            plan,
            answered,
            new_deferred,
            start_ms,
            window_ms,
            n_events: plan.records() + plan.complaints + plan.opens,
            emitted: 0,
            next_new: 0,
            reply_due: None,
            deferred_so_far: 0,
            finals: Interleave { weights: [plan.delivered, plan.bounced, plan.blocked], current: [0; 3] },
            retry_deferrals: plan.deferred - new_deferred,
            retry_finals: plan.finals() - (answered - new_deferred),
            expiries: plan.expired,
            complaints: plan.complaints,
            opens: plan.opens,
        }
    }

    fn first_ms(&self, first_day: i64) -> i64 {
        self.start_ms + (first_day - self.day) * MS_PER_DAY
    }

    /// A message from the queue (oldest first), or a stand-in.
    fn pop(&mut self) -> (Family, u64, u32, i64) {
        self.state.pop().unwrap_or_else(|| {
            self.state.orphans += 1;
            (Family::Plain, ORPHAN_SERIALS | (self.pair as u64) << 32 | self.state.orphans, 0, self.day)
        })
    }

    /// The serial of the `n`-th complaint or open of the day.
    fn recent(&mut self, n: u64) -> u64 {
        match self.state.last_block {
            (base, count) if count > 0 => base + n % count,
            _ => ORPHAN_SERIALS | (self.pair as u64) << 32,
        }
    }

    fn next(&mut self) -> Option<(i64, Count, Message)> {
        if self.emitted == self.n_events {
            return None;
        }
        let offset = i128::from(self.emitted) * i128::from(self.window_ms) / i128::from(self.n_events);
        let time = self.start_ms + offset as i64;
        self.emitted += 1;
        let message = |serial, attempts, first_ms| Message { serial, attempts, first_ms };
        if let Some(sent_ms) = self.reply_due.take() {
            let j = self.next_new - 1;
            let m = message(self.base + j, 1, sent_ms);
            if is_spread(j, self.answered, self.new_deferred) {
                let family = Family::Spread { base: self.base, total: self.answered, deferred: self.new_deferred };
                self.state.push(family, self.deferred_so_far, 1, self.day);
                self.deferred_so_far += 1;
                return Some((time, Count::Deferred, m));
            }
            return Some((time, self.finals.next(), m));
        }
        if self.next_new < self.plan.sent {
            let j = self.next_new;
            self.next_new += 1;
            if j < self.answered {
                self.reply_due = Some(time);
            } else {
                self.state.push(Family::Plain, self.base + j, 0, self.day);
            }
            return Some((time, Count::Sent, message(self.base + j, 0, time)));
        }
        if self.retry_deferrals > 0 {
            self.retry_deferrals -= 1;
            let (family, k, attempts, first_day) = self.pop();
            self.state.push(family, k, attempts + 1, first_day);
            return Some((time, Count::Deferred, message(family.serial(k), attempts + 1, self.first_ms(first_day))));
        }
        if self.retry_finals > 0 {
            self.retry_finals -= 1;
            let (family, k, attempts, first_day) = self.pop();
            let kind = self.finals.next();
            return Some((time, kind, message(family.serial(k), attempts + 1, self.first_ms(first_day))));
        }
        if self.expiries > 0 {
            self.expiries -= 1;
            let (family, k, attempts, first_day) = self.pop();
            return Some((time, Count::Expired, message(family.serial(k), attempts, self.first_ms(first_day))));
        }
        let (kind, n) = if self.complaints > 0 {
            self.complaints -= 1;
            (Count::Complaints, self.complaints)
        } else {
            self.opens -= 1;
            (Count::Opens, self.opens)
        };
        let serial = self.recent(n);
        Some((time, kind, message(serial, 1, self.start_ms)))
    }
}

/// Calls `f` on every event of `events`' per-message formats, in time order.
pub fn for_each_event(events: &Events, mut f: impl FnMut(&Event<'_>) -> io::Result<()>) -> io::Result<()> {
    let (rows, cells) = (&events.rows, &events.cells);
    let mut states: Vec<PairState> = vec![PairState::default(); cells.len()];
    let mut next_serial = 1;
    let mut first = 0;
    while first < rows.len() {
        let date = rows[first].date;
        let end = first + rows[first..].iter().take_while(|r| r.date == date).count();
        let mut days: Vec<PairDay> = Vec::with_capacity(end - first);
        for (r, row) in rows.iter().enumerate().take(end).skip(first) {
            let pair = cells.index_of_row(r);
            let plan = Plan::of(row);
            let state = std::mem::take(&mut states[pair]);
            days.push(PairDay::new(state, pair, plan, next_serial, date, cells.window_hours));
            next_serial += plan.sent;
        }
        let mut due: Vec<Option<(i64, Count, Message)>> = days.iter_mut().map(PairDay::next).collect();
        let mut heap: BinaryHeap<Reverse<(i64, usize)>> =
            due.iter().enumerate().filter_map(|(i, e)| e.map(|(t, ..)| Reverse((t, i)))).collect();
        while let Some(Reverse((_, i))) = heap.pop() {
            let day = &mut days[i];
            if let Some((time_ms, kind, message)) = due[i].take() {
                f(&Event { time_ms, kind, message, cell: cells.get(day.pair) })?;
            }
            due[i] = day.next();
            if let Some((t, ..)) = due[i] {
                heap.push(Reverse((t, i)));
            }
        }
        for day in days {
            states[day.pair] = day.state;
        }
        first = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
