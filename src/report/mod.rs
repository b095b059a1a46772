//! Outputs of a run: daily CSV, JSON summary, PNG or SVG charts, the HTML report and the terminal table.
//!
//! Every writer takes a finished [`RunResult`](crate::sim::RunResult) and writes
//! only where it is told: a [`std::io::Write`] for the CSV and the JSON, a
//! directory for the charts. Nothing here prints.
//!
//! - [`write_daily_csv`]: one row per (day, provider, IP).
//! - [`summary_json`] / [`write_summary_json`]: totals, rates, per-provider results.
//! - [`write_charts`]: `outcomes.png`, `reputation.png`, `rates.png`, `ips.png`, `queue.png`;
//!   [`write_charts_as`] the same as SVG ([`canvas`]: one chart list, any [`ChartFormat`]).
//! - [`html`]: `report.html` of a run or an experiment, returned as text (charts inline as SVG).
//! - [`summary_table`]: a fixed-width text table for the terminal.
//! - [`warnings`]: what the user should know about a run (e.g. a run outside the model's domain).
//! - [`experiment`]: rows, statistics and charts of an experiment (many runs).
//!
//! The rates (inbox, complaint and deferral rate) are defined once, in
//! [`inbox_rate`], [`complaint_rate`] and [`deferral_rate`], and used by all
//! outputs. Each output's columns are one table of (name, value): `daily.csv`'s
//! in `csv.rs`, `summary.json`'s totals are the fields of
//! [`Counts`](crate::sim::Counts), and an experiment's `runs.csv` and
//! `series.csv` metrics (with their chart titles) in `experiment/metrics.rs`.

mod aggregate;
pub mod canvas;
pub(crate) mod charts;
mod csv;
pub mod experiment;
mod font_subset;
pub mod html;
mod json;
pub mod svg;
mod table;
#[cfg(test)]
mod testdata;
mod warnings;

pub use aggregate::{complaint_rate, deferral_rate, inbox_rate};
pub use canvas::{ChartFormat, ChartSink, DrawnChart};
pub use charts::{chart_names, write_charts, write_charts_as};
pub use csv::{DailyColumn, DailyKind, daily_columns, write_daily_csv};
pub use json::{summary_json, write_summary_json};
pub use table::summary_table;
pub use warnings::warnings;

/// Errors while writing a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing to a file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer failed (usually an I/O error underneath).
    #[error("CSV error: {0}")]
    Csv(#[from] ::csv::Error),
    /// Serialising the JSON summary failed (usually an I/O error underneath).
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// Drawing or encoding a chart failed; the message comes from the plotting library.
    #[error("chart error: {0}")]
    Chart(String),
    /// An experiment file read back (`runs.csv`, `summary.csv`, ...) is not as the sweep writes it.
    #[error("unexpected file content: {0}")]
    Format(String),
    /// The embedded chart font could not be registered (it is not a valid font file).
    #[error("the embedded chart font (DejaVu Sans) could not be loaded")]
    Font,
    /// A value of an experiment file read back (`summary.csv`, ...) is not a
    /// finite number: `inf`, `NaN`, a number too large for an `f64`, or text.
    /// The caller names the file.
    #[error("line {line}, column `{column}`: {problem}")]
    BadValue {
        /// Line of the row in the file (1-based; the header is line 1).
        line: u64,
        /// Name of the column, from the header.
        column: String,
        /// What is wrong, quoting the value.
        problem: String,
    },
}

impl ReportError {
    /// Whether the error comes from the content of a file read back (a
    /// malformed row or value) rather than from writing or drawing: the
    /// caller's input is at fault, not the system.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Self::Format(_) | Self::BadValue { .. })
            || matches!(self, Self::Csv(e) if !matches!(e.kind(), ::csv::ErrorKind::Io(_)))
    }
}
