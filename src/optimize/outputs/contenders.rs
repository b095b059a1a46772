//! The final comparison's plans read back from its `runs.csv`, and the paired
//! difference of each from the best plan.

use std::io::Read;

use crate::optimize::OptimizeSpec;
use crate::report::experiment::t_quantile;

/// One plan of the final comparison, from its `runs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// Its label (the comparison's `plan` axis value).
    pub label: String,
    /// Its objective value in each replicate (censored as in the search).
    pub objective: Vec<f64>,
    /// Its runs violating each constraint.
    pub violations: Vec<u64>,
}

impl Contender {
    /// The objective's mean.
    pub fn mean(&self) -> f64 {
        self.objective.iter().sum::<f64>() / self.objective.len().max(1) as f64
    }

    /// The violation share of constraint `c`.
    pub fn share(&self, c: usize) -> f64 {
        self.violations[c] as f64 / self.objective.len().max(1) as f64
    }
}

/// Reads the contenders (design points `labels`, in order) back from the comparison's
/// `runs.csv`: each run's objective (a missing value censored at `days_observed + 1`)
/// and constraint violations, from the values `runs.csv` holds (7 significant digits).
pub fn read_contenders(spec: &OptimizeSpec, labels: &[String], runs: &mut dyn Read) -> Result<Vec<Contender>, String> {
    let mut reader = csv::Reader::from_reader(runs);
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).ok_or(format!("runs.csv has no column {name}"));
    let (point, status, observed) = (col("point")?, col("status")?, col("days_observed")?);
    let objective = col(spec.objective.metric.name())?;
    let constraints: Vec<usize> = spec.constraints.iter().map(|c| col(c.metric.name())).collect::<Result<_, _>>()?;
    let mut out: Vec<Contender> = labels
        .iter()
        .map(|l| Contender { label: l.clone(), objective: Vec::new(), violations: vec![0; spec.constraints.len()] })
        .collect();
    for record in reader.records() {
        let record = record.map_err(|e| e.to_string())?;
        let field = |i: usize| record.get(i).unwrap_or("");
        let value = |i: usize| field(i).parse::<f64>().ok();
        if field(status) != "ok" {
            return Err(format!("a comparison run failed: {}", record.iter().collect::<Vec<_>>().join(",")));
        }
        let p: usize = field(point).parse().map_err(|_| "runs.csv: bad point".to_string())?;
        let Some(c) = out.get_mut(p) else { continue };
        let censored = value(observed).unwrap_or(f64::NAN) + 1.0;
        c.objective.push(value(objective).unwrap_or(censored));
        for (k, (constraint, &i)) in spec.constraints.iter().zip(&constraints).enumerate() {
            c.violations[k] += u64::from(constraint.violated(value(i)));
        }
    }
    Ok(out)
}

/// The paired difference of contender `other` minus contender `best` in the
/// objective: its mean and 95% t interval (`None` with fewer than 2 pairs).
pub fn paired_difference(best: &Contender, other: &Contender) -> Option<(f64, f64, f64)> {
    let d: Vec<f64> = other.objective.iter().zip(&best.objective).map(|(o, b)| o - b).collect();
    let n = d.len();
    if n < 2 {
        return None;
    }
    let mean = d.iter().sum::<f64>() / n as f64;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let half = t_quantile(n as u64 - 1)? * sd / (n as f64).sqrt();
    Some((mean, mean - half, mean + half))
}
