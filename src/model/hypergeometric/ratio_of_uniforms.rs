//! The ratio-of-uniforms hypergeometric sampler of [`Method::Cheapest`](super::Method::Cheapest)
//! (Stadlober's HRUA*), the bounds that decide nearly all of its acceptance tests
//! in large populations, and the log-factorials of its exact tests.

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
/// (`random_hypergeometric_hrua`). A point `(u, v)` uniform in the rectangle gives
/// the candidate `x = a + h (v - 1/2) / u`, accepted when `2 ln(u) <= T(x)`, where
/// `T(x) = ln(P(x) / P(mode))`, so that an accepted `floor(x)` has exactly the
/// hypergeometric law. About 1.4 candidates are drawn per draw (at worst 4, for a
/// variance near 0). Unlike numpy, candidates are not cut off 16 standard
/// deviations above the mean, only at the support's end, so no value is ever excluded.
///
/// `2 ln(u)` is first compared through its bounds `u - 1/u <= 2 ln(u) <= u (4 - u) - 3`.
/// `T(x)` takes four log-factorials: in populations within the table of
/// log-factorials (below 8,192), four reads. Beyond it, where each would take a
/// logarithm, `T(x)` is first bounded from both sides by [`LogRatioBounds`] (a few
/// multiplications), which decides the test unless `2 ln(u)` falls between the
/// bounds: for about 1 candidate in 200 (a variance of a thousand) to 1 in 30 (a
/// variance of 20). Either way the decisions are those of the exact test.
///
/// Requires `2 <= min(group, sample)`, `2 max(group, sample) <= population` and
/// `population <= RATIO_OF_UNIFORMS_MAX_POPULATION` (the caller draws the
/// complements otherwise); returns how many of the `group` the `sample` holds.
pub(super) fn ratio_of_uniforms<R: Rng + ?Sized>(rng: &mut R, population: u64, group: u64, sample: u64) -> u64 {
    debug_assert!(group.min(sample) >= 2 && 2 * group.max(sample) <= population);
    debug_assert!(population <= RATIO_OF_UNIFORMS_MAX_POPULATION);
    let other = population - group;
    let (total, k, s) = (float(population), float(group), float(sample));
    let a = s * k / total + 0.5;
    let variance = (total - s) * s * k * float(other) / (total * total * (total - 1.0));
    let h = HRUA_D1 * (variance + 0.5).sqrt() + HRUA_D2;
    let top = sample.min(group);
    // floor((sample + 1)(group + 1) / (population + 2)): the products are exact, and the
    // quotient, if not an integer, is at least 1 / (population + 2) from one.
    let mode = ((float(sample + 1) * float(group + 1) / float(population + 2)) as i64 as u64).min(top);
    let end = float(top + 1);
    let table = ln_factorials();
    let weight = |x: u64| ln_weight(table, group, other, sample, x);
    // The candidate's quotient is taken before `h` is known (it does not wait for the square root).
    let mut candidate = || loop {
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        let candidate = a + (v - 0.5) / u * h;
        // Outside the support (or u = 0): rejected.
        if candidate >= 0.0 && candidate < end {
            break (u, candidate as i64 as u64);
        }
    };
    if population < LN_FACTORIAL_TABLE as u64 {
        // Every log-factorial is a read (in bounds: all the arguments are below the population).
        let ln_factorial = |n: u64| table[n as usize];
        let weight = |x: u64| {
            -(ln_factorial(x) + ln_factorial(group - x) + ln_factorial(sample - x) + ln_factorial(other - sample + x))
        };
        let at_mode = weight(mode);
        loop {
            let (u, x) = candidate();
            let log_ratio = weight(x) - at_mode;
            if u * (4.0 - u) - 3.0 <= log_ratio {
                return x;
            }
            if u * (u - log_ratio) >= 1.0 {
                continue;
            }
            if 2.0 * u.ln() <= log_ratio {
                return x;
            }
        }
    }
    let bounds = LogRatioBounds::new(k, s, float(other - sample), mode);
    let mut at_mode = None;
    loop {
        let (u, x) = candidate();
        let test = bounds.at(x);
        if test.surely_below(u * (4.0 - u) - 3.0) {
            return x;
        }
        if test.surely_above_times_u(u) {
            continue;
        }
        let two_ln_u = 2.0 * u.ln();
        if test.surely_below(two_ln_u) {
            return x;
        }
        if test.surely_above(two_ln_u) {
            continue;
        }
        let at_mode = *at_mode.get_or_insert_with(|| weight(mode));
        if two_ln_u <= weight(x) - at_mode {
            return x;
        }
    }
}

