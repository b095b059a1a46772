//! Designs: which combinations of axis values make the design points.
//!
//! - `grid`: every combination, the first axis varying slowest (nested loops in file order).
//! - `zip`: the i-th value of every axis together; all axes have the same length.
//! - `lhs`: a Latin hypercube of `samples` points: each axis's range (or list) is cut into
//!   `samples` equal strata, each stratum used once, in an order shuffled per axis; the draws
//!   come from the experiment's root seed, so the design is reproducible.

use rand::RngExt;
use rand::seq::SliceRandom;

use super::axes::{Axis, AxisValues, Level, number_level};
use crate::engine::{derive_seed, stream_rng};

/// How axes combine into design points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Every combination of the axes' values.
    Grid,
    /// The axes' values taken together, position by position.
    Zip,
    /// A Latin hypercube sample of this many points.
    Lhs {
        /// Number of design points.
        samples: usize,
    },
}

/// Seed part reserved for the Latin hypercube draws (run seeds use other parts).
const LHS_SEED_TAG: u64 = 0x4c48_5300;

/// The design points: per point, one level per axis. Errors name the axis (by
/// index) and say what is wrong.
pub fn expand(design: Design, axes: &[Axis], root_seed: u64) -> Result<Vec<Vec<Level>>, (usize, String)> {
    match design {
        Design::Grid => {
            let levels = grid_levels(axes)?;
            let mut points: Vec<Vec<Level>> = vec![Vec::new()];
            for axis_levels in &levels {
                points = points
                    .into_iter()
                    .flat_map(|p| {
                        axis_levels.iter().map(move |l| {
                            let mut q = p.clone();
                            q.push(l.clone());
                            q
                        })
                    })
                    .collect();
            }
            Ok(points)
        }
        Design::Zip => {
            let levels = grid_levels(axes)?;
            let n = levels.first().map_or(1, Vec::len);
            if let Some(bad) = levels.iter().position(|l| l.len() != n) {
                return Err((bad, zip_mismatch(levels[bad].len(), n)));
            }
            Ok((0..n).map(|i| levels.iter().map(|l| l[i].clone()).collect()).collect())
        }
        Design::Lhs { samples } => Ok(latin_hypercube(axes, samples, root_seed)),
    }
}

/// The number of design points of `design` over `axes`, computed from the
/// axes' lengths without expanding anything (so that a design too large to
/// hold is refused before it is built): the product of the lengths for a grid,
/// the common length for a zip, `samples` for a Latin hypercube. `Ok(None)` if
/// the product overflows `usize`; errors as [`expand`]'s.
pub fn n_points(design: Design, axes: &[Axis]) -> Result<Option<usize>, (usize, String)> {
    let lengths = || -> Result<Vec<usize>, (usize, String)> {
        let missing = "`steps` is required for a range in a grid or zip design";
        axes.iter().enumerate().map(|(i, a)| a.n_values().ok_or_else(|| (i, missing.to_string()))).collect()
    };
    match design {
        Design::Grid => Ok(lengths()?.into_iter().try_fold(1usize, usize::checked_mul)),
        Design::Zip => {
            let lengths = lengths()?;
            let n = lengths.first().copied().unwrap_or(1);
            match lengths.iter().position(|&l| l != n) {
                Some(bad) => Err((bad, zip_mismatch(lengths[bad], n))),
                None => Ok(Some(n)),
            }
        }
        Design::Lhs { samples } => Ok(Some(samples)),
    }
}

fn zip_mismatch(len: usize, first: usize) -> String {
    format!("has {len} values but the first axis has {first}: zipped axes need the same length")
}

fn grid_levels(axes: &[Axis]) -> Result<Vec<Vec<Level>>, (usize, String)> {
    axes.iter().enumerate().map(|(i, a)| a.grid_levels().map_err(|e| (i, e))).collect()
}

