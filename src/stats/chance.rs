//! Exact (Clopper-Pearson) one-sided confidence bounds on a probability, for chance
//! constraints: "the probability of a violation is at most `α`" is accepted only when the upper
//! bound after `k` violations in `n` independent replicates is at most `α`.
//!
//! Clopper & Pearson (1934, Biometrika 26(4):404–413): the one-sided upper bound at confidence
//! `c` is the `c` quantile of `Beta(k + 1, n − k)`, the lower bound the `1 − c` quantile of
//! `Beta(k, n − k + 1)`. The edge cases have closed forms, used exactly: `k = 0` gives the upper
//! bound `1 − (1 − c)^(1/n)`, `k = n` the lower bound `(1 − c)^(1/n)`; `k = n` has upper bound 1
//! and `k = 0` lower bound 0. The bounds are conservative: their coverage is at least `c` for
//! every true probability. Several bounds held at once need a Bonferroni correction, which the
//! caller applies to `confidence` (`1 − (1 − c) / K` for `K` bounds).

use statrs::distribution::{Beta, ContinuousCDF};

/// Clopper-Pearson one-sided upper bound on a probability after `k` events in `n` independent
/// trials, at `confidence` in (0, 1): the true probability is at most the bound with
/// probability at least `confidence`. `n = 0` or `k = n` gives 1; `k = 0` gives
/// `1 − (1 − confidence)^(1/n)` exactly (e.g. 0.0495 for `n = 59` at 95 %). Invalid input
/// (`k > n`, `confidence` outside (0, 1)) gives NaN, which compares as "not safe".
pub fn clopper_pearson_upper(k: u64, n: u64, confidence: f64) -> f64 {
    if k > n || !(confidence > 0.0 && confidence < 1.0) {
        return f64::NAN;
    }
    if n == 0 || k == n {
        return 1.0;
    }
    if k == 0 {
        return -((1.0 - confidence).ln() / n as f64).exp_m1();
    }
    beta_quantile(k as f64 + 1.0, (n - k) as f64, confidence)
}

/// Clopper-Pearson one-sided lower bound on a probability after `k` events in `n` independent
/// trials, at `confidence` in (0, 1). `n = 0` or `k = 0` gives 0; `k = n` gives
/// `(1 − confidence)^(1/n)` exactly. Invalid input gives NaN.
pub fn clopper_pearson_lower(k: u64, n: u64, confidence: f64) -> f64 {
    if k > n || !(confidence > 0.0 && confidence < 1.0) {
        return f64::NAN;
    }
    if n == 0 || k == 0 {
        return 0.0;
    }
    if k == n {
        return (1.0 - confidence).powf(1.0 / n as f64);
    }
    beta_quantile(k as f64, (n - k) as f64 + 1.0, 1.0 - confidence)
}

/// The `q` quantile of `Beta(a, b)` (`a, b > 0`, `q` in (0, 1)), NaN if statrs refuses them.
fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    match Beta::new(a, b) {
        Ok(beta) => beta.inverse_cdf(q).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use rand::RngExt;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b}");
    }

    #[test]
    fn edge_cases_are_exact() {
        assert_eq!(clopper_pearson_upper(0, 0, 0.95), 1.0);
        assert_eq!(clopper_pearson_lower(0, 0, 0.95), 0.0);
        assert_eq!(clopper_pearson_upper(7, 7, 0.95), 1.0);
        assert_eq!(clopper_pearson_lower(0, 7, 0.95), 0.0);
        // Rule of three: k = 0, n = 59 at 95 % is just below 5 %.
        let u = clopper_pearson_upper(0, 59, 0.95);
        close(u, 0.0495, 5e-5);
        assert!(u < 0.05);
        close(u, 1.0 - 0.05f64.powf(1.0 / 59.0), 1e-15);
        close(clopper_pearson_lower(10, 10, 0.9), 0.1f64.powf(0.1), 1e-15);
        assert!(clopper_pearson_upper(11, 10, 0.95).is_nan());
        assert!(clopper_pearson_upper(1, 10, 1.0).is_nan());
        assert!(clopper_pearson_lower(1, 10, 0.0).is_nan());
    }

    #[test]
    fn known_values() {
        // R: binom.test(k, n, alternative = "less", conf.level = c)$conf.int[2], i.e.
        // qbeta(c, k + 1, n - k); and "greater": qbeta(1 - c, k, n - k + 1).
        // Closed forms for k = 1: the upper bound u solves (1 - u)^n + n u (1 - u)^(n-1) = 1 - c;
        // for k = n - 1 the lower bound l solves l^n + n l^(n-1) (1 - l) = 1 - c.
        for &(n, c) in &[(10u64, 0.95), (59, 0.95), (120, 0.99), (300, 0.975)] {
            let u = clopper_pearson_upper(1, n, c);
            let nf = n as f64;
            let tail = (1.0 - u).powf(nf) + nf * u * (1.0 - u).powf(nf - 1.0);
            close(tail, 1.0 - c, 1e-9);
            let l = clopper_pearson_lower(n - 1, n, c);
            let tail = l.powf(nf) + nf * l.powf(nf - 1.0) * (1.0 - l);
            close(tail, 1.0 - c, 1e-9);
        }
        // A two-sided 95 % interval is two one-sided 97.5 % bounds: R's binom.test(5, 20)
        // gives [0.0866, 0.4910].
        close(clopper_pearson_lower(5, 20, 0.975), 0.0866, 1e-4);
        close(clopper_pearson_upper(5, 20, 0.975), 0.4910, 1e-4);
        // k = 0, n = 300: ≈ 3/n (rule of three).
        close(clopper_pearson_upper(0, 300, 0.95), 3.0 / 300.0, 2e-4);
    }

    #[test]
    fn bounds_are_monotone_and_ordered() {
        let n = 40;
        let mut last_u = 0.0;
        for k in 0..=n {
            let (l, u) = (clopper_pearson_lower(k, n, 0.95), clopper_pearson_upper(k, n, 0.95));
            let p = k as f64 / n as f64;
            assert!(l <= p && p <= u, "k={k}: {l} {p} {u}");
            assert!(u >= last_u);
            last_u = u;
        }
        assert!(clopper_pearson_upper(3, 50, 0.99) > clopper_pearson_upper(3, 50, 0.9));
    }

    /// Coverage by simulation: for several true probabilities, the upper bound lies above the
    /// truth in at least `confidence` of the replicates (minus a 3-standard-error allowance).
    #[test]
    fn coverage_by_simulation() {
        let mut rng = stream_rng(14, "cp-coverage");
        let replicates = 4000;
        for &(p, n, c) in &[(0.01, 60u64, 0.95), (0.05, 100, 0.95), (0.2, 30, 0.9), (0.5, 25, 0.95)] {
            let mut covered_u = 0;
            let mut covered_l = 0;
            for _ in 0..replicates {
                let k = (0..n).filter(|_| rng.random::<f64>() < p).count() as u64;
                covered_u += usize::from(clopper_pearson_upper(k, n, c) >= p);
                covered_l += usize::from(clopper_pearson_lower(k, n, c) <= p);
            }
            let se = (c * (1.0 - c) / replicates as f64).sqrt();
            for covered in [covered_u, covered_l] {
                let share = covered as f64 / replicates as f64;
                assert!(share >= c - 3.0 * se, "p={p} n={n} c={c}: coverage {share}");
            }
        }
    }
}
