//! The adaptive weighted p-norm distance of ABC-SMC (Prangle 2017; pyabc's
//! `AdaptivePNormDistance`, Klinger, Rickert & Hasenauer 2018), and weighted quantiles.
//!
//! `d(s, s_obs) = (Σ_k |w_k (s_k − s_obs,k)|^p)^{1/p}`, with `w_k = 1 / MAD_k`, the median
//! absolute deviation of summary `k` over every simulation of the last generation (accepted or
//! not). A summary that did not vary in that generation (MAD 0) tells particles apart no
//! better than a constant and gets weight 0; a term where either value is not finite (a
//! summary not defined for that simulation) is left out. Weights are normalised to mean 1 over
//! the summaries that have one, so that distances stay on the scale of one summary's MAD.

/// The weights of an adaptive p-norm distance.
#[derive(Debug, Clone, PartialEq)]
pub struct AdaptivePNorm {
    /// The norm's exponent, `p >= 1`.
    pub p: f64,
    /// One weight per summary.
    pub weights: Vec<f64>,
}

impl AdaptivePNorm {
    /// The distance with weights `1 / MAD` of the summaries `sample` (one vector per simulation).
    pub fn fitted(p: f64, sample: &[&[f64]], n_summaries: usize) -> Self {
        let mut weights: Vec<f64> = (0..n_summaries)
            .map(|k| {
                let mad = median_absolute_deviation(sample.iter().map(|s| s[k]));
                if mad > 0.0 && mad.is_finite() { 1.0 / mad } else { 0.0 }
            })
            .collect();
        let used = weights.iter().filter(|&&w| w > 0.0).count();
        let sum: f64 = weights.iter().sum();
        if used > 0 && sum > 0.0 {
            let scale = used as f64 / sum;
            weights.iter_mut().for_each(|w| *w *= scale);
        }
        Self { p, weights }
    }

    /// `d(s, observed)`.
    pub fn distance(&self, s: &[f64], observed: &[f64]) -> f64 {
        let total: f64 = self
            .weights
            .iter()
            .zip(s.iter().zip(observed))
            .filter(|(w, (a, b))| **w > 0.0 && a.is_finite() && b.is_finite())
            .map(|(w, (a, b))| (w * (a - b)).abs().powf(self.p))
            .sum();
        total.powf(1.0 / self.p)
    }
}

/// The median absolute deviation about the median of the finite values of `xs` (unscaled);
/// 0 for fewer than two.
pub fn median_absolute_deviation(xs: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = xs.filter(|x| x.is_finite()).collect();
    if v.len() < 2 {
        return 0.0;
    }
    let median = median_of(&mut v);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - median).abs()).collect();
    median_of(&mut dev)
}

/// The median of `v` (sorted in place), averaging the two middle values of an even count.
fn median_of(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// The weighted `q` quantile of `values` (weights need not be normalised): the smallest value
/// whose cumulative weight, in increasing order of value, reaches `q` of the total. NaN for no
/// values or no positive weight.
pub fn weighted_quantile(values: &[f64], weights: &[f64], q: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(weights.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    if total.is_nan() || total <= 0.0 {
        return f64::NAN;
    }
    let target = q.clamp(0.0, 1.0) * total;
    let mut cumulative = 0.0;
    for (v, w) in &pairs {
        cumulative += w;
        if cumulative >= target * (1.0 - 1e-12) {
            return *v;
        }
    }
    pairs.last().map_or(f64::NAN, |p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mad_weights_make_summaries_comparable_and_ignore_constants() {
        let sims: Vec<Vec<f64>> = (0..9).map(|i| vec![f64::from(i), 100.0 * f64::from(i), 5.0]).collect();
        let refs: Vec<&[f64]> = sims.iter().map(Vec::as_slice).collect();
        let d = AdaptivePNorm::fitted(2.0, &refs, 3);
        // MAD 2 and 200: weights 1/2 and 1/200, normalised to mean 1 over the two used.
        assert!((d.weights[0] / d.weights[1] - 100.0).abs() < 1e-9 && d.weights[2] == 0.0, "{:?}", d.weights);
        assert!((d.weights[0] + d.weights[1] - 2.0).abs() < 1e-12);
        // One MAD off in each used summary: the same contribution from each.
        let obs = [4.0, 400.0, 0.0];
        let a = d.distance(&[6.0, 400.0, 1e9], &obs);
        let b = d.distance(&[4.0, 600.0, -1e9], &obs);
        assert!((a - b).abs() < 1e-12);
        assert!(d.distance(&[f64::NAN, 400.0, 0.0], &obs) == 0.0, "undefined terms are left out");
    }

    #[test]
    fn weighted_quantiles() {
        let v = [3.0, 1.0, 2.0, 4.0];
        assert_eq!(weighted_quantile(&v, &[1.0; 4], 0.5), 2.0);
        assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 0.0, 1.0], 0.5), 4.0);
        assert_eq!(weighted_quantile(&v, &[1.0, 0.0, 0.0, 0.0], 0.5), 3.0);
        assert_eq!(weighted_quantile(&v, &[1.0; 4], 1.0), 4.0);
        assert_eq!(weighted_quantile(&v, &[1.0; 4], 0.0), 1.0);
        assert!(weighted_quantile(&[], &[], 0.5).is_nan());
        assert_eq!(median_absolute_deviation([1.0, 2.0, 3.0, 4.0, 100.0].into_iter()), 1.0);
    }
}
