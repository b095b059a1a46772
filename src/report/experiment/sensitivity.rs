//! `sensitivity.csv`: which axes drive which outcomes, from a sampled design's
//! per-point outcomes.
//!
//! - `sobol`: first-order (`S1`), total (`ST`) and on request second-order (`S2`,
//!   parameter `a x b`) Sobol indices, Saltelli 2010 and Jansen 1999 estimators.
//! - `morris`: Morris's elementary effects: `mu`, `mu_star` (Campolongo et al. 2007)
//!   and `sigma`; only `mu_star` has an interval.
//! - `lhs`: partial rank correlation coefficients (`prcc`).
//!
//! Every interval is a 95% bootstrap percentile interval (Fisher's z for PRCC). A design
//! point's outcome is the mean over its replicates: with common random numbers
//! (the default `seeds = "common"`), replicate r of every point shares its seed, so
//! the noise of the runs does not pass for an effect of the axes (Saltelli et al.
//! 2010 advise fixing the seed per row for a stochastic model). The estimators are in
//! [`crate::stats`], which knows nothing of the simulator.

use std::io::{Read, Write};

use crate::report::ReportError;
use crate::stats::{Estimate, morris, prcc, saltelli};

/// What the analysis needs to know of a sampled design (the sweep's `Design`, seen from
/// the report layer, which comes before the sweep's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitivityDesign {
    /// Saltelli's sample for Sobol indices, in its block order.
    Sobol {
        /// Whether the sample has the blocks of second-order indices.
        second_order: bool,
    },
    /// Morris trajectories of k + 1 points each, in order.
    Morris {
        /// Number of trajectories.
        trajectories: usize,
    },
    /// Any sample (a Latin hypercube): partial rank correlations.
    Lhs,
}

impl SensitivityDesign {
    /// Its name in `sensitivity.csv`, as the experiment's `design` names it.
    pub fn name(self) -> &'static str {
        match self {
            SensitivityDesign::Sobol { .. } => "sobol",
            SensitivityDesign::Morris { .. } => "morris",
            SensitivityDesign::Lhs => "lhs",
        }
    }
}

/// The columns of `sensitivity.csv`, in order.
pub const SENSITIVITY_COLUMNS: [&str; 7] = ["design", "metric", "parameter", "index", "estimate", "ci_low", "ci_high"];
/// Bootstrap resamples of every interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;
/// Confidence level of every interval.
pub const SENSITIVITY_CONFIDENCE: f64 = 0.95;

/// One row of `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    /// `sobol`, `morris` or `lhs`.
    pub design: String,
    /// The outcome (a `summary.csv` metric).
    pub metric: String,
    /// The axis (or `a x b` for a second-order index).
    pub parameter: String,
    /// `S1`, `ST`, `S2`, `mu`, `mu_star`, `sigma` or `prcc`.
    pub index: String,
    /// The estimate and its interval (NaN bounds: no interval, written empty).
    pub value: Estimate,
}

/// What the analysis reads: the design, its axes, each point's unit coordinates, and
/// per metric each point's outcome.
pub struct SensitivityInput<'a> {
    /// The sampled design.
    pub design: SensitivityDesign,
    /// The axis names, one per unit coordinate.
    pub axes: &'a [String],
    /// Per design point, in order: its unit coordinates.
    pub unit: &'a [Vec<f64>],
    /// Per metric: its name and one outcome per design point (NaN: no value).
    pub metrics: &'a [(String, Vec<f64>)],
    /// Seed of the bootstrap resamples.
    pub seed: u64,
}

/// The rows of `sensitivity.csv`, and per metric left out, (metric, why).
pub type SensitivityOutput = (Vec<SensitivityRow>, Vec<(String, String)>);

/// The indices of every metric, in metric order; and per metric left out, why.
pub fn analyze(input: &SensitivityInput<'_>) -> SensitivityOutput {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (metric, y) in input.metrics {
        if let Some(p) = y.iter().position(|v| !v.is_finite()) {
            skipped.push((metric.clone(), format!("design point {p} has no value (its runs failed)")));
            continue;
        }
        if y.iter().all(|v| *v == y[0]) {
            skipped.push((metric.clone(), "the same at every design point: no effect to apportion".into()));
            continue;
        }
        match analyze_metric(input, metric, y) {
            Ok(r) => rows.extend(r),
            Err(e) => skipped.push((metric.clone(), e)),
        }
    }
    (rows, skipped)
}

