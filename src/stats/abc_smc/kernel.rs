//! The proposals of ABC-SMC ([`Transition`]): a multivariate normal whose covariance is a
//! multiple of the weighted covariance of the last population, centred on a parent (twice it,
//! Beaumont et al. 2009; or Silverman's rule of thumb, pyabc's default) or on the population's
//! weighted mean; its Cholesky factor, draws and log density; and the weighted moments.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A multivariate normal kernel `N(θ_parent, Σ)` of a fixed covariance `Σ`, kept as its lower
/// Cholesky factor `L` (`Σ = L Lᵀ`).
#[derive(Debug, Clone, PartialEq)]
pub struct Kernel {
    /// Lower Cholesky factor, row-major `d × d`.
    lower: Vec<f64>,
    /// Dimension.
    dim: usize,
    /// `−½ log|Σ| − (d/2) log 2π`.
    log_norm: f64,
}

/// How generation `t ≥ 1` proposes parameters from the last population (weighted
/// covariance `Σ`, weighted mean `m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transition {
    /// A parent drawn by weight, perturbed by `N(0, 2 Σ)` (Beaumont et al. 2009, Biometrika
    /// 96(4):983–990). The weights divide by the mixture `Σ_j w_j K(θ | θ_j)`, which in many
    /// dimensions is dominated by the particle's own parent, whose density varies as a χ²
    /// with `d` degrees of freedom: with 20 parameters the effective sample size falls to a
    /// few particles whatever the kernel's width.
    Beaumont,
    /// A parent perturbed by `N(0, h² Σ)`, `h = (4 / (n (d + 2)))^{1 / (d + 4)}`, `n` the
    /// population's effective sample size: Silverman's rule of thumb (Silverman 1986, Density
    /// Estimation for Statistics and Data Analysis, eq. 4.14), pyabc's default bandwidth for its
    /// `MultivariateNormalTransition`.
    Silverman,
    /// Independent of the parents: `N(m, scale · Σ)`, a normal fitted to the population and
    /// widened by `scale` (> 0). Weights `π(θ) / N(θ; m, scale Σ)` vary smoothly, so they keep
    /// an effective sample size in many dimensions; a single normal follows one mode only.
    Gaussian {
        /// Factor of the population's covariance (1.2: a little wider than the population).
        scale: f64,
    },
}

impl Transition {
    /// The factor of `Σ` for `dim` parameters and an effective sample size `ess`.
    pub fn factor(self, dim: usize, ess: f64) -> f64 {
        match self {
            Transition::Beaumont => 2.0,
            Transition::Silverman => {
                let d = dim as f64;
                (4.0 / (ess.max(1.0) * (d + 2.0))).powf(2.0 / (d + 4.0))
            }
            Transition::Gaussian { scale } => scale,
        }
    }

    /// Whether proposals perturb a parent (rather than come from one normal).
    pub fn is_local(self) -> bool {
        !matches!(self, Transition::Gaussian { .. })
    }
}

/// The weighted mean of `points` (weights summing to 1).
pub fn weighted_mean(points: &[Vec<f64>], weights: &[f64]) -> Vec<f64> {
    let dim = points.first().map_or(0, Vec::len);
    (0..dim).map(|k| points.iter().zip(weights).map(|(p, w)| w * p[k]).sum()).collect()
}

impl Kernel {
    /// The kernel of covariance `factor · Cov_w(points)` (`points` with normalised `weights`).
    /// A covariance that is not positive definite (a population collapsed onto a line or a
    /// point) gets a ridge on its diagonal until it is; `None` only for an empty population.
    pub fn scaled(points: &[Vec<f64>], weights: &[f64], factor: f64) -> Option<Self> {
        let dim = points.first()?.len();
        let mut cov = weighted_covariance(points, weights, dim);
        cov.iter_mut().for_each(|c| *c *= factor);
        Self::from_covariance(cov, dim)
    }

    /// The kernel of covariance `cov` (row-major `dim × dim`), with a ridge if needed.
    pub fn from_covariance(cov: Vec<f64>, dim: usize) -> Option<Self> {
        let scale = (0..dim).map(|i| cov[i * dim + i].abs()).fold(0.0, f64::max).max(1e-12);
        let mut ridge = 0.0;
        for _ in 0..40 {
            let mut c = cov.clone();
            (0..dim).for_each(|i| c[i * dim + i] += ridge);
            if let Some(lower) = cholesky(&c, dim) {
                let log_det: f64 = (0..dim).map(|i| 2.0 * lower[i * dim + i].ln()).sum();
                let log_norm = -0.5 * log_det - 0.5 * dim as f64 * (2.0 * std::f64::consts::PI).ln();
                return Some(Self { lower, dim, log_norm });
            }
            ridge = if ridge == 0.0 { scale * 1e-10 } else { ridge * 10.0 };
        }
        None
    }

