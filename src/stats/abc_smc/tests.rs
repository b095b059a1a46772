//! ABC-SMC on models with known posteriors: a normal mean with known variance (conjugate), its
//! data split into two summaries on scales 1000 apart (which only an adaptive distance weighs
//! alike), a prior with bounded support, determinism across thread counts, and the stops.

use super::*;
use rand_distr::{Distribution, Normal};

/// `N(0, sd²)` on the mean, optionally restricted to `[0, ∞)` (half-normal).
struct MeanPrior {
    sd: f64,
    positive: bool,
}

impl AbcPrior for MeanPrior {
    fn dim(&self) -> usize {
        1
    }
    fn sample(&self, rng: &mut SimRng) -> Vec<f64> {
        let x: f64 = Normal::new(0.0, self.sd).expect("sd > 0").sample(rng);
        vec![if self.positive { x.abs() } else { x }]
    }
    fn log_density(&self, theta: &[f64]) -> f64 {
        if self.positive && theta[0] < 0.0 {
            return f64::NEG_INFINITY;
        }
        -0.5 * (theta[0] / self.sd).powi(2)
    }
}

/// Two halves of `2 m` observations `N(μ, 1)`: their means, the second times 1000.
fn simulate(theta: &[f64], cand: &Candidate, m: usize) -> Result<Vec<f64>, String> {
    let mut rng = stream_rng(cand.seed, "test-data");
    let noise = Normal::new(0.0, 1.0 / (m as f64).sqrt()).map_err(|e| e.to_string())?;
    Ok(vec![theta[0] + noise.sample(&mut rng), 1000.0 * (theta[0] + noise.sample(&mut rng))])
}

fn weighted_mean_sd(g: &Generation) -> (f64, f64) {
    let mean: f64 = g.particles.iter().map(|p| p.weight * p.theta[0]).sum();
    let var: f64 = g.particles.iter().map(|p| p.weight * (p.theta[0] - mean).powi(2)).sum();
    (mean, var.sqrt())
}

fn settings(seed: u64) -> Settings {
    Settings { population_size: 400, max_generations: 9, max_simulations: 200_000, seed, ..Settings::default() }
}

#[test]
fn every_transition_recovers_the_same_posterior() {
    let prior = MeanPrior { sd: 1.0, positive: false };
    for transition in [Transition::Beaumont, Transition::Gaussian { scale: 1.2 }] {
        let s = Settings { transition, ..settings(8) };
        let out = run(&prior, &[0.7, 900.0], &s, |t, c| simulate(t, c, 10), &mut |_| {}).expect("runs");
        let (mean, sd) = weighted_mean_sd(out.posterior());
        assert!((mean - 0.7619).abs() < 0.045 && (sd / 0.2182 - 1.0).abs() < 0.15, "{transition:?}: {mean} {sd}");
    }
}

#[test]
fn recovers_the_conjugate_posterior_of_a_normal_mean() {
    // Prior N(0, 1), 20 observations N(μ, 1) with mean 0.8 (halves 0.7 and 0.9): the posterior
    // is N(20 · 0.8 / 21, 1 / 21) = N(0.7619, 0.2182²).
    let observed = [0.7, 900.0];
    let prior = MeanPrior { sd: 1.0, positive: false };
    let out = run(&prior, &observed, &settings(7), |t, c| simulate(t, c, 10), &mut |_| {}).expect("runs");
    let last = out.posterior();
    let (mean, sd) = weighted_mean_sd(last);
    // Monte Carlo error of the mean: 0.22 / sqrt(ESS ≈ 300) ≈ 0.013 (over seeds 1-12 the means
    // were 0.735-0.780, sd 0.014; the sds 0.205-0.244); the final tolerance adds
    // a little width (about ε² / 4 to the variance of a uniform disk of radius ε).
    assert!((mean - 0.7619).abs() < 0.045, "posterior mean {mean}");
    assert!((sd / 0.2182 - 1.0).abs() < 0.15, "posterior sd {sd}");
    // Both summaries count: on the raw scale, the second (x1000) alone would give sd 1/sqrt(11) = 0.30.
    let w = &last.distance_weights;
    assert!((w[0] / w[1] / 1000.0 - 1.0).abs() < 0.3, "distance weights {w:?}");
    // Tolerances shrink, generation 0 is the prior, every particle is within its tolerance.
    assert!(out.generations[0].epsilon.is_infinite());
    assert!(out.generations.windows(2).all(|g| g[1].epsilon < g[0].epsilon || g[0].index == 0));
    for g in &out.generations[1..] {
        assert!(g.particles.iter().all(|p| p.distance <= g.epsilon), "generation {}", g.index);
        assert!(g.ess > 50.0 && g.ess <= 400.0 + 1e-9, "ess {}", g.ess);
        assert!((g.particles.iter().map(|p| p.weight).sum::<f64>() - 1.0).abs() < 1e-9);
        assert!((g.acceptance_rate - 400.0 / g.simulations as f64).abs() < 1e-12);
    }
    assert_eq!(out.simulations, out.generations.iter().map(|g| g.simulations).sum::<u64>());
    assert_eq!(out.stop, Stop::MaxGenerations);
}

