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
    /// "grid" (default), "zip" or "lhs".
    pub design: Opt<String>,
    /// Number of points of an "lhs" design.
    pub samples: Opt<i64>,
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
}

/// `[charts]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawCharts {
    pub draw: Opt<Vec<Field<String>>>,
    pub outcomes: Opt<Vec<Field<String>>>,
    pub heatmaps: Opt<Vec<Field<String>>>,
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
        assert_eq!(top.len(), 11);
        assert_eq!(top.first(), Some(&"name"));
        assert_eq!(
            known_keys(&KeyPath::root().key("axes").key("strategy.growth")),
            ["values", "labels", "range", "steps"]
        );
        assert_eq!(known_keys(&KeyPath::root().key("charts")), ["draw", "outcomes", "heatmaps"]);
        assert!(known_keys(&KeyPath::root().key("scenario")).is_empty(), "validated as a scenario");
    }
}
