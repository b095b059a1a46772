//! The email model: mailbox providers, sending IPs, the audience, reputation
//! dynamics, per-batch outcomes and the MTA's retry queue.
//!
//! Everything here is plain state and pure functions of (state, random
//! stream); the event loop that drives it lives in [`crate::sim`]. Every
//! mechanism is stated with its equations in docs/MODEL.md.

mod config;
mod counts;
mod mta_queue;
mod outcome;
mod provider;
mod reputation;
mod split;

pub use config::{Audience, IpKind, IpSpec, RetryPolicy, Segment, SendingWindow};
pub use counts::SegmentCounts;
pub use mta_queue::{Cohort, Deferral, MtaQueue};
pub use outcome::{DayOutcome, binomial, sample_day};
pub use provider::{FeedbackLoop, PRESET_NAMES, ProviderParams, REFERENCE_OPEN_RATE, SmtpReply};
pub use reputation::{DayTraffic, Reputation};
pub use split::{slice_of, split_into, split_total};
