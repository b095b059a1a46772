//! Partial rank correlation coefficients (PRCC) of each input with the output.
//!
//! For a sample of `n` runs of `k` inputs (any design: a Latin hypercube, say), every input
//! column and the output are replaced by their ranks (ties get the average of their ranks).
//! For input `i`, the ranks of `x_i` and of `y` are each regressed by least squares on an
//! intercept and the ranks of the other `k − 1` inputs; the PRCC is the Pearson correlation of
//! the two residuals (Blower & Dowlatabadi 1994; Marino et al. 2008). It measures a monotone
//! association of `x_i` with `y` once the other inputs are accounted for.
//!
//! The residuals come from a Householder QR factorisation of the regressors (stable without
//! forming normal equations). Its guard: a regressor whose part not explained by the earlier
//! ones has a norm below `1e-10` times its own norm is taken as collinear and refused; an
//! output whose residual is below `1e-10` times its ranks' spread about their mean (a constant
//! output, or one the other inputs explain exactly) gets a NaN coefficient.
//!
//! The confidence interval uses Fisher's transformation: `z = atanh(r)` is taken as normal with
//! standard error `1/sqrt(n − 3 − (k − 1))`, and the bounds `tanh(z ± q σ)` come back to the
//! correlation scale (`q` the standard normal quantile of `(1 + confidence)/2`).

use statrs::distribution::{ContinuousCDF, Normal};

use super::Estimate;
use super::bootstrap::{check_confidence, check_finite};

/// Relative norm below which a regressor counts as a combination of the others.
const COLLINEAR_TOLERANCE: f64 = 1e-10;

/// The PRCC of each input (in column order) with `y`, with `confidence` intervals. `x` holds
/// one row per run (`k` inputs each) and `y` one output per run.
///
/// A constant output has no ranks to correlate, and an output whose ranks are explained
/// exactly by the other inputs' leaves no residual: those coefficients are NaN (intervals too).
///
/// Errors when `x` and `y` differ in length, rows differ in length or have no inputs, a value
/// is not finite, `n <= k + 2` (no degrees of freedom left for the interval), an input column
/// is constant or the inputs' ranks are collinear (naming the column), or `confidence` is
/// outside `(0, 1)`.
pub fn prcc(x: &[Vec<f64>], y: &[f64], confidence: f64) -> Result<Vec<Estimate>, String> {
    check_confidence(confidence)?;
    let n = x.len();
    if y.len() != n {
        return Err(format!("{n} input rows but {} outputs", y.len()));
    }
    let k = x.first().map_or(0, Vec::len);
    if k == 0 {
        return Err("PRCC needs at least 1 input column and 1 row".into());
    }
    if let Some(row) = x.iter().position(|r| r.len() != k) {
        return Err(format!("input row {row} has {} values, expected {k}", x[row].len()));
    }
    if let Some((row, col)) = (0..n).flat_map(|r| (0..k).map(move |c| (r, c))).find(|&(r, c)| !x[r][c].is_finite()) {
        return Err(format!("input row {row}, column {col} is {}: every input must be finite", x[row][col]));
    }
    check_finite(y)?;
    if n <= k + 2 {
        return Err(format!("PRCC of {k} inputs needs more than {} runs, got {n}", k + 2));
    }
    let columns: Vec<Vec<f64>> = (0..k).map(|c| ranks(&x.iter().map(|r| r[c]).collect::<Vec<_>>())).collect();
    if let Some(c) = columns.iter().position(|col| col.iter().all(|&v| v == col[0])) {
        return Err(format!("input column {c} is constant"));
    }
    // Refuse collinear inputs once, on all the regressors; every subset is then of full rank.
    let intercept = vec![1.0; n];
    let all: Vec<&[f64]> = std::iter::once(intercept.as_slice()).chain(columns.iter().map(Vec::as_slice)).collect();
    if let Err(j) = Householder::new(&all) {
        return Err(format!("input column {} is (nearly) a linear combination of the columns before it", j - 1));
    }
    let ry = ranks(y);
    // The output's spread about its mean: a residual below the guard's share of it is none.
    let ry_mean = ry.iter().sum::<f64>() / n as f64;
    let ry_spread = norm(&ry.iter().map(|v| v - ry_mean).collect::<Vec<_>>());
    let q = Normal::standard().inverse_cdf((1.0 + confidence) / 2.0);
    let sigma = 1.0 / ((n - k - 2) as f64).sqrt();
    let mut out = Vec::with_capacity(k);
    for (i, column) in columns.iter().enumerate() {
        let regressors: Vec<&[f64]> = all.iter().enumerate().filter(|&(j, _)| j != i + 1).map(|(_, c)| *c).collect();
        let qr = Householder::new(&regressors).map_err(|j| format!("input columns are collinear near column {j}"))?;
        let ey = qr.residual(&ry);
        let r = if ry_spread > 0.0 && norm(&ey) > COLLINEAR_TOLERANCE * ry_spread {
            correlation(&qr.residual(column), &ey)
        } else {
            f64::NAN
        };
        let z = r.clamp(-1.0, 1.0).atanh();
        out.push(Estimate { estimate: r, ci_low: (z - q * sigma).tanh(), ci_high: (z + q * sigma).tanh() });
    }
    Ok(out)
}

