//! What a sender can observe and what it decides: the strategy's inputs and outputs.
//!
//! **Invariant:** nothing here exposes the provider's hidden state (trust,
//! allowance, history). A strategy sees only its own send counts, SMTP replies
//! by class and code, feedback-loop complaints, aggregate complaint rates
//! where a provider publishes them (Gmail Postmaster Tools), and opens.
//! [`ProviderObservation::of_day`] is the one place where a day's counts are
//! turned into what the sender sees of them.

use crate::model::{Counts, FeedbackLoop, IpSpec, ProviderParams, Segment, SmtpReply};
use std::sync::Arc;

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
    /// The code, e.g. `421 4.7.28`. Shared (a run makes each provider's codes once, see
    /// [`ReplyCodes`]), so that observing a day copies no text: a run allocates nothing
    /// per day for its observations' replies (issue 18).
    pub code: Arc<str>,
    /// Number of replies with this code.
    pub count: u64,
}

/// The replies of one day at one provider by code (2xx omitted), in a stable order: at most
/// one code per class (deferral, block, bounce), so they are kept in place rather than in a
/// vector of their own (issue 18: no allocation per day and cell).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepliesByCode([Option<ReplyCount>; 3]);

impl RepliesByCode {
    /// The replies, in the order their codes were first counted.
    pub fn iter(&self) -> impl Iterator<Item = &ReplyCount> {
        self.0.iter().flatten()
    }

    /// Number of distinct codes.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// Whether no reply was counted.
    pub fn is_empty(&self) -> bool {
        self.0[0].is_none()
    }

    /// Counts `count` more replies with `code`: added to its entry, or a new one after the others.
    fn add(&mut self, code: &Arc<str>, count: u64) {
        for entry in &mut self.0 {
            match entry {
                Some(r) if r.code == *code => {
                    r.count += count;
                    return;
                }
                Some(_) => {}
                None => {
                    *entry = Some(ReplyCount { code: Arc::clone(code), count });
                    return;
                }
            }
        }
        debug_assert!(false, "more than three reply codes in one observation");
    }
}

/// A provider's reply codes as observations hold them, made once per run (see [`ReplyCount::code`]).
#[derive(Debug, Clone)]
pub struct ReplyCodes {
    defer: Arc<str>,
    block: Arc<str>,
    escalation: Arc<str>,
    bounce: Arc<str>,
}

impl ReplyCodes {
    /// The codes of `p`'s deferral, block, escalation and bounce replies.
    pub fn of(p: &ProviderParams) -> Self {
        let code = |r: &SmtpReply| Arc::from(r.code.as_str());
        Self {
            defer: code(&p.defer_reply),
            block: code(&p.block_reply),
            escalation: code(&p.escalation_reply),
            bounce: code(&p.bounce_reply),
        }
    }

    /// The codes (deferral, block, bounce) of a day whose blocks got `block_reply`: the
    /// provider's block or its escalation reply (see [`ProviderObservation::of_day`]).
    pub fn of_day(&self, block_reply: &SmtpReply) -> [&Arc<str>; 3] {
        debug_assert!([&self.block, &self.escalation].iter().any(|c| ***c == *block_reply.code));
        let block = if *self.block == *block_reply.code { &self.block } else { &self.escalation };
        [&self.defer, block, &self.bounce]
    }
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
    pub replies: RepliesByCode,
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
        let code = |r: &SmtpReply| Arc::from(r.code.as_str());
        Self::of_day_coded(c, p, [&code(&p.defer_reply), &code(block_reply), &code(&p.bounce_reply)])
    }

    /// [`ProviderObservation::of_day`] with the day's reply codes (deferral, block, bounce)
    /// made beforehand ([`ReplyCodes::of_day`]): a run observes its days without allocating.
    pub fn of_day_coded(c: &Counts, p: &ProviderParams, codes: [&Arc<str>; 3]) -> Self {
        let mut replies = RepliesByCode::default();
        for (code, count) in codes.into_iter().zip([c.deferred, c.blocked, c.bounced]) {
            if count > 0 {
                replies.add(code, count);
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

impl DayObservation {
    /// Day 0's observation of nothing, with room for a day's cells of `view`'s IPs and
    /// providers (for a run's buffers: filling it allocates nothing).
    pub fn empty(view: &SenderView) -> Self {
        Self { day: 0, cells: (0..view.ips.len()).map(|_| Vec::with_capacity(view.provider_names.len())).collect() }
    }
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

impl DayPlan {
    /// A plan of no mail, shaped for `view`.
    pub fn empty(view: &SenderView) -> Self {
        Self { volume: super::route::empty_plan(view), segments: SegmentPlan::Proportional }
    }
}