/// `2 sqrt(2 / e)` and `3 - 2 sqrt(3 / e)`: the half-width of
/// [`ratio_of_uniforms`]'s rectangle is `HRUA_D1 sqrt(variance + 1/2) + HRUA_D2`,
/// which Stadlober shows encloses the hypergeometric's ratio-of-uniforms region.
const HRUA_D1: f64 = 1.715_527_769_921_413_5;
/// See [`HRUA_D1`].
const HRUA_D2: f64 = 0.898_916_162_058_898_8;

/// `x` as a double by the signed conversion, one instruction where the unsigned
/// one takes several; exact for every count here (below 2^53).
fn float(x: u64) -> f64 {
    x as i64 as f64
}

/// `ln P(x)` up to a constant, `-ln(x! (group - x)! (sample - x)! (other - sample + x)!)`,
/// for the hypergeometric of `group` marked items and `other` unmarked ones,
/// sampled `sample` times, with the log-factorials below the table's end read from `table`.
fn ln_weight(table: &[f64], group: u64, other: u64, sample: u64, x: u64) -> f64 {
    let ln_factorial = |n: u64| match table.get(n as usize) {
        Some(&v) => v,
        None => stirling_ln_factorial(float(n)),
    };
    -(ln_factorial(x) + ln_factorial(group - x) + ln_factorial(sample - x) + ln_factorial(other - sample + x))
}

/// Bounds of `T(x) = ln(P(x) / P(m))` about the mode `m` of the hypergeometric of
/// `k` marked items and a sample of `s`, with `c = population - k - s` (so that
/// `P(x)` is proportional to `1 / (x! (k-x)! (s-x)! (c+x)!)`), from two facts:
///
/// - the ratio `r(y) = P(y + 1) / P(y) = (k - y)(s - y) / ((y + 1)(c + y + 1))` gives
///   `T(m + d) = sum_{j < d} ln r(m + j)` and `T(m - e) = -sum_{1 <= j <= e} ln r(m - j)`;
/// - its decrements `D(y) = ln r(y) - ln r(y + 1)`, the sum of `ln(1 + 1/z)` over
///   `z = k-y-1, s-y-1, y+1, c+y+1`, are positive, and each term is between
///   `1/(z + 1)` and `1/z`, each monotonic in `y`.
///
/// So `T(m + d) = d ln r(m) - (d(d-1)/2 decrements at y in [m, m+d-2])` and
/// `T(m - e) = -e ln r(m) - (e(e+1)/2 decrements at y in [m-e, m-1])`, each decrement
/// between the smallest and the largest of its term bounds over the range, and
/// `ln r(m)` between `1 - 1/r(m)` and `r(m) - 1`. The bounds' gap is about
/// `|x - m|^3 / (2 m^2)`, small where the candidates fall when the variance is large.
struct LogRatioBounds {
    k: f64,
    s: f64,
    c: f64,
    m: f64,
    /// `1 - 1/r(m)` and `r(m) - 1`, the bounds of `ln r(m)`.
    ln_r: (f64, f64),
    /// `1/(k - m) + 1/(s - m)`: the terms of a decrement that grow with `y`, at `y = m - 1`.
    above: f64,
    /// `1/(m + 1) + 1/(c + m + 1)`: the terms of a decrement that shrink with `y`, at `y = m`.
    below: f64,
}

impl LogRatioBounds {
    /// The bounds about the mode `m` of the hypergeometric of `k`, `s` and `c`
    /// (as above; `m < min(k, s)`, as it is when `min(k, s) >= 2` and `k, s <= c + min(k, s)`).
    fn new(k: f64, s: f64, c: f64, mode: u64) -> Self {
        let m = float(mode);
        // r(m) = ra / rb, both positive.
        let (ra, rb) = ((k - m) * (s - m), (m + 1.0) * (c + m + 1.0));
        let (inv_ra, inv_rb) = (1.0 / ra, 1.0 / rb);
        Self {
            k,
            s,
            c,
            m,
            ln_r: ((ra - rb) * inv_ra, (ra - rb) * inv_rb),
            above: (k + s - 2.0 * m) * inv_ra,
            below: (c + 2.0 * m + 2.0) * inv_rb,
        }
    }

