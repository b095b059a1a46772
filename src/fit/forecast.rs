//! The forecast: posterior draws run from day 1 to the last observed day plus `N`, replaying
//! the observed volumes on the observed days and then following the scenario's strategy (or
//! another), and per provider and day the probability of being warm by then and the expected
//! deferrals, blocks and complaints with their 90% bands.
//!
//! A provider is warm by day `d` in a draw when the run's warm day (`RunResult::warm_day`, the
//! model's rule) is at most `d`; the probability is the share of draws. Deferrals and blocks
//! are replies to all of the sender's IPs; complaints are every complaint recipients made,
//! reported by a feedback loop or not (what the provider counts against the sender).

use rayon::prelude::*;

use super::predictive::quantile_sorted;
use super::{FORECAST_STREAM, Fit};
use crate::observed::CivilDate;
use crate::sim::SimError;
use crate::strategy::StrategySpec;

/// Mean, 5% and 95% quantiles over the draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Mean.
    pub mean: f64,
    /// 5% quantile.
    pub p5: f64,
    /// 95% quantile.
    pub p95: f64,
}

/// One (provider, day) of the forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRow {
    /// Provider name.
    pub provider: String,
    /// Day, 1-based (day 1 is the first observed day).
    pub day: u32,
    /// Its date.
    pub date: CivilDate,
    /// Whether the day was observed (its volumes replayed).
    pub observed: bool,
    /// Share of draws warm at this provider by this day.
    pub probability_warm: f64,
    /// 4xx replies of the day (replies).
    pub deferrals: Spread,
    /// 5xx blocks of the day (messages).
    pub blocks: Spread,
    /// Complaints of the day (complaints).
    pub complaints: Spread,
}

/// A forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Rows by (provider in scenario order, day).
    pub rows: Vec<ForecastRow>,
    /// Posterior draws run.
    pub draws: usize,
    /// Days observed.
    pub observed_days: u32,
    /// Days simulated.
    pub horizon_days: u32,
    /// The strategy after the observed days, as `StrategySpec::label` writes it.
    pub strategy: String,
    /// Per provider, the share of draws never warm within the horizon.
    pub never_warm: Vec<(String, f64)>,
}

/// The forecast of `extra_days` days beyond the observed ones from `draws` posterior draws of
/// `fit`, under `strategy` (`None`: the scenario's).
pub fn forecast(
    fit: &Fit,
    extra_days: u32,
    strategy: Option<&StrategySpec>,
    draws: usize,
) -> Result<Forecast, SimError> {
    let setup = &fit.setup;
    let horizon = setup.data.n_days + extra_days;
    let n_providers = setup.scenario.providers.len();
    let n_days = horizon as usize;
    // Per draw: warm days, and per (provider, day) deferrals, blocks, complaints.
    type Draw = (Vec<Option<u32>>, Vec<[u64; 3]>);
    let runs: Vec<Draw> = fit
        .draws(draws, FORECAST_STREAM)
        .par_iter()
        .map(|(values, seed)| {
            let (_, result) = setup.run(values, horizon, strategy, *seed)?;
            let mut cells = vec![[0u64; 3]; n_providers * n_days];
            for r in &result.records {
                if r.provider < n_providers && (1..=horizon).contains(&r.day) {
                    let c = &mut cells[r.provider * n_days + r.day as usize - 1];
                    c[0] += r.counts.deferred;
                    c[1] += r.counts.blocked;
                    c[2] += r.counts.complaints;
                }
            }
            Ok((result.warm_day, cells))
        })
        .collect::<Result<_, SimError>>()?;
    let spread = |i: usize, k: usize| -> Spread {
        let mut xs: Vec<f64> = runs.iter().map(|(_, c)| c[i][k] as f64).collect();
        xs.sort_by(f64::total_cmp);
        let mean = xs.iter().sum::<f64>() / xs.len().max(1) as f64;
        Spread { mean, p5: quantile_sorted(&xs, 0.05), p95: quantile_sorted(&xs, 0.95) }
    };
    let n = runs.len().max(1) as f64;
    let mut rows = Vec::with_capacity(n_providers * n_days);
    let mut never_warm = Vec::with_capacity(n_providers);
    for (p, provider) in setup.scenario.providers.iter().enumerate() {
        for day in 1..=horizon {
            let warm = runs.iter().filter(|(w, _)| w.get(p).copied().flatten().is_some_and(|d| d <= day)).count();
            let i = p * n_days + day as usize - 1;
            rows.push(ForecastRow {
                provider: provider.name.clone(),
                day,
                date: setup.data.start.plus_days(i64::from(day) - 1),
                observed: day <= setup.data.n_days,
                probability_warm: warm as f64 / n,
                deferrals: spread(i, 0),
                blocks: spread(i, 1),
                complaints: spread(i, 2),
            });
        }
        let never = runs.iter().filter(|(w, _)| w.get(p).copied().flatten().is_none()).count();
        never_warm.push((provider.name.clone(), never as f64 / n));
    }
    let label = strategy.unwrap_or(&setup.scenario.strategy).label();
    Ok(Forecast { rows, draws, observed_days: setup.data.n_days, horizon_days: horizon, strategy: label, never_warm })
}
