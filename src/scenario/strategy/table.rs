//! The `[strategy]` table as a [`ParamReader`]: each value is read as its
//! parameter's type (a value of the wrong type gets toml's message, as
//! anywhere else in a scenario) and checked against the parameter's bounds
//! or options, and every problem is located in the file.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::super::check::{Ctx, num};
use super::super::keys::one_of_message;
use super::super::path::KeyPath;
use super::super::raw::{Field, RawStrategy};
use crate::strategy::param::{ParamSpec, ParamType, ParamValue};
use crate::strategy::read::ParamReader;

/// The raw `[strategy]` table at `path`, read through `ctx`.
pub(super) struct Table<'t, 'a> {
    ctx: &'t mut Ctx<'a>,
    raw: &'t RawStrategy,
    path: &'t KeyPath,
}

impl<'t, 'a> Table<'t, 'a> {
    /// A reader of `raw`, the table at `path`, recording problems in `ctx`.
    pub(super) fn new(ctx: &'t mut Ctx<'a>, raw: &'t RawStrategy, path: &'t KeyPath) -> Self {
        Self { ctx, raw, path }
    }

    /// The value at `key` as a `T`; a value of another type is reported.
    pub(super) fn typed<T: DeserializeOwned + Clone>(&mut self, key: &str) -> Option<T> {
        let value = self.raw.0.get(key)?;
        let field = Field::<T>::deserialize(value.clone()).unwrap_or_else(|e| Field::Invalid(e.to_string()));
        self.ctx.value(&field, &self.path.key(key))
    }

    /// The text at `key`, which must be given.
    pub(super) fn required_text(&mut self, key: &str) -> Option<String> {
        if !self.raw.0.contains_key(key) {
            self.ctx.missing(&self.path.key(key));
        }
        self.typed(key)
    }

    /// Checks `v` (shown as `shown`) at `path` against `spec`'s bounds.
    fn bounded(&mut self, spec: &ParamSpec, path: &KeyPath, v: f64, shown: String) -> Option<()> {
        match spec.bounds.rule_broken(v, spec.is_int()) {
            Some(rule) => {
                self.ctx.report(path, format!("{rule}, got {shown}"));
                None
            }
            None => Some(()),
        }
    }

    /// A table of volumes: at least one day, each a whole number within the bounds.
    fn per_day(&mut self, spec: &ParamSpec, path: &KeyPath) -> Option<Vec<u64>> {
        let items: Vec<Field<i64>> = self.typed(spec.key)?;
        self.days(spec, &items, path)
    }

    /// A table of such lists, one per provider (names checked against the scenario's providers
    /// later, where they are known), in the file's order.
    fn per_provider_days(&mut self, spec: &ParamSpec, path: &KeyPath) -> Option<Vec<(String, Vec<u64>)>> {
        let table: toml::Table = self.typed(spec.key)?;
        if table.is_empty() {
            self.ctx.report(path, "must name at least one provider, as `PROVIDER = [volume of day 1, ...]`");
            return None;
        }
        let lists: Vec<Option<(String, Vec<u64>)>> = table
            .iter()
            .map(|(name, value)| {
                let at = path.key(name);
                let field = Field::<Vec<Field<i64>>>::deserialize(value.clone())
                    .unwrap_or_else(|e| Field::Invalid(e.to_string()));
                let items = self.ctx.value(&field, &at)?;
                Some((name.clone(), self.days(spec, &items, &at)?))
            })
            .collect();
        lists.into_iter().collect()
    }

    /// The days of a list at `path`: at least one, each a whole number within the bounds.
    fn days(&mut self, spec: &ParamSpec, items: &[Field<i64>], path: &KeyPath) -> Option<Vec<u64>> {
        if items.is_empty() {
            self.ctx.report(path, "must have at least one day");
            return None;
        }
        let days: Vec<Option<u64>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let day = path.index(i);
                let v = self.ctx.value(item, &day)?;
                self.bounded(spec, &day, v as f64, v.to_string())?;
                u64::try_from(v).ok()
            })
            .collect();
        days.into_iter().collect()
    }
}

impl ParamReader for Table<'_, '_> {
    fn has(&self, spec: &ParamSpec) -> bool {
        self.raw.0.contains_key(spec.key)
    }

    fn value(&mut self, spec: &ParamSpec) -> Option<ParamValue> {
        let path = self.path.key(spec.key);
        match spec.ty {
            ParamType::Float => {
                let v: f64 = self.typed(spec.key)?;
                self.bounded(spec, &path, v, num(v))?;
                Some(ParamValue::Float(v))
            }
            ParamType::Int => {
                let v: i64 = self.typed(spec.key)?;
                self.bounded(spec, &path, v as f64, v.to_string())?;
                Some(ParamValue::Int(v))
            }
            ParamType::Bool => self.typed(spec.key).map(ParamValue::Bool),
            ParamType::Choice { options, what } => {
                let v: String = self.typed(spec.key)?;
                match options.iter().find(|o| **o == v) {
                    Some(o) => Some(ParamValue::Choice(o)),
                    None => {
                        self.ctx.report(&path, one_of_message(what, &v, options));
                        None
                    }
                }
            }
            ParamType::PerDay => self.per_day(spec, &path).map(ParamValue::PerDay),
            ParamType::PerProviderDays => self.per_provider_days(spec, &path).map(ParamValue::PerProviderDays),
        }
    }

    fn report(&mut self, spec: &ParamSpec, message: String) {
        self.ctx.report(&self.path.key(spec.key), message);
    }

    fn report_key(&mut self, spec: &ParamSpec, message: String) {
        self.ctx.report_key(&self.path.key(spec.key), message);
    }

    fn ordered(&mut self, (low, low_v): (&ParamSpec, f64), (high, high_v): (&ParamSpec, f64)) -> Option<()> {
        if low_v <= high_v {
            return Some(());
        }
        if self.has(high) {
            self.report(high, format!("must be >= {} ({}), got {}", low.key, num(low_v), num(high_v)));
        } else {
            self.report(low, format!("must be <= {} ({}), got {}", high.key, num(high_v), num(low_v)));
        }
        None
    }
}
