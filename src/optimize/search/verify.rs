//! Verification: the best candidates of the search run again on fresh seeds,
//! and a candidate is *safe* only when every constraint's Clopper-Pearson upper
//! bound on its violation probability is at most the constraint's
//! `max_probability`, at confidence `1 - (1 - confidence) / K` for the `K`
//! candidates verified (Bonferroni), so that the chance of calling any unsafe
//! candidate safe is at most `1 - confidence` over the whole verification.
//!
//! Which candidates: the `verify_candidates` best by the search's ranking among
//! those with the most replicates the search gave (its finalists: at most
//! `max_replicates`), then, if there are fewer finalists, the best of the rest.
//! The best plan is the safe candidate with the best verified objective mean.

use super::rank::{Stats, acceptable_share, runs_needed};
use super::{Phase, Searcher};
use crate::optimize::OptimizeSpec;
use crate::stats::chance::clopper_pearson_upper;

use super::SearchError;
use super::rank::RunScore;

/// A verified candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Index of the candidate ([`super::Optimum::candidates`]).
    pub candidate: usize,
    /// Its verification runs, by replicate.
    pub runs: Vec<RunScore>,
    /// Their statistics.
    pub stats: Stats,
    /// Each constraint's Clopper-Pearson upper bound on the violation probability.
    pub upper: Vec<f64>,
    /// Whether every bound is at most its constraint's `max_probability`.
    pub safe: bool,
}

/// The number of candidates verified when the search proposed `n` (at most `verify_candidates`).
fn n_verified(spec: &OptimizeSpec, n: usize) -> usize {
    (spec.settings.verify_candidates as usize).min(n)
}

/// The runs kept back from the search for verification.
pub fn reserve(spec: &OptimizeSpec) -> u64 {
    u64::from(spec.settings.verify_candidates) * u64::from(spec.settings.verify_replicates)
}

/// The confidence of each bound when `k` candidates are verified.
pub fn bound_confidence(confidence: f64, k: usize) -> f64 {
    1.0 - (1.0 - confidence) / k.max(1) as f64
}

/// The share of runs each constraint may violate in the search: the share that
/// verification can accept with `verify_replicates` runs at the Bonferroni
/// confidence (so the search looks for plans that can pass verification, not
/// for plans at the edge of `max_probability`, which the bound would reject).
/// `Err` when `verify_replicates` is too few to show some constraint holds.
pub fn limits(spec: &OptimizeSpec) -> Result<Vec<f64>, String> {
    let s = &spec.settings;
    let confidence = bound_confidence(s.confidence, s.verify_candidates as usize);
    let n = u64::from(s.verify_replicates);
    let mut limits = Vec::new();
    let mut problems = Vec::new();
    for c in &spec.constraints {
        match acceptable_share(c.max_probability, n, confidence) {
            Some(share) => limits.push(share),
            None => problems.push(format!(
                "optimizer.verify_replicates: {n} runs cannot show {} at confidence {confidence:.4} (Bonferroni over \
                 {} candidates) even with no violation: need at least {}",
                c.describe(),
                s.verify_candidates,
                runs_needed(c.max_probability, confidence)
            )),
        }
    }
    if problems.is_empty() { Ok(limits) } else { Err(problems.join("\n")) }
}

impl Searcher<'_> {
    /// Verifies the best candidates; returns them (best ranked first) and the bounds' confidence.
    pub(crate) fn verify(&mut self) -> Result<(Vec<Verified>, f64), SearchError> {
        let spec = self.spec;
        let tier = self.top_tier();
        let mut pool: Vec<(bool, super::rank::RankKey, usize)> = (0..self.candidates.len())
            .filter(|&c| self.candidates[c].scenario.is_ok() && !self.candidates[c].runs.is_empty())
            .map(|c| (self.candidates[c].runs.len() < tier, self.key(c, None), c))
            .collect();
        pool.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.order(&b.1)));
        let k = n_verified(spec, pool.len());
        let chosen: Vec<usize> = pool.iter().take(k).map(|p| p.2).collect();
        let confidence = bound_confidence(spec.settings.confidence, k);
        let reps = spec.settings.verify_replicates;
        let jobs: Vec<(usize, Phase, u32)> =
            chosen.iter().flat_map(|&c| (0..reps).map(move |r| (c, Phase::Verify, r))).collect();
        let mut runs: Vec<Vec<RunScore>> = vec![Vec::new(); chosen.len()];
        for (c, _, _, score) in self.run(&jobs)? {
            if let Some(i) = chosen.iter().position(|&x| x == c) {
                runs[i].push(score);
            }
        }
        let n_constraints = spec.constraints.len();
        let verified = chosen
            .iter()
            .zip(runs)
            .map(|(&candidate, runs)| {
                let stats = Stats::of(&runs, n_constraints);
                let upper: Vec<f64> = (0..n_constraints)
                    .map(|c| clopper_pearson_upper(stats.violations[c], stats.n, confidence))
                    .collect();
                let safe = stats.n > 0 && spec.constraints.iter().zip(&upper).all(|(c, u)| *u <= c.max_probability);
                Verified { candidate, runs, stats, upper, safe }
            })
            .collect();
        Ok((verified, confidence))
    }
}

/// The index of the safe candidate with the best verified objective mean (the
/// first of equals), if any is safe.
pub fn best(verified: &[Verified], maximise: bool) -> Option<usize> {
    let sign = if maximise { -1.0 } else { 1.0 };
    verified
        .iter()
        .enumerate()
        .filter(|(_, v)| v.safe)
        .min_by(|a, b| (sign * a.1.stats.mean).total_cmp(&(sign * b.1.stats.mean)).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i)
}
