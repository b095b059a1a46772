//! The search: CMA-ES generations in the unit cube, each generation's distinct
//! candidates raced by successive halving over common random numbers, ranked
//! feasibility first, then the best candidates verified on fresh seeds with
//! Bonferroni-corrected Clopper-Pearson bounds (docs/OPTIMIZE.md, "Running an
//! optimisation").
//!
//! Lifecycle of [`optimize`]:
//! 1. each generation CMA-ES asks λ points; each becomes a candidate
//!    ([`Space::values_at`](crate::optimize::Space::values_at), named by [`Space::key`](crate::optimize::Space::key): points rounding to the same
//!    values are one candidate, run once);
//! 2. [`Halving`] races the generation's distinct candidates: every survivor of
//!    a round has its replicates `0..r` (seeds [`search_seed`], the same for every
//!    candidate) before the survivors are ranked ([`rank`]) and the better part
//!    kept; the final order (survivors, then those eliminated later before those
//!    eliminated earlier) is told to CMA-ES;
//! 3. the search stops when the next round would exceed the search budget (the
//!    budget less the verification reserve), when CMA-ES has converged, or when
//!    generations stop bringing new candidates;
//! 4. verification ([`verify`]) runs the best candidates on fresh seeds.
//!
//! Runs execute in parallel ([`crate::sweep::run_ordered`]) and are handed back
//! in job order, so everything — the evaluations reported, the order told to
//! CMA-ES, the outputs — is the same whatever the number of threads. A run
//! found in the memo (`--resume`) is taken from it instead of simulated: the
//! search is replayed exactly.

pub mod rank;
mod types;
pub mod verify;

use std::collections::HashMap;

use crate::engine::derive_seed;
use crate::scenario::Scenario;
use crate::stats::cmaes::{CmaEs, CmaEsSettings};
use crate::stats::halving::Halving;
use crate::sweep::{Flow, run_ordered};

use super::{OptimizeSpec, objective};
use rank::{RankKey, RunScore};
pub use types::{Candidate, Evaluation, Event, GenerationRow, Memo, Optimum, Phase, SearchError, StopReason};
pub use verify::Verified;

/// The stream of search replicates: replicate `r` of every candidate runs at
/// `derive_seed(seed, [SEARCH_STREAM, r])` (common random numbers).
pub const SEARCH_STREAM: u64 = 1;
/// The stream of verification replicates: `derive_seed(seed, [VERIFY_STREAM, r])`.
pub const VERIFY_STREAM: u64 = 2;
/// The stream of the final comparison's root seed: `derive_seed(seed, [COMPARE_STREAM])`.
pub const COMPARE_STREAM: u64 = 3;
/// The stream of CMA-ES's own draws: `derive_seed(seed, [CMAES_STREAM])`.
pub const CMAES_STREAM: u64 = 4;
/// CMA-ES has converged when its step size times the square root of its
/// covariance's largest eigenvalue is below this (in unit-cube coordinates:
/// a thousandth of every range; modelling choice).
pub const CONVERGED_TOLERANCE: f64 = 1e-3;
/// The search stops after this many generations in a row that brought no new
/// candidate (CMA-ES circling grid points already run; modelling choice).
pub const MAX_STALLED_GENERATIONS: u32 = 10;

/// The seed of search replicate `replicate` of an optimisation with root `seed`.
pub fn search_seed(seed: u64, replicate: u32) -> u64 {
    derive_seed(seed, &[SEARCH_STREAM, u64::from(replicate)])
}

/// The seed of verification replicate `replicate`.
pub fn verify_seed(seed: u64, replicate: u32) -> u64 {
    derive_seed(seed, &[VERIFY_STREAM, u64::from(replicate)])
}

/// The root seed of the final comparison (its replicates take seeds from it as `compare` does).
pub fn compare_seed(seed: u64) -> u64 {
    derive_seed(seed, &[COMPARE_STREAM])
}

/// The search state shared by the generation loop and verification.
pub(crate) struct Searcher<'a> {
    pub(crate) spec: &'a OptimizeSpec,
    memo: &'a Memo,
    threads: usize,
    on_event: &'a mut dyn FnMut(Event) -> Flow,
    pub(crate) candidates: Vec<Candidate>,
    by_key: HashMap<String, usize>,
    /// Runs so far, search and verification.
    pub(crate) done: u64,
    pub(crate) limits: Vec<f64>,
}

