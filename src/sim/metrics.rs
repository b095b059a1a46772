//! Per-day records, the result of one run, and the IPs that stand for the sender.

use serde::Serialize;

use crate::model::Counts;
use crate::strategy::StrategySpec;

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
    /// The strategy that ran (as the scenario gave it, or as `--strategy` replaced it).
    pub strategy: StrategySpec,
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
    /// The provider parameters drawn from their distributions for this run, by
    /// provider and in registry order (see [`super::variation`]); empty when no
    /// parameter is uncertain.
    pub drawn_parameters: Vec<super::variation::DrawnParameter>,
}

impl RunResult {
    /// The IPs whose reputation and warmth stand for the sender's (see [`ReferenceIps`]).
    pub fn reference_ips(&self) -> ReferenceIps<'_> {
        ReferenceIps::new(&self.ip_dedicated)
    }
}

/// The IPs whose reputation and warmth stand for the sender's: its dedicated
/// IPs, or every IP if none is dedicated (a sender on shared pools only).
/// A provider is warm when these IPs are, and outputs show their reputation.
#[derive(Debug, Clone, Copy)]
pub struct ReferenceIps<'a> {
    /// Whether each IP is dedicated.
    ip_dedicated: &'a [bool],
    /// Whether any is.
    any_dedicated: bool,
}

impl<'a> ReferenceIps<'a> {
    /// The reference IPs of a sender whose IP `i` is dedicated when `ip_dedicated[i]` is.
    pub fn new(ip_dedicated: &'a [bool]) -> Self {
        Self { ip_dedicated, any_dedicated: ip_dedicated.iter().any(|&d| d) }
    }

    /// Whether IP `ip` is one of them (an IP beyond `ip_dedicated` is one only when none is dedicated).
    pub fn contains(&self, ip: usize) -> bool {
        !self.any_dedicated || self.ip_dedicated.get(ip).copied().unwrap_or(false)
    }

    /// Number of IPs of the sender, reference or not.
    pub fn n_ips(&self) -> usize {
        self.ip_dedicated.len()
    }

    /// Whether they are the dedicated IPs (rather than every IP, none being dedicated).
    pub fn are_dedicated(&self) -> bool {
        self.any_dedicated
    }
}
