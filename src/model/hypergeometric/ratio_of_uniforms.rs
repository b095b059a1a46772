//! The ratio-of-uniforms hypergeometric sampler of [`Method::Cheapest`](super::Method::Cheapest),
//! and the table of log-factorials it reads.

use rand::{Rng, RngExt};
use std::sync::OnceLock;

/// Largest population [`ratio_of_uniforms`] is used for: up to it, the
/// log-factorials are within a few units in the last place of values below
/// 3e8, so each acceptance probability is within about 1e-6 of its exact value
/// (rand_distr's own log-factorial approximation is off by up to 1e-4 near 0).
pub(super) const RATIO_OF_UNIFORMS_MAX_POPULATION: u64 = 1 << 24;

/// An exact hypergeometric draw by the ratio-of-uniforms method with the
/// hypergeometric's own bounding rectangle: Stadlober's HRUA* (E. Stadlober, "The
/// ratio of uniforms approach for generating discrete random variates", J. Comput.
/// Appl. Math. 31 (1990) 181-189), the sampler numpy uses for samples above 10
/// (`random_hypergeometric_hrua`). A point `(u, v)` uniform in the rectangle gives the candidate
/// `x = a + h (v - 1/2) / u`, accepted when `u^2 <= P(x) / P(mode)`, so that an
/// accepted `floor(x)` has exactly the hypergeometric law. About 1.4 candidates
/// are drawn per draw (at worst 4, for a variance near 0), each costing four
/// log-factorials from a table and rarely a logarithm, whatever the population
/// and the variance.
///
/// Unlike numpy, candidates are not cut off 16 standard deviations above the
/// mean, only at the support's end, so no value is ever excluded.
///
/// Requires `0 < marked < population` and `0 < n < population`.
pub(super) fn ratio_of_uniforms<R: Rng + ?Sized>(rng: &mut R, population: u64, marked: u64, n: u64) -> u64 {
    // By symmetry, draw from the smaller of the group and its complement, with the
    // smaller of the sample and its complement, then map back.
    let sample = n.min(population - n);
    let (small, large) = (marked.min(population - marked), marked.max(population - marked));
    let total = population as f64;
    let (p, q) = (small as f64 / total, large as f64 / total);
    let a = sample as f64 * p + 0.5;
    let variance = (population - sample) as f64 * sample as f64 * p * q / (total - 1.0);
    let c = (variance + 0.5).sqrt();
    let h = HRUA_D1 * c + HRUA_D2;
    let top = sample.min(small);
    let mode = ((((sample + 1) as f64) * ((small + 1) as f64) / (total + 2.0)) as u64).min(top);
    let ln = ln_factorials();
    // ln(1 / P(x)) up to a constant: P(x) is proportional to 1 / (x! (small-x)! (sample-x)! (large-sample+x)!).
    let weight = |x: u64| {
        ln_factorial(ln, x)
            + ln_factorial(ln, small - x)
            + ln_factorial(ln, sample - x)
            + ln_factorial(ln, large - sample + x)
    };
    let at_mode = weight(mode);
    let end = (top + 1) as f64;
    let x = loop {
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        let candidate = a + h * (v - 0.5) / u;
        // Outside the support (or u = 0): rejected.
        if !(candidate >= 0.0 && candidate < end) {
            continue;
        }
        let x = candidate as u64;
        // ln(P(x) / P(mode)); accept when 2 ln(u) <= it, with two cheaper bounds
        // of 2 ln(u) first: u (4 - u) - 3 above it, u - 1 / u below it.
        let log_ratio = at_mode - weight(x);
        if u * (4.0 - u) - 3.0 <= log_ratio {
            break x;
        }
        if u * (u - log_ratio) >= 1.0 {
            continue;
        }
        if 2.0 * u.ln() <= log_ratio {
            break x;
        }
    };
    let x = if marked > population - marked { sample - x } else { x };
    if sample < n { marked - x } else { x }
}

/// `2 sqrt(2 / e)` and `3 - 2 sqrt(3 / e)`: the half-width of
/// [`ratio_of_uniforms`]'s rectangle is `HRUA_D1 sqrt(variance + 1/2) + HRUA_D2`,
/// which Stadlober shows encloses the hypergeometric's ratio-of-uniforms region.
const HRUA_D1: f64 = 1.715_527_769_921_413_5;
/// See [`HRUA_D1`].
const HRUA_D2: f64 = 0.898_916_162_058_898_8;

/// Entries of the log-factorial table.
const LN_FACTORIAL_TABLE: usize = 1 << 13;

