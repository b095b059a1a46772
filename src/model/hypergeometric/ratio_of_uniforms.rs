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
    let ln = tables();
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

/// Bits of the mantissa that index [`Tables::ln_reciprocals`].
const LN_INDEX_BITS: u32 = 7;

/// The tables [`ratio_of_uniforms`] reads, built once per process (about 0.8M
/// instructions, nearly all the 8,192 logarithms of the log-factorial table):
/// a table lookup is several times cheaper than Stirling's series, and the
/// populations of throttled runs mostly fall within it.
struct Tables {
    /// `ln(n!)` for `n` below [`LN_FACTORIAL_TABLE`].
    ln_factorials: Vec<f64>,
    /// For each of the `2^LN_INDEX_BITS` sub-intervals `[1 + j/128, 1 + (j+1)/128)`
    /// of a mantissa, `r`, the reciprocal of its centre rounded to a double, and `-ln(r)`.
    ln_reciprocals: [(f64, f64); 1 << LN_INDEX_BITS],
}

/// The [`Tables`], built on first use.
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut ln_factorials = vec![0.0; LN_FACTORIAL_TABLE];
        // Summed exactly enough below 32; Stirling's series beyond (each entry to about 1 ulp).
        for i in 1..LN_FACTORIAL_TABLE {
            ln_factorials[i] = if i < 32 {
                ln_factorials[i - 1] + (i as f64).ln()
            } else {
                stirling_ln_factorial(i as f64, (i as f64).ln())
            };
        }
        let mut ln_reciprocals = [(0.0, 0.0); 1 << LN_INDEX_BITS];
        for (j, entry) in ln_reciprocals.iter_mut().enumerate() {
            let r = 1.0 / (1.0 + (j as f64 + 0.5) / (1 << LN_INDEX_BITS) as f64);
            *entry = (r, -r.ln());
        }
        Tables { ln_factorials, ln_reciprocals }
    })
}

/// `ln(n!)`: from the table, or Stirling's series with [`fast_ln`] beyond it.
fn ln_factorial(tables: &Tables, n: u64) -> f64 {
    match tables.ln_factorials.get(n as usize) {
        Some(&v) => v,
        None => stirling_ln_factorial(n as f64, fast_ln(tables, n as f64)),
    }
}

/// `ln(x)` for a finite `x >= 32`, to about 1 ulp (an absolute error of about
/// 2e-16), without a library call (the hot part of [`ratio_of_uniforms`] in
/// populations beyond the table, where std's `ln` costs twice as many instructions): `x = 2^e m`, `m` in `[1, 2)`, and
/// `ln(m) = -ln(r) + ln(1 + (m r - 1))` with `r` about `1 / m` from a table, so
/// that `|m r - 1| < 1/256` and seven terms of the series of `ln(1 + t)` leave an
/// error below `2^-67`.
///
/// It may differ from std's `ln` in the last place, so a log-factorial beyond the
/// table may differ from std's by a few units in the last place (about 1e-16
/// relative). A candidate's acceptance then differs only if `2 ln(u)` falls within
/// about 1e-10 of the log-ratio: a draw could change in such a rare boundary case,
/// but both are exact to that precision, so the sampler stays exact.
fn fast_ln(tables: &Tables, x: f64) -> f64 {
    // ln(2) split so that e * LN2_HI is exact (fdlibm's).
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    let bits = x.to_bits();
    let exponent = ((bits >> 52) as i64 - 1023) as f64;
    let mantissa_bits = bits & ((1 << 52) - 1);
    let m = f64::from_bits(mantissa_bits | (1023 << 52));
    let (r, minus_ln_r) = tables.ln_reciprocals[(mantissa_bits >> (52 - LN_INDEX_BITS)) as usize];
    let t = m * r - 1.0;
    let ln1p = t
        * (1.0 + t * (-1.0 / 2.0 + t * (1.0 / 3.0 + t * (-1.0 / 4.0 + t * (1.0 / 5.0 + t * (-1.0 / 6.0 + t / 7.0))))));
    exponent * LN2_HI + (minus_ln_r + (exponent * LN2_LO + ln1p))
}

/// Stirling's series for `ln(x!)`, `x >= 32`, given `ln_x = ln(x)`:
/// `(x + 1/2) ln x - x + ln(2 pi) / 2 + 1 / (12 x) - 1 / (360 x^3) + 1 / (1260 x^5)`.
/// Truncated there, its error is below `1 / (1680 x^7)`, under 1e-13 of the
/// smallest value (the series numpy's `logfactorial` uses beyond 125).
fn stirling_ln_factorial(x: f64, ln_x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    (x + 0.5) * ln_x - x + HALF_LN_TAU + r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0))
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
        let tables = tables();
        let mut exact = 0.0f64;
        for n in 1..200u64 {
            exact += (n as f64).ln();
            assert!((ln_factorial(tables, n) - exact).abs() < 1e-12 * exact.max(1.0), "ln({n}!)");
        }
        // Across the table's end the two ways agree, and ln((n+1)!) - ln(n!) = ln(n + 1), to a few
        // units in the last place of ln(n!).
        let end = LN_FACTORIAL_TABLE as u64;
        for n in [end - 2, end - 1, end, 1 << 20, 1 << 24] {
            let step = ln_factorial(tables, n + 1) - ln_factorial(tables, n);
            let ulp = f64::EPSILON * ln_factorial(tables, n);
            assert!((step - ((n + 1) as f64).ln()).abs() < 4.0 * ulp, "ln({n}!) step {step}");
        }
    }

    /// Against ln(n!) = lgamma(n + 1) from mpmath (40-digit arithmetic), rounded to doubles.
    #[test]
    fn log_factorials_match_a_high_precision_reference() {
        let tables = tables();
        for (n, reference) in [
            (0u64, 0.0),
            (1, 0.0),
            (31, 78.092_223_553_315_3),
            (32, 81.557_959_456_115_04),
            (125, 481.872_979_229_887_96),
            (126, 486.709_261_136_839_4),
            (1000, 5_912.128_178_488_163),
            (8191, 65_621.815_632_944_02),
            (8192, 65_630.826_546_291_31),
            (1_000_000, 12_815_518.384_658_169),
            (1 << 24, 262_320_712.469_789_6),
            (1_000_000_000, 19_723_265_848.226_982),
        ] {
            let got = ln_factorial(tables, n);
            assert!((got - reference).abs() <= 1e-12 * reference, "ln({n}!) = {got}, want {reference}");
        }
    }

    #[test]
    fn the_fast_logarithm_is_within_an_ulp_or_two_of_std() {
        let tables = tables();
        let mut x = 32.0f64;
        while x < 1e12 {
            for y in [x, x + 1.0, x * 1.003_906_25, x.next_down().max(32.0), (x * 1.37).floor()] {
                let (got, want) = (fast_ln(tables, y), y.ln());
                assert!(
                    (got - want).abs() <= 2.0 * f64::EPSILON * want.max(f64::MIN_POSITIVE),
                    "ln({y}): {got} vs {want}"
                );
            }
            x *= 1.013;
        }
        for n in 8000..70_000u64 {
            let (got, want) = (fast_ln(tables, n as f64), (n as f64).ln());
            assert!((got - want).abs() <= 2.0 * f64::EPSILON * want, "ln({n}): {got} vs {want}");
        }
    }
}
