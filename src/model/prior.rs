//! Distributions of uncertain provider parameters: what a scenario may give
//! instead of a number (`{ dist = "lognormal", median = 0.1, p90 = 0.2 }`),
//! their quantiles and draws, truncated to the parameter's bounds.
//!
//! Every draw is one quantile of one uniform number: `x = Q(u)`, with `Q` the
//! quantile function of the distribution truncated to the bounds
//! (`Q(u) = F⁻¹(F(lo) + u (F(hi) - F(lo)))`). So a draw costs one number of
//! its stream whatever the distribution, and the same stream gives
//! monotonically coupled values under two priors of the same parameter (a
//! design point that widens a prior moves each replicate's draw outwards, it
//! does not reshuffle them). Validation (`scenario::prior`) guarantees that
//! every prior here is well formed for its parameter; the functions below
//! still return a value within the bounds for any input.

use rand::Rng;
use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF, Normal};

use crate::bounds::Bounds;

/// The 90% quantile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A distribution of one provider parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Prior {
    /// `ln x ~ N(ln median, σ²)` with `σ = ln(p90 / median) / z90`, truncated to the bounds.
    Lognormal {
        /// Median (> 0).
        median: f64,
        /// 90% quantile (> median).
        p90: f64,
    },
    /// Uniform on `[min, max]` (within the bounds).
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end (> min).
        max: f64,
    },
    /// `N(mean, sd²)` truncated to the bounds.
    Normal {
        /// Mean, before truncation (within the bounds).
        mean: f64,
        /// Standard deviation, before truncation (> 0).
        sd: f64,
    },
    /// Beta with this mean and standard deviation, on `[0, 1]`.
    Beta {
        /// Mean, in (0, 1).
        mean: f64,
        /// Standard deviation, in (0, sqrt(mean (1 - mean))).
        sd: f64,
    },
}

/// The names of the distributions, as `dist` takes them.
pub const DIST_NAMES: [&str; 4] = ["lognormal", "uniform", "normal", "beta"];

impl Prior {
    /// The keys of distribution `dist` besides `dist` itself (`None`: no such distribution).
    pub fn keys(dist: &str) -> Option<[&'static str; 2]> {
        match dist {
            "lognormal" => Some(["median", "p90"]),
            "uniform" => Some(["min", "max"]),
            "normal" | "beta" => Some(["mean", "sd"]),
            _ => None,
        }
    }

    /// Its name, as `dist` writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Prior::Lognormal { .. } => "lognormal",
            Prior::Uniform { .. } => "uniform",
            Prior::Normal { .. } => "normal",
            Prior::Beta { .. } => "beta",
        }
    }

    /// Its central value: the median, the middle of the range, or the mean.
    pub fn center(&self) -> f64 {
        match *self {
            Prior::Lognormal { median, .. } => median,
            Prior::Uniform { min, max } => min + (max - min) / 2.0,
            Prior::Normal { mean, .. } | Prior::Beta { mean, .. } => mean,
        }
    }

    /// The `q` quantile (`q` in (0, 1)) of the distribution truncated to `bounds`; always within `bounds`.
    pub fn quantile(&self, q: f64, bounds: Bounds) -> f64 {
        let x = match *self {
            Prior::Lognormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                let low = bounds
                    .min
                    .map_or(f64::NEG_INFINITY, |m| if m.value > 0.0 { m.value.ln() } else { f64::NEG_INFINITY });
                let high =
                    bounds.max.map_or(f64::INFINITY, |m| if m.value > 0.0 { m.value.ln() } else { f64::NEG_INFINITY });
                truncated_normal(median.ln(), sigma, low, high, q).exp()
            }
            Prior::Uniform { min, max } => min + q * (max - min),
            Prior::Normal { mean, sd } => {
                let low = bounds.min.map_or(f64::NEG_INFINITY, |m| m.value);
                let high = bounds.max.map_or(f64::INFINITY, |m| m.value);
                truncated_normal(mean, sd, low, high, q)
            }
            Prior::Beta { mean, sd } => {
                let k = mean * (1.0 - mean) / (sd * sd) - 1.0;
                match Beta::new(mean * k, (1.0 - mean) * k) {
                    Ok(beta) => beta.inverse_cdf(q.clamp(0.0, 1.0)),
                    Err(_) => mean,
                }
            }
        };
        into_bounds(if x.is_finite() { x } else { self.center() }, bounds)
    }

    /// One draw from the distribution truncated to `bounds`: one uniform number of `rng`.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R, bounds: Bounds) -> f64 {
        self.quantile(open_unit(rng), bounds)
    }
}

/// A uniform number in the open interval (0, 1), from 53 random bits.
pub fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The `q` quantile of `N(mean, sd²)` truncated to `[low, high]`.
fn truncated_normal(mean: f64, sd: f64, low: f64, high: f64, q: f64) -> f64 {
    let Ok(normal) = Normal::new(mean, sd) else { return mean };
    let (f_low, f_high) = (normal.cdf(low), normal.cdf(high));
    let p = (f_low + q * (f_high - f_low)).clamp(0.0, 1.0);
    // With an sd near f64::MAX the cdf is NaN (statrs' inverse_cdf panics on it): the
    // distribution is then flat over any bounds, and its centre stands for it.
    if p.is_nan() {
        return mean;
    }
    normal.inverse_cdf(p)
}

/// `x` moved into `bounds` if it is outside (by rounding at an edge): the
/// nearest allowed value, one step inside an excluded end.
fn into_bounds(x: f64, bounds: Bounds) -> f64 {
    let mut x = x;
    if let Some(m) = bounds.min
        && (x < m.value || (!m.inclusive && x == m.value))
    {
        x = if m.inclusive { m.value } else { m.value.next_up() };
    }
    if let Some(m) = bounds.max
        && (x > m.value || (!m.inclusive && x == m.value))
    {
        x = if m.inclusive { m.value } else { m.value.next_down() };
    }
    x
}