fn analyze_metric(input: &SensitivityInput<'_>, metric: &str, y: &[f64]) -> Result<Vec<SensitivityRow>, String> {
    let k = input.axes.len();
    let row = |parameter: String, index: &str, value: Estimate| SensitivityRow {
        design: input.design.name().into(),
        metric: metric.into(),
        parameter,
        index: index.into(),
        value,
    };
    let no_interval = |v: f64| Estimate { estimate: v, ci_low: f64::NAN, ci_high: f64::NAN };
    let mut rows = Vec::new();
    match input.design {
        SensitivityDesign::Sobol { second_order } => {
            let ix = saltelli::analyze(y, k, second_order, BOOTSTRAP_RESAMPLES, SENSITIVITY_CONFIDENCE, input.seed)?;
            for (i, axis) in input.axes.iter().enumerate() {
                rows.push(row(axis.clone(), "S1", ix.first[i]));
                rows.push(row(axis.clone(), "ST", ix.total[i]));
            }
            for ((i, j), e) in ix.second.unwrap_or_default() {
                rows.push(row(format!("{} x {}", input.axes[i], input.axes[j]), "S2", e));
            }
        }
        SensitivityDesign::Morris { trajectories } => {
            let ix = morris::analyze(
                input.unit,
                y,
                k,
                trajectories,
                BOOTSTRAP_RESAMPLES,
                SENSITIVITY_CONFIDENCE,
                input.seed,
            )?;
            for (axis, m) in input.axes.iter().zip(ix) {
                rows.push(row(axis.clone(), "mu", no_interval(m.mu)));
                rows.push(row(axis.clone(), "mu_star", m.mu_star));
                rows.push(row(axis.clone(), "sigma", no_interval(m.sigma)));
            }
        }
        SensitivityDesign::Lhs => {
            let ix = prcc::prcc(input.unit, y, SENSITIVITY_CONFIDENCE)?;
            for (axis, e) in input.axes.iter().zip(ix) {
                rows.push(row(axis.clone(), "prcc", e));
            }
        }
    }
    Ok(rows)
}

/// Writes `rows` as `sensitivity.csv`.
pub fn write_sensitivity(rows: &[SensitivityRow], out: &mut dyn Write) -> Result<(), ReportError> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(SENSITIVITY_COLUMNS)?;
    let num = |v: f64| if v.is_finite() { super::fmt_float(v) } else { String::new() };
    for r in rows {
        let e = r.value;
        w.write_record([
            r.design.clone(),
            r.metric.clone(),
            r.parameter.clone(),
            r.index.clone(),
            num(e.estimate),
            num(e.ci_low),
            num(e.ci_high),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Reads `sensitivity.csv` back (for `ipwarm plot`).
pub fn read_sensitivity(input: &mut dyn Read) -> Result<Vec<SensitivityRow>, ReportError> {
    let mut r = ::csv::Reader::from_reader(input);
    if r.headers()?.iter().ne(SENSITIVITY_COLUMNS) {
        return Err(ReportError::Format("sensitivity.csv: unexpected header".into()));
    }
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        let field = |i: usize| rec.get(i).unwrap_or_default().to_string();
        let num = |i: usize| -> Result<f64, ReportError> {
            match rec.get(i).unwrap_or_default() {
                "" => Ok(f64::NAN),
                s => s.parse().map_err(|_| ReportError::Format(format!("sensitivity.csv: `{s}` is not a number"))),
            }
        };
        rows.push(SensitivityRow {
            design: field(0),
            metric: field(1),
            parameter: field(2),
            index: field(3),
            value: Estimate { estimate: num(4)?, ci_low: num(5)?, ci_high: num(6)? },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A linear outcome of three axes through a Morris design: the elementary effects are
    /// the coefficients (in grid units), with no spread; a constant metric is left out.
    #[test]
    fn morris_of_a_linear_outcome_and_a_round_trip() {
        let design = SensitivityDesign::Morris { trajectories: 6 };
        let unit = morris::trajectories(3, 4, 6, 30, 5).unwrap();
        let y: Vec<f64> = unit.iter().map(|u| 3.0 * u[0] - 1.0 * u[1] + 0.0 * u[2]).collect();
        let axes = ["a".to_string(), "b".into(), "c".into()];
        let metrics = [("out".to_string(), y), ("flat".to_string(), vec![1.0; unit.len()])];
        let input = SensitivityInput { design, axes: &axes, unit: &unit, metrics: &metrics, seed: 1 };
        let (rows, skipped) = analyze(&input);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].0, "flat");
        let get = |p: &str, i: &str| rows.iter().find(|r| r.parameter == p && r.index == i).unwrap().value.estimate;
        assert!((get("a", "mu") - 3.0).abs() < 1e-9);
        assert!((get("b", "mu") + 1.0).abs() < 1e-9);
        assert!((get("b", "mu_star") - 1.0).abs() < 1e-9);
        assert!(get("c", "mu_star").abs() < 1e-9);
        assert!(get("a", "sigma").abs() < 1e-9);
        let mut csv = Vec::new();
        write_sensitivity(&rows, &mut csv).unwrap();
        let back = read_sensitivity(&mut csv.as_slice()).unwrap();
        assert_eq!(back.len(), rows.len());
        let mut again = Vec::new();
        write_sensitivity(&back, &mut again).unwrap();
        assert_eq!(csv, again, "written, read and written again: the same bytes");
    }

    /// A point without a value leaves its metric out, with the reason.
    #[test]
    fn a_missing_value_is_reported_not_analysed() {
        let design = SensitivityDesign::Lhs;
        let unit: Vec<Vec<f64>> = (0..8).map(|i| vec![i as f64 / 8.0, ((3 * i) % 8) as f64 / 8.0]).collect();
        let mut y: Vec<f64> = unit.iter().map(|u| u[0]).collect();
        y[3] = f64::NAN;
        let axes = ["a".to_string(), "b".into()];
        let metrics = [("out".to_string(), y)];
        let (rows, skipped) =
            analyze(&SensitivityInput { design, axes: &axes, unit: &unit, metrics: &metrics, seed: 1 });
        assert!(rows.is_empty());
        assert_eq!(skipped, [("out".to_string(), "design point 3 has no value (its runs failed)".to_string())]);
    }
}
