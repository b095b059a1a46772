//! The sender's MTA queue of deferred mail for one (IP, provider) pair.
//!
//! Deferred messages are kept in cohorts: messages first sent at the same
//! time that have failed the same number of attempts share a retry time, so
//! the queue's size grows with the number of distinct retry times, not with
//! the number of messages.

use super::RetryPolicy;
use crate::engine::SimTime;

/// Messages that share a first-attempt time and a retry schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// When these messages were first attempted.
    pub first_attempt: SimTime,
    /// Failed attempts so far.
    pub attempts: u32,
    /// When the next attempt is due.
    pub due: SimTime,
    /// Messages per audience segment.
    pub counts: Vec<u64>,
}

/// Deferred mail waiting for retry, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MtaQueue {
    cohorts: Vec<Cohort>,
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
        self.cohorts.iter().map(|c| c.counts.iter().sum::<u64>()).sum()
    }

    /// Removes and returns the cohorts due at or before `now`, oldest first.
    pub fn take_due(&mut self, now: SimTime) -> Vec<Cohort> {
        let (due, waiting): (Vec<Cohort>, Vec<Cohort>) = self.cohorts.drain(..).partition(|c| c.due <= now);
        self.cohorts = waiting;
        due
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
        if counts.iter().any(|&n| n > 0) {
            let pos = self.cohorts.partition_point(|c| c.first_attempt <= first_attempt);
            self.cohorts.insert(pos, Cohort { first_attempt, attempts, due, counts });
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
        loop {
            match q.defer(&policy, now, start, attempts, vec![3, 4]) {
                Requeue::RetryAt(due) => {
                    assert_eq!(q.queued(), 7);
                    assert!(q.take_due(due.plus_minutes(0)).len() == 1);
                    now = due;
                    attempts += 1;
                    retries += 1;
                }
                Requeue::Expired => break,
            }
        }
        assert!(now.minutes() - start.minutes() <= 72 * 60);
        assert!(now.minutes() - start.minutes() > 68 * 60, "gave up too early at {now:?}");
        // 15+30+60+120 min, then every 4 h up to 72 h
        assert_eq!(retries, 4 + (72 * 60 - 225) / 240);
        assert_eq!(q.queued(), 0);
    }

    #[test]
    fn take_due_keeps_later_cohorts() {
        let policy = RetryPolicy::default();
        let mut q = MtaQueue::default();
        q.defer(&policy, SimTime::at(0, 1), SimTime::at(0, 1), 1, vec![1]);
        q.defer(&policy, SimTime::at(0, 2), SimTime::at(0, 2), 1, vec![2]);
        let due = q.take_due(SimTime::at(0, 1).plus_minutes(15));
        assert_eq!(due.len(), 1);
        assert_eq!(q.queued(), 2);
    }
}
