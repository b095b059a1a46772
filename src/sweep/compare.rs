//! `ipwarm compare`: a plan that compares whole scenarios, or strategies on a
//! scenario, over replicates with common random numbers.
//!
//! A strategy is named as `ipwarm run --strategy` names it (a kind on its
//! defaults, or a preset: [`crate::strategy::catalog::by_name`]), or as
//! `NAME:key=value,key=value` to set parameters (values in TOML syntax, e.g.
//! `exponential:growth=1.5` or `kumo_conservative:target=50000`), which
//! [`strategy_table`] turns into a `[strategy]` table validated like a file's.

use super::ExperimentError;
use super::experiment_file::{parse_with_table, runs_problem};
use super::plan::{DesignPoint, Plan, SeedMode, content_hash};
use crate::report::experiment::ChartSpec;
use crate::scenario::{self, Problem, Scenario};
use crate::strategy::{StrategySpec, catalog};

/// The `[strategy]` table for `NAME:key=value,...`: `NAME` is a kind or a
/// preset; a kind starts from the scenario's own `[strategy]` table `own` when
/// it is of that kind, and from the kind's defaults otherwise. An error message
/// for a malformed parameter.
pub fn strategy_table(name: &str, own: Option<&toml::Table>) -> Result<toml::Table, String> {
    let (base, params) = name.split_once(':').unwrap_or((name, ""));
    let is_preset = matches!(catalog::by_name(base), Ok((_, Some(_))));
    let mut table = match own.filter(|t| t.get("kind").and_then(|k| k.as_str()) == Some(base)) {
        Some(t) => t.clone(),
        None => {
            let mut t = toml::Table::new();
            if is_preset {
                t.insert("kind".into(), toml::Value::String("preset".into()));
                t.insert("name".into(), toml::Value::String(base.into()));
            } else {
                t.insert("kind".into(), toml::Value::String(base.into()));
            }
            if let Some(order) = own.and_then(|o| o.get("segment_order")) {
                t.insert("segment_order".into(), order.clone());
            }
            t
        }
    };
    for pair in params.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| format!("`{pair}` in strategy `{name}`: expected key=value"))?;
        let parsed: toml::Table = toml::from_str(&format!("v = {}", value.trim()))
            .or_else(|_| toml::from_str(&format!("v = \"{}\"", value.trim())))
            .map_err(|_| format!("`{pair}` in strategy `{name}`: cannot read the value"))?;
        if let Some(v) = parsed.get("v") {
            table.insert(key.trim().to_string(), v.clone());
        }
    }
    Ok(table)
}

/// `scenario` with its strategy replaced by the kind or preset `name`, as `ipwarm run --strategy` does.
fn with_named_strategy(mut scenario: Scenario, name: &str) -> Result<Scenario, String> {
    let (kind, preset) = catalog::by_name(name).map_err(|e| e.to_string())?;
    kind.check_ips(&scenario.ips).map_err(|m| format!("--strategy {name}: {m} in scenario `{}`", scenario.name))?;
    scenario.strategy = StrategySpec { kind, preset: preset.map(str::to_string), ..scenario.strategy };
    Ok(scenario)
}

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

/// The plan of a comparison: every scenario with every strategy (scenario-major),
/// with common random numbers; axes `scenario` (if more than one) and `strategy` (if any).
pub fn compare_plan(input: &CompareInput) -> Result<Plan, ExperimentError> {
    let mut problems: Vec<Problem> = Vec::new();
    let mut bases: Vec<(String, toml::Table)> = Vec::new();
    for (file, text) in &input.scenarios {
        match parse_with_table(text, file) {
            Ok((s, t)) => bases.push((s.name, t)),
            Err(p) => problems.extend(p),
        }
    }
    // Scenario labels: their names, or their files if names repeat.
    let mut labels: Vec<String> = bases.iter().map(|(n, _)| n.clone()).collect();
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
    for (b, (_, base)) in bases.iter().enumerate() {
        let strategies: Vec<Option<&String>> =
            if input.strategies.is_empty() { vec![None] } else { input.strategies.iter().map(Some).collect() };
        for name in strategies {
            let mut doc = base.clone();
            let mut values = Vec::new();
            if input.scenarios.len() > 1 {
                values.push(labels[b].clone());
            }
            // `NAME:params` becomes a [strategy] table; a plain NAME is applied after validation.
            if let Some(name) = name.filter(|n| n.contains(':')) {
                let own = base.get("strategy").and_then(|s| s.as_table());
                match strategy_table(name, own) {
                    Ok(t) => {
                        doc.insert("strategy".into(), toml::Value::Table(t));
                    }
                    Err(msg) => {
                        problems.push(problem("--strategy", &msg));
                        continue;
                    }
                }
            }
            if let Some(name) = name {
                values.push(name.clone());
            }
            let text = toml::to_string(&doc).unwrap_or_default();
            let file = format!("{} with --strategy {}", input.scenarios[b].0, name.map_or("(own)", |s| s.as_str()));
            let named = name.filter(|n| !n.contains(':'));
            match scenario::parse(&text, &file) {
                Ok(scenario) => match named.map_or(Ok(scenario.clone()), |n| with_named_strategy(scenario, n)) {
                    Ok(scenario) => points.push(DesignPoint { values, scenario }),
                    Err(msg) => problems.push(problem("--strategy", &msg)),
                },
                Err(e) => problems.extend(e.into_problems(&file)),
            }
        }
    }
    let replicates = input.replicates.max(1);
    if problems.is_empty()
        && let Some(msg) = runs_problem(points.len(), replicates)
    {
        problems.push(problem("--replicates", &msg));
    }
    if !problems.is_empty() {
        return Err(ExperimentError::invalid(problems));
    }
    let mut hash_parts: Vec<&str> = input.scenarios.iter().map(|(_, t)| t.as_str()).collect();
    hash_parts.extend(input.strategies.iter().map(String::as_str));
    // The seed changes the runs, so a resumed comparison must have the same; more
    // replicates only add runs (see `Plan::run_id`), so they are not part of the hash.
    let settings = format!("seed={}", input.seed);
    hash_parts.push(&settings);
    let n = points.len();
    let name = if bases.len() == 1 { format!("compare-{}", bases[0].0) } else { "compare".to_string() };
    Ok(Plan {
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
    Problem { file: file.into(), line: 1, col: 1, key_path: String::new(), message: message.to_lowercase() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategy_names_resolve_with_parameters() {
        let own: toml::Table = toml::from_str(
            "kind = \"exponential\"\nstart = 500.0\ngrowth = 1.2\ntarget = 9e4\nsegment_order = \"proportional\"",
        )
        .unwrap();
        let t = strategy_table("exponential:growth=1.5", Some(&own)).unwrap();
        assert_eq!((t["start"].as_float(), t["growth"].as_float()), (Some(500.0), Some(1.5)));
        let l = strategy_table("linear:ramp_days=20", Some(&own)).unwrap();
        assert_eq!((l["kind"].as_str(), l["ramp_days"].as_integer()), (Some("linear"), Some(20)));
        assert_eq!(l["segment_order"].as_str(), Some("proportional"));
        let p = strategy_table("kumo_conservative:target=5000", None).unwrap();
        assert_eq!((p["kind"].as_str(), p["name"].as_str()), (Some("preset"), Some("kumo_conservative")));
        assert!(strategy_table("exponential:growth", None).is_err());
    }

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
        let err = compare_plan(&bad).unwrap_err().to_string();
        assert!(err.contains("strategy.growth: must be > 1"), "{err}");
        assert!(err.contains("unknown strategy `adaptiv`"), "{err}");
    }
}
