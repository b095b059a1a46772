//! The search space: the searched parameters, each mapped from the unit
//! interval (where the optimiser works) to its values and back.
//!
//! A parameter runs from `min` to `max` on a linear or a log scale; with a
//! `step`, its values are the grid `min + k step` (within `[min, max]`), and a
//! whole-number parameter is rounded to whole numbers last. The optimiser only
//! ever sees `[0, 1]^n`; [`Space::values_at`] turns a point into the values a
//! candidate's scenario is built from, and [`Space::key`] names a candidate by
//! those values, so that two points that round to the same values are one
//! candidate (evaluated once, cached once).

use std::fmt::Write as _;

/// One searched parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchParam {
    /// Its key: a strategy parameter (`growth`), or for the `provider_schedule`
    /// family `start`, `growth`, `step_days` or `PROVIDER.start` etc.
    pub key: String,
    /// Smallest value searched.
    pub min: f64,
    /// Largest value searched (> `min`).
    pub max: f64,
    /// Whether the unit interval maps to `[min, max]` on a log scale (`min > 0` then).
    pub log: bool,
    /// Grid step of the values (`min + k step`), if any.
    pub step: Option<f64>,
    /// Whether its values are whole numbers.
    pub integer: bool,
    /// Unit of its values (`messages/day`, `days`), empty for plain ratios.
    pub unit: String,
}

impl SearchParam {
    /// The value at `u` of the unit interval (clamped to `[0, 1]`; a
    /// non-finite `u` reads as 0.5): on the scale, then on the grid, then
    /// rounded to a whole number if the parameter is one, always within
    /// `[min, max]`.
    pub fn value_at(&self, u: f64) -> f64 {
        let u = if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.5 };
        let v = if self.log && self.min > 0.0 {
            (self.min.ln() + u * (self.max.ln() - self.min.ln())).exp()
        } else {
            self.min + u * (self.max - self.min)
        };
        let v = match self.step.filter(|s| *s > 0.0) {
            Some(step) => {
                let last = ((self.max - self.min) / step + 1e-9).floor();
                self.min + ((v - self.min) / step).round().clamp(0.0, last) * step
            }
            None => v,
        };
        let v = if self.integer { v.round() } else { v };
        // Whole-number rounding of an end that is not whole stays inside.
        let v = v.clamp(self.min, self.max);
        if self.integer && v.fract() != 0.0 { if v.ceil() <= self.max { v.ceil() } else { v.floor() } } else { v }
    }

    /// Where value `v` lies on the unit interval (the inverse of [`Self::value_at`]
    /// up to the grid and rounding), clamped to `[0, 1]`.
    pub fn unit_of(&self, v: f64) -> f64 {
        let u = if self.max <= self.min {
            0.5
        } else if self.log && self.min > 0.0 && v > 0.0 {
            (v.ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
        } else {
            (v - self.min) / (self.max - self.min)
        };
        if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.0 }
    }

    /// The column name of its values in outputs: the key with its unit (`start_messages_per_day`).
    pub fn column(&self) -> String {
        if self.unit.is_empty() {
            return self.key.clone();
        }
        let words = self.unit.replace('/', " per ");
        let unit: Vec<String> =
            words.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect();
        format!("{}_{}", self.key, unit.join("_"))
    }
}

/// The searched parameters, in the order of the `[search]` table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Space {
    /// The parameters.
    pub params: Vec<SearchParam>,
}

impl Space {
    /// The values at point `u` of the unit cube (one coordinate per parameter; a
    /// missing coordinate reads as 0.5).
    pub fn values_at(&self, u: &[f64]) -> Vec<f64> {
        self.params.iter().enumerate().map(|(i, p)| p.value_at(u.get(i).copied().unwrap_or(0.5))).collect()
    }

    /// The point of the unit cube of `values` (see [`SearchParam::unit_of`]).
    pub fn units_of(&self, values: &[f64]) -> Vec<f64> {
        self.params.iter().zip(values).map(|(p, v)| p.unit_of(*v)).collect()
    }

    /// The number of searched parameters.
    pub fn dims(&self) -> usize {
        self.params.len()
    }

