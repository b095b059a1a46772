//! The sender's MTA queue of deferred mail for one (IP, provider) pair.
//!
//! Deferred messages are kept in cohorts: messages first sent at the same time
//! that have failed the same number of attempts share a retry time, so the
//! queue's size grows with the number of distinct retry times, not with the
//! number of messages. Cohorts wait in slots, one per due time.
//!
//! Once a cohort's retry delay has reached its cap, every later delay is the
//! cap, so all capped cohorts in a slot keep the same schedule for the rest of
//! their lives: a slot keeps them together, oldest first, and a failed attempt
//! moves the whole group to its next slot at once. Only acceptance and expiry
//! touch a capped cohort individually, once each. The outcome is the same as
//! retrying every cohort on its own.
//!
//! Within a cohort the queue's order is random: when the provider accepts only
//! part of a cohort, it takes the first messages of a random order, so the
//! accepted count is split over the cohort's segments by a multivariate
//! hypergeometric draw from the caller's random stream (docs/MODEL.md, section 6).

use super::{HourlyLimit, HypergeometricMethod, RetryPolicy, SegmentCounts, random_split_into};
use crate::engine::SimTime;
use rand::Rng;
use std::collections::VecDeque;

/// Messages that share a first-attempt time and a retry schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// When these messages were first attempted.
    pub first_attempt: SimTime,
    /// Failed attempts so far (counted up to the attempt after which the delay is capped).
    pub attempts: u32,
    /// Messages per audience segment.
    pub counts: SegmentCounts,
    /// Sum of `counts`.
    pub total: u64,
}

impl Cohort {
    /// A cohort of `counts` first attempted at `first_attempt`, not yet failed.
    pub fn fresh(first_attempt: SimTime, counts: SegmentCounts) -> Self {
        let total = counts.iter().sum();
        Self { first_attempt, attempts: 0, counts, total }
    }
}

/// Cohorts due at one time.
#[derive(Debug, Clone, Default)]
struct Slot {
    /// Cohorts whose delay has reached the cap, oldest first.
    capped: VecDeque<Cohort>,
    /// Sum of the totals of `capped`.
    capped_total: u64,
    /// Younger cohorts, in no particular order.
    young: Vec<Cohort>,
}

impl Slot {
    fn total(&self) -> u64 {
        self.capped_total + self.young.iter().map(|c| c.total).sum::<u64>()
    }

    /// Moves `other`'s cohorts here, keeping `capped` oldest first; `other`
    /// is left empty, with its capacity, for reuse.
    ///
    /// (Swapping containers when `self`'s is empty, instead of appending, was
    /// measured and gave nothing: callgrind instruction counts and run times
    /// within 0.2% on every benchmark. It was removed.)
    fn absorb(&mut self, other: &mut Slot) {
        let ordered = match (self.capped.back(), other.capped.front()) {
            (Some(last), Some(first)) => last.first_attempt <= first.first_attempt,
            _ => true,
        };
        self.capped.append(&mut other.capped);
        if !ordered {
            self.capped.make_contiguous().sort_by_key(|c| c.first_attempt);
        }
        self.capped_total += std::mem::take(&mut other.capped_total);
        self.young.append(&mut other.young);
    }
}

/// What one attempt of the queue did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deferral {
    /// 4xx replies received (one per message per failed attempt).
    pub deferrals: u64,
    /// Messages given up because their next attempt would come after the queue lifetime.
    pub expired: u64,
}

/// Deferred mail waiting for retry.
#[derive(Debug, Clone)]
pub struct MtaQueue {
    /// Slots by due time, earliest first (few: about one per distinct retry phase).
    slots: VecDeque<(SimTime, Slot)>,
    queued: u64,
    /// `delays[k - 1]`: minutes before the next attempt after `k` failed ones, up to
    /// the cap or 64 entries (beyond which `policy` is asked).
    delays: Vec<u64>,
    /// Failed attempts from which the delay is the cap for good (`u32::MAX`: never).
    capped_from: u32,
    policy: RetryPolicy,
    // The three fields below only save allocations. Their gains were measured on
    // benches/run.rs scenarios against the same code allocating afresh: instruction
    // counts of `sim::run` (callgrind), and the fastest of 400 interleaved runs.
    // Cases: `blast` (scenarios/blast.toml), `x100` (the default scenario, 42 days,
    // at 100 times the volume), `sender_only` (the same with only the sender
    // scaled: the retry-heaviest). Unthrottled runs move by less than 0.3%.
    /// Scratch space for a partial acceptance, kept between calls. Gain:
    /// instructions -4.2% (blast), -6.0% (x100), -11.2% (sender_only).
    split: Vec<u64>,
    /// Scratch space for the young cohorts of one attempt, kept between calls.
    /// Gain: time -1.6% (sender_only), -0.7% (x100); instructions -1.2% (sender_only).
    young: Vec<Cohort>,
    /// Emptied slots, kept for reuse (at most [`SPARE_SLOTS`]). Gain: time -4%
    /// (sender_only), -2.5% (x100); instructions -0.8% (sender_only). Reserved
    /// for all of them at once, so that it does not grow in the middle of a run
    /// (issue 18: no allocation in the steady state of a run).
    spare: Vec<Slot>,
}