    /// The bounds of `T(x)` (at `x = m`, both 0), each as `p - pairs (constant + 1/a + 1/b)`,
    /// kept as fractions so that testing against them takes no division.
    fn at(&self, x: u64) -> BoundsAt {
        let xf = float(x);
        let up = xf > self.m;
        let d = (xf - self.m).abs();
        let pairs = if up { d * (d - 1.0) } else { d * (d + 1.0) } * 0.5;
        let (ln_r_lower, ln_r_upper) = if up { self.ln_r } else { (-self.ln_r.1, -self.ln_r.0) };
        // The largest decrement over the range (for the lower bound of T), then the smallest.
        let (lower_constant, lower_a, lower_b) = if up {
            (self.below, self.k - xf + 1.0, self.s - xf + 1.0)
        } else {
            (self.above, xf + 1.0, self.c + xf + 1.0)
        };
        let (upper_constant, upper_a, upper_b) =
            if up { (self.above, xf, self.c + xf) } else { (self.below, self.k - xf, self.s - xf) };
        BoundsAt {
            lower: Fraction::bound(d * ln_r_lower, pairs, lower_constant, lower_a, lower_b),
            upper: Fraction::bound(d * ln_r_upper, pairs, upper_constant, upper_a, upper_b),
        }
    }
}

/// The bounds of `T(x)` at one candidate.
struct BoundsAt {
    lower: Fraction,
    upper: Fraction,
}

impl BoundsAt {
    /// Whether `z <= lower <= T(x)`.
    fn surely_below(&self, z: f64) -> bool {
        self.lower.at_least(z)
    }

    /// Whether `z > upper >= T(x)`.
    fn surely_above(&self, z: f64) -> bool {
        !self.upper.at_least(z)
    }

    /// Whether `u (u - upper) >= 1`, so that `2 ln(u) >= u - 1/u > upper >= T(x)`.
    fn surely_above_times_u(&self, u: f64) -> bool {
        // u (u - (p - q/r)) >= 1  <=>  u ((u - p) r + q) >= r
        let Fraction { p, q, r } = self.upper;
        u * ((u - p) * r + q) >= r
    }
}

/// `p - q / r` with `r > 0`.
#[derive(Clone, Copy)]
struct Fraction {
    p: f64,
    q: f64,
    r: f64,
}

impl Fraction {
    /// `p - pairs (constant + 1/a + 1/b)`, `a, b > 0`.
    fn bound(p: f64, pairs: f64, constant: f64, a: f64, b: f64) -> Self {
        Self { p: p - pairs * constant, q: pairs * (a + b), r: a * b }
    }

    /// Whether `z <= p - q / r`.
    fn at_least(self, z: f64) -> bool {
        (z - self.p) * self.r <= -self.q
    }
}

/// Entries of the log-factorial table.
const LN_FACTORIAL_TABLE: usize = 1 << 13;

/// `ln(n!)` for `n` below [`LN_FACTORIAL_TABLE`], built on first use (about 0.8M
/// instructions, nearly all the 8,192 logarithms): a read is several times
/// cheaper than Stirling's series, and the cohorts of throttled runs are mostly
/// smaller than it.
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

/// Stirling's series for `ln(x!)`, `x >= 32`:
/// `(x + 1/2) ln x - x + ln(2 pi) / 2 + 1 / (12 x) - 1 / (360 x^3) + 1 / (1260 x^5)`.
/// Truncated there, its error is below `1 / (1680 x^7)`, under 1e-13 of the
/// smallest value (the series numpy's `logfactorial` uses beyond 125).
fn stirling_ln_factorial(x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    (x + 0.5) * x.ln() - x + HALF_LN_TAU + r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0))
}

