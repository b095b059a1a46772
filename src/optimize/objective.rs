//! What an optimisation minimises or maximises, and the chance constraints it
//! must meet: metrics of one run named as `runs.csv` names them, and a run's
//! [`Outcome`] ([`evaluate`]).
//!
//! A metric is one of [`RUN_METRIC_TABLE`] or `days_to_warm_<provider>`, and
//! its value in a run is the value `runs.csv` would hold (the same function
//! computes it), in the same units: a share is a fraction (0.01, not 1%). A
//! run's objective is the metric's value; a missing value (a provider not warm
//! within the horizon, the only metrics that can be missing) is censored at
//! the horizon + 1 day, the first day the run did not observe: a plan that
//! never warms up ranks after every plan that does, and a mean over replicates
//! stays finite. A missing value violates every constraint on the metric
//! (a provider not warm counts as not warm by any day).

use crate::model::Counts;
use crate::report::experiment::{DAYS_TO_WARM_PREFIX, RUN_METRIC_TABLE, RunMetric, Value};
use crate::scenario::Scenario;
use crate::sim::RunResult;

use super::OptimizeSpec;

/// A metric of one run: a `runs.csv` column.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRef {
    /// The column name.
    name: String,
    /// Its title, with its unit.
    title: String,
    /// Where its value comes from.
    source: Source,
}

/// Where a metric's value comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// An entry of [`RUN_METRIC_TABLE`], by index.
    Run(usize),
    /// The warm day of the provider named.
    DaysToWarm(String),
}

impl MetricRef {
    /// The metric called `name` ([`RUN_METRIC_TABLE`], or `days_to_warm_<provider>`
    /// for one of `providers`); otherwise the names it could be, for messages.
    pub fn parse(name: &str, providers: &[String]) -> Result<Self, Vec<String>> {
        if let Some(i) = RUN_METRIC_TABLE.iter().position(|m| m.name == name) {
            let m: &RunMetric = &RUN_METRIC_TABLE[i];
            return Ok(Self { name: name.to_string(), title: m.title.to_string(), source: Source::Run(i) });
        }
        if let Some(provider) = name.strip_prefix(DAYS_TO_WARM_PREFIX)
            && providers.iter().any(|p| p == provider)
        {
            return Ok(Self {
                name: name.to_string(),
                title: format!("days until {provider} is warm"),
                source: Source::DaysToWarm(provider.to_string()),
            });
        }
        Err(Self::names(providers))
    }

    /// Every metric name a scenario with `providers` has.
    pub fn names(providers: &[String]) -> Vec<String> {
        let mut names: Vec<String> = RUN_METRIC_TABLE.iter().map(|m| m.name.to_string()).collect();
        names.extend(providers.iter().map(|p| format!("{DAYS_TO_WARM_PREFIX}{p}")));
        names
    }

    /// The column name (`days_to_warm_all`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The title, with its unit.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Whether the metric counts days to warm (whose missing values are censored).
    pub fn is_days_to_warm(&self) -> bool {
        self.name.starts_with(DAYS_TO_WARM_PREFIX)
    }

    /// The value of a run (None: missing, e.g. not warm within the horizon).
    pub fn value(&self, result: &RunResult) -> Option<f64> {
        self.value_with(result, &day_totals(result))
    }

    /// [`Self::value`], given the run's day-by-day totals over providers and IPs
    /// ([`day_totals`]), computed once for several metrics.
    pub fn value_with(&self, result: &RunResult, days: &[Counts]) -> Option<f64> {
        match &self.source {
            Source::Run(i) => match (RUN_METRIC_TABLE[*i].value)(result, days) {
                Value::Count(n) => Some(n as f64),
                Value::Real(v) => Some(v),
                Value::Missing => None,
            },
            Source::DaysToWarm(provider) => {
                let p = result.provider_names.iter().position(|n| n == provider)?;
                result.warm_day.get(p).copied().flatten().map(f64::from)
            }
        }
    }
}

/// The counts of each day of `result` summed over providers and IPs (index 0 = day 1),
/// as `runs.csv`'s peak rates read them.
pub fn day_totals(result: &RunResult) -> Vec<Counts> {
    let max_day = result.records.iter().map(|r| r.day).max().unwrap_or(0);
    let n_days = result.horizon_days.max(max_day) as usize;
    let mut days = vec![Counts::default(); n_days];
    for r in &result.records {
        if let Some(day) = days.get_mut(r.day.max(1) as usize - 1) {
            day.add(&r.counts);
        }
    }
    days
}

/// What is optimised: a metric's mean over replicates, minimised or maximised.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// The metric.
    pub metric: MetricRef,
    /// Whether larger is better.
    pub maximise: bool,
}

impl Objective {
    /// `minimise days_to_warm_all`.
    pub fn describe(&self) -> String {
        format!("{} {}", if self.maximise { "maximise" } else { "minimise" }, self.metric.name())
    }
}

