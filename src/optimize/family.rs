//! The family of plans searched: a registry kind, a preset with overrides, or
//! `provider_schedule`, a start volume and growth per provider turned into a
//! `schedule` strategy with `provider_volumes`.
//!
//! A candidate is the family with the searched parameters at given values. Its
//! `[strategy]` table ([`Family::strategy_table`]) is written into the base
//! scenario's document and the whole scenario validated again
//! ([`Family::scenario`]), so that a candidate is checked exactly as a file
//! with that table would be (cross-parameter rules such as `target >= start`
//! included).
//!
//! The table of a kind or preset is: `kind` (and a preset's `name`); the base
//! scenario's own table when it is of the same kind (so its settings carry over),
//! else only its audience settings (`segment_order`, `widen_every_days`); then
//! the fixed values of the optimisation file's `[strategy]`; then the searched
//! values.
//!
//! `provider_schedule`: per provider `p` and day `d` (1-based),
//! `v_p(d) = min(target_p, start_p * growth_p ^ floor((d - 1) / step_days_p))`,
//! rounded to whole messages, with `target_p = daily_volume * share_p` (the
//! provider's share of the list) for every day of the horizon. A parameter set
//! for one provider (`"gmail.start"`) overrides the one set for all (`start`),
//! a searched value a fixed one at the same scope.

use crate::scenario::{self, Problem, Scenario};
use crate::strategy::presets::Preset;
use crate::strategy::registry::{COMMON, KindEntry};

use super::space::Space;

/// Name of the per-provider family in optimisation files (`kind = "provider_schedule"`).
pub const PROVIDER_SCHEDULE: &str = "provider_schedule";

/// One parameter of the `provider_schedule` family, its bounds and default
/// (modelling choices, see docs/OPTIMIZE.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RampParam {
    /// Key (`start`), or after `PROVIDER.` for one provider.
    pub key: &'static str,
    /// Smallest value allowed.
    pub min: f64,
    /// Largest value allowed.
    pub max: f64,
    /// Whether it is searched on a log scale unless the file says otherwise.
    pub log: bool,
    /// Whether its values are whole numbers.
    pub integer: bool,
    /// Unit of its values.
    pub unit: &'static str,
    /// Value when neither fixed nor searched.
    pub default: f64,
    /// What it is.
    pub doc: &'static str,
}

/// The per-provider ramp parameters of `provider_schedule`.
pub const RAMP_PARAMS: [RampParam; 3] = [
    RampParam {
        key: "start",
        min: 10.0,
        max: 1e6,
        log: true,
        integer: false,
        unit: "messages/day",
        default: 50.0,
        doc: "volume at the provider on day 1 (over the sending IPs)",
    },
    RampParam {
        key: "growth",
        min: 1.0,
        max: 3.0,
        log: false,
        integer: false,
        unit: "",
        default: 1.3,
        doc: "growth factor per step",
    },
    RampParam {
        key: "step_days",
        min: 1.0,
        max: 14.0,
        log: false,
        integer: true,
        unit: "days",
        default: 1.0,
        doc: "days each volume is held before it grows",
    },
];

/// The key of `provider_schedule` for the total daily volume its targets are shares of.
pub const DAILY_VOLUME: &str = "daily_volume";

/// The ramp parameter `key` of `provider_schedule`.
pub fn ramp_param(key: &str) -> Option<&'static RampParam> {
    RAMP_PARAMS.iter().find(|p| p.key == key)
}

