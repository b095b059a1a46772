//! The messages a (provider, IP) pair's MTA still holds between attempts: a
//! FIFO queue of runs of consecutive messages (same family, attempts and
//! first day), so that its size grows with the days and pairs, never with the
//! number of messages. A day's deferred new messages are one run even though
//! they are spread among the day's new messages ([`Family::Spread`]).

use std::collections::VecDeque;

/// Which messages a run of a queue holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Serial `k`.
    Plain,
    /// The `k`-th deferred of the `total` new messages of a day from serial
    /// `base`, `deferred` of which were deferred, spread evenly.
    Spread { base: u64, total: u64, deferred: u64 },
}

impl Family {
    /// The serial of the run's `k`-th message.
    pub fn serial(self, k: u64) -> u64 {
        match self {
            Family::Plain => k,
            Family::Spread { base, total, deferred } => {
                let j = ((u128::from(k) + 1) * u128::from(total)).div_ceil(u128::from(deferred)) - 1;
                base + j as u64
            }
        }
    }
}

/// Whether new message `j` of `total` is one of the `deferred` spread evenly.
pub fn is_spread(j: u64, total: u64, deferred: u64) -> bool {
    let at = |i: u64| u128::from(i) * u128::from(deferred) / u128::from(total);
    deferred > 0 && at(j + 1) > at(j)
}

/// Consecutive messages of one family, with the same attempts and first day.
#[derive(Debug, Clone, Copy)]
struct Run {
    family: Family,
    start: u64,
    end: u64,
    attempts: u32,
    first_day: i64,
}

/// What a pair's MTA holds between days.
#[derive(Debug, Clone, Default)]
pub struct PairState {
    /// The runs, oldest first.
    queue: VecDeque<Run>,
    /// The last day's new messages (first serial, count), for complaints and opens.
    pub last_block: (u64, u64),
    /// Stand-in serials used.
    pub orphans: u64,
}

impl PairState {
    /// The oldest message: its family, index, attempts and first day.
    pub fn pop(&mut self) -> Option<(Family, u64, u32, i64)> {
        let run = self.queue.front_mut()?;
        let item = (run.family, run.start, run.attempts, run.first_day);
        run.start += 1;
        if run.start == run.end {
            self.queue.pop_front();
        }
        Some(item)
    }

    /// Puts a message at the end of the queue.
    pub fn push(&mut self, family: Family, k: u64, attempts: u32, first_day: i64) {
        if let Some(back) = self.queue.back_mut()
            && back.family == family
            && back.end == k
            && back.attempts == attempts
            && back.first_day == first_day
        {
            back.end += 1;
            return;
        }
        self.queue.push_back(Run { family, start: k, end: k + 1, attempts, first_day });
    }
}
