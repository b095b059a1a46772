//! The validation context: collects located [`Problem`]s and offers typed,
//! range-checked accessors for raw [`Field`]s (the rules are in `bounds.rs`).
//!
//! One [`Ctx`] serves every input file, scenarios and experiments alike (see
//! `document.rs` for the raw path that fills it first), so a rule is worded
//! the same wherever it applies.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::error::{Problem, Span};
use super::locate::Locator;
use super::path::{KeyPath, Seg};
use super::raw::{Field, Opt, Section};
use super::types::SHARE_SUM_TOLERANCE;

use super::bounds::{Limit, float_violation, int_violation, limit_violation};
// The numeric rules, where validation code has always found them.
pub(crate) use super::bounds::{Bounds, num};

/// Validation state: the locator and the problems found so far.
pub(crate) struct Ctx<'a> {
    file: &'a str,
    loc: &'a Locator<'a>,
    problems: Vec<Problem>,
    /// The document's text as the problems' spans share it, made at the first problem.
    text: Option<Arc<str>>,
}

impl<'a> Ctx<'a> {
    /// An empty context for file `file` located by `loc`.
    pub(crate) fn new(file: &'a str, loc: &'a Locator<'a>) -> Self {
        Self { file, loc, problems: Vec::new(), text: None }
    }

    /// The locator of the document.
    pub(crate) fn loc(&self) -> &'a Locator<'a> {
        self.loc
    }

    /// The display name of the file, as problems show it.
    pub(crate) fn file(&self) -> &'a str {
        self.file
    }

    /// Adds problems found in another file (such as a scenario an experiment names), as they are.
    pub(crate) fn adopt(&mut self, problems: impl IntoIterator<Item = Problem>) {
        self.problems.extend(problems);
    }

    /// The problems found, in the order found.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        self.problems
    }

    /// Whether any problem was found so far.
    pub(crate) fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Records a problem about `path` whose culprit is `span` of the text
    /// (located where it starts; `None`: at 1:1, with no excerpt).
    pub(crate) fn report_at(&mut self, span: Option<Range<usize>>, path: &KeyPath, message: impl Into<String>) {
        let pos = self.loc.start(span.as_ref());
        let span = span.map(|bytes| {
            let text = self.text.get_or_insert_with(|| Arc::from(self.loc.text())).clone();
            Span { text, bytes }
        });
        self.problems.push(Problem {
            file: self.file.to_string(),
            line: pos.line,
            col: pos.col,
            key_path: path.to_string(),
            message: message.into(),
            span,
        });
    }

    /// Records a problem with the value at `path` (located at the value).
    pub(crate) fn report(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.report_at(self.loc.value_span(path), path, message);
    }

    /// Records a problem with the key at `path` itself (located at the key).
    pub(crate) fn report_key(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.report_at(self.loc.key_span(path), path, message);
    }

    /// Records a problem at the value of `path` unless one is already recorded at
    /// the same position (the design points that fail on one axis value say so once).
    pub(crate) fn report_first(&mut self, path: &KeyPath, message: impl Into<String>) {
        let span = self.loc.value_span(path);
        let pos = self.loc.start(span.as_ref());
        let located = |p: &Problem| p.file == self.file && (p.line, p.col) == (pos.line, pos.col);
        if !self.problems.iter().any(located) {
            self.report_at(span, path, message);
        }
    }

    /// Records `problem`, if any, at the value of `path`; whether there was none.
    pub(crate) fn check(&mut self, path: &KeyPath, problem: Option<String>) -> bool {
        problem.map(|msg| self.report(path, msg)).is_none()
    }

    /// Records that the required key at `path` is missing.
    pub(crate) fn missing(&mut self, path: &KeyPath) {
        self.report(path, "missing required key");
    }

    /// A value read by serde; reports a value of the wrong type.
    pub(crate) fn value<T: Clone>(&mut self, field: &Field<T>, path: &KeyPath) -> Option<T> {
        match field {
            Field::Ok(v) => Some(v.clone()),
            Field::Invalid(msg) => {
                self.report(path, msg.clone());
                None
            }
        }
    }

    /// The value of an optional field; reports a value of the wrong type.
    pub(crate) fn get<T: Clone>(&mut self, field: &Opt<T>, path: &KeyPath) -> Option<T> {
        self.value(field.as_ref()?, path)
    }

    /// An optional array whose elements are read one by one: each element of
    /// the wrong type is reported at its index; `None` if any is.
    pub(crate) fn list<T: Clone>(&mut self, field: &Opt<Vec<Field<T>>>, path: &KeyPath) -> Option<Vec<T>> {
        let items = self.get(field, path)?;
        let values: Vec<Option<T>> = items.iter().enumerate().map(|(i, f)| self.value(f, &path.index(i))).collect();
        values.into_iter().collect()
    }

    /// The keys of `map` (the table at `path`) in the order they appear in the file.
    pub(crate) fn in_file_order<V>(&self, map: &BTreeMap<String, V>, path: &KeyPath) -> Vec<String> {
        let mut names: Vec<String> = self.loc.keys(path).into_iter().filter(|k| map.contains_key(k)).collect();
        for name in map.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
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
    pub(crate) fn check_f64(&mut self, v: f64, path: &KeyPath, bound: Bounds) -> Option<f64> {
        self.check(path, float_violation(bound, v)).then_some(v)
    }

    /// An optional float, range-checked.
    pub(crate) fn f64(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bounds) -> Option<f64> {
        let v = self.get(field, path)?;
        self.check_f64(v, path, bound)
    }

    /// A required float, range-checked.
    pub(crate) fn req_f64(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bounds) -> Option<f64> {
        let v = self.require(field, path)?;
        self.check_f64(v, path, bound)
    }

    /// An optional float with a default: `None` only if present and invalid.
    pub(crate) fn f64_or(&mut self, field: &Opt<f64>, path: &KeyPath, bound: Bounds, default: f64) -> Option<f64> {
        match field {
            None => Some(default),
            f => self.f64(f, path, bound),
        }
    }

    /// Checks integer `v` at `path` against `min..=max`; `Some(v)` if it passes.
    pub(crate) fn check_int(&mut self, v: i64, path: &KeyPath, min: i64, max: i64) -> Option<i64> {
        self.check(path, int_violation(v, min, max)).then_some(v)
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

    /// Checks integer `v` at `path`: at least `min`, at most the limit (see [`limit_violation`]).
    pub(crate) fn check_int_limit(&mut self, v: i64, path: &KeyPath, min: i64, limit: Limit<'_>) -> Option<i64> {
        self.check(path, limit_violation(v, min, limit)).then_some(v)
    }

    /// An optional integer, checked as by [`Self::check_int_limit`].
    pub(crate) fn int_limit(&mut self, field: &Opt<i64>, path: &KeyPath, min: i64, limit: Limit<'_>) -> Option<i64> {
        let v = self.get(field, path)?;
        self.check_int_limit(v, path, min, limit)
    }

    /// Reports shares (at `path`, of `what`) whose sum is not 1 within [`SHARE_SUM_TOLERANCE`].
    pub(crate) fn check_share_sum(&mut self, shares: impl Iterator<Item = f64>, path: &KeyPath, what: &str) {
        let sum: f64 = shares.sum();
        if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
            let msg = format!("{what} shares must sum to 1 (within {SHARE_SUM_TOLERANCE:e}), got {}", num(sum));
            self.report(path, msg);
        }
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
