//! Statistics that know nothing of the simulator: global sensitivity analysis (samplers and
//! estimators), in [`survival`], time-to-event estimates of censored data, and in [`abc_smc`],
//! approximate Bayesian computation (ABC-SMC) for models whose likelihood is intractable, and
//! for optimisation: [`cmaes`] (CMA-ES in the unit cube), [`halving`] (successive-halving
//! replicate schedules) and [`chance`] (Clopper-Pearson bounds for chance constraints).
//!
//! A sensitivity study has three steps, and this module owns the first and the last:
//!
//! 1. **Sample** points in the unit cube `[0, 1)^k`, one coordinate per factor:
//!    [`saltelli::sample`] (Sobol indices, from a scrambled Sobol sequence, [`sobol_seq`]),
//!    [`morris::trajectories`] (elementary effects), or any design for [`prcc::prcc`] (a Latin
//!    hypercube, say).
//! 2. The caller maps each coordinate onto its factor's range or distribution and evaluates its
//!    model once per point, in the order given.
//! 3. **Analyze** the outputs, in the same order: [`saltelli::analyze`], [`morris::analyze`],
//!    [`prcc::prcc`]. Every index comes as an [`Estimate`] with a confidence interval.
//!
//! Everything is deterministic in its `seed` (samples and bootstrap resamples come from named
//! [`crate::engine`] streams or from the seeded Sobol scrambling). Errors are lower-case
//! messages naming the culprit (a row, a factor, a trajectory). The methods, equations and
//! sources are written out in `docs/SENSITIVITY.md`.
//!
//! **Architecture Invariant:** this module imports nothing of the simulator (`model`,
//! `strategy`, `scenario`, `sim`, `report`, `sweep`, `cli`); it uses only the engine's RNG.

pub mod abc_smc;
mod bootstrap;
pub mod chance;
pub mod cmaes;
pub mod halving;
pub mod morris;
pub mod prcc;
pub mod saltelli;
pub mod sobol_seq;
pub mod survival;
mod trajectory;

/// One estimated quantity with a confidence interval (`ci_low <= ci_high`, both NaN when no
/// interval could be computed; the confidence level is the one the analysis was given).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// The point estimate, from the whole sample.
    pub estimate: f64,
    /// Lower bound of the confidence interval.
    pub ci_low: f64,
    /// Upper bound of the confidence interval.
    pub ci_high: f64,
}

impl Estimate {
    /// An estimate with every field NaN (an index that is not defined, such as any Sobol index
    /// of a constant output).
    pub const NAN: Estimate = Estimate { estimate: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN };

    /// Whether `value` lies in `[ci_low, ci_high]`.
    pub fn covers(&self, value: f64) -> bool {
        self.ci_low <= value && value <= self.ci_high
    }
}

#[cfg(test)]
mod tests;