/// `ln(n!)` for `n` below [`LN_FACTORIAL_TABLE`], built on first use.
fn ln_factorials() -> &'static [f64] {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0.0; LN_FACTORIAL_TABLE];
        // Summed exactly enough below 32; Stirling's series beyond (each entry to about 1 ulp).
        for i in 1..LN_FACTORIAL_TABLE {
            table[i] = if i < 32 { table[i - 1] + (i as f64).ln() } else { stirling_ln_factorial(i as f64) };
        }
        table
    })
}

/// `ln(n!)`: from `table` ([`ln_factorials`]) or Stirling's series.
fn ln_factorial(table: &[f64], n: u64) -> f64 {
    match table.get(n as usize) {
        Some(&v) => v,
        None => stirling_ln_factorial(n as f64),
    }
}

/// Stirling's series for `ln(x!)`, `x >= 32`, `(x + 1/2) ln x - x + ln(2 pi) / 2 + 1 / (12 x) - ...`
/// (one logarithm): truncated after the `x^-5` term, its error is below
/// `1 / (1680 x^7)`, under 1e-13 of the smallest value.
fn stirling_ln_factorial(x: f64) -> f64 {
    let (r, r2) = (1.0 / x, 1.0 / (x * x));
    (x + 0.5) * x.ln() - x + HALF_LN_TAU + r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0))
}

/// `ln(2 pi) / 2`.
const HALF_LN_TAU: f64 = 0.918_938_533_204_672_8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;

    /// Exact probabilities of the hypergeometric (population, marked, n), by ratios from 0.
    fn pmf(population: u64, marked: u64, n: u64) -> Vec<f64> {
        let lo = n.saturating_sub(population - marked);
        let mut p = vec![0.0; (n.min(marked) + 1) as usize];
        p[lo as usize] = 1.0;
        for x in lo..n.min(marked) {
            let (k, m, r) = (marked as f64, n as f64, (population - marked) as f64);
            let x = x as f64;
            p[x as usize + 1] = p[x as usize] * (k - x) * (m - x) / ((x + 1.0) * (r - m + x + 1.0));
        }
        let sum: f64 = p.iter().sum();
        p.iter().map(|v| v / sum).collect()
    }

    #[test]
    fn the_ratio_of_uniforms_draws_every_value_with_its_probability() {
        let mut rng = stream_rng(10, "test");
        let reps = 200_000u64;
        for (population, marked, n) in
            [(60u64, 25u64, 20u64), (300, 290, 40), (2500, 875, 508), (50, 2, 30), (1000, 20, 25)]
        {
            let p = pmf(population, marked, n);
            let mut seen = vec![0u64; p.len()];
            for _ in 0..reps {
                seen[ratio_of_uniforms(&mut rng, population, marked, n) as usize] += 1;
            }
            // Pearson's chi-square over the values expected at least 5 times, the rest pooled.
            let (mut chi2, mut cells, mut pooled_seen, mut pooled_p) = (0.0, 0, 0u64, 0.0);
            for (&count, &prob) in seen.iter().zip(&p) {
                let expected = prob * reps as f64;
                if prob == 0.0 {
                    assert_eq!(count, 0, "({population}, {marked}, {n}): a value outside the support was drawn");
                } else if expected >= 5.0 {
                    chi2 += (count as f64 - expected).powi(2) / expected;
                    cells += 1;
                } else {
                    (pooled_seen, pooled_p) = (pooled_seen + count, pooled_p + prob);
                }
            }
            if pooled_p * reps as f64 >= 5.0 {
                let expected = pooled_p * reps as f64;
                chi2 += (pooled_seen as f64 - expected).powi(2) / expected;
                cells += 1;
            }
            // A chi-square with `cells - 1` degrees of freedom exceeds df + 6 sqrt(2 df) + 10 with
            // probability below 1e-6 for these df.
            let df = (cells - 1) as f64;
            assert!(
                chi2 < df + 6.0 * (2.0 * df).sqrt() + 10.0,
                "({population}, {marked}, {n}): chi2 {chi2} on {df} df"
            );
        }
    }

    #[test]
    fn log_factorials_are_accurate_in_the_table_and_beyond() {
        let table = ln_factorials();
        let mut exact = 0.0f64;
        for n in 1..200u64 {
            exact += (n as f64).ln();
            assert!((ln_factorial(table, n) - exact).abs() < 1e-12 * exact.max(1.0), "ln({n}!)");
        }
        // Across the table's end the two ways agree, and ln((n+1)!) - ln(n!) = ln(n + 1), to a few
        // units in the last place of ln(n!).
        let end = LN_FACTORIAL_TABLE as u64;
        for n in [end - 2, end - 1, end, 1 << 20, 1 << 24] {
            let step = ln_factorial(table, n + 1) - ln_factorial(table, n);
            let ulp = f64::EPSILON * ln_factorial(table, n);
            assert!((step - ((n + 1) as f64).ln()).abs() < 4.0 * ulp, "ln({n}!) step {step}");
        }
    }
}
