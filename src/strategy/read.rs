//! How a kind reads its parameters: the [`ParamReader`] protocol.
//!
//! Each kind's reader (in its registry entry) asks a [`ParamReader`] for its
//! parameters one [`ParamSpec`] at a time, over a base (the kind's defaults or
//! a preset's values), and states the rules that tie parameters together
//! (`target >= start`, a parameter used only under some setting). The reader
//! does the checking: the scenario layer implements it over a `[strategy]`
//! table, checking each value's type and bounds and locating every problem in
//! the file; [`NoValues`] reads an empty table, which gives a kind's defaults.

use super::param::{ParamSpec, ParamType, ParamValue};

/// A source of parameter values that checks them against their specs.
///
/// Implementations record every problem and carry on, so that all problems
/// are reported at once; the typed helpers on `dyn ParamReader` return `None`
/// for a value given but invalid, and the base for a value not given.
pub trait ParamReader {
    /// Whether a value is given for `spec`.
    fn has(&self, spec: &ParamSpec) -> bool;

    /// The value given for `spec`, of its type and within its bounds; `None`
    /// if absent, or invalid (then recorded).
    fn value(&mut self, spec: &ParamSpec) -> Option<ParamValue>;

    /// Records a problem with the value of `spec` (with the table, if absent).
    fn report(&mut self, spec: &ParamSpec, message: String);

    /// Records a problem with the key of `spec` itself (a key that should not be given).
    fn report_key(&mut self, spec: &ParamSpec, message: String);

    /// Checks `low.1 <= high.1`, recording a problem at `high`'s value if it
    /// is given, else at `low`'s.
    fn ordered(&mut self, low: (&ParamSpec, f64), high: (&ParamSpec, f64)) -> Option<()>;
}

impl dyn ParamReader + '_ {
    /// A number, `base` when absent.
    pub fn float(&mut self, spec: &ParamSpec, base: f64) -> Option<f64> {
        if !self.has(spec) {
            return Some(base);
        }
        match self.value(spec)? {
            ParamValue::Float(v) => Some(v),
            _ => None,
        }
    }

    /// A number that must be given.
    pub fn required_float(&mut self, spec: &ParamSpec) -> Option<f64> {
        if !self.has(spec) {
            self.missing(spec);
            return None;
        }
        self.float(spec, 0.0)
    }

    /// An optional number, `base` when absent.
    pub fn opt_float(&mut self, spec: &ParamSpec, base: Option<f64>) -> Option<Option<f64>> {
        if !self.has(spec) {
            return Some(base);
        }
        self.float(spec, 0.0).map(Some)
    }

    /// A whole number (bounded to fit), `base` when absent.
    pub fn int(&mut self, spec: &ParamSpec, base: u32) -> Option<u32> {
        self.opt_int(spec, Some(base)).map(|v| v.unwrap_or(base))
    }

    /// An optional whole number (bounded to fit), `base` when absent.
    pub fn opt_int(&mut self, spec: &ParamSpec, base: Option<u32>) -> Option<Option<u32>> {
        if !self.has(spec) {
            return Some(base);
        }
        match self.value(spec)? {
            ParamValue::Int(v) => u32::try_from(v).ok().map(Some),
            _ => None,
        }
    }

    /// A flag, `base` when absent.
    pub fn flag(&mut self, spec: &ParamSpec, base: bool) -> Option<bool> {
        if !self.has(spec) {
            return Some(base);
        }
        match self.value(spec)? {
            ParamValue::Bool(v) => Some(v),
            _ => None,
        }
    }

    /// One of the options of `spec`, `base` when absent.
    pub fn choice(&mut self, spec: &ParamSpec, base: &'static str) -> Option<&'static str> {
        if !self.has(spec) {
            return Some(base);
        }
        match self.value(spec)? {
            ParamValue::Choice(v) => Some(v),
            _ => None,
        }
    }

    /// A choice as a value of `T`: `values[i]` stands for the `i`-th option of `spec`.
    pub fn pick<T: Copy + PartialEq>(&mut self, spec: &ParamSpec, values: &[T], base: T) -> Option<T> {
        let ParamType::Choice { options, .. } = spec.ty else { return None };
        let base_name = values.iter().position(|v| *v == base).and_then(|i| options.get(i))?;
        let name = self.choice(spec, base_name)?;
        options.iter().position(|o| *o == name).and_then(|i| values.get(i).copied())
    }

    /// Whole numbers per day, which must be given.
    pub fn per_day(&mut self, spec: &ParamSpec) -> Option<Vec<u64>> {
        if !self.has(spec) {
            self.missing(spec);
            return None;
        }
        match self.value(spec)? {
            ParamValue::PerDay(v) => Some(v),
            _ => None,
        }
    }

    /// Whole numbers per day per provider (provider name, list), in the file's order; `None` if
    /// absent or invalid.
    pub fn per_provider_days(&mut self, spec: &ParamSpec) -> Option<Vec<(String, Vec<u64>)>> {
        if !self.has(spec) {
            return None;
        }
        match self.value(spec)? {
            ParamValue::PerProviderDays(v) => Some(v),
            _ => None,
        }
    }

    /// Records `spec` as given while unused (its condition does not hold): `only used when ...`.
    pub fn unused(&mut self, spec: &ParamSpec) {
        if self.has(spec) {
            let when = spec.when.map_or_else(|| "another setting".to_string(), |c| c.to_string());
            self.report_key(spec, format!("only used when {when}"));
        }
    }

    /// Records `spec` as missing.
    pub fn missing(&mut self, spec: &ParamSpec) {
        self.report(spec, "missing required key".to_string());
    }
}

/// Builds a value from parameters read one by one, so that every invalid one
/// is recorded before giving up: [`Self::take`] each read, then [`Self::then`].
#[derive(Debug, Default)]
pub struct AllValid {
    invalid: bool,
}

impl AllValid {
    /// The value read, or a placeholder (noting that one was invalid).
    pub fn take<T: Default>(&mut self, read: Option<T>) -> T {
        read.unwrap_or_else(|| {
            self.invalid = true;
            T::default()
        })
    }

    /// `value` if every value taken was valid.
    pub fn then<T>(self, value: T) -> Option<T> {
        (!self.invalid).then_some(value)
    }
}

/// The reader of an empty table: every parameter takes its base value; the
/// keys of the parameters that must be given are collected.
#[derive(Debug, Default)]
pub struct NoValues {
    /// Keys of the parameters that have no default, in the order asked.
    pub missing: Vec<&'static str>,
}

impl ParamReader for NoValues {
    fn has(&self, _spec: &ParamSpec) -> bool {
        false
    }

    fn value(&mut self, _spec: &ParamSpec) -> Option<ParamValue> {
        None
    }

    fn report(&mut self, spec: &ParamSpec, _message: String) {
        self.missing.push(spec.key);
    }

    fn report_key(&mut self, _spec: &ParamSpec, _message: String) {}

    fn ordered(&mut self, low: (&ParamSpec, f64), high: (&ParamSpec, f64)) -> Option<()> {
        (low.1 <= high.1).then_some(())
    }
}
