//! [`Counts`]: what happened to one IP's mail at one provider during one day.
//!
//! One counter serves every reader: the simulator fills it during the day, the
//! provider's end-of-day reputation update reads it, the sender observes part of
//! it, and the outputs write it. The quantities derived from it (accepted,
//! evaluated, attempts, finished) are defined here, once.

use serde::Serialize;

/// Message counts of one (day, IP, provider). All counts are messages, except
/// `deferred`, which counts 4xx replies (one message may be deferred several times).
///
/// Serialised (in `summary.json`) as its fields, in declaration order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// New messages handed to the MTA (first attempts).
    pub sent: u64,
    /// Accepted and placed in the inbox.
    pub inbox: u64,
    /// Accepted and placed in the junk folder.
    pub junk: u64,
    /// 4xx deferral replies received.
    pub deferred: u64,
    /// Hard bounces (invalid address, 5xx).
    pub bounced: u64,
    /// Refused with a 5xx reputation block.
    pub blocked: u64,
    /// Given up after the queue lifetime (soft bounce).
    pub expired: u64,
    /// Complaints by recipients (true count, whether or not the sender hears of them).
    pub complaints: u64,
    /// Complaints the sender learned of through a per-message feedback loop.
    pub fbl_complaints: u64,
    /// Opens.
    pub opens: u64,
    /// Spam-trap hits.
    pub trap_hits: u64,
}

impl Counts {
    /// Adds `other` field by field.
    pub fn add(&mut self, other: &Counts) {
        self.sent += other.sent;
        self.inbox += other.inbox;
        self.junk += other.junk;
        self.deferred += other.deferred;
        self.bounced += other.bounced;
        self.blocked += other.blocked;
        self.expired += other.expired;
        self.complaints += other.complaints;
        self.fbl_complaints += other.fbl_complaints;
        self.opens += other.opens;
        self.trap_hits += other.trap_hits;
    }

    /// Messages accepted with a 2xx and placed: `inbox + junk`.
    pub fn accepted(&self) -> u64 {
        self.inbox + self.junk
    }

    /// Messages that reached a final state (inbox, junk, bounced, blocked, expired).
    pub fn finished(&self) -> u64 {
        self.evaluated() + self.expired
    }
}

/// The SMTP replies some mail got: the one definition of "evaluated" and
/// "attempts", shared by the model's day counter ([`Counts`]) and the sums a
/// sender makes of what it observed (`strategy::signals::Tally`).
pub trait Replies {
    /// Accepted with a 2xx.
    fn accepted_replies(&self) -> u64;
    /// Refused with a 5xx reputation block.
    fn blocked_replies(&self) -> u64;
    /// Refused with a 5xx user unknown (hard bounce).
    fn bounced_replies(&self) -> u64;
    /// Deferred with a 4xx.
    fn deferred_replies(&self) -> u64;

    /// Messages the provider evaluated (took within its hourly allowance):
    /// accepted + bounced + blocked.
    fn evaluated(&self) -> u64 {
        self.accepted_replies() + self.bounced_replies() + self.blocked_replies()
    }

    /// Delivery attempts: every attempt gets exactly one reply, so this is
    /// [`Self::evaluated`] + deferred (4xx replies). Expired messages are not
    /// attempts (they are given up without a reply).
    fn attempts(&self) -> u64 {
        self.evaluated() + self.deferred_replies()
    }
}

impl Replies for Counts {
    fn accepted_replies(&self) -> u64 {
        self.accepted()
    }
    fn blocked_replies(&self) -> u64 {
        self.blocked
    }
    fn bounced_replies(&self) -> u64 {
        self.bounced
    }
    fn deferred_replies(&self) -> u64 {
        self.deferred
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_counts() {
        let c = Counts {
            sent: 20,
            inbox: 8,
            junk: 1,
            deferred: 2,
            bounced: 1,
            blocked: 3,
            expired: 4,
            ..Counts::default()
        };
        assert_eq!((c.accepted(), c.evaluated(), c.attempts(), c.finished()), (9, 13, 15, 17));
    }
}
