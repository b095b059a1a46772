//! The raw `[providers.NAME]` table: its fixed keys (`preset`, `priors`, the
//! feedback loop and the replies) and every float parameter of the registry
//! ([`PROVIDER_PARAMS`]), each kept as written (a number or a distribution
//! table) for `overrides.rs` to validate.
//!
//! The float keys are not struct fields: they are read from the registry, so
//! that a parameter is added in one place. Its deserializer, its key list
//! (for "did you mean" suggestions) and its JSON Schema all come from the
//! registry, and a key that is neither fixed nor in the registry is skipped
//! so that `serde_ignored` reports it as unknown, like any other table's.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value, json};

use super::raw::{Opt, OptSection, RawFeedback, RawReply};
use crate::model::{DIST_NAMES, PROVIDER_PARAMS, Prior};

/// `[providers.NAME]`: a preset, its priors and overrides of any `ProviderParams` field.
#[derive(Debug, Default)]
pub(crate) struct RawProvider {
    /// The preset it starts from (gmail, microsoft, yahoo, apple, other); required for a custom provider.
    pub preset: Opt<String>,
    /// Not allowed (the name is the table key); kept to report it clearly.
    pub name: Option<toml::Value>,
    /// `"shipped"`: draw each run every parameter that has a shipped prior; `"none"` (default): fixed values.
    pub priors: Opt<String>,
    /// The float parameters given, by registry key, as written: a number or a distribution table.
    pub params: BTreeMap<&'static str, toml::Value>,
    /// The complaint feedback loop.
    pub feedback: OptSection<RawFeedback>,
    /// Reply to mail over the allowance (4xx).
    pub defer_reply: OptSection<RawReply>,
    /// Reply to mail blocked for reputation (5xx).
    pub block_reply: OptSection<RawReply>,
    /// Reply to blocks on a day the provider has escalated deferral pressure (5xx).
    pub escalation_reply: OptSection<RawReply>,
    /// Reply to mail to an invalid address (5xx).
    pub bounce_reply: OptSection<RawReply>,
}

/// The keys before the float parameters, in the order suggestions consider them.
const LEADING_KEYS: [&str; 3] = ["preset", "name", "priors"];
/// The keys after the float parameters.
const TRAILING_KEYS: [&str; 5] = ["feedback", "defer_reply", "block_reply", "escalation_reply", "bounce_reply"];

/// Every key of the table: the fixed ones and the registry's.
static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let params = PROVIDER_PARAMS.iter().map(|s| s.key);
    LEADING_KEYS.into_iter().chain(params).chain(TRAILING_KEYS).collect()
});

impl<'de> Deserialize<'de> for RawProvider {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("RawProvider", KEYS.as_slice(), RawProviderVisitor)
    }
}

/// Reads a `[providers.NAME]` table, skipping (for `serde_ignored`) the keys it does not know.
struct RawProviderVisitor;

impl<'de> Visitor<'de> for RawProviderVisitor {
    type Value = RawProvider;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawProvider::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "preset" => raw.preset = Some(map.next_value()?),
                "name" => raw.name = Some(map.next_value()?),
                "priors" => raw.priors = Some(map.next_value()?),
                "feedback" => raw.feedback = Some(map.next_value()?),
                "defer_reply" => raw.defer_reply = Some(map.next_value()?),
                "block_reply" => raw.block_reply = Some(map.next_value()?),
                "escalation_reply" => raw.escalation_reply = Some(map.next_value()?),
                "bounce_reply" => raw.bounce_reply = Some(map.next_value()?),
                other => match PROVIDER_PARAMS.iter().find(|s| s.key == other) {
                    Some(spec) => {
                        raw.params.insert(spec.key, map.next_value()?);
                    }
                    None => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                },
            }
        }
        Ok(raw)
    }
}

/// The schema of the table: the fixed keys, and each float parameter of the
/// registry as a number within its bounds or a [`Distribution`] table.
impl JsonSchema for RawProvider {
    fn schema_name() -> Cow<'static, str> {
        "RawProvider".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut properties = Map::new();
        properties.insert(
            "preset".into(),
            json!({ "description": "The preset it starts from (gmail, microsoft, yahoo, apple, other); required for a custom provider.",
                    "type": "string" }),
        );
        properties.insert(
            "priors".into(),
            json!({ "description": "\"shipped\": each run draws every parameter that has a shipped prior from it (docs/MODEL.md, \"Uncertain provider parameters\"); a parameter given here keeps its value or distribution. \"none\" (default): fixed values.",
                    "enum": ["shipped", "none"] }),
        );
        let distribution = generator.subschema_for::<Distribution>();
        for spec in PROVIDER_PARAMS {
            let mut number = Map::new();
            crate::schema::number(&mut number, "number", spec.bounds);
            let description =
                format!("{} ({}); or a distribution drawn once per run.", spec.doc, spec.bounds.describe(false));
            properties.insert(
                spec.key.into(),
                json!({ "description": description, "anyOf": [Value::Object(number), distribution.clone()] }),
            );
        }
        properties.insert("feedback".into(), generator.subschema_for::<RawFeedback>().to_value());
        let replies = [
            ("defer_reply", "Reply to mail over the allowance (4xx)."),
            ("block_reply", "Reply to mail blocked for reputation (5xx)."),
            ("escalation_reply", "Reply to blocks on a day the provider has escalated deferral pressure (5xx)."),
            ("bounce_reply", "Reply to mail to an invalid address (5xx)."),
        ];
        for (key, doc) in replies {
            let reply = generator.subschema_for::<RawReply>();
            properties.insert(key.into(), json!({ "description": doc, "allOf": [reply] }));
        }
        json_schema!({
            "description": "`[providers.NAME]`: a preset, its priors and overrides of any of its parameters.",
            "type": "object",
            "properties": properties,
            "additionalProperties": false
        })
    }
}

/// The schema of a distribution table (`{ dist = "lognormal", median = .., p90 = .. }`).
struct Distribution;

impl JsonSchema for Distribution {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let branches: Vec<Value> = DIST_NAMES
            .iter()
            .filter_map(|&dist| {
                let keys = Prior::keys(dist)?;
                let mut properties = Map::new();
                properties.insert("dist".into(), json!({ "const": dist }));
                for key in keys {
                    properties.insert(key.into(), json!({ "type": "number" }));
                }
                Some(json!({
                    "type": "object",
                    "properties": properties,
                    "required": ["dist", keys[0], keys[1]],
                    "additionalProperties": false
                }))
            })
            .collect();
        json_schema!({
            "description": "A distribution, drawn once per run: { dist = \"lognormal\", median, p90 }, { dist = \"uniform\", min, max }, { dist = \"normal\", mean, sd } (truncated to the parameter's bounds) or { dist = \"beta\", mean, sd } (for a parameter in [0, 1]).",
            "oneOf": branches
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::fields_of;

    #[test]
    fn the_keys_are_the_fixed_ones_and_the_registry() {
        let keys = fields_of::<RawProvider>();
        assert_eq!(keys.len(), LEADING_KEYS.len() + PROVIDER_PARAMS.len() + TRAILING_KEYS.len());
        assert!(keys.contains(&"spike_ratio") && keys.contains(&"priors") && keys.contains(&"bounce_reply"));
    }
}
