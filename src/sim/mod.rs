//! Runs a scenario: wires the engine, the model and a strategy together and
//! records what happened each day.
//!
//! Every run checks conservation at its end: each message sent is in exactly
//! one of inbox, junk, hard-bounced, blocked, expired, or still queued.

mod calendar;
pub mod domain;
mod metrics;
mod pair;
mod recipients;
mod runner;
pub mod variation;
pub mod warm;

pub use crate::model::Counts;
pub use calendar::OnSendingDays;
pub use domain::PoolOverload;
pub use metrics::{DailyRecord, ReferenceIps, ReputationLevel, RunResult};
pub use runner::run_with;

use crate::scenario::Scenario;

/// A run that could not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// Messages were lost or created: a bug in the model, never bad input.
    #[error("conservation violated: {sent} messages sent but {accounted} accounted for")]
    Conservation {
        /// Messages sent.
        sent: u64,
        /// Messages in a final state or still queued.
        accounted: u64,
    },
    /// A strategy returned a plan that does not fit the scenario.
    #[error("day {day}: {reason}")]
    BadPlan {
        /// Day of the plan (1-based).
        day: u32,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Runs `scenario` with its own strategy and `seed`.
///
/// The same scenario and seed always give the same result.
///
/// ```
/// let mut scenario = ipwarm::scenario::default_scenario()?;
/// scenario.horizon_days = 14;
/// let result = ipwarm::sim::run(&scenario, 7)?;
/// assert_eq!(result.seed, 7);
/// assert_eq!(result.warm_day.len(), result.provider_names.len());
/// assert!(result.records.iter().all(|r| (1..=14).contains(&r.day)));
/// // Per provider, the 1-based day it became warm (`None`: not within the horizon).
/// assert!(result.warm_day.iter().flatten().all(|&day| (1..=14).contains(&day)));
/// // Deterministic: the same seed gives the same totals.
/// assert_eq!(ipwarm::sim::run(&scenario, 7)?.totals, result.totals);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(scenario: &Scenario, seed: u64) -> Result<RunResult, SimError> {
    let mut strategy = crate::strategy::build(&scenario.strategy);
    run_with(scenario, strategy.as_mut(), seed)
}