impl MtaQueue {
    /// An empty queue that retries under `policy`.
    pub fn new(policy: &RetryPolicy) -> Self {
        let cap = policy.max_retry_interval_minutes.max(1);
        let mut delays = Vec::new();
        let mut capped_from = u32::MAX;
        while delays.len() < 64 && capped_from == u32::MAX {
            let next = policy.delay_after(delays.len() as u32 + 1);
            delays.push(next);
            if next >= cap {
                capped_from = delays.len() as u32;
            }
        }
        Self {
            slots: VecDeque::new(),
            queued: 0,
            delays,
            capped_from,
            policy: *policy,
            split: Vec::new(),
            young: Vec::new(),
            spare: Vec::with_capacity(SPARE_SLOTS),
        }
    }

    /// Minutes before the next attempt after `attempts` failed ones (as [`RetryPolicy::delay_after`]).
    fn delay(&self, attempts: u32) -> u64 {
        match self.delays.get(attempts.max(1) as usize - 1) {
            Some(&d) => d,
            None if attempts >= self.capped_from => self.delays[self.delays.len() - 1],
            None => self.policy.delay_after(attempts),
        }
    }

    /// Messages waiting in the queue.
    pub fn queued(&self) -> u64 {
        self.queued
    }

    /// When the earliest deferred mail is due for its next attempt.
    pub fn next_due(&self) -> Option<SimTime> {
        self.slots.front().map(|(t, _)| *t)
    }