/// `ln(2 pi) / 2`.
const HALF_LN_TAU: f64 = 0.918_938_533_204_672_8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use crate::model::hypergeometric::tests::{assert_chi_square_fits, pmf};

    /// Draws of `(population, marked, n)` by the ratio of uniforms, on the
    /// smaller of the group and its complement and of the sample and its complement.
    fn draw(rng: &mut crate::engine::SimRng, population: u64, marked: u64, n: u64) -> u64 {
        let (group, sample) = (marked.min(population - marked), n.min(population - n));
        let x = ratio_of_uniforms(rng, population, group, sample);
        let x = if marked > population - marked { sample - x } else { x };
        if n > population - n { marked - x } else { x }
    }

    #[test]
    fn the_ratio_of_uniforms_draws_every_value_with_its_probability() {
        let mut rng = stream_rng(10, "test");
        let reps = 200_000u64;
        // Within the table of log-factorials (exact tests), then beyond it (tests decided by bounds):
        // small and large variances, modes near 0 and far from it.
        for (population, marked, n) in [
            (60u64, 25u64, 20u64),
            (300, 290, 40),
            (2500, 875, 508),
            (1000, 20, 25),
            (7499, 2624, 150),
            (10_000, 17, 5000),
            (100_000, 5000, 30),
            (100_000, 40, 60),
            (20_000, 9000, 400),
            (283_333, 170_833, 38_284),
        ] {
            let seen = (0..reps).fold(vec![0u64; (n.min(marked) + 1) as usize], |mut seen, _| {
                seen[draw(&mut rng, population, marked, n) as usize] += 1;
                seen
            });
            assert_chi_square_fits(&seen, &pmf(population, marked, n), &format!("({population}, {marked}, {n})"));
        }
    }

    /// `T(x)` by the log-factorials, against the bounds, over every value of
    /// the support (or a band about the mode and both ends) of many draws.
    #[test]
    fn the_bounds_enclose_the_log_ratio_everywhere() {
        let mut rng = stream_rng(3, "test");
        let mut cases =
            vec![(20u64, 2u64, 3u64), (1000, 17, 500), (30_000, 15_000, 15_000), (283_333, 112_500, 38_284)];
        for _ in 0..300 {
            let population = rng.random_range(4..200_000u64);
            let group = rng.random_range(2..=population / 2);
            let sample = rng.random_range(2..=population / 2);
            cases.push((population, group, sample));
        }
        for (population, group, sample) in cases {
            let (k, s, c) = (float(group), float(sample), float(population - group - sample));
            let top = group.min(sample);
            let mode = ((float(sample + 1) * float(group + 1) / float(population + 2)) as u64).min(top);
            let bounds = LogRatioBounds::new(k, s, c, mode);
            let weight = |x| ln_weight(ln_factorials(), group, population - group, sample, x);
            let at_mode = weight(mode);
            let xs: Vec<u64> = if top < 400 {
                (0..=top).collect()
            } else {
                (0..100).chain(mode.saturating_sub(150)..(mode + 150).min(top)).chain(top - 100..=top).collect()
            };
            for x in xs {
                let exact = weight(x) - at_mode;
                let at = bounds.at(x);
                let (lower, upper) = (at.lower.p - at.lower.q / at.lower.r, at.upper.p - at.upper.q / at.upper.r);
                // The log-factorials' own rounding: a few units in the last place of the largest.
                let slack = 1e-12 * (1.0 + weight(0).abs());
                let case = format!("({population}, {group}, {sample}) at {x} (mode {mode})");
                assert!(lower <= exact + slack && exact <= upper + slack, "{case}: {lower} <= {exact} <= {upper}");
                assert!(lower <= upper, "{case}");
                if x == mode {
                    assert_eq!((lower, upper), (0.0, 0.0), "{case}");
                }
            }
        }
    }

    fn ln_factorial(n: u64) -> f64 {
        -ln_weight(ln_factorials(), n, 0, 0, 0)
    }

    #[test]
    fn log_factorials_are_accurate_in_the_table_and_beyond() {
        let mut exact = 0.0f64;
        for n in 1..200u64 {
            exact += (n as f64).ln();
            assert!((ln_factorial(n) - exact).abs() < 1e-12 * exact.max(1.0), "ln({n}!)");
        }
        // Across the table's end the two ways agree, and ln((n+1)!) - ln(n!) = ln(n + 1), to a few
        // units in the last place of ln(n!).
        let end = LN_FACTORIAL_TABLE as u64;
        for n in [end - 2, end - 1, end, 1 << 20, 1 << 24] {
            let step = ln_factorial(n + 1) - ln_factorial(n);
            let ulp = f64::EPSILON * ln_factorial(n);
            assert!((step - ((n + 1) as f64).ln()).abs() < 4.0 * ulp, "ln({n}!) step {step}");
        }
    }

    /// Against ln(n!) = lgamma(n + 1) from mpmath (40-digit arithmetic), rounded to doubles.
    #[test]
    fn log_factorials_match_a_high_precision_reference() {
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
            let got = ln_factorial(n);
            assert!((got - reference).abs() <= 1e-12 * reference, "ln({n}!) = {got}, want {reference}");
        }
    }
}
