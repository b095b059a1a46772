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

use schemars::JsonSchema;
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
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawScenario {
    /// Short name (letters, digits, `_`, `-`), used for the default output folder. Required.
    pub name: Opt<String>,
    /// Free text shown in summaries (default "").
    pub description: Opt<String>,
    /// Seed of the random draws (default 1): an integer up to 2^63 - 1, or any 64-bit seed as text, as
    /// outputs write seeds (`"0x9e3779b97f4a7c15"`); see `validate::seed`.
    #[schemars(default, schema_with = "crate::schema::seed_schema")]
    pub seed: Opt<toml::Value>,
    /// Number of simulated days, 1 to 365 (default 42).
    pub horizon_days: Opt<i64>,
    /// Days and hours of the day in which fresh mail is sent.
    pub sending: OptSection<RawSending>,
    /// How the sender's MTA retries mail deferred with a 4xx reply.
    pub retry: OptSection<RawRetry>,
    /// The sender's list. Required.
    pub audience: OptSection<RawAudience>,
    /// Overrides of a provider's preset, or a custom provider and the preset it starts from, by provider name.
    pub providers: OptSection<BTreeMap<String, Section<RawProvider>>>,
    /// Sending IPs (`kind` = "new", "warm" or "shared_pool"). Required, at least one.
    pub ips: Option<Vec<Section<RawIp>>>,
    /// The warm-up strategy: `kind` and its parameters (`ipwarm strategies` lists them). Required.
    pub strategy: OptSection<RawStrategy>,
    /// Day-to-day variation beyond sampling noise (campaign engagement and complaints, providers' bad days).
    pub variation: OptSection<RawVariation>,
}

/// `[variation]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawVariation {
    /// Whether there is day-to-day variation beyond sampling noise (default true); false gives the model
    /// without it, draw for draw, for exact comparisons.
    pub enabled: Opt<bool>,
    /// Standard deviation of a day's shift of every segment's open-rate logit, the same for all providers
    /// and IPs that day, in [0, 3] (default 0.15).
    pub open_rate_logit_sd: Opt<f64>,
    /// Standard deviation of a day's shift of every segment's complaint-rate logit, in [0, 3] (default 0.3).
    pub complaint_rate_logit_sd: Opt<f64>,
    /// Standard deviation of a day's shift of each provider's inbox-placement logit, in [0, 3] (default 0.2).
    pub placement_logit_sd: Opt<f64>,
}

/// `[sending]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawSending {
    /// First sending hour, 0-23 (default 8).
    pub start_hour: Opt<i64>,
    /// Hour after the last sending hour, 1-24, > start_hour (default 20).
    pub end_hour: Opt<i64>,
    /// Days on which fresh mail goes out: "every_day" (default), "weekdays" (Monday to Friday), a list of
    /// weekdays (["tue"], ["monday", "thursday"]: full names or 3 letters), { every_days = N } (day 1, 1 + N,
    /// ...) or { on = [1, 8, 15] } (day numbers).
    #[schemars(default, schema_with = "crate::scenario::calendar::days_schema")]
    pub days: Opt<toml::Value>,
    /// Weekday of day 1 (default "monday").
    #[schemars(default, schema_with = "crate::scenario::calendar::weekday_schema")]
    pub start_weekday: Opt<String>,
}

/// `[retry]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawRetry {
    /// Delay before the first retry, minutes, > 0 (default 15).
    pub first_retry_minutes: Opt<i64>,
    /// The delay is multiplied by this after each failed attempt, >= 1 (default 2).
    pub backoff_factor: Opt<f64>,
    /// Longest delay between attempts, minutes, >= first_retry_minutes (default 240).
    pub max_retry_interval_minutes: Opt<i64>,
    /// Mail still undelivered at this age expires, hours, > 0 (default 72).
    pub queue_lifetime_hours: Opt<i64>,
}

/// `[audience]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawAudience {
    /// Number of recipients on the list, > 0. Required.
    pub size: Opt<i64>,
    /// Share of the list at each mailbox provider, by provider name, in [0, 1] summing to 1. Required.
    /// (Their order, the order of the outputs, comes from the locator.)
    pub providers: Opt<BTreeMap<String, Field<f64>>>,
    /// Engagement segments, most engaged first by convention; shares sum to 1. Required.
    pub segments: Option<Vec<Section<RawSegment>>>,
}

/// One `[[audience.segments]]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawSegment {
    /// Segment name, used in outputs; unique.
    pub name: Opt<String>,
    /// Share of the list in this segment, in [0, 1].
    pub share: Opt<f64>,
    /// Probability that a recipient opens a message placed in the inbox.
    pub open_rate: Opt<f64>,
    /// Probability that a recipient complains about a message placed in the inbox.
    pub complaint_rate: Opt<f64>,
    /// Share of addresses that no longer exist (hard bounce 550 5.1.1).
    pub invalid_rate: Opt<f64>,
    /// Share of addresses that are spam traps (default 0).
    pub trap_rate: Opt<f64>,
}

/// One `[[ips]]`, all kinds flattened.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawIp {
    /// IP name, used in outputs; unique.
    pub name: Opt<String>,
    /// "new" (no history), "warm" (a dedicated IP with a history) or "shared_pool".
    pub kind: Opt<String>,
    /// Messages/day it has been sending to each provider recently, >= 0 (warm: required; shared_pool: default 500000).
    pub daily_volume_per_provider: Opt<f64>,
    /// Earned trust of a warm IP, in [0, 1]. Required with kind = "warm".
    pub trust: Opt<f64>,
    /// Mean trust of a shared pool IP, in [0, 1] (default 0.85).
    pub trust_mean: Opt<f64>,
    /// Standard deviation of a shared pool IP's trust, >= 0 (default 0.05).
    pub trust_sd: Opt<f64>,
    /// The IP's address (IPv4 or IPv6), by which delivery logs name it (`ipwarm ingest`, `ipwarm fit`);
    /// optional, unique.
    pub address: Opt<String>,
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
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawFeedback {
    /// "per_message", "daily_aggregate" or "none".
    pub kind: Opt<String>,
    /// Hours before a complaint reaches the sender, >= 0 (default 24).
    pub delay_hours: Opt<i64>,
}

/// `defer_reply`/`block_reply`/`bounce_reply = { code = ..., text = ... }`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(expecting = "a table")]
pub(crate) struct RawReply {
    /// SMTP code and enhanced status (`451 4.7.650`): 4xx for defer_reply, 5xx for block_reply, escalation_reply
    /// and bounce_reply.
    pub code: Opt<String>,
    /// Text of the reply.
    pub text: Opt<String>,
}

// `[providers.NAME]` (`RawProvider`) is in `raw_provider.rs`: its float keys come from the registry of
// provider parameters (`model::PROVIDER_PARAMS`), not from struct fields.
pub(crate) use super::raw_provider::RawProvider;
