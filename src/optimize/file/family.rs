//! `[strategy]`: the family of plans and its fixed values, checked against the
//! strategy registry (or the `provider_schedule` family's own table), with the
//! searched parameters of `[search]` (`search.rs`); then a probe
//! candidate, every searched parameter at the centre of its range, validated as
//! a scenario, so that fixed values are checked as in a scenario's `[strategy]`.

use std::collections::BTreeMap;

use super::num;
use super::raw::RawOptimize;
use super::search::space;
use crate::bounds::Bounds;
use crate::optimize::Space;
use crate::optimize::family::{DAILY_VOLUME, Family, FamilyKind, PROVIDER_SCHEDULE, ramp_param};
use crate::scenario::{Ctx, KeyPath, one_of_message, value_kind};
use crate::strategy::param::ParamType;
use crate::strategy::presets::{PRESETS, preset};
use crate::strategy::registry::{COMMON, KindEntry, kind, kinds};
use crate::sweep::BaseScenario as Base;

/// The family and its search space; `None` if invalid (reported).
pub(super) fn family(ctx: &mut Ctx<'_>, raw: &RawOptimize, base: Option<&Base>) -> Option<(Family, Space)> {
    let path = KeyPath::root().key("strategy");
    let table = match ctx.table(raw.strategy.as_ref(), &path) {
        Some(Some(t)) => Some(t),
        Some(None) => {
            ctx.report(&path, "missing required table: `kind = \"KIND\"` or `preset = \"NAME\"`, and fixed values");
            None
        }
        None => None,
    };
    let kind = table.and_then(|t| family_kind(ctx, t, &path));
    let providers: Option<Vec<String>> = base.map(|b| b.scenario.providers.iter().map(|p| p.name.clone()).collect());
    let fixed = match (table, kind) {
        (Some(t), Some(k)) => fixed(ctx, t, &path, k, providers.as_deref()),
        _ => None,
    };
    let space = match kind {
        Some(k) => space(ctx, raw, k, table, providers.as_deref()),
        None => None,
    };
    let (kind, fixed, space, base) = (kind?, fixed?, space?, base?);
    let family = Family::new(kind, fixed, base.table.clone());
    probe(ctx, &family, &space, base)?;
    Some((family, space))
}

/// The family named by `kind` or `preset` (exactly one).
fn family_kind(ctx: &mut Ctx<'_>, t: &BTreeMap<String, toml::Value>, path: &KeyPath) -> Option<FamilyKind> {
    let text = |ctx: &mut Ctx<'_>, key: &str| match t.get(key) {
        Some(toml::Value::String(s)) => Some(s.clone()),
        Some(v) => {
            ctx.report(&path.key(key), format!("expected a string, got {}", value_kind(v)));
            None
        }
        None => None,
    };
    match (t.contains_key("kind"), t.contains_key("preset")) {
        (true, true) => {
            ctx.report_key(&path.key("preset"), "the family is `kind = ...` or `preset = ...`, not both");
            None
        }
        (false, false) => {
            ctx.report(
                path,
                "missing `kind = \"KIND\"` (a strategy kind or \"provider_schedule\") or `preset = \"NAME\"`",
            );
            None
        }
        (true, false) => {
            let name = text(ctx, "kind")?;
            if name == PROVIDER_SCHEDULE {
                return Some(FamilyKind::ProviderSchedule);
            }
            if let Some(entry) = kind(&name) {
                return Some(FamilyKind::Kind(entry));
            }
            if name == "preset" {
                ctx.report(&path.key("kind"), "a preset is named by `preset = \"NAME\"` (without `kind`)");
                return None;
            }
            let mut names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
            names.push(PROVIDER_SCHEDULE);
            ctx.report(&path.key("kind"), one_of_message("kind", &name, &names));
            None
        }
        (false, true) => {
            let name = text(ctx, "preset")?;
            match preset(&name) {
                Some(p) => Some(FamilyKind::Preset(p)),
                None => {
                    let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
                    ctx.report(&path.key("preset"), one_of_message("preset", &name, &names));
                    None
                }
            }
        }
    }
}

