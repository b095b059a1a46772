//! Raw serde types mirroring the optimisation TOML format, before validation.
//!
//! Built from the scenario format's raw building blocks ([`Field`],
//! [`Section`]), so that values of the wrong type and unknown keys are read and
//! worded as in scenario and experiment files. `[strategy]` is a plain table:
//! which keys it takes depends on its kind, and its values are strategy values,
//! validated with the candidate scenario; `[search]` maps parameter keys to
//! ranges, whose keys are checked here.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::scenario::{Field, KeyPath, Opt, OptSection, Section, Seg, fields_of};

/// The whole file. The field order is the order keys are suggested in.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawOptimize {
    /// Short name (letters, digits, `_`, `-`): the default output folder is `output/<name>/`. Required.
    pub name: Opt<String>,
    /// Free text shown in summaries.
    pub description: Opt<String>,
    /// A scenario file path, or an inline `[scenario]` table. Required.
    pub scenario: Option<toml::Value>,
    /// Root seed (default 1).
    pub seed: Opt<i64>,
    /// Total runs of the search and the verification. Required.
    pub budget: Opt<i64>,
    /// The family: `kind` or `preset`, and fixed values.
    pub strategy: OptSection<BTreeMap<String, toml::Value>>,
    /// Searched parameters: key to `{ min, max, scale, step }`.
    pub search: OptSection<BTreeMap<String, Section<RawRange>>>,
    /// `minimise` or `maximise`.
    pub objective: OptSection<RawObjective>,
    /// Chance constraints.
    pub constraint: Option<Vec<Section<RawConstraint>>>,
    /// The optimiser's settings.
    pub optimizer: OptSection<RawOptimizer>,
}

/// One searched parameter's range: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawRange {
    /// Smallest value searched (default: the registry's lower bound).
    pub min: Opt<f64>,
    /// Largest value searched (default: the registry's upper bound).
    pub max: Opt<f64>,
    /// "linear" or "log".
    pub scale: Opt<String>,
    /// Grid step of the values.
    pub step: Opt<f64>,
}

/// `[objective]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawObjective {
    /// A metric to minimise.
    pub minimise: Opt<String>,
    /// A metric to maximise.
    pub maximise: Opt<String>,
}

/// One `[[constraint]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawConstraint {
    /// The metric.
    pub metric: Opt<String>,
    /// A violation is a value above this.
    pub above: Opt<f64>,
    /// A violation is a value below this.
    pub below: Opt<f64>,
    /// Largest probability of a violation allowed.
    pub max_probability: Opt<f64>,
}

/// `[optimizer]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawOptimizer {
    pub population: Opt<i64>,
    pub initial_replicates: Opt<i64>,
    pub max_replicates: Opt<i64>,
    pub verify_replicates: Opt<i64>,
    pub verify_candidates: Opt<i64>,
    pub confidence: Opt<f64>,
    pub compare_replicates: Opt<i64>,
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
