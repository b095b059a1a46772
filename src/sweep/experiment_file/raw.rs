//! Raw serde types mirroring the experiment TOML format, before validation.
//!
//! Built from the scenario format's raw building blocks ([`Field`],
//! [`Section`]), so that values of the wrong type and unknown keys are read and
//! worded as in scenario files. Values that are scenario values (the inline
//! base scenario, an axis's values and range) stay TOML values: they are
//! written into the base scenario and validated there.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::scenario::{Field, KeyPath, Opt, OptSection, Section, Seg, fields_of};

/// The whole file. The field order is the order keys are suggested in.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(super) struct RawExperiment {
    pub name: Opt<String>,
    pub description: Opt<String>,
    /// A scenario file path, or an inline `[scenario]` table.
    pub scenario: Option<toml::Value>,
    pub replicates: Opt<i64>,
    pub seed: Opt<i64>,
    pub seeds: Opt<String>,
    pub design: Opt<String>,
    pub samples: Opt<i64>,
    pub series: Opt<bool>,
    /// Axis key path (as written) to its spec; the order comes from the locator.
    pub axes: OptSection<BTreeMap<String, Section<RawAxis>>>,
    pub charts: OptSection<RawCharts>,
}

/// One axis: `{ values = [...], labels = [...] }` or `{ range = [lo, hi], steps = n }`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(super) struct RawAxis {
    /// Scenario values, any TOML value each.
    pub values: Option<toml::Value>,
    pub labels: Opt<Vec<Field<String>>>,
    /// Two numbers.
    pub range: Option<toml::Value>,
    pub steps: Opt<i64>,
}

/// `[charts]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(super) struct RawCharts {
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
