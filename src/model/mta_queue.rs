//! The sender's MTA queue of deferred mail for one (IP, provider) pair.
//!
//! Deferred messages are kept in cohorts: messages first sent at the same
//! time that have failed the same number of attempts share a retry time, so
//! the queue's size grows with the number of distinct retry times, not with
//! the number of messages. Cohorts wait in slots, one per due time; once
//! retries reach the backoff cap, cohorts first sent hours apart fall due
//! together, and a whole slot is retried and put back in one step.

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
#[derive(Debug, Clone)]
pub struct MtaQueue {
    slots: BTreeMap<SimTime, Vec<Cohort>>,
    /// Emptied slot vectors, kept for reuse.
    spare: Vec<Vec<Cohort>>,
    queued: u64,
    /// `delays[k - 1]`: minutes before the next attempt after `k` failed ones, up to
    /// the cap (which then repeats) or 64 entries (beyond which `policy` is asked).
    delays: Vec<u64>,
    capped: bool,
    policy: RetryPolicy,
}

impl MtaQueue {
    /// An empty queue that retries under `policy`.
    pub fn new(policy: &RetryPolicy) -> Self {
        let cap = (policy.max_retry_interval_minutes.max(1) as f64).round() as u64;
        let mut delays = Vec::new();
        let mut capped = false;
        while delays.len() < 64 && !capped {
            let next = policy.delay_after(delays.len() as u32 + 1);
            capped = next >= cap;
            delays.push(next);
        }
        Self { slots: BTreeMap::new(), spare: Vec::new(), queued: 0, delays, capped, policy: *policy }
    }

    /// Minutes before the next attempt after `attempts` failed ones (as [`RetryPolicy::delay_after`]).
    fn delay(&self, attempts: u32) -> u64 {
        let i = attempts.max(1) as usize - 1;
        match self.delays.get(i) {
            Some(&d) => d,
            None if self.capped => self.delays[self.delays.len() - 1],
            None => self.policy.delay_after(attempts),
        }
    }

    /// Messages waiting in the queue.
    pub fn queued(&self) -> u64 {
        self.queued
    }

    /// Moves the cohorts due at or before `now` into `out`, oldest first attempt first.
    pub fn take_due(&mut self, now: SimTime, out: &mut Vec<Cohort>) {
        let start = out.len();
        while let Some(slot) = self.slots.first_entry().filter(|e| *e.key() <= now) {
            let mut cohorts = slot.remove();
            out.append(&mut cohorts);
            if self.spare.len() < 8 {
                self.spare.push(cohorts);
            }
        }
        self.queued -= out[start..].iter().map(|c| c.total).sum::<u64>();
        if !out[start..].is_sorted_by_key(|c| (c.first_attempt, c.attempts)) {
            out[start..].sort_by_key(|c| (c.first_attempt, c.attempts));
        }
    }

    /// Puts every cohort of `failed` (emptied) back after its failed attempt at
    /// `now`: each is re-queued for its next attempt, or expires when that
    /// attempt would come after the queue lifetime.
    ///
    /// `certain_failure(t)` says that an attempt at time `t` is known to fail
    /// (the provider's allowance is used up then): such attempts are made here
    /// at once, each counted as a deferral, instead of waking the simulation
    /// for them. The due times of slots this call opened are appended to
    /// `new_slots`: each needs one wake-up.
    pub fn defer_all(
        &mut self,
        now: SimTime,
        failed: &mut Vec<Cohort>,
        certain_failure: impl Fn(SimTime) -> bool,
        new_slots: &mut Vec<SimTime>,
    ) -> Deferral {
        let lifetime = self.policy.queue_lifetime_hours * 60;
        let mut result = Deferral::default();
        let mut pending: Vec<Cohort> = self.spare.pop().unwrap_or_default();
        let mut pending_due = None;
        for mut cohort in failed.drain(..) {
            let mut at = now;
            let due = loop {
                cohort.attempts += 1;
                result.deferrals += cohort.total;
                let due = at.plus_minutes(self.delay(cohort.attempts));
                if due.minutes() - cohort.first_attempt.minutes() > lifetime {
                    break None;
                }
                if !certain_failure(due) {
                    break Some(due);
                }
                at = due;
            };
            let Some(due) = due else {
                result.expired += cohort.total;
                continue;
            };
            if pending_due != Some(due) {
                if let Some(d) = pending_due {
                    self.put(d, &mut pending, new_slots);
                }
                pending_due = Some(due);
            }
            cohort.due = due;
            self.queued += cohort.total;
            pending.push(cohort);
        }
        if let Some(d) = pending_due {
            self.put(d, &mut pending, new_slots);
        }
        if self.spare.len() < 8 {
            self.spare.push(pending);
        }
        result
    }

