//! `ipwarm compare`: a plan that compares whole scenarios, or strategies on a
//! scenario, over replicates with common random numbers.
//!
//! A strategy is named as `ipwarm run --strategy` names it: a kind on its
//! defaults or a preset, or `NAME:key=value,...` to set parameters (values in
//! TOML syntax, e.g. `exponential:growth=1.5` or `kumo_conservative:target=50000`);
//! [`StrategyArg`] reads it and locates its problems in the argument.

use std::fmt;

use super::ExperimentError;
use super::experiment_file::{parse_with_table, runs_problem};
use super::plan::{DesignPoint, Plan, SeedMode, content_hash};
use super::strategy_arg::{ArgProblem, StrategyArg};
use crate::report::experiment::ChartSpec;
use crate::scenario::{Problem, Scenario};

/// What to compare.
#[derive(Debug, Clone)]
pub struct CompareInput {
    /// Scenarios: display name (file) and text; at least one.
    pub scenarios: Vec<(String, String)>,
    /// Strategy names; empty: each scenario's own strategy.
    pub strategies: Vec<String>,
    /// Replicates per design point.
    pub replicates: u32,
    /// Root seed.
    pub seed: u64,
}

/// Why a comparison could not be built: every problem, those of the
/// `--strategy` arguments (located in them) first, then those of the scenario
/// files (located at `file:line:col`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareError {
    /// Problems of the `--strategy` arguments, in their order.
    pub arguments: Vec<ArgProblem>,
    /// Problems of the scenario files and of `--replicates`, sorted by file and position.
    pub problems: Vec<Problem>,
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arguments = self.arguments.iter().map(ArgProblem::to_string);
        let lines: Vec<String> = arguments.chain(self.problems.iter().map(Problem::to_string)).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for CompareError {}

/// The plan of a comparison: every scenario with every strategy (scenario-major),
/// with common random numbers; axes `scenario` (if more than one) and `strategy` (if any).
pub fn compare_plan(input: &CompareInput) -> Result<Plan, CompareError> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut arguments: Vec<ArgProblem> = Vec::new();
    let mut bases: Vec<(Scenario, &str)> = Vec::new();
    for (file, text) in &input.scenarios {
        match parse_with_table(text, file) {
            Ok((s, _)) => bases.push((s, text)),
            Err(p) => problems.extend(p),
        }
    }
    let strategies: Vec<Option<StrategyArg>> =
        input.strategies.iter().map(|s| StrategyArg::parse(s).map_err(|e| arguments.extend(e.problems)).ok()).collect();
    // Scenario labels: their names, or their files if names repeat.
    let mut labels: Vec<String> = bases.iter().map(|(s, _)| s.name.clone()).collect();
    if (1..labels.len()).any(|i| labels[..i].contains(&labels[i])) {
        labels = input.scenarios.iter().map(|(f, _)| f.clone()).collect();
    }
    let mut points = Vec::new();
    let mut axes = Vec::new();
    if input.scenarios.len() > 1 {
        axes.push("scenario".to_string());
    }
    if !input.strategies.is_empty() {
        axes.push("strategy".to_string());
    }
    for (b, (base, text)) in bases.iter().enumerate() {
        let mut values = Vec::new();
        if input.scenarios.len() > 1 {
            values.push(labels[b].clone());
        }
        if input.strategies.is_empty() {
            points.push(DesignPoint::new(values, base.clone()));
            continue;
        }
        // A strategy that did not parse is reported once, above.
        for arg in strategies.iter().flatten() {
            match arg.apply(base, text) {
                Ok(scenario) => {
                    let values = values.iter().cloned().chain([arg.text().to_string()]).collect();
                    points.push(DesignPoint::new(values, scenario));
                }
                Err(e) => {
                    for p in e.problems {
                        if !arguments.contains(&p) {
                            arguments.push(p);
                        }
                    }
                }
            }
        }
    }
    let replicates = input.replicates.max(1);
    if problems.is_empty()
        && arguments.is_empty()
        && let Some(msg) = runs_problem(points.len(), replicates)
    {
        problems.push(problem("--replicates", &msg));
    }
    if !problems.is_empty() || !arguments.is_empty() {
        let ExperimentError::Invalid { problems } = ExperimentError::invalid(problems);
        return Err(CompareError { arguments, problems });
    }
    let mut hash_parts: Vec<&str> = input.scenarios.iter().map(|(_, t)| t.as_str()).collect();
    hash_parts.extend(input.strategies.iter().map(String::as_str));
    // The seed changes the runs, so a resumed comparison must have the same; more
    // replicates only add runs (see `Plan::run_id`), so they are not part of the hash.
    let settings = format!("seed={}", input.seed);
    hash_parts.push(&settings);
    let n = points.len();
    let name = super::provenance::compare_name(&labels, &input.strategies);
    Ok(Plan {
        sampling: None,
        name,
        description: String::new(),
        design: "compare".into(),
        replicates,
        root_seed: input.seed,
        seeds: SeedMode::Common,
        axes,
        points,
        series: true,
        charts: ChartSpec::default_for(n, false),
        hash: content_hash(&hash_parts),
    })
}

fn problem(file: &str, message: &str) -> Problem {
    Problem::of_file(file, message.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;

    #[test]
    fn compares_strategies_on_one_scenario() {
        let input = CompareInput {
            scenarios: vec![("default.toml".into(), scenario::DEFAULT_SCENARIO_TOML.into())],
            strategies: vec!["exponential".into(), "kumo_conservative".into(), "exponential:growth=2".into()],
            replicates: 3,
            seed: 5,
        };
        let plan = compare_plan(&input).unwrap();
        assert_eq!(plan.axes, ["strategy"]);
        assert_eq!(plan.points.len(), 3);
        assert_eq!(plan.points[1].scenario.strategy.preset.as_deref(), Some("kumo_conservative"));
        assert_eq!(plan.n_runs(), 9);
        assert_eq!(plan.run_id(1).seed, plan.run_id(2).seed, "common random numbers");
        assert_eq!((plan.run_id(4).point, plan.run_id(4).replicate), (1, 1), "replicate-major");
        let more = CompareInput { replicates: 4, ..input.clone() };
        assert_eq!(compare_plan(&more).unwrap().hash, plan.hash, "replicates can be added");
        let too_many = CompareInput { replicates: u32::MAX, ..input.clone() };
        let err = compare_plan(&too_many).unwrap_err().to_string();
        assert!(
            err.contains("3 design points x 4294967295 replicates = 12884901885 runs, more than the limit"),
            "{err}"
        );
        let other_seed = CompareInput { seed: 2, ..input.clone() };
        assert_ne!(compare_plan(&other_seed).unwrap().hash, plan.hash, "a resumed comparison must have the same runs");
        let bad = CompareInput { strategies: vec!["exponential:growth=0.5".into(), "adaptiv".into()], ..input };
        let err = compare_plan(&bad).unwrap_err();
        assert_eq!(err.arguments.len(), 2, "{err}");
        let err = err.to_string();
        assert!(err.contains("--strategy: strategy.growth: must be > 1"), "{err}");
        assert!(err.contains("--strategy: unknown strategy `adaptiv`, did you mean `adaptive`?"), "{err}");
        assert!(err.contains("\n | --strategy exponential:growth=0.5\n"), "{err}");
    }
}
