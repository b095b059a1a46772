//! The `--events` options of `ipwarm run`: which formats of simulated delivery
//! logs to write, from which date, and the limit on their size (checked,
//! arithmetically, after the run and before anything is written).

use super::Failure;
use super::owned::Staging;
use anyhow::Context;
use clap::{Args, ValueEnum};
use ipwarm::observed::CivilDate;
use ipwarm::observed::events::{DEFAULT_EVENTS_LIMIT, DEFAULT_EVENTS_START, EventFormat, Events};
use std::io::{BufWriter, Write};

/// A format of `--events`, as `ipwarm ingest` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EventsArg {
    /// Amazon SES event publishing records -> events-ses.jsonl
    Ses,
    /// KumoMTA log records -> events-kumomta.jsonl
    Kumomta,
    /// Postfix mail log -> maillog
    Postfix,
    /// Google Postmaster Tools v1 TrafficStats -> postmaster.jsonl
    Postmaster,
    /// Microsoft SNDS data export -> snds.csv
    Snds,
    /// ipwarm's daily observed rows -> observed.csv
    Csv,
}

impl EventsArg {
    fn format(self) -> EventFormat {
        match self {
            Self::Ses => EventFormat::Ses,
            Self::Kumomta => EventFormat::Kumomta,
            Self::Postfix => EventFormat::Postfix,
            Self::Postmaster => EventFormat::Postmaster,
            Self::Snds => EventFormat::Snds,
            Self::Csv => EventFormat::Csv,
        }
    }
}

/// `--events`, `--events-start`, `--events-limit`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Also write what the run's sender would have logged, in FORMAT (repeatable): per-message records
    /// spread over the sending hours, and the provider exports, ready for `ipwarm ingest FORMAT`.
    /// Example: `ipwarm run --events ses --events postfix --events csv`.
    #[arg(long = "events", value_name = "FORMAT")]
    formats: Vec<EventsArg>,
    /// Date of the run's day 1 in the events (UTC).
    #[arg(long, value_name = "YYYY-MM-DD", default_value = DEFAULT_EVENTS_START, value_parser = parse_date)]
    events_start: CivilDate,
    /// Most records (lines) written over all --events formats; a run that would write more is refused (exit 2)
    /// before anything is written.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EVENTS_LIMIT)]
    events_limit: u64,
}

/// `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<CivilDate, String> {
    CivilDate::parse(text).ok_or_else(|| format!("expected a date YYYY-MM-DD, got `{text}`"))
}

/// What to write: the formats (each once, in the order given) and the events.
pub struct Planned {
    formats: Vec<EventFormat>,
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
        let mut formats: Vec<EventFormat> = Vec::new();
        for f in self.formats.iter().map(|a| a.format()) {
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
            words.extend(["--events".to_string(), f.format().name().to_string()]);
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
    fn the_options_name_the_formats_as_the_library_does() {
        for arg in EventsArg::value_variants() {
            let name = arg.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(arg.format().name()));
        }
        assert_eq!(EventsArg::value_variants().len(), EventFormat::ALL.len());
        assert!(parse_date("2026-02-30").is_err());
    }
}
