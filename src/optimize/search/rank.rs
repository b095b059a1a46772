//! How candidates are compared: their statistics over replicates, and the
//! feasibility-first order of Deb (2000, Comput. Methods Appl. Mech. Engrg.
//! 186:311-338) applied to chance constraints estimated from runs.
//!
//! A candidate is *feasible by its point estimate* when, for every
//! constraint, the share of its runs that violate it is at most the share
//! that verification can accept (`limits`, see [`acceptable_share`]).
//! Feasible candidates come first, by objective (the better mean first);
//! infeasible ones follow by their summed excess share over the limits, then
//! by objective; candidates whose scenario could not be built come last.
//! Remaining ties go to the candidate seen first, so the order is total and
//! does not depend on anything but the runs.

use std::cmp::Ordering;

use crate::stats::chance::clopper_pearson_upper;

/// One run's score: the objective's value, each constraint's violation and
/// the value of each constraint's metric (`None`: missing).
#[derive(Debug, Clone, PartialEq)]
pub struct RunScore {
    /// The objective metric's value (censored as [`crate::optimize::outcome`] says).
    pub objective: f64,
    /// Whether the run violates each constraint, in the file's order.
    pub violated: Vec<bool>,
    /// The value of each constraint's metric, in the file's order.
    pub values: Vec<Option<f64>>,
}

/// A candidate's statistics over some of its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// Runs counted.
    pub n: u64,
    /// Mean of the objective (NaN without runs).
    pub mean: f64,
    /// Runs violating each constraint.
    pub violations: Vec<u64>,
}

impl Stats {
    /// The statistics of `runs`, for `n_constraints` constraints.
    pub fn of(runs: &[RunScore], n_constraints: usize) -> Self {
        let n = runs.len() as u64;
        let mean = if runs.is_empty() { f64::NAN } else { runs.iter().map(|r| r.objective).sum::<f64>() / n as f64 };
        let violations = (0..n_constraints)
            .map(|c| runs.iter().filter(|r| r.violated.get(c) == Some(&true)).count() as u64)
            .collect();
        Self { n, mean, violations }
    }

    /// The share of runs violating constraint `c` (1 without runs).
    pub fn share(&self, c: usize) -> f64 {
        if self.n == 0 { 1.0 } else { self.violations[c] as f64 / self.n as f64 }
    }

    /// Whether every constraint's violation share is at most its limit.
    pub fn feasible(&self, limits: &[f64]) -> bool {
        self.n > 0 && limits.iter().enumerate().all(|(c, l)| self.share(c) <= *l)
    }

    /// The summed excess of the violation shares over their limits.
    pub fn excess(&self, limits: &[f64]) -> f64 {
        limits.iter().enumerate().map(|(c, l)| (self.share(c) - l).max(0.0)).sum()
    }
}

/// The sort key of a candidate: class (0 feasible, 1 infeasible, 2 not runnable),
/// excess share, objective (smaller is better), then its index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankKey {
    class: u8,
    excess: f64,
    objective: f64,
    index: usize,
}

impl RankKey {
    /// The key of candidate `index` with `stats` (`None`: its scenario could not be built).
    pub fn new(stats: Option<&Stats>, limits: &[f64], maximise: bool, index: usize) -> Self {
        match stats {
            None => Self { class: 2, excess: f64::INFINITY, objective: f64::INFINITY, index },
            Some(s) => {
                let objective = if s.mean.is_nan() {
                    f64::INFINITY
                } else if maximise {
                    -s.mean
                } else {
                    s.mean
                };
                let feasible = s.feasible(limits);
                Self {
                    class: u8::from(!feasible),
                    excess: if feasible { 0.0 } else { s.excess(limits) },
                    objective,
                    index,
                }
            }
        }
    }

    /// Whether the candidate is feasible by its point estimate.
    pub fn feasible(&self) -> bool {
        self.class == 0
    }

    /// The total order: better first.
    pub fn order(&self, other: &Self) -> Ordering {
        self.class
            .cmp(&other.class)
            .then(self.excess.total_cmp(&other.excess))
            .then(self.objective.total_cmp(&other.objective))
            .then(self.index.cmp(&other.index))
    }
}

/// The largest share of `n` verification runs that may violate a constraint
/// with `max_probability` for the Clopper-Pearson upper bound at `confidence`
/// to stay at most `max_probability`: `k/n` for the largest such `k`, or `None`
/// when even `k = 0` is too many (then `n` runs cannot show the constraint holds).
pub fn acceptable_share(max_probability: f64, n: u64, confidence: f64) -> Option<f64> {
    if clopper_pearson_upper(0, n, confidence) > max_probability {
        return None;
    }
    let mut k = 0;
    while k < n && clopper_pearson_upper(k + 1, n, confidence) <= max_probability {
        k += 1;
    }
    Some(k as f64 / n as f64)
}

/// The fewest runs with no violation that show `max_probability` at `confidence`.
pub fn runs_needed(max_probability: f64, confidence: f64) -> u64 {
    // 1 - (1 - c)^(1/n) <= p  <=>  n >= ln(1 - c) / ln(1 - p).
    let n = ((1.0 - confidence).ln() / (1.0 - max_probability).ln()).ceil();
    if n.is_finite() && n >= 1.0 { n as u64 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(objective: f64, violated: bool) -> RunScore {
        RunScore { objective, violated: vec![violated], values: vec![Some(0.0)] }
    }

    #[test]
    fn feasible_candidates_come_first_then_by_excess_then_objective() {
        let limits = [0.25];
        let fast_unsafe = Stats::of(&[run(10.0, true), run(10.0, false)], 1);
        let slow_safe = Stats::of(&[run(30.0, false), run(30.0, false)], 1);
        let mid_safe = Stats::of(&[run(20.0, false), run(20.0, false)], 1);
        let worse_unsafe = Stats::of(&[run(5.0, true), run(5.0, true)], 1);
        let keys = [
            RankKey::new(Some(&fast_unsafe), &limits, false, 0),
            RankKey::new(Some(&slow_safe), &limits, false, 1),
            RankKey::new(Some(&mid_safe), &limits, false, 2),
            RankKey::new(Some(&worse_unsafe), &limits, false, 3),
            RankKey::new(None, &limits, false, 4),
        ];
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|a, b| keys[*a].order(&keys[*b]));
        assert_eq!(order, [2, 1, 0, 3, 4]);
        let maximise =
            RankKey::new(Some(&slow_safe), &limits, true, 1).order(&RankKey::new(Some(&mid_safe), &limits, true, 2));
        assert_eq!(maximise, Ordering::Less);
    }

    #[test]
    fn the_acceptable_share_is_what_the_bound_accepts() {
        // k = 0 of 59 at 95%: 0.0495 <= 0.05; of 58: above.
        assert_eq!(acceptable_share(0.05, 59, 0.95), Some(0.0));
        assert_eq!(acceptable_share(0.05, 58, 0.95), None);
        assert_eq!(runs_needed(0.05, 0.95), 59);
        let share = acceptable_share(0.05, 300, 0.95).expect("enough runs");
        let k = (share * 300.0).round() as u64;
        assert!(clopper_pearson_upper(k, 300, 0.95) <= 0.05 && clopper_pearson_upper(k + 1, 300, 0.95) > 0.05);
        assert!(k >= 8, "{k}");
    }
}
