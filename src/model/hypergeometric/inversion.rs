//! The inversion sampler of [`Method::Cheapest`](super::Method::Cheapest) for
//! draws with a short support or a small mode: HIN, Kachitvichyanukul and
//! Schmeiser's inverse transform from 0 ("Computer generation of hypergeometric
//! random variates", J. Statist. Comput. Simul. 22 (1985) 127-145), the method
//! rand_distr uses for the same draws.

use rand::{Rng, RngExt};

/// Factors of `P(0)` multiplied before one division, so that neither product
/// can overflow (each factor is below 2^34 for lists up to 10^10).
const FACTORS_PER_DIVISION: u64 = 16;

/// An exact hypergeometric draw by inversion: one uniform `u`, then `P(0)`,
/// `P(1)`, ... (each from the one before by the ratio of consecutive
/// probabilities) are subtracted from `u` until it falls below one, whose value
/// is drawn. The set-up, `P(0)` as a product of `min(group, sample)` ratios,
/// and the search, about `1 + group * sample / population` steps, are both
/// short where this sampler is used: `min(group, sample)` at most 16 (so a mean
/// at most 8), or a mode below 10 (rand_distr's test for the same method).
///
/// Requires `0 < group <= population / 2` and `0 < sample <= population / 2`
/// (the caller draws the complements otherwise); returns how many of the
/// `group` the `sample` holds.
pub(super) fn inversion<R: Rng + ?Sized>(rng: &mut R, population: u64, group: u64, sample: u64) -> u64 {
    let (walk, other) = (group.min(sample), group.max(sample));
    // P(0) = C(N - other, walk) / C(N, walk) = prod_{i < walk} (N - other - i) / (N - i).
    let mut p = 1.0;
    let mut i = 0;
    while i < walk {
        let (mut numerator, mut denominator) = (1.0, 1.0);
        for j in i..walk.min(i + FACTORS_PER_DIVISION) {
            numerator *= (population - other - j) as f64;
            denominator *= (population - j) as f64;
        }
        p *= numerator / denominator;
        i += FACTORS_PER_DIVISION;
    }
    // P(x + 1) / P(x) = (group - x)(sample - x) / ((x + 1)(rest + x + 1)).
    let (g, s, rest) = (group as f64, sample as f64, (population - group - sample) as f64);
    let mut u: f64 = rng.random();
    let mut x = 0;
    while u > p && x < walk {
        u -= p;
        let xf = x as f64;
        p *= (g - xf) * (s - xf) / ((xf + 1.0) * (rest + xf + 1.0));
        x += 1;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use crate::model::hypergeometric::tests::{assert_chi_square_fits, pmf};

    #[test]
    fn the_inversion_draws_every_value_with_its_probability() {
        let mut rng = stream_rng(11, "test");
        let reps = 200_000u64;
        // Short supports (a group or sample of at most 16), and small modes in large populations,
        // where P(0) is a product of several blocks of factors.
        for (population, group, sample) in [
            (2u64, 1u64, 1u64),
            (50, 2, 25),
            (1000, 16, 400),
            (1000, 400, 16),
            (165, 25, 31),
            (10_000_000_000, 3_000, 7),
            (100_000_000, 40_000, 300),
            (1_000_000, 16, 500_000),
        ] {
            let seen = (0..reps).fold(vec![0u64; (group.min(sample) + 1) as usize], |mut seen, _| {
                seen[inversion(&mut rng, population, group, sample) as usize] += 1;
                seen
            });
            assert_chi_square_fits(
                &seen,
                &pmf(population, group, sample),
                &format!("({population}, {group}, {sample})"),
            );
        }
    }
}
