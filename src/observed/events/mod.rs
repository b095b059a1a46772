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

use super::{CivilDate, Format, ObservedRow, observed_rows, write_observed};
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
    pub fn record_count(&self, format: Format) -> u64 {
        let n = |v: Option<u64>| v.unwrap_or(0);
        let rows = self.rows.iter();
        match format {
            Format::Ses => rows.map(|r| stream::Plan::of(r).records() + n(r.complaints) + n(r.opens)).sum(),
            Format::Kumomta => rows.map(|r| stream::Plan::of(r).records() + n(r.complaints)).sum(),
            Format::Postfix => rows.map(|r| stream::Plan::of(r).postfix_lines()).sum(),
            Format::Postmaster => postmaster::record_count(self),
            Format::Snds => self.published_rows(Published::Snds).count() as u64,
            Format::Csv => self.rows.len() as u64,
        }
    }

    /// Writes every record of `format` to `out`.
    pub fn write(&self, format: Format, mut out: impl Write) -> io::Result<()> {
        match format {
            Format::Ses => ses::write(self, &mut out),
            Format::Kumomta => kumomta::write(self, &mut out),
            Format::Postfix => postfix::write(self, &mut out),
            Format::Postmaster => postmaster::write(self, &mut out),
            Format::Snds => snds::write(self, &mut out),
            Format::Csv => write_observed(&self.rows, &mut out),
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
