//! Warm-up strategies: what the sender decides each day from what it can observe.

mod spec;

pub use spec::{AfterTable, SegmentOrder, StrategyKind, StrategySpec};
