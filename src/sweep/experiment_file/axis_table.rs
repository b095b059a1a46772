//! The `[axes]` table: each key a scenario key path, each value the values it
//! takes (`values`, with optional `labels`), a range (`range`, `steps`), or in a
//! sampled design a distribution (`dist` and its parameters, as a provider
//! parameter's distribution is written).

use std::collections::BTreeMap;

use super::raw::RawAxis;
use super::size::{MAX_DESIGN_POINTS, POINTS_WHY, limit};
use crate::bounds::Bounds;
use crate::scenario::value_kind;
use crate::scenario::{Ctx, KeyPath, Section, Seg, derived_label_problem, distribution, label_problem};
use crate::sweep::axes::{Axis, AxisValues, default_label};

/// Largest integer end of a range (in absolute value): 2^53, beyond which
/// integers are not exact as floating-point numbers, which ranges are computed in.
const MAX_EXACT_INTEGER: i64 = 1 << 53;
/// Scenario keys an axis may not sweep, as they change nothing in the runs, and why.
const INERT_KEYS: [(&str, &str); 3] = [
    (
        "seed",
        "runs take their seeds from the experiment's `seed` and their replicate, not from the scenario: use \
         `replicates = N` for more seeds",
    ),
    ("name", "the scenario's name is not used by its runs"),
    ("description", "the scenario's description is not used by its runs"),
];

