//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC), as pyabc runs it:
//! Toni et al. 2009 (J. R. Soc. Interface 6:187–202) with Beaumont et al.'s importance weights
//! and kernel (2009, Biometrika 96(4):983–990), adaptive tolerances, and the adaptive p-norm
//! distance of Prangle (2017, Bayesian Anal. 12(1):289–309) as pyabc's
//! `AdaptivePNormDistance` has it (Klinger, Rickert & Hasenauer 2018, Bioinformatics
//! 34(20):3591–3593).
//!
//! Lifecycle: give [`run`] a prior ([`AbcPrior`]), the observed summary vector, [`Settings`]
//! and a simulator (`θ`, [`Candidate`]) → summary vector. It returns every population
//! ([`Generation`]) with its tolerance, acceptance rate and effective sample size.
//!
//! 1. Generation 0: `N` particles from the prior, all accepted (`ε₀ = ∞`), equal weights.
//! 2. After each generation: the distance's weights are re-estimated from every simulation of
//!    that generation (accepted or not: `1 / MAD` per summary), the accepted particles'
//!    distances are re-evaluated with them, and the next tolerance is their weighted `alpha`
//!    quantile (default the median).
//! 3. Generation `t ≥ 1`: a candidate is proposed from the last population ([`Transition`]):
//!    a parent picked with probability its weight and perturbed with `N(θ_parent, c Cov_w)`, a
//!    multiple of the population's weighted covariance (`c = 2` as Beaumont et al., or
//!    Silverman's rule of thumb as pyabc's default); or drawn from one normal fitted to the
//!    population, `N(m_w, c Cov_w)`, which keeps the importance weights from degenerating with
//!    many parameters. A proposal outside the prior's support is drawn again; the candidate is
//!    simulated and accepted if its distance is at most `ε_t`. Accepted particles get
//!    `w_i ∝ π(θ_i) / q_t(θ_i)`, normalised, with `q_t` the proposal's density:
//!    `Σ_j w_j K(θ_i | θ_j)` for a perturbed parent, the normal's density otherwise.
//! 4. Stop after `max_generations`, when a generation's acceptance rate falls below
//!    `min_acceptance_rate` (that generation is kept; one that has simulated more than
//!    `N / min_acceptance_rate` candidates without completing is dropped), when
//!    `ε_t <= min_epsilon`, when a generation's effective sample size falls below
//!    `min_ess_fraction · N` (that generation is dropped), or when the simulation budget runs
//!    out in the middle of a generation (that generation is dropped).
//!
//! **Determinism.** Candidate `i` of generation `t` draws its proposal from its own named
//! stream (`abc-smc/proposal` of `derive_seed(seed, [t, i])`) and receives that seed to
//! simulate with. Candidates are simulated in parallel batches (rayon) but accepted in index
//! order, and a generation ends at the candidate that completes it, as if simulated one by
//! one: the result depends on neither the thread count nor the batch size. A batch may
//! simulate candidates beyond the completing one; they are discarded and not counted.
//!
//! With many raw summaries, [`Projection`] learns one summary per parameter from pilot
//! simulations (semi-automatic ABC, Fearnhead & Prangle 2012); the caller compares those.
//!
//! The parameter space is whatever the caller makes it: the algorithm rejects proposals where
//! the prior's log density is `−∞`, and never transforms. Callers with bounded parameters can
//! work in an unconstrained space instead (the fit works in the prior's normal scores, where
//! [`StandardNormalPrior`] is the prior).

mod distance;
mod kernel;
mod regression;
#[cfg(test)]
mod tests;

pub use distance::{AdaptivePNorm, median_absolute_deviation, weighted_quantile};
pub use kernel::{Kernel, Transition, weighted_mean};
pub use regression::Projection;

use rand::Rng;
use rayon::prelude::*;

use crate::engine::{SimRng, derive_seed, stream_rng};

/// A prior distribution of a parameter vector.
pub trait AbcPrior: Sync {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// One draw.
    fn sample(&self, rng: &mut SimRng) -> Vec<f64>;
    /// Log density (up to a constant) at `theta`; `−∞` outside the support.
    fn log_density(&self, theta: &[f64]) -> f64;
}

/// Independent standard normal parameters: the prior in a space of normal scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardNormalPrior {
    /// Number of parameters.
    pub dim: usize,
}

impl AbcPrior for StandardNormalPrior {
    fn dim(&self) -> usize {
        self.dim
    }

