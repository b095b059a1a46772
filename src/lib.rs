//! ipwarm: a discrete-event simulator of email IP warm-up.
//!
//! A sender with a new dedicated IP ramps its volume while mailbox providers
//! (Gmail, Microsoft, Yahoo, Apple, ...) learn to trust it. ipwarm simulates,
//! hour by hour, what each provider does with the mail (accept to inbox or
//! junk, defer with 4xx, block with 5xx, hard-bounce invalid addresses), how the
//! sender's MTA retries, how complaints flow back, and how reputation evolves.
//!
//! Data flow:
//!
//! ```text
//! scenario.toml -> scenario::parse -> Scenario
//!     -> sim::run(Scenario, seed)        (engine + model + strategy)
//!     -> RunResult (per-day records, totals, warm days)
//!     -> report: daily.csv, summary.json, PNG charts
//! ```
//!
//! Modules:
//! - [`engine`]: generic discrete-event core (clock, event queue, RNG streams); knows nothing of email.
//! - [`stats`]: generic sensitivity analysis (Saltelli/Sobol, Morris, PRCC); knows nothing of the simulator.
//! - [`model`]: providers, IPs, audience, reputation dynamics, batch outcomes, retries.
//! - [`strategy`]: what the sender decides each day, from what it can observe.
//! - [`scenario`]: TOML scenario files to a validated [`scenario::Scenario`], with located errors.
//! - [`sim`]: runs a scenario: schedules events, applies decisions, records metrics.
//! - [`observed`]: what a sender observes per day, provider and IP (delivery logs in, simulated events out).
//! - [`report`]: CSV, JSON, PNG charts and the terminal table.
//! - [`sweep`]: experiments: designs over scenario parameters, replicates, parallel deterministic runs, shards.
//! - [`fit`]: provider parameters fitted to a sender's observed data (ABC-SMC), and forecasts from them.
//! - [`optimize`]: the fastest warm-up plan within chance constraints (CMA-ES, successive halving, Clopper-Pearson).
//! - [`export`]: a scenario's plan as MTA configuration (schedule CSV, KumoMTA shaping, Halon warm-up) and as a schedule scenario.
//!
//! Nothing below the binary's `cli` module prints or touches files, except
//! [`report`]'s writers, which write only where they are told.
#![warn(missing_docs)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod bounds;
pub mod engine;
pub mod export;
pub mod fit;
pub mod model;
pub mod observed;
pub mod optimize;
pub mod report;
pub mod scenario;
pub mod schema;
pub mod sim;
pub mod stats;
pub mod strategy;
pub mod sweep;

/// The version of ipwarm, written into every summary.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
