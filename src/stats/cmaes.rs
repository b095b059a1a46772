//! CMA-ES, the covariance matrix adaptation evolution strategy, as Hansen's tutorial states it
//! (Hansen 2016, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, Table 1 and
//! Appendix A), searching the unit cube `[0, 1]^n` with ranks only.
//!
//! Lifecycle: [`CmaEs::new`] with [`CmaEsSettings`] and a seed; then repeat [`CmaEs::ask`] (λ
//! candidates), evaluate them, and [`CmaEs::tell`] their order, best first; stop on the caller's
//! budget or [`CmaEs::converged`].
//!
//! Each generation draws `x_k = m + σ B D z_k`, `z_k ~ N(0, I)`, `C = B D² Bᵀ`, and hands out
//! the mirror image of `x_k` in the cube (coordinate-wise `x ↦ |x mod 2|` folded back into
//! `[0, 1]`, a periodic map, so no candidate is ever outside the cube and none is wasted); the
//! update uses the unmirrored `x_k`, so the distribution lives in `Rⁿ` and the mirroring is the
//! objective's domain map. [`CmaEs::mean`] is the mean mirrored into the cube. The update (with
//! `y = (x − m)/σ`, `⟨y⟩_w = Σ_{i≤μ} w_i y_{i:λ}`, `g` the generation count from 0):
//!
//! - `m ← m + c_m σ ⟨y⟩_w`, `c_m = 1`;
//! - `p_σ ← (1 − c_σ) p_σ + √(c_σ (2 − c_σ) μ_eff) C^(−1/2) ⟨y⟩_w`;
//! - `σ ← σ exp((c_σ / d_σ)(‖p_σ‖ / E‖N(0, I)‖ − 1))`, `E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²))`;
//! - `h_σ = 1` if `‖p_σ‖ / √(1 − (1 − c_σ)^(2(g+1))) < (1.4 + 2/(n+1)) E‖N(0, I)‖`, else 0;
//! - `p_c ← (1 − c_c) p_c + h_σ √(c_c (2 − c_c) μ_eff) ⟨y⟩_w`;
//! - `C ← (1 + c_1 δ(h_σ) − c_1 − c_μ Σ_j w_j) C + c_1 p_c p_cᵀ + c_μ Σ_{i≤λ} w°_i y_{i:λ} y_{i:λ}ᵀ`,
//!   `δ(h_σ) = (1 − h_σ) c_c (2 − c_c)`, `w°_i = w_i` if `w_i ≥ 0`, else `w_i n / ‖C^(−1/2) y_{i:λ}‖²`.
//!
//! The constants are the tutorial's defaults ([`Constants`]): `λ = 4 + ⌊3 ln n⌋`,
//! `μ = ⌊λ/2⌋`, `w'_i = ln((λ+1)/2) − ln i`, positive weights normalised to sum 1, negative ones
//! (active CMA) scaled by `min(α_μ⁻, α_μeff⁻, α_posdef⁻)`; `c_σ = (μ_eff + 2)/(n + μ_eff + 5)`,
//! `d_σ = 1 + 2 max(0, √((μ_eff − 1)/(n + 1)) − 1) + c_σ`,
//! `c_c = (4 + μ_eff/n)/(n + 4 + 2μ_eff/n)`, `c_1 = 2/((n + 1.3)² + μ_eff)`,
//! `c_μ = min(1 − c_1, 2(μ_eff − 2 + 1/μ_eff)/((n + 2)² + μ_eff))`.
//!
//! Deterministic: generation `g` samples from the named stream `cmaes/sample` of
//! `derive_seed(seed, [g])`, so asking twice without telling returns the same candidates.

mod jacobi;
#[cfg(test)]
mod tests;

pub use jacobi::{SymmetricEigen, symmetric_eigen};

use rand_distr::{Distribution, StandardNormal};

use crate::engine::{derive_seed, stream_rng};

/// The user-facing settings of a [`CmaEs`].
#[derive(Debug, Clone, PartialEq)]
pub struct CmaEsSettings {
    /// λ, candidates per generation (default `4 + ⌊3 ln n⌋`, Hansen 2016); at least 2 is used.
    pub population: usize,
    /// Initial step size in cube units (default 0.3).
    pub sigma0: f64,
    /// Start point in `[0, 1]^n` (default 0.5 each; empty means the default).
    pub mean0: Vec<f64>,
}

