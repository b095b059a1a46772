//! Per-day metrics and the result of one run.

use serde::Serialize;

/// Reputation level in the vocabulary of postmaster dashboards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ReputationLevel {
    /// Score below 0.2: mail mostly rejected or junked.
    Bad,
    /// Score in [0.2, 0.5): mail likely junked.
    Low,
    /// Score in [0.5, 0.8): mostly delivered.
    Medium,
    /// Score 0.8 or more: little filtering.
    High,
}

impl ReputationLevel {
    /// Cut points between Bad/Low, Low/Medium and Medium/High.
    pub const CUTS: [f64; 3] = [0.2, 0.5, 0.8];

    /// The level of reputation score `score` in [0, 1].
    pub fn from_score(score: f64) -> Self {
        match score {
            s if s >= Self::CUTS[2] => Self::High,
            s if s >= Self::CUTS[1] => Self::Medium,
            s if s >= Self::CUTS[0] => Self::Low,
            _ => Self::Bad,
        }
    }

    /// The level's name as written in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bad => "Bad",
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
        }
    }
}

/// Message counts of one (day, IP, provider). All counts are messages, except
/// `deferred`, which counts 4xx replies (one message may be deferred several times).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// New messages handed to the MTA (first attempts).
    pub sent: u64,
    /// Accepted and placed in the inbox.
    pub inbox: u64,
    /// Accepted and placed in the junk folder.
    pub junk: u64,
    /// 4xx deferral replies received.
    pub deferred: u64,
    /// Hard bounces (invalid address, 5xx).
    pub bounced: u64,
    /// Refused with a 5xx reputation block.
    pub blocked: u64,
    /// Given up after the queue lifetime (soft bounce).
    pub expired: u64,
    /// Complaints by recipients (true count, whether or not the sender hears of them).
    pub complaints: u64,
    /// Complaints the sender learned of through a per-message feedback loop.
    pub fbl_complaints: u64,
    /// Opens.
    pub opens: u64,
    /// Spam-trap hits.
    pub trap_hits: u64,
}

impl Counts {
    /// Adds `other` field by field.
    pub fn add(&mut self, other: &Counts) {
        self.sent += other.sent;
        self.inbox += other.inbox;
        self.junk += other.junk;
        self.deferred += other.deferred;
        self.bounced += other.bounced;
        self.blocked += other.blocked;
        self.expired += other.expired;
        self.complaints += other.complaints;
        self.fbl_complaints += other.fbl_complaints;
        self.opens += other.opens;
        self.trap_hits += other.trap_hits;
    }

    /// Messages that reached a final state (inbox, junk, bounced, blocked, expired).
    pub fn finished(&self) -> u64 {
        self.inbox + self.junk + self.bounced + self.blocked + self.expired
    }
}

/// One row of `daily.csv`: a (day, IP, provider) with its counts and reputation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyRecord {
    /// Day, 1-based.
    pub day: u32,
    /// Index of the IP in `RunResult::ip_names`.
    pub ip: usize,
    /// Index of the provider in `RunResult::provider_names`.
    pub provider: usize,
    /// Counts of the day.
    pub counts: Counts,
    /// Messages still queued for retry at the end of the day.
    pub queued: u64,
    /// Reputation score in [0, 1] at the end of the day.
    pub reputation: f64,
    /// Reputation level at the end of the day.
    pub level: ReputationLevel,
}

/// Everything one run produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunResult {
    /// Scenario name.
    pub scenario: String,
    /// Seed used.
    pub seed: u64,
    /// Number of simulated days.
    pub horizon_days: u32,
    /// IP names, indexed by `DailyRecord::ip`.
    pub ip_names: Vec<String>,
    /// Whether each IP is dedicated (new or warm) rather than shared.
    pub ip_dedicated: Vec<bool>,
    /// Provider names, indexed by `DailyRecord::provider`.
    pub provider_names: Vec<String>,
    /// Rows ordered by (day, ip, provider).
    pub records: Vec<DailyRecord>,
    /// Totals over the run.
    pub totals: Counts,
    /// Messages still queued at the end of the run.
    pub queued_at_end: u64,
    /// Per provider, the 1-based day it became warm, or `None`.
    pub warm_day: Vec<Option<u32>>,
    /// Shared pools that carried more of the sender's mail than their own
    /// volume, outside the model's domain (see [`super::domain`]); usually empty.
    pub pool_overloads: Vec<super::PoolOverload>,
}
