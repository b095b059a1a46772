//! Binomial draws, exactly as `rand_distr` 0.6 makes them, without its set-up
//! object.
//!
//! `rand_distr::Binomial` draws `Bin(n, p)` by inversion (BINV) when
//! `n min(p, 1 - p) < 10` and by BTPE otherwise (Kachitvichyanukul and
//! Schmeiser 1988, doi:10.1145/42372.42381). A run draws a fresh `(n, p)` for
//! nearly every binomial, so building a `Binomial` and matching on its method
//! each time cost about a fifth of a draw. [`binomial`] states the same two
//! algorithms over `n` and `p` directly: the same random numbers, taken in the
//! same order, and the same floating-point operations in the same order, so
//! that every draw equals `rand_distr`'s bit for bit and leaves the generator
//! in the same state (tested against it below, on every path of both
//! algorithms). The paths left to `rand_distr` are its Poisson approximation
//! for `p` so small that `1 - p` rounds to 1, and `n` above `2^62`, so that
//! every count here converts to and from `f64` as a signed integer (one
//! instruction).
//!
//! The algorithms and their constants are `rand_distr`'s (MIT or Apache-2.0,
//! like this crate); the comments name the steps of the paper.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};

/// Below this mean `n min(p, 1 - p)` the draw is by inversion (BINV), from it by BTPE.
const BINV_THRESHOLD: f64 = 10.;
/// Above this many steps an inversion starts again (as GSL; about 31 standard deviations).
const BINV_MAX_X: u64 = 110;
/// Distance from the mode beyond which BTPE squeezes before the exact test.
const SQUEEZE_THRESHOLD: u64 = 20;

/// Draws `Bin(n, p)`: `rand_distr`'s draw, bit for bit; exact, and free when
/// `n == 0` or `p` is 0 or 1 (or NaN, which draws 0).
#[inline]
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p.is_nan() {
        return 0;
    }
    draw(rng, n, p)
}

/// The largest `n` [`draw`] takes: every count it converts (at most `n + 1`) is
/// then below `2^63`.
const MAX_N: u64 = 1 << 62;

/// `Bin(n, p)` for `n > 0` and `0 < p < 1`: `Binomial::new(n, p)` and its `sample`.
fn draw<R: Rng + ?Sized>(rng: &mut R, n: u64, p_given: f64) -> u64 {
    if n > MAX_N {
        return Binomial::new(n, p_given).map_or(0, |b| b.sample(rng));
    }
    // The distribution is symmetric under p -> 1 - p.
    let flipped = p_given > 0.5;
    let p = if flipped { 1.0 - p_given } else { p_given };
    let np = to_f64(n) * p;
    let q = 1.0 - p;
    let y = if np < BINV_THRESHOLD {
        if q == 1.0 {
            // `rand_distr`'s Poisson approximation (never flipped): left to it.
            return Binomial::new(n, p_given).map_or(0, |b| b.sample(rng));
        }
        let s = p / q;
        binv(rng, q.powf(to_f64(n)), s, (to_f64(n) + 1.0) * s)
    } else {
        let npq = np * q;
        let p1 = floor(2.195 * npq.sqrt() - 4.6 * q) + 0.5;
        let m = to_u64(np + p);
        btpe(rng, n, p, m, p1)
    };
    if flipped { n - y } else { y }
}

/// BINV: inversion from the probability of 0, `r = q^n`, by the recurrence
/// `f(x) = f(x - 1) (a / x - s)`.
#[inline]
fn binv<R: Rng + ?Sized>(rng: &mut R, r0: f64, s: f64, a: f64) -> u64 {
    'outer: loop {
        let mut r = r0;
        let mut u: f64 = rng.random();
        let mut x = 0;
        while u > r {
            u -= r;
            x += 1;
            if x > BINV_MAX_X {
                continue 'outer;
            }
            r *= a / to_f64(x) - s;
        }
        return x;
    }
}

