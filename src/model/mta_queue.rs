//! The sender's MTA queue of deferred mail for one (IP, provider) pair.
//!
//! Deferred messages are kept in cohorts: messages first sent at the same
//! time that have failed the same number of attempts share a retry time, so
//! the queue's size grows with the number of distinct retry times, not with
//! the number of messages. Cohorts are grouped by due time, so cohorts due
//! together (common once retries reach the backoff cap) are taken and put back
//! as one group.

use super::RetryPolicy;
use crate::engine::SimTime;
use std::collections::BTreeMap;

/// Messages that share a first-attempt time and a retry schedule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cohort {
    /// When the next attempt is due.
    pub due: SimTime,
    /// When these messages were first attempted.
    pub first_attempt: SimTime,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Messages per audience segment.
    pub counts: Vec<u64>,
}

/// Deferred mail waiting for retry.
#[derive(Debug, Clone, Default)]
pub struct MtaQueue {
    by_due: BTreeMap<SimTime, Vec<Cohort>>,
    queued: u64,
}

/// What happened to messages that were just deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requeue {
    /// Queued again; the next attempt is due at this time.
    RetryAt(SimTime),
    /// The next attempt would fall after the queue lifetime: given up.
    Expired,
}

impl MtaQueue {
    /// Messages waiting in the queue.
    pub fn queued(&self) -> u64 {
        self.queued
    }

    /// Moves the cohorts due at or before `now` into `out`, oldest first attempt first.
    pub fn take_due(&mut self, now: SimTime, out: &mut Vec<Cohort>) {
        let start = out.len();
        while let Some(entry) = self.by_due.first_entry().filter(|e| *e.key() <= now) {
            out.append(entry.remove().as_mut());
        }
        self.queued -= out[start..].iter().map(|c| c.counts.iter().sum::<u64>()).sum::<u64>();
        out[start..].sort_by_key(|c| (c.first_attempt, c.attempts));
    }

    /// Puts `counts` back after a failed attempt at `now`: either re-queued for
    /// the next attempt under `policy`, or expired when that attempt would come
    /// after the queue lifetime. Returns which.
    pub fn defer(
        &mut self,
        policy: &RetryPolicy,
        now: SimTime,
        first_attempt: SimTime,
        attempts: u32,
        counts: Vec<u64>,
    ) -> Requeue {
        let due = now.plus_minutes(policy.delay_after(attempts));
        if due.minutes() - first_attempt.minutes() > policy.queue_lifetime_hours * 60 {
            return Requeue::Expired;
        }
        let n: u64 = counts.iter().sum();
        if n > 0 {
            self.queued += n;
            self.by_due.entry(due).or_default().push(Cohort { due, first_attempt, attempts, counts });
        }
        Requeue::RetryAt(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_mail_is_retried_then_expires_after_the_lifetime() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        let start = SimTime::at(0, 8);
        let mut now = start;
        let mut attempts = 1;
        let mut retries = 0;
        let mut due_now = Vec::new();
        while let Requeue::RetryAt(due) = q.defer(&policy, now, start, attempts, vec![3, 4]) {
            assert_eq!(q.queued(), 7);
            due_now.clear();
            q.take_due(due, &mut due_now);
            assert_eq!(due_now.len(), 1);
            now = due;
            attempts += 1;
            retries += 1;
        }
        assert!(now.minutes() - start.minutes() <= 72 * 60);
        assert!(now.minutes() - start.minutes() > 68 * 60, "gave up too early at {now:?}");
        // 15+30+60+120 min, then every 4 h up to 72 h
        assert_eq!(retries, 4 + (72 * 60 - 225) / 240);
        assert_eq!(q.queued(), 0);
    }

    #[test]
    fn take_due_keeps_later_cohorts_and_returns_oldest_first() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        q.defer(&policy, SimTime::at(0, 3), SimTime::at(0, 1), 3, vec![1]); // due 04:00
        q.defer(&policy, SimTime::at(0, 3).plus_minutes(45), SimTime::at(0, 3), 1, vec![2]); // due 04:00
        q.defer(&policy, SimTime::at(0, 5), SimTime::at(0, 5), 1, vec![4]); // due 05:15
        let mut due = Vec::new();
        q.take_due(SimTime::at(0, 4), &mut due);
        assert_eq!(due.iter().map(|c| c.counts[0]).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(q.queued(), 4);
    }
}
