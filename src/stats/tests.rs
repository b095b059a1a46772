//! The estimators against functions whose indices are known analytically: Ishigami, Sobol's G,
//! a linear function and a monotone model with an unused input. Seeds are fixed; sample sizes
//! are the usual ones, so the intervals are honest (no seed was searched for).

use std::f64::consts::PI;

use rand::RngExt;

use super::{Estimate, morris, prcc, saltelli};
use crate::engine::stream_rng;

const N_BOOT: usize = 500;

/// Ishigami & Homma's function, a = 7, b = 0.1, on the unit cube mapped to `[−π, π]^3`.
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Ishigami's partial variances (a = 7, b = 0.1): (V, [V1, V2, V3], V13).
fn ishigami_variances() -> (f64, [f64; 3], f64) {
    let (a, b) = (7.0_f64, 0.1_f64);
    let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    (v, [v1, a * a / 8.0, 0.0], v13)
}

/// Sobol's G coefficients used by Saltelli & Sobol' (1995).
const G_A: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

fn g_function(u: &[f64]) -> f64 {
    u.iter().zip(G_A).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product()
}

/// G's analytic first-order and total indices.
fn g_indices() -> (Vec<f64>, Vec<f64>) {
    let vi: Vec<f64> = G_A.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
    let v = vi.iter().map(|x| 1.0 + x).product::<f64>() - 1.0;
    let first = vi.iter().map(|x| x / v).collect();
    let total = vi.iter().map(|x| x * vi.iter().map(|y| 1.0 + y).product::<f64>() / (1.0 + x) / v).collect();
    (first, total)
}

/// Runs a Saltelli design on `f` and analyzes it.
fn sobol_of(f: fn(&[f64]) -> f64, n: usize, k: usize, second_order: bool) -> saltelli::SobolIndices {
    let points = saltelli::sample(n, k, second_order, 2024).unwrap();
    let y: Vec<f64> = points.iter().map(|p| f(p)).collect();
    saltelli::analyze(&y, k, second_order, N_BOOT, 0.95, 7).unwrap()
}

/// Asserts every interval covers its analytic value.
fn assert_covers(what: &str, estimates: &[Estimate], truth: &[f64]) {
    assert_eq!(estimates.len(), truth.len());
    for (i, (e, t)) in estimates.iter().zip(truth).enumerate() {
        assert!(e.covers(*t), "{what}[{i}]: analytic {t:.4} outside {e:?}");
    }
}

#[test]
fn ishigami_sobol_indices_cover_the_analytic_values() {
    let (v, vi, v13) = ishigami_variances();
    let first: Vec<f64> = vi.iter().map(|x| x / v).collect();
    let total = [(vi[0] + v13) / v, vi[1] / v, v13 / v];
    // The reference values of the notes.
    assert!((first[0] - 0.3139).abs() < 1e-4 && (first[1] - 0.4424).abs() < 1e-4);
    assert!((total[0] - 0.5576).abs() < 1e-4 && (total[2] - 0.2437).abs() < 1e-4);
    let r = sobol_of(ishigami, 1 << 13, 3, false);
    assert_covers("ishigami S", &r.first, &first);
    assert_covers("ishigami S_T", &r.total, &total);
    assert!(r.second.is_none());
    // Intervals are informative, not merely wide.
    assert!(r.first.iter().chain(&r.total).all(|e| e.ci_high - e.ci_low < 0.1), "{r:?}");
}

#[test]
fn ishigami_second_order_indices_cover_the_analytic_values() {
    let (v, vi, v13) = ishigami_variances();
    let r = sobol_of(ishigami, 1 << 12, 3, true);
    let second = r.second.clone().unwrap();
    let pairs: Vec<(usize, usize)> = second.iter().map(|(p, _)| *p).collect();
    assert_eq!(pairs, [(0, 1), (0, 2), (1, 2)]);
    let estimates: Vec<Estimate> = second.iter().map(|(_, e)| *e).collect();
    assert_covers("ishigami S_ij", &estimates, &[0.0, v13 / v, 0.0]);
    assert!(estimates[1].ci_low > 0.1, "S_13 is clearly non-zero: {:?}", estimates[1]);
    assert_covers("ishigami S (second-order design)", &r.first, &vi.map(|x| x / v));
}

