//! `ipwarm fit`: calibrate provider parameters to a sender's own delivery data by
//! simulation-based inference, and forecast the rest of its warm-up. Methods, assumptions and
//! what the data can identify: docs/FIT.md.
//!
//! Lifecycle:
//! 1. [`Setup::new`]: the observed rows laid out on the base scenario ([`data`]: days, IPs,
//!    providers, the volumes sent), the parameters and their priors ([`params`]), the
//!    observed summaries ([`summaries`]).
//! 2. [`fit`]: ABC-SMC ([`crate::stats::abc_smc`]) in the priors' normal scores; each candidate
//!    is a run of the scenario with its values over the observed days, replaying the observed
//!    volumes ([`replay`]), seen as the sender sees it (`observed::from_run`), summarised.
//! 3. From the [`Fit`]: the posterior and its summary ([`Fit::summary`]), the fitted scenario
//!    ([`fitted`]), the posterior predictive bands ([`predictive`]) and the forecast
//!    ([`forecast`]); [`outputs`] writes their CSV files and [`charts`] their PNG charts, only
//!    where the caller says.
//!
//! **Seeds.** Candidate `i` of generation `t` runs with its own seed (the ABC candidate's
//! seed): ABC's posterior integrates over the simulator's noise only if every simulation draws
//! fresh noise; one seed for a whole generation (common random numbers) would condition each
//! generation on one noise path and make intervals too narrow. Common random numbers serve
//! where runs are compared instead: the posterior draws of the predictive check and of the
//! forecast take the seeds `derive_seed(seed, [stream, k])` for draw `k`, so two forecasts
//! (another `--strategy`, another horizon) are paired draw by draw.

pub mod charts;
pub mod data;
pub mod fitted;
pub mod forecast;
pub mod outputs;
pub mod params;
pub mod predictive;
pub mod replay;
mod setup;
pub mod summaries;

pub use params::{DEFAULT_KEYS, FitParam, PriorSource};
pub use setup::Setup;

use rayon::prelude::*;

use crate::engine::{derive_seed, stream_rng};
use crate::sim::SimError;
use crate::stats::abc_smc::{
    self, AbcError, AbcPrior, Generation, Outcome, Progress, Projection, StandardNormalPrior, weighted_quantile,
};

/// The factor of the population's covariance in the fit's default proposal,
/// `stats::abc_smc::Transition::Gaussian` (a little wider than the population, so that its
/// tails are proposed; wider proposals lower the effective sample size with many parameters).
pub const NORMAL_PROPOSAL_SCALE: f64 = 1.2;

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// ABC-SMC failed (bad settings, a budget too small for one population, a degenerate population).
    #[error("{0}")]
    Abc(String),
    /// A simulation failed (a bug of the model, never bad input).
    #[error("a simulation failed: {0}")]
    Sim(#[from] SimError),
}

impl From<AbcError<SimError>> for FitError {
    fn from(e: AbcError<SimError>) -> Self {
        match e {
            AbcError::Simulation { error, .. } => FitError::Sim(error),
            other => FitError::Abc(other.to_string()),
        }
    }
}

/// A finished fit: its setup and every ABC-SMC population (in normal scores).
#[derive(Debug, Clone)]
pub struct Fit {
    /// What was fitted to what.
    pub setup: Setup,
    /// The populations.
    pub outcome: Outcome,
    /// The root seed.
    pub seed: u64,
    /// The summaries learnt from the pilot simulations, if any.
    pub projection: Option<Projection>,
    /// Pilot simulations run (0 without a pilot).
    pub pilot_simulations: u64,
}

/// The posterior of one parameter beside its prior.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSummary {
    /// `provider.key`.
    pub name: String,
    /// Weighted posterior median, 5% and 95% quantiles, 90% quantile, mean and standard deviation.
    pub median: f64,
    /// 5% quantile.
    pub p5: f64,
    /// 95% quantile.
    pub p95: f64,
    /// 90% quantile.
    pub p90: f64,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// The prior's median, 5% and 95% quantiles (truncated to the bounds).
    pub prior_median: f64,
    /// Prior 5% quantile.
    pub prior_p5: f64,
    /// Prior 95% quantile.
    pub prior_p95: f64,
}