    /// The text key of a candidate: `key=value` joined by `;`, each value in
    /// Rust's shortest exact form, so that equal values give equal keys and
    /// different values different keys (for de-duplication and caching).
    pub fn key(&self, values: &[f64]) -> String {
        let mut out = String::new();
        for (i, (p, v)) in self.params.iter().zip(values).enumerate() {
            if i > 0 {
                out.push(';');
            }
            // Writing to a String cannot fail; -0 and 0 are one value.
            let v = if *v == 0.0 { 0.0 } else { *v };
            let _ = write!(out, "{}={v}", p.key);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(min: f64, max: f64, log: bool, step: Option<f64>, integer: bool) -> SearchParam {
        SearchParam { key: "x".into(), min, max, log, step, integer, unit: String::new() }
    }

    #[test]
    fn linear_values_and_their_units() {
        let p = param(1.1, 2.0, false, None, false);
        assert_eq!(p.value_at(0.0), 1.1);
        assert_eq!(p.value_at(1.0), 2.0);
        assert!((p.value_at(0.5) - 1.55).abs() < 1e-12);
        assert_eq!(p.value_at(-3.0), 1.1, "clamped");
        assert_eq!(p.value_at(7.0), 2.0, "clamped");
        assert_eq!(p.value_at(f64::NAN), p.value_at(0.5));
        for u in [0.0, 0.1, 0.37, 0.5, 0.99, 1.0] {
            assert!((p.unit_of(p.value_at(u)) - u).abs() < 1e-12, "{u}");
        }
        assert_eq!(p.unit_of(0.0), 0.0);
        assert_eq!(p.unit_of(9.0), 1.0);
    }

    #[test]
    fn log_scale_spreads_decades_evenly() {
        let p = param(100.0, 10_000.0, true, None, false);
        assert!((p.value_at(0.5) - 1000.0).abs() < 1e-9);
        assert!((p.value_at(0.25) - 316.227_766).abs() < 1e-5);
        assert!((p.unit_of(1000.0) - 0.5).abs() < 1e-12);
        for u in [0.0, 0.2, 0.8, 1.0] {
            assert!((p.unit_of(p.value_at(u)) - u).abs() < 1e-12, "{u}");
        }
    }

    #[test]
    fn steps_make_a_grid_within_the_range() {
        let p = param(100.0, 5000.0, true, Some(100.0), false);
        for u in [0.0, 0.13, 0.5, 0.77, 1.0] {
            let v = p.value_at(u);
            assert!((100.0..=5000.0).contains(&v));
            assert!(((v - 100.0) / 100.0 - ((v - 100.0) / 100.0).round()).abs() < 1e-9, "{v} on the grid");
        }
        assert_eq!(p.value_at(0.5), 700.0, "sqrt(100 x 5000) = 707 -> 700");
        // A grid whose last step overshoots stays at or below max.
        let q = param(1.0, 2.0, false, Some(0.3), false);
        let values: Vec<f64> = (0..=20).map(|i| q.value_at(f64::from(i) / 20.0)).collect();
        assert!(values.iter().all(|v| *v <= 2.0 + 1e-12), "{values:?}");
        assert!((values[20] - 1.9).abs() < 1e-12, "{values:?}");
    }

    #[test]
    fn integers_are_whole_and_inside() {
        let p = param(1.0, 14.0, false, None, true);
        let values: Vec<f64> = (0..=100).map(|i| p.value_at(f64::from(i) / 100.0)).collect();
        assert!(values.iter().all(|v| v.fract() == 0.0 && (1.0..=14.0).contains(v)));
        assert_eq!(values[0], 1.0);
        assert_eq!(values[100], 14.0);
        assert_eq!(p.value_at(0.5), 8.0, "7.5 rounds to 8");
        // Every whole number of the range is reachable.
        let mut seen: Vec<f64> = values.clone();
        seen.dedup();
        assert_eq!(seen.len(), 14);
        let odd = param(1.5, 3.5, false, None, true);
        assert!([2.0, 3.0].contains(&odd.value_at(0.0)) && [2.0, 3.0].contains(&odd.value_at(1.0)));
    }

    #[test]
    fn keys_name_values_exactly() {
        let space = Space {
            params: vec![
                SearchParam { key: "growth".into(), ..param(1.1, 2.0, false, None, false) },
                SearchParam { key: "start".into(), ..param(100.0, 5000.0, false, Some(100.0), false) },
            ],
        };
        assert_eq!(space.dims(), 2);
        assert_eq!(space.key(&[1.42, 800.0]), "growth=1.42;start=800");
        assert_eq!(space.key(&[1.42, 800.0]), space.key(&[1.42, 800.0]));
        assert_ne!(space.key(&[1.42, 800.0]), space.key(&[1.420_000_000_000_000_1, 800.0]));
        // Two points that fall on the same grid value are one candidate.
        let a = space.values_at(&[0.5, 0.5]);
        let b = space.values_at(&[0.5, 0.505]);
        assert_eq!(space.key(&a), space.key(&b));
        assert_eq!(space.values_at(&[0.5]), vec![1.55, 2600.0], "a missing coordinate reads as 0.5");
        assert_eq!(space.units_of(&[1.1, 5000.0]), vec![0.0, 1.0]);
    }

    #[test]
    fn columns_carry_units() {
        let mut p = param(1.0, 2.0, false, None, false);
        assert_eq!(p.column(), "x");
        p.unit = "messages/day".into();
        assert_eq!(p.column(), "x_messages_per_day");
    }
}