impl CmaEsSettings {
    /// The defaults for `n` dimensions: λ = `4 + ⌊3 ln n⌋`, σ₀ = 0.3, the centre of the cube.
    pub fn for_dims(n: usize) -> Self {
        CmaEsSettings { population: default_population(n), sigma0: 0.3, mean0: vec![0.5; n] }
    }
}

/// Hansen's default population size `4 + ⌊3 ln n⌋` (4 for `n <= 1`).
pub fn default_population(n: usize) -> usize {
    4 + (3.0 * (n.max(1) as f64).ln()).floor() as usize
}

/// The strategy parameters derived from `n` and λ (Hansen 2016, Appendix A, Table 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Constants {
    /// μ, the number of positive weights.
    pub mu: usize,
    /// The λ recombination weights, best first: μ positive ones summing to 1, then negative ones.
    pub weights: Vec<f64>,
    /// μ_eff, the variance-effective selection mass of the positive weights.
    pub mu_eff: f64,
    /// c_σ, the learning rate of the step-size path.
    pub c_sigma: f64,
    /// d_σ, the step-size damping.
    pub d_sigma: f64,
    /// c_c, the learning rate of the rank-one path.
    pub c_c: f64,
    /// c_1, the rank-one learning rate.
    pub c_1: f64,
    /// c_μ, the rank-μ learning rate.
    pub c_mu: f64,
    /// E‖N(0, I)‖, approximated.
    pub chi_n: f64,
}

impl Constants {
    /// The tutorial's defaults for dimension `n >= 1` and population `lambda >= 2`.
    pub fn new(n: usize, lambda: usize) -> Self {
        let nf = n as f64;
        let mu = lambda / 2;
        let raw: Vec<f64> = (1..=lambda).map(|i| ((lambda as f64 + 1.0) / 2.0).ln() - (i as f64).ln()).collect();
        let (pos, neg) = raw.split_at(mu);
        let sum_pos: f64 = pos.iter().sum();
        let mu_eff = sum_pos * sum_pos / pos.iter().map(|w| w * w).sum::<f64>();
        let sum_neg: f64 = neg.iter().filter(|w| **w < 0.0).map(|w| -w).sum();
        let sq_neg: f64 = neg.iter().filter(|w| **w < 0.0).map(|w| w * w).sum();
        let mu_eff_neg = if sq_neg > 0.0 { sum_neg * sum_neg / sq_neg } else { 0.0 };
        let alpha_cov = 2.0;
        let c_1 = alpha_cov / ((nf + 1.3).powi(2) + mu_eff);
        let c_mu = (1.0 - c_1)
            .min(alpha_cov * (mu_eff - 2.0 + 1.0 / mu_eff) / ((nf + 2.0).powi(2) + alpha_cov * mu_eff / 2.0));
        let alpha_mu_neg = 1.0 + c_1 / c_mu;
        let alpha_mu_eff_neg = 1.0 + 2.0 * mu_eff_neg / (mu_eff + 2.0);
        let alpha_posdef_neg = (1.0 - c_1 - c_mu) / (nf * c_mu);
        let neg_scale = alpha_mu_neg.min(alpha_mu_eff_neg).min(alpha_posdef_neg);
        let weights = raw
            .iter()
            .map(|&w| {
                if w >= 0.0 {
                    w / sum_pos
                } else if sum_neg > 0.0 {
                    w * neg_scale / sum_neg
                } else {
                    0.0
                }
            })
            .collect();
        let c_sigma = (mu_eff + 2.0) / (nf + mu_eff + 5.0);
        let d_sigma = 1.0 + 2.0 * (((mu_eff - 1.0) / (nf + 1.0)).sqrt() - 1.0).max(0.0) + c_sigma;
        let c_c = (4.0 + mu_eff / nf) / (nf + 4.0 + 2.0 * mu_eff / nf);
        let chi_n = nf.sqrt() * (1.0 - 1.0 / (4.0 * nf) + 1.0 / (21.0 * nf * nf));
        Constants { mu, weights, mu_eff, c_sigma, d_sigma, c_c, c_1, c_mu, chi_n }
    }
}

/// Above this condition number of `C` (or a non-finite state) the search has degenerated.
const MAX_CONDITION: f64 = 1e14;