/// What is searched over.
#[derive(Debug, Clone, Copy)]
pub enum FamilyKind {
    /// A registry kind, from its defaults (or the base scenario's own table of that kind).
    Kind(&'static KindEntry),
    /// A preset, its parameters fixed by the preset not searchable.
    Preset(&'static Preset),
    /// Per-provider start, growth and step, run as a `schedule` with `provider_volumes`.
    ProviderSchedule,
}

/// The family: its kind, the values fixed in `[strategy]`, and the base
/// scenario's document candidates are written into.
#[derive(Debug, Clone)]
pub struct Family {
    /// What is searched over.
    pub kind: FamilyKind,
    /// The fixed values of the file's `[strategy]` (without `kind` and `preset`).
    pub fixed: toml::Table,
    /// The base scenario's document.
    base_table: toml::Table,
}

impl Family {
    /// The family `kind` with `fixed` values over the base scenario whose document is `base_table`.
    pub fn new(kind: FamilyKind, fixed: toml::Table, base_table: toml::Table) -> Self {
        Self { kind, fixed, base_table }
    }

    /// The family's name: the kind, the preset, or `provider_schedule`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            FamilyKind::Kind(entry) => entry.name,
            FamilyKind::Preset(p) => p.name,
            FamilyKind::ProviderSchedule => PROVIDER_SCHEDULE,
        }
    }

    /// The base scenario's document.
    pub fn base_table(&self) -> &toml::Table {
        &self.base_table
    }

    /// The runnable scenario of a candidate (`values` in `Space` order).
    pub fn scenario(&self, base: &Scenario, space: &Space, values: &[f64]) -> Result<Scenario, String> {
        self.candidate(base, space, values, "candidate").map_err(|problems| {
            let lines: Vec<String> =
                problems
                    .iter()
                    .map(|p| {
                        if p.key_path.is_empty() { p.message.clone() } else { format!("{}: {}", p.key_path, p.message) }
                    })
                    .collect();
            format!("{}: {}", self.label(space, values), lines.join("; "))
        })
    }

    /// The candidate's scenario, or the problems of its document (shown as file `file`).
    pub(crate) fn candidate(
        &self,
        base: &Scenario,
        space: &Space,
        values: &[f64],
        file: &str,
    ) -> Result<Scenario, Vec<Problem>> {
        let mut doc = self.base_table.clone();
        doc.insert("strategy".into(), toml::Value::Table(self.strategy_table(base, space, values)));
        let text = toml::to_string(&doc).map_err(|e| vec![Problem::of_file(file, e.to_string())])?;
        scenario::parse(&text, file).map_err(|e| e.into_problems(file))
    }

    /// The `[strategy]` table of a candidate as TOML (for best_plan.toml and the comparison's labels).
    pub fn strategy_table(&self, base: &Scenario, space: &Space, values: &[f64]) -> toml::Table {
        let own = self.base_table.get("strategy").and_then(toml::Value::as_table);
        let mut t = toml::Table::new();
        match self.kind {
            FamilyKind::Kind(entry) => {
                match own.filter(|o| o.get("kind").and_then(toml::Value::as_str) == Some(entry.name)) {
                    Some(o) => t = o.clone(),
                    None => {
                        t.insert("kind".into(), entry.name.into());
                    }
                }
            }
            FamilyKind::Preset(p) => {
                t.insert("kind".into(), "preset".into());
                t.insert("name".into(), p.name.into());
            }
            FamilyKind::ProviderSchedule => {
                t.insert("kind".into(), "schedule".into());
            }
        }
        for common in COMMON.params {
            if let Some(v) = own.and_then(|o| o.get(common.key)) {
                t.entry(common.key).or_insert_with(|| v.clone());
            }
        }
        match self.kind {
            FamilyKind::ProviderSchedule => {
                for (key, value) in &self.fixed {
                    if COMMON.params.iter().any(|c| c.key == key) {
                        t.insert(key.clone(), value.clone());
                    }
                }
                let volumes = self.provider_volumes(base, space, values);
                let table: toml::Table = volumes
                    .into_iter()
                    .map(|(name, days)| {
                        let days: Vec<toml::Value> =
                            days.into_iter().map(|v| toml::Value::Integer(clamp_i64(v))).collect();
                        (name, toml::Value::Array(days))
                    })
                    .collect();
                t.insert("provider_volumes".into(), toml::Value::Table(table));
            }
            FamilyKind::Kind(_) | FamilyKind::Preset(_) => {
                let entry = entry_of(self.kind);
                for (key, value) in &self.fixed {
                    t.insert(key.clone(), value.clone());
                }
                for (p, v) in space.params.iter().zip(values) {
                    let integer = p.integer || entry.and_then(|e| e.param(&p.key)).is_some_and(|s| s.is_int());
                    t.insert(p.key.clone(), number_value(*v, integer));
                }
            }
        }
        t
    }

