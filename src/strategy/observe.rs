//! What a sender can observe and what it decides: the strategy's inputs and outputs.
//!
//! **Invariant:** nothing here exposes the provider's hidden state (trust,
//! allowance, history). A strategy sees only its own send counts, SMTP replies
//! by class and code, feedback-loop complaints, aggregate complaint rates
//! where a provider publishes them (Gmail Postmaster Tools), and opens.

use crate::model::{IpSpec, Segment};

/// Static facts the sender knows about its own setup.
#[derive(Debug, Clone)]
pub struct SenderView {
    /// Number of simulated days.
    pub horizon_days: u32,
    /// Active sending hours per day.
    pub active_hours: u32,
    /// Its sending IPs (their kinds included: the sender knows which IPs are new).
    pub ips: Vec<IpSpec>,
    /// Provider names, in scenario order.
    pub provider_names: Vec<String>,
    /// Share of its list at each provider (from the list's MX domains).
    pub provider_shares: Vec<f64>,
    /// Size of its list.
    pub list_size: u64,
    /// Its engagement segments, with their historical rates.
    pub segments: Vec<Segment>,
}

/// One SMTP reply code and how many times the sender received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyCount {
    /// The code, e.g. `421 4.7.28`.
    pub code: String,
    /// Number of replies with this code.
    pub count: u64,
}

/// What the sender observed for one IP at one provider during one day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderObservation {
    /// New messages sent (first attempts).
    pub sent: u64,
    /// Messages accepted with 2xx.
    pub accepted: u64,
    /// 4xx deferral replies.
    pub deferred: u64,
    /// 5xx reputation-block replies.
    pub blocked: u64,
    /// 5xx invalid-address replies (hard bounces).
    pub bounced: u64,
    /// Messages given up after the queue lifetime.
    pub expired: u64,
    /// Complaints received through a per-message feedback loop today.
    pub fbl_complaints: u64,
    /// The provider's published complaint rate for the day, where it only gives an aggregate.
    pub aggregate_complaint_rate: Option<f64>,
    /// Opens recorded by tracking.
    pub opens: u64,
    /// Replies by code (2xx omitted), in a stable order.
    pub replies: Vec<ReplyCount>,
}

impl ProviderObservation {
    /// SMTP attempts made today (accepted + deferred + blocked + bounced).
    pub fn attempts(&self) -> u64 {
        self.accepted + self.deferred + self.blocked + self.bounced
    }

    /// Accepted share of attempts (1 when nothing was attempted).
    pub fn delivery_rate(&self) -> f64 {
        if self.attempts() == 0 { 1.0 } else { self.accepted as f64 / self.attempts() as f64 }
    }
}

/// Everything observed during one day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayObservation {
    /// Day, 1-based.
    pub day: u32,
    /// Observations indexed `[ip][provider]`.
    pub cells: Vec<Vec<ProviderObservation>>,
}

/// How the day's volume is drawn from the audience segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentPlan {
    /// Fill from segments in this order (indices into `SenderView::segments`);
    /// segments not listed are not sent to.
    Priority(Vec<usize>),
    /// Every segment in proportion to its remaining recipients.
    Proportional,
    /// Recipients drawn uniformly at random from those left (a multivariate
    /// hypergeometric draw over segments, from the run's `recipients` stream).
    Random,
}

/// A strategy's decision for one day: data, applied by the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayPlan {
    /// New messages to send, indexed `[ip][provider]` (messages/day).
    pub volume: Vec<Vec<u64>>,
    /// Which recipients to send to.
    pub segments: SegmentPlan,
}
