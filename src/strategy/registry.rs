//! The registry of strategy kinds: every kind is one [`KindEntry`], declared
//! in its own file beside its logic (name, summary, source, parameters, and
//! the reader that validates them) and listed once in [`KINDS`].
//!
//! Everything that needs to know the kinds reads this list: the validation of
//! `[strategy]` tables (which kind takes which key, with its type, default and
//! bounds), the "did you mean" suggestions, `ipwarm strategies`, the lookup of
//! `--strategy NAME`, docs/MODEL.md's parameter table (checked by a test), and
//! any search over parameters: [`kinds`] and [`KindEntry::params`] give every
//! parameter with its [`ParamSpec`].
//!
//! Adding a kind touches three source files:
//! 1. `src/strategy/NAME.rs` (the file is named after the kind): its
//!    parameters struct, a [`ParamSpec`] per parameter, its `ENTRY`, its
//!    reader, its [`KindParams`] impl and the [`Strategy`] itself;
//! 2. `src/strategy/mod.rs`: `mod NAME;` and the re-exports;
//! 3. this file: a variant of [`StrategyKind`] (and its arm in `params`) and
//!    the entry in [`KINDS`].
//!
//! Validation, suggestions, `ipwarm strategies` and `--strategy` need nothing
//! more; docs/MODEL.md's parameter table is regenerated with `ipwarm strategies
//! --markdown`, and the kind gets a row in the tables of kinds of README.md and
//! docs/MODEL.md. Tests fail if a file with a `Strategy` impl is not a
//! registered kind, if an entry does not round-trip (defaults read, build and
//! plan a day), if validation does not enforce a declared bound, or if the
//! docs miss the kind.

use std::sync::LazyLock;

use serde::Serialize;

use super::audience::{AUDIENCE, SegmentOrder, SegmentSettings};
use super::param::{ParamGroup, ParamSpec};
use super::read::{NoValues, ParamReader};
use super::{
    AdaptiveParams, AutoBlendParams, ExponentialParams, LinearParams, PerProviderParams, ScheduleParams, Strategy,
};
use super::{adaptive, auto_blend, exponential, linear, per_provider, schedule};
use crate::model::IpSpec;

/// One strategy kind: what `ipwarm strategies` says of it, its parameters,
/// and how to read them.
#[derive(Debug, Clone, Copy)]
pub struct KindEntry {
    /// `kind = "..."` in scenario files.
    pub name: &'static str,
    /// What it does, in one line.
    pub summary: &'static str,
    /// Where its rule comes from (references of docs/MODEL.md); empty: a modelling choice.
    pub source: &'static str,
    /// Its own parameters.
    pub own: &'static [ParamSpec],
    /// The shared groups it also takes (the audience settings, which every kind takes, aside).
    pub shared: &'static [ParamGroup],
    /// Reads its parameters from `reader` over `base` (a preset of this kind), or over its defaults if `None`.
    pub reader: fn(reader: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind>,
}

impl KindEntry {
    /// Its parameters: its own, then those of its shared groups (not the audience settings).
    pub fn params(&self) -> impl Iterator<Item = &'static ParamSpec> + use<> {
        let (own, shared) = (self.own, self.shared);
        own.iter().chain(shared.iter().flat_map(|g| g.params))
    }

    /// Its parameter `key`, if it takes one.
    pub fn param(&self, key: &str) -> Option<&'static ParamSpec> {
        self.params().find(|p| p.key == key)
    }

    /// Reads its parameters from `reader` over `base` (see [`Self::reader`]).
    pub fn read(&self, reader: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
        (self.reader)(reader, base)
    }

    /// The kind with every parameter at its default; otherwise the keys of
    /// the parameters that have none (a schedule's table).
    pub fn defaults(&self) -> Result<StrategyKind, Vec<&'static str>> {
        let mut empty = NoValues::default();
        match self.read(&mut empty, None) {
            Some(kind) if empty.missing.is_empty() => Ok(kind),
            _ => Err(empty.missing),
        }
    }
}

/// Every kind, in the order `ipwarm strategies` lists them.
pub static KINDS: [KindEntry; 6] =
    [schedule::ENTRY, exponential::ENTRY, linear::ENTRY, adaptive::ENTRY, auto_blend::ENTRY, per_provider::ENTRY];

/// Every kind (see [`KINDS`]).
pub fn kinds() -> &'static [KindEntry] {
    &KINDS
}

/// The kind called `name`.
pub fn kind(name: &str) -> Option<&'static KindEntry> {
    KINDS.iter().find(|k| k.name == name)
}

/// The settings every kind takes, whatever its parameters.
pub const COMMON: ParamGroup = AUDIENCE;

/// Keys of the `[strategy]` table that are not parameters: `kind`, and a preset's `name`.
pub const TABLE_KEYS: [&str; 2] = ["kind", "name"];

/// Every key a `[strategy]` table may hold, whatever its kind: [`TABLE_KEYS`],
/// the [`COMMON`] settings, then every kind's parameters in registry order.
pub fn all_keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut keys: Vec<&'static str> = TABLE_KEYS.to_vec();
        let params = COMMON.params.iter().chain(KINDS.iter().flat_map(KindEntry::params));
        for p in params {
            if !keys.contains(&p.key) {
                keys.push(p.key);
            }
        }
        keys
    });
    &KEYS
}

/// What the registry needs of a kind's parameters struct.
pub trait KindParams {
    /// The kind's entry.
    fn entry(&self) -> &'static KindEntry;

    /// The strategy these parameters describe, sending in `segments`' order.
    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy>;

