//! Sobol sensitivity indices: Saltelli's sampling scheme and its estimators.
//!
//! **Sampling** ([`sample`]): the first `N` points of a `2k`-dimensional scrambled Sobol
//! sequence ([`super::sobol_seq`]) give two matrices, `A` (the first `k` coordinates) and `B`
//! (the last `k`). For each base row `j` the sample holds, in this order (as SALib does):
//!
//! ```text
//! A_j, AB_j^(1), ..., AB_j^(k), [BA_j^(1), ..., BA_j^(k)], B_j
//! ```
//!
//! where `AB^(i)` is `A` with column `i` taken from `B`, and `BA^(i)` is `B` with column `i`
//! taken from `A` (only with second-order indices): `N(k + 2)` points, or `N(2k + 2)`.
//!
//! **Estimators** ([`analyze`]), with `f` the outputs centred on the mean `m` of the pooled
//! `A` and `B` outputs and `V` their variance (`2N` values, divisor `2N`):
//!
//! - first order, Saltelli et al. 2010: `S_i = (1/N) Σ_j f(B)_j [f(AB^(i))_j − f(A)_j] / V`;
//! - total, Jansen 1999: `S_Ti = (1/2N) Σ_j [f(A)_j − f(AB^(i))_j]² / V`;
//! - second order, Saltelli 2002 (as SALib): `S_il = (1/N) Σ_j [f(BA^(i))_j f(AB^(l))_j −
//!   f(A)_j f(B)_j] / V − S_i − S_l`.
//!
//! Centring changes no index in expectation and makes the first- and second-order estimates
//! independent of a constant added to the output (raw outputs far from zero make the raw
//! estimator noisy). Confidence intervals are bootstrap percentile intervals: base rows (each
//! with all its points) are resampled with replacement and every index is recomputed.

use super::Estimate;
use super::bootstrap::{check_confidence, check_finite, percentile_interval, resample};
use super::sobol_seq;
use crate::engine::stream_rng;

/// Sobol indices of each factor, in factor order.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SobolIndices {
    /// First-order indices `S_i` (Saltelli et al. 2010).
    pub first: Vec<Estimate>,
    /// Total indices `S_Ti` (Jansen 1999).
    pub total: Vec<Estimate>,
    /// Second-order indices `S_il` for each pair `(i, l)`, `i < l`, in lexicographic order
    /// (Saltelli 2002); `None` unless requested.
    pub second: Option<Vec<((usize, usize), Estimate)>>,
}

/// The number of model runs for `n` base rows and `k` factors: `N(k + 2)`, or `N(2k + 2)` with
/// second-order indices (saturating at `usize::MAX`, which no valid design reaches).
pub fn n_runs(n: usize, k: usize, second_order: bool) -> usize {
    let per_row = if second_order { k.saturating_mul(2) } else { k };
    n.saturating_mul(per_row.saturating_add(2))
}

/// Points per base row.
fn stride(k: usize, second_order: bool) -> usize {
    if second_order { 2 * k + 2 } else { k + 2 }
}

/// Saltelli's sample of `n` base rows for `k` factors: [`n_runs`] points in `[0, 1)^k`, in the
/// block order of the module documentation, from the scrambled Sobol sequence of `seed`.
///
/// Errors unless `k >= 1`, `2k <=` [`sobol_seq::MAX_DIMS`] (so `k <= 128`), and `n` is a power
/// of two no larger than [`sobol_seq::MAX_POINTS`] (a Sobol sequence is balanced only over
/// powers of two).
pub fn sample(n: usize, k: usize, second_order: bool, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    if k == 0 || 2 * k > sobol_seq::MAX_DIMS {
        return Err(format!("Saltelli sampling takes 1 to {} factors, got {k}", sobol_seq::MAX_DIMS / 2));
    }
    if !n.is_power_of_two() || n > sobol_seq::MAX_POINTS {
        return Err(format!("the number of base rows must be a power of two up to {}, got {n}", sobol_seq::MAX_POINTS));
    }
    let base = sobol_seq::points(n, 2 * k, seed)?;
    let mut out = Vec::with_capacity(n_runs(n, k, second_order));
    for row in &base {
        let (a, b) = row.split_at(k);
        out.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            out.push(ab);
        }
        if second_order {
            for i in 0..k {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                out.push(ba);
            }
        }
        out.push(b.to_vec());
    }
    Ok(out)
}

