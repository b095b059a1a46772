//! `ipwarm schema scenario|experiment|optimization`: the JSON Schema of an input file
//! format, generated from its serde types (see `ipwarm::schema`), for editors;
//! the copies shipped in `schemas/` are the same text.

use anyhow::Context;
use clap::{Args, ValueEnum};
use ipwarm::schema::{Format, schema_text};

use super::Failure;

/// `--help` examples.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm schema scenario > scenario.schema.json
  ipwarm schema experiment > experiment.schema.json
  ipwarm schema optimization > optimization.schema.json
Then put `#:schema ./scenario.schema.json` at the top of a TOML file (taplo / Even Better TOML).

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// Arguments of `ipwarm schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The file format.
    #[arg(value_name = "FORMAT")]
    format: FormatArg,
}

/// The formats, as named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// Scenario files.
    Scenario,
    /// Experiment files.
    Experiment,
    /// Optimisation files (`ipwarm optimize`).
    Optimization,
}

/// Prints the schema.
pub fn schema(args: SchemaArgs) -> Result<(), Failure> {
    let format = match args.format {
        FormatArg::Scenario => Format::Scenario,
        FormatArg::Experiment => Format::Experiment,
        FormatArg::Optimization => Format::Optimization,
    };
    super::stdout::write_document(schema_text(format).as_bytes())
        .context("cannot write the schema")
        .map_err(Failure::runtime)
}