/// A provider parameter given as a distribution: its registry key and prior.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ParamPrior {
    /// The parameter ([`super::PROVIDER_PARAMS`] key).
    pub key: &'static str,
    /// Its distribution.
    pub prior: Prior,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_too_wide_for_floating_point_draws_without_panicking() {
        // Found by the fuzz campaign: sd = f64::MAX made the cdf NaN and statrs panic.
        for bounds in [Bounds::NON_NEG, Bounds::at_least(0.0).at_most(3.0)] {
            for sd in [f64::MAX, 1e300] {
                for q in [0.125, 0.375, 0.625, 0.875] {
                    let x = Prior::Normal { mean: 1.0, sd }.quantile(q, bounds);
                    assert!(bounds.contains(x), "{sd} {q}: {x}");
                }
            }
        }
    }
    use crate::engine::stream_rng;

    /// `n` draws of `prior` within `bounds`, sorted.
    fn sorted_draws(prior: Prior, bounds: Bounds, n: usize) -> Vec<f64> {
        let mut rng = stream_rng(42, "prior-test");
        let mut xs: Vec<f64> = (0..n).map(|_| prior.draw(&mut rng, bounds)).collect();
        xs.sort_by(f64::total_cmp);
        xs
    }

    fn empirical(xs: &[f64], q: f64) -> f64 {
        xs[((xs.len() as f64) * q) as usize]
    }

    #[test]
    fn lognormal_median_and_p90_are_recovered_by_sampling() {
        let prior = Prior::Lognormal { median: 0.1, p90: 0.2 };
        let xs = sorted_draws(prior, Bounds::UNIT, 20_000);
        // The sample quantiles of 20,000 draws are within about 2% of the true ones.
        assert!((empirical(&xs, 0.5) / 0.1 - 1.0).abs() < 0.03, "median {}", empirical(&xs, 0.5));
        assert!((empirical(&xs, 0.9) / 0.2 - 1.0).abs() < 0.03, "p90 {}", empirical(&xs, 0.9));
        // Truncation at 1 removes 1e-5 of the mass: it moves the quantiles very little.
        assert!((prior.quantile(0.5, Bounds::UNIT) - 0.1).abs() < 1e-5);
        assert!((prior.quantile(0.9, Bounds::UNIT) - 0.2).abs() < 1e-4);
        assert!((prior.quantile(0.5, Bounds::POSITIVE) - 0.1).abs() < 1e-12, "untruncated, exact");
    }

    #[test]
    fn truncation_to_the_bounds_is_respected() {
        // Half of this normal lies below 1: truncated to [1, inf), every draw is >= 1.
        let normal = Prior::Normal { mean: 1.0, sd: 0.5 };
        let xs = sorted_draws(normal, Bounds::at_least(1.0), 5_000);
        assert!(xs[0] >= 1.0);
        // Its median is that of the upper half: 1 + 0.5 * z(0.75) = 1.337.
        assert!((empirical(&xs, 0.5) - 1.337).abs() < 0.02, "median {}", empirical(&xs, 0.5));
        // A wide lognormal on [0, 1]: never above 1, often close to it.
        let wide = Prior::Lognormal { median: 0.5, p90: 5.0 };
        let xs = sorted_draws(wide, Bounds::UNIT, 5_000);
        assert!(xs[xs.len() - 1] <= 1.0 && empirical(&xs, 0.5) < 0.5);
        // An excluded end is never drawn, even at the extreme quantiles.
        let spike = Prior::Normal { mean: 1.0, sd: 1.0 };
        assert!(spike.quantile(1e-300, Bounds::above(1.0)) > 1.0);
        assert!(spike.quantile(0.999_999, Bounds::above(1.0)).is_finite());
    }

    #[test]
    fn uniform_and_beta_keep_their_moments() {
        let xs = sorted_draws(Prior::Uniform { min: 2.0, max: 3.0 }, Bounds::above(1.0), 10_000);
        assert!(xs[0] >= 2.0 && xs[xs.len() - 1] < 3.0);
        assert!((empirical(&xs, 0.25) - 2.25).abs() < 0.02);
        let beta = Prior::Beta { mean: 0.3, sd: 0.05 };
        let xs = sorted_draws(beta, Bounds::UNIT, 20_000);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt();
        assert!((mean - 0.3).abs() < 0.002 && (sd - 0.05).abs() < 0.002, "mean {mean} sd {sd}");
    }

    #[test]
    fn draws_are_one_uniform_each_and_reproducible() {
        let prior = Prior::Lognormal { median: 0.1, p90: 0.2 };
        let mut a = stream_rng(7, "x");
        let mut b = stream_rng(7, "x");
        let wide = Prior::Lognormal { median: 0.1, p90: 0.4 };
        for _ in 0..100 {
            let (x, y) = (prior.draw(&mut a, Bounds::UNIT), wide.draw(&mut b, Bounds::UNIT));
            // The same uniform number: the wider prior's draw is further from the median, on the same side.
            assert!((x - 0.1) * (y - 0.1) >= 0.0 && (y - 0.1).abs() >= (x - 0.1).abs());
        }
        assert_eq!(Prior::Uniform { min: 1.0, max: 2.0 }.center(), 1.5);
        assert_eq!(Prior::keys("beta"), Some(["mean", "sd"]));
        assert_eq!(Prior::keys("gamma"), None);
        for name in DIST_NAMES {
            assert!(Prior::keys(name).is_some());
        }
    }
}
