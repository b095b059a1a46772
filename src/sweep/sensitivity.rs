//! The sensitivity analysis of a finished sampled design (lhs, morris, sobol): each
//! design point's outcomes from `summary.csv` (the mean over its replicates), its unit
//! coordinates from the manifest, and the estimators of [`crate::stats`] through
//! [`crate::report::experiment::analyze_sensitivity`].

use super::{Design, Manifest};
use crate::engine::derive_seed;
use crate::report::experiment::{SensitivityDesign, SensitivityInput, SensitivityOutput, StatRow, analyze_sensitivity};

/// Seed part of the bootstrap resamples (run seeds and design draws use other parts).
const BOOTSTRAP_SEED_TAG: u64 = 0x424f_4f54;

impl Design {
    /// What the analysis needs to know of the design; `None` for a grid or a zip.
    pub fn sensitivity(self) -> Option<SensitivityDesign> {
        match self {
            Design::Grid | Design::Zip => None,
            Design::Lhs { .. } => Some(SensitivityDesign::Lhs),
            Design::Morris { trajectories, .. } => Some(SensitivityDesign::Morris { trajectories }),
            Design::Sobol { second_order, .. } => Some(SensitivityDesign::Sobol { second_order }),
        }
    }
}

/// The analysis of every run metric of `summary` (rows of `summary.csv`) over the
/// design of `manifest`: the rows of `sensitivity.csv`, and per metric left out, why;
/// `None` if the design is not sampled.
pub fn sensitivity(manifest: &Manifest, summary: &[StatRow]) -> Option<SensitivityOutput> {
    let design = manifest.sampling?.sensitivity()?;
    let unit: Vec<Vec<f64>> = manifest.points.iter().map(|p| p.unit.clone()).collect();
    let n = unit.len();
    let mut metrics: Vec<(String, Vec<f64>)> = Vec::new();
    for row in summary {
        let i = match metrics.iter().position(|(m, _)| *m == row.metric) {
            Some(i) => i,
            None => {
                metrics.push((row.metric.clone(), vec![f64::NAN; n]));
                metrics.len() - 1
            }
        };
        if let (Some(slot), Some(mean)) = (metrics[i].1.get_mut(row.point), row.stats.mean) {
            *slot = mean;
        }
    }
    let input = SensitivityInput {
        design,
        axes: &manifest.axes,
        unit: &unit,
        metrics: &metrics,
        seed: derive_seed(manifest.root_seed, &[BOOTSTRAP_SEED_TAG]),
    };
    Some(analyze_sensitivity(&input))
}