/// CMA-ES (Hansen 2016) in the unit cube `[0, 1]^n`, ask/tell, ranks only.
#[derive(Debug, Clone)]
pub struct CmaEs {
    n: usize,
    lambda: usize,
    constants: Constants,
    seed: u64,
    generation: u32,
    /// The mean in `Rⁿ` (unmirrored) and its mirror image in the cube.
    mean_real: Vec<f64>,
    mean: Vec<f64>,
    sigma: f64,
    /// The covariance matrix `C` and its decomposition `B D² Bᵀ` (`d` holds `D`'s diagonal).
    cov: Vec<Vec<f64>>,
    b: Vec<Vec<f64>>,
    d: Vec<f64>,
    p_sigma: Vec<f64>,
    p_c: Vec<f64>,
    /// The unmirrored samples of the last `ask`.
    samples: Vec<Vec<f64>>,
    degenerate: bool,
}

impl CmaEs {
    /// A search in `n >= 1` dimensions. Panics if `mean0` is neither empty nor of length `n`
    /// (a programming error); its values are clamped into the cube.
    pub fn new(n: usize, settings: CmaEsSettings, seed: u64) -> Self {
        assert!(n >= 1, "cma-es needs at least one dimension");
        assert!(
            settings.mean0.is_empty() || settings.mean0.len() == n,
            "mean0 has {} values, not {n}",
            settings.mean0.len()
        );
        let lambda = settings.population.max(2);
        let mean: Vec<f64> = if settings.mean0.is_empty() {
            vec![0.5; n]
        } else {
            settings.mean0.iter().map(|v| v.clamp(0.0, 1.0)).collect()
        };
        let identity: Vec<Vec<f64>> = (0..n).map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect()).collect();
        CmaEs {
            n,
            lambda,
            constants: Constants::new(n, lambda),
            seed,
            generation: 0,
            mean: mean.clone(),
            mean_real: mean,
            sigma: settings.sigma0,
            cov: identity.clone(),
            b: identity,
            d: vec![1.0; n],
            p_sigma: vec![0.0; n],
            p_c: vec![0.0; n],
            samples: Vec::new(),
            degenerate: !(settings.sigma0.is_finite() && settings.sigma0 > 0.0),
        }
    }

    /// λ candidates in `[0, 1]^n` (the Gaussian sample mirrored into the cube; the unmirrored
    /// sample is kept internally for the update).
    pub fn ask(&mut self) -> Vec<Vec<f64>> {
        let mut rng = stream_rng(derive_seed(self.seed, &[u64::from(self.generation)]), "cmaes/sample");
        self.samples = (0..self.lambda)
            .map(|_| {
                let z: Vec<f64> = (0..self.n).map(|_| StandardNormal.sample(&mut rng)).collect();
                (0..self.n)
                    .map(|i| {
                        self.mean_real[i]
                            + self.sigma * (0..self.n).map(|j| self.b[i][j] * self.d[j] * z[j]).sum::<f64>()
                    })
                    .collect()
            })
            .collect();
        self.samples.iter().map(|x| x.iter().map(|&v| mirror(v)).collect()).collect()
    }

    /// `order[i]` = index (into the last `ask`) of the i-th best candidate (all λ, best first).
    /// Panics if `order` is not a permutation of the last `ask`'s indices (a programming error).
    pub fn tell(&mut self, order: &[usize]) {
        let mut seen = vec![false; self.samples.len()];
        for &i in order {
            assert!(i < seen.len() && !seen[i], "tell: order is not a permutation of the last ask");
            seen[i] = true;
        }
        assert!(
            order.len() == self.lambda && self.samples.len() == self.lambda,
            "tell: order must rank all λ candidates"
        );
        let (n, k) = (self.n, &self.constants);
        let ys: Vec<Vec<f64>> = order
            .iter()
            .map(|&i| (0..n).map(|j| (self.samples[i][j] - self.mean_real[j]) / self.sigma).collect())
            .collect();
        let y_w: Vec<f64> = (0..n).map(|j| (0..k.mu).map(|i| k.weights[i] * ys[i][j]).sum()).collect();
        for (m, y) in self.mean_real.iter_mut().zip(&y_w) {
            *m += self.sigma * y;
        }
        let inv_sqrt_y_w = self.inv_sqrt_c(&y_w);
        let ps_rate = (k.c_sigma * (2.0 - k.c_sigma) * k.mu_eff).sqrt();
        for (p, v) in self.p_sigma.iter_mut().zip(&inv_sqrt_y_w) {
            *p = (1.0 - k.c_sigma) * *p + ps_rate * v;
        }
        let ps_norm = norm(&self.p_sigma);
        let decay = 1.0 - (1.0 - k.c_sigma).powf(2.0 * (f64::from(self.generation) + 1.0));
        let h_sigma = ps_norm / decay.sqrt() < (1.4 + 2.0 / (n as f64 + 1.0)) * k.chi_n;
        let pc_rate = (k.c_c * (2.0 - k.c_c) * k.mu_eff).sqrt();
        for (p, y) in self.p_c.iter_mut().zip(&y_w) {
            *p = (1.0 - k.c_c) * *p + if h_sigma { pc_rate * y } else { 0.0 };
        }
        let w_circ: Vec<f64> = (0..self.lambda)
            .map(|i| {
                let w = k.weights[i];
                if w >= 0.0 { w } else { w * n as f64 / norm(&self.inv_sqrt_c(&ys[i])).powi(2).max(f64::MIN_POSITIVE) }
            })
            .collect();
        let delta_h = if h_sigma { 0.0 } else { k.c_c * (2.0 - k.c_c) };
        let keep = 1.0 + k.c_1 * delta_h - k.c_1 - k.c_mu * k.weights.iter().sum::<f64>();
        for a in 0..n {
            for b in a..n {
                let rank_mu: f64 = (0..self.lambda).map(|i| w_circ[i] * ys[i][a] * ys[i][b]).sum();
                let v = keep * self.cov[a][b] + k.c_1 * self.p_c[a] * self.p_c[b] + k.c_mu * rank_mu;
                self.cov[a][b] = v;
                self.cov[b][a] = v;
            }
        }
        self.sigma *= ((k.c_sigma / k.d_sigma) * (ps_norm / k.chi_n - 1.0)).exp();
        self.generation += 1;
        self.samples.clear();
        self.mean = self.mean_real.iter().map(|&v| mirror(v)).collect();
        self.decompose();
    }

    /// The step size σ (in cube units, times the square roots of `C`'s eigenvalues).
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// The distribution's mean, mirrored into the cube.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// Generations told so far.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// λ, candidates per `ask`.
    pub fn population(&self) -> usize {
        self.lambda
    }

    /// The strategy parameters in use.
    pub fn constants(&self) -> &Constants {
        &self.constants
    }

    /// Whether it has converged (σ times the largest square root of `C`'s eigenvalues below
    /// `tol`, i.e. every coordinate's standard deviation is below `tol`) or degenerated (a
    /// non-finite state, or `C`'s condition number above 1e14).
    pub fn converged(&self, tol: f64) -> bool {
        self.degenerate || self.sigma * self.d.iter().copied().fold(0.0, f64::max) < tol
    }

    /// `C^(-1/2) v = B D⁻¹ Bᵀ v`.
    fn inv_sqrt_c(&self, v: &[f64]) -> Vec<f64> {
        let n = self.n;
        let bt_v: Vec<f64> = (0..n).map(|j| (0..n).map(|i| self.b[i][j] * v[i]).sum::<f64>() / self.d[j]).collect();
        (0..n).map(|i| (0..n).map(|j| self.b[i][j] * bt_v[j]).sum()).collect()
    }

    /// Re-computes `B` and `D` from `C`, flagging a degenerate state.
    fn decompose(&mut self) {
        let finite = self.sigma.is_finite() && self.sigma > 0.0 && self.mean_real.iter().all(|v| v.is_finite());
        match symmetric_eigen(&self.cov).filter(|_| finite) {
            Some(e) => {
                let max = e.values.iter().copied().fold(f64::MIN, f64::max);
                let min = e.values.iter().copied().fold(f64::MAX, f64::min);
                if min <= 0.0 || max / min > MAX_CONDITION {
                    self.degenerate = true;
                }
                self.d = e.values.iter().map(|&v| v.max(max * 1e-300).max(f64::MIN_POSITIVE).sqrt()).collect();
                self.b = e.vectors;
            }
            None => self.degenerate = true,
        }
    }
}

/// The mirror image of `x` in `[0, 1]`: reflected at 0 and 1 as often as needed (periodic with
/// period 2). A non-finite `x` maps to 0.5.
pub fn mirror(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.5;
    }
    let r = x.rem_euclid(2.0);
    if r > 1.0 { 2.0 - r } else { r }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