/// The ranks (1-based) of `values`, ties given the average of the ranks they share.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let end = (start..order.len()).find(|&e| values[order[e]] != values[order[start]]).unwrap_or(order.len());
        let rank = (start + end + 1) as f64 / 2.0;
        order[start..end].iter().for_each(|&i| out[i] = rank);
        start = end;
    }
    out
}

/// Pearson correlation of two vectors of mean zero (least-squares residuals with an intercept);
/// NaN when either is zero.
fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let dot = |u: &[f64], v: &[f64]| u.iter().zip(v).map(|(x, y)| x * y).sum::<f64>();
    let denominator = (dot(a, a) * dot(b, b)).sqrt();
    if denominator > 0.0 { dot(a, b) / denominator } else { f64::NAN }
}

/// The Householder reflectors of a QR factorisation of `n x p` regressors (`p <= n`).
struct Householder {
    /// Reflector `j` is `I − 2 v vᵀ` with unit `v` zero before entry `j` (stored from `j` on).
    reflectors: Vec<Vec<f64>>,
}

impl Householder {
    /// Factorises the regressors (columns of equal length); `Err(j)` when column `j` is
    /// collinear with the columns before it (see the module's guard).
    fn new(columns: &[&[f64]]) -> Result<Householder, usize> {
        let mut work: Vec<Vec<f64>> = columns.iter().map(|c| c.to_vec()).collect();
        let mut reflectors = Vec::with_capacity(columns.len());
        for j in 0..work.len() {
            let full_norm = norm(columns[j]);
            let tail = &work[j][j..];
            let tail_norm = norm(tail);
            if tail.is_empty() || tail_norm.is_nan() || tail_norm <= COLLINEAR_TOLERANCE * full_norm {
                return Err(j);
            }
            let alpha = if tail[0] > 0.0 { -tail_norm } else { tail_norm };
            let mut v = tail.to_vec();
            v[0] -= alpha;
            let v_norm = norm(&v);
            v.iter_mut().for_each(|x| *x /= v_norm);
            for column in &mut work[j + 1..] {
                reflect(&v, &mut column[j..]);
            }
            reflectors.push(v);
        }
        Ok(Householder { reflectors })
    }

    /// The residual of the least-squares fit of `b` on the regressors: `(I − Q Qᵀ) b`.
    fn residual(&self, b: &[f64]) -> Vec<f64> {
        let mut r = b.to_vec();
        for (j, v) in self.reflectors.iter().enumerate() {
            reflect(v, &mut r[j..]);
        }
        r[..self.reflectors.len()].iter_mut().for_each(|x| *x = 0.0);
        for (j, v) in self.reflectors.iter().enumerate().rev() {
            reflect(v, &mut r[j..]);
        }
        r
    }
}