/// Runs ABC-SMC for `setup` with `settings` (its `seed` is the fit's root seed); `progress`
/// after each batch of simulations.
///
/// With `pilot > 0`, `pilot` prior draws are simulated first (seeds `derive_seed(seed, [PILOT,
/// i])`) and a regression of the parameters on the raw summaries learnt from them
/// ([`Projection`], semi-automatic ABC): ABC then compares one fitted value per parameter
/// rather than every raw statistic. The pilot counts towards `settings.max_simulations`.
pub fn fit(
    setup: Setup,
    settings: &abc_smc::Settings,
    pilot: usize,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Fit, FitError> {
    let dim = setup.params.len();
    let prior = StandardNormalPrior { dim };
    let projection = if pilot > 0 {
        let draws: Vec<(Vec<f64>, u64)> = (0..pilot as u64)
            .map(|i| {
                let seed = derive_seed(settings.seed, &[PILOT_STREAM, i]);
                (prior.sample(&mut stream_rng(seed, "fit/pilot")), seed)
            })
            .collect();
        let summaries: Vec<Vec<f64>> =
            draws.par_iter().map(|(z, seed)| setup.simulate(z, *seed)).collect::<Result<_, SimError>>()?;
        progress(&Progress {
            generation: 0,
            accepted: 0,
            population_size: settings.population_size,
            simulations: pilot as u64,
            epsilon: f64::INFINITY,
        });
        let thetas: Vec<Vec<f64>> = draws.into_iter().map(|(z, _)| z).collect();
        Some(Projection::fit(&thetas, &summaries, &setup.observed).ok_or_else(|| {
            FitError::Abc("the pilot simulations could not be regressed on the observed statistics".into())
        })?)
    } else {
        None
    };
    let budget = settings.max_simulations.saturating_sub(pilot as u64);
    let abc_settings = abc_smc::Settings { max_simulations: budget, ..settings.clone() };
    let observed = match &projection {
        Some(p) => p.project(&setup.observed),
        None => setup.observed.clone(),
    };
    let offset = pilot as u64;
    let mut shifted = |p: &Progress| progress(&Progress { simulations: p.simulations + offset, ..*p });
    let simulate = |z: &[f64], cand: &abc_smc::Candidate| -> Result<Vec<f64>, SimError> {
        let raw = setup.simulate(z, cand.seed)?;
        Ok(match &projection {
            Some(p) => p.project(&raw),
            None => raw,
        })
    };
    let outcome = abc_smc::run(&prior, &observed, &abc_settings, simulate, &mut shifted)?;
    Ok(Fit { setup, outcome, seed: settings.seed, projection, pilot_simulations: offset })
}

/// The stream tag of the pilot simulations' seeds.
pub(crate) const PILOT_STREAM: u64 = 0x7069_6c6f; // "pilo"
/// The stream tags of the posterior draws' seeds.
pub(crate) const PREDICTIVE_STREAM: u64 = 0x7072_6564; // "pred"
/// See [`PREDICTIVE_STREAM`].
pub(crate) const FORECAST_STREAM: u64 = 0x666f_7265; // "fore"

impl Fit {
    /// The parameter values of every particle of `generation`.
    pub fn values(&self, generation: &Generation) -> Vec<Vec<f64>> {
        generation.particles.iter().map(|p| self.setup.values(&p.theta)).collect()
    }

    /// The posterior's summary, per parameter.
    pub fn summary(&self) -> Vec<ParamSummary> {
        let last = self.outcome.posterior();
        let values = self.values(last);
        let weights: Vec<f64> = last.particles.iter().map(|p| p.weight).collect();
        self.setup
            .params
            .iter()
            .enumerate()
            .map(|(k, param)| {
                let xs: Vec<f64> = values.iter().map(|v| v[k]).collect();
                let q = |p: f64| weighted_quantile(&xs, &weights, p);
                let mean: f64 = xs.iter().zip(&weights).map(|(x, w)| x * w).sum();
                let var: f64 = xs.iter().zip(&weights).map(|(x, w)| w * (x - mean).powi(2)).sum();
                ParamSummary {
                    name: param.name(),
                    median: q(0.5),
                    p5: q(0.05),
                    p95: q(0.95),
                    p90: q(0.9),
                    mean,
                    sd: var.sqrt(),
                    prior_median: param.prior_quantile(0.5),
                    prior_p5: param.prior_quantile(0.05),
                    prior_p95: param.prior_quantile(0.95),
                }
            })
            .collect()
    }

    /// `n` posterior draws (parameter values), resampled from the last population with the
    /// fit's seed and `stream`; draw `k` also gets the run seed `derive_seed(seed, [stream, k])`.
    pub fn draws(&self, n: usize, stream: u64) -> Vec<(Vec<f64>, u64)> {
        let last = self.outcome.posterior();
        let indices = last.resample(n, derive_seed(self.seed, &[stream]));
        let values = self.values(last);
        indices
            .into_iter()
            .enumerate()
            .map(|(k, i)| (values[i].clone(), derive_seed(self.seed, &[stream, k as u64])))
            .collect()
    }
}
