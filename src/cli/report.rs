//! `--format` (the chart files' format) and `report.html` of the folders `run`, `sweep`,
//! `compare`, `merge` and `plot` write: what the report is made from, gathered from the
//! command or the folder's files (so that `plot` writes the same report as the sweep did).

use std::io::Read;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use ipwarm::report::ChartFormat;
use ipwarm::report::experiment::{self as rx, ChartData, SensitivityCharts, SensitivityRow, WarmData};
use ipwarm::report::html::{self, ExperimentInfo};
use ipwarm::sweep::{self, Manifest, SeedMode};

use super::owned::{OwnedDir, open_regular};

/// A chart file format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// PNG images, 1280 pixels wide.
    Png,
    /// SVG vector images, the same drawings, text in the embedded DejaVu Sans.
    Svg,
}

impl From<Format> for ChartFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Png => ChartFormat::Png,
            Format::Svg => ChartFormat::Svg,
        }
    }
}

/// `--format`, for the commands that draw charts.
#[derive(Debug, Args)]
pub struct FormatArg {
    /// Format of the chart files: png or svg (the same charts; report.html shows them inline
    /// either way) [default: png; for plot, the format the folder's charts are in].
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub format: Option<Format>,
}

impl FormatArg {
    /// The format asked for, if any.
    pub fn get(&self) -> Option<ChartFormat> {
        self.format.map(ChartFormat::from)
    }
}

/// `word`, quoted for a POSIX shell if it needs to be.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "_-./:=,+@%".contains(c));
    if plain { word.to_string() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}

/// The record files of an experiment folder (`experiment.toml`, `base_scenario.toml`,
/// `point-<i>.toml`) with their texts, `experiment.toml` first, points in number order.
fn records(out: &OwnedDir) -> Result<Vec<(String, String)>> {
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .with_context(|| format!("cannot list {}", out.path().display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| sweep::is_record_name(n))
        .collect();
    let order = |n: &str| -> (u8, usize) {
        match n {
            sweep::EXPERIMENT_RECORD => (0, 0),
            sweep::BASE_SCENARIO_RECORD => (1, 0),
            _ => (2, n.trim_start_matches("point-").trim_end_matches(".toml").parse().unwrap_or(usize::MAX)),
        }
    };
    names.sort_by_key(|n| order(n));
    names
        .into_iter()
        .map(|name| {
            let mut text = String::new();
            open_regular(out.path(), &name)?
                .read_to_string(&mut text)
                .with_context(|| format!("cannot read {name}"))?;
            Ok((name, text))
        })
        .collect()
}

/// The warnings of an experiment folder: runs failed or not run, runs outside the model's domain.
fn warnings(out: &OwnedDir, manifest: &Manifest, overloaded: Option<usize>) -> Result<Vec<String>> {
    let (_, failed, pending) = manifest.counts();
    let total = manifest.run_counts.planned;
    let mut warnings = Vec::new();
    if failed > 0 {
        warnings.push(format!(
            "{failed} of {total} runs failed: their seeds and messages are in runs.csv, and the statistics leave them out."
        ));
    }
    if pending > 0 {
        warnings.push(format!("{pending} of {total} runs have not run: resume the sweep to complete it."));
    }
    let overloaded = super::sweep_dir::pool_overloaded(out.path(), overloaded)?;
    if overloaded > 0 {
        warnings.push(format!(
            "In {overloaded} of {total} runs a shared pool carried more of the sender's mail than its own volume \
             (runs.csv column {}): the model assumes a pool dominated by other tenants, so their results for that \
             pool are out of scope.",
            rx::POOL_OVERLOAD_DAYS
        ));
    }
    Ok(warnings)
}

/// What an experiment folder's `report.html` says besides its charts, read from the folder:
/// the records of what was run, the warnings, the command that made it.
pub struct ReportFacts {
    records: Vec<(String, String)>,
    warnings: Vec<String>,
    command: String,
}

/// The [`ReportFacts`] of the folder `out`; `overloaded` is the number of runs that left the
/// model's domain if it is known already (else `runs.csv` is read).
pub fn report_facts(out: &OwnedDir, manifest: &Manifest, overloaded: Option<usize>) -> Result<ReportFacts> {
    Ok(ReportFacts {
        records: records(out)?,
        warnings: warnings(out, manifest, overloaded)?,
        command: OwnedDir::command_of(out.path()).unwrap_or_else(|| "sweep".into()),
    })
}

/// The text of an experiment folder's `report.html`, from its facts and what its charts are
/// drawn from (it touches no file, so it may be drawn while other charts are).
pub fn experiment_report(
    facts: &ReportFacts,
    manifest: &Manifest,
    data: &ChartData,
    warm: &WarmData,
    indices: &[SensitivityRow],
) -> Result<String> {
    let (ok, failed, pending) = manifest.counts();
    let root_seed = ipwarm::engine::seed_text(manifest.root_seed);
    let info = ExperimentInfo {
        description: &manifest.description,
        design: &manifest.design,
        root_seed: &root_seed,
        seeds: match manifest.seeds {
            SeedMode::Common => "common",
            SeedMode::Independent => "independent",
        },
        runs: (manifest.n_runs, ok, failed, pending),
        experiment_hash: &manifest.experiment_hash,
        results_version: &manifest.ipwarm_version,
        command: &facts.command,
        records: &facts.records,
        warnings: &facts.warnings,
        chart_format: manifest.charts.format,
        key_metrics: &manifest.charts.outcomes,
    };
    let sensitivity = sensitivity_charts(manifest, indices);
    html::experiment_report(&info, data, warm, &manifest.charts, &sensitivity).context("cannot write report.html")
}

/// What the sensitivity charts of `manifest` are drawn from.
pub fn sensitivity_charts<'a>(manifest: &'a Manifest, indices: &'a [SensitivityRow]) -> SensitivityCharts<'a> {
    SensitivityCharts { rows: indices, design: &manifest.design, n_runs: manifest.n_runs }
}
