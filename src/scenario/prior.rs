//! A provider parameter's value in a `[providers.NAME]` table: a number
//! within its bounds, or a distribution table checked against them
//! (`{ dist = "lognormal", median = 0.1, p90 = 0.2 }`, see [`Prior`]).
//!
//! Every problem of a table is reported, each at its key: an unknown `dist`
//! (with a suggestion), keys missing or foreign to the distribution, values
//! that are not numbers, and values that make no distribution or one outside
//! the parameter's bounds.

use super::bounds::float_violation;
use super::check::{Ctx, num};
use super::keys::{list, one_of_message, unknown_key_message, value_kind};
use super::path::KeyPath;
use crate::bounds::Bounds;
use crate::model::{DIST_NAMES, Prior, ProviderParamSpec};

/// A parameter's value: fixed, or drawn each run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ParamValue {
    /// A number.
    Fixed(f64),
    /// A distribution.
    Uncertain(Prior),
}

/// The value `value` of parameter `spec` at `path`; `None` (reported) if invalid.
pub(crate) fn param_value(
    ctx: &mut Ctx<'_>,
    value: &toml::Value,
    path: &KeyPath,
    spec: &ProviderParamSpec,
) -> Option<ParamValue> {
    match value {
        toml::Value::Integer(i) => ctx.check_f64(*i as f64, path, spec.bounds).map(ParamValue::Fixed),
        toml::Value::Float(f) => ctx.check_f64(*f, path, spec.bounds).map(ParamValue::Fixed),
        toml::Value::Table(table) => prior(ctx, table, path, spec).map(ParamValue::Uncertain),
        other => {
            let msg = format!(
                "expected a number or a distribution table such as {{ dist = \"lognormal\", median = ..., p90 = ... }}, got {}",
                value_kind(other)
            );
            ctx.report(path, msg);
            None
        }
    }
}

/// The distribution table `table` of parameter `spec` at `path`.
fn prior(ctx: &mut Ctx<'_>, table: &toml::Table, path: &KeyPath, spec: &ProviderParamSpec) -> Option<Prior> {
    distribution(ctx, table, path, spec.key, spec.bounds)
}

/// The distribution table `table` at `path`, of a quantity named `key` within `bounds`
/// (a provider parameter, or an experiment's axis); `None` (every problem reported) if invalid.
pub(crate) fn distribution(
    ctx: &mut Ctx<'_>,
    table: &toml::Table,
    path: &KeyPath,
    key: &str,
    bounds: Bounds,
) -> Option<Prior> {
    let dist_path = path.key("dist");
    let dist = match table.get("dist") {
        None => {
            ctx.report(&dist_path, format!("missing required key: one of {}", list(&DIST_NAMES)));
            None
        }
        Some(toml::Value::String(name)) if Prior::keys(name).is_some() => Some(name.as_str()),
        Some(toml::Value::String(name)) => {
            ctx.report(&dist_path, one_of_message("dist", name, &DIST_NAMES));
            None
        }
        Some(other) => {
            ctx.report(&dist_path, format!("expected a string, got {}", value_kind(other)));
            None
        }
    };
    let all_keys: Vec<&str> = std::iter::once("dist")
        .chain(DIST_NAMES.iter().filter_map(|d| Prior::keys(d)).flatten())
        .fold(Vec::new(), |mut keys, k| {
            if !keys.contains(&k) {
                keys.push(k);
            }
            keys
        });
    let Some(dist) = dist else {
        // Without a distribution, only keys no distribution takes can be told wrong.
        for key in table.keys().filter(|k| !all_keys.contains(&k.as_str())) {
            ctx.report_key(&path.key(key), unknown_key_message(key, &all_keys));
        }
        return None;
    };
    let keys = Prior::keys(dist)?;
    let mut ok = true;
    for key in table.keys().filter(|k| k.as_str() != "dist" && !keys.contains(&k.as_str())) {
        let takes = format!("it takes {} and {}", list(&keys[..1]), list(&keys[1..]));
        let msg = if all_keys.contains(&key.as_str()) {
            format!("not a key of dist `{dist}`: {takes}")
        } else {
            let mut known = vec!["dist"];
            known.extend(keys);
            unknown_key_message(key, &known)
        };
        ctx.report_key(&path.key(key), msg);
        ok = false;
    }
    let mut number = |key: &str| -> Option<f64> {
        let key_path = path.key(key);
        let v = match table.get(key) {
            None => {
                ctx.missing(&key_path);
                return None;
            }
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            Some(other) => {
                ctx.report(&key_path, format!("expected a number, got {}", value_kind(other)));
                return None;
            }
        };
        ctx.check_f64(v, &key_path, Bounds::ANY)
    };
    let (a, b) = (number(keys[0]), number(keys[1]));
    let (a, b) = (a?, b?);
    let prior = match dist {
        "lognormal" => Prior::Lognormal { median: a, p90: b },
        "uniform" => Prior::Uniform { min: a, max: b },
        "normal" => Prior::Normal { mean: a, sd: b },
        _ => Prior::Beta { mean: a, sd: b },
    };
    let problems = problems(&prior, key, bounds);
    for (key, msg) in &problems {
        ctx.report(&path.key(key), msg.clone());
    }
    (ok && problems.is_empty()).then_some(prior)
}

