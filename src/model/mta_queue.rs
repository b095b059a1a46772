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
    /// Sum of `counts`.
    pub total: u64,
}

impl Cohort {
    /// A cohort of `counts` first attempted at `first_attempt`, not yet failed.
    pub fn fresh(first_attempt: SimTime, counts: Vec<u64>) -> Self {
        let total = counts.iter().sum();
        Self { due: first_attempt, first_attempt, attempts: 0, counts, total }
    }
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
        self.queued -= out[start..].iter().map(|c| c.total).sum::<u64>();
        out[start..].sort_by_key(|c| (c.first_attempt, c.attempts));
    }

    /// Puts `cohort` back after its failed attempt at `now`: either re-queued
    /// for its next attempt under `policy`, or expired when that attempt would
    /// come after the queue lifetime.
    ///
    /// `exhausted` says that the provider accepts nothing more until the end of
    /// the current clock hour: attempts due before then fail for certain, so
    /// they are made here at once (each counted in the returned deferrals)
    /// instead of waking the simulation for them.
    pub fn defer(&mut self, policy: &RetryPolicy, now: SimTime, mut cohort: Cohort, exhausted: bool) -> Deferral {
        let hour_end = now.hour_start().plus_minutes(60);
        let lifetime = policy.queue_lifetime_hours * 60;
        let mut deferrals = 0;
        let mut at = now;
        loop {
            cohort.attempts += 1;
            deferrals += cohort.total;
            let due = at.plus_minutes(policy.delay_after(cohort.attempts));
            if due.minutes() - cohort.first_attempt.minutes() > lifetime {
                return Deferral { deferrals, outcome: Requeue::Expired };
            }
            if exhausted && due < hour_end {
                at = due;
                continue;
            }
            cohort.due = due;
            if cohort.total > 0 {
                self.queued += cohort.total;
                self.by_due.entry(due).or_default().push(cohort);
            }
            return Deferral { deferrals, outcome: Requeue::RetryAt(due) };
        }
    }
}

/// What [`MtaQueue::defer`] did with a cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deferral {
    /// 4xx replies the cohort's messages received (one per message per failed attempt).
    pub deferrals: u64,
    /// Whether it waits for a retry or expired.
    pub outcome: Requeue,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(first: SimTime, counts: Vec<u64>) -> Cohort {
        Cohort::fresh(first, counts)
    }

    #[test]
    fn deferred_mail_is_retried_then_expires_after_the_lifetime() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        let start = SimTime::at(0, 8);
        let mut c = cohort(start, vec![3, 4]);
        let mut now = start;
        let mut retries = 0;
        let mut due_now = Vec::new();
        loop {
            let d = q.defer(&policy, now, c, false);
            assert_eq!(d.deferrals, 7);
            let Requeue::RetryAt(due) = d.outcome else { break };
            assert_eq!(q.queued(), 7);
            due_now.clear();
            q.take_due(due, &mut due_now);
            assert_eq!(due_now.len(), 1);
            c = due_now.pop().expect("due");
            now = due;
            retries += 1;
        }
        assert!(now.minutes() - start.minutes() <= 72 * 60);
        assert!(now.minutes() - start.minutes() > 68 * 60, "gave up too early at {now:?}");
        // 15+30+60+120 min, then every 4 h up to 72 h
        assert_eq!(retries, 4 + (72 * 60 - 225) / 240);
        assert_eq!(q.queued(), 0);
    }

    #[test]
    fn attempts_in_an_exhausted_hour_are_made_at_once() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        let start = SimTime::at(0, 8);
        // Fails at 08:00, then (certain to fail) at 08:15 and 08:45; next due 09:45.
        let d = q.defer(&policy, start, cohort(start, vec![5]), true);
        assert_eq!(d, Deferral { deferrals: 15, outcome: Requeue::RetryAt(SimTime::at(0, 9).plus_minutes(45)) });
        let mut due = Vec::new();
        q.take_due(SimTime::at(0, 9).plus_minutes(45), &mut due);
        assert_eq!(due[0].attempts, 3);
    }

    #[test]
    fn take_due_keeps_later_cohorts_and_returns_oldest_first() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        let mut a = cohort(SimTime::at(0, 1), vec![1]);
        a.attempts = 2;
        q.defer(&policy, SimTime::at(0, 3), a, false); // third failure at 03:00: due 04:00
        q.defer(&policy, SimTime::at(0, 3).plus_minutes(45), cohort(SimTime::at(0, 3), vec![2]), false); // due 04:00
        q.defer(&policy, SimTime::at(0, 5), cohort(SimTime::at(0, 5), vec![4]), false); // due 05:15
        let mut due = Vec::new();
        q.take_due(SimTime::at(0, 4), &mut due);
        assert_eq!(due.iter().map(|c| c.counts[0]).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(q.queued(), 4);
    }
}