/// Applies `I − 2 v vᵀ` to `x` in place.
fn reflect(v: &[f64], x: &mut [f64]) {
    let dot: f64 = v.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
    x.iter_mut().zip(v).for_each(|(x, v)| *x -= 2.0 * dot * v);
}

/// Euclidean norm.
fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 5.0, 20.0]), [2.0, 4.0, 4.0, 1.0, 4.0]);
        assert_eq!(ranks(&[3.0, 1.0, 2.0]), [3.0, 1.0, 2.0]);
    }

    #[test]
    fn one_input_gives_spearman_and_its_fisher_interval() {
        // Spearman's rho of this pair is 1 − 6 Σd² / (n(n² − 1)) = 1 − 24/120 = 0.8.
        let x: Vec<Vec<f64>> = [1.0, 2.0, 3.0, 4.0, 5.0].iter().map(|&v| vec![v]).collect();
        let r = prcc(&x, &[2.0, 1.0, 4.0, 3.0, 5.0], 0.95).unwrap();
        assert!((r[0].estimate - 0.8).abs() < 1e-12, "{r:?}");
        // z = atanh 0.8 = 1.0986, σ = 1/sqrt(5 − 3) = 0.7071, q = 1.96: tanh(1.0986 ± 1.3859).
        assert!((r[0].ci_low - (-0.2796)).abs() < 1e-3 && (r[0].ci_high - 0.9861).abs() < 1e-3, "{r:?}");
    }

    #[test]
    fn residuals_are_orthogonal_to_the_regressors() {
        let a = [1.0, 1.0, 1.0, 1.0];
        let b = [1.0, 2.0, 4.0, 8.0];
        let qr = Householder::new(&[&a, &b]).unwrap();
        let e = qr.residual(&[3.0, -1.0, 2.0, 0.5]);
        assert!(e.iter().sum::<f64>().abs() < 1e-12);
        assert!(e.iter().zip(b).map(|(x, y)| x * y).sum::<f64>().abs() < 1e-12);
        // A vector in the span has no residual.
        assert!(qr.residual(&[3.0, 5.0, 9.0, 17.0]).iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn degenerate_inputs_are_refused_or_nan() {
        let x: Vec<Vec<f64>> = (0..8).map(|i| vec![i as f64, (i * i) as f64 % 5.0, 2.0]).collect();
        let y: Vec<f64> = (0..8).map(f64::from).collect();
        assert_eq!(prcc(&x, &y, 0.95).unwrap_err(), "input column 2 is constant");
        let dup: Vec<Vec<f64>> = x.iter().map(|r| vec![r[0], r[1], -r[0]]).collect();
        assert!(prcc(&dup, &y, 0.95).unwrap_err().contains("input column 2 is (nearly) a linear combination"));
        let two: Vec<Vec<f64>> = x.iter().map(|r| vec![r[0], r[1]]).collect();
        assert!(prcc(&two[..4], &y[..4], 0.95).unwrap_err().contains("more than 4 runs, got 4"));
        assert!(prcc(&two[..5], &y[..5], 0.95).is_ok());
        let constant = prcc(&two, &[1.0; 8], 0.95).unwrap();
        assert!(constant.iter().all(|e| e.estimate.is_nan() && e.ci_low.is_nan()), "{constant:?}");
        assert!(prcc(&two, &y[..7], 0.95).unwrap_err().contains("8 input rows but 7 outputs"));
        let mut inf = two.clone();
        inf[3][1] = f64::INFINITY;
        assert!(prcc(&inf, &y, 0.95).unwrap_err().contains("row 3, column 1 is inf"));
    }
}
