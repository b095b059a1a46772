//! `ipwarm ingest`: delivery logs and provider exports to daily observed rows
//! (per date, provider and IP), one streaming reader per format. The mapping
//! rules of each format are documented in docs/FIT.md, "Ingest", and in each
//! reader's file.
//!
//! Lifecycle: [`Ingest::new`] with a [`Format`] and [`Options`], then
//! [`Ingest::read`] once per file (an `impl BufRead` and the name used in
//! messages), then [`Ingest::finish`]: the [`ObservedTable`] and the summary
//! of what was skipped, or every located problem (up to a cap).
//!
//! **Memory:** rows are accumulated per distinct (date, provider, ip); one line
//! is held at a time ([`super::lines`]). The only per-message state is the
//! Postfix reader's, bounded by [`postfix::MAX_TRACKED_MESSAGES`].

mod json;
mod kumomta;
mod postfix;
mod postmaster;
mod ses;
mod snds;
mod time;

use std::io::BufRead;

pub(crate) use super::Count;
use super::Format;
use super::lines::{BadLine, Lines};
use super::problem::{Location, ObservedError, Problems, Skips};
use super::providers::ProviderMap;
use super::{CivilDate, ObservedRow, ObservedTable};

pub use postfix::MAX_TRACKED_MESSAGES;

/// What a reader needs besides its input.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Recipient domains and MX hosts to providers.
    pub providers: ProviderMap,
    /// Year of syslog timestamps without one (Postfix `Mar  2 09:14:07`).
    pub year: Option<i64>,
}

/// The result of an ingest: the rows and what was skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Ingested {
    /// The rows, by (date, provider, ip).
    pub table: ObservedTable,
    /// Records skipped or noted on purpose, by reason.
    pub skips: Skips,
}

/// An ingest in progress: rows, skips and problems so far.
pub struct Ingest {
    format: Format,
    sink: Sink,
    postfix: postfix::State,
}

impl Ingest {
    /// A new ingest of files in `format`.
    pub fn new(format: Format, options: Options) -> Self {
        Self { format, sink: Sink::new(format, options), postfix: postfix::State::default() }
    }

    /// Reads one file, named `source` in messages. Problems are collected;
    /// reading stops when their cap is reached.
    pub fn read(&mut self, reader: impl BufRead, source: &str) {
        let sink = &mut self.sink;
        sink.source = source.to_string();
        match self.format {
            Format::Ses => each_line(reader, sink, ses::line),
            Format::Kumomta => each_line(reader, sink, kumomta::line),
            Format::Postfix => {
                let state = &mut self.postfix;
                state.start_file();
                each_line(reader, sink, |sink, n, text| state.line(sink, n, text));
            }
            Format::Postmaster => postmaster::read(reader, sink),
            Format::Snds => each_line(reader, sink, snds::line),
            Format::Csv => super::csv::read_into(reader, source, &mut sink.table, &mut sink.problems),
        }
    }

    /// The rows and skips, or every problem found.
    pub fn finish(self) -> Result<Ingested, ObservedError> {
        let Sink { table, skips, problems, .. } = self.sink;
        if problems.is_empty() { Ok(Ingested { table, skips }) } else { Err(problems.into()) }
    }
}

/// Where readers put what they find.
pub(crate) struct Sink {
    pub(crate) options: Options,
    pub(crate) source: String,
    counts: &'static [Count],
    table: ObservedTable,
    skips: Skips,
    problems: Problems,
}

impl Sink {
    fn new(format: Format, options: Options) -> Self {
        Self {
            options,
            source: String::new(),
            counts: format.counts(),
            table: ObservedTable::new(),
            skips: Skips::default(),
            problems: Problems::default(),
        }
    }

    /// Location `line[:column]` of the current file.
    pub(crate) fn at(&self, line: u64, column: Option<u64>) -> Location {
        Location { source: self.source.clone(), line, column }
    }

    /// The row of a key, with the format's counts at 0 when it is new.
    pub(crate) fn row(&mut self, date: CivilDate, provider: &str, ip: &str) -> &mut ObservedRow {
        let row = self.table.row_mut(date, provider, ip);
        for count in self.counts {
            count.of(row).get_or_insert(0);
        }
        row
    }

    /// Adds `n` to a count of a key.
    pub(crate) fn add(&mut self, date: CivilDate, provider: &str, ip: &str, count: Count, n: u64) {
        let cell = count.of(self.row(date, provider, ip));
        *cell = Some(cell.unwrap_or(0).saturating_add(n));
    }

    /// Merges a row of published values; a conflict is a problem at `line`.
    pub(crate) fn publish(&mut self, row: ObservedRow, line: u64) {
        if let Err(message) = self.table.add(row) {
            self.problems.push(self.at(line, None), message);
        }
    }

    /// Notes a record skipped (or counted in a documented way) for `reason` at `line`.
    pub(crate) fn skip(&mut self, reason: &str, line: u64) {
        let source = &self.source;
        self.skips.add(reason, || Location { source: source.clone(), line, column: None });
    }

    /// Records a problem.
    pub(crate) fn problem(&mut self, line: u64, column: Option<u64>, message: impl Into<String>) {
        self.problems.push(self.at(line, column), message);
    }
}

/// What a line reader returns for a malformed record: the column (if known) and the message.
pub(crate) type LineError = (Option<u64>, String);

/// Runs `read` on each line of `reader` (blank lines skipped), recording
/// unreadable lines and the errors `read` returns, until the problem cap.
fn each_line(
    reader: impl BufRead,
    sink: &mut Sink,
    mut read: impl FnMut(&mut Sink, u64, &str) -> Result<(), LineError>,
) {
    let mut lines = Lines::new(reader);
    let mut last = 0;
    while !sink.problems.full() {
        let (number, text) = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => return,
            Err(e) => {
                sink.problem(last + 1, None, format!("cannot read: {e}"));
                return;
            }
        };
        last = number;
        match text {
            Err(BadLine { column, message }) => sink.problem(number, column, message),
            Ok(text) if text.trim().is_empty() => {}
            Ok(text) => {
                if let Err((column, message)) = read(sink, number, text) {
                    sink.problem(number, column, message);
                }
            }
        }
    }
    // The cap is reached: note that reading stopped.
    sink.problem(last, None, "too many problems");
}

#[cfg(test)]
mod tests;
