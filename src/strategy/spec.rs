//! Validated strategy settings, as read from the `[strategy]` table of a scenario.

use serde::Serialize;

/// The order in which the sender works through its audience segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentOrder {
    /// Most engaged segments first (highest open rate), widening as volume grows.
    EngagedFirst,
    /// Every segment in proportion to its size (the same as a random draw from the list, in expectation).
    Proportional,
}

/// What a `schedule` strategy does after the last day of its table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterTable {
    /// Keep sending the last day's volume.
    Hold,
    /// Keep growing by `factor` per day.
    Grow {
        /// Daily growth factor after the table ends.
        factor: f64,
    },
}

/// Which strategy to run, with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StrategyKind {
    /// Explicit total daily volumes (messages/day), day 1 first.
    Schedule {
        /// Daily volumes, summed over providers and IPs.
        daily_volumes: Vec<u64>,
        /// Behaviour after the table ends.
        after: AfterTable,
    },
    /// `start * growth^day`, capped at `target` (messages/day, summed over providers and IPs).
    Exponential {
        /// Volume on day 1.
        start: f64,
        /// Daily growth factor (> 1).
        growth: f64,
        /// Daily volume at which growth stops.
        target: f64,
    },
}

/// A strategy and its audience order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategySpec {
    /// The strategy.
    pub kind: StrategyKind,
    /// Order through the audience segments.
    pub segment_order: SegmentOrder,
}
