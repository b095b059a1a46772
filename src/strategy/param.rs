//! Parameter metadata: what each parameter of a strategy kind is (its type,
//! default, bounds, unit and meaning), as data.
//!
//! A parameter is declared once, as a [`ParamSpec`] constant beside the logic
//! that uses it (shared groups such as the health thresholds are a
//! [`ParamGroup`] referenced by each kind that takes them). The validation of
//! scenario files, the `ipwarm strategies` listing, docs/MODEL.md's parameter
//! table and any search over parameters (an optimiser, a sensitivity
//! analysis) all read these constants. How a kind reads its values is
//! [`super::read`]'s concern.

use std::fmt;

pub use crate::bounds::{Bounds, Limit};

pub use crate::bounds::MAX_DAYS;

/// The type of a parameter's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A finite real number.
    Float,
    /// A whole number.
    Int,
    /// `true` or `false`.
    Bool,
    /// One of a fixed set of names.
    Choice {
        /// The names accepted.
        options: &'static [&'static str],
        /// What a name is, in messages (``unknown {what} `x` ``).
        what: &'static str,
    },
    /// A list of whole numbers, one per day from day 1 (at least one); the bounds apply to each.
    PerDay,
    /// A table of such lists, one per mailbox provider of the scenario (`gmail = [500, 1000]`,
    /// at least one provider); the bounds apply to each number.
    PerProviderDays,
}

/// The setting of another parameter under which a parameter is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// The other parameter (a choice).
    pub key: &'static str,
    /// The option it must be set to.
    pub value: &'static str,
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = \"{}\"", self.key, self.value)
    }
}

/// A parameter's value when the file does not give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamDefault {
    /// A number.
    Float(f64),
    /// A whole number.
    Int(i64),
    /// A flag.
    Bool(bool),
    /// One of the options.
    Choice(&'static str),
    /// No value; absence means what the text says (`the list size`, `no cap`).
    Absent(&'static str),
    /// None: the parameter must be given (when its condition holds).
    Required,
}

impl fmt::Display for ParamDefault {
    /// As written in a scenario file, or what absence means.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamDefault::Float(v) => write!(f, "{v}"),
            ParamDefault::Int(v) => write!(f, "{v}"),
            ParamDefault::Bool(v) => write!(f, "{v}"),
            ParamDefault::Choice(v) => write!(f, "\"{v}\""),
            ParamDefault::Absent(meaning) => f.write_str(meaning),
            ParamDefault::Required => f.write_str("required"),
        }
    }
}

/// A value read for a parameter, of the parameter's type.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// Of a [`ParamType::Float`].
    Float(f64),
    /// Of a [`ParamType::Int`].
    Int(i64),
    /// Of a [`ParamType::Bool`].
    Bool(bool),
    /// Of a [`ParamType::Choice`]: one of its options.
    Choice(&'static str),
    /// Of a [`ParamType::PerDay`].
    PerDay(Vec<u64>),
    /// Of a [`ParamType::PerProviderDays`]: (provider name, its list), in the file's order.
    PerProviderDays(Vec<(String, Vec<u64>)>),
}

/// One parameter of a strategy kind: the key in the `[strategy]` table and
/// everything known about its values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// Key in the `[strategy]` table.
    pub key: &'static str,
    /// Type of its values.
    pub ty: ParamType,
    /// Value when absent.
    pub default: ParamDefault,
    /// Allowed values of a number (of each day of a [`ParamType::PerDay`]).
    pub bounds: Bounds,
    /// Unit of a number (`messages/day`, `days`), empty for plain ratios and names.
    pub unit: &'static str,
    /// What it means, in one line.
    pub doc: &'static str,
    /// The setting under which it is used; `None`: always.
    pub when: Option<Condition>,
    /// Whether a preset fixes it (it cannot be overridden: a schedule's table).
    pub fixed_by_preset: bool,
    /// Where its default comes from (a reference of docs/MODEL.md); empty: a modelling choice.
    pub source: &'static str,
}

impl ParamSpec {
    const fn new(key: &'static str, ty: ParamType, default: ParamDefault, bounds: Bounds, doc: &'static str) -> Self {
        Self { key, ty, default, bounds, unit: "", doc, when: None, fixed_by_preset: false, source: "" }
    }

    /// A number with a default.
    pub const fn float(key: &'static str, default: f64, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::Float, ParamDefault::Float(default), bounds, doc)
    }