    /// Attempts delivery at `now` of every cohort due by then, oldest first,
    /// followed by `fresh` mail, against the provider's hourly `limit`: while
    /// the hour's allowance lasts, messages are accepted and passed to `accept`
    /// (counts per segment; a cohort accepted in part is split over its
    /// segments at random, drawn from `rng`); the rest fail and are re-queued
    /// for their next attempt, or expire when it would come after the queue lifetime.
    ///
    /// Attempts the limit makes certain to fail (see [`HourlyLimit`]) are made
    /// here at once, each counted as a deferral, instead of being left for a
    /// later call. The next time anything is due is [`MtaQueue::next_due`].
    pub fn attempt<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        limit: &mut HourlyLimit,
        fresh: Option<Cohort>,
        rng: &mut R,
        accept: impl FnMut(&[u64]),
    ) -> Deferral {
        limit.enter_hour(now);
        let (tokens, certain_failure) = limit.at(now);
        self.attempt_with(now, tokens, fresh, rng, accept, certain_failure)
    }

    /// [`MtaQueue::attempt`] with the fresh mail given as counts per segment,
    /// `fresh` (summing to `total`; 0: none). The same attempt, made without a
    /// cohort when nothing is due and the hour's allowance takes all the fresh
    /// mail: the common case of an hourly send.
    pub fn attempt_fresh<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        limit: &mut HourlyLimit,
        fresh: &[u64],
        total: u64,
        rng: &mut R,
        mut accept: impl FnMut(&[u64]),
    ) -> Deferral {
        limit.enter_hour(now);
        let (tokens, certain_failure) = limit.at(now);
        if self.slots.front().is_none_or(|(t, _)| *t > now) && total <= *tokens {
            // As `take` of a cohort taken whole: no random number.
            *tokens -= total;
            if total > 0 {
                accept(fresh);
            }
            return Deferral::default();
        }
        let cohort = (total > 0).then(|| Cohort {
            first_attempt: now,
            attempts: 0,
            counts: SegmentCounts::from_fn(fresh.len(), |s| fresh[s]),
            total,
        });
        self.attempt_with(now, tokens, cohort, rng, accept, certain_failure)
    }

    /// [`MtaQueue::attempt`] against `tokens` (the provider's remaining
    /// allowance, decremented here), where `certain_failure(t)` says that an
    /// attempt at time `t` is known to fail.
    fn attempt_with<R: Rng + ?Sized>(
        &mut self,
        now: SimTime,
        tokens: &mut u64,
        fresh: Option<Cohort>,
        rng: &mut R,
        mut accept: impl FnMut(&[u64]),
        certain_failure: impl Fn(SimTime) -> bool,
    ) -> Deferral {
        let mut result = Deferral::default();
        if self.slots.front().is_none_or(|(t, _)| *t > now) {
            // Nothing due: only fresh mail (the common case of an hourly send).
            if let Some(mut cohort) = fresh {
                Self::take(&mut self.split, &mut cohort, tokens, rng, &mut accept);
                if cohort.total > 0 {
                    self.defer_young(now, cohort, &certain_failure, &mut result);
                }
            }
            return result;
        }
        // The earliest due slot becomes the working set; later due ones join it. Its
        // young cohorts are moved out (they are re-filed one by one), so that what
        // stays is the capped group, which moves on as a whole.
        let Some((_, mut due)) = self.slots.pop_front() else { return result };
        while self.slots.front().is_some_and(|(t, _)| *t <= now) {
            let Some((_, mut slot)) = self.slots.pop_front() else { break };
            due.absorb(&mut slot);
            self.recycle(slot);
        }
        self.queued -= due.total();
        let mut young = std::mem::take(&mut self.young);
        std::mem::swap(&mut young, &mut due.young);
        young.sort_by_key(|c| (c.first_attempt, c.attempts));
        young.extend(fresh);

        // Oldest first: capped cohorts are older than young ones, which are older than fresh mail.
        while *tokens > 0 {
            let Some(front) = due.capped.front_mut() else { break };
            let taken = Self::take(&mut self.split, front, tokens, rng, &mut accept);
            due.capped_total -= taken;
            if front.total == 0 {
                due.capped.pop_front();
            }
        }
        let mut young_failed = young.len();
        for (i, cohort) in young.iter_mut().enumerate() {
            if *tokens == 0 {
                young_failed = i;
                break;
            }
            Self::take(&mut self.split, cohort, tokens, rng, &mut accept);
            if cohort.total > 0 {
                young_failed = i;
                break;
            }
        }

        let (cap, lifetime) = (self.delay(self.capped_from), self.policy.queue_lifetime_hours * 60);
        match Self::advance_capped(cap, lifetime, now, &mut due.capped, due.capped_total, &certain_failure, &mut result)
        {
            Some((next, total)) => {
                due.capped_total = total;
                self.queued += total;
                self.put_group(next, due);
            }
            None => {
                due.capped_total = 0;
                self.recycle(due);
            }
        }
        for cohort in young.drain(young_failed..) {
            self.defer_young(now, cohort, &certain_failure, &mut result);
        }
        young.clear();
        self.young = young;
        result
    }

    /// Keeps an emptied slot's containers for reuse.
    fn recycle(&mut self, slot: Slot) {
        if self.spare.len() < SPARE_SLOTS {
            self.spare.push(slot);
        }
    }

    /// Accepts as much of `cohort` as `tokens` allow; returns how many messages.
    /// A part taken is the first messages of the cohort in a random order: it is
    /// split over segments (in `split`) by a multivariate hypergeometric draw
    /// from `rng`, which uses no random number when one segment holds the cohort.
    fn take<R: Rng + ?Sized>(
        split: &mut Vec<u64>,
        cohort: &mut Cohort,
        tokens: &mut u64,
        rng: &mut R,
        accept: &mut impl FnMut(&[u64]),
    ) -> u64 {
        let take = cohort.total.min(*tokens);
        *tokens -= take;
        if take == cohort.total {
            // Fully taken: left with total 0, to be discarded.
            accept(&cohort.counts);
        } else if take > 0 {
            split.resize(cohort.counts.len(), 0);
            random_split_into(rng, take, &cohort.counts, split, HypergeometricMethod::Cheapest);
            cohort.counts.iter_mut().zip(split.iter()).for_each(|(n, t)| *n -= t);
            accept(split);
        }
        cohort.total -= take;
        take
    }

    /// Fails a group of capped cohorts (`total` messages, oldest first) at
    /// `now`, and again at each later attempt certain to fail, every `cap`
    /// minutes; drops (as expired) those whose next attempt would come more than
    /// `lifetime` minutes after their first. Returns when the survivors are due
    /// and how many they are, or `None` when none survive.
    fn advance_capped(
        cap: u64,
        lifetime: u64,
        now: SimTime,
        capped: &mut VecDeque<Cohort>,
        mut total: u64,
        certain_failure: &impl Fn(SimTime) -> bool,
        result: &mut Deferral,
    ) -> Option<(SimTime, u64)> {
        let mut at = now;
        loop {
            if capped.is_empty() {
                return None;
            }
            result.deferrals += total;
            let due = at.plus_minutes(cap);
            while let Some(oldest) = capped.front().filter(|c| due.minutes() - c.first_attempt.minutes() > lifetime) {
                result.expired += oldest.total;
                total -= oldest.total;
                capped.pop_front();
            }
            if capped.is_empty() {
                return None;
            }
            if !certain_failure(due) {
                return Some((due, total));
            }
            at = due;
        }
    }

    /// Fails one young cohort at `now` and re-queues it for its next attempt
    /// (among the capped ones if its delay has reached the cap), or expires it.
    fn defer_young(
        &mut self,
        now: SimTime,
        mut cohort: Cohort,
        certain_failure: &impl Fn(SimTime) -> bool,
        result: &mut Deferral,
    ) {
        let lifetime = self.policy.queue_lifetime_hours * 60;
        let mut at = now;
        let due = loop {
            cohort.attempts += 1;
            result.deferrals += cohort.total;
            let due = at.plus_minutes(self.delay(cohort.attempts));
            if due.minutes() - cohort.first_attempt.minutes() > lifetime {
                result.expired += cohort.total;
                return;
            }
            if !certain_failure(due) {
                break due;
            }
            at = due;
        };
        self.queued += cohort.total;
        let capped = cohort.attempts >= self.capped_from;
        let slot = self.slot(due);
        if capped {
            // Having just reached the cap, it is the youngest capped cohort: it goes last.
            slot.capped_total += cohort.total;
            slot.capped.push_back(cohort);
        } else {
            slot.young.push(cohort);
        }
    }

    /// Files a slot holding a capped group (and nothing else) at `due`: in place,
    /// or joining the slot already due then.
    fn put_group(&mut self, due: SimTime, mut group: Slot) {
        let at = self.slots.partition_point(|(t, _)| *t < due);
        match self.slots.get_mut(at) {
            Some((t, existing)) if *t == due => {
                existing.absorb(&mut group);
                self.recycle(group);
            }
            _ => self.slots.insert(at, (due, group)),
        }
    }

    /// The slot due at `due`, opened if needed.
    fn slot(&mut self, due: SimTime) -> &mut Slot {
        let at = self.slots.partition_point(|(t, _)| *t < due);
        if self.slots.get(at).is_none_or(|(t, _)| *t != due) {
            self.slots.insert(at, (due, self.spare.pop().unwrap_or_default()));
        }
        &mut self.slots[at].1
    }
}