#[test]
fn proposals_stay_in_the_prior_support() {
    // A half-normal prior and data at 0.05: the posterior piles up at the boundary.
    let prior = MeanPrior { sd: 1.0, positive: true };
    let s = Settings { population_size: 200, max_generations: 5, ..settings(3) };
    let out = run(&prior, &[0.05, 50.0], &s, |t, c| simulate(t, c, 10), &mut |_| {}).expect("runs");
    for g in &out.generations {
        assert!(g.particles.iter().all(|p| p.theta[0] >= 0.0));
    }
    let (mean, _) = weighted_mean_sd(out.posterior());
    assert!(mean > 0.05 && mean < 0.35, "{mean}");
}

#[test]
fn the_result_does_not_depend_on_the_thread_count() {
    let prior = MeanPrior { sd: 1.0, positive: false };
    let s = Settings { population_size: 60, max_generations: 4, ..settings(11) };
    let in_pool = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| run(&prior, &[0.2, 300.0], &s, |t, c| simulate(t, c, 10), &mut |_| {}).expect("runs"))
    };
    let one = in_pool(1);
    assert_eq!(one, in_pool(3));
    assert_eq!(one, in_pool(2));
    // Another seed, another sample.
    let other = run(&prior, &[0.2, 300.0], &Settings { seed: 12, ..s }, |t, c| simulate(t, c, 10), &mut |_| {});
    assert_ne!(one, other.expect("runs"));
}

#[test]
fn runs_stop_at_the_budget_or_the_acceptance_rate_and_report_bad_settings() {
    let prior = MeanPrior { sd: 1.0, positive: false };
    let sim = |t: &[f64], c: &Candidate| simulate(t, c, 10);
    let s = Settings { population_size: 50, max_generations: 50, max_simulations: 600, ..settings(5) };
    let mut calls = 0;
    let out = run(&prior, &[0.7, 900.0], &s, sim, &mut |p| {
        calls += 1;
        assert!(p.simulations <= 600);
    })
    .expect("runs");
    assert_eq!(out.stop, Stop::Budget);
    assert!(out.simulations <= 600 && calls > 0);
    let s = Settings { population_size: 50, max_generations: 50, min_acceptance_rate: 0.3, ..settings(5) };
    let out = run(&prior, &[0.7, 900.0], &s, sim, &mut |_| {}).expect("runs");
    assert_eq!(out.stop, Stop::MinAcceptanceRate);
    let rates: Vec<f64> = out.generations.iter().map(|g| g.acceptance_rate).collect();
    assert!(rates.iter().all(|&r| r >= 0.3) || out.posterior().acceptance_rate < 0.3, "{rates:?}");
    // A generation that could only end below the rate was dropped: no more than N / 0.3 wasted.
    let kept: u64 = out.generations.iter().map(|g| g.simulations).sum();
    assert!(out.simulations - kept <= (50.0f64 / 0.3).ceil() as u64 + 1, "{} {kept}", out.simulations);
    let s = Settings { population_size: 50, max_generations: 50, min_ess_fraction: 0.99, ..settings(5) };
    let out = run(&prior, &[0.7, 900.0], &s, sim, &mut |_| {}).expect("runs");
    assert_eq!((out.stop, out.generations.len()), (Stop::MinEss, 1), "generation 1's weights are not all equal");
    let s = Settings { population_size: 1, alpha: 1.0, max_simulations: 0, ..Settings::default() };
    let err = run(&prior, &[0.0, 0.0], &s, sim, &mut |_| {}).expect_err("bad settings");
    let text = err.to_string();
    assert!(text.contains("population_size") && text.contains("alpha") && text.contains("max_simulations"), "{text}");
    let s = Settings { population_size: 10, max_simulations: 5, ..Settings::default() };
    assert!(run(&prior, &[0.0, 0.0], &s, sim, &mut |_| {}).is_err());
    let short = |_: &[f64], _: &Candidate| Ok::<_, String>(vec![1.0]);
    let err = run(&prior, &[0.0, 0.0], &Settings::default(), short, &mut |_| {}).expect_err("length");
    assert!(matches!(err, AbcError::SummaryLength { expected: 2, got: 1, .. }));
}

#[test]
fn systematic_resampling_follows_the_weights() {
    let particle = |weight| Particle { theta: vec![0.0], weight, distance: 0.0 };
    let g = Generation {
        index: 1,
        epsilon: 1.0,
        particles: vec![particle(0.5), particle(0.0), particle(0.25), particle(0.25)],
        simulations: 4,
        acceptance_rate: 1.0,
        ess: 2.7,
        distance_weights: vec![],
    };
    let idx = g.resample(8, 1);
    assert_eq!(idx.iter().filter(|&&i| i == 0).count(), 4);
    assert_eq!(idx.iter().filter(|&&i| i == 1).count(), 0);
    assert_eq!(idx.len(), 8);
    assert_eq!(g.resample(8, 1), idx);
}