/// The registry entry of a kind or preset family.
pub(super) fn entry(kind: FamilyKind) -> Option<&'static KindEntry> {
    match kind {
        FamilyKind::Kind(e) => Some(e),
        FamilyKind::Preset(p) => Some(p.kind().entry()),
        FamilyKind::ProviderSchedule => None,
    }
}

/// The keys a family's `[strategy]` or `[search]` may name (searchable: numbers only, for `[search]`).
fn keys(kind: FamilyKind, providers: &[String], search: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match entry(kind) {
        Some(e) => {
            let fixed_by_preset =
                |p: &crate::strategy::param::ParamSpec| matches!(kind, FamilyKind::Preset(_)) && p.fixed_by_preset;
            for p in e.params().filter(|p| !fixed_by_preset(p)) {
                if !search || matches!(p.ty, ParamType::Float | ParamType::Int) {
                    out.push(p.key.to_string());
                }
            }
        }
        None => {
            if !search {
                out.push(DAILY_VOLUME.to_string());
            }
            for r in &crate::optimize::RAMP_PARAMS {
                out.push(r.key.to_string());
            }
            for p in providers {
                for r in &crate::optimize::RAMP_PARAMS {
                    out.push(format!("{p}.{}", r.key));
                }
            }
        }
    }
    if !search {
        out.extend(COMMON.params.iter().map(|p| p.key.to_string()));
    }
    out
}

/// Why `key` cannot be in the family's `[strategy]` (`search` false) or `[search]`, if it cannot.
pub(super) fn key_problem(kind: FamilyKind, key: &str, providers: Option<&[String]>, search: bool) -> Option<String> {
    let providers = providers.unwrap_or(&[]);
    let allowed = keys(kind, providers, search);
    if allowed.iter().any(|k| k == key) {
        return None;
    }
    if let FamilyKind::Preset(p) = kind
        && p.kind().entry().param(key).is_some_and(|s| s.fixed_by_preset)
    {
        return Some(format!(
            "fixed by preset `{}`: its table cannot be {}; use kind = \"{}\" with your own table instead",
            p.name,
            if search { "searched" } else { "changed" },
            p.kind().name()
        ));
    }
    if search {
        if let Some(spec) = entry(kind).and_then(|e| e.param(key)) {
            return Some(format!("`{}` takes {}: only numbers can be searched", spec.key, spec.range()));
        }
        if COMMON.params.iter().any(|p| p.key == key) || key == DAILY_VOLUME && entry(kind).is_none() {
            return Some("not searched: fix it in [strategy]".to_string());
        }
    }
    if let Some((provider, _)) = key.split_once('.')
        && entry(kind).is_none()
        && !providers.iter().any(|p| p == provider)
        && !providers.is_empty()
    {
        let names: Vec<&str> = providers.iter().map(String::as_str).collect();
        return Some(one_of_message("provider", provider, &names));
    }
    if providers.is_empty() && entry(kind).is_none() && key.contains('.') {
        // The base scenario is invalid: its providers are unknown.
        return None;
    }
    let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let what = match kind {
        FamilyKind::ProviderSchedule => format!("a parameter of `{PROVIDER_SCHEDULE}`"),
        FamilyKind::Kind(e) => format!("a parameter of kind `{}`", e.name),
        FamilyKind::Preset(p) => format!("a parameter of preset `{}`", p.name),
    };
    // The suggestion of the usual message, worded for a key.
    let usual = one_of_message("key", key, &names);
    let hint = match usual.find(", did you mean") {
        Some(i) => usual[i..].to_string(),
        None if names.len() <= 12 => format!(", expected one of {}", quoted(&names)),
        None if search => ": `ipwarm strategies` lists the parameters and their bounds".to_string(),
        None => ": `ipwarm strategies` lists the parameters".to_string(),
    };
    Some(format!("not {what}{hint}"))
}