    /// Whether the strategy can run on `ips`; otherwise why not (lower case, no final period).
    fn check_ips(&self, ips: &[IpSpec]) -> Result<(), String> {
        let _ = ips;
        Ok(())
    }
}

/// Which strategy to run, with its parameters: one variant per entry of [`KINDS`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StrategyKind {
    /// Explicit volumes per day or hour, in total or per IP.
    Schedule(ScheduleParams),
    /// Exponential ramp to a target.
    Exponential(ExponentialParams),
    /// Linear ramp to a target.
    Linear(LinearParams),
    /// Ramp driven by observed health.
    Adaptive(AdaptiveParams),
    /// Managed automatic warm-up blending new IPs with the shared pool or warm IPs.
    AutoBlend(AutoBlendParams),
    /// Managed warm-up tracked per provider, overflow to the shared pool.
    PerProvider(PerProviderParams),
}

impl StrategyKind {
    /// The parameters, as the registry sees them.
    fn params(&self) -> &dyn KindParams {
        match self {
            StrategyKind::Schedule(p) => p,
            StrategyKind::Exponential(p) => p,
            StrategyKind::Linear(p) => p,
            StrategyKind::Adaptive(p) => p,
            StrategyKind::AutoBlend(p) => p,
            StrategyKind::PerProvider(p) => p,
        }
    }

    /// The kind's registry entry.
    pub fn entry(&self) -> &'static KindEntry {
        self.params().entry()
    }

    /// The kind's name as written in scenario files.
    pub fn name(&self) -> &'static str {
        self.entry().name
    }

    /// Whether the strategy can run on `ips`; otherwise why not (lower case, no final period).
    pub fn check_ips(&self, ips: &[IpSpec]) -> Result<(), String> {
        self.params().check_ips(ips)
    }

    /// The strategy, sending in `segments`' order.
    pub fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        self.params().build(segments)
    }
}

/// A strategy and the audience order it sends in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategySpec {
    /// The strategy.
    pub kind: StrategyKind,
    /// Order through the audience segments.
    pub segment_order: SegmentOrder,
    /// How fast engaged-first widens by day (see [`SegmentSettings`]).
    pub widen_every_days: Option<u32>,
    /// The preset it was built from, if any.
    pub preset: Option<String>,
}

impl StrategySpec {
    /// `kind`, most engaged first, widening as volume grows, no preset.
    pub fn new(kind: StrategyKind) -> Self {
        Self { kind, segment_order: SegmentOrder::EngagedFirst, widen_every_days: None, preset: None }
    }

    /// The audience settings.
    pub fn segments(&self) -> SegmentSettings {
        SegmentSettings { order: self.segment_order, widen_every_days: self.widen_every_days }
    }

    /// `kind` or `preset NAME (kind)`, for messages.
    pub fn label(&self) -> String {
        match &self.preset {
            Some(p) => format!("preset {p} ({})", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::param::ParamType;
    use crate::strategy::test_support::view;

    /// The kind of every source file of `src/strategy` that implements [`Strategy`] (file stem = kind name).
    fn strategy_files() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/strategy");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("src/strategy")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                std::fs::read_to_string(p).is_ok_and(|text| text.contains(&format!("impl {} for ", "Strategy")))
            })
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_strategy_file_is_a_registered_kind_and_every_kind_a_file() {
        let files = strategy_files();
        let mut registered: Vec<String> = kinds().iter().map(|k| k.name.to_string()).collect();
        registered.sort();
        assert_eq!(files, registered, "each file with `impl Strategy for` needs its ENTRY in KINDS");
    }

    #[test]
    fn every_kind_round_trips_through_its_entry() {
        for entry in kinds() {
            let kind = match entry.defaults() {
                Ok(kind) => kind,
                Err(missing) => {
                    // Only a parameter without a default may stop it, and it must say so.
                    assert!(!missing.is_empty(), "{}", entry.name);
                    assert!(missing.iter().all(|k| entry.param(k).is_some()), "{}: {missing:?}", entry.name);
                    continue;
                }
            };
            assert_eq!(kind.name(), entry.name, "the variant's entry is its own");
            let mut strategy = kind.build(SegmentSettings::default());
            assert_eq!(strategy.name(), entry.name);
            let plan = strategy.plan_day(1, &view(), &[]);
            assert_eq!(plan.volume.len(), view().ips.len(), "{}", entry.name);
        }
    }

    #[test]
    fn every_parameter_is_described_and_keys_are_unique_per_kind() {
        for entry in kinds() {
            assert!(!entry.summary.is_empty(), "{}", entry.name);
            let keys: Vec<&str> = entry.params().map(|p| p.key).collect();
            for (i, key) in keys.iter().enumerate() {
                assert!(!keys[..i].contains(key), "{}: `{key}` twice", entry.name);
                assert!(!COMMON.params.iter().any(|c| c.key == *key) && !TABLE_KEYS.contains(key), "{key}");
            }
            for p in entry.params().chain(COMMON.params) {
                assert!(!p.doc.is_empty() && !p.range().is_empty(), "{}.{}", entry.name, p.key);
                if let Some(cond) = p.when {
                    let on = entry.param(cond.key).or_else(|| COMMON.params.iter().find(|c| c.key == cond.key));
                    let options = match on.map(|o| o.ty) {
                        Some(ParamType::Choice { options, .. }) => options,
                        _ => panic!("{}.{}: its condition names no choice", entry.name, p.key),
                    };
                    assert!(options.contains(&cond.value), "{}.{}", entry.name, p.key);
                }
            }
        }
        let all = all_keys();
        assert_eq!(&all[..4], ["kind", "name", "segment_order", "widen_every_days"]);
        assert!(all.contains(&"backoff_block_rate") && all.contains(&"pool_until_share"));
    }
}
