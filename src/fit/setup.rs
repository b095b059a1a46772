//! What a fit needs to simulate a particle: the base scenario, the data laid out on it, the
//! parameters and the summaries, and the one function that runs the scenario with given
//! parameter values ([`Setup::run`]).
//!
//! A particle's values replace the scenario's values of the fitted parameters (and their
//! distributions: a fitted parameter is not drawn again); every other uncertain parameter is
//! still drawn from its prior with the run's seed, so that it is integrated out. When a fitted
//! lower parameter of an ordered pair (`model::ORDERED_PARAMS`, such as the two allowance
//! growths) ends above its fixed upper one, the upper one is raised to it, as draws are.

use std::collections::HashMap;

use super::data::{ObservedData, lay_out};
use super::params::{FitParam, choose};
use super::replay::Replay;
use super::summaries::SummaryLayout;
use crate::model::{ORDERED_PARAMS, provider_param};
use crate::observed::{ObservedRow, match_ip, observed_rows};
use crate::scenario::Scenario;
use crate::sim::{RunResult, SimError};
use crate::strategy::StrategySpec;

/// A fit's fixed inputs.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The base scenario, as given.
    pub scenario: Scenario,
    /// The observed data laid out on it.
    pub data: ObservedData,
    /// The parameters fitted, in output order.
    pub params: Vec<FitParam>,
    /// Where each summary sits.
    pub layout: SummaryLayout,
    /// The observed summaries.
    pub observed: Vec<f64>,
    /// Scenario IP index of each IP label a run's rows carry.
    labels: HashMap<String, usize>,
}

impl Setup {
    /// The setup of fitting `requested` parameters (`provider.key`; `None`: the defaults) of
    /// `scenario` to `rows`; every problem as a message.
    pub fn new(scenario: &Scenario, rows: &[ObservedRow], requested: Option<&[String]>) -> Result<Self, Vec<String>> {
        let data = lay_out(rows, scenario)?;
        let params = choose(scenario, &data.providers, requested)?;
        let reference = scenario.ips.iter().map(|ip| ip.is_dedicated()).collect::<Vec<_>>();
        let any_dedicated = reference.iter().any(|&d| d);
        let layout = SummaryLayout {
            n_days: data.n_days,
            providers: data.providers.iter().map(|&p| scenario.providers[p].name.clone()).collect(),
            reference: reference.iter().map(|&d| d || !any_dedicated).collect(),
        };
        let observed = layout.summaries(data.rows.iter().map(|(r, ip)| (r, *ip, data.day_of(r.date))), false);
        if observed.iter().all(|v| !v.is_finite()) {
            return Err(vec![
                "the observed data give no statistic to compare (no delivered, deferred, blocked, opened or \
                 published value at a provider of the scenario)"
                    .to_string(),
            ]);
        }
        let labels = scenario.ips.iter().enumerate().map(|(i, ip)| (crate::observed::ip_label(ip, i), i)).collect();
        Ok(Self { scenario: scenario.clone(), data, params, layout, observed, labels })
    }

    /// The scenario of a run with the fitted parameters at `values`, `horizon_days` long and
    /// with `strategy` (`None`: the scenario's).
    pub fn scenario_with(&self, values: &[f64], horizon_days: u32, strategy: Option<&StrategySpec>) -> Scenario {
        let mut s = self.scenario.clone();
        s.horizon_days = horizon_days;
        if let Some(spec) = strategy {
            s.strategy = spec.clone();
        }
        for (param, &value) in self.params.iter().zip(values) {
            let p = &mut s.providers[param.provider];
            *(param.spec.get_mut)(p) = value;
            p.priors.retain(|q| q.key != param.spec.key);
        }
        for param in &self.params {
            let p = &mut s.providers[param.provider];
            for (low, high) in ORDERED_PARAMS {
                let (Some(l), Some(h)) = (provider_param(low), provider_param(high)) else { continue };
                let upper_drawn = p.priors.iter().any(|q| q.key == high);
                if param.spec.key == low && !upper_drawn && (h.get)(p) < (l.get)(p) {
                    *(h.get_mut)(p) = (l.get)(p);
                }
            }
        }
        s
    }

