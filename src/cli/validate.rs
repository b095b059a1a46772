//! `ipwarm validate FILE...`: check scenario, experiment and optimisation files, report every problem.
//!
//! A file with a top-level `[search]` or `[objective]` table or `budget` key is
//! an optimisation file and is checked as `ipwarm optimize` checks it (the
//! file, its base scenario and the candidate at the centre of its search); its
//! folder does not matter. Otherwise, a file with a top-level `scenario` key
//! or an `[axes]` table (keys no scenario has) is an experiment and is checked
//! as `ipwarm sweep` checks it ([`super::sweep::load_experiment`]): the file,
//! its base scenario and every design point. Anything else is checked as a
//! scenario.

use std::path::{Path, PathBuf};

use clap::{Args, ValueHint};
use ipwarm::scenario;
use ipwarm::sweep::is_experiment;

use super::Failure;
use super::errors::{describe, stderr_style};
use super::sweep::load_experiment;

/// Arguments of `ipwarm validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario, experiment or optimisation files to check.
    #[arg(required = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    files: Vec<PathBuf>,
}

/// Checks every file; prints `ok` lines for valid ones and every problem of invalid ones.
pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let mut invalid = 0;
    for file in &args.files {
        if let Err(message) = check(file) {
            invalid += 1;
            eprintln!("{message}");
        }
    }
    if invalid == 0 {
        Ok(())
    } else {
        Err(Failure::input(anyhow::anyhow!("{invalid} of {} files are invalid", args.files.len())))
    }
}

/// Checks one file: its `ok` line is printed, its problems returned.
fn check(file: &Path) -> Result<(), String> {
    let shown = file.display();
    let text = scenario::read_input(file).map_err(|e| e.to_string())?;
    // D: an optimisation file (`[search]`, `[objective]` or `budget`) is checked as `ipwarm optimize` checks it.
    if ipwarm::optimize::is_optimize_file(&text) {
        let (spec, _, _) = super::optimize::load(file)
            .map_err(|f| format!("{shown}: checked as an optimisation file:\n{}", super::message(&f.error)))?;
        outln!(
            "{shown}: ok (optimisation `{}` of {} parameters of `{}` on scenario `{}`: budget {} runs)",
            spec.name,
            spec.space.dims(),
            spec.family.name(),
            spec.base.name,
            spec.budget
        );
        return Ok(());
    }
    if is_experiment(&text) {
        let e = load_experiment(file).map_err(|f| {
            format!(
                "{shown}: checked as an experiment file (it has `scenario` or `[axes]`):\n{}",
                super::message(&f.error)
            )
        })?;
        let plan = &e.plan;
        let base = plan.points.first().map_or("", |p| p.scenario.name.as_str());
        outln!(
            "{shown}: ok (experiment `{}` on scenario `{base}`: {} design points x {} replicates = {} runs)",
            plan.name,
            plan.points.len(),
            plan.replicates,
            plan.n_runs()
        );
    } else {
        let s = scenario::parse(&text, &shown.to_string()).map_err(|e| describe(&e, stderr_style()))?;
        outln!("{shown}: ok (scenario `{}`, {} days)", s.name, s.horizon_days);
    }
    Ok(())
}