/// `a`, `b` with backticks.
fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The fixed values of `[strategy]` (every key but `kind` and `preset`), checked against the family.
fn fixed(
    ctx: &mut Ctx<'_>,
    t: &BTreeMap<String, toml::Value>,
    path: &KeyPath,
    kind: FamilyKind,
    providers: Option<&[String]>,
) -> Option<toml::Table> {
    let mut out = toml::Table::new();
    let mut ok = true;
    for key in ctx.in_file_order(t, path) {
        if key == "kind" || key == "preset" {
            continue;
        }
        if let Some(msg) = key_problem(kind, &key, providers, false) {
            ctx.report_key(&path.key(&key), msg);
            ok = false;
            continue;
        }
        let value = &t[&key];
        if matches!(kind, FamilyKind::ProviderSchedule) && !COMMON.params.iter().any(|p| p.key == key) {
            ok &= ramp_value(ctx, &path.key(&key), &key, value).is_some();
        }
        out.insert(key, value.clone());
    }
    ok.then_some(out)
}

/// Checks a `provider_schedule` value at `at` against its parameter's bounds.
fn ramp_value(ctx: &mut Ctx<'_>, at: &KeyPath, key: &str, value: &toml::Value) -> Option<f64> {
    let v = match value {
        toml::Value::Integer(n) => *n as f64,
        toml::Value::Float(x) => *x,
        v => {
            ctx.report(at, format!("expected a number, got {}", value_kind(v)));
            return None;
        }
    };
    let param = key.rsplit('.').next().unwrap_or(key);
    let (bounds, integer) = match ramp_param(param) {
        Some(r) => (Bounds::between(r.min, r.max), r.integer),
        None => (Bounds::POSITIVE, false),
    };
    if let Some(rule) = bounds.rule_broken(v, integer) {
        ctx.report(at, format!("{rule}, got {}", num(v)));
        return None;
    }
    if integer && v.fract() != 0.0 {
        ctx.report(at, format!("must be a whole number, got {}", num(v)));
        return None;
    }
    Some(v)
}

/// Validates the candidate at the centre of the space as a scenario; its problems are located at the
/// searched or fixed key they concern, else at `[strategy]`.
fn probe(ctx: &mut Ctx<'_>, family: &Family, space: &Space, base: &Base) -> Option<()> {
    let centre = space.values_at(&vec![0.5; space.dims()]);
    let problems = match family.candidate(&base.scenario, space, &centre, ctx.file()) {
        Ok(_) => return Some(()),
        Err(problems) => problems,
    };
    let with = format!("with the searched values at the centre of their ranges ({})", family.label(space, &centre));
    let mentions_searched = |msg: &str| space.params.iter().any(|q| msg.contains(q.key.as_str()));
    for p in problems {
        let key = p.key_path.strip_prefix("strategy.").map(|rest| rest.split(['.', '[']).next().unwrap_or(rest));
        let searched = key.filter(|k| space.params.iter().any(|q| q.key == *k));
        let fixed = key.filter(|k| family.fixed.contains_key(*k));
        let (at, message) = match (searched, fixed) {
            (Some(k), _) => (KeyPath::root().key("search").key(k), format!("{with}: {}: {}", p.key_path, p.message)),
            // A fixed value wrong whatever the searched ones: the scenario's own message.
            (None, Some(k)) if !mentions_searched(&p.message) && p.key_path == format!("strategy.{k}") => {
                (KeyPath::root().key("strategy").key(k), p.message)
            }
            (None, Some(k)) => (KeyPath::root().key("strategy").key(k), format!("{with}: {}", p.message)),
            (None, None) => {
                let path = if p.key_path.is_empty() { "scenario" } else { &p.key_path };
                (KeyPath::root().key("strategy"), format!("{with}: {path}: {}", p.message))
            }
        };
        ctx.report_first(&at, message);
    }
    None
}
