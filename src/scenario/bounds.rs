//! Numeric rules and their messages: a float outside its [`Bounds`]
//! ([`float_violation`]), an integer outside its range ([`int_violation`]) and its limit
//! ([`limit_violation`]), and how numbers print in messages ([`num`]). The
//! validation context applies them to the values it reads.

pub(crate) use crate::bounds::Bounds;

/// Why float `v` is outside `bounds` (or not finite), with the value, if it is:
/// `must be in [0, 1], got 1.5`.
pub(crate) fn float_violation(bounds: Bounds, v: f64) -> Option<String> {
    bounds.rule_broken(v, false).map(|rule| format!("{rule}, got {}", num(v)))
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

/// The upper limit of an integer and why it is the limit (for messages), e.g.
/// `(100_000, "the most design points an experiment may hold in memory")`.
pub(crate) type Limit<'w> = (i64, &'w str);

/// Why integer `v` is outside `min..=max`, if it is.
pub(crate) fn int_violation(v: i64, min: i64, max: i64) -> Option<String> {
    if (min..=max).contains(&v) {
        return None;
    }
    let rule = match (min, max) {
        (0, i64::MAX) => "must be >= 0".to_string(),
        (1, i64::MAX) => "must be > 0".to_string(),
        (m, i64::MAX) => format!("must be >= {m}"),
        (m, n) => format!("must be in {m}..={n}"),
    };
    Some(format!("{rule}, got {v}"))
}

/// Why integer `v` is below `min` or above the limit `max`, if it is (`why`
/// says why `max` is the limit).
pub(crate) fn limit_violation(v: i64, min: i64, (max, why): Limit<'_>) -> Option<String> {
    if v > max {
        return Some(format!("must be at most {max} ({why}), got {v}"));
    }
    int_violation(v, min, i64::MAX)
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
        assert_eq!(float_violation(Bounds::UNIT, 1.5).as_deref(), Some("must be in [0, 1], got 1.5"));
        assert_eq!(float_violation(Bounds::ANY, f64::NAN).as_deref(), Some("must be a finite number, got nan"));
        assert_eq!(float_violation(Bounds::above(1.0), 1.0).as_deref(), Some("must be > 1, got 1"));
        assert_eq!(float_violation(Bounds::at_least(1.0), 1.0), None);
        assert_eq!(float_violation(Bounds::NON_NEG, -0.5).as_deref(), Some("must be >= 0, got -0.5"));
        assert_eq!(int_violation(0, 1, i64::MAX).as_deref(), Some("must be > 0, got 0"));
        assert_eq!(int_violation(25, 0, 23).as_deref(), Some("must be in 0..=23, got 25"));
        assert_eq!(limit_violation(9, 1, (8, "why")).as_deref(), Some("must be at most 8 (why), got 9"));
        assert_eq!(limit_violation(0, 1, (8, "why")).as_deref(), Some("must be > 0, got 0"));
    }
}
