//! Scenario files: TOML in, validated [`Scenario`] out.

mod types;

pub use types::{DEFAULT_HORIZON_DAYS, MAX_HORIZON_DAYS, SHARE_SUM_TOLERANCE, Scenario};