    /// Moves `cohorts` into the slot due at `due`, opening it if needed.
    fn put(&mut self, due: SimTime, cohorts: &mut Vec<Cohort>, new_slots: &mut Vec<SimTime>) {
        match self.slots.entry(due) {
            std::collections::btree_map::Entry::Vacant(e) => {
                let spare = self.spare.pop().unwrap_or_default();
                e.insert(std::mem::replace(cohorts, spare));
                new_slots.push(due);
            }
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().append(cohorts),
        }
    }
}

/// What [`MtaQueue::defer_all`] did with the cohorts it was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deferral {
    /// 4xx replies received (one per message per failed attempt).
    pub deferrals: u64,
    /// Messages given up because their next attempt would come after the queue lifetime.
    pub expired: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort(first: SimTime, counts: Vec<u64>) -> Cohort {
        Cohort::fresh(first, counts)
    }

    /// Defers one cohort at `now`; returns what happened and the slots opened.
    /// `exhausted`: attempts before the end of the current hour fail for certain.
    fn defer(q: &mut MtaQueue, now: SimTime, c: Cohort, exhausted: bool) -> (Deferral, Vec<SimTime>) {
        let mut slots = Vec::new();
        let hour_end = now.hour_start().plus_minutes(60);
        let d = q.defer_all(now, &mut vec![c], |t| exhausted && t < hour_end, &mut slots);
        (d, slots)
    }

    #[test]
    fn deferred_mail_is_retried_then_expires_after_the_lifetime() {
        let mut q = MtaQueue::new(&RetryPolicy::default());
        let start = SimTime::at(0, 8);
        let mut c = cohort(start, vec![3, 4]);
        let mut now = start;
        let mut retries = 0;
        let mut due_now = Vec::new();
        loop {
            let (d, slots) = defer(&mut q, now, c, false);
            assert_eq!(d.deferrals, 7);
            let Some(&due) = slots.first() else {
                assert_eq!(d.expired, 7);
                break;
            };
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
    fn delays_follow_the_policy_for_every_attempt() {
        for policy in [
            RetryPolicy::default(),
            RetryPolicy {
                first_retry_minutes: 5,
                backoff_factor: 1.5,
                max_retry_interval_minutes: 100,
                queue_lifetime_hours: 8,
            },
            RetryPolicy {
                first_retry_minutes: 30,
                backoff_factor: 1.0,
                max_retry_interval_minutes: 30,
                queue_lifetime_hours: 8,
            },
            RetryPolicy {
                first_retry_minutes: 1,
                backoff_factor: 1.01,
                max_retry_interval_minutes: 1000,
                queue_lifetime_hours: 8,
            },
        ] {
            let q = MtaQueue::new(&policy);
            for attempts in 1..300 {
                assert_eq!(q.delay(attempts), policy.delay_after(attempts), "{policy:?} attempt {attempts}");
            }
        }
    }

    #[test]
    fn attempts_in_an_exhausted_hour_are_made_at_once() {
        let mut q = MtaQueue::new(&RetryPolicy::default());
        let start = SimTime::at(0, 8);
        // Fails at 08:00, then (certain to fail) at 08:15 and 08:45; next due 09:45.
        let (d, slots) = defer(&mut q, start, cohort(start, vec![5]), true);
        assert_eq!(d, Deferral { deferrals: 15, expired: 0 });
        assert_eq!(slots, vec![SimTime::at(0, 9).plus_minutes(45)]);
        let mut due = Vec::new();
        q.take_due(SimTime::at(0, 9).plus_minutes(45), &mut due);
        assert_eq!(due[0].attempts, 3);
    }

    #[test]
    fn cohorts_due_together_share_a_slot_and_come_back_oldest_first() {
        let mut q = MtaQueue::new(&RetryPolicy::default());
        let mut a = cohort(SimTime::at(0, 1), vec![1]);
        a.attempts = 2;
        let (_, opened) = defer(&mut q, SimTime::at(0, 3), a, false); // third failure at 03:00: due 04:00
        assert_eq!(opened, vec![SimTime::at(0, 4)]);
        let (_, opened) = defer(&mut q, SimTime::at(0, 3).plus_minutes(45), cohort(SimTime::at(0, 3), vec![2]), false);
        assert!(opened.is_empty(), "04:00 already has a slot and a wake-up");
        defer(&mut q, SimTime::at(0, 5), cohort(SimTime::at(0, 5), vec![4]), false); // due 05:15
        let mut due = Vec::new();
        q.take_due(SimTime::at(0, 4), &mut due);
        assert_eq!(due.iter().map(|c| c.counts[0]).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(q.queued(), 4);
    }
}