/// Runs the optimisation of `spec` on `threads` threads, taking runs found in
/// `memo` instead of simulating them; `on_event` hears every run in a fixed
/// order (and may stop the optimisation) and every generation.
pub fn optimize(
    spec: &OptimizeSpec,
    memo: &Memo,
    threads: usize,
    on_event: &mut dyn FnMut(Event) -> Flow,
) -> Result<Optimum, SearchError> {
    let limits = verify::limits(spec).map_err(SearchError::Budget)?;
    let reserve = verify::reserve(spec);
    let search_budget = spec.budget.checked_sub(reserve).ok_or_else(|| {
        SearchError::Budget(format!(
            "budget {} is less than the verification reserve {reserve} (verify_candidates x verify_replicates)",
            spec.budget
        ))
    })?;
    let mut s =
        Searcher { spec, memo, threads, on_event, candidates: Vec::new(), by_key: HashMap::new(), done: 0, limits };
    let n = spec.space.dims();
    let settings = CmaEsSettings { population: spec.settings.population, ..CmaEsSettings::for_dims(n) };
    let mut cma = CmaEs::new(n, settings, derive_seed(spec.seed, &[CMAES_STREAM]));
    let mut generations: Vec<GenerationRow> = Vec::new();
    let mut stalled = 0;
    let stop = loop {
        if cma.converged(CONVERGED_TOLERANCE) {
            break StopReason::Converged;
        }
        let generation = generations.len() as u32 + 1;
        let known = s.candidates.len();
        let asked = cma.ask();
        let ids: Vec<usize> = asked.iter().map(|u| s.intern(&spec.space.values_at(u), generation)).collect();
        let mut distinct: Vec<usize> = Vec::new();
        for &id in &ids {
            if !distinct.contains(&id) {
                distinct.push(id);
            }
        }
        let (order, ran, exhausted) = s.race(&distinct, search_budget)?;
        if !ran {
            // The generation's new candidates were never run: they are not part of the search.
            for c in s.candidates.drain(known..) {
                s.by_key.remove(&c.key);
            }
            break StopReason::Budget;
        }
        let tell: Vec<usize> = order
            .iter()
            .flat_map(|&c| ids.iter().enumerate().filter(move |(_, id)| **id == c).map(|(i, _)| i))
            .collect();
        cma.tell(&tell);
        let row = GenerationRow {
            generation,
            runs: s.done,
            candidates: distinct.len(),
            best: s.best_so_far(),
            sigma: cma.sigma(),
        };
        (s.on_event)(Event::Generation(&row));
        generations.push(row);
        if exhausted {
            break StopReason::Budget;
        }
        stalled = if s.candidates.len() == known { stalled + 1 } else { 0 };
        if stalled >= MAX_STALLED_GENERATIONS {
            break StopReason::Stalled;
        }
    };
    let search_runs = s.done;
    let (verified, bound_confidence) = s.verify()?;
    let best = verify::best(&verified, spec.objective.maximise);
    Ok(Optimum {
        candidates: s.candidates,
        generations,
        stop,
        search_runs,
        limits: s.limits,
        verified,
        bound_confidence,
        best,
    })
}

