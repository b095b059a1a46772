//! Designs: which combinations of axis values make the design points.
//!
//! - `grid`: every combination, the first axis varying slowest (nested loops in file order).
//! - `zip`: the i-th value of every axis together; all axes have the same length.
//! - `lhs`: a Latin hypercube of `samples` points: each axis's range (or list) is cut into
//!   `samples` equal strata, each stratum used once, in an order shuffled per axis; the draws
//!   come from the experiment's root seed, so the design is reproducible.
//! - `morris`: `trajectories` one-at-a-time trajectories of k + 1 points on a grid of `levels`
//!   levels (Morris 1991), the most spread of a larger random set (Campolongo et al. 2007).
//! - `sobol`: Saltelli's (2010) sample of `samples` base rows from a scrambled Sobol sequence,
//!   k + 2 points per row (2k + 2 with second-order indices).
//!
//! The sampled designs (`lhs`, `morris`, `sobol`) first draw points in the unit cube, one
//! coordinate per axis, then read each coordinate on its axis ([`Axis::level_at`]): a range
//! linearly, a list by stratum, a distribution by its quantile. The unit coordinates are kept
//! with the points: the sensitivity analysis reads them.

use rand::RngExt;
use rand::seq::SliceRandom;

use super::axes::{Axis, Level};
use crate::engine::{derive_seed, stream_rng};
use crate::stats;

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
    /// Morris's elementary-effects screening: `trajectories` x (k + 1) points.
    Morris {
        /// Number of trajectories kept (r).
        trajectories: usize,
        /// Levels of each factor's grid (p, even).
        levels: usize,
        /// Random trajectories the `trajectories` most spread are chosen from (M >= r).
        candidates: usize,
    },
    /// Saltelli's sampling for Sobol indices: `samples` x (k + 2) points, or
    /// `samples` x (2k + 2) with second-order indices.
    Sobol {
        /// Base rows (N, a power of 2).
        samples: usize,
        /// Whether second-order indices are estimated.
        second_order: bool,
    },
}

impl Design {
    /// Its name, as `design` takes it and the manifest records it.
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Zip => "zip",
            Design::Lhs { .. } => "lhs",
            Design::Morris { .. } => "morris",
            Design::Sobol { .. } => "sobol",
        }
    }

    /// Whether its points are drawn in the unit cube (ranges need no `steps`, and
    /// distributions may be axes).
    pub fn is_sampled(self) -> bool {
        !matches!(self, Design::Grid | Design::Zip)
    }
}

/// Seed part reserved for the Latin hypercube draws (run seeds use other parts).
const LHS_SEED_TAG: u64 = 0x4c48_5300;
/// Seed part reserved for the Morris trajectories.
const MORRIS_SEED_TAG: u64 = 0x4d4f_5200;
/// Seed part reserved for the scrambling of the Sobol sequence.
const SOBOL_SEED_TAG: u64 = 0x534f_4200;

/// The design points: per point, one level per axis, and for a sampled design
/// the points' unit coordinates (empty for a grid or zip). Errors name the axis
/// (by index) and say what is wrong.
pub fn expand(design: Design, axes: &[Axis], root_seed: u64) -> Result<Expanded, (usize, String)> {
    match design {
        Design::Grid | Design::Zip => Ok(Expanded { levels: expand_levels(design, axes)?, unit: Vec::new() }),
        Design::Lhs { .. } | Design::Morris { .. } | Design::Sobol { .. } => {
            let unit = unit_points(design, axes.len(), root_seed).map_err(|e| (0, e))?;
            let read = |x: f64| match design {
                Design::Morris { levels, .. } => morris_stratum_centre(x, levels),
                _ => x,
            };
            let levels = unit.iter().map(|u| axes.iter().zip(u).map(|(a, &x)| a.level_at(read(x))).collect()).collect();
            Ok(Expanded { levels, unit })
        }
    }
}

/// The points of a design.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    /// Per point, one level per axis.
    pub levels: Vec<Vec<Level>>,
    /// Per point of a sampled design, its coordinates in the unit cube (one per axis); empty otherwise.
    pub unit: Vec<Vec<f64>>,
}

/// The levels of a grid or zip design.
fn expand_levels(design: Design, axes: &[Axis]) -> Result<Vec<Vec<Level>>, (usize, String)> {
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
        Design::Lhs { .. } | Design::Morris { .. } | Design::Sobol { .. } => {
            unreachable!("sampled designs are expanded from their unit points")
        }
    }
}

