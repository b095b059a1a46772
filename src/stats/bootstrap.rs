//! Helpers shared by the estimators: input checks, bootstrap resampling and percentile intervals.

use rand::RngExt;

use crate::engine::SimRng;

/// Refuses a confidence level outside `(0, 1)`.
pub(super) fn check_confidence(confidence: f64) -> Result<(), String> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(format!("confidence must be in (0, 1), got {confidence}"))
    }
}

/// Refuses a non-finite output, naming its row (0-based, in run order).
pub(super) fn check_finite(y: &[f64]) -> Result<(), String> {
    match y.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(format!("output of row {row} is {}: every output must be finite", y[row])),
        None => Ok(()),
    }
}

/// Fills `rows` with `n` indices drawn uniformly from `0..n` with replacement.
pub(super) fn resample(rng: &mut SimRng, n: usize, rows: &mut Vec<usize>) {
    rows.clear();
    rows.extend((0..n).map(|_| rng.random_range(0..n)));
}

/// The percentile interval `[q((1 - c)/2), q((1 + c)/2)]` of the finite `values` (linear
/// interpolation between order statistics, as R's type 7); NaN bounds when none is finite.
/// Sorts `values` in place.
pub(super) fn percentile_interval(values: &mut Vec<f64>, confidence: f64) -> (f64, f64) {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    (quantile_sorted(values, tail), quantile_sorted(values, 1.0 - tail))
}

/// The `q`-quantile of sorted, non-empty `values` (type 7).
fn quantile_sorted(values: &[f64], q: f64) -> f64 {
    let h = (values.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(values.len() - 1);
    values[lo] + (h - lo as f64) * (values[hi] - values[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_interval_interpolates_and_skips_non_finite() {
        let mut v: Vec<f64> = (0..=100).rev().map(f64::from).chain([f64::NAN]).collect();
        let (lo, hi) = percentile_interval(&mut v, 0.9);
        assert!((lo - 5.0).abs() < 1e-9 && (hi - 95.0).abs() < 1e-9, "{lo} {hi}");
        let mut v = vec![0.0, 1.0];
        assert_eq!(percentile_interval(&mut v, 0.5), (0.25, 0.75));
        let (lo, hi) = percentile_interval(&mut vec![f64::NAN], 0.9);
        assert!(lo.is_nan() && hi.is_nan());
    }

    #[test]
    fn checks_name_the_culprit() {
        assert!(check_confidence(0.95).is_ok());
        assert!(check_confidence(1.0).unwrap_err().contains("got 1"));
        assert_eq!(
            check_finite(&[1.0, f64::INFINITY]).unwrap_err(),
            "output of row 1 is inf: every output must be finite"
        );
    }
}
