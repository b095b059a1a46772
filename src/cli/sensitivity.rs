//! An experiment folder's sensitivity analysis (sampled designs: lhs, morris, sobol):
//! `sensitivity.csv` from `summary.csv` and the manifest, read back for its charts
//! (`sensitivity-<metric>`, `scatter-<metric>` for a Latin hypercube, drawn with the other
//! experiment charts).

use std::io::BufReader;

use anyhow::{Context, Result};
use ipwarm::report::experiment::{self as rx, SensitivityRow};
use ipwarm::sweep::{self, Manifest};

use super::owned::OwnedDir;

/// The file of the indices.
pub const SENSITIVITY: &str = "sensitivity.csv";

/// Writes `sensitivity.csv` if the design is sampled, and says on stderr which metrics it
/// leaves out and why (one line per reason).
pub fn write(out: &mut OwnedDir, manifest: &Manifest) -> Result<()> {
    if manifest.sampling.is_none() {
        return Ok(());
    }
    let mut f = BufReader::new(out.open_read("summary.csv")?);
    let summary = rx::read_stats(&mut f, false).context("cannot read summary.csv")?;
    let Some((rows, skipped)) = sweep::sensitivity(manifest, &summary) else { return Ok(()) };
    let mut bytes = Vec::new();
    rx::write_sensitivity(&rows, &mut bytes).context("cannot write sensitivity.csv")?;
    out.write(SENSITIVITY, &bytes)?;
    let mut reasons: Vec<(&str, Vec<&str>)> = Vec::new();
    for (metric, why) in &skipped {
        match reasons.iter_mut().find(|(w, _)| w == why) {
            Some((_, metrics)) => metrics.push(metric),
            None => reasons.push((why, vec![metric])),
        }
    }
    for (why, metrics) in reasons {
        eprintln!("note: {SENSITIVITY} leaves out {}: {why}", metrics.join(", "));
    }
    Ok(())
}

/// The rows of `sensitivity.csv` in `out`; none if the design is not sampled.
pub fn read(out: &OwnedDir, manifest: &Manifest) -> Result<Vec<SensitivityRow>> {
    if manifest.sampling.is_none() {
        return Ok(Vec::new());
    }
    let mut f = BufReader::new(out.open_read(SENSITIVITY)?);
    rx::read_sensitivity(&mut f).context("cannot read sensitivity.csv")
}
