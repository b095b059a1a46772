//! `ipwarm run --events FORMAT`: what a simulated run's sender would have
//! logged, written in the formats `ipwarm ingest` reads, so that a sender can
//! rehearse its own dashboards and pipelines, and the fit can be tested end to
//! end on data with known parameters.
//!
//! Lifecycle: [`Events::new`] computes the run's [`observed_rows`] (the one
//! truth every format is written from) and what each (provider, IP) pair
//! needs to write its records (`cells.rs`); [`Events::record_count`] counts a
//! format's records arithmetically, before anything is written (the caller
//! refuses above its limit); [`Events::write`] streams one format to an
//! `impl Write`.
//!
//! The per-message formats (`ses`, `kumomta`, `postfix`) turn each day's
//! counts into messages (`stream.rs`): same run, same bytes (no randomness),
//! memory bounded by the number of (provider, IP) pairs and days, never by the
//! number of records. Ingesting a file gives back the rows of
//! [`observed_rows`] for the fields that format carries (docs/FIT.md,
//! "Simulated events").

mod cells;
mod kumomta;
mod postfix;
mod postmaster;
mod queue;
mod ses;
mod snds;
mod stream;
mod text;

use std::io::{self, Write};

use super::{CivilDate, ObservedRow, observed_rows, write_observed};
use crate::model::Published;
use crate::scenario::Scenario;
use crate::sim::RunResult;
use cells::Cells;

/// The first day of simulated events unless `--events-start` says otherwise:
/// Monday 2 March 2026.
pub const DEFAULT_EVENTS_START: &str = "2026-03-02";

/// Most records `ipwarm run --events` writes, over all its formats, unless
/// `--events-limit` says otherwise.
pub const DEFAULT_EVENTS_LIMIT: u64 = 5_000_000;

/// The formats of `--events`, as `ipwarm ingest` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventFormat {
    /// Amazon SES event publishing records (JSON lines).
    Ses,
    /// KumoMTA log records (JSON lines).
    Kumomta,
    /// A Postfix mail log.
    Postfix,
    /// Google Postmaster Tools v1 `TrafficStats`, one JSON object a day.
    Postmaster,
    /// Microsoft SNDS `data.aspx` rows (CSV without header).
    Snds,
    /// ipwarm's `observed.csv`.
    Csv,
}

impl EventFormat {
    /// Every format, in the order of the documentation.
    pub const ALL: [EventFormat; 6] =
        [Self::Ses, Self::Kumomta, Self::Postfix, Self::Postmaster, Self::Snds, Self::Csv];

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ses => "ses",
            Self::Kumomta => "kumomta",
            Self::Postfix => "postfix",
            Self::Postmaster => "postmaster",
            Self::Snds => "snds",
            Self::Csv => "csv",
        }
    }

    /// The format named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The file it is written to in a run's output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Ses => "events-ses.jsonl",
            Self::Kumomta => "events-kumomta.jsonl",
            Self::Postfix => "maillog",
            Self::Postmaster => "postmaster.jsonl",
            Self::Snds => "snds.csv",
            Self::Csv => "observed.csv",
        }
    }
}

/// A run's observed data, ready to be written in any format.
#[derive(Debug, Clone)]
pub struct Events {
    rows: Vec<ObservedRow>,
    cells: Cells,
}

impl Events {
    /// The events of `result`, a run of `scenario`, whose day 1 is `start`.
    pub fn new(result: &RunResult, scenario: &Scenario, start: CivilDate) -> Self {
        let rows = observed_rows(result, scenario, start);
        let cells = Cells::new(scenario, &rows);
        Self { rows, cells }
    }

    /// The observed rows every format is written from.
    pub fn rows(&self) -> &[ObservedRow] {
        &self.rows
    }

    /// How many records (lines) [`Self::write`] writes in `format`, header
    /// lines excluded.
    pub fn record_count(&self, format: EventFormat) -> u64 {
        let n = |v: Option<u64>| v.unwrap_or(0);
        let rows = self.rows.iter();
        match format {
            EventFormat::Ses => rows.map(|r| stream::Plan::of(r).records() + n(r.complaints) + n(r.opens)).sum(),
            EventFormat::Kumomta => rows.map(|r| stream::Plan::of(r).records() + n(r.complaints)).sum(),
            EventFormat::Postfix => rows.map(|r| stream::Plan::of(r).postfix_lines()).sum(),
            EventFormat::Postmaster => postmaster::record_count(self),
            EventFormat::Snds => self.published_rows(Published::Snds).count() as u64,
            EventFormat::Csv => self.rows.len() as u64,
        }
    }

    /// Writes every record of `format` to `out`.
    pub fn write(&self, format: EventFormat, mut out: impl Write) -> io::Result<()> {
        match format {
            EventFormat::Ses => ses::write(self, &mut out),
            EventFormat::Kumomta => kumomta::write(self, &mut out),
            EventFormat::Postfix => postfix::write(self, &mut out),
            EventFormat::Postmaster => postmaster::write(self, &mut out),
            EventFormat::Snds => snds::write(self, &mut out),
            EventFormat::Csv => write_observed(&self.rows, &mut out),
        }
    }

    /// The rows of providers publishing `what` that carry a published reputation.
    fn published_rows(&self, what: Published) -> impl Iterator<Item = (&ObservedRow, &cells::Cell)> {
        self.rows
            .iter()
            .zip(self.cells.of_rows())
            .filter(move |(row, cell)| cell.published == what && row.reputation.is_some())
    }
}

#[cfg(test)]
mod tests;
