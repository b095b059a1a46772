//! The validation context: collects located [`Problem`]s and offers typed,
//! range-checked accessors for raw [`Field`]s.

use super::error::Problem;
use super::locate::{Locator, Pos};
use super::path::{KeyPath, Seg};
use super::raw::{Field, Opt, Section};

/// Allowed range of a float value (all must also be finite).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    /// Any finite number.
    Any,
    /// In [0, 1].
    Prob,
    /// Strictly positive.
    Positive,
    /// Zero or more.
    NonNeg,
    /// At least this value.
    AtLeast(f64),
    /// Strictly more than this value.
    Above(f64),
}

impl Bound {
    fn violation(self, v: f64) -> Option<String> {
        if !v.is_finite() {
            return Some(format!("must be a finite number, got {}", num(v)));
        }
        let (ok, rule) = match self {
            Bound::Any => (true, String::new()),
            Bound::Prob => ((0.0..=1.0).contains(&v), "must be in [0, 1]".to_string()),
            Bound::Positive => (v > 0.0, "must be > 0".to_string()),
            Bound::NonNeg => (v >= 0.0, "must be >= 0".to_string()),
            Bound::AtLeast(m) => (v >= m, format!("must be >= {}", num(m))),
            Bound::Above(m) => (v > m, format!("must be > {}", num(m))),
        };
        (!ok).then(|| format!("{rule}, got {}", num(v)))
    }
}

/// A number for messages: `nan`, `inf`, or the shortest decimal after rounding
/// to 9 decimal places (so that sums print as `0.95`, not `0.9500000000000001`);
/// tiny values are printed exactly.
pub(crate) fn num(v: f64) -> String {
    if v.is_nan() {
        "nan".to_string()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        let rounded = (v * 1e9).round() / 1e9;
        let tiny = v.abs() < 1e-4;
        if rounded.is_finite() && !tiny { rounded } else { v }.to_string()
    }
}

/// Validation state: the locator and the problems found so far.
pub(crate) struct Ctx<'a> {
    file: &'a str,
    loc: &'a Locator<'a>,
    problems: Vec<Problem>,
}

impl<'a> Ctx<'a> {
    /// An empty context for file `file` located by `loc`.
    pub(crate) fn new(file: &'a str, loc: &'a Locator<'a>) -> Self {
        Self { file, loc, problems: Vec::new() }
    }

    /// The locator of the document.
    pub(crate) fn loc(&self) -> &'a Locator<'a> {
        self.loc
    }

