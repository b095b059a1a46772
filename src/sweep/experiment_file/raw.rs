//! Raw serde types mirroring the experiment TOML format, before validation.
//!
//! Built from the scenario format's raw building blocks ([`Field`],
//! [`Section`]), so that values of the wrong type and unknown keys are read and
//! worded as in scenario files. Values that are scenario values (the inline
//! base scenario, an axis's values and range) stay TOML values: they are
//! written into the base scenario and validated there.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scenario::{Field, KeyPath, Opt, OptSection, Section, Seg, fields_of};

/// The whole file. The field order is the order keys are suggested in.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawExperiment {
    /// Short name (letters, digits, `_`, `-`): the default output folder is output/<name>/. Required.
    pub name: Opt<String>,
    /// Free text shown in summaries.
    pub description: Opt<String>,
    /// A scenario file path, or an inline `[scenario]` table.
    #[schemars(default, schema_with = "crate::schema::base_scenario_schema")]
    pub scenario: Option<toml::Value>,
    /// Runs per design point, >= 1 (default 1).
    pub replicates: Opt<i64>,
    /// Root seed (default 1); each run's seed is derived from it.
    pub seed: Opt<i64>,
    /// "common" (default: paired replicates across points) or "independent".
    pub seeds: Opt<String>,
    /// "grid" (default), "zip", "lhs", "morris" or "sobol".
    pub design: Opt<String>,
    /// Number of points of an "lhs" design; base rows (a power of 2) of a "sobol" design.
    pub samples: Opt<i64>,
    /// Trajectories of a "morris" design (10 to 50 is usual).
    pub trajectories: Opt<i64>,
    /// Levels of a "morris" design's grid (even; default 4).
    pub levels: Opt<i64>,
    /// Whether a "sobol" design also estimates second-order indices (default false).
    pub second_order: Opt<bool>,
    /// Whether to write series.csv, the daily values of every run (default true).
    pub series: Opt<bool>,
    /// Axis key path (as written) to its spec; the order comes from the locator.
    pub axes: OptSection<BTreeMap<String, Section<RawAxis>>>,
    /// Which charts to draw.
    pub charts: OptSection<RawCharts>,
}

/// One axis: `{ values = [...], labels = [...] }` or `{ range = [lo, hi], steps = n }`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawAxis {
    /// Scenario values, any TOML value each.
    #[schemars(default, schema_with = "crate::schema::axis_values_schema")]
    pub values: Option<toml::Value>,
    /// Names of the values in outputs and legends (default: the values themselves).
    pub labels: Opt<Vec<Field<String>>>,
    /// Two numbers.
    #[schemars(default, schema_with = "crate::schema::axis_range_schema")]
    pub range: Option<toml::Value>,
    /// Number of evenly spaced values of `range`, ends included.
    pub steps: Opt<i64>,
    /// A distribution to sample (sampled designs only): "lognormal", "uniform", "normal" or "beta".
    #[schemars(with = "Option<String>")]
    pub dist: Option<toml::Value>,
    /// Median of a lognormal distribution.
    #[schemars(with = "Option<f64>")]
    pub median: Option<toml::Value>,
    /// 90% quantile of a lognormal distribution.
    #[schemars(with = "Option<f64>")]
    pub p90: Option<toml::Value>,
    /// Lower end of a uniform distribution.
    #[schemars(with = "Option<f64>")]
    pub min: Option<toml::Value>,
    /// Upper end of a uniform distribution.
    #[schemars(with = "Option<f64>")]
    pub max: Option<toml::Value>,
    /// Mean of a normal or beta distribution.
    #[schemars(with = "Option<f64>")]
    pub mean: Option<toml::Value>,
    /// Standard deviation of a normal or beta distribution.
    #[schemars(with = "Option<f64>")]
    pub sd: Option<toml::Value>,
}

impl RawAxis {
    /// The distribution keys given, as the table a provider parameter's distribution is
    /// (`dist` and its parameters); `None` if the axis gives none of them.
    pub(super) fn distribution_table(&self) -> Option<toml::Table> {
        let keys = [
            ("dist", &self.dist),
            ("median", &self.median),
            ("p90", &self.p90),
            ("min", &self.min),
            ("max", &self.max),
            ("mean", &self.mean),
            ("sd", &self.sd),
        ];
        let table: toml::Table =
            keys.iter().filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), v.clone()))).collect();
        (!table.is_empty()).then_some(table)
    }
}

/// `[charts]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawCharts {
    pub draw: Opt<Vec<Field<String>>>,
    pub outcomes: Opt<Vec<Field<String>>>,
    pub heatmaps: Opt<Vec<Field<String>>>,
    pub sensitivity: Opt<Vec<Field<String>>>,
}

/// The keys allowed in the table at `table` (a path in the document).
pub(super) fn known_keys(table: &KeyPath) -> &'static [&'static str] {
    match table.segs() {
        [] => fields_of::<RawExperiment>(),
        [Seg::Key(axes), Seg::Key(_)] if axes == "axes" => fields_of::<RawAxis>(),
        [Seg::Key(charts)] if charts == "charts" => fields_of::<RawCharts>(),
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_come_from_the_raw_types() {
        let top = known_keys(&KeyPath::root());
        assert_eq!(top.len(), 14);
        assert_eq!(top.first(), Some(&"name"));
        assert_eq!(
            known_keys(&KeyPath::root().key("axes").key("strategy.growth")),
            ["values", "labels", "range", "steps", "dist", "median", "p90", "min", "max", "mean", "sd"]
        );
        assert_eq!(known_keys(&KeyPath::root().key("charts")), ["draw", "outcomes", "heatmaps", "sensitivity"]);
        assert!(known_keys(&KeyPath::root().key("scenario")).is_empty(), "validated as a scenario");
    }
}