    /// A draw of `N(center, Σ)`.
    pub fn perturb<R: Rng + ?Sized>(&self, center: &[f64], rng: &mut R) -> Vec<f64> {
        let z: Vec<f64> = (0..self.dim).map(|_| StandardNormal.sample(rng)).collect();
        (0..self.dim).map(|i| center[i] + (0..=i).map(|j| self.lower[i * self.dim + j] * z[j]).sum::<f64>()).collect()
    }

    /// `log K(x | center)`, the log density of `N(center, Σ)` at `x`.
    pub fn log_density(&self, x: &[f64], center: &[f64]) -> f64 {
        // Solve L y = x − center; then (x − c)ᵀ Σ⁻¹ (x − c) = |y|².
        let d = self.dim;
        let mut y = vec![0.0; d];
        for i in 0..d {
            let s: f64 = (0..i).map(|j| self.lower[i * d + j] * y[j]).sum();
            y[i] = (x[i] - center[i] - s) / self.lower[i * d + i];
        }
        self.log_norm - 0.5 * y.iter().map(|v| v * v).sum::<f64>()
    }
}

/// The weighted covariance `Σ w_i (x_i − m)(x_i − m)ᵀ` (row-major), `m = Σ w_i x_i`, of
/// points with weights summing to 1.
pub fn weighted_covariance(points: &[Vec<f64>], weights: &[f64], dim: usize) -> Vec<f64> {
    let mean = weighted_mean(points, weights);
    let mut cov = vec![0.0; dim * dim];
    for (p, &w) in points.iter().zip(weights) {
        for i in 0..dim {
            for j in 0..=i {
                cov[i * dim + j] += w * (p[i] - mean[i]) * (p[j] - mean[j]);
            }
        }
    }
    for i in 0..dim {
        for j in 0..i {
            cov[j * dim + i] = cov[i * dim + j];
        }
    }
    cov
}

/// The lower Cholesky factor of the symmetric matrix `a` (row-major `n × n`), or `None` if
/// it is not (numerically) positive definite.
pub(super) fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let v = a[i * n + i] - s;
                if !(v > 0.0 && v.is_finite()) {
                    return None;
                }
                l[i * n + j] = v.sqrt();
            } else {
                l[i * n + j] = (a[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Some(l)
}

/// `log Σ exp(x_i)`, stable; `−∞` for no terms.
pub fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + xs.map(|x| (x - max).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;

    #[test]
    fn cholesky_density_and_draws_agree_with_the_covariance() {
        let cov = vec![4.0, 1.2, 1.2, 1.0];
        let k = Kernel::from_covariance(cov, 2).expect("positive definite");
        // Density at the centre: 1 / (2π sqrt(det)), det = 4 − 1.44.
        let expected = -(2.0 * std::f64::consts::PI).ln() - 0.5 * (4.0f64 - 1.44).ln();
        assert!((k.log_density(&[1.0, 2.0], &[1.0, 2.0]) - expected).abs() < 1e-12);
        let mut rng = stream_rng(3, "kernel-test");
        let draws: Vec<Vec<f64>> = (0..20_000).map(|_| k.perturb(&[0.0, 0.0], &mut rng)).collect();
        let w = vec![1.0 / draws.len() as f64; draws.len()];
        let c = weighted_covariance(&draws, &w, 2);
        assert!((c[0] - 4.0).abs() < 0.15 && (c[1] - 1.2).abs() < 0.06 && (c[3] - 1.0).abs() < 0.04, "{c:?}");
    }

    #[test]
    fn a_collapsed_population_gets_a_ridge_and_an_empty_one_no_kernel() {
        let points = vec![vec![1.0, 1.0]; 5];
        let k = Kernel::scaled(&points, &[0.2; 5], 2.0).expect("ridge");
        assert!(k.log_density(&[1.0, 1.0], &[1.0, 1.0]).is_finite());
        assert!(Kernel::scaled(&[], &[], 2.0).is_none());
        assert_eq!(log_sum_exp([0.0f64, 0.0].into_iter()), 2.0f64.ln());
        assert_eq!(log_sum_exp(std::iter::empty::<f64>()), f64::NEG_INFINITY);
    }

    #[test]
    fn kernel_widths_by_transition() {
        assert_eq!(Transition::Beaumont.factor(20, 300.0), 2.0);
        // One dimension, 100 particles: h = (4/300)^(1/5) = 0.42, h² = 0.18.
        assert!((Transition::Silverman.factor(1, 100.0) - (4.0f64 / 300.0).powf(0.4)).abs() < 1e-12);
        let (few, many) = (Transition::Silverman.factor(20, 30.0), Transition::Silverman.factor(20, 3000.0));
        assert!(many < few && few < 1.0, "{many} {few}");
        assert_eq!(Transition::Gaussian { scale: 1.2 }.factor(20, 3.0), 1.2);
        assert!(Transition::Silverman.is_local() && !Transition::Gaussian { scale: 1.0 }.is_local());
    }
}
