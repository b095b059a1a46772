//! The email model: mailbox providers, sending IPs, the audience, reputation
//! dynamics, shared pools, hourly rate limits, per-batch outcomes, the MTA's
//! retry queue and the day's message counts.
//!
//! Everything here is plain state and pure functions of (state, random
//! stream); the event loop that drives it lives in [`crate::sim`]. Every
//! mechanism is stated with its equations in docs/MODEL.md.

mod binomial;
mod calendar;
mod config;
mod day_counts;
mod hypergeometric;
mod mta_queue;
mod outcome;
mod pool;
mod prior;
mod provider;
mod provider_table;
mod reputation;
mod segment_counts;
mod shipped_priors;
mod split;
mod throttle;
mod variation;

pub use binomial::binomial;
pub use calendar::{Calendar, DaySet, SendingDays, Weekday, WeekdaySet};
pub use config::{Audience, IpKind, IpSpec, RetryPolicy, Segment, SendingWindow};
pub use day_counts::{Counts, Replies};
pub use hypergeometric::{HIN_LOOP_LIMIT, Method as HypergeometricMethod, hypergeometric, random_split_into};
pub use mta_queue::{Cohort, Deferral, MtaQueue};
pub use outcome::{DayOutcome, late_complaints, sample_day};
pub use pool::{SHARED_POOL_AUTOCORRELATION, next_pool_trust};
pub use prior::{DIST_NAMES, ParamPrior, Prior};
pub use provider::{FeedbackLoop, PRESET_NAMES, ProviderParams, Published, REFERENCE_OPEN_RATE, SmtpReply};
pub use provider_table::{ORDERED_PARAMS, PROVIDER_PARAMS, ProviderParamSpec, provider_param};
pub use reputation::{DailyFactors, Reputation};
pub use segment_counts::SegmentCounts;
pub use shipped_priors::shipped_priors;
pub use split::{Slicer, slice_of, split_into, split_total, split_total_into};
pub use throttle::HourlyLimit;
pub use variation::{Shiftable, Variation, shift_logit};