impl Searcher<'_> {
    /// The candidate with `values`, added if new.
    fn intern(&mut self, values: &[f64], generation: u32) -> usize {
        let spec = self.spec;
        let key = spec.space.key(values);
        if let Some(&i) = self.by_key.get(&key) {
            return i;
        }
        let candidate = Candidate {
            key: key.clone(),
            values: values.to_vec(),
            label: spec.family.label(&spec.space, values),
            generation,
            scenario: spec.family.scenario(&spec.base, &spec.space, values),
            runs: Vec::new(),
        };
        self.candidates.push(candidate);
        self.by_key.insert(key, self.candidates.len() - 1);
        self.candidates.len() - 1
    }

    /// The rank key of candidate `c` over its first `n` runs (all with `None`).
    pub(crate) fn key(&self, c: usize, n: Option<usize>) -> RankKey {
        let stats = self.candidates[c].stats(n, self.spec.constraints.len());
        RankKey::new(stats.as_ref(), &self.limits, self.spec.objective.maximise, c)
    }

    /// `ids` sorted best first on their first `n` runs.
    fn ranked(&self, ids: &[usize], n: Option<usize>) -> Vec<usize> {
        let mut keyed: Vec<(RankKey, usize)> = ids.iter().map(|&c| (self.key(c, n), c)).collect();
        keyed.sort_by(|a, b| a.0.order(&b.0));
        keyed.into_iter().map(|(_, c)| c).collect()
    }

    /// Races `distinct` by successive halving within `budget` search runs; returns
    /// the final order, whether any round ran, and whether the budget ran out.
    fn race(&mut self, distinct: &[usize], budget: u64) -> Result<(Vec<usize>, bool, bool), SearchError> {
        let settings = &self.spec.settings;
        let rounds = Halving::new(distinct.len(), settings.initial_replicates, settings.max_replicates).rounds();
        let mut alive: Vec<usize> = distinct.to_vec();
        let mut eliminated: Vec<Vec<usize>> = Vec::new();
        let mut reps_done: Option<usize> = None;
        let mut exhausted = false;
        for (survivors, reps) in rounds {
            if let Some(n) = reps_done {
                let ranked = self.ranked(&alive, Some(n));
                eliminated.push(ranked[survivors.min(ranked.len())..].to_vec());
                alive = ranked[..survivors.min(ranked.len())].to_vec();
            }
            let jobs: Vec<(usize, Phase, u32)> = alive
                .iter()
                .filter(|&&c| self.candidates[c].scenario.is_ok())
                .flat_map(|&c| (self.candidates[c].runs.len() as u32..reps).map(move |r| (c, Phase::Search, r)))
                .collect();
            if self.done + jobs.len() as u64 > budget {
                exhausted = true;
                break;
            }
            for (c, _, _, score) in self.run(&jobs)? {
                self.candidates[c].runs.push(score);
            }
            reps_done = Some(reps as usize);
        }
        let Some(n) = reps_done else { return Ok((Vec::new(), false, true)) };
        let mut order = self.ranked(&alive, Some(n));
        order.extend(eliminated.into_iter().rev().flatten());
        Ok((order, true, exhausted))
    }

    /// The best candidate so far among those with the most replicates (at most
    /// `max_replicates`), if it is feasible.
    pub(crate) fn best_so_far(&self) -> Option<(usize, f64)> {
        let tier = self.top_tier();
        let pool: Vec<usize> = (0..self.candidates.len()).filter(|&c| self.candidates[c].runs.len() >= tier).collect();
        let best = *self.ranked(&pool, None).first()?;
        let mean = self.candidates[best].stats(None, self.spec.constraints.len())?.mean;
        self.key(best, None).feasible().then_some((best, mean))
    }

    /// The most replicates a candidate has, capped at `max_replicates` (at least 1).
    pub(crate) fn top_tier(&self) -> usize {
        let most = self.candidates.iter().map(|c| c.runs.len()).max().unwrap_or(0);
        most.min(self.spec.settings.max_replicates as usize).max(1)
    }

    /// Runs `jobs` (candidate, phase, replicate) in parallel, taking memoised runs,
    /// and returns their scores in job order; every run is reported in that order.
    pub(crate) fn run(
        &mut self,
        jobs: &[(usize, Phase, u32)],
    ) -> Result<Vec<(usize, Phase, u32, RunScore)>, SearchError> {
        let (spec, memo, candidates) = (self.spec, self.memo, &self.candidates);
        let seed_of = |phase: Phase, r: u32| match phase {
            Phase::Search => search_seed(spec.seed, r),
            Phase::Verify => verify_seed(spec.seed, r),
        };
        let work = |i: usize| -> Result<(RunScore, bool), String> {
            let (c, phase, r) = jobs[i];
            let candidate = &candidates[c];
            let seed = seed_of(phase, r);
            if let Some(score) = memo.get(&(candidate.key.clone(), seed)) {
                return Ok((score.clone(), true));
            }
            let scenario = candidate.scenario.as_ref().map_err(Clone::clone)?;
            score_run(spec, scenario, seed).map(|s| (s, false))
        };
        let mut out = Vec::with_capacity(jobs.len());
        let on_event = &mut self.on_event;
        let done = &mut self.done;
        let result = run_ordered(jobs.len(), self.threads, work, |i, result| {
            let (c, phase, r) = jobs[i];
            let key = candidates[c].key.clone();
            let seed = seed_of(phase, r);
            let (score, cached) = result.map_err(|message| SearchError::Run { key: key.clone(), seed, message })?;
            *done += 1;
            let evaluation = Evaluation { key, phase, replicate: r, seed, score };
            let flow = on_event(Event::Run { evaluation: &evaluation, cached, done: *done });
            out.push((c, phase, r, evaluation.score));
            Ok(flow)
        })?;
        if result == Flow::Stop {
            return Err(SearchError::Stopped(self.done));
        }
        Ok(out)
    }
}

/// Runs `scenario` at `seed` and scores it under `spec`'s objective and constraints.
/// A simulation error or panic is the run's error message.
pub fn score_run(spec: &OptimizeSpec, scenario: &Scenario, seed: u64) -> Result<RunScore, String> {
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| crate::sim::run(scenario, seed)));
    let result = match run {
        Ok(result) => result.map_err(|e| e.to_string())?,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("panicked: {message}"));
        }
    };
    let outcome = objective::outcome(&spec.objective, &spec.constraints, &result);
    let days = objective::day_totals(&result);
    let values = spec.constraints.iter().map(|c| c.metric.value_with(&result, &days)).collect();
    Ok(RunScore { objective: outcome.objective, violated: outcome.violated, values })
}
