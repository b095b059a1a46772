//! The state of one (IP, provider) pair during a run: the provider's hidden
//! reputation, the sender's MTA queue, the hourly rate-limit bucket and the
//! day's counters.

use super::Counts;
use crate::engine::SimTime;
use crate::model::{DayTraffic, MtaQueue, Reputation};
use std::collections::BTreeSet;

/// One (IP, provider) pair.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Provider-side reputation of the IP.
    pub rep: Reputation,
    /// Whether the IP belongs to a shared pool (reputation set exogenously).
    pub shared: bool,
    /// Sender-side queue of deferred mail.
    pub queue: MtaQueue,
    /// Times at which a `Retry` event for this cell is already scheduled.
    pub wakeups: BTreeSet<SimTime>,
    /// Start of the hour the rate-limit bucket belongs to.
    pub bucket_hour: Option<SimTime>,
    /// Messages the provider still accepts in the current hour.
    pub tokens: u64,
    /// Messages accepted for evaluation in the current hour, per segment (placed when the hour closes).
    pub hour_accepted: Vec<u64>,
    /// Inbox-placed messages today, per segment.
    pub day_inbox: Vec<u64>,
    /// Junk-placed messages today, per segment.
    pub day_junk: Vec<u64>,
    /// Fresh messages per segment planned for today.
    pub fresh_today: Vec<u64>,
    /// Today's counts, as written to `daily.csv`.
    pub today: Counts,
    /// Today's traffic as the provider sees it.
    pub traffic: DayTraffic,
}

impl Cell {
    /// A cell with reputation `rep` and `n_segments` audience segments.
    pub fn new(rep: Reputation, shared: bool, n_segments: usize) -> Self {
        Self {
            rep,
            shared,
            queue: MtaQueue::default(),
            wakeups: BTreeSet::new(),
            bucket_hour: None,
            tokens: 0,
            hour_accepted: vec![0; n_segments],
            day_inbox: vec![0; n_segments],
            day_junk: vec![0; n_segments],
            fresh_today: vec![0; n_segments],
            today: Counts::default(),
            traffic: DayTraffic::default(),
        }
    }
}