#[test]
fn g_function_sobol_indices_cover_the_analytic_values() {
    let (first, total) = g_indices();
    let rounded = |v: &[f64], d: f64| v.iter().map(|x| (x * d).round() / d).collect::<Vec<_>>();
    assert_eq!(rounded(&first[..4], 1e3), [0.716, 0.179, 0.024, 0.007]);
    assert_eq!(rounded(&total[..4], 1e3), [0.787, 0.242, 0.034, 0.010]);
    let r = sobol_of(g_function, 1 << 12, 8, false);
    assert_covers("G S", &r.first, &first);
    assert_covers("G S_T", &r.total, &total);
    // The four unimportant factors are told apart from the important ones.
    assert!(r.total[4..].iter().all(|e| e.ci_high < 0.005), "{:?}", &r.total[4..]);
}

#[test]
fn sobol_analysis_is_deterministic_in_its_seed() {
    let points = saltelli::sample(256, 3, false, 1).unwrap();
    let y: Vec<f64> = points.iter().map(|p| ishigami(p)).collect();
    let a = saltelli::analyze(&y, 3, false, 100, 0.9, 5).unwrap();
    assert_eq!(a, saltelli::analyze(&y, 3, false, 100, 0.9, 5).unwrap());
    let b = saltelli::analyze(&y, 3, false, 100, 0.9, 6).unwrap();
    assert_eq!(a.first[0].estimate, b.first[0].estimate, "point estimates do not depend on the seed");
    assert_ne!(a.first[0].ci_low, b.first[0].ci_low, "bootstrap resamples do");
    assert_ne!(y, saltelli::sample(256, 3, false, 2).unwrap().iter().map(|p| ishigami(p)).collect::<Vec<_>>());
}

/// Runs a Morris design (`r` trajectories of `candidates`, 4 levels) on `f` and analyzes it
/// with 95 % intervals.
fn morris_of(f: fn(&[f64]) -> f64, k: usize, r: usize, candidates: usize, seed: u64) -> Vec<morris::MorrisIndices> {
    morris_at(f, k, r, candidates, seed, 0.95)
}

fn morris_at(
    f: fn(&[f64]) -> f64,
    k: usize,
    r: usize,
    candidates: usize,
    seed: u64,
    confidence: f64,
) -> Vec<morris::MorrisIndices> {
    let points = morris::trajectories(k, 4, r, candidates, seed).unwrap();
    let y: Vec<f64> = points.iter().map(|p| f(p)).collect();
    morris::analyze(&points, &y, k, r, N_BOOT, confidence, seed).unwrap()
}

// mu* is a mean of a few discrete, skewed values: its percentile interval covers a little
// less than its nominal level at r = 40 (about 91 % for 95 %, measured over 20 seeds), close to
// it at r = 200. The tests against expected mu* therefore use r = 200 random trajectories and
// 99 % intervals, since several factors are checked at once.

#[test]
fn morris_on_a_linear_function_gives_its_coefficients() {
    fn linear(x: &[f64]) -> f64 {
        3.0 * x[0] - 2.0 * x[1] + 0.5 * x[2]
    }
    let m = morris_of(linear, 3, 10, 40, 3);
    for (i, c) in [3.0, -2.0, 0.5].into_iter().enumerate() {
        assert!((m[i].mu - c).abs() < 1e-12, "mu[{i}] = {}", m[i].mu);
        assert!((m[i].mu_star.estimate - c.abs()).abs() < 1e-12, "mu*[{i}] = {:?}", m[i].mu_star);
        assert!(m[i].sigma < 1e-12, "sigma[{i}] = {}", m[i].sigma);
        assert!((m[i].mu_star.ci_high - m[i].mu_star.ci_low) < 1e-12);
    }
}