    /// The problems found, in the order found.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Whether any problem was found so far.
    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Records a problem at position `pos` about `path`.
    pub(crate) fn report_at(&mut self, pos: Pos, path: &KeyPath, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: pos.line,
            col: pos.col,
            key_path: path.to_string(),
            message: message.into(),
        });
    }

    /// Records a problem with the value at `path` (located at the value).
    pub(crate) fn report(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.report_at(self.loc.value_pos(path), path, message);
    }

    /// Records a problem with the key at `path` itself (located at the key).
    pub(crate) fn report_key(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.report_at(self.loc.key_pos(path), path, message);
    }

    /// Records that the required key at `path` is missing.
    pub(crate) fn missing(&mut self, path: &KeyPath) {
        self.report(path, "missing required key");
    }

    /// The value of an optional field; reports a value of the wrong type.
    pub(crate) fn get<T: Clone>(&mut self, field: &Opt<T>, path: &KeyPath) -> Option<T> {
        match field {
            None => None,
            Some(Field::Ok(v)) => Some(v.clone()),
            Some(Field::Invalid(msg)) => {
                self.report(path, msg.clone());
                None
            }
        }
    }

    /// The value of a required field; reports it missing or of the wrong type.
    pub(crate) fn require<T: Clone>(&mut self, field: &Opt<T>, path: &KeyPath) -> Option<T> {
        if field.is_none() {
            self.missing(path);
        }
        self.get(field, path)
    }

    /// An optional table: `Some(None)` if absent, `Some(Some(table))` if it is
    /// one, `None` (reported) if the value is not a table.
    pub(crate) fn table<'t, T>(&mut self, section: Option<&'t Section<T>>, path: &KeyPath) -> Option<Option<&'t T>> {
        match section {
            None => Some(None),
            Some(Section::Ok(t)) => Some(Some(t)),
            Some(Section::NotTable(kind)) => {
                self.report(path, not_table_message(path, kind));
                None
            }
        }
    }

    /// Checks float `v` at `path` against `bound`; `Some(v)` if it passes.
    pub(crate) fn check_f64(&mut self, v: f64, path: &KeyPath, bound: Bound) -> Option<f64> {
        match bound.violation(v) {
            Some(msg) => {
                self.report(path, msg);
                None
            }
            None => Some(v),
        }
    }

    /// An optional float, range-checked.
    pub(crate) fn f64(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bound) -> Option<f64> {
        let v = self.get(field, path)?;
        self.check_f64(v, path, bound)
    }

    /// A required float, range-checked.
    pub(crate) fn req_f64(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bound) -> Option<f64> {
        let v = self.require(field, path)?;
        self.check_f64(v, path, bound)
    }

    /// An optional float with a default: `None` only if present and invalid.
    pub(crate) fn f64_or(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bound, default: f64) -> Option<f64> {
        match field {
            None => Some(default),
            f => self.f64(f, path, bound),
        }
    }

    /// Checks integer `v` at `path` against `min..=max`; `Some(v)` if it passes.
    pub(crate) fn check_int(&mut self, v: i64, path: &KeyPath, min: i64, max: i64) -> Option<i64> {
        if (min..=max).contains(&v) {
            return Some(v);
        }
        let rule = match (min, max) {
            (0, i64::MAX) => "must be >= 0".to_string(),
            (1, i64::MAX) => "must be > 0".to_string(),
            (m, i64::MAX) => format!("must be >= {m}"),
            (m, n) => format!("must be in {m}..={n}"),
        };
        self.report(path, format!("{rule}, got {v}"));
        None
    }

    /// An optional integer in `min..=max`.
    pub(crate) fn int(&mut self, field: &Opt<i64>, path: &KeyPath, min: i64, max: i64) -> Option<i64> {
        let v = self.get(field, path)?;
        self.check_int(v, path, min, max)
    }

    /// An optional integer in `min..=max` with a default: `None` only if present and invalid.
    pub(crate) fn int_or(&mut self, field: &Opt<i64>, path: &KeyPath, range: (i64, i64), default: i64) -> Option<i64> {
        match field {
            None => Some(default),
            f => self.int(f, path, range.0, range.1),
        }
    }

    /// A required integer in `min..=max`.
    pub(crate) fn req_int(&mut self, field: &Opt<i64>, path: &KeyPath, min: i64, max: i64) -> Option<i64> {
        let v = self.require(field, path)?;
        self.check_int(v, path, min, max)
    }

    /// Reports each present key of `keys` (name, present) under `table` as not
    /// belonging to `kind`.
    pub(crate) fn foreign_keys(&mut self, table: &KeyPath, kind: &str, keys: &[(&str, bool)]) {
        for &(key, present) in keys {
            if present {
                self.report_key(&table.key(key), format!("not a parameter of kind `{kind}`"));
            }
        }
    }
}

/// The message for a value of kind `kind` where the table `path` was expected,
/// with the two ways to write it.
fn not_table_message(path: &KeyPath, kind: &str) -> String {
    let parent = path.parent().unwrap_or_default();
    match path.segs().last() {
        Some(Seg::Index(_)) => {
            format!("expected a table, got {kind}: write `{{ key = value, ... }}` or a [[{parent}]] section")
        }
        _ => {
            let key = KeyPath::root().key(path.last_key().unwrap_or_default());
            format!("expected a table, got {kind}: write `{key} = {{ key = value, ... }}` or a [{path}] section")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_numbers() {
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(f64::NAN), "nan");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
        assert_eq!(num(1e-6), "0.000001");
        assert_eq!(num(-1e-12), "-0.000000000001");
        assert_eq!(Bound::Prob.violation(1.5).as_deref(), Some("must be in [0, 1], got 1.5"));
        assert_eq!(Bound::Any.violation(f64::NAN).as_deref(), Some("must be a finite number, got nan"));
        assert_eq!(Bound::Above(1.0).violation(1.0).as_deref(), Some("must be > 1, got 1"));
        assert_eq!(Bound::AtLeast(1.0).violation(1.0), None);
        assert_eq!(Bound::NonNeg.violation(-0.5).as_deref(), Some("must be >= 0, got -0.5"));
    }
}
