//! The replicate schedule of successive halving (Karnin, Koren & Somekh 2013, ICML; Jamieson &
//! Talwalkar 2016, AISTATS): many candidates get a few replicates, the better half of them
//! (rounded up) gets twice as many, and so on, so that replicates go where they decide the
//! ranking.
//!
//! This module only says how many candidates survive each round and how many replicates each
//! survivor should have by the round's end; the caller runs the missing replicates, ranks the
//! survivors on everything they have so far and keeps the first `survivors` of the next round.
//! Rounds: `(n, r₀)`, `(⌈n/2⌉, min(2r₀, max))`, `(⌈n/4⌉, min(4r₀, max))`, …, ending with the
//! first round whose replicates reach `max` (at least one survivor is kept, so the winner always
//! ends with `max` replicates). Unlike the budgeted form of Karnin et al., the replicates per
//! survivor double from a fixed start rather than being derived from a total budget; the total
//! is [`Halving::total_runs`], which the caller can check against its budget.

/// A successive-halving replicate schedule for a fixed number of candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Halving {
    rounds: Vec<(usize, u32)>,
}

impl Halving {
    /// `n` candidates; each round the better half (ceil) survives and gets its replicates doubled,
    /// from `initial` up to `max` replicates. `initial` 0 is taken as 1 and `initial > max` as
    /// `max` (one round); `max` 0 is taken as 1. `n = 0` gives no rounds.
    pub fn new(n: usize, initial: u32, max: u32) -> Self {
        let max = max.max(1);
        let mut replicates = initial.clamp(1, max);
        let mut survivors = n;
        let mut rounds = Vec::new();
        if n == 0 {
            return Halving { rounds };
        }
        loop {
            rounds.push((survivors, replicates));
            if replicates >= max {
                break;
            }
            survivors = survivors.div_ceil(2).max(1);
            replicates = replicates.saturating_mul(2).min(max);
        }
        Halving { rounds }
    }

    /// Rounds: for each round, the number of survivors (candidates still racing, first round:
    /// all) and the replicates every survivor should have by its end (cumulative).
    pub fn rounds(&self) -> Vec<(usize, u32)> {
        self.rounds.clone()
    }

    /// Upper bound of the runs the schedule spends: every candidate's first-round replicates,
    /// then each later round's survivors times the replicates they gain in it (fewer when the
    /// caller caches runs or has duplicate candidates).
    pub fn total_runs(&self) -> u64 {
        let mut before = 0u64;
        let mut total = 0u64;
        for &(survivors, replicates) in &self.rounds {
            total += survivors as u64 * (u64::from(replicates) - before);
            before = u64::from(replicates);
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_and_doubles_up_to_max() {
        let h = Halving::new(8, 4, 32);
        assert_eq!(h.rounds(), vec![(8, 4), (4, 8), (2, 16), (1, 32)]);
        // 8·4 + 4·4 + 2·8 + 1·16
        assert_eq!(h.total_runs(), 32 + 16 + 16 + 16);
    }

    #[test]
    fn odd_counts_round_up_and_max_caps() {
        let h = Halving::new(13, 3, 20);
        assert_eq!(h.rounds(), vec![(13, 3), (7, 6), (4, 12), (2, 20)]);
        assert_eq!(h.total_runs(), 13 * 3 + 7 * 3 + 4 * 6 + 2 * 8);
    }

    #[test]
    fn a_lone_candidate_still_reaches_max() {
        let h = Halving::new(1, 4, 16);
        assert_eq!(h.rounds(), vec![(1, 4), (1, 8), (1, 16)]);
        assert_eq!(h.total_runs(), 16);
        let h = Halving::new(3, 1, 8);
        assert_eq!(h.rounds(), vec![(3, 1), (2, 2), (1, 4), (1, 8)]);
        assert_eq!(h.total_runs(), 3 + 2 + 2 + 4);
    }

    #[test]
    fn degenerate_settings() {
        assert_eq!(Halving::new(0, 4, 32).rounds(), vec![]);
        assert_eq!(Halving::new(0, 4, 32).total_runs(), 0);
        assert_eq!(Halving::new(5, 40, 32).rounds(), vec![(5, 32)]);
        assert_eq!(Halving::new(5, 0, 0).rounds(), vec![(5, 1)]);
        assert_eq!(Halving::new(5, 7, 7).total_runs(), 35);
    }

    /// The total equals the sum over candidates of the replicates each ends with, when the
    /// candidates eliminated in a round keep what they had.
    #[test]
    fn total_is_the_sum_of_final_replicates() {
        for n in 1..40usize {
            for (initial, max) in [(1, 1), (1, 64), (2, 30), (4, 32), (5, 100)] {
                let rounds = Halving::new(n, initial, max).rounds();
                let mut sum = 0u64;
                for (i, &(survivors, replicates)) in rounds.iter().enumerate() {
                    let next = rounds.get(i + 1).map_or(0, |r| r.0);
                    sum += (survivors - next) as u64 * u64::from(replicates);
                }
                assert_eq!(sum, Halving::new(n, initial, max).total_runs(), "n={n}");
                assert_eq!(rounds.last().map(|r| r.1), Some(max.max(1)));
                assert!(rounds.windows(2).all(|w| w[1].0 == w[0].0.div_ceil(2)));
            }
        }
    }
}