/// What makes `prior` no distribution, or one outside the `bounds` of `key`:
/// (key of the table, message) for each problem.
fn problems(prior: &Prior, key: &str, bounds: Bounds) -> Vec<(&'static str, String)> {
    let within = |k: &'static str, v: f64| {
        float_violation(bounds, v)
            .map(|m| (k, format!("{m}: outside the bounds of {key} ({})", bounds.describe(false))))
    };
    let mut out = Vec::new();
    match *prior {
        Prior::Lognormal { median, p90 } => {
            if median <= 0.0 {
                out.push(("median", format!("must be > 0, got {}", num(median))));
            } else {
                out.extend(within("median", median));
            }
            if p90 <= median {
                out.push(("p90", format!("must be > median ({}), got {}", num(median), num(p90))));
            }
        }
        Prior::Uniform { min, max } => {
            out.extend(within("min", min));
            out.extend(within("max", max));
            if max <= min {
                out.push(("max", format!("must be > min ({}), got {}", num(min), num(max))));
            }
        }
        Prior::Normal { mean, sd } => {
            out.extend(within("mean", mean));
            if sd <= 0.0 {
                out.push(("sd", format!("must be > 0, got {}", num(sd))));
            }
        }
        Prior::Beta { mean, sd } => {
            let open_unit = Bounds::above(0.0).below(1.0);
            let contains_unit = bounds.min.is_none_or(|m| m.value <= 0.0) && bounds.max.is_none_or(|m| m.value >= 1.0);
            if !contains_unit {
                let msg = format!(
                    "a beta distribution lies in (0, 1), outside the bounds of {key} ({}): use lognormal, uniform or normal",
                    bounds.describe(false)
                );
                out.push(("dist", msg));
            }
            if let Some(m) = float_violation(open_unit, mean) {
                out.push(("mean", m));
            } else if sd <= 0.0 || sd * sd >= mean * (1.0 - mean) {
                let limit = (mean * (1.0 - mean)).sqrt();
                out.push((
                    "sd",
                    format!("must be in (0, {}) for a beta of mean {}, got {}", num(limit), num(mean), num(sd)),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::provider_param;

    fn problems_of(prior: Prior, key: &str) -> Vec<(&'static str, String)> {
        let spec = provider_param(key).expect("key");
        problems(&prior, spec.key, spec.bounds)
    }

    #[test]
    fn distributions_outside_their_parameter_are_refused_at_the_key_concerned() {
        assert!(problems_of(Prior::Lognormal { median: 0.1, p90: 0.2 }, "trust_gain_per_day").is_empty());
        let p = problems_of(Prior::Lognormal { median: 0.2, p90: 0.1 }, "trust_gain_per_day");
        assert_eq!(p, [("p90", "must be > median (0.2), got 0.1".to_string())]);
        let p = problems_of(Prior::Uniform { min: 0.5, max: 3.0 }, "spike_ratio");
        assert_eq!(p, [("min", "must be > 1, got 0.5: outside the bounds of spike_ratio (> 1)".to_string())]);
        let p = problems_of(Prior::Beta { mean: 0.5, sd: 0.1 }, "spike_ratio");
        assert_eq!(p.len(), 1);
        assert!(p[0].0 == "dist" && p[0].1.starts_with("a beta distribution lies in (0, 1)"));
        let p = problems_of(Prior::Beta { mean: 0.5, sd: 0.6 }, "initial_trust");
        assert_eq!(p, [("sd", "must be in (0, 0.5) for a beta of mean 0.5, got 0.6".to_string())]);
        assert!(problems_of(Prior::Beta { mean: 0.3, sd: 0.05 }, "engagement_weight").is_empty());
        let p = problems_of(Prior::Normal { mean: -1.0, sd: 0.0 }, "engagement_weight");
        assert_eq!(p.iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["mean", "sd"]);
    }
}
