//! The search's data: evaluations, candidates, generations, what the search
//! found, what it reports as it goes, and why it may not finish.

use std::collections::HashMap;

use super::rank::{RunScore, Stats};
use super::verify::Verified;
use crate::scenario::Scenario;

/// Which part of the optimisation ran an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The search (seeds [`search_seed`](super::search_seed)).
    Search,
    /// Verification (seeds [`verify_seed`](super::verify_seed)).
    Verify,
}

impl Phase {
    /// `search` or `verify`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Search => "search",
            Phase::Verify => "verify",
        }
    }
}

/// One finished run of a candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The candidate's key ([`Space::key`](crate::optimize::Space::key)).
    pub key: String,
    /// The phase.
    pub phase: Phase,
    /// The replicate within the phase.
    pub replicate: u32,
    /// The run's seed.
    pub seed: u64,
    /// Its score.
    pub score: RunScore,
}

/// Runs already done (read back from `evaluations.csv`): by candidate key and seed.
pub type Memo = HashMap<(String, u64), RunScore>;

/// A candidate: a point of the search space.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Its key.
    pub key: String,
    /// Its parameter values, in [`Space`](crate::optimize::Space) order.
    pub values: Vec<f64>,
    /// Its short label (`exponential:growth=1.42,start=800`).
    pub label: String,
    /// The generation that first proposed it (from 1).
    pub generation: u32,
    /// Its scenario, or why it could not be built.
    pub scenario: Result<Scenario, String>,
    /// Its search runs, by replicate.
    pub runs: Vec<RunScore>,
}

impl Candidate {
    /// Its statistics over its first `n` search runs (all with `None`).
    pub fn stats(&self, n: Option<usize>, n_constraints: usize) -> Option<Stats> {
        let runs = &self.runs[..n.unwrap_or(self.runs.len()).min(self.runs.len())];
        self.scenario.is_ok().then(|| Stats::of(runs, n_constraints))
    }
}

/// One generation, as `convergence.csv` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationRow {
    /// The generation (from 1).
    pub generation: u32,
    /// Search runs so far.
    pub runs: u64,
    /// Distinct candidates this generation.
    pub candidates: usize,
    /// The best candidate so far among those with the most replicates, if one is
    /// feasible, with its objective mean then.
    pub best: Option<(usize, f64)>,
    /// CMA-ES's step size after the generation.
    pub sigma: f64,
}

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The next round would have exceeded the search budget.
    Budget,
    /// CMA-ES converged.
    Converged,
    /// Generations stopped bringing new candidates.
    Stalled,
}

impl StopReason {
    /// A short phrase for messages and `summary.json`.
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Budget => "search budget spent",
            StopReason::Converged => "CMA-ES converged",
            StopReason::Stalled => "no new candidate for several generations",
        }
    }
}

/// What the optimisation found.
#[derive(Debug, Clone)]
pub struct Optimum {
    /// Every candidate, in the order first proposed.
    pub candidates: Vec<Candidate>,
    /// One row per generation.
    pub generations: Vec<GenerationRow>,
    /// Why the search stopped.
    pub stop: StopReason,
    /// Search runs (simulated or replayed).
    pub search_runs: u64,
    /// The share of runs each constraint may violate for a candidate to be feasible in the search.
    pub limits: Vec<f64>,
    /// The verified candidates, best ranked first.
    pub verified: Vec<Verified>,
    /// The confidence of each verification bound (Bonferroni over the verified candidates).
    pub bound_confidence: f64,
    /// Index into `verified` of the best safe candidate, if any is safe.
    pub best: Option<usize>,
}

/// What the caller hears of the search.
pub enum Event<'a> {
    /// A run finished (or was replayed from the memo, `cached`); `done` runs so far.
    Run {
        /// The run.
        evaluation: &'a Evaluation,
        /// Whether it came from the memo.
        cached: bool,
        /// Runs so far (search and verification).
        done: u64,
    },
    /// A generation ended.
    Generation(&'a GenerationRow),
}

/// Why an optimisation did not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchError {
    /// The budget cannot pay for verification and one first round.
    #[error("{0}")]
    Budget(String),
    /// A run failed.
    #[error("candidate {key} at seed {seed}: {message}")]
    Run {
        /// The candidate.
        key: String,
        /// The seed.
        seed: u64,
        /// Why.
        message: String,
    },
    /// The caller asked to stop after this many runs.
    #[error("stopped after {0} runs")]
    Stopped(u64),
}
