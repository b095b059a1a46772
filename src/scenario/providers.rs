//! Providers: the shares of `[audience.providers]` (in file order), each
//! resolved to a preset, with the overrides of its `[providers.NAME]` table.

use std::collections::BTreeMap;

use super::check::{Bounds, Ctx};
use super::keys::{closest, list, one_of_message};
use super::names::provider_name_problem;
use super::overrides::apply_overrides;
use super::path::KeyPath;
use super::raw::{Field, RawProvider, Section};
use crate::model::{PRESET_NAMES, ProviderParams};

/// Validates the provider shares `shares` (`None` if absent or already
/// reported) and the `[providers.*]` tables; returns the shares and the
/// providers, aligned and in the order of the file.
pub(crate) fn providers(
    ctx: &mut Ctx<'_>,
    shares: Option<BTreeMap<String, Field<f64>>>,
    tables: Option<&BTreeMap<String, Section<RawProvider>>>,
) -> Option<(Vec<f64>, Vec<ProviderParams>)> {
    let shares_path = KeyPath::root().key("audience").key("providers");
    let tables_path = KeyPath::root().key("providers");
    // The tables that are tables; the others are reported here and fail their provider.
    let mut not_tables: Vec<&String> = Vec::new();
    let mut valid_tables: BTreeMap<&String, &RawProvider> = BTreeMap::new();
    for (name, section) in tables.into_iter().flatten() {
        match ctx.table(Some(section), &tables_path.key(name)) {
            Some(Some(t)) => {
                valid_tables.insert(name, t);
            }
            _ => not_tables.push(name),
        }
    }
    let tables = valid_tables;
    let names = shares.as_ref().map(|s| ctx.in_file_order(s, &shares_path)).unwrap_or_default();
    for (&table, &raw) in tables.iter().filter(|(t, _)| !names.contains(t)) {
        let mut msg = format!("provider `{table}` has no share in audience.providers");
        if let Some(near) = closest(table, names.iter().map(String::as_str)) {
            msg.push_str(&format!(", did you mean `{near}`?"));
        }
        ctx.report(&tables_path.key(table), msg);
        check_orphan(ctx, table, raw);
    }
    let shares = shares?;
    if names.is_empty() {
        ctx.report(&shares_path, "must list at least one provider");
        return None;
    }
    let mut out_shares = Vec::new();
    let mut out_params = Vec::new();
    for name in &names {
        let path = shares_path.key(name);
        let name_ok = check_provider_name(ctx, name, &path);
        let share = match shares.get(name) {
            Some(Field::Ok(v)) => ctx.check_f64(*v, &path, Bounds::UNIT),
            Some(Field::Invalid(msg)) => {
                ctx.report(&path, msg.clone());
                None
            }
            None => None,
        };
        let skip = !name_ok || not_tables.contains(&name);
        let params = if skip { None } else { resolve(ctx, name, tables.get(name).copied()) };
        out_shares.push(share);
        out_params.push(params);
    }
    let out_shares: Vec<f64> = out_shares.into_iter().collect::<Option<_>>()?;
    ctx.check_share_sum(out_shares.iter().copied(), &shares_path, "provider");
    let out_params: Vec<ProviderParams> = out_params.into_iter().collect::<Option<_>>()?;
    Some((out_shares, out_params))
}

/// Checks provider name `name` (the key at `path`, [`provider_name_problem`]).
fn check_provider_name(ctx: &mut Ctx<'_>, name: &str, path: &KeyPath) -> bool {
    let problem = provider_name_problem(name);
    problem.map(|msg| ctx.report_key(path, msg)).is_none()
}

/// Checks the overrides of a `[providers.NAME]` table that has no share, so
/// that its problems are reported too.
fn check_orphan(ctx: &mut Ctx<'_>, name: &str, table: &RawProvider) {
    let preset = match &table.preset {
        Some(Field::Ok(p)) => ProviderParams::preset(p),
        _ => None,
    };
    let base = preset.or_else(|| ProviderParams::preset(name)).or_else(|| ProviderParams::preset("other"));
    if let Some(base) = base {
        let _ = apply_overrides(ctx, table, &KeyPath::root().key("providers").key(name), base);
    }
}

/// The parameters of provider `name`: its preset (named by the table's
/// `preset`, else `name` itself) with the table's overrides applied.
fn resolve(ctx: &mut Ctx<'_>, name: &str, table: Option<&RawProvider>) -> Option<ProviderParams> {
    let path = KeyPath::root().key("providers").key(name);
    let preset_path = path.key("preset");
    let preset = match table.and_then(|t| t.preset.as_ref()) {
        Some(Field::Invalid(msg)) => {
            ctx.report(&preset_path, msg.clone());
            None
        }
        Some(Field::Ok(preset)) => {
            let params = ProviderParams::preset(preset);
            if params.is_none() {
                ctx.report(&preset_path, one_of_message("preset", preset, &PRESET_NAMES));
            }
            params
        }
        None => {
            let params = ProviderParams::preset(name);
            if params.is_none() {
                unknown_provider(ctx, name, table.is_some());
            }
            params
        }
    };
    let mut params = preset?;
    params.name = name.to_string();
    match table {
        Some(t) => apply_overrides(ctx, t, &path, params),
        None => Some(params),
    }
}

/// Reports provider `name`, which is no preset and has no `preset` key.
fn unknown_provider(ctx: &mut Ctx<'_>, name: &str, has_table: bool) {
    let presets = list(&PRESET_NAMES);
    if has_table {
        let path = KeyPath::root().key("providers").key(name).key("preset");
        ctx.report(&path, format!("missing required key: `{name}` is not a preset ({presets})"));
        return;
    }
    let path = KeyPath::root().key("audience").key("providers").key(name);
    let msg = match closest(name, PRESET_NAMES) {
        Some(near) => format!("unknown provider `{name}`, did you mean `{near}`?"),
        None => {
            let table = KeyPath::root().key("providers").key(name);
            format!("unknown provider `{name}`: not a preset ({presets}); add a [{table}] table with a `preset`")
        }
    };
    ctx.report_key(&path, msg);
}