    fn sample(&self, rng: &mut SimRng) -> Vec<f64> {
        (0..self.dim).map(|_| rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng)).collect()
    }

    fn log_density(&self, theta: &[f64]) -> f64 {
        -0.5 * theta.iter().map(|x| x * x).sum::<f64>()
    }
}

/// Which candidate a simulation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Generation, from 0.
    pub generation: u32,
    /// Index of the candidate in its generation, from 0.
    pub index: u64,
    /// Its seed, `derive_seed(settings.seed, [generation, index])`: a simulator wanting
    /// independent noise per candidate uses it; one wanting common random numbers within a
    /// generation derives its seed from `generation` alone.
    pub seed: u64,
}

/// How ABC-SMC runs and when it stops.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Particles per population, `N` (2 to [`Settings::MAX_POPULATION`]).
    pub population_size: usize,
    /// Most populations, generation 0 included (1 to [`Settings::MAX_GENERATIONS`]).
    pub max_generations: u32,
    /// Stop after a generation whose acceptance rate is below this (in [0, 1]).
    pub min_acceptance_rate: f64,
    /// Most simulations in all (at least `population_size`).
    pub max_simulations: u64,
    /// Quantile of the last population's distances that makes the next tolerance, in (0, 1).
    pub alpha: f64,
    /// Stop after a generation whose tolerance is at most this (>= 0).
    pub min_epsilon: f64,
    /// Exponent of the distance's norm (>= 1).
    pub p: f64,
    /// Drop a generation whose effective sample size is below this share of `population_size`
    /// and stop (in [0, 1); 0: never): its few heavy particles would make a poorer posterior
    /// sample than the generation before.
    pub min_ess_fraction: f64,
    /// How generation `t ≥ 1` proposes parameters.
    pub transition: Transition,
    /// Root seed of every candidate's seed.
    pub seed: u64,
}

impl Default for Settings {
    /// pyabc's defaults where it has them (100 particles, median tolerance, p = 2, Silverman's
    /// kernel), with a bounded run: 8 generations, 1% acceptance, 100,000 simulations.
    fn default() -> Self {
        Self {
            population_size: 100,
            max_generations: 8,
            min_acceptance_rate: 0.01,
            max_simulations: 100_000,
            alpha: 0.5,
            min_epsilon: 0.0,
            p: 2.0,
            min_ess_fraction: 0.0,
            transition: Transition::Silverman,
            seed: 1,
        }
    }
}

impl Settings {
    /// Largest population.
    pub const MAX_POPULATION: usize = 100_000;
    /// Most generations.
    pub const MAX_GENERATIONS: u32 = 100;

    /// Every problem of the settings, as lower-case messages naming the setting.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !(2..=Self::MAX_POPULATION).contains(&self.population_size) {
            out.push(format!("population_size: must be 2 to {}, got {}", Self::MAX_POPULATION, self.population_size));
        }
        if !(1..=Self::MAX_GENERATIONS).contains(&self.max_generations) {
            out.push(format!("max_generations: must be 1 to {}, got {}", Self::MAX_GENERATIONS, self.max_generations));
        }
        if !(0.0..=1.0).contains(&self.min_acceptance_rate) {
            out.push(format!("min_acceptance_rate: must be in [0, 1], got {}", self.min_acceptance_rate));
        }
        if self.max_simulations < self.population_size as u64 {
            out.push(format!(
                "max_simulations: must be at least the population size ({}), got {}",
                self.population_size, self.max_simulations
            ));
        }
        if !(0.0..1.0).contains(&self.min_ess_fraction) {
            out.push(format!("min_ess_fraction: must be in [0, 1), got {}", self.min_ess_fraction));
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            out.push(format!("alpha: must be in (0, 1), got {}", self.alpha));
        }
        if self.min_epsilon.is_nan() || self.min_epsilon < 0.0 {
            out.push(format!("min_epsilon: must be >= 0, got {}", self.min_epsilon));
        }
        if let Transition::Gaussian { scale } = self.transition
            && !(scale > 0.0 && scale.is_finite())
        {
            out.push(format!("transition: the scale of a normal proposal must be > 0, got {scale}"));
        }
        if !(self.p >= 1.0 && self.p.is_finite()) {
            out.push(format!("p: must be a finite number >= 1, got {}", self.p));
        }
        out
    }
}

/// An accepted parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// The parameters.
    pub theta: Vec<f64>,
    /// Normalised importance weight.
    pub weight: f64,
    /// Distance of its simulation to the data, with the distance it was accepted by.
    pub distance: f64,
}

