//! Raw serde types mirroring the optimisation TOML format, before validation.
//!
//! Built from the scenario format's raw building blocks ([`Field`],
//! [`Section`]), so that values of the wrong type and unknown keys are read and
//! worded as in scenario and experiment files. `[strategy]` is a plain table:
//! which keys it takes depends on its kind, and its values are strategy values,
//! validated with the candidate scenario; `[search]` maps parameter keys to
//! ranges, whose keys are checked here.
//!
//! The same types give the JSON Schema of the format (`crate::schema`,
//! `ipwarm schema optimization`): their doc comments are its descriptions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::{Field, KeyPath, Opt, OptSection, Section, Seg, fields_of};

/// The whole file. The field order is the order keys are suggested in.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
#[schemars(extend("required" = ["name", "scenario", "budget", "strategy", "search", "objective"]))]
pub(crate) struct RawOptimize {
    /// Short name (letters, digits, `_`, `-`): the default output folder is `output/<name>/`. Required.
    pub name: Opt<String>,
    /// Free text shown in summaries.
    pub description: Opt<String>,
    /// A scenario file path, or an inline `[scenario]` table. Required.
    #[schemars(default, schema_with = "crate::schema::base_scenario_schema")]
    pub scenario: Option<toml::Value>,
    /// Root seed (default 1); every run's seed is derived from it.
    #[schemars(default, schema_with = "crate::schema::seed_schema")]
    pub seed: Opt<i64>,
    /// Total runs of the search and the verification (the final comparison's are extra), >= 1. Required.
    #[schemars(extend("minimum" = 1, "maximum" = crate::sweep::MAX_RUNS))]
    pub budget: Opt<i64>,
    /// The family of plans searched: exactly one of `kind` (a strategy kind or "provider_schedule") and
    /// `preset`, then fixed values of its parameters. Required.
    #[schemars(default, schema_with = "crate::schema::optimize_strategy_schema")]
    pub strategy: OptSection<BTreeMap<String, toml::Value>>,
    /// Searched parameters, at least one: each key a numeric parameter of the family (or
    /// `"PROVIDER.KEY"` for `provider_schedule`), each value its range `{ min, max, scale, step }`.
    /// Required.
    #[schemars(extend("minProperties" = 1))]
    pub search: OptSection<BTreeMap<String, Section<RawRange>>>,
    /// What is optimised: exactly one of `minimise` and `maximise`. Required.
    pub objective: OptSection<RawObjective>,
    /// Chance constraints: `P(metric above (or below) a threshold) <= max_probability`.
    pub constraint: Option<Vec<Section<RawConstraint>>>,
    /// The optimiser's settings, every key optional.
    pub optimizer: OptSection<RawOptimizer>,
}

/// One searched parameter's range: every key optional.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawRange {
    /// Smallest value searched (default: the registry's lower bound).
    pub min: Opt<f64>,
    /// Largest value searched (default: the registry's upper bound).
    pub max: Opt<f64>,
    /// "linear" (default; "log" for `provider_schedule`'s `start`) or "log" (needs min > 0).
    #[schemars(extend("enum" = ["linear", "log"]))]
    pub scale: Opt<String>,
    /// Grid step of the values (> 0, at most max - min): the values are `min + k step`.
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub step: Opt<f64>,
}

/// `[objective]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
#[schemars(extend("oneOf" = [{ "required": ["minimise"] }, { "required": ["maximise"] }]))]
pub(crate) struct RawObjective {
    /// A metric to minimise: a `runs.csv` column (the mean over a candidate's replicates).
    #[schemars(default, schema_with = "crate::schema::metric_schema")]
    pub minimise: Opt<String>,
    /// A metric to maximise: a `runs.csv` column (the mean over a candidate's replicates).
    #[schemars(default, schema_with = "crate::schema::metric_schema")]
    pub maximise: Opt<String>,
}

/// One `[[constraint]]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
#[schemars(extend(
    "required" = ["metric", "max_probability"],
    "oneOf" = [{ "required": ["above"] }, { "required": ["below"] }]
))]
pub(crate) struct RawConstraint {
    /// The metric: a `runs.csv` column. Required.
    #[schemars(default, schema_with = "crate::schema::metric_schema")]
    pub metric: Opt<String>,
    /// A violation is a value above this (`runs.csv` units); exactly one of `above` and `below`.
    pub above: Opt<f64>,
    /// A violation is a value below this (`runs.csv` units); exactly one of `above` and `below`.
    pub below: Opt<f64>,
    /// Largest probability of a violation allowed, in (0, 1). Required.
    #[schemars(extend("exclusiveMinimum" = 0, "exclusiveMaximum" = 1))]
    pub max_probability: Opt<f64>,
}

/// `[optimizer]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawOptimizer {
    /// CMA-ES population per generation, 2 to 1,000,000 (default `4 + floor(3 ln n)` for `n` searched parameters).
    #[schemars(extend("minimum" = 2, "maximum" = 1_000_000))]
    pub population: Opt<i64>,
    /// Replicates of every candidate in the first round of successive halving, >= 1 (default 4).
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    pub initial_replicates: Opt<i64>,
    /// Replicates of the candidates that survive every round, >= initial_replicates (default 32).
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    pub max_replicates: Opt<i64>,
    /// Fresh-seed replicates of each verified candidate, >= 1 (default 120).
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    pub verify_replicates: Opt<i64>,
    /// Candidates verified, >= 1 (default 3).
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    pub verify_candidates: Opt<i64>,
    /// Confidence of the Clopper-Pearson bounds over all verified candidates, in [0.5, 1) (default 0.95).
    #[schemars(extend("minimum" = 0.5, "exclusiveMaximum" = 1))]
    pub confidence: Opt<f64>,
    /// Fresh-seed replicates of each plan in the final comparison, >= 1 (default 50).
    #[schemars(extend("minimum" = 1, "maximum" = 1_000_000))]
    pub compare_replicates: Opt<i64>,
    /// The presets the best plan is compared with: names, or `["all"]` (the default) for every preset.
    #[schemars(default, schema_with = "crate::schema::compare_presets_schema")]
    pub compare_presets: Opt<Vec<Field<String>>>,
}

/// The keys allowed in the table at `table` (a path in the document).
pub(crate) fn known_keys(table: &KeyPath) -> &'static [&'static str] {
    match table.segs() {
        [] => fields_of::<RawOptimize>(),
        [Seg::Key(search), Seg::Key(_)] if search == "search" => fields_of::<RawRange>(),
        [Seg::Key(k)] if k == "objective" => fields_of::<RawObjective>(),
        [Seg::Key(k), Seg::Index(_)] if k == "constraint" => fields_of::<RawConstraint>(),
        [Seg::Key(k)] if k == "optimizer" => fields_of::<RawOptimizer>(),
        _ => &[],
    }
}
