//! The email model: mailbox providers, sending IPs, the audience, reputation
//! dynamics, per-batch outcomes and the MTA's retry policy.
//!
//! Every mechanism here is stated with its equations in docs/MODEL.md.

mod config;
mod provider;

pub use config::{Audience, IpKind, IpSpec, RetryPolicy, Segment, SendingWindow};
pub use provider::{FeedbackLoop, PRESET_NAMES, ProviderParams, REFERENCE_OPEN_RATE, SmtpReply};
