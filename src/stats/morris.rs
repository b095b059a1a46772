//! Morris's elementary effects (screening), with trajectories spread as Campolongo proposes.
//!
//! **Sampling** ([`trajectories`]): each factor's unit range is a grid of `p` levels
//! `0, 1/(p−1), ..., 1` (`p` even) and a step is `Δ = p / (2(p − 1))`. A trajectory (Morris
//! 1991, the `B*` construction) starts at a random grid point `x*` whose coordinates are in the
//! lower half of the grid, draws a direction `±1` per factor (a factor moving down starts `Δ`
//! higher) and a random order of the factors, then moves one factor at a time by `Δ`:
//! `k + 1` points. `M` random candidates are drawn and the `r` most spread are kept
//! (Campolongo, Cariboni & Saltelli 2007): the distance of two trajectories is the sum of the
//! Euclidean distances between all pairs of their points, and a set is scored by the sum of the
//! squared distances of its pairs. When there are at most [`BRUTE_FORCE_LIMIT`] subsets the best
//! one is found by exhaustive search; otherwise by Ruano et al.'s (2012) local search as SALib
//! does it: for each seed size `s = 2..r`, start from the trajectory whose `s − 1`
//! farthest neighbours make the best-scored seed, add the trajectory that raises the score most
//! until there are `r`, and keep the best set over all seed sizes. The kept trajectories are
//! returned in the order they were drawn. Spreading favours the end levels of each grid, so
//! the kept points are not uniform over the grid (docs/SENSITIVITY.md gives an example).
//!
//! **Analysis** ([`analyze`]): each step gives the elementary effect of the factor that moved,
//! `EE = [f(x') − f(x)] / (x'_i − x_i)` (its sign follows the direction of the move), in output
//! units per unit-cube coordinate. Per factor, over the `r` trajectories: `mu` the mean effect,
//! `mu_star` the mean absolute effect (Campolongo et al. 2007) with a bootstrap percentile
//! interval (resampling trajectories), and `sigma` their standard deviation (divisor `r − 1`).

use super::Estimate;
use super::bootstrap::{check_confidence, check_finite, percentile_interval, resample};
use super::trajectory::{Candidate, most_spread};
use crate::engine::stream_rng;

pub use super::trajectory::BRUTE_FORCE_LIMIT;

/// The most candidate trajectories. Choosing among `M` candidates computes their `M(M − 1)/2`
/// distances, at a cost of about `M² (k + 1)² / 2` steps (about 1 s for `M = 1000`, `k = 24` in
/// a release build), and keeps an `M x M` matrix.
pub const MAX_CANDIDATES: usize = 1_000;

/// Morris indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MorrisIndices {
    /// Mean elementary effect (signed: effects of opposite signs cancel).
    pub mu: f64,
    /// Mean absolute elementary effect, with its bootstrap interval.
    pub mu_star: Estimate,
    /// Standard deviation of the elementary effects (non-linearity or interactions); NaN when
    /// `r = 1`.
    pub sigma: f64,
}

/// The number of model runs of `r` trajectories of `k` factors: `r(k + 1)` (saturating).
pub fn n_runs(k: usize, r: usize) -> usize {
    r.saturating_mul(k.saturating_add(1))
}

