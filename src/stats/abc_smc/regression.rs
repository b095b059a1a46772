//! Summaries learnt by regression (semi-automatic ABC, Fearnhead & Prangle 2012, J. R. Stat.
//! Soc. B 74(3):419–474): from pilot simulations `(θ_i, s_i)`, a ridge regression of each
//! parameter on the summaries; its fitted values `θ̂(s) ≈ E[θ | s]` are then the summaries ABC
//! compares, one per parameter, instead of hundreds of raw statistics whose noise would swamp
//! the distance.
//!
//! A raw summary is used when the observed value is finite and at least 90% of the pilot's
//! values are (the others are replaced by its pilot mean) and it varies; each is standardised
//! by its pilot mean and standard deviation. The ridge penalty is `λ = 10⁻³ · n` on the
//! standardised scale, enough to keep the system well posed when summaries are collinear.

use super::kernel::cholesky;

/// A learnt linear map from raw summaries to one fitted value per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Indices of the raw summaries used.
    used: Vec<usize>,
    /// Their pilot means and standard deviations.
    mean: Vec<f64>,
    sd: Vec<f64>,
    /// Coefficients, `used.len() × dim`, row-major.
    beta: Vec<f64>,
    /// Pilot means of the parameters.
    theta_mean: Vec<f64>,
}

/// Share of a summary's pilot values that must be finite for it to be used.
const MIN_FINITE_SHARE: f64 = 0.9;
/// Ridge penalty per pilot simulation, on standardised summaries.
const RIDGE: f64 = 1e-3;

impl Projection {
    /// The regression of `thetas` on `summaries` (one row per pilot simulation), using the
    /// raw summaries that `observed` gives; `None` if no summary is usable or the system
    /// cannot be solved.
    pub fn fit(thetas: &[Vec<f64>], summaries: &[Vec<f64>], observed: &[f64]) -> Option<Self> {
        let n = summaries.len();
        let dim = thetas.first()?.len();
        let mut used = Vec::new();
        let (mut mean, mut sd) = (Vec::new(), Vec::new());
        for (k, obs) in observed.iter().enumerate() {
            let finite: Vec<f64> = summaries.iter().map(|s| s[k]).filter(|v| v.is_finite()).collect();
            if !obs.is_finite() || (finite.len() as f64) < MIN_FINITE_SHARE * n as f64 {
                continue;
            }
            let m = finite.iter().sum::<f64>() / finite.len() as f64;
            let v = finite.iter().map(|x| (x - m).powi(2)).sum::<f64>() / finite.len() as f64;
            if v.sqrt() > 1e-12 * m.abs().max(1.0) {
                used.push(k);
                mean.push(m);
                sd.push(v.sqrt());
            }
        }
        let k = used.len();
        if k == 0 || n < 2 {
            return None;
        }
        let theta_mean: Vec<f64> = (0..dim).map(|d| thetas.iter().map(|t| t[d]).sum::<f64>() / n as f64).collect();
        let standardised = |s: &[f64]| -> Vec<f64> {
            used.iter()
                .enumerate()
                .map(|(j, &i)| if s[i].is_finite() { (s[i] - mean[j]) / sd[j] } else { 0.0 })
                .collect()
        };
        let x: Vec<Vec<f64>> = summaries.iter().map(|s| standardised(s)).collect();
        let mut xtx = vec![0.0; k * k];
        let mut xty = vec![0.0; k * dim];
        for (row, theta) in x.iter().zip(thetas) {
            for a in 0..k {
                for b in 0..=a {
                    xtx[a * k + b] += row[a] * row[b];
                }
                for d in 0..dim {
                    xty[a * dim + d] += row[a] * (theta[d] - theta_mean[d]);
                }
            }
        }
        for a in 0..k {
            for b in 0..a {
                xtx[b * k + a] = xtx[a * k + b];
            }
            xtx[a * k + a] += RIDGE * n as f64;
        }
        let lower = cholesky(&xtx, k)?;
        let mut beta = vec![0.0; k * dim];
        for d in 0..dim {
            let rhs: Vec<f64> = (0..k).map(|a| xty[a * dim + d]).collect();
            let solution = solve(&lower, k, &rhs);
            for a in 0..k {
                beta[a * dim + d] = solution[a];
            }
        }
        Some(Self { used, mean, sd, beta, theta_mean })
    }

    /// The fitted parameters `θ̂(s)` of raw summaries `s`.
    pub fn project(&self, s: &[f64]) -> Vec<f64> {
        let dim = self.theta_mean.len();
        let mut out = self.theta_mean.clone();
        for (j, &i) in self.used.iter().enumerate() {
            let x = if s.get(i).is_some_and(|v| v.is_finite()) { (s[i] - self.mean[j]) / self.sd[j] } else { 0.0 };
            for (d, o) in out.iter_mut().enumerate() {
                *o += x * self.beta[j * dim + d];
            }
        }
        out
    }

    /// Number of raw summaries used.
    pub fn n_used(&self) -> usize {
        self.used.len()
    }
}

/// Solves `L Lᵀ x = b` for lower-triangular `L` (`n × n`, row-major).
fn solve(lower: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|j| lower[i * n + j] * y[j]).sum();
        y[i] = (b[i] - s) / lower[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|j| lower[j * n + i] * x[j]).sum();
        x[i] = (y[i] - s) / lower[i * n + i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use rand_distr::{Distribution, StandardNormal};

    #[test]
    fn a_linear_summary_is_recovered_and_noise_and_gaps_are_ignored() {
        // θ ~ N(0, 1); s = (3 θ + noise 0.1, pure noise, constant, undefined, unobserved).
        let mut rng = stream_rng(4, "regression-test");
        let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
        let (mut thetas, mut sums) = (Vec::new(), Vec::new());
        for _ in 0..500 {
            let t = normal();
            thetas.push(vec![t]);
            sums.push(vec![3.0 * t + 0.1 * normal(), normal(), 7.0, f64::NAN, normal()]);
        }
        let observed = [1.5, 0.0, 7.0, 1.0, f64::NAN];
        let p = Projection::fit(&thetas, &sums, &observed).expect("fits");
        assert_eq!(p.n_used(), 2, "the constant, undefined and unobserved summaries are dropped");
        let fitted = p.project(&observed)[0];
        assert!((fitted - 0.5).abs() < 0.03, "{fitted}");
        assert!(Projection::fit(&thetas, &sums, &[f64::NAN; 5]).is_none());
    }
}
