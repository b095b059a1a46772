//! Sweep axes: the values an axis takes, and how a value is written into a
//! scenario document at the axis's key path.

use crate::bounds::Bounds;
use crate::model::Prior;
use crate::scenario::{KeyPath, Seg, value_kind};

/// What an axis sweeps over, as written in the experiment file.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisValues {
    /// `{ values = [...], labels = [...] }`: explicit values (any TOML value, tables included).
    List {
        /// The values.
        values: Vec<toml::Value>,
        /// One label per value, for outputs and legends.
        labels: Vec<String>,
    },
    /// `{ range = [lo, hi], steps = n }`: evenly spaced values from `lo` to `hi`
    /// (`steps` is required in grid and zip designs, unused in Latin hypercubes).
    Range {
        /// Lower end.
        lo: f64,
        /// Upper end.
        hi: f64,
        /// Number of values, ends included.
        steps: Option<usize>,
        /// Whether both ends are integers: the values are then rounded to integers.
        integer: bool,
    },
    /// `{ dist = "lognormal", median = m, p90 = x }` (or any distribution of a
    /// provider parameter, [`Prior`]): read at quantiles, in sampled designs only;
    /// over a provider parameter, truncated to its bounds as its priors are.
    Dist {
        /// The distribution.
        prior: Prior,
        /// The bounds it is truncated to: a provider parameter's, else none.
        bounds: Bounds,
    },
}

/// One sweep axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The key path as written (`strategy.growth`), used as the column name.
    pub name: String,
    /// The parsed key path.
    pub(crate) path: KeyPath,
    /// Its values.
    pub values: AxisValues,
}

/// A value of an axis at one design point: the TOML value and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// The value written into the scenario.
    pub value: toml::Value,
    /// Its label in outputs.
    pub label: String,
    /// Index of the value in a `values` list (`None` for a range).
    pub index: Option<usize>,
}

impl Level {
    /// The value as text in outputs: a number as written in TOML (`1.2`, a range's
    /// value rounded as its label is), a string as it is, an array or a table in TOML syntax.
    pub fn value_text(&self) -> String {
        match self.index {
            Some(_) => default_label(&self.value),
            None => self.label.clone(),
        }
    }
}

/// Rounds to 10 decimals, so that evenly spaced values print as `1.325`, not `1.3250000000000002`.
pub fn round10(v: f64) -> f64 {
    let r = (v * 1e10).round() / 1e10;
    if r == 0.0 { 0.0 } else { r }
}

/// The level of a number from a range (an integer when the range is integer).
pub fn number_level(v: f64, integer: bool) -> Level {
    if integer {
        let n = v.round() as i64;
        Level { value: toml::Value::Integer(n), label: n.to_string(), index: None }
    } else {
        let x = round10(v);
        Level { value: toml::Value::Float(x), label: x.to_string(), index: None }
    }
}

