//! `[search]`: the searched parameters, each a numeric parameter of the family
//! with its range (`min`, `max`, `scale`, `step`), within the registry's bounds
//! (or those of the `provider_schedule` family) unless narrowed, and never a key
//! `[strategy]` fixes.

use std::collections::BTreeMap;

use super::family::{entry, key_problem};
use super::num;
use super::raw::{RawOptimize, RawRange};
use crate::bounds::{Bounds, Limit};
use crate::optimize::family::{FamilyKind, PROVIDER_SCHEDULE, ramp_param};
use crate::optimize::{SearchParam, Space};
use crate::scenario::{Ctx, KeyPath, Section, one_of_message};

/// The `[search]` table: at least one parameter, each with its range.
pub(super) fn space(
    ctx: &mut Ctx<'_>,
    raw: &RawOptimize,
    kind: FamilyKind,
    strategy: Option<&BTreeMap<String, toml::Value>>,
    providers: Option<&[String]>,
) -> Option<Space> {
    let path = KeyPath::root().key("search");
    let table = match ctx.table(raw.search.as_ref(), &path)? {
        Some(t) if !t.is_empty() => t,
        _ => {
            ctx.report(
                &path,
                "missing required table: at least one searched parameter, `KEY = { min = .., max = .. }`",
            );
            return None;
        }
    };
    let mut params = Vec::new();
    let mut ok = true;
    for key in ctx.in_file_order(table, &path) {
        let at = path.key(&key);
        if let Some(msg) = key_problem(kind, &key, providers, true) {
            ctx.report_key(&at, msg);
            ok = false;
            continue;
        }
        if strategy.is_some_and(|s| s.contains_key(&key)) {
            ctx.report_key(&at, format!("also fixed in [strategy] (strategy.{key}): a parameter is fixed or searched"));
            ok = false;
            continue;
        }
        let range = match &table[&key] {
            Section::Ok(r) => r,
            Section::NotTable(what) => {
                ctx.report(
                    &at,
                    format!(
                        "expected a range `{{ min = .., max = .. }}` (or `{{}}` for the registry's bounds), got {what}"
                    ),
                );
                ok = false;
                continue;
            }
        };
        match param(ctx, &at, &key, kind, range) {
            Some(p) => params.push(p),
            None => ok = false,
        }
    }
    ok.then_some(Space { params })
}

/// What is known of a searchable parameter: its allowed values, whether whole, its unit, its default scale.
struct Known {
    bounds: Bounds,
    integer: bool,
    unit: &'static str,
    log: bool,
    /// Where the bounds come from, for messages.
    whose: String,
}

/// The searched parameter `key` at `at` with range `r`.
fn param(ctx: &mut Ctx<'_>, at: &KeyPath, key: &str, kind: FamilyKind, r: &RawRange) -> Option<SearchParam> {
    let known = match entry(kind) {
        Some(e) => {
            let spec = e.param(key)?;
            Known {
                bounds: spec.bounds,
                integer: spec.is_int(),
                unit: spec.unit,
                log: false,
                whose: format!("the registry's bounds of `{}`", spec.key),
            }
        }
        None => {
            let r = ramp_param(key.rsplit('.').next().unwrap_or(key))?;
            Known {
                bounds: Bounds::between(r.min, r.max),
                integer: r.integer,
                unit: r.unit,
                log: r.log,
                whose: format!("the bounds of `{}` in `{PROVIDER_SCHEDULE}`", r.key),
            }
        }
    };
    let shown = known.bounds.describe(known.integer);
    let end = |ctx: &mut Ctx<'_>, field: &crate::scenario::Opt<f64>, name: &str, limit: Option<Limit>| -> Option<f64> {
        match field {
            Some(_) => {
                let v = ctx.get(field, &at.key(name))?;
                if !known.bounds.contains(v) {
                    ctx.report(&at.key(name), format!("{} is outside {} ({shown})", num(v), known.whose));
                    return None;
                }
                Some(v)
            }
            None => match limit {
                Some(l) if l.inclusive => Some(l.value),
                Some(_) => {
                    ctx.report_key(at, format!("needs `{name}`: {} ({shown}) exclude their end", known.whose));
                    None
                }
                None => {
                    ctx.report_key(at, format!("needs `{name}`: {} ({shown}) have no {name}", known.whose));
                    None
                }
            },
        }
    };
    let min = end(ctx, &r.min, "min", known.bounds.min);
    let max = end(ctx, &r.max, "max", known.bounds.max);
    let log = match ctx.get(&r.scale, &at.key("scale")).as_deref() {
        None => Some(known.log),
        Some("linear") => Some(false),
        Some("log") => Some(true),
        Some(other) => {
            ctx.report(&at.key("scale"), one_of_message("scale", other, &["linear", "log"]));
            None
        }
    };
    let step = match &r.step {
        None => Some(None),
        f => ctx.f64(f, &at.key("step"), Bounds::POSITIVE).map(Some),
    };
    let (min, max, log, step) = (min?, max?, log?, step?);
    if min >= max {
        let at = if r.max.is_some() { at.key("max") } else { at.key("min") };
        ctx.report(&at, format!("needs min < max, got [{}, {}]: fix a single value in [strategy]", num(min), num(max)));
        return None;
    }
    if log && min <= 0.0 {
        ctx.report(&at.key("scale"), format!("a log scale needs min > 0, got {}", num(min)));
        return None;
    }
    if let Some(s) = step {
        if s > max - min {
            ctx.report(&at.key("step"), format!("{} is wider than the range [{}, {}]", num(s), num(min), num(max)));
            return None;
        }
        if known.integer && s.fract() != 0.0 {
            ctx.report(&at.key("step"), format!("must be a whole number for a whole-number parameter, got {}", num(s)));
            return None;
        }
    }
    Some(SearchParam {
        key: key.to_string(),
        min,
        max,
        log,
        step,
        integer: known.integer,
        unit: known.unit.to_string(),
    })
}
