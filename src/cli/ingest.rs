//! `ipwarm ingest FORMAT FILES... --out observed.csv`: delivery logs and
//! provider exports to the daily `observed.csv` (`ipwarm::observed::ingest`),
//! written as a user file (never over an existing one without `--force`; a
//! synced temporary file renamed into place), with the summary of what was
//! skipped on stderr.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueHint};
use ipwarm::observed::Format;
use ipwarm::observed::ingest::{Ingest, Options};
use ipwarm::observed::providers::ProviderMap;
use ipwarm::observed::write_observed;

use super::Failure;
use super::owned::write_user_file;

/// Examples shown by `ipwarm ingest --help`.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm ingest ses events/*.jsonl --out observed.csv       SES event publishing records (Firehose JSON lines)
  ipwarm ingest kumomta /var/log/kumomta/*.jsonl --out observed.csv
  ipwarm ingest postfix /var/log/mail.log --year 2026 --out observed.csv
  ipwarm ingest postmaster traffic-stats.json --out gmail.csv      Google Postmaster Tools v1 TrafficStats
  ipwarm ingest snds snds-*.csv --out microsoft.csv                Microsoft SNDS data.aspx exports
  ipwarm ingest csv observed.csv gmail.csv microsoft.csv --out all.csv   validate and merge daily CSV files
  zcat mail.log.gz | ipwarm ingest postfix - --year 2026 --out -   standard input to standard output
  ipwarm ingest ses log.jsonl --providers my-domains.toml --out observed.csv
                                              map more domains and MX hosts to providers ([domains], [mx])

Rows are per day (UTC), provider and IP; docs/FIT.md (\"Ingest\") gives each format's mapping rules.
Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// `FORMAT` of `ingest` and `run --events`: a name of [`Format::ALL`], each listed by `--help` with `help(format)`.
pub fn format_parser(help: fn(Format) -> String) -> impl TypedValueParser<Value = Format> {
    let values = Format::ALL.map(|format| PossibleValue::new(format.name()).help(help(format)));
    PossibleValuesParser::new(values).try_map(|name| Format::parse(&name).ok_or("unknown format"))
}

/// Arguments of `ipwarm ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Format of the input files.
    #[arg(value_name = "FORMAT", value_parser = format_parser(|format| format.description().to_string()))]
    format: Format,
    /// Input files, read in order (`-`: standard input).
    #[arg(value_name = "FILES", required = true, value_hint = ValueHint::FilePath)]
    files: Vec<PathBuf>,
    /// The daily CSV to write (`-`: standard output). Refused if it exists, unless --force.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    out: PathBuf,
    /// Replace --out if it exists.
    #[arg(long)]
    force: bool,
    /// A TOML file mapping more recipient domains and MX hosts to providers
    /// (`[domains] "example.net" = "example"`, `[mx] ".mx.example.net" = "example"`), tried before the built-in table.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    providers: Option<PathBuf>,
    /// Year of syslog timestamps without one (Postfix's `Mar  2 09:14:07`).
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i64).range(1970..=9999))]
    year: Option<i64>,
}

/// Reads every file, then writes `--out`; nothing is written if any input has a problem.
pub fn ingest(args: IngestArgs) -> Result<(), Failure> {
    let to_stdout = args.out.as_os_str() == "-";
    if !to_stdout && args.files.iter().any(|f| same_file(f, &args.out)) {
        return Err(Failure::input(anyhow!("--out {} is one of the input files", args.out.display())));
    }
    let providers = match &args.providers {
        Some(path) => {
            let text = ipwarm::scenario::read_input(path).map_err(Failure::input)?;
            ProviderMap::with_file(&text, &path.display().to_string()).map_err(Failure::input)?
        }
        None => ProviderMap::default(),
    };
    let mut ingest = Ingest::new(args.format, Options { providers, year: args.year });
    for path in &args.files {
        let shown = path.display().to_string();
        if path.as_os_str() == "-" {
            ingest.read(std::io::stdin().lock(), "<stdin>");
        } else {
            let file = File::open(path).with_context(|| format!("cannot read {shown}")).map_err(Failure::input)?;
            ingest.read(BufReader::with_capacity(1 << 16, file), &shown);
        }
    }
    let ingested = ingest.finish().map_err(Failure::input)?;
    let mut bytes = Vec::new();
    write_observed(ingested.table.rows(), &mut bytes).context("cannot write the CSV").map_err(Failure::runtime)?;
    if to_stdout {
        super::stdout::write_document(&bytes).context("cannot write to standard output").map_err(Failure::runtime)?;
    } else {
        write_user_file(&args.out, &bytes, args.force)?;
    }
    for skip in ingested.skips.list() {
        eprintln!("note: {} record(s): {} (first at {})", skip.count, skip.reason, skip.first);
    }
    if !to_stdout {
        let table = &ingested.table;
        eprintln!("wrote {}: {} rows", args.out.display(), table.len());
    }
    Ok(())
}

/// Whether `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