/// The label of a value: strings as they are, anything else in TOML syntax.
pub fn default_label(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Table(t) => {
            // An inline table, on one line.
            let parts: Vec<String> = t.iter().map(|(k, v)| format!("{k} = {}", default_label_quoted(v))).collect();
            format!("{{ {} }}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

fn default_label_quoted(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(_) => default_label(v),
        other => other.to_string(),
    }
}

/// The unit coordinates a sampled design reads a distribution at are kept this far from 0 and
/// 1, where an unbounded distribution's quantile is infinite.
const QUANTILE_MARGIN: f64 = 1e-9;

impl Axis {
    /// The level at unit coordinate `u` (in `[0, 1]`) of a sampled design: a range read
    /// linearly (`lo + u (hi - lo)`, rounded for integer ranges), a list by equal strata
    /// (value `floor(u n)` of `n`), a distribution at its `u` quantile.
    pub fn level_at(&self, u: f64) -> Level {
        match &self.values {
            AxisValues::Range { lo, hi, integer, .. } => number_level(lo + (hi - lo) * u, *integer),
            AxisValues::List { values, labels } => {
                let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
                Level { value: values[i].clone(), label: labels[i].clone(), index: Some(i) }
            }
            AxisValues::Dist { prior, bounds } => {
                let q = u.clamp(QUANTILE_MARGIN, 1.0 - QUANTILE_MARGIN);
                number_level(prior.quantile(q, *bounds), false)
            }
        }
    }

    /// The evenly spaced levels of a grid or zip design, or an error message.
    pub fn grid_levels(&self) -> Result<Vec<Level>, String> {
        match &self.values {
            AxisValues::List { values, labels } => Ok(values
                .iter()
                .zip(labels)
                .enumerate()
                .map(|(i, (v, l))| Level { value: v.clone(), label: l.clone(), index: Some(i) })
                .collect()),
            AxisValues::Range { lo, hi, steps, integer } => {
                let Some(steps) = *steps else {
                    return Err("`steps` is required for a range in a grid or zip design".into());
                };
                let levels: Vec<Level> = (0..steps)
                    .map(|i| {
                        let t = if steps == 1 { 0.0 } else { i as f64 / (steps - 1) as f64 };
                        number_level(lo + (hi - lo) * t, *integer)
                    })
                    .collect();
                let mut labels: Vec<&str> = levels.iter().map(|l| l.label.as_str()).collect();
                labels.dedup();
                if labels.len() != levels.len() {
                    return Err(if *integer {
                        format!("{steps} integer steps do not fit in [{lo}, {hi}]: values repeat")
                    } else {
                        format!(
                            "{steps} steps over [{lo}, {hi}] repeat values (rounded to 10 decimals): use fewer steps"
                        )
                    });
                }
                Ok(levels)
            }
            AxisValues::Dist { .. } => {
                Err("a distribution is sampled: it needs design = \"lhs\", \"morris\" or \"sobol\"".into())
            }
        }
    }

    /// The number of values of a `values` axis or of a range with `steps`
    /// (`None` for a range without, as in a Latin hypercube).
    pub fn n_values(&self) -> Option<usize> {
        match &self.values {
            AxisValues::List { values, .. } => Some(values.len()),
            AxisValues::Range { steps, .. } => *steps,
            AxisValues::Dist { .. } => None,
        }
    }

    /// Whether the axis gives `labels` that differ from its values (its outputs then
    /// have a `<axis>_label` column; labels equal to the values would only repeat them).
    pub fn has_labels(&self) -> bool {
        match &self.values {
            AxisValues::List { values, labels } => values.iter().zip(labels).any(|(v, l)| default_label(v) != *l),
            AxisValues::Range { .. } | AxisValues::Dist { .. } => false,
        }
    }

    /// The number of values of a `values` axis (`None` for a range).
    pub fn list_len(&self) -> Option<usize> {
        match &self.values {
            AxisValues::List { values, .. } => Some(values.len()),
            AxisValues::Range { .. } | AxisValues::Dist { .. } => None,
        }
    }
}

/// Writes `value` at `path` in `doc`, creating missing tables on the way; an
/// error message if the path runs through a non-table or past an array's end.
pub fn set_at(doc: &mut toml::Table, path: &KeyPath, value: toml::Value) -> Result<(), String> {
    let segs = path.segs();
    let Some((last, parents)) = segs.split_last() else {
        return Err("an axis needs a key path".into());
    };
    let mut root = toml::Value::Table(std::mem::take(doc));
    let result = set_in(&mut root, parents, last, segs, value);
    if let toml::Value::Table(t) = root {
        *doc = t;
    }
    result
}

fn set_in(root: &mut toml::Value, parents: &[Seg], last: &Seg, segs: &[Seg], value: toml::Value) -> Result<(), String> {
    let mut here = root;
    for (i, seg) in parents.iter().enumerate() {
        here = step(here, seg, &segs[..=i], true)?;
    }
    match (last, here) {
        (Seg::Key(k), toml::Value::Table(t)) => {
            t.insert(k.clone(), value);
            Ok(())
        }
        (Seg::Index(i), toml::Value::Array(a)) if *i < a.len() => {
            a[*i] = value;
            Ok(())
        }
        (seg, v) => Err(mismatch(seg, v, segs)),
    }
}

/// One step down from `v` along `seg`; `create` makes missing tables.
fn step<'v>(v: &'v mut toml::Value, seg: &Seg, upto: &[Seg], create: bool) -> Result<&'v mut toml::Value, String> {
    match (seg, v) {
        (Seg::Key(k), toml::Value::Table(t)) => {
            if !t.contains_key(k) && create {
                t.insert(k.clone(), toml::Value::Table(toml::Table::new()));
            }
            t.get_mut(k).ok_or_else(|| format!("no key `{k}`"))
        }
        (Seg::Index(i), toml::Value::Array(a)) => {
            let n = a.len();
            a.get_mut(*i)
                .ok_or_else(|| format!("index {i} is past the end of {} ({n} elements)", show(&upto[..upto.len() - 1])))
        }
        (seg, v) => Err(mismatch(seg, v, upto)),
    }
}