/// One population and how it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Generation, from 0.
    pub index: u32,
    /// Its tolerance (`∞` for generation 0).
    pub epsilon: f64,
    /// Its particles, in the order they were accepted.
    pub particles: Vec<Particle>,
    /// Simulations it took (up to the candidate that completed it).
    pub simulations: u64,
    /// `N / simulations`.
    pub acceptance_rate: f64,
    /// Effective sample size of its weights, `1 / Σ w²`.
    pub ess: f64,
    /// The distance's weights it was accepted with (one per summary).
    pub distance_weights: Vec<f64>,
}

impl Generation {
    /// `n` particle indices drawn with probability their weights, by systematic resampling
    /// from one uniform number of stream `abc-smc/resample` of `seed`; in increasing order.
    pub fn resample(&self, n: usize, seed: u64) -> Vec<usize> {
        let mut rng = stream_rng(seed, "abc-smc/resample");
        let start = unit(&mut rng) / n.max(1) as f64;
        let mut out = Vec::with_capacity(n);
        let (mut cumulative, mut i) = (0.0, 0);
        for k in 0..n {
            let u = start + k as f64 / n as f64;
            while i + 1 < self.particles.len() && cumulative + self.particles[i].weight < u {
                cumulative += self.particles[i].weight;
                i += 1;
            }
            out.push(i);
        }
        out
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// `max_generations` populations were made.
    MaxGenerations,
    /// The last generation's tolerance reached `min_epsilon`.
    MinEpsilon,
    /// The last generation's acceptance rate was below `min_acceptance_rate`, or the next one
    /// had simulated `N / min_acceptance_rate` candidates without completing (and was dropped).
    MinAcceptanceRate,
    /// The simulation budget ran out during a generation, which was dropped.
    Budget,
    /// A generation's effective sample size fell below `min_ess_fraction · N`; it was dropped.
    MinEss,
}

impl Stop {
    /// A short description, for outputs.
    pub fn describe(self) -> &'static str {
        match self {
            Stop::MaxGenerations => "the maximum number of generations",
            Stop::MinEpsilon => "the minimum tolerance",
            Stop::MinAcceptanceRate => "the minimum acceptance rate",
            Stop::Budget => "the simulation budget",
            Stop::MinEss => "the minimum effective sample size",
        }
    }
}

/// Every population of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Populations, generation 0 first; the last is the posterior sample.
    pub generations: Vec<Generation>,
    /// Why it stopped.
    pub stop: Stop,
    /// Simulations counted in all (those of a dropped generation included).
    pub simulations: u64,
}

impl Outcome {
    /// The last population: the posterior sample.
    pub fn posterior(&self) -> &Generation {
        // `run` returns at least generation 0.
        &self.generations[self.generations.len() - 1]
    }
}

/// Where a run is, reported after each batch of simulations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Current generation.
    pub generation: u32,
    /// Particles accepted so far in it.
    pub accepted: usize,
    /// Particles it needs.
    pub population_size: usize,
    /// Simulations counted so far in all.
    pub simulations: u64,
    /// Its tolerance.
    pub epsilon: f64,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum AbcError<E: std::fmt::Display> {
    /// The settings are not valid (every problem, joined).
    #[error("invalid ABC-SMC settings: {0}")]
    Settings(String),
    /// A simulation failed.
    #[error("generation {generation}, candidate {index}: {error}")]
    Simulation {
        /// Generation.
        generation: u32,
        /// Candidate.
        index: u64,
        /// The simulator's error.
        error: E,
    },
    /// A simulation returned a summary vector of another length than the observed one.
    #[error("generation {generation}, candidate {index}: {got} summaries, {expected} observed")]
    SummaryLength {
        /// Generation.
        generation: u32,
        /// Candidate.
        index: u64,
        /// Observed summaries.
        expected: usize,
        /// Summaries returned.
        got: usize,
    },
    /// The budget ran out before generation 0 was complete.
    #[error("the simulation budget ({0}) ran out before the first population was complete")]
    Budget(u64),
    /// A population's weights or covariance degenerated (every weight 0, or no kernel).
    #[error("generation {0}: the population degenerated (no positive weight or no kernel)")]
    Degenerate(u32),
}