    /// Runs the scenario with the fitted parameters at `values` for `horizon_days` days with
    /// `seed`: the observed volumes on the observed days (when the data give them), then
    /// `strategy` (`None`: the scenario's).
    pub fn run(
        &self,
        values: &[f64],
        horizon_days: u32,
        strategy: Option<&StrategySpec>,
        seed: u64,
    ) -> Result<(Scenario, RunResult), SimError> {
        let scenario = self.scenario_with(values, horizon_days, strategy);
        let inner = crate::strategy::build(&scenario.strategy);
        let result = match &self.data.volumes {
            Some(volumes) => {
                let mut replay = Replay::new(volumes, inner, scenario.window.calendar);
                crate::sim::run_with(&scenario, &mut replay, seed)?
            }
            None => {
                let mut inner = inner;
                crate::sim::run_with(&scenario, inner.as_mut(), seed)?
            }
        };
        Ok((scenario, result))
    }

    /// What the sender would observe of `result` (a run of `scenario`): its rows, each with its
    /// IP's scenario index and its day.
    pub fn rows_of(&self, result: &RunResult, scenario: &Scenario) -> Vec<(ObservedRow, usize, i64)> {
        observed_rows(result, scenario, self.data.start)
            .into_iter()
            .filter_map(|row| {
                let ip = self.labels.get(&row.ip).copied().or_else(|| match_ip(&scenario.ips, &row.ip))?;
                let day = self.data.day_of(row.date);
                Some((row, ip, day))
            })
            .collect()
    }

    /// The summaries of one simulation at normal scores `z` with `seed`.
    pub fn simulate(&self, z: &[f64], seed: u64) -> Result<Vec<f64>, SimError> {
        let values = self.values(z);
        let (scenario, result) = self.run(&values, self.data.n_days, None, seed)?;
        let rows = self.rows_of(&result, &scenario);
        Ok(self.layout.summaries(rows.iter().map(|(r, ip, day)| (r, *ip, *day)), true))
    }

    /// The parameter values of normal scores `z`.
    pub fn values(&self, z: &[f64]) -> Vec<f64> {
        self.params.iter().zip(z).map(|(p, &z)| p.value(z)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observed::CivilDate;

    #[test]
    fn a_particle_fixes_its_parameters_and_keeps_ordered_pairs_in_order() {
        let mut scenario = crate::scenario::default_scenario().expect("default");
        scenario.horizon_days = 3;
        let row = ObservedRow {
            date: CivilDate::parse("2025-01-01").expect("date"),
            provider: "microsoft".into(),
            ip: "new-1".into(),
            sent: Some(100),
            delivered: Some(90),
            deferred: Some(10),
            ..ObservedRow::default()
        };
        let requested = ["microsoft.allowance_growth_untrusted".to_string()];
        let setup = Setup::new(&scenario, &[row], Some(&requested)).expect("valid");
        assert_eq!(setup.params.len(), 1);
        let microsoft = setup.params[0].provider;
        // The shipped prior of the trusted growth is uniform on [1.8, 2.0]: it stays drawn.
        let s = setup.scenario_with(&[2.5], 1, None);
        let p = &s.providers[microsoft];
        assert_eq!(p.allowance_growth_untrusted, 2.5);
        assert!(!p.priors.iter().any(|q| q.key == "allowance_growth_untrusted"));
        assert!(p.priors.iter().any(|q| q.key == "allowance_growth_trusted"));
        // Fixed, the trusted growth is raised to the fitted untrusted one.
        let mut fixed = setup.clone();
        fixed.scenario.providers[microsoft].priors.retain(|q| q.key != "allowance_growth_trusted");
        let s = fixed.scenario_with(&[2.5], 1, None);
        assert_eq!(s.providers[microsoft].allowance_growth_trusted, 2.5);
        // A run replays the observed day and is summarised; the same seed gives the same summaries.
        let a = setup.simulate(&[0.3], 7).expect("runs");
        assert_eq!(a.len(), setup.layout.len());
        assert_eq!(a, setup.simulate(&[0.3], 7).expect("runs"));
    }
}