/// BTPE for `p <= 1/2` with mode `m` and triangle half-width `p1`.
// The names of the paper, and rand_distr's negated comparisons (their NaN behaviour included).
#[allow(clippy::many_single_char_names, clippy::neg_cmp_op_on_partial_ord)]
fn btpe<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64, m: u64, p1: f64) -> u64 {
    // Step 0: constants of `n` and `p`.
    let np = to_f64(n) * p;
    let q = 1. - p;
    let npq = np * q;
    let f_m = np + p;
    // Tip, left and right edges of the triangle.
    let x_m = to_f64(m) + 0.5;
    let x_l = x_m - p1;
    let x_r = x_m + p1;
    let c = 0.134 + 20.5 / (15.3 + to_f64(m));
    // p1 plus the area of the parallelograms.
    let p2 = p1 * (1. + 2. * c);
    let lambda = |a: f64| a * (1. + 0.5 * a);
    let lambda_l = lambda((f_m - x_l) / (f_m - x_l * p));
    let lambda_r = lambda((x_r - f_m) / (x_r * q));
    let p3 = p2 + c / lambda_l;
    let p4 = p3 + c / lambda_r;

    let mut y: u64;
    loop {
        // Step 1: a region; in the triangle, a triangular variate.
        let u = uniform(rng, 0., p4);
        let mut v = uniform(rng, 0., 1.);
        if !(u > p1) {
            y = to_u64(x_m - p1 * v + u);
            break;
        }
        if !(u > p2) {
            // Step 2: the parallelograms.
            let x = x_l + (u - p1) / c;
            v = v * c + 1.0 - (x - x_m).abs() / p1;
            if v > 1. {
                continue;
            }
            y = to_u64(x);
        } else if !(u > p3) {
            // Step 3: the left exponential tail.
            let y_tmp = x_l + v.ln() / lambda_l;
            if y_tmp < 0.0 {
                continue;
            }
            y = to_u64(y_tmp);
            v *= (u - p2) * lambda_l;
        } else {
            // Step 4: the right exponential tail (the conversion saturates).
            y = saturating_u64(x_r - v.ln() / lambda_r);
            if y > n {
                continue;
            }
            v *= (u - p3) * lambda_r;
        }

        // Step 5.0: how to evaluate f(y).
        let k = y.abs_diff(m);
        if !(k > SQUEEZE_THRESHOLD && to_f64(k) < 0.5 * npq - 1.) {
            // Step 5.1: f(y) by the recurrence, from the mode.
            let s = p / q;
            let a = s * (to_f64(n) + 1.);
            let mut f = 1.0;
            if m < y {
                let mut i = m;
                loop {
                    i += 1;
                    f *= a / to_f64(i) - s;
                    if i == y {
                        break;
                    }
                }
            } else if m > y {
                let mut i = y;
                loop {
                    i += 1;
                    f /= a / to_f64(i) - s;
                    if i == m {
                        break;
                    }
                }
            }
            if v > f {
                continue;
            }
            break;
        }

        // Step 5.2: squeeze ln(v) between bounds of ln(f(y)).
        let k = to_f64(k);
        let rho = (k / npq) * ((k * (k / 3. + 0.625) + 1. / 6.) / npq + 0.5);
        let t = -0.5 * k * k / npq;
        let alpha = v.ln();
        if alpha < t - rho {
            break;
        }
        if alpha > t + rho {
            continue;
        }

        // Step 5.3: the final test.
        if final_test_rejects(n, p, q, m, x_m, y, alpha) {
            continue;
        }
        break;
    }
    y
}

/// Step 5.3 of BTPE (with GSL's signs): whether `alpha = ln(v)` is above
/// `ln(f(y) / f(m))`, by Stirling's series. Out of line and cold: it decides
/// about one draw in 30, and its terms of `n` and `m`, which the compiler would
/// otherwise compute before the loop, are then computed for that draw only.
#[cold]
#[inline(never)]
fn final_test_rejects(n: u64, p: f64, q: f64, m: u64, x_m: f64, y: u64, alpha: f64) -> bool {
    let x1 = to_f64(y + 1);
    let f1 = to_f64(m + 1);
    let z = to_f64((n - m) + 1);
    let w = to_f64((n - y) + 1);
    let stirling = |a: f64| {
        let a2 = a * a;
        (13860. - (462. - (132. - (99. - 140. / a2) / a2) / a2) / a2) / a / 166320.
    };
    let y_sub_m = if y > m { to_f64(y - m) } else { -to_f64(m - y) };
    alpha
        > x_m * (f1 / x1).ln()
            + (to_f64(n - m) + 0.5) * (z / w).ln()
            + y_sub_m * (w * p / (x1 * q)).ln()
            + stirling(f1)
            + stirling(z)
            - stirling(x1)
            - stirling(w)
}

/// A draw of `rand`'s `Uniform::new(low, high)` for `low < high`, both finite
/// (52 random bits in [1, 2), moved to [0, 1), scaled): its scale `high - low`
/// needs no reduction when `low` is 0, as here.
#[inline(always)]
fn uniform<R: Rng + ?Sized>(rng: &mut R, low: f64, high: f64) -> f64 {
    debug_assert!(low == 0.0 && high > low && high.is_finite());
    let value1_2 = f64::from_bits((rng.next_u64() >> 12) | 1.0f64.to_bits());
    (value1_2 - 1.0) * (high - low) + low
}