/// A uniform number in [0, 1) from 53 bits.
fn unit(rng: &mut SimRng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A candidate's parameters and summaries.
type Simulated = (Vec<f64>, Vec<f64>);

/// Most draws of a proposal before a candidate is given up as outside the prior's support.
const MAX_PROPOSAL_DRAWS: usize = 1000;

/// What generation `t ≥ 1` proposes from.
struct Proposal {
    parents: Vec<Particle>,
    cumulative: Vec<f64>,
    kernel: Kernel,
    /// The centre of an independent normal proposal ([`Transition::Gaussian`]); `None`: perturb a parent.
    center: Option<Vec<f64>>,
}

/// Candidate `cand`'s parameters: a prior draw, or a perturbed parent inside the support
/// (`None`: none found in [`MAX_PROPOSAL_DRAWS`] draws).
fn propose<P: AbcPrior>(prior: &P, proposal: Option<&Proposal>, cand: &Candidate) -> Option<Vec<f64>> {
    let mut rng = stream_rng(cand.seed, "abc-smc/proposal");
    let Some(p) = proposal else { return Some(prior.sample(&mut rng)) };
    let total = p.cumulative.last().copied().unwrap_or(0.0);
    for _ in 0..MAX_PROPOSAL_DRAWS {
        let theta = match &p.center {
            Some(center) => p.kernel.perturb(center, &mut rng),
            None => {
                let u = unit(&mut rng) * total;
                let parent = p.cumulative.partition_point(|&c| c <= u).min(p.parents.len() - 1);
                p.kernel.perturb(&p.parents[parent].theta, &mut rng)
            }
        };
        if prior.log_density(&theta) > f64::NEG_INFINITY {
            return Some(theta);
        }
    }
    None
}

/// Runs ABC-SMC: see the module documentation. `simulate(θ, candidate)` returns the summary
/// vector of one simulation at `θ` (as long as `observed`); `progress` is called on the
/// calling thread after each batch.
pub fn run<P, S, E>(
    prior: &P,
    observed: &[f64],
    settings: &Settings,
    simulate: S,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Outcome, AbcError<E>>
where
    P: AbcPrior,
    S: Fn(&[f64], &Candidate) -> Result<Vec<f64>, E> + Sync,
    E: std::fmt::Display + Send,
{
    let problems = settings.problems();
    if !problems.is_empty() {
        return Err(AbcError::Settings(problems.join("; ")));
    }
    let n = settings.population_size;
    let mut generations: Vec<Generation> = Vec::new();
    let mut total = 0u64;
    let mut distance: Option<AdaptivePNorm> = None;
    let mut epsilon = f64::INFINITY;
    let mut rate_estimate = 1.0_f64;
    let threads = rayon::current_num_threads().max(1) as u64;
    for t in 0..settings.max_generations {
        let proposal = match generations.last() {
            None => None,
            Some(last) => {
                let thetas: Vec<Vec<f64>> = last.particles.iter().map(|p| p.theta.clone()).collect();
                let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
                let factor = settings.transition.factor(prior.dim(), last.ess);
                let kernel = Kernel::scaled(&thetas, &weights, factor).ok_or(AbcError::Degenerate(t))?;
                let center = (!settings.transition.is_local()).then(|| weighted_mean(&thetas, &weights));
                let mut sum = 0.0;
                let cumulative = weights.iter().map(|w| {
                    sum += w;
                    sum
                });
                Some(Proposal { parents: last.particles.clone(), cumulative: cumulative.collect(), kernel, center })
            }
        };
        let mut accepted: Vec<(Vec<f64>, usize)> = Vec::with_capacity(n);
        let mut sample: Vec<Vec<f64>> = Vec::new();
        let mut next = 0u64;
        while accepted.len() < n {
            let budget_left = settings.max_simulations - total;
            if budget_left == 0 {
                if generations.is_empty() {
                    return Err(AbcError::Budget(settings.max_simulations));
                }
                return Ok(Outcome { generations, stop: Stop::Budget, simulations: total });
            }
            let need = (n - accepted.len()) as f64;
            let batch = ((need / rate_estimate.max(1e-3) * 1.1).ceil() as u64)
                .clamp(2 * threads, (4 * n as u64).max(2 * threads))
                .min(budget_left);
            let results: Vec<Result<Option<Simulated>, E>> = (next..next + batch)
                .into_par_iter()
                .map(|index| {
                    let cand =
                        Candidate { generation: t, index, seed: derive_seed(settings.seed, &[u64::from(t), index]) };
                    match propose(prior, proposal.as_ref(), &cand) {
                        None => Ok(None),
                        Some(theta) => simulate(&theta, &cand).map(|s| Some((theta, s))),
                    }
                })
                .collect();
            for (offset, result) in results.into_iter().enumerate() {
                let index = next + offset as u64;
                let simulation = result.map_err(|error| AbcError::Simulation { generation: t, index, error })?;
                let Some((theta, summaries)) = simulation else { continue };
                if summaries.len() != observed.len() {
                    let (expected, got) = (observed.len(), summaries.len());
                    return Err(AbcError::SummaryLength { generation: t, index, expected, got });
                }
                total += 1;
                let accept = match &distance {
                    Some(d) if t > 0 => d.distance(&summaries, observed) <= epsilon,
                    _ => true,
                };
                sample.push(summaries);
                if !accept && (n as f64) < settings.min_acceptance_rate * sample.len() as f64 {
                    // This generation's acceptance rate can only end below the minimum: dropped.
                    return Ok(Outcome { generations, stop: Stop::MinAcceptanceRate, simulations: total });
                }
                if accept {
                    accepted.push((theta, sample.len() - 1));
                    if accepted.len() == n {
                        break;
                    }
                }
            }
            next += batch;
            progress(&Progress {
                generation: t,
                accepted: accepted.len(),
                population_size: n,
                simulations: total,
                epsilon,
            });
        }
        let refs: Vec<&[f64]> = sample.iter().map(Vec::as_slice).collect();
        let updated = AdaptivePNorm::fitted(settings.p, &refs, observed.len());
        let used = if t == 0 { updated.clone() } else { distance.clone().unwrap_or_else(|| updated.clone()) };
        let weights = importance_weights(prior, proposal.as_ref(), &accepted).ok_or(AbcError::Degenerate(t))?;
        let particles: Vec<Particle> = accepted
            .iter()
            .zip(&weights)
            .map(|((theta, s), &weight)| Particle {
                theta: theta.clone(),
                weight,
                distance: used.distance(&sample[*s], observed),
            })
            .collect();
        let simulations = sample.len() as u64;
        let acceptance_rate = n as f64 / simulations.max(1) as f64;
        let ess = 1.0 / weights.iter().map(|w| w * w).sum::<f64>();
        if t > 0 && ess < settings.min_ess_fraction * n as f64 {
            return Ok(Outcome { generations, stop: Stop::MinEss, simulations: total });
        }
        generations.push(Generation {
            index: t,
            epsilon,
            particles,
            simulations,
            acceptance_rate,
            ess,
            distance_weights: used.weights.clone(),
        });
        let reevaluated: Vec<f64> = accepted.iter().map(|(_, s)| updated.distance(&sample[*s], observed)).collect();
        let this_epsilon = epsilon;
        epsilon = weighted_quantile(&reevaluated, &weights, settings.alpha);
        distance = Some(updated);
        rate_estimate = acceptance_rate;
        if t > 0 && acceptance_rate < settings.min_acceptance_rate {
            return Ok(Outcome { generations, stop: Stop::MinAcceptanceRate, simulations: total });
        }
        if this_epsilon <= settings.min_epsilon {
            return Ok(Outcome { generations, stop: Stop::MinEpsilon, simulations: total });
        }
    }
    Ok(Outcome { generations, stop: Stop::MaxGenerations, simulations: total })
}

/// The normalised importance weights of the accepted `(θ, _)`: equal in generation 0, else
/// `π(θ_i) / Σ_j w_j K(θ_i | θ_j)` (in logs); `None` if none is positive.
fn importance_weights<P: AbcPrior>(
    prior: &P,
    proposal: Option<&Proposal>,
    accepted: &[(Vec<f64>, usize)],
) -> Option<Vec<f64>> {
    let Some(p) = proposal else { return Some(vec![1.0 / accepted.len() as f64; accepted.len()]) };
    let logs: Vec<f64> = accepted
        .par_iter()
        .map(|(theta, _)| {
            let proposal_density = match &p.center {
                Some(center) => p.kernel.log_density(theta, center),
                None => {
                    let terms = p.parents.iter().map(|q| q.weight.ln() + p.kernel.log_density(theta, &q.theta));
                    kernel::log_sum_exp(terms)
                }
            };
            prior.log_density(theta) - proposal_density
        })
        .collect();
    let max = logs.iter().copied().filter(|x| x.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return None;
    }
    let raw: Vec<f64> = logs.iter().map(|l| if l.is_finite() { (l - max).exp() } else { 0.0 }).collect();
    let sum: f64 = raw.iter().sum();
    Some(raw.iter().map(|w| w / sum).collect())
}