fn mismatch(seg: &Seg, v: &toml::Value, upto: &[Seg]) -> String {
    let parent = show(&upto[..upto.len().saturating_sub(1)]);
    let parent = if parent.is_empty() { "the scenario".to_string() } else { parent };
    match seg {
        Seg::Key(k) => format!("cannot set `{k}`: {parent} is {}, not a table", value_kind(v)),
        Seg::Index(i) => match v {
            toml::Value::Array(a) => format!("index {i} is past the end of {parent} ({} elements)", a.len()),
            _ => format!("cannot index [{i}]: {parent} is {}, not an array", value_kind(v)),
        },
    }
}

fn show(segs: &[Seg]) -> String {
    let mut p = KeyPath::root();
    for s in segs {
        p.push(s.clone());
    }
    p.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        toml::from_str("[strategy]\nkind = \"exponential\"\ngrowth = 1.3\n[[ips]]\nname = \"a\"\n").unwrap()
    }

    #[test]
    fn sets_values_at_key_paths() {
        let mut d = doc();
        set_at(&mut d, &KeyPath::parse("strategy.growth").unwrap(), toml::Value::Float(1.5)).unwrap();
        set_at(&mut d, &KeyPath::parse("ips[0].name").unwrap(), toml::Value::String("b".into())).unwrap();
        set_at(&mut d, &KeyPath::parse("providers.gmail.initial_trust").unwrap(), toml::Value::Float(0.4)).unwrap();
        assert_eq!(d["strategy"]["growth"].as_float(), Some(1.5));
        assert_eq!(d["ips"][0]["name"].as_str(), Some("b"));
        assert_eq!(d["providers"]["gmail"]["initial_trust"].as_float(), Some(0.4));
    }

    #[test]
    fn reports_impossible_paths() {
        let mut d = doc();
        let e = set_at(&mut d, &KeyPath::parse("ips[3].name").unwrap(), toml::Value::Integer(1)).unwrap_err();
        assert_eq!(e, "index 3 is past the end of ips (1 elements)");
        let e = set_at(&mut d, &KeyPath::parse("strategy.kind.x").unwrap(), toml::Value::Integer(1)).unwrap_err();
        assert_eq!(e, "cannot set `x`: strategy.kind is a string, not a table");
    }

    #[test]
    fn ranges_are_evenly_spaced_and_rounded() {
        let axis = |lo, hi, steps, integer| Axis {
            name: "x".into(),
            path: KeyPath::parse("x").unwrap(),
            values: AxisValues::Range { lo, hi, steps, integer },
        };
        let labels = |a: Axis| a.grid_levels().unwrap().into_iter().map(|l| l.label).collect::<Vec<_>>();
        assert_eq!(labels(axis(1.1, 2.0, Some(5), false)), ["1.1", "1.325", "1.55", "1.775", "2"]);
        assert_eq!(labels(axis(10.0, 40.0, Some(4), true)), ["10", "20", "30", "40"]);
        let e = axis(1.0, 2.0, Some(5), true).grid_levels().unwrap_err();
        assert_eq!(e, "5 integer steps do not fit in [1, 2]: values repeat");
        let e = axis(0.1, 0.100000000001, Some(3), false).grid_levels().unwrap_err();
        assert_eq!(e, "3 steps over [0.1, 0.100000000001] repeat values (rounded to 10 decimals): use fewer steps");
        assert!(axis(1.0, 2.0, None, false).grid_levels().is_err());
    }
}
