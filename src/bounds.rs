//! Ranges of numeric values, the one vocabulary for them: what a scenario
//! key, a strategy parameter (and later a provider parameter) accepts, how a
//! value outside is described in an error, and how a range reads in listings.
//! Imports nothing from the rest of the crate.

/// Longest ramp, window or growth step accepted (days): ten years.
pub const MAX_DAYS: i64 = 3650;

/// One end of a range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Where the range ends.
    pub value: f64,
    /// Whether `value` itself is allowed.
    pub inclusive: bool,
}

/// The values a numeric parameter accepts (and every value must be finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// The lower end; `None`: unbounded below.
    pub min: Option<Limit>,
    /// The upper end; `None`: unbounded above.
    pub max: Option<Limit>,
}

impl Bounds {
    /// Any finite value.
    pub const ANY: Self = Self { min: None, max: None };
    /// Strictly positive: volumes.
    pub const POSITIVE: Self = Self::above(0.0);
    /// Zero or more: counts, delays.
    pub const NON_NEG: Self = Self::at_least(0.0);
    /// In [0, 1]: rates and shares.
    pub const UNIT: Self = Self::between(0.0, 1.0);
    /// Whole days in `1..=MAX_DAYS`.
    pub const DAYS: Self = Self::between(1.0, MAX_DAYS as f64);

    /// Strictly more than `value`.
    pub const fn above(value: f64) -> Self {
        Self { min: Some(Limit { value, inclusive: false }), max: None }
    }

    /// `value` or more.
    pub const fn at_least(value: f64) -> Self {
        Self { min: Some(Limit { value, inclusive: true }), max: None }
    }

    /// From `low` to `high`, both included.
    pub const fn between(low: f64, high: f64) -> Self {
        Self { min: Some(Limit { value: low, inclusive: true }), max: Some(Limit { value: high, inclusive: true }) }
    }

    /// These bounds, also strictly less than `value`.
    pub const fn below(self, value: f64) -> Self {
        Self { max: Some(Limit { value, inclusive: false }), ..self }
    }

    /// These bounds, also at most `value`.
    pub const fn at_most(self, value: f64) -> Self {
        Self { max: Some(Limit { value, inclusive: true }), ..self }
    }

    /// Whether `v` is allowed.
    pub fn contains(&self, v: f64) -> bool {
        let above_min = self.min.is_none_or(|m| if m.inclusive { v >= m.value } else { v > m.value });
        let below_max = self.max.is_none_or(|m| if m.inclusive { v <= m.value } else { v < m.value });
        v.is_finite() && above_min && below_max
    }

    /// The rule `v` breaks, for messages (`must be > 0`, `must be in [0, 1]`,
    /// `must be in 1..=3650` for whole numbers), or `None` if `v` is allowed.
    pub fn rule_broken(&self, v: f64, int: bool) -> Option<String> {
        if !v.is_finite() {
            return Some("must be a finite number".to_string());
        }
        if self.contains(v) {
            return None;
        }
        if let (Some(low), Some(high)) = (self.min, self.max)
            && low.inclusive
            && high.inclusive
        {
            return Some(format!("must be in {}", self.describe(int)));
        }
        let breaks_min = self.min.filter(|m| if m.inclusive { v < m.value } else { v <= m.value });
        let (limit, sign) = match breaks_min {
            Some(m) => (m, if m.inclusive { ">=" } else { ">" }),
            None => {
                let m = self.max?;
                (m, if m.inclusive { "<=" } else { "<" })
            }
        };
        Some(format!("must be {sign} {}", number(limit.value, int)))
    }

    /// The range as listings show it: `> 0`, `[0, 1]`, `(0, 1)`, `1..=3650` (whole numbers), `any`.
    pub fn describe(&self, int: bool) -> String {
        match (self.min, self.max) {
            (None, None) => "any".to_string(),
            (Some(m), None) => format!("{} {}", if m.inclusive { ">=" } else { ">" }, number(m.value, int)),
            (None, Some(m)) => format!("{} {}", if m.inclusive { "<=" } else { "<" }, number(m.value, int)),
            (Some(low), Some(high)) if int && low.inclusive && high.inclusive => {
                format!("{}..={}", number(low.value, true), number(high.value, true))
            }
            (Some(low), Some(high)) => format!(
                "{}{}, {}{}",
                if low.inclusive { '[' } else { '(' },
                number(low.value, int),
                number(high.value, int),
                if high.inclusive { ']' } else { ')' }
            ),
        }
    }
}

/// A bound as written in rules: whole numbers without a decimal part.
fn number(v: f64, int: bool) -> String {
    if int { format!("{}", v as i64) } else { v.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_ranges_in_words() {
        let rule = |b: Bounds, v: f64| b.rule_broken(v, false);
        assert_eq!(rule(Bounds::POSITIVE, 0.0).as_deref(), Some("must be > 0"));
        assert_eq!(rule(Bounds::UNIT, 1.5).as_deref(), Some("must be in [0, 1]"));
        assert_eq!(rule(Bounds::above(0.0).below(1.0), 1.0).as_deref(), Some("must be < 1"));
        assert_eq!(rule(Bounds::above(0.0).at_most(1.0), 1.5).as_deref(), Some("must be <= 1"));
        assert_eq!(rule(Bounds::at_least(1.0), 0.9).as_deref(), Some("must be >= 1"));
        assert_eq!(rule(Bounds::ANY, f64::NAN).as_deref(), Some("must be a finite number"));
        assert_eq!(rule(Bounds::above(1.0), 1.3), None);
        assert_eq!(Bounds::DAYS.rule_broken(0.0, true).as_deref(), Some("must be in 1..=3650"));
        assert_eq!(Bounds::above(0.0).below(1.0).describe(false), "(0, 1)");
        assert_eq!(Bounds::POSITIVE.describe(false), "> 0");
        assert_eq!(Bounds::ANY.describe(false), "any");
    }
}