/// Emptied slots kept for reuse by one queue.
const SPARE_SLOTS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SimRng, stream_rng};
    use proptest::prelude::*;

    fn counts(values: &[u64]) -> SegmentCounts {
        SegmentCounts::from_fn(values.len(), |s| values[s])
    }

    /// Attempts the queue at `now` with `tokens` and optional fresh mail;
    /// returns (accepted, deferral).
    fn attempt(
        q: &mut MtaQueue,
        now: SimTime,
        tokens: u64,
        fresh: Option<Cohort>,
        exhausted_until: Option<SimTime>,
    ) -> (u64, Deferral) {
        let mut tokens = tokens;
        let mut accepted = 0;
        let d = q.attempt_with(
            now,
            &mut tokens,
            fresh,
            &mut stream_rng(1, "queue-order"),
            |c| accepted += c.iter().sum::<u64>(),
            |t| exhausted_until.is_some_and(|e| t < e),
        );
        (accepted, d)
    }

    #[test]
    fn deferred_mail_is_retried_then_expires_after_the_lifetime() {
        let mut q = MtaQueue::new(&RetryPolicy::default());
        let start = SimTime::at(0, 8);
        let (accepted, d) = attempt(&mut q, start, 0, Some(Cohort::fresh(start, counts(&[3, 4]))), None);
        assert_eq!((accepted, d.deferrals), (0, 7));
        let mut now = start;
        let mut retries = 0;
        while let Some(due) = q.next_due() {
            assert!(due > now);
            assert_eq!(q.queued(), 7);
            now = due;
            retries += 1;
            let (_, d) = attempt(&mut q, now, 0, None, None);
            assert_eq!(d.deferrals, 7);
            assert_eq!(d.expired, if q.next_due().is_none() { 7 } else { 0 });
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
        let (_, d) = attempt(&mut q, start, 0, Some(Cohort::fresh(start, counts(&[5]))), Some(SimTime::at(0, 9)));
        assert_eq!(d, Deferral { deferrals: 15, expired: 0 });
        assert_eq!(q.next_due(), Some(SimTime::at(0, 9).plus_minutes(45)));
        assert_eq!(q.slots.len(), 1);
    }

    #[test]
    fn oldest_mail_is_accepted_first_and_capped_cohorts_move_together() {
        let mut q = MtaQueue::new(&RetryPolicy::default());
        // Three cohorts first sent at 00:00, 04:00 and 09:00; every attempt fails until 20:00.
        let mut fresh_at = vec![SimTime::at(0, 9), SimTime::at(0, 4), SimTime::at(0, 0)];
        let mut now = SimTime::ZERO;
        loop {
            let next_slot = q.next_due().filter(|t| *t < SimTime::at(0, 20));
            let next_fresh = fresh_at.last().copied();
            now = match (next_slot, next_fresh) {
                (Some(s), Some(f)) if f <= s => f,
                (_, Some(f)) if next_slot.is_none() => f,
                (Some(s), _) => s,
                (None, None) => break,
                (None, Some(f)) => f,
            };
            let fresh = (next_fresh == Some(now)).then(|| {
                fresh_at.pop();
                Cohort::fresh(now, counts(&[10]))
            });
            attempt(&mut q, now, 0, fresh, None);
        }
        // All three are capped now; the 00:00 and 04:00 ones share a slot (4 h, the cap, apart).
        assert!(q.slots.iter().any(|(_, s)| s.capped.len() == 2), "{:?}", q.slots);
        let &(due, _) = q.slots.iter().find(|(_, s)| s.capped.len() == 2).expect("shared slot");
        let (accepted, d) = attempt(&mut q, due, 15, None, None);
        assert_eq!(accepted, 15, "the 00:00 cohort (10) then 5 of the 04:00 one");
        assert_eq!(d.deferrals, 15, "the rest of the 04:00 cohort and the 09:00 one, due since 20:45");
        assert_eq!(q.queued(), 15);
        assert_eq!(q.slots.len(), 1, "all three now move together");
        assert!(now < due);
    }

    #[test]
    fn a_cohort_accepted_in_part_is_split_at_random_in_proportion() {
        // 31 of [58, 41, 41, 25]: largest remainder always gave [11, 8, 8, 4], the last
        // segment 4 against 4.70 in proportion; a random queue order gives it 4.70 on average.
        let (mut rng, reps) = (stream_rng(2, "queue-order"), 20_000u64);
        let mut sums = [0u64; 4];
        for _ in 0..reps {
            let mut q = MtaQueue::new(&RetryPolicy::default());
            let mut tokens = 31;
            let mut taken = [0u64; 4];
            let now = SimTime::at(0, 8);
            let fresh = Cohort::fresh(now, counts(&[58, 41, 41, 25]));
            let d = q.attempt_with(now, &mut tokens, Some(fresh), &mut rng, |c| taken.copy_from_slice(c), |_| false);
            assert_eq!((taken.iter().sum::<u64>(), d.deferrals, q.queued()), (31, 134, 134));
            assert!(taken.iter().zip([58, 41, 41, 25]).all(|(&t, c)| t <= c));
            sums.iter_mut().zip(taken).for_each(|(s, t)| *s += t);
        }
        // The last segment's count has variance 31 p (1 - p) 134 / 164 = 3.38 (p = 25/165): se 0.013.
        let last = sums[3] as f64 / reps as f64;
        assert!((last - 31.0 * 25.0 / 165.0).abs() < 0.07, "mean of the smallest segment {last}");
    }

    /// The naive model the queue must reproduce: every cohort on its own schedule,
    /// every attempt simulated, due cohorts attempted oldest first, then fresh mail.
    struct Reference {
        waiting: Vec<(SimTime, Cohort)>,
        policy: RetryPolicy,
        /// Draws the split of a cohort accepted in part (as the queue does, from a stream seeded alike).
        rng: SimRng,
    }

    impl Reference {
        fn next_due(&self) -> Option<SimTime> {
            self.waiting.iter().map(|(t, _)| *t).min()
        }

        fn queued(&self) -> u64 {
            self.waiting.iter().map(|(_, c)| c.total).sum()
        }

        fn attempt(&mut self, now: SimTime, tokens: &mut u64, fresh: Option<Cohort>, accepted: &mut [u64]) -> Deferral {
            let (mut due, rest): (Vec<_>, Vec<_>) = self.waiting.drain(..).partition(|(t, _)| *t <= now);
            self.waiting = rest;
            due.sort_by_key(|(_, c)| c.first_attempt);
            let mut result = Deferral::default();
            let mut split = vec![0; accepted.len()];
            for mut c in due.into_iter().map(|(_, c)| c).chain(fresh) {
                let take = c.total.min(*tokens);
                *tokens -= take;
                if take == c.total {
                    split.copy_from_slice(&c.counts);
                } else {
                    random_split_into(&mut self.rng, take, &c.counts, &mut split, HypergeometricMethod::Cheapest);
                }
                for (s, &n) in split.iter().enumerate() {
                    accepted[s] += n;
                    c.counts[s] -= n;
                }
                c.total -= take;
                if c.total == 0 {
                    continue;
                }
                c.attempts += 1;
                result.deferrals += c.total;
                let next = now.plus_minutes(self.policy.delay_after(c.attempts));
                if next.minutes() - c.first_attempt.minutes() > self.policy.queue_lifetime_hours * 60 {
                    result.expired += c.total;
                } else {
                    self.waiting.push((next, c));
                }
            }
            result
        }
    }

    const POLICIES: [RetryPolicy; 3] = [
        RetryPolicy {
            first_retry_minutes: 15,
            backoff_factor: 2.0,
            max_retry_interval_minutes: 240,
            queue_lifetime_hours: 72,
        },
        RetryPolicy {
            first_retry_minutes: 5,
            backoff_factor: 2.0,
            max_retry_interval_minutes: 40,
            queue_lifetime_hours: 3,
        },
        RetryPolicy {
            first_retry_minutes: 7,
            backoff_factor: 1.5,
            max_retry_interval_minutes: 50,
            queue_lifetime_hours: 5,
        },
    ];

    proptest! {
        /// Hour by hour, with an allowance per hour and fresh mail at each hour's start,
        /// the queue (grouped cohorts, attempts known to fail counted at once) accepts,
        /// defers, expires and keeps exactly what the per-cohort reference does.
        #[test]
        fn queue_matches_a_per_cohort_reference(
            policy in 0..POLICIES.len(),
            hours in prop::collection::vec((0u64..60, prop::collection::vec(0u64..25, 3)), 1..48),
        ) {
            let policy = POLICIES[policy];
            let mut q = MtaQueue::new(&policy);
            let mut rng = stream_rng(7, "queue-order");
            let mut reference = Reference { waiting: Vec::new(), policy, rng: stream_rng(7, "queue-order") };
            let (mut got, mut want) = ([0u64; 3], [0u64; 3]);
            let (mut got_d, mut want_d) = (Deferral::default(), Deferral::default());
            let add = |sum: &mut Deferral, d: Deferral| {
                sum.deferrals += d.deferrals;
                sum.expired += d.expired;
            };
            for (h, (allowance, fresh)) in hours.iter().enumerate() {
                let start = SimTime::from_minutes(h as u64 * 60);
                let end = start.plus_minutes(60);
                let cohort = Cohort::fresh(start, counts(fresh));
                let cohort = (cohort.total > 0).then_some(cohort);

                let mut tokens = *allowance;
                let mut now = start;
                let mut fresh_now = cohort.clone();
                loop {
                    let d = q.attempt_with(now, &mut tokens, fresh_now.take(), &mut rng, |c| {
                        c.iter().zip(got.iter_mut()).for_each(|(n, g)| *g += n)
                    }, |t| t < end);
                    add(&mut got_d, d);
                    match q.next_due().filter(|&t| t < end) {
                        Some(t) => now = t,
                        None => break,
                    }
                }

                let mut tokens = *allowance;
                let mut now = start;
                let mut fresh_now = cohort;
                loop {
                    let d = reference.attempt(now, &mut tokens, fresh_now.take(), &mut want);
                    add(&mut want_d, d);
                    match reference.next_due().filter(|&t| t < end) {
                        Some(t) => now = t,
                        None => break,
                    }
                }

                prop_assert_eq!(got, want, "accepted per segment by the end of hour {}", h);
                prop_assert_eq!(got_d, want_d, "deferrals and expiries by the end of hour {}", h);
                prop_assert_eq!(q.queued(), reference.queued(), "queued at the end of hour {}", h);
            }
        }
    }
}