/// `x` as a `u64`, for `0 <= x < 2^63` (`rand_distr` asserts `x < 2^64`; the
/// counts of `n <= MAX_N` are below `2^63`): through a signed conversion, the
/// same value there.
#[inline(always)]
fn to_u64(x: f64) -> u64 {
    debug_assert!((0.0..9_223_372_036_854_775_808.0).contains(&x), "{x}");
    x as i64 as u64
}

/// `x as u64` (saturating: 0 below, `u64::MAX` above, 0 for NaN): through a
/// signed conversion, one instruction, for `0 <= x < 2^63`.
#[inline(always)]
fn saturating_u64(x: f64) -> u64 {
    if (0.0..9_223_372_036_854_775_808.0).contains(&x) { x as i64 as u64 } else { x as u64 }
}

/// `v as f64` for `v < 2^63` (the counts of `n <= MAX_N`): through a signed
/// conversion, one instruction, the same correctly rounded value there.
#[inline(always)]
fn to_f64(v: u64) -> f64 {
    debug_assert!(v <= i64::MAX as u64);
    v as i64 as f64
}

/// `x.floor()`, without a call for `|x| < 2^52` (the target's baseline has no
/// rounding instruction): the truncation, one lower where it rounded up.
/// `-0.0` gives `0.0`, which the caller's `+ 0.5` makes the same.
#[inline(always)]
fn floor(x: f64) -> f64 {
    if x.abs() < 4_503_599_627_370_496.0 {
        let t = x as i64 as f64;
        if t > x { t - 1.0 } else { t }
    } else {
        x.floor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;

    /// Every draw, and the generator's state after it, as `rand_distr` gives them.
    fn check(n: u64, p: f64, draws: usize, seed: u64) {
        let (mut ours, mut theirs) = (stream_rng(seed, "binomial"), stream_rng(seed, "binomial"));
        let reference = Binomial::new(n, p).expect("p in [0, 1]");
        for i in 0..draws {
            let want = if n == 0 || p <= 0.0 { 0 } else { reference.sample(&mut theirs) };
            assert_eq!(binomial(&mut ours, n, p), want, "Bin({n}, {p}), draw {i}, seed {seed}");
            assert_eq!(ours, theirs, "Bin({n}, {p}), draw {i}: the generators diverged");
        }
    }

    #[test]
    fn every_draw_is_rand_distrs() {
        let ps = [
            1e-300,
            1e-17,
            1e-12,
            1e-6,
            5e-5,
            1e-4,
            0.002,
            0.01,
            0.05,
            0.1,
            0.2,
            0.3,
            0.45,
            0.4999,
            0.5,
            0.5001,
            0.55,
            0.7,
            0.9,
            0.99,
            0.9999,
            1.0 - 1e-9,
            1.0 - 1e-15,
            0.0,
            1.0,
        ];
        let ns = [
            0,
            1,
            2,
            3,
            7,
            10,
            19,
            20,
            21,
            33,
            50,
            99,
            100,
            101,
            500,
            1_000,
            4_321,
            10_000,
            77_777,
            1_000_000,
            123_456_789,
            1 << 40,
            1 << 52,
            MAX_N,
            MAX_N + 1,
            1 << 63,
        ];
        for (i, &n) in ns.iter().enumerate() {
            for (j, &p) in ps.iter().enumerate() {
                check(n, p, 60, (i * 100 + j) as u64);
            }
        }
    }

    #[test]
    fn random_parameters_draw_as_rand_distr() {
        let mut params = stream_rng(5, "binomial-parameters");
        for seed in 0..3000 {
            let n = match seed % 3 {
                0 => params.random_range(1..200u64),
                1 => params.random_range(1..100_000u64),
                _ => params.random_range(1..1u64 << 36),
            };
            // Log-uniform p, and its complement.
            let p: f64 = 10f64.powf(-params.random_range(0.0..9.0));
            let p = if seed % 2 == 0 { p } else { 1.0 - p };
            check(n, p, 8, seed);
        }
    }

    #[test]
    fn floor_is_floor() {
        for x in [0.0, 0.5, 0.999, 1.0, 1.5, -0.5, -1.0, -1.5, 2.0f64.powi(52) - 0.5, 1e300, -1e300, 12345.678] {
            assert_eq!(floor(x) + 0.5, x.floor() + 0.5, "{x}");
        }
    }
}
