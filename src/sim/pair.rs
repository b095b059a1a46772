//! The state of one (IP, provider) pair during a run: the provider's hidden
//! reputation of the IP and its hourly rate limit, the sender's MTA queue, the
//! day's fresh mail and the day's counts.

use crate::model::{Counts, HourlyLimit, IpSpec, MtaQueue, ProviderParams, Reputation, RetryPolicy};

/// One (IP, provider) pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Provider-side reputation of the IP.
    pub rep: Reputation,
    /// Whether the IP belongs to a shared pool (reputation set exogenously).
    pub shared: bool,
    /// Sender-side queue of deferred mail.
    pub queue: MtaQueue,
    /// The provider's hourly rate limit.
    pub limit: HourlyLimit,
    /// Messages accepted for evaluation today, per segment (placed at the end of the day).
    pub day_accepted: Vec<u64>,
    /// Of `day_accepted`, those accepted from hour `late_from_hour` on, whose complaints
    /// reach the sender one day later than the others'.
    pub late_accepted: Vec<u64>,
    /// First hour of the day whose complaints are reported a day later (24: none).
    pub late_from_hour: u32,
    /// Fresh messages per segment planned for today.
    pub fresh_today: Vec<u64>,
    /// `fresh_today` per segment as [`Slicer::parts`](crate::model::Slicer::parts)
    /// for the day's hours, from which each hour's slice is read.
    pub fresh_parts: Vec<(u64, u32)>,
    /// Today's counts: recorded in `daily.csv`, read by the provider's reputation
    /// update and, in part, observed by the sender.
    pub today: Counts,
    /// Whether today's hours are sent at the day's end, at once: nothing was queued
    /// at its start and every hour's fresh mail fits the allowance, so no attempt
    /// fails, none draws a random number, and nothing else reads the pair before
    /// the day's end (see `Run::send_whole_day`).
    pub whole_day: bool,
}

impl Pair {
    /// The pair of `ip` at provider `p` at the start of a run, for an audience of
    /// `n_segments` segments mailed over `active_hours` hours a day, with an MTA
    /// queue retrying under `retry`.
    pub fn new(ip: &IpSpec, p: &ProviderParams, n_segments: usize, active_hours: u32, retry: &RetryPolicy) -> Self {
        Self {
            rep: Reputation::initial(&ip.kind, p, active_hours),
            shared: !ip.is_dedicated(),
            queue: MtaQueue::new(retry),
            limit: HourlyLimit::default(),
            day_accepted: vec![0; n_segments],
            late_accepted: vec![0; n_segments],
            late_from_hour: p.feedback.late_from_hour(),
            fresh_today: vec![0; n_segments],
            fresh_parts: vec![(0, 0); n_segments],
            today: Counts::default(),
            whole_day: false,
        }
    }
}