/// The step `Δ = p / (2(p − 1))` of a grid of `levels` levels.
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// `r` trajectories of `k` factors on a grid of `levels` levels, the most spread of
/// `candidates` random ones drawn from `seed`: [`n_runs`] points in `[0, 1]^k`, trajectory
/// after trajectory, each `k + 1` consecutive points moving one factor at a time.
///
/// Errors unless `k >= 1`, `levels` is even and at least 2, `r >= 1` and
/// `r <= candidates <=` [`MAX_CANDIDATES`].
pub fn trajectories(k: usize, levels: usize, r: usize, candidates: usize, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    if k == 0 {
        return Err("Morris trajectories need at least 1 factor, got 0".into());
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(format!("the number of levels must be even and at least 2, got {levels}"));
    }
    if r == 0 {
        return Err("the number of trajectories must be at least 1, got 0".into());
    }
    if candidates < r || candidates > MAX_CANDIDATES {
        return Err(format!(
            "the number of candidate trajectories must be between the number kept ({r}) and {MAX_CANDIDATES}, \
             got {candidates}"
        ));
    }
    let mut rng = stream_rng(seed, "morris-trajectories");
    let pool: Vec<Candidate> = (0..candidates).map(|_| Candidate::draw(k, levels, &mut rng)).collect();
    let scale = (levels - 1) as f64;
    let kept = most_spread(&pool, r, k.saturating_mul((levels - 1).saturating_pow(2)));
    let pool = &pool;
    Ok(kept
        .iter()
        .flat_map(|&t| (0..=k).map(move |step| pool[t].point(step).map(|l| l as f64 / scale).collect()))
        .collect())
}