    /// A short label, e.g. `exponential:growth=1.42,start=800`.
    pub fn label(&self, space: &Space, values: &[f64]) -> String {
        let parts: Vec<String> =
            space.params.iter().zip(values).map(|(p, v)| format!("{}={}", p.key, short(*v))).collect();
        if parts.is_empty() { self.name().to_string() } else { format!("{}:{}", self.name(), parts.join(",")) }
    }

    /// The ramp of every provider of `base` for a candidate of `provider_schedule`:
    /// (start, growth, step_days) per provider, in the scenario's order.
    pub fn ramps(&self, base: &Scenario, space: &Space, values: &[f64]) -> Vec<[f64; 3]> {
        base.providers
            .iter()
            .map(|provider| {
                let mut ramp = [0.0; 3];
                for (slot, param) in ramp.iter_mut().zip(&RAMP_PARAMS) {
                    let scoped = format!("{}.{}", provider.name, param.key);
                    let searched =
                        |key: &str| space.params.iter().position(|p| p.key == key).and_then(|i| values.get(i).copied());
                    let fixed = |key: &str| self.fixed.get(key).and_then(as_f64);
                    *slot = searched(&scoped)
                        .or_else(|| fixed(&scoped))
                        .or_else(|| searched(param.key))
                        .or_else(|| fixed(param.key))
                        .unwrap_or(param.default);
                }
                ramp
            })
            .collect()
    }

    /// The total daily volume the providers' targets are shares of: `daily_volume`, else the list size.
    pub fn daily_volume(&self, base: &Scenario) -> f64 {
        self.fixed.get(DAILY_VOLUME).and_then(as_f64).unwrap_or(base.audience.size as f64)
    }

    /// The volumes of a `provider_schedule` candidate: per provider of `base` (its name), one per day of
    /// the horizon (day 1 first), by the family's formula.
    pub fn provider_volumes(&self, base: &Scenario, space: &Space, values: &[f64]) -> Vec<(String, Vec<u64>)> {
        let daily_volume = self.daily_volume(base);
        let ramps = self.ramps(base, space, values);
        base.providers
            .iter()
            .zip(&ramps)
            .enumerate()
            .map(|(i, (provider, ramp))| {
                let share = base.audience.provider_shares.get(i).copied().unwrap_or(0.0);
                let [start, growth, step_days] = *ramp;
                let days = (1..=base.horizon_days)
                    .map(|d| ramp_volume(start, growth, step_days, daily_volume * share, d))
                    .collect();
                (provider.name.clone(), days)
            })
            .collect()
    }
}

/// The registry entry of a kind or a preset's kind.
fn entry_of(kind: FamilyKind) -> Option<&'static KindEntry> {
    match kind {
        FamilyKind::Kind(entry) => Some(entry),
        FamilyKind::Preset(p) => Some(p.kind().entry()),
        FamilyKind::ProviderSchedule => None,
    }
}

/// `min(target, start * growth ^ floor((day - 1) / step_days))` rounded to whole messages (day 1-based).
pub fn ramp_volume(start: f64, growth: f64, step_days: f64, target: f64, day: u32) -> u64 {
    let step = step_days.round().max(1.0) as u32;
    let steps = (day.saturating_sub(1) / step).min(100_000) as i32;
    whole((start * growth.powi(steps)).min(target))
}

/// `v` rounded to whole messages (0 if not positive, at most 10^15, as strategies round volumes).
fn whole(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 { v.min(1e15).round() as u64 } else { 0 }
}

/// A number as TOML: an integer when the parameter takes whole numbers.
fn number_value(v: f64, integer: bool) -> toml::Value {
    if integer { toml::Value::Integer(v.round() as i64) } else { toml::Value::Float(v) }
}

/// `v` as a TOML integer (volumes beyond i64 cannot occur: they are capped at 10^15).
fn clamp_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A TOML number as a float.
fn as_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(n) => Some(*n as f64),
        toml::Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// `v` with at most 4 significant digits, for labels.
fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).clamp(0, 12) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}