/// Sobol indices of `k` factors from the outputs `y` of a [`sample`] (same `k` and
/// `second_order`, outputs in sample order), with `confidence` bootstrap percentile intervals
/// from `n_boot` resamples of the base rows drawn from `seed` (`n_boot = 0`: NaN bounds).
///
/// A constant output (`V = 0`) has no variance to apportion: every index and bound is then
/// NaN, so the analysis of other outputs can go on and the caller can say why. A bootstrap
/// resample with `V = 0` is left out of the intervals.
///
/// Errors when `k = 0`, `confidence` is outside `(0, 1)`, `y.len()` is not a multiple of the
/// points per base row or gives fewer than 2 base rows, or an output is not finite (naming
/// its row).
pub fn analyze(
    y: &[f64],
    k: usize,
    second_order: bool,
    n_boot: usize,
    confidence: f64,
    seed: u64,
) -> Result<SobolIndices, String> {
    if k == 0 {
        return Err("Sobol indices need at least 1 factor, got 0".into());
    }
    check_confidence(confidence)?;
    let s = stride(k, second_order);
    if !y.len().is_multiple_of(s) || y.len() < 2 * s {
        return Err(format!(
            "{} outputs do not make at least 2 base rows of {s} points ({k} factors{})",
            y.len(),
            if second_order { ", second order" } else { "" }
        ));
    }
    check_finite(y)?;
    let n = y.len() / s;
    let rows: Vec<usize> = (0..n).collect();
    let point = indices(y, k, second_order, &rows);
    let mut boot: Vec<Vec<f64>> = vec![Vec::with_capacity(n_boot); point.len()];
    if point[0].is_finite() {
        let mut rng = stream_rng(seed, "saltelli-bootstrap");
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n_boot {
            resample(&mut rng, n, &mut rows);
            for (column, value) in boot.iter_mut().zip(indices(y, k, second_order, &rows)) {
                column.push(value);
            }
        }
    }
    let mut estimates = point.iter().zip(boot.iter_mut()).map(|(&estimate, values)| {
        let (ci_low, ci_high) = percentile_interval(values, confidence);
        Estimate { estimate, ci_low, ci_high }
    });
    let first = estimates.by_ref().take(k).collect();
    let total = estimates.by_ref().take(k).collect();
    let second = second_order.then(|| pairs(k).zip(estimates).collect());
    Ok(SobolIndices { first, total, second })
}

/// The pairs `(i, l)`, `i < l`, in lexicographic order.
fn pairs(k: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..k).flat_map(move |i| (i + 1..k).map(move |l| (i, l)))
}