    /// A number without a default: `absent` says what its absence means.
    pub const fn optional_float(key: &'static str, absent: &'static str, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::Float, ParamDefault::Absent(absent), bounds, doc)
    }

    /// A number that must be given (when its condition holds).
    pub const fn required_float(key: &'static str, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::Float, ParamDefault::Required, bounds, doc)
    }

    /// A whole number with a default.
    pub const fn int(key: &'static str, default: i64, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::Int, ParamDefault::Int(default), bounds, doc)
    }

    /// A whole number without a default: `absent` says what its absence means.
    pub const fn optional_int(key: &'static str, absent: &'static str, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::Int, ParamDefault::Absent(absent), bounds, doc)
    }

    /// A flag with a default.
    pub const fn flag(key: &'static str, default: bool, doc: &'static str) -> Self {
        Self::new(key, ParamType::Bool, ParamDefault::Bool(default), Bounds::ANY, doc)
    }

    /// One of `options` (a `value` in messages), `default` when absent.
    pub const fn choice(
        key: &'static str,
        options: &'static [&'static str],
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        let ty = ParamType::Choice { options, what: "value" };
        Self::new(key, ty, ParamDefault::Choice(default), Bounds::ANY, doc)
    }

    /// Whole numbers per day per provider within `bounds`; absent means `absent`.
    pub const fn per_provider_days(key: &'static str, absent: &'static str, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::PerProviderDays, ParamDefault::Absent(absent), bounds, doc)
    }

    /// Whole numbers per day within `bounds`; `default` is `Required` or `Absent`.
    pub const fn per_day(key: &'static str, default: ParamDefault, bounds: Bounds, doc: &'static str) -> Self {
        Self::new(key, ParamType::PerDay, default, bounds, doc)
    }

    /// This parameter with unit `unit`.
    pub const fn unit(self, unit: &'static str) -> Self {
        Self { unit, ..self }
    }

    /// This parameter, used only when choice `key` is `value`.
    pub const fn when(self, key: &'static str, value: &'static str) -> Self {
        Self { when: Some(Condition { key, value }), ..self }
    }

    /// This parameter, fixed by a preset.
    pub const fn fixed_by_preset(self) -> Self {
        Self { fixed_by_preset: true, ..self }
    }

    /// This parameter, its default taken from `source`.
    pub const fn source(self, source: &'static str) -> Self {
        Self { source, ..self }
    }

    /// This choice, whose options are `what`s in messages.
    pub const fn what(self, what: &'static str) -> Self {
        match self.ty {
            ParamType::Choice { options, .. } => Self { ty: ParamType::Choice { options, what }, ..self },
            _ => panic!("only a choice names its options"),
        }
    }

    /// The default of a number; evaluate it in a constant (`const { SPEC.float_default() }`), where a
    /// parameter without a numeric default fails the build.
    pub const fn float_default(&self) -> f64 {
        match self.default {
            ParamDefault::Float(v) => v,
            _ => panic!("not a number with a default"),
        }
    }

    /// The default of a whole number; evaluate it in a constant, as [`Self::float_default`].
    pub const fn int_default(&self) -> i64 {
        match self.default {
            ParamDefault::Int(v) => v,
            _ => panic!("not a whole number with a default"),
        }
    }

    /// Whether its values (or each day's) are whole numbers.
    pub fn is_int(&self) -> bool {
        matches!(self.ty, ParamType::Int | ParamType::PerDay | ParamType::PerProviderDays)
    }

    /// The values it accepts, as listings show them: a range, or the options.
    pub fn range(&self) -> String {
        match self.ty {
            ParamType::Choice { options, .. } => {
                options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(" | ")
            }
            ParamType::Bool => "true | false".to_string(),
            ParamType::PerDay => format!("each {}", self.bounds.describe(true)),
            ParamType::PerProviderDays => format!("PROVIDER = [each {}]", self.bounds.describe(true)),
            ParamType::Float | ParamType::Int => self.bounds.describe(self.is_int()),
        }
    }
}

/// Parameters several kinds share, declared once (the health thresholds of
/// the health-driven ramps, the audience settings of every kind).
#[derive(Debug, Clone, Copy)]
pub struct ParamGroup {
    /// What the group is, in listings (`health thresholds`).
    pub name: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_describe_their_values() {
        const ORDER: ParamSpec = ParamSpec::choice("order", &["a", "b"], "a", "an order").what("order");
        assert_eq!(ORDER.range(), "\"a\" | \"b\"");
        assert_eq!(ORDER.default.to_string(), "\"a\"");
        assert_eq!(ORDER.ty, ParamType::Choice { options: &["a", "b"], what: "order" });
        const FLAG: ParamSpec = ParamSpec::flag("on", true, "a flag");
        assert_eq!((FLAG.range(), FLAG.default.to_string()), ("true | false".to_string(), "true".to_string()));
        const DAYS: ParamSpec = ParamSpec::int("days", 3, Bounds::DAYS, "days").unit("days").when("order", "b");
        assert_eq!((DAYS.int_default(), DAYS.range()), (3, "1..=3650".to_string()));
        assert_eq!(DAYS.when.map(|c| c.to_string()).as_deref(), Some("order = \"b\""));
    }
}