#[test]
fn morris_on_the_g_function_ranks_the_factors() {
    // On the 4-level grid each step changes |4x − 2| by 4/3 over Δ = 2/3, so
    // E|EE_i| = 2/(1 + a_i) · Π_{j≠i} (4/3 + a_j)/(1 + a_j).
    let factor = |a: f64| (4.0 / 3.0 + a) / (1.0 + a);
    let expected: Vec<f64> = (0..8)
        .map(|i| 2.0 / (1.0 + G_A[i]) * (0..8).filter(|&j| j != i).map(|j| factor(G_A[j])).product::<f64>())
        .collect();
    // Random trajectories (no selection) visit the four levels equally often, as the formula
    // assumes; the spread ones favour the extreme levels (where g_j is larger), so their mu* is
    // larger, but they rank the factors the same.
    let random = morris_at(g_function, 8, 200, 200, 11, 0.99);
    let mu_star: Vec<Estimate> = random.iter().map(|m| m.mu_star).collect();
    assert_covers("G mu*", &mu_star, &expected);
    let spread = morris_of(g_function, 8, 40, 160, 11);
    let mu_star: Vec<f64> = spread.iter().map(|m| m.mu_star.estimate).collect();
    assert!(mu_star[0] > mu_star[1] && mu_star[1] > mu_star[2] && mu_star[2] > mu_star[3], "{mu_star:?}");
    assert!(mu_star[2] < 0.3 * mu_star[0], "x3 is minor beside x1: {mu_star:?}");
    assert!(mu_star[4..].iter().all(|&v| v < 0.02 * mu_star[0] && v < mu_star[3]), "{mu_star:?}");
}

#[test]
fn morris_on_ishigami_sees_the_interaction_of_x3() {
    // Grid levels −π, −π/3, π/3, π: every step of x2 changes 7 sin² x2 by 7 · 3/4, so
    // |EE_2| = 5.25 / (2/3) exactly; x1's and x3's mean absolute effects follow from the four
    // equally likely levels of the other factor (random trajectories: see the G test).
    let m = morris_at(ishigami, 3, 200, 200, 5, 0.99);
    let sin = (PI / 3.0).sin();
    let x4 = [PI.powi(4), (PI / 3.0).powi(4)];
    let ee1 = 1.5 * sin * (1.0 + 0.1 * (x4[0] + x4[1]) / 2.0);
    let ee3 = 1.5 * 0.1 * (x4[0] - x4[1]) * sin / 2.0;
    assert!((m[1].mu_star.estimate - 7.875).abs() < 1e-9, "{:?}", m[1]);
    assert!((m[1].mu_star.ci_high - m[1].mu_star.ci_low) < 1e-9);
    assert_covers("ishigami mu*", &[m[0].mu_star, m[2].mu_star], &[ee1, ee3]);
    // x3 has no first-order effect (S_3 = 0) but a large elementary effect, through x1.
    assert!(m[2].mu_star.ci_low > 3.0 && m[2].sigma > 0.5 * m[2].mu_star.estimate, "{:?}", m[2]);
}

#[test]
fn morris_is_deterministic_in_its_seed() {
    let a = morris_of(ishigami, 3, 10, 30, 1);
    assert_eq!(a, morris_of(ishigami, 3, 10, 30, 1));
    assert_ne!(a, morris_of(ishigami, 3, 10, 30, 2));
}

#[test]
fn prcc_finds_a_monotone_model_and_no_effect_of_an_unused_input() {
    let mut rng = stream_rng(99, "prcc-test");
    let x: Vec<Vec<f64>> = (0..200).map(|_| (0..3).map(|_| rng.random::<f64>()).collect()).collect();
    let y: Vec<f64> = x.iter().map(|x| x[0] + 0.1 * x[1] + 0.05 * (rng.random::<f64>() - 0.5)).collect();
    let r = prcc::prcc(&x, &y, 0.95).unwrap();
    assert!(r[0].estimate > 0.95 && r[0].ci_low > 0.9, "{:?}", r[0]);
    assert!(r[1].ci_low > 0.3, "x2 matters: {:?}", r[1]);
    assert!(r[2].covers(0.0) && r[2].estimate.abs() < 0.15, "x3 is unused: {:?}", r[2]);
    assert!(r.iter().all(|e| e.ci_low < e.estimate && e.estimate < e.ci_high));
    // Ranks make the coefficient invariant under a monotone transformation of the output.
    let exp_y: Vec<f64> = y.iter().map(|v| v.exp()).collect();
    assert_eq!(r, prcc::prcc(&x, &exp_y, 0.95).unwrap());
}
