//! The validated scenario: everything a run needs, with units checked and
//! names resolved. Only `scenario::parse` builds one from a file; tests and
//! library users may also build it directly.

use crate::model::{Audience, IpSpec, ProviderParams, RetryPolicy, SendingWindow, Variation};
use crate::strategy::StrategySpec;
use serde::Serialize;

/// Default horizon of a run (days), six weeks: the longest warm-up providers need.
pub const DEFAULT_HORIZON_DAYS: u32 = 42;
/// Longest horizon accepted (days).
pub const MAX_HORIZON_DAYS: u32 = 365;
/// Largest list accepted (`audience.size`): 10^10 recipients. There are about
/// 4.5 billion email users in the world with some 10^10 mailboxes between them,
/// so no real list is larger; the bound also keeps every count of a run far
/// from integer overflow and the random segment order's draws fast.
pub const MAX_AUDIENCE_SIZE: u64 = 10_000_000_000;
/// Tolerance on shares that must sum to 1.
pub const SHARE_SUM_TOLERANCE: f64 = 1e-6;

/// A complete, validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Short name, used for the default output folder (`[A-Za-z0-9_-]+`, at
    /// most [`super::MAX_NAME_CHARS`] characters).
    pub name: String,
    /// Free text shown in summaries.
    pub description: String,
    /// Seed of the run unless overridden on the command line.
    pub seed: u64,
    /// Number of simulated days (1-365).
    pub horizon_days: u32,
    /// Active sending hours.
    pub window: SendingWindow,
    /// The list.
    pub audience: Audience,
    /// Providers, aligned with `audience.provider_shares`.
    pub providers: Vec<ProviderParams>,
    /// Sending IPs.
    pub ips: Vec<IpSpec>,
    /// The MTA's retry policy.
    pub retry: RetryPolicy,
    /// The warm-up strategy.
    pub strategy: StrategySpec,
    /// Day-to-day variation beyond sampling noise (`[variation]`; on by default).
    pub variation: Variation,
}