/// Where an axis is read at Morris grid coordinate `x` (one of `0, 1/(p-1), ..., 1`): the
/// centre of the matching one of `p` equal-probability strata, `(x (p-1) + 1/2) / p`. Ranges,
/// lists and distributions are thus read alike (a range as a uniform distribution), and an
/// unbounded distribution never at its tails: with p = 4, at its 12.5%, 37.5%, 62.5% and 87.5%
/// quantiles. Elementary effects stay in grid units (an affine map of these), as Morris defines them.
pub fn morris_stratum_centre(x: f64, levels: usize) -> f64 {
    let p = levels as f64;
    (x * (p - 1.0) + 0.5) / p
}

/// The points of a sampled design (`lhs`, `morris`, `sobol`) in the unit cube `[0, 1]^k`,
/// in run order; an empty list for `grid` and `zip`. Deterministic in `root_seed`.
pub fn unit_points(design: Design, k: usize, root_seed: u64) -> Result<Vec<Vec<f64>>, String> {
    match design {
        Design::Grid | Design::Zip => Ok(Vec::new()),
        Design::Lhs { samples } => Ok(latin_hypercube(k, samples, root_seed)),
        Design::Morris { trajectories, levels, candidates } => {
            let seed = derive_seed(root_seed, &[MORRIS_SEED_TAG]);
            stats::morris::trajectories(k, levels, trajectories, candidates, seed)
        }
        Design::Sobol { samples, second_order } => {
            let seed = derive_seed(root_seed, &[SOBOL_SEED_TAG]);
            stats::saltelli::sample(samples, k, second_order, seed)
        }
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
        Design::Morris { trajectories, .. } => Ok(axes.len().checked_add(1).and_then(|n| n.checked_mul(trajectories))),
        Design::Sobol { samples, second_order } => {
            let per_row = if second_order { axes.len().checked_mul(2) } else { Some(axes.len()) };
            Ok(per_row.and_then(|n| n.checked_add(2)).and_then(|n| n.checked_mul(samples)))
        }
    }
}

fn zip_mismatch(len: usize, first: usize) -> String {
    format!("has {len} values but the first axis has {first}: zipped axes need the same length")
}

fn grid_levels(axes: &[Axis]) -> Result<Vec<Vec<Level>>, (usize, String)> {
    axes.iter().enumerate().map(|(i, a)| a.grid_levels().map_err(|e| (i, e))).collect()
}

/// The `lhs` design in the unit cube. Hand-written on purpose: an LHS crate would draw from its
/// own RNG, while these shuffles come from the experiment's seeded stream, so the design is
/// reproducible from `root_seed`. Per axis: a shuffle of the strata, then one uniform per point.
fn latin_hypercube(k: usize, samples: usize, root_seed: u64) -> Vec<Vec<f64>> {
    let mut rng = stream_rng(derive_seed(root_seed, &[LHS_SEED_TAG]), "latin-hypercube");
    let mut columns: Vec<Vec<f64>> = Vec::with_capacity(k);
    for _ in 0..k {
        let mut strata: Vec<usize> = (0..samples).collect();
        strata.shuffle(&mut rng);
        let column = strata
            .iter()
            .map(|&s| {
                let u: f64 = rng.random();
                (s as f64 + u) / samples as f64
            })
            .collect();
        columns.push(column);
    }
    (0..samples).map(|i| columns.iter().map(|c| c[i]).collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::KeyPath;
    use crate::sweep::AxisValues;

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
        let g = expand(Design::Grid, &[list("a", 2), list("b", 3)], 1).unwrap().levels;
        assert_eq!(labels(&g), ["0/0", "0/1", "0/2", "1/0", "1/1", "1/2"]);
        let z = expand(Design::Zip, &[list("a", 3), list("b", 3)], 1).unwrap().levels;
        assert_eq!(labels(&z), ["0/0", "1/1", "2/2"]);
        assert_eq!(expand(Design::Zip, &[list("a", 2), list("b", 3)], 1).unwrap_err().0, 1);
        assert_eq!(expand(Design::Grid, &[], 1).unwrap().levels.len(), 1, "no axis: one point");
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
            assert_eq!(n, Some(expand(design, &axes, 1).unwrap().levels.len()), "{design:?}");
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
        let a = expand(Design::Lhs { samples: 8 }, &axes, 7).unwrap().levels;
        assert_eq!(a, expand(Design::Lhs { samples: 8 }, &axes, 7).unwrap().levels);
        assert_ne!(a, expand(Design::Lhs { samples: 8 }, &axes, 8).unwrap().levels);
        let mut strata: Vec<usize> =
            a.iter().map(|p| ((p[0].value.as_float().unwrap() - 1.0) * 8.0).floor() as usize).collect();
        strata.sort();
        assert_eq!(strata, (0..8).collect::<Vec<_>>());
        let mut per_value = [0; 4];
        a.iter().for_each(|p| per_value[p[1].index.unwrap()] += 1);
        assert_eq!(per_value, [2, 2, 2, 2]);
    }
}
