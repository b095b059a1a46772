//! The `--events` options of `ipwarm run`: which formats of simulated delivery
//! logs to write, from which date, and the limit on their size (checked,
//! arithmetically, after the run and before anything is written).

use super::Failure;
use super::ingest::format_parser;
use super::owned::Staging;
use anyhow::Context;
use clap::Args;
use ipwarm::observed::events::{DEFAULT_EVENTS_LIMIT, DEFAULT_EVENTS_START, Events};
use ipwarm::observed::{CivilDate, Format};
use std::io::{BufWriter, Write};

/// `--events`, `--events-start`, `--events-limit`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Also write what the run's sender would have logged, in FORMAT (repeatable): per-message records
    /// spread over the sending hours, and the provider exports, ready for `ipwarm ingest FORMAT`.
    /// Example: `ipwarm run --events ses --events postfix --events csv`.
    #[arg(long = "events", value_name = "FORMAT", value_parser = format_parser(help))]
    formats: Vec<Format>,
    /// Date of the run's day 1 in the events (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", default_value = DEFAULT_EVENTS_START, value_parser = parse_date)]
    events_start: CivilDate,
    /// Most records (lines) written over all --events formats; a run that would write more is refused (exit 2)
    /// before anything is written.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EVENTS_LIMIT)]
    events_limit: u64,
}

/// A format's line in `--help`: what it is and the file it is written to.
fn help(format: Format) -> String {
    format!("{} -> {}", format.description(), format.file_name())
}

/// `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<CivilDate, String> {
    CivilDate::parse(text).ok_or_else(|| format!("expected a date YYYY-MM-DD, got `{text}`"))
}

/// What to write: the formats (each once, in the order given) and the events.
pub struct Planned {
    formats: Vec<Format>,
    events: Events,
}

impl EventsArgs {
    /// The events of a finished run, or `None` without `--events`; refused
    /// (bad input) when they would exceed `--events-limit`.
    pub fn plan(
        &self,
        result: &ipwarm::sim::RunResult,
        scenario: &ipwarm::scenario::Scenario,
    ) -> Result<Option<Planned>, Failure> {
        let mut formats: Vec<Format> = Vec::new();
        for &f in &self.formats {
            if !formats.contains(&f) {
                formats.push(f);
            }
        }
        if formats.is_empty() {
            return Ok(None);
        }
        let events = Events::new(result, scenario, self.events_start);
        let total: u64 = formats.iter().map(|&f| events.record_count(f)).sum();
        if total > self.events_limit {
            let per: Vec<String> =
                formats.iter().map(|&f| format!("{} {}", f.name(), events.record_count(f))).collect();
            return Err(Failure::input(anyhow::anyhow!(
                "--events would write {total} records ({}), more than --events-limit {}: raise the limit, \
                 shorten the run or send less",
                per.join(", "),
                self.events_limit
            )));
        }
        Ok(Some(Planned { formats, events }))
    }

    /// The options as a user would type them again (only those given or not at their default).
    pub fn words(&self) -> Vec<String> {
        let mut words = Vec::new();
        for f in &self.formats {
            words.extend(["--events".to_string(), f.name().to_string()]);
        }
        if !self.formats.is_empty() && self.events_start.to_string() != DEFAULT_EVENTS_START {
            words.extend(["--events-start".to_string(), self.events_start.to_string()]);
        }
        if !self.formats.is_empty() && self.events_limit != DEFAULT_EVENTS_LIMIT {
            words.extend(["--events-limit".to_string(), self.events_limit.to_string()]);
        }
        words
    }
}

impl Planned {
    /// Writes each format into the staging folder; returns the file names, in order.
    pub fn write(&self, staging: &mut Staging) -> anyhow::Result<Vec<String>> {
        let mut names = Vec::new();
        for &format in &self.formats {
            let name = format.file_name();
            let mut out = BufWriter::new(staging.create(name)?);
            self.events.write(format, &mut out).with_context(|| format!("cannot write {name}"))?;
            out.flush().with_context(|| format!("cannot write {name}"))?;
            names.push(name.to_string());
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2026-03-02").is_ok());
        assert!(parse_date("2026-02-30").is_err());
    }
}
