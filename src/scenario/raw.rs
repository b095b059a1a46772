//! Raw serde types mirroring the scenario TOML format, before validation.
//!
//! Tables are plain structs so that `serde_ignored` sees (and reports) unknown
//! keys; every leaf value is a [`Field`], which keeps a value of the wrong type
//! as a message instead of aborting, so that all problems are reported at once.
//! Keys whose meaning depends on a `kind` are flattened into one struct and
//! checked against the kind during validation. Every table below the root is a
//! [`Section`], which refuses a value that is not a table (serde's derive would
//! read an array positionally: `sending = [8, 20]` as the two hours).

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};

/// A leaf value: either of the expected type or the reason it is not.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field<T> {
    /// The value, of the expected type.
    Ok(T),
    /// The value had the wrong type; toml's message.
    Invalid(String),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        Ok(match T::deserialize(value) {
            Ok(v) => Field::Ok(v),
            Err(e) => Field::Invalid(plain_types(e.message())),
        })
    }
}

/// serde's Rust type names in `message` replaced by the words a user knows.
fn plain_types(message: &str) -> String {
    message
        .replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number")
        .replace("expected a map", "expected a table")
        .replace("expected a sequence", "expected an array")
}

/// A table: its raw struct, or, when the value is not a table, what it is
/// (`"an array"`, `"a string"`...), reported during validation like a
/// [`Field`] of the wrong type, with every other problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Section<T> {
    /// The table.
    Ok(T),
    /// Not a table: the kind of value found.
    NotTable(&'static str),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Section<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SectionVisitor(PhantomData))
    }
}

/// Reads a table through the deserializer's own map access (so that
/// `serde_ignored` still sees its unknown keys); anything else is noted.
struct SectionVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SectionVisitor<T> {
    type Value = Section<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Section::Ok)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Read as values (not ignored) so that the elements are not reported as unknown keys.
        while seq.next_element::<toml::Value>()?.is_some() {}
        Ok(Section::NotTable("an array"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Section::NotTable("a boolean"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Section::NotTable("an integer"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Section::NotTable("an integer"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Section::NotTable("a float"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Section::NotTable("a string"))
    }
}

/// An optional table.
pub(crate) type OptSection<T> = Option<Section<T>>;

/// An optional leaf value.
pub(crate) type Opt<T> = Option<Field<T>>;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawScenario {
    pub name: Opt<String>,
    pub description: Opt<String>,
    /// An integer, or a seed as text (`"0x9e3779b97f4a7c15"`): see `validate::seed`.
    pub seed: Opt<toml::Value>,
    pub horizon_days: Opt<i64>,
    pub sending: OptSection<RawSending>,
    pub retry: OptSection<RawRetry>,
    pub audience: OptSection<RawAudience>,
    pub providers: OptSection<BTreeMap<String, Section<RawProvider>>>,
    pub ips: Option<Vec<Section<RawIp>>>,
    pub strategy: OptSection<RawStrategy>,
}

/// `[sending]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawSending {
    pub start_hour: Opt<i64>,
    pub end_hour: Opt<i64>,
}

/// `[retry]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawRetry {
    pub first_retry_minutes: Opt<i64>,
    pub backoff_factor: Opt<f64>,
    pub max_retry_interval_minutes: Opt<i64>,
    pub queue_lifetime_hours: Opt<i64>,
}

/// `[audience]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawAudience {
    pub size: Opt<i64>,
    /// Provider name to share; the order comes from the locator.
    pub providers: Opt<BTreeMap<String, Field<f64>>>,
    pub segments: Option<Vec<Section<RawSegment>>>,
}

/// One `[[audience.segments]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawSegment {
    pub name: Opt<String>,
    pub share: Opt<f64>,
    pub open_rate: Opt<f64>,
    pub complaint_rate: Opt<f64>,
    pub invalid_rate: Opt<f64>,
    pub trap_rate: Opt<f64>,
}

/// One `[[ips]]`, all kinds flattened.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawIp {
    pub name: Opt<String>,
    pub kind: Opt<String>,
    pub daily_volume_per_provider: Opt<f64>,
    pub trust: Opt<f64>,
    pub trust_mean: Opt<f64>,
    pub trust_sd: Opt<f64>,
}

/// `[strategy]`: the raw value of every key some kind takes (or `kind`,
/// `name` and the audience settings), by key; the strategy registry says which
/// keys exist, and validation checks each value against its kind's parameter
/// (`scenario::strategy`). A key no kind takes is skipped, so that
/// `serde_ignored` reports it as unknown like any other.
#[derive(Debug, Default)]
pub(crate) struct RawStrategy(pub BTreeMap<String, toml::Value>);

impl<'de> Deserialize<'de> for RawStrategy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawStrategyVisitor)
    }
}

/// Reads a `[strategy]` table, skipping the keys no kind takes.
struct RawStrategyVisitor;

impl<'de> Visitor<'de> for RawStrategyVisitor {
    type Value = RawStrategy;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let known = crate::strategy::registry::all_keys();
        let mut values = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if known.contains(&key.as_str()) {
                values.insert(key, map.next_value::<toml::Value>()?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(RawStrategy(values))
    }
}

/// `feedback = { kind = ..., delay_hours = ... }` of a provider.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawFeedback {
    pub kind: Opt<String>,
    pub delay_hours: Opt<i64>,
}

/// `defer_reply`/`block_reply`/`bounce_reply = { code = ..., text = ... }`.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawReply {
    pub code: Opt<String>,
    pub text: Opt<String>,
}

/// `[providers.NAME]`: a preset and overrides of any `ProviderParams` field.
#[derive(Debug, Default, Deserialize)]
#[serde(expecting = "a table")]
pub(crate) struct RawProvider {
    pub preset: Opt<String>,
    /// Not allowed (the name is the table key); kept to report it clearly.
    pub name: Option<toml::Value>,
    pub initial_trust: Opt<f64>,
    pub trust_gain_per_day: Opt<f64>,
    pub notice_volume_per_day: Opt<f64>,
    pub base_hourly_allowance: Opt<f64>,
    pub allowance_growth_untrusted: Opt<f64>,
    pub allowance_growth_trusted: Opt<f64>,
    pub recent_memory_days: Opt<f64>,
    pub history_memory_days: Opt<f64>,
    pub idle_decay_days: Opt<f64>,
    pub inbox_logit_intercept: Opt<f64>,
    pub inbox_logit_trust_slope: Opt<f64>,
    pub engagement_weight: Opt<f64>,
    pub complaint_warn_rate: Opt<f64>,
    pub complaint_severe_rate: Opt<f64>,
    pub bounce_warn_rate: Opt<f64>,
    pub complaint_penalty: Opt<f64>,
    pub severe_complaint_penalty: Opt<f64>,
    pub bounce_penalty: Opt<f64>,
    pub trap_penalty_per_hit: Opt<f64>,
    pub block_penalty: Opt<f64>,
    pub spike_ratio: Opt<f64>,
    pub spike_penalty: Opt<f64>,
    pub block_trust_threshold: Opt<f64>,
    pub block_max_rate: Opt<f64>,
    pub complaint_block_rate: Opt<f64>,
    pub junk_open_factor: Opt<f64>,
    pub feedback: OptSection<RawFeedback>,
    pub defer_reply: OptSection<RawReply>,
    pub block_reply: OptSection<RawReply>,
    pub bounce_reply: OptSection<RawReply>,
}
