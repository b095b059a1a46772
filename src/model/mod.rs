//! The email model: mailbox providers, sending IPs, the audience, reputation
//! dynamics, shared pools, hourly rate limits, per-batch outcomes, the MTA's
//! retry queue and the day's message counts.
//!
//! Everything here is plain state and pure functions of (state, random
//! stream); the event loop that drives it lives in [`crate::sim`]. Every
//! mechanism is stated with its equations in docs/MODEL.md.

mod config;
mod day_counts;
mod mta_queue;
mod outcome;
mod pool;
mod provider;
mod reputation;
mod segment_counts;
mod split;
mod throttle;

pub use config::{Audience, IpKind, IpSpec, RetryPolicy, Segment, SendingWindow};
pub use day_counts::{Counts, Replies};
pub use mta_queue::{Cohort, Deferral, MtaQueue};
pub use outcome::{DayOutcome, binomial, sample_day};
pub use pool::{SHARED_POOL_AUTOCORRELATION, next_pool_trust};
pub use provider::{FeedbackLoop, PRESET_NAMES, ProviderParams, REFERENCE_OPEN_RATE, SmtpReply};
pub use reputation::Reputation;
pub use segment_counts::SegmentCounts;
pub use split::{slice_of, split_into, split_total};
pub use throttle::HourlyLimit;
