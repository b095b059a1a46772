//! What a sender can observe and what it decides: the strategy's inputs and outputs.
//!
//! **Invariant:** nothing here exposes the provider's hidden state (trust,
//! allowance, history). A strategy sees only its own send counts, SMTP replies
//! by class and code, feedback-loop complaints, aggregate complaint rates
//! where a provider publishes them (Gmail Postmaster Tools), and opens.
//! [`ProviderObservation::of_day`] is the one place where a day's counts are
//! turned into what the sender sees of them.

use crate::model::{Counts, FeedbackLoop, IpSpec, ProviderParams, Segment, SmtpReply};

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
    /// What the sender sees of the day's counts `c` at provider `p`: its own
    /// sends, accepted mail (inbox and junk alike), replies by class and by code
    /// (`p`'s codes, merged when two classes share one), expired mail, the
    /// feedback-loop reports that arrived, the complaint rate where `p` publishes
    /// only an aggregate, and opens. Never where each message was placed (inbox
    /// or junk), complaints the provider does not report, or trap hits. The
    /// day's blocks all got `block_reply` (`p`'s block reply, or its escalation
    /// reply on a day it escalated deferral pressure).
    pub fn of_day(c: &Counts, p: &ProviderParams, block_reply: &SmtpReply) -> Self {
        let mut replies: Vec<ReplyCount> = Vec::new();
        for (reply, count) in [(&p.defer_reply, c.deferred), (block_reply, c.blocked), (&p.bounce_reply, c.bounced)] {
            if count == 0 {
                continue;
            }
            match replies.iter_mut().find(|r| r.code == reply.code) {
                Some(r) => r.count += count,
                None => replies.push(ReplyCount { code: reply.code.clone(), count }),
            }
        }
        let aggregate_complaint_rate = match p.feedback {
            FeedbackLoop::DailyAggregate if c.inbox > 0 => Some(c.complaints as f64 / c.inbox as f64),
            _ => None,
        };
        Self {
            sent: c.sent,
            accepted: c.accepted(),
            deferred: c.deferred,
            blocked: c.blocked,
            bounced: c.bounced,
            expired: c.expired,
            fbl_complaints: c.fbl_complaints,
            aggregate_complaint_rate,
            opens: c.opens,
            replies,
        }
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
