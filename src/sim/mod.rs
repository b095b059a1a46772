//! Runs a scenario: wires the engine, the model and a strategy together.

mod metrics;

pub use metrics::{Counts, DailyRecord, ReputationLevel, RunResult};
