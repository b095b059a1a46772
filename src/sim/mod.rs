//! Runs a scenario: wires the engine, the model and a strategy together and
//! records what happened each day.
//!
//! Every run checks conservation at its end: each message sent is in exactly
//! one of inbox, junk, hard-bounced, blocked, expired, or still queued.

pub mod domain;
mod metrics;
mod pair;
mod recipients;
mod runner;
pub mod warm;

pub use crate::model::Counts;
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
pub fn run(scenario: &Scenario, seed: u64) -> Result<RunResult, SimError> {
    let mut strategy = crate::strategy::build(&scenario.strategy);
    run_with(scenario, strategy.as_mut(), seed)
}
