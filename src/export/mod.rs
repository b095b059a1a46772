//! `ipwarm export`: a scenario's plan as the day-by-day schedule an MTA reads.
//!
//! [`plan_schedule`] records what a scenario's strategy plans at a seed
//! ([`PlanSchedule`], `[day][ip][provider]` new messages), whatever its kind;
//! the writers turn it into `schedule.csv` ([`write_schedule_csv`]), KumoMTA
//! shaping files ([`kumomta_files`]), Halon's warm-up plugin configuration
//! ([`halon_yaml`]) and a scenario whose strategy is a `schedule` of the plan
//! ([`schedule_scenario`]), which reproduces its outcomes. Everything returns
//! text; the CLI writes the files. Formats, sources and limits: docs/OPTIMIZE.md,
//! section "Export".

mod csv;
mod halon;
mod kumomta;
mod plan;
mod scenario;

pub use csv::{SCHEDULE_COLUMNS, write_schedule_csv};
pub use halon::{ZERO_DAY_MESSAGES, class_name, halon_config, halon_yaml};
pub use kumomta::{ZERO_DAY_RATE, daily_rate, kumomta_files, mx_suffixes, shaping_day, shaping_file_name};
pub use plan::{PlanIp, PlanSchedule, ProviderReplies, plan_schedule};
pub use scenario::{routing_difference, schedule_scenario, schedule_spec, schedule_table};

/// Why an export could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The scenario file's text is not TOML (or the export could not be written as TOML).
    #[error("cannot rewrite the scenario as TOML: {0}")]
    Toml(String),
    /// The exported scenario does not read back as the plan's (a bug).
    #[error("the exported scenario does not read back as the plan: {0}")]
    Mismatch(String),
}
