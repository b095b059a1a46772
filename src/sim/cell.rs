//! The state of one (IP, provider) pair during a run: the provider's hidden
//! reputation, the sender's MTA queue, the hourly rate-limit bucket and the
//! day's counters.

use super::Counts;
use crate::engine::SimTime;
use crate::model::{DayTraffic, MtaQueue, Reputation};

/// One (IP, provider) pair.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Provider-side reputation of the IP.
    pub rep: Reputation,
    /// Whether the IP belongs to a shared pool (reputation set exogenously).
    pub shared: bool,
    /// Sender-side queue of deferred mail.
    pub queue: MtaQueue,
    /// Start of the hour the rate-limit bucket belongs to.
    pub bucket_hour: Option<SimTime>,
    /// Messages the provider still accepts in the current hour.
    pub tokens: u64,
    /// Messages evaluated in the current hour.
    pub hour_evaluated: u64,
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
            bucket_hour: None,
            tokens: 0,
            hour_evaluated: 0,
            fresh_today: vec![0; n_segments],
            today: Counts::default(),
            traffic: DayTraffic::default(),
        }
    }

    /// Closes the current hour's bucket into the day's peak.
    pub fn close_hour(&mut self) {
        self.traffic.peak_hour_accepted = self.traffic.peak_hour_accepted.max(self.hour_evaluated);
        self.hour_evaluated = 0;
    }
}