/// Morris indices of `k` factors from `r` trajectories (`points`, as [`trajectories`] returns
/// them, or any one-at-a-time trajectories) and their outputs `y`, in the same order; the
/// `confidence` interval of `mu_star` is a bootstrap percentile interval from `n_boot`
/// resamples of the trajectories drawn from `seed` (`n_boot = 0`: NaN bounds).
///
/// Errors when `k` or `r` is 0, `confidence` is outside `(0, 1)`, `points` and `y` do not hold
/// `r(k + 1)` entries of `k` coordinates, a step of a trajectory does not move exactly one
/// factor or a trajectory does not move every factor once (naming the trajectory and step), or
/// an output is not finite (naming its row).
pub fn analyze(
    points: &[Vec<f64>],
    y: &[f64],
    k: usize,
    r: usize,
    n_boot: usize,
    confidence: f64,
    seed: u64,
) -> Result<Vec<MorrisIndices>, String> {
    if k == 0 || r == 0 {
        return Err(format!("Morris indices need at least 1 factor and 1 trajectory, got {k} and {r}"));
    }
    check_confidence(confidence)?;
    let runs = n_runs(k, r);
    if points.len() != runs || y.len() != runs {
        return Err(format!(
            "{r} trajectories of {k} factors are {runs} runs, got {} points and {} outputs",
            points.len(),
            y.len()
        ));
    }
    if let Some(row) = points.iter().position(|p| p.len() != k) {
        return Err(format!("point of row {row} has {} coordinates, expected {k}", points[row].len()));
    }
    check_finite(y)?;
    // effects[i][t]: the elementary effect of factor i in trajectory t.
    let mut effects = vec![vec![f64::NAN; r]; k];
    for (t, (trajectory, y)) in points.chunks(k + 1).zip(y.chunks(k + 1)).enumerate() {
        for (step, (pair, y)) in trajectory.windows(2).zip(y.windows(2)).enumerate() {
            let (from, to) = (&pair[0], &pair[1]);
            let moved: Vec<usize> = (0..k).filter(|&i| from[i] != to[i]).collect();
            let &[i] = moved.as_slice() else {
                return Err(format!("trajectory {t}, step {step}: {} factors move, expected 1", moved.len()));
            };
            if !effects[i][t].is_nan() {
                return Err(format!("trajectory {t}, step {step}: factor {i} moves a second time"));
            }
            effects[i][t] = (y[1] - y[0]) / (to[i] - from[i]);
        }
    }
    let mut rng = stream_rng(seed, "morris-bootstrap");
    let mut boot = vec![Vec::with_capacity(n_boot); k];
    let mut rows = Vec::with_capacity(r);
    for _ in 0..n_boot {
        resample(&mut rng, r, &mut rows);
        for (column, ee) in boot.iter_mut().zip(&effects) {
            column.push(rows.iter().map(|&t| ee[t].abs()).sum::<f64>() / r as f64);
        }
    }
    Ok(effects
        .iter()
        .zip(boot.iter_mut())
        .map(|(ee, boot)| {
            let n = r as f64;
            let mu = ee.iter().sum::<f64>() / n;
            let sigma = (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            let (ci_low, ci_high) = percentile_interval(boot, confidence);
            let mu_star = Estimate { estimate: ee.iter().map(|e| e.abs()).sum::<f64>() / n, ci_low, ci_high };
            MorrisIndices { mu, mu_star, sigma: if r > 1 { sigma } else { f64::NAN } }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_move_one_factor_by_delta_on_the_grid() {
        for (k, levels) in [(1, 2), (3, 4), (6, 6)] {
            let r = 5;
            let pts = trajectories(k, levels, r, 20, 4).unwrap();
            assert_eq!(pts.len(), n_runs(k, r));
            let step = delta(levels);
            for traj in pts.chunks(k + 1) {
                let mut moved = vec![false; k];
                for w in traj.windows(2) {
                    let changed: Vec<usize> = (0..k).filter(|&i| w[0][i] != w[1][i]).collect();
                    assert_eq!(changed.len(), 1, "{traj:?}");
                    let i = changed[0];
                    assert!(!moved[i]);
                    moved[i] = true;
                    assert!(((w[1][i] - w[0][i]).abs() - step).abs() < 1e-12);
                }
                for x in traj.iter().flatten() {
                    let level = x * (levels - 1) as f64;
                    assert!((level - level.round()).abs() < 1e-12 && (0.0..=1.0).contains(x), "{x}");
                }
            }
        }
        assert_eq!(delta(4), 2.0 / 3.0);
    }

    #[test]
    fn trajectories_are_seeded_and_directions_vary() {
        let a = trajectories(4, 4, 10, 30, 1).unwrap();
        assert_eq!(a, trajectories(4, 4, 10, 30, 1).unwrap());
        assert_ne!(a, trajectories(4, 4, 10, 30, 2).unwrap());
        let ups = a.chunks(5).filter(|t| t[1].iter().sum::<f64>() > t[0].iter().sum::<f64>()).count();
        assert!(ups > 0 && ups < 10, "first steps up: {ups} of 10");
    }

    #[test]
    fn bad_designs_are_refused() {
        assert!(trajectories(0, 4, 2, 4, 1).unwrap_err().contains("got 0"));
        assert!(trajectories(2, 3, 2, 4, 1).unwrap_err().contains("even and at least 2, got 3"));
        assert!(trajectories(2, 0, 2, 4, 1).is_err());
        assert!(trajectories(2, 4, 0, 4, 1).is_err());
        assert!(trajectories(2, 4, 5, 4, 1).unwrap_err().contains("got 4"));
        assert!(trajectories(2, 4, 5, MAX_CANDIDATES + 1, 1).is_err());
    }

    #[test]
    fn bad_trajectories_are_refused() {
        let pts = trajectories(2, 4, 2, 2, 1).unwrap();
        let y = vec![0.0; 6];
        assert!(analyze(&pts, &y, 2, 2, 10, 0.95, 1).is_ok());
        assert!(analyze(&pts, &y[..5], 2, 2, 10, 0.95, 1).unwrap_err().contains("got 6 points and 5 outputs"));
        let mut still = pts.clone();
        still[4] = still[3].clone();
        assert_eq!(
            analyze(&still, &y, 2, 2, 10, 0.95, 1).unwrap_err(),
            "trajectory 1, step 0: 0 factors move, expected 1"
        );
        let (lo, hi) = (0.0, 2.0 / 3.0);
        let twice = [[lo, lo], [hi, lo], [hi, hi], [lo, lo], [hi, lo], [lo, lo]].map(|p| p.to_vec());
        assert_eq!(
            analyze(&twice, &y, 2, 2, 10, 0.95, 1).unwrap_err(),
            "trajectory 1, step 1: factor 0 moves a second time"
        );
        let mut nan = y.clone();
        nan[2] = f64::NAN;
        assert!(analyze(&pts, &nan, 2, 2, 10, 0.95, 1).unwrap_err().contains("row 2"));
    }
}