/// The `lhs` design. Hand-written on purpose: an LHS crate would draw from its own RNG, while these
/// shuffles come from the experiment's seeded stream, so the design is reproducible from `root_seed`.
fn latin_hypercube(axes: &[Axis], samples: usize, root_seed: u64) -> Vec<Vec<Level>> {
    let mut rng = stream_rng(derive_seed(root_seed, &[LHS_SEED_TAG]), "latin-hypercube");
    let mut columns: Vec<Vec<Level>> = Vec::with_capacity(axes.len());
    for axis in axes {
        let mut strata: Vec<usize> = (0..samples).collect();
        strata.shuffle(&mut rng);
        let column = strata
            .iter()
            .map(|&s| {
                let u: f64 = rng.random();
                let t = (s as f64 + u) / samples as f64;
                match &axis.values {
                    AxisValues::Range { lo, hi, integer, .. } => number_level(lo + (hi - lo) * t, *integer),
                    AxisValues::List { values, labels } => {
                        let i = ((t * values.len() as f64) as usize).min(values.len() - 1);
                        Level { value: values[i].clone(), label: labels[i].clone(), index: Some(i) }
                    }
                }
            })
            .collect();
        columns.push(column);
    }
    (0..samples).map(|i| columns.iter().map(|c| c[i].clone()).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::KeyPath;

    fn list(name: &str, n: i64) -> Axis {
        let values: Vec<toml::Value> = (0..n).map(toml::Value::Integer).collect();
        let labels = (0..n).map(|i| i.to_string()).collect();
        Axis { name: name.into(), path: KeyPath::parse(name).unwrap(), values: AxisValues::List { values, labels } }
    }

    fn labels(points: &[Vec<Level>]) -> Vec<String> {
        points.iter().map(|p| p.iter().map(|l| l.label.as_str()).collect::<Vec<_>>().join("/")).collect()
    }

    #[test]
    fn grid_and_zip() {
        let g = expand(Design::Grid, &[list("a", 2), list("b", 3)], 1).unwrap();
        assert_eq!(labels(&g), ["0/0", "0/1", "0/2", "1/0", "1/1", "1/2"]);
        let z = expand(Design::Zip, &[list("a", 3), list("b", 3)], 1).unwrap();
        assert_eq!(labels(&z), ["0/0", "1/1", "2/2"]);
        assert_eq!(expand(Design::Zip, &[list("a", 2), list("b", 3)], 1).unwrap_err().0, 1);
        assert_eq!(expand(Design::Grid, &[], 1).unwrap().len(), 1, "no axis: one point");
    }

    #[test]
    fn points_are_counted_without_expanding() {
        let range = |steps| Axis {
            name: "r".into(),
            path: KeyPath::parse("r").unwrap(),
            values: AxisValues::Range { lo: 0.0, hi: 1.0, steps, integer: false },
        };
        let axes = [list("a", 2), list("b", 3), range(Some(4))];
        for design in [Design::Grid, Design::Lhs { samples: 5 }] {
            let n = n_points(design, &axes).unwrap();
            assert_eq!(n, Some(expand(design, &axes, 1).unwrap().len()), "{design:?}");
        }
        assert_eq!(n_points(Design::Zip, &[list("a", 3), range(Some(3))]), Ok(Some(3)));
        assert_eq!(n_points(Design::Zip, &[list("a", 3), list("b", 2)]).unwrap_err().0, 1);
        assert_eq!(n_points(Design::Grid, &[]), Ok(Some(1)));
        // 8 axes of 10^3 values: 10^24 points, counted (as too many) at once.
        let huge: Vec<Axis> = (0..8).map(|_| range(Some(1000))).collect();
        assert_eq!(n_points(Design::Grid, &huge), Ok(None));
        assert_eq!(n_points(Design::Lhs { samples: usize::MAX }, &huge), Ok(Some(usize::MAX)));
        assert!(n_points(Design::Grid, &[range(None)]).is_err());
    }

    #[test]
    fn latin_hypercube_uses_each_stratum_once_and_is_seeded() {
        let range = Axis {
            name: "g".into(),
            path: KeyPath::parse("g").unwrap(),
            values: AxisValues::Range { lo: 1.0, hi: 2.0, steps: None, integer: false },
        };
        let axes = [range, list("b", 4)];
        let a = expand(Design::Lhs { samples: 8 }, &axes, 7).unwrap();
        assert_eq!(a, expand(Design::Lhs { samples: 8 }, &axes, 7).unwrap());
        assert_ne!(a, expand(Design::Lhs { samples: 8 }, &axes, 8).unwrap());
        let mut strata: Vec<usize> =
            a.iter().map(|p| ((p[0].value.as_float().unwrap() - 1.0) * 8.0).floor() as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..8).collect::<Vec<_>>());
        let mut per_value = [0; 4];
        a.iter().for_each(|p| per_value[p[1].index.unwrap()] += 1);
        assert_eq!(per_value, [2, 2, 2, 2]);
    }
}