/// A chance constraint: P(the metric is above (or below) a threshold) <= `max_probability`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// The metric.
    pub metric: MetricRef,
    /// Whether a value above `threshold` is a violation (else one below it).
    pub above: bool,
    /// The threshold, in `runs.csv` units.
    pub threshold: f64,
    /// The largest probability of a violation allowed, in (0, 1).
    pub max_probability: f64,
}

impl Constraint {
    /// Whether a run's value violates the constraint; a missing value does.
    pub fn violated(&self, value: Option<f64>) -> bool {
        match value {
            None => true,
            Some(v) if v.is_nan() => true,
            Some(v) => {
                if self.above {
                    v > self.threshold
                } else {
                    v < self.threshold
                }
            }
        }
    }

    /// `P(blocked_share > 0.01) <= 0.05`.
    pub fn describe(&self) -> String {
        format!(
            "P({} {} {}) <= {}",
            self.metric.name(),
            if self.above { ">" } else { "<" },
            self.threshold,
            self.max_probability
        )
    }
}

/// One run's outcome: the objective's value and each constraint's violation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The objective metric's value; a missing days-to-warm value is the horizon + 1.
    pub objective: f64,
    /// Whether the run violates each constraint, in the file's order.
    pub violated: Vec<bool>,
}

/// The outcome of `result` under `objective` and `constraints`.
pub fn outcome(objective: &Objective, constraints: &[Constraint], result: &RunResult) -> Outcome {
    let days = day_totals(result);
    let censored = f64::from(result.horizon_days) + 1.0;
    let objective = objective.metric.value_with(result, &days).filter(|v| !v.is_nan()).unwrap_or(censored);
    let violated = constraints.iter().map(|c| c.violated(c.metric.value_with(result, &days))).collect();
    Outcome { objective, violated }
}

/// Runs `scenario` (a candidate of `spec`) at `seed` and returns its outcome;
/// `Err` if the simulation failed.
pub fn evaluate(spec: &OptimizeSpec, scenario: &Scenario, seed: u64) -> Result<Outcome, String> {
    let result = crate::sim::run(scenario, seed).map_err(|e| e.to_string())?;
    Ok(outcome(&spec.objective, &spec.constraints, &result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers() -> Vec<String> {
        vec!["gmail".to_string(), "yahoo".to_string()]
    }

    #[test]
    fn metrics_are_runs_csv_columns_or_a_providers_days_to_warm() {
        let m = MetricRef::parse("blocked_share", &providers()).expect("known");
        assert_eq!(m.name(), "blocked_share");
        assert!(m.title().contains("blocked"));
        let g = MetricRef::parse("days_to_warm_gmail", &providers()).expect("a provider");
        assert!(g.is_days_to_warm() && g.title() == "days until gmail is warm");
        let names = MetricRef::parse("days_to_warm_hotmail", &providers()).expect_err("no such provider");
        assert!(names.contains(&"days_to_warm_yahoo".to_string()) && names.contains(&"inbox".to_string()));
    }

    #[test]
    fn constraints_count_missing_values_as_violations() {
        let metric = MetricRef::parse("days_to_warm_all", &providers()).expect("known");
        let c = Constraint { metric: metric.clone(), above: true, threshold: 45.0, max_probability: 0.1 };
        assert!(!c.violated(Some(45.0)) && c.violated(Some(46.0)) && c.violated(None));
        assert_eq!(c.describe(), "P(days_to_warm_all > 45) <= 0.1");
        let below = Constraint { metric, above: false, threshold: 0.5, max_probability: 0.05 };
        assert!(below.violated(Some(0.4)) && !below.violated(Some(0.5)) && below.violated(Some(f64::NAN)));
    }

    #[test]
    fn values_are_those_of_runs_csv() {
        let mut scenario = crate::scenario::default_scenario().expect("default");
        scenario.horizon_days = 10;
        let result = crate::sim::run(&scenario, 3).expect("runs");
        let names = scenario.providers.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        let rows = crate::report::experiment::metric_rows(0, &names, &[], &result, false).expect("rows");
        for (i, name) in MetricRef::names(&names).iter().enumerate() {
            let m = MetricRef::parse(name, &names).expect("known");
            // runs.csv: the provider columns first, then the table.
            let field = if i < RUN_METRIC_TABLE.len() {
                rows.field(names.len() + i).expect("a field")
            } else {
                rows.field(i - RUN_METRIC_TABLE.len()).expect("a field")
            };
            let value = m.value(&result);
            match value {
                None => assert_eq!(field, "", "{name}"),
                Some(v) => {
                    let csv: f64 = field.parse().expect("a number");
                    assert!((csv - v).abs() <= 1e-6 * v.abs().max(1.0), "{name}: {csv} vs {v}");
                }
            }
        }
    }
}