/// The axes of `[axes]` in file order (none if absent); `lhs` says whether
/// the design is sampled (lhs, morris, sobol): its ranges take no `steps`, and
/// its axes may be distributions.
pub(super) fn axes(
    ctx: &mut Ctx<'_>,
    raw: Option<&Section<BTreeMap<String, Section<RawAxis>>>>,
    lhs: bool,
) -> Option<Vec<Axis>> {
    let path = KeyPath::root().key("axes");
    let table = ctx.table(raw, &path)?;
    let Some(table) = table else { return Some(Vec::new()) };
    let mut out: Vec<Axis> = Vec::new();
    let mut ok = true;
    for name in ctx.in_file_order(table, &path) {
        match axis(ctx, &path.key(&name), &name, &table[&name], lhs) {
            Some(a) => match out.iter().find(|b| b.path == a.path) {
                Some(first) => {
                    let msg = format!("sweeps the same key as axis `{}`: a key takes one axis", first.name);
                    ctx.report_key(&path.key(&name), msg);
                    ok = false;
                }
                None => out.push(a),
            },
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// The axis over key path `name` (its spec at `p`).
fn axis(ctx: &mut Ctx<'_>, p: &KeyPath, name: &str, spec: &Section<RawAxis>, lhs: bool) -> Option<Axis> {
    let key_path = KeyPath::parse(name).filter(|k| !k.segs().is_empty());
    if key_path.is_none() {
        ctx.report_key(p, format!("`{name}` is not a key path like `strategy.growth` or `audience.segments[2].share`"));
    }
    let inert = key_path.as_ref().and_then(|k| match k.segs() {
        [Seg::Key(key)] => INERT_KEYS.iter().find(|(inert, _)| inert == key),
        _ => None,
    });
    if let Some((key, why)) = inert {
        ctx.report_key(p, format!("an axis over `{key}` changes nothing: {why}"));
        return None;
    }
    let raw = match spec {
        Section::Ok(raw) => raw,
        Section::NotTable("an array") => {
            ctx.report(p, "a plain array is a value, not an axis: write `{ values = [...] }` to sweep over it");
            return None;
        }
        Section::NotTable(kind) => {
            let msg = format!("an axis is `{{ values = [...] }}` or `{{ range = [lo, hi], steps = n }}`, got {kind}");
            ctx.report(p, msg);
            return None;
        }
    };
    if let Some(table) = raw.distribution_table() {
        let given: Vec<&str> = [("values", raw.values.is_some()), ("range", raw.range.is_some())]
            .iter()
            .filter_map(|(k, g)| g.then_some(*k))
            .collect();
        for key in &given {
            ctx.report_key(&p.key(key), "an axis is a distribution (`dist`), `values` or `range`: one of them");
        }
        if !lhs {
            let msg = "a distribution is sampled: it needs design = \"lhs\", \"morris\" or \"sobol\" \
                       (a grid or zip takes `values` or a `range` with `steps`)";
            ctx.report(&p.key("dist"), msg);
            return None;
        }
        let bounds = key_path.as_ref().map_or(Bounds::ANY, param_bounds);
        let prior = distribution(ctx, &table, p, name, bounds);
        return (given.is_empty()).then_some(()).and(prior).and_then(|prior| {
            Some(Axis { name: name.to_string(), path: key_path?, values: AxisValues::Dist { prior, bounds } })
        });
    }
    let values = match (&raw.values, &raw.range) {
        (Some(_), Some(_)) => {
            ctx.report_key(&p.key("range"), "an axis has either `values` or `range`, not both");
            None
        }
        (None, None) => {
            // Unless something else was said of it (a date-time is read as a table of no key).
            ctx.report_first(p, "an axis needs `values = [...]`, `range = [lo, hi]` or a distribution (`dist = ...`)");
            None
        }
        (Some(v), None) => list_values(ctx, p, raw, v),
        (None, Some(r)) => range_values(ctx, p, raw, r, lhs),
    };
    Some(Axis { name: name.to_string(), path: key_path?, values: values? })
}

/// The bounds of the provider parameter at `path` (`providers.NAME.PARAM`), which a
/// distribution over it is checked against and truncated to; none for any other key.
fn param_bounds(path: &KeyPath) -> Bounds {
    match path.segs() {
        [Seg::Key(providers), Seg::Key(_), Seg::Key(param)] if providers == "providers" => {
            crate::model::provider_param(param).map_or(Bounds::ANY, |spec| spec.bounds)
        }
        _ => Bounds::ANY,
    }
}

/// `values = [...]` and their `labels` (by default, the values as written).
fn list_values(ctx: &mut Ctx<'_>, p: &KeyPath, raw: &RawAxis, v: &toml::Value) -> Option<AxisValues> {
    if raw.steps.is_some() {
        ctx.report_key(&p.key("steps"), "only used with `range`");
    }
    let values = match v {
        toml::Value::Array(a) if a.is_empty() => {
            ctx.report(&p.key("values"), "empty axis: give at least one value");
            return None;
        }
        toml::Value::Array(a) => a.clone(),
        v => {
            ctx.report(&p.key("values"), format!("expected an array of values, got {}", value_kind(v)));
            return None;
        }
    };
    let explicit = raw.labels.is_some();
    let labels = match ctx.list(&raw.labels, &p.key("labels")) {
        Some(l) if l.len() != values.len() => {
            ctx.report(&p.key("labels"), format!("has {} labels for {} values", l.len(), values.len()));
            return None;
        }
        Some(l) => l,
        None if explicit => return None,
        None => values.iter().map(default_label).collect(),
    };
    let mut seen: Vec<&String> = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        let at = if explicit { p.key("labels").index(i) } else { p.key("values").index(i) };
        if !ctx.check(&at, if explicit { label_problem(l) } else { derived_label_problem(l) }) {
            return None;
        }
        if seen.contains(&l) {
            ctx.report(&at, format!("`{l}` appears twice: every value of an axis needs its own label"));
            return None;
        }
        seen.push(l);
    }
    Some(AxisValues::List { values, labels })
}

/// Whether integer `n` is exact as a float (within ±[`MAX_EXACT_INTEGER`]).
fn exact(n: i64) -> bool {
    (-MAX_EXACT_INTEGER..=MAX_EXACT_INTEGER).contains(&n)
}

/// `range = [lo, hi]` and its `steps` (required unless the design is a Latin hypercube).
fn range_values(ctx: &mut Ctx<'_>, p: &KeyPath, raw: &RawAxis, r: &toml::Value, lhs: bool) -> Option<AxisValues> {
    if raw.labels.is_some() {
        ctx.report_key(&p.key("labels"), "only used with `values`");
    }
    let rp = p.key("range");
    let ends: Vec<(f64, bool)> = match r {
        toml::Value::Array(a) if a.len() == 2 => a
            .iter()
            .filter_map(|v| match v {
                toml::Value::Integer(n) if exact(*n) => Some((*n as f64, true)),
                toml::Value::Float(x) if x.is_finite() => Some((*x, false)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    if let toml::Value::Array(a) = r
        && let Some(n) = a.iter().find_map(|v| v.as_integer().filter(|n| !exact(*n)))
    {
        ctx.report(&rp, format!("integer ends must be within ±2^53 ({MAX_EXACT_INTEGER}), to be exact, got {n}"));
        return None;
    }
    let [(lo, lo_int), (hi, hi_int)] = ends[..] else {
        ctx.report(&rp, "expected `[lo, hi]`, two numbers");
        return None;
    };
    if lo > hi {
        ctx.report(&rp, format!("lo must be <= hi, got [{lo}, {hi}]"));
        return None;
    }
    let steps = match ctx.int_limit(&raw.steps, &p.key("steps"), 1, limit(MAX_DESIGN_POINTS, POINTS_WHY)) {
        Some(_) if lhs => {
            ctx.report_key(
                &p.key("steps"),
                "not used in a sampled design (lhs, morris, sobol): the design sets the points",
            );
            None
        }
        Some(n) => usize::try_from(n).ok(),
        None if raw.steps.is_some() => return None,
        None if lhs => None,
        None => {
            ctx.report(p, "a range needs `steps = n` (the number of values, ends included) in a grid or zip design");
            return None;
        }
    };
    Some(AxisValues::Range { lo, hi, steps, integer: lo_int && hi_int })
}
