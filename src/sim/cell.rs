//! The state of one (IP, provider) pair during a run: the provider's hidden
//! reputation, the sender's MTA queue, the hourly rate-limit bucket and the
//! day's counters.

use super::Counts;
use crate::engine::SimTime;
use crate::model::{DayTraffic, MtaQueue, Reputation, RetryPolicy};

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
    /// Messages accepted for evaluation in the current hour.
    pub hour_evaluated: u64,
    /// Messages accepted for evaluation today, per segment (placed at the end of the day).
    pub day_accepted: Vec<u64>,
    /// Of `day_accepted`, those accepted from hour `late_from_hour` on, whose complaints
    /// reach the sender one day later than the others'.
    pub late_accepted: Vec<u64>,
    /// First hour of the day whose complaints are reported a day later (24: none).
    pub late_from_hour: u32,
    /// Hours of today whose fresh mail alone uses up the provider's hourly
    /// allowance: a retry due after the start of such an hour fails for certain.
    pub saturated_hours: [bool; 24],
    /// The day `saturated_hours` was computed for.
    pub saturated_day: Option<u32>,
    /// Fresh messages per segment planned for today.
    pub fresh_today: Vec<u64>,
    /// Today's counts, as written to `daily.csv`.
    pub today: Counts,
    /// Today's traffic as the provider sees it.
    pub traffic: DayTraffic,
}

impl Cell {
    /// A cell with reputation `rep`, `n_segments` audience segments, a feedback
    /// loop whose reports of hours from `late_from_hour` on arrive a day later,
    /// and an MTA queue retrying under `retry`.
    pub fn new(rep: Reputation, shared: bool, n_segments: usize, late_from_hour: u32, retry: &RetryPolicy) -> Self {
        Self {
            rep,
            shared,
            queue: MtaQueue::new(retry),
            bucket_hour: None,
            tokens: 0,
            hour_evaluated: 0,
            day_accepted: vec![0; n_segments],
            late_accepted: vec![0; n_segments],
            late_from_hour,
            saturated_hours: [false; 24],
            saturated_day: None,
            fresh_today: vec![0; n_segments],
            today: Counts::default(),
            traffic: DayTraffic::default(),
        }
    }

    /// Closes the current hour's count into the day's peak.
    pub fn close_hour(&mut self) {
        self.traffic.peak_hour_accepted = self.traffic.peak_hour_accepted.max(self.hour_evaluated);
        self.hour_evaluated = 0;
    }
}
