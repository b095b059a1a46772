//! `ipwarm validate FILE...`: check scenario files, report every problem.

use super::Failure;
use clap::Args;
use ipwarm::scenario;
use std::path::PathBuf;

/// Arguments of `ipwarm validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Checks every file; prints `ok` lines for valid ones and every problem of invalid ones.
pub fn validate(args: ValidateArgs) -> Result<(), Failure> {
    let mut invalid = 0;
    for file in &args.files {
        match scenario::parse_file(file) {
            Ok(s) => outln!("{}: ok (scenario `{}`, {} days)", file.display(), s.name, s.horizon_days),
            Err(e) => {
                invalid += 1;
                eprintln!("{e}");
            }
        }
    }
    if invalid == 0 {
        Ok(())
    } else {
        Err(Failure::input(anyhow::anyhow!("{invalid} of {} scenario files are invalid", args.files.len())))
    }
}
