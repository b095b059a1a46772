//! Validation of the `[strategy]` table into a [`StrategySpec`].
//!
//! `kind` names a strategy kind, or `kind = "preset"` and `name` a published
//! plan ([`crate::strategy::presets`]). Every parameter is optional and falls
//! back on the kind's default or the preset's value (a schedule's own table
//! excepted); keys of another kind are reported, every problem at once.

mod keys;
mod kinds;
#[cfg(test)]
mod tests;

use super::check::Ctx;
use super::keys::one_of_message;
use super::path::KeyPath;
use super::raw::RawStrategy;
use crate::model::IpSpec;
use crate::strategy::presets::{PRESETS, Preset, preset};
use crate::strategy::{
    AdaptiveParams, AutoBlendParams, ExponentialParams, LinearParams, PerProviderParams, SegmentOrder, StrategyKind,
    StrategySpec,
};

/// Values of `strategy.kind`.
const KINDS: [&str; 7] = ["schedule", "exponential", "linear", "adaptive", "auto_blend", "per_provider", "preset"];
/// Values of `strategy.segment_order`.
const ORDERS: [&str; 3] = ["engaged_first", "random", "proportional"];

/// Validates `[strategy]` (required); `ips`, when valid, are checked against the kind's needs.
pub(crate) fn strategy(ctx: &mut Ctx<'_>, raw: Option<&RawStrategy>, ips: Option<&[IpSpec]>) -> Option<StrategySpec> {
    let path = KeyPath::root().key("strategy");
    let Some(raw) = raw else {
        ctx.missing(&path);
        return None;
    };
    let segment_order = segment_order(ctx, raw, &path);
    let widen = widen_every_days(ctx, raw, &path, segment_order);
    let kind_path = path.key("kind");
    let name = ctx.require(&raw.kind, &kind_path)?;
    let (base, preset_name) = match name.as_str() {
        "preset" => {
            let p = preset_of(ctx, raw, &path)?;
            (Some(p.kind()), Some(p.name))
        }
        kind if KINDS.contains(&kind) => {
            keys::check(ctx, raw, &path, kind, None);
            (default_of(kind), None)
        }
        other => {
            ctx.report(&kind_path, one_of_message("kind", other, &KINDS));
            return None;
        }
    };
    let kind = kinds::validate(ctx, raw, &path, base)?;
    if let Some(Err(message)) = ips.map(|ips| kind.check_ips(ips)) {
        ctx.report(&kind_path, message);
        return None;
    }
    Some(StrategySpec {
        kind,
        segment_order: segment_order?,
        widen_every_days: widen?,
        preset: preset_name.map(str::to_string),
    })
}

/// The defaults of kind `kind`; `None` for `schedule`, whose table has none.
fn default_of(kind: &str) -> Option<StrategyKind> {
    match kind {
        "exponential" => Some(StrategyKind::Exponential(ExponentialParams::default())),
        "linear" => Some(StrategyKind::Linear(LinearParams::default())),
        "adaptive" => Some(StrategyKind::Adaptive(AdaptiveParams::default())),
        "auto_blend" => Some(StrategyKind::AutoBlend(AutoBlendParams::default())),
        "per_provider" => Some(StrategyKind::PerProvider(PerProviderParams::default())),
        _ => None,
    }
}

/// The preset named by `strategy.name` (required with `kind = "preset"`), its keys checked.
fn preset_of(ctx: &mut Ctx<'_>, raw: &RawStrategy, path: &KeyPath) -> Option<&'static Preset> {
    let name_path = path.key("name");
    let name = ctx.require(&raw.name, &name_path)?;
    match preset(&name) {
        Some(p) => {
            keys::check(ctx, raw, path, p.kind().name(), Some(p.name));
            Some(p)
        }
        None => {
            let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
            ctx.report(&name_path, one_of_message("preset", &name, &names));
            None
        }
    }
}

/// `segment_order`, default engaged first.
fn segment_order(ctx: &mut Ctx<'_>, raw: &RawStrategy, path: &KeyPath) -> Option<SegmentOrder> {
    let order_path = path.key("segment_order");
    match ctx.get(&raw.segment_order, &order_path).as_deref() {
        None if raw.segment_order.is_some() => None,
        None | Some("engaged_first") => Some(SegmentOrder::EngagedFirst),
        Some("random") => Some(SegmentOrder::Random),
        Some("proportional") => Some(SegmentOrder::Proportional),
        Some(other) => {
            ctx.report(&order_path, one_of_message("segment order", other, &ORDERS));
            None
        }
    }
}

/// `widen_every_days` (engaged first only): `Some(None)` when absent.
fn widen_every_days(
    ctx: &mut Ctx<'_>,
    raw: &RawStrategy,
    path: &KeyPath,
    order: Option<SegmentOrder>,
) -> Option<Option<u32>> {
    let widen_path = path.key("widen_every_days");
    if raw.widen_every_days.is_none() {
        return Some(None);
    }
    if order.is_some_and(|o| o != SegmentOrder::EngagedFirst) {
        ctx.report_key(&widen_path, "only used when segment_order = \"engaged_first\"");
        return None;
    }
    let days = ctx.int(&raw.widen_every_days, &widen_path, 1, 365)?;
    u32::try_from(days).ok().map(Some)
}
