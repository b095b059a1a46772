//! Validation of the `[strategy]` table into a [`StrategySpec`], driven by the
//! strategy registry ([`crate::strategy::registry`]).
//!
//! `kind` names a registered kind, or `kind = "preset"` and `name` a published
//! plan ([`crate::strategy::presets`]). The kind's own reader reads its
//! parameters from the table (`table.rs` checks each value against its
//! parameter's spec), each falling back on the kind's default or the preset's
//! value (a schedule's own table excepted); keys of another kind are reported
//! (`keys.rs`), every problem at once.

mod keys;
mod table;
#[cfg(test)]
mod tests;

use super::check::Ctx;
use super::keys::one_of_message;
use super::path::KeyPath;
use super::raw::RawStrategy;
use crate::model::{IpSpec, ProviderParams};
use crate::strategy::presets::{PRESETS, Preset, preset};
use crate::strategy::registry::{self, kinds};
use crate::strategy::{SegmentSettings, StrategyKind, StrategySpec};
use table::Table;

/// Validates `[strategy]` (required); `ips`, when valid, are checked against the kind's needs.
pub(crate) fn strategy(ctx: &mut Ctx<'_>, raw: Option<&RawStrategy>, ips: Option<&[IpSpec]>) -> Option<StrategySpec> {
    let path = KeyPath::root().key("strategy");
    let Some(raw) = raw else {
        ctx.missing(&path);
        return None;
    };
    let audience = SegmentSettings::read(&mut Table::new(ctx, raw, &path));
    let kind_path = path.key("kind");
    let name = Table::new(ctx, raw, &path).required_text("kind")?;
    let (entry, base, preset_name) = if name == "preset" {
        let p = preset_of(ctx, raw, &path)?;
        let base = p.kind();
        (base.entry(), Some(base), Some(p.name))
    } else if let Some(entry) = registry::kind(&name) {
        (entry, None, None)
    } else {
        let mut names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
        names.push("preset");
        ctx.report(&kind_path, one_of_message("kind", &name, &names));
        return None;
    };
    keys::check(ctx, raw, &path, entry, preset_name);
    let kind = entry.read(&mut Table::new(ctx, raw, &path), base.as_ref())?;
    if let Some(Err(message)) = ips.map(|ips| kind.check_ips(ips)) {
        ctx.report(&kind_path, message);
        return None;
    }
    let audience = audience?;
    Some(StrategySpec {
        kind,
        segment_order: audience.order,
        widen_every_days: audience.widen_every_days,
        preset: preset_name.map(str::to_string),
    })
}

/// The preset named by `strategy.name` (required with `kind = "preset"`).
fn preset_of(ctx: &mut Ctx<'_>, raw: &RawStrategy, path: &KeyPath) -> Option<&'static Preset> {
    let name = Table::new(ctx, raw, path).required_text("name")?;
    let found = preset(&name);
    if found.is_none() {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        ctx.report(&path.key("name"), one_of_message("preset", &name, &names));
    }
    found
}

/// Checks the provider names of a schedule's `provider_volumes` against the scenario's providers:
/// each must be one of them (a located error with a suggestion otherwise), and every provider must
/// have a list (a provider left out would silently get nothing; `NAME = [0]` says so).
pub(crate) fn check_provider_names(ctx: &mut Ctx<'_>, spec: &StrategySpec, providers: &[ProviderParams]) {
    let StrategyKind::Schedule(params) = &spec.kind else { return };
    if params.provider_volumes.is_empty() {
        return;
    }
    let table = KeyPath::root().key("strategy").key("provider_volumes");
    let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
    for list in &params.provider_volumes {
        if !names.contains(&list.provider.as_str()) {
            ctx.report_key(&table.key(&list.provider), one_of_message("provider", &list.provider, &names));
        }
    }
    for name in names.iter().filter(|n| !params.provider_volumes.iter().any(|l| l.provider == **n)) {
        ctx.report(
            &table,
            format!("missing provider `{name}`: give every provider a list (`{name} = [0]` sends nothing there)"),
        );
    }
}