/// Every index from the base rows `rows` (with repeats, for a bootstrap resample): `k` first
/// order, `k` total, then (second order) one per pair of [`pairs`]. All NaN when `V = 0`.
fn indices(y: &[f64], k: usize, second_order: bool, rows: &[usize]) -> Vec<f64> {
    let s = stride(k, second_order);
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&j| y[j * s] + y[j * s + s - 1]).sum::<f64>() / (2.0 * n);
    let var =
        rows.iter().map(|&j| (y[j * s] - mean).powi(2) + (y[j * s + s - 1] - mean).powi(2)).sum::<f64>() / (2.0 * n);
    let n_pairs = if second_order { k * (k - 1) / 2 } else { 0 };
    if var.is_nan() || var <= 0.0 {
        return vec![f64::NAN; 2 * k + n_pairs];
    }
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    let mut second = vec![0.0; n_pairs];
    for &j in rows {
        let block = &y[j * s..(j + 1) * s];
        let a = block[0];
        let b = block[s - 1];
        let ab = &block[1..=k];
        for i in 0..k {
            first[i] += (b - mean) * (ab[i] - a);
            total[i] += (a - ab[i]).powi(2);
        }
        if second_order {
            let ba = &block[k + 1..=2 * k];
            let ab_term = (a - mean) * (b - mean);
            for (slot, (i, l)) in second.iter_mut().zip(pairs(k)) {
                *slot += (ba[i] - mean) * (ab[l] - mean) - ab_term;
            }
        }
    }
    let first: Vec<f64> = first.iter().map(|v| v / n / var).collect();
    let mut out = first.clone();
    out.extend(total.iter().map(|v| v / (2.0 * n) / var));
    out.extend(second.iter().zip(pairs(k)).map(|(v, (i, l))| v / n / var - first[i] - first[l]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_sizes_equal_n_runs_and_blocks_share_columns() {
        for (n, k, second_order) in [(8, 1, false), (16, 3, false), (16, 3, true), (4, 128, true)] {
            let pts = sample(n, k, second_order, 5).unwrap();
            assert_eq!(pts.len(), n_runs(n, k, second_order), "n {n} k {k} second {second_order}");
            assert!(pts.iter().all(|p| p.len() == k));
        }
        assert_eq!(n_runs(1024, 8, false), 10_240);
        assert_eq!(n_runs(1024, 8, true), 18_432);
        // Block order of one base row (k = 2, second order): A, AB1, AB2, BA1, BA2, B.
        let p = sample(4, 2, true, 9).unwrap();
        let (a, ab1, ab2, ba1, ba2, b) = (&p[6], &p[7], &p[8], &p[9], &p[10], &p[11]);
        assert_eq!(ab1, &vec![b[0], a[1]]);
        assert_eq!(ab2, &vec![a[0], b[1]]);
        assert_eq!(ba1, &vec![a[0], b[1]]);
        assert_eq!(ba2, &vec![b[0], a[1]]);
        assert!(a[0] != b[0] && a[1] != b[1]);
    }

    #[test]
    fn samples_are_seeded() {
        let a = sample(32, 4, false, 11).unwrap();
        assert_eq!(a, sample(32, 4, false, 11).unwrap());
        assert_ne!(a, sample(32, 4, false, 12).unwrap());
    }

    #[test]
    fn bad_designs_are_refused() {
        assert!(sample(8, 0, false, 1).unwrap_err().contains("got 0"));
        assert!(sample(8, 129, false, 1).unwrap_err().contains("1 to 128 factors, got 129"));
        assert!(sample(12, 2, false, 1).unwrap_err().contains("power of two up to 65536, got 12"));
        assert!(sample(1 << 17, 2, false, 1).is_err());
    }

    #[test]
    fn bad_outputs_are_refused() {
        let y = vec![1.0; 20];
        assert!(analyze(&y, 3, false, 10, 0.95, 1).is_ok());
        assert!(analyze(&y[..19], 3, false, 10, 0.95, 1).unwrap_err().contains("19 outputs"));
        assert!(analyze(&y[..5], 3, false, 10, 0.95, 1).unwrap_err().contains("at least 2 base rows"));
        assert!(analyze(&y, 3, false, 10, 1.5, 1).unwrap_err().contains("confidence"));
        let mut bad = y.clone();
        bad[13] = f64::NAN;
        assert_eq!(
            analyze(&bad, 3, false, 10, 0.95, 1).unwrap_err(),
            "output of row 13 is NaN: every output must be finite"
        );
    }

    #[test]
    fn a_constant_output_has_nan_indices() {
        let r = analyze(&[2.5; 40], 3, true, 10, 0.95, 1).unwrap();
        assert!(r.first.iter().chain(&r.total).all(|e| e.estimate.is_nan() && e.ci_low.is_nan()));
        assert!(r.second.unwrap().iter().all(|(_, e)| e.estimate.is_nan()));
    }

    #[test]
    fn an_additive_function_is_split_exactly_by_variance() {
        // f = x1 + 2 x2 on a large sample: S = (1/5, 4/5), S_T = S, no interaction.
        let n = 4096;
        let y: Vec<f64> = sample(n, 2, true, 3).unwrap().iter().map(|x| x[0] + 2.0 * x[1]).collect();
        let r = analyze(&y, 2, true, 0, 0.95, 1).unwrap();
        for (i, want) in [0.2, 0.8].into_iter().enumerate() {
            assert!((r.first[i].estimate - want).abs() < 0.01, "S_{i} = {:?}", r.first[i]);
            assert!((r.total[i].estimate - want).abs() < 0.01, "S_T{i} = {:?}", r.total[i]);
            assert!(r.first[i].ci_low.is_nan(), "n_boot = 0 gives no interval");
        }
        let second = r.second.unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].0, (0, 1));
        assert!(second[0].1.estimate.abs() < 0.01, "{second:?}");
    }
}
