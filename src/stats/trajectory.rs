//! Morris trajectories on integer grid levels: drawing one (Morris's `B*` construction) and
//! choosing the most spread of many (Campolongo et al. 2007; Ruano et al. 2012). The methods are
//! described in [`super::morris`]; this file holds the arithmetic of the selection.
//!
//! Points are kept as integer levels (the coordinate is `level / (levels − 1)`), so the squared
//! distances between points are exact integers and each follows from the previous one in O(1):
//! the distance of two trajectories costs O(k²), not O(k³).

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::engine::SimRng;

/// The most subsets of candidates scored one by one; more are searched locally.
pub const BRUTE_FORCE_LIMIT: u64 = 20_000;

/// A random trajectory on integer grid levels (coordinate = `level / (levels − 1)`, exactly).
pub(super) struct Candidate {
    /// `columns[i][t]`: the level of factor `i` at point `t` (`k + 1` points; by factor, so a
    /// step's factor is read from contiguous memory by [`distance`]).
    columns: Vec<Vec<i64>>,
    /// The factor moved by each of the `k` steps.
    order: Vec<usize>,
}

impl Candidate {
    /// Morris's `B*` construction (described in [`super::morris`]) on `levels` levels.
    pub(super) fn draw(k: usize, levels: usize, rng: &mut SimRng) -> Candidate {
        let half = (levels / 2) as i64;
        let up: Vec<bool> = (0..k).map(|_| rng.random()).collect();
        let level: Vec<i64> = up.iter().map(|&up| rng.random_range(0..half) + if up { 0 } else { half }).collect();
        let mut order: Vec<usize> = (0..k).collect();
        order.shuffle(rng);
        let mut columns: Vec<Vec<i64>> = level.iter().map(|&l| vec![l; k + 1]).collect();
        for (step, &i) in order.iter().enumerate() {
            let moved = level[i] + if up[i] { half } else { -half };
            columns[i][step + 1..].iter_mut().for_each(|l| *l = moved);
        }
        Candidate { columns, order }
    }

    /// The levels of point `t`.
    pub(super) fn point(&self, t: usize) -> impl Iterator<Item = i64> + '_ {
        self.columns.iter().map(move |c| c[t])
    }
}

/// Square roots of the integers up to this bound are tabulated (the squared distances between
/// grid points, in level units, are integers up to `k (levels − 1)²`).
const ROOT_TABLE_LIMIT: usize = 1 << 20;

/// The indices (ascending) of the `r` most spread trajectories of `pool`, whose squared
/// point distances (in level units) are at most `max_d2`.
pub(super) fn most_spread(pool: &[Candidate], r: usize, max_d2: usize) -> Vec<usize> {
    let m = pool.len();
    if r == m {
        return (0..m).collect();
    }
    if r == 1 {
        return vec![0];
    }
    let d2 = if max_d2 < ROOT_TABLE_LIMIT {
        let table: Vec<f64> = (0..=max_d2).map(|d| (d as f64).sqrt()).collect();
        squared_distances(pool, |d| table[d as usize])
    } else {
        squared_distances(pool, |d| (d as f64).sqrt())
    };
    let mut best = if binomial_at_most(m, r, BRUTE_FORCE_LIMIT) { exhaustive(&d2, r) } else { local(&d2, r) };
    best.sort_unstable();
    best
}

/// The matrix of squared Campolongo distances of `pool` (`root` is the square root of an
/// integer, tabulated or not: the same values either way).
fn squared_distances(pool: &[Candidate], root: impl Fn(i64) -> f64 + Copy) -> Vec<Vec<f64>> {
    let m = pool.len();
    let mut d2 = vec![vec![0.0; m]; m];
    for a in 0..m {
        for b in a + 1..m {
            let d = distance(&pool[a], &pool[b], root).powi(2);
            d2[a][b] = d;
            d2[b][a] = d;
        }
    }
    d2
}

/// Campolongo's distance, in level units: the sum of the Euclidean distances between all pairs
/// of points. Consecutive points differ in one factor, so each squared distance follows from
/// the previous one in O(1), exactly (integers): O(k²) per pair of trajectories, not O(k³).
fn distance(a: &Candidate, b: &Candidate, root: impl Fn(i64) -> f64) -> f64 {
    let square = |x: i64| x * x;
    // row[t]: squared distance between the current point of `a` and point t of `b`.
    let mut row = Vec::with_capacity(b.order.len() + 1);
    row.push(a.columns.iter().zip(&b.columns).map(|(x, y)| square(x[0] - y[0])).sum::<i64>());
    for (t, &i) in b.order.iter().enumerate() {
        let (x, y) = (a.columns[i][0], &b.columns[i]);
        row.push(row[t] - square(x - y[t]) + square(x - y[t + 1]));
    }
    // sums[t]: the distances from point t of `b` (one accumulator per t, for speed).
    let mut sums: Vec<f64> = row.iter().map(|&d| root(d)).collect();
    for (s, &i) in a.order.iter().enumerate() {
        let (from, to) = (a.columns[i][s], a.columns[i][s + 1]);
        for (d, &y) in row.iter_mut().zip(&b.columns[i]) {
            *d += (to - from) * (to + from - 2 * y);
        }
        sums.iter_mut().zip(&row).for_each(|(sum, &d)| *sum += root(d));
    }
    sums.iter().sum()
}

/// A set's score: the sum of the squared distances of its pairs.
fn score(d2: &[Vec<f64>], set: &[usize]) -> f64 {
    set.iter().enumerate().flat_map(|(i, &a)| set[i + 1..].iter().map(move |&b| d2[a][b])).sum()
}

/// Whether `C(m, r) <= limit`.
fn binomial_at_most(m: usize, r: usize, limit: u64) -> bool {
    let r = r.min(m - r);
    let mut c: u64 = 1;
    for i in 0..r {
        // c * (m − i) / (i + 1) stays an integer: it is C(m, i + 1).
        c = match c.checked_mul((m - i) as u64) {
            Some(v) => v / (i as u64 + 1),
            None => return false,
        };
        if c > limit {
            return false;
        }
    }
    true
}

/// The best-scored `r`-subset, by enumerating all of them (the first best in lexicographic order).
fn exhaustive(d2: &[Vec<f64>], r: usize) -> Vec<usize> {
    let m = d2.len();
    let mut set: Vec<usize> = (0..r).collect();
    let mut best = (score(d2, &set), set.clone());
    loop {
        // Next combination in lexicographic order.
        let Some(i) = (0..r).rev().find(|&i| set[i] < m - r + i) else { return best.1 };
        set[i] += 1;
        for j in i + 1..r {
            set[j] = set[j - 1] + 1;
        }
        let s = score(d2, &set);
        if s > best.0 {
            best = (s, set.clone());
        }
    }
}

/// Ruano et al.'s (2012) local search (see the module documentation).
fn local(d2: &[Vec<f64>], r: usize) -> Vec<usize> {
    let m = d2.len();
    // Each trajectory's r − 1 farthest others, farthest first (ties by index).
    let farthest: Vec<Vec<usize>> = (0..m)
        .map(|a| {
            let mut others: Vec<usize> = (0..m).filter(|&b| b != a).collect();
            others.sort_by(|&b, &c| d2[a][c].total_cmp(&d2[a][b]).then(b.cmp(&c)));
            others.truncate(r - 1);
            others
        })
        .collect();
    // seed_score[a]: the score of `a` with its `seed_size − 1` farthest others, grown one by one.
    let mut seed_score = vec![0.0; m];
    let mut best: (f64, Vec<usize>) = (f64::NEG_INFINITY, Vec::new());
    for seed_size in 2..=r {
        for (a, others) in farthest.iter().enumerate() {
            let new = &d2[others[seed_size - 2]];
            seed_score[a] += new[a] + others[..seed_size - 2].iter().map(|&x| new[x]).sum::<f64>();
        }
        let a = (0..m).fold(0, |best, a| if seed_score[a] > seed_score[best] { a } else { best });
        let mut total = seed_score[a];
        let mut set: Vec<usize> = std::iter::once(a).chain(farthest[a][..seed_size - 1].iter().copied()).collect();
        let mut gain: Vec<f64> = (0..m).map(|u| set.iter().map(|&s| d2[s][u]).sum()).collect();
        let mut chosen = vec![false; m];
        set.iter().for_each(|&s| chosen[s] = true);
        while set.len() < r {
            let u = (0..m)
                .filter(|&u| !chosen[u])
                .fold(None, |acc: Option<usize>, u| match acc {
                    Some(v) if gain[v] >= gain[u] => Some(v),
                    _ => Some(u),
                })
                .unwrap_or_default();
            total += gain[u];
            chosen[u] = true;
            set.push(u);
            gain.iter_mut().zip(&d2[u]).for_each(|(g, d)| *g += d);
        }
        if total > best.0 {
            best = (total, set);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use crate::stats::morris::trajectories;

    /// Campolongo's distance computed directly: all pairs of points, O(k³).
    fn direct_distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
        a.iter()
            .flat_map(|p| b.iter().map(move |q| p.iter().zip(q).map(|(x, y)| (x - y).powi(2)).sum::<f64>().sqrt()))
            .sum()
    }

    fn as_f64(c: &Candidate) -> Vec<Vec<f64>> {
        (0..=c.order.len()).map(|t| c.point(t).map(|l| l as f64).collect()).collect()
    }

    fn sqrt(d: i64) -> f64 {
        (d as f64).sqrt()
    }

    #[test]
    fn the_incremental_distance_is_the_direct_one() {
        let mut rng = stream_rng(1, "test");
        let pool: Vec<Candidate> = (0..6).map(|_| Candidate::draw(7, 6, &mut rng)).collect();
        for a in &pool {
            for b in &pool {
                let (fast, direct) = (distance(a, b, sqrt), direct_distance(&as_f64(a), &as_f64(b)));
                assert!((fast - direct).abs() < 1e-9 * direct.max(1.0), "{fast} vs {direct}");
            }
            assert!(distance(a, a, sqrt) > 0.0);
        }
    }

    #[test]
    fn the_chosen_trajectories_are_more_spread_than_the_first_drawn() {
        // Both searches (exhaustive for C(12, 3) = 220 subsets, local for C(60, 10)) beat taking
        // the first r candidates, and the exhaustive one is at least as good as the local one.
        let spread = |pts: &[Vec<f64>], k: usize| {
            let traj: Vec<Vec<Vec<f64>>> = pts.chunks(k + 1).map(|t| t.to_vec()).collect();
            let d2: Vec<Vec<f64>> =
                traj.iter().map(|a| traj.iter().map(|b| direct_distance(a, b).powi(2)).collect()).collect();
            score(&d2, &(0..traj.len()).collect::<Vec<_>>())
        };
        for (r, m) in [(3, 12), (10, 60)] {
            let chosen = spread(&trajectories(4, 4, r, m, 8).unwrap(), 4);
            let first = spread(&trajectories(4, 4, r, r, 8).unwrap(), 4);
            assert!(chosen > first * 1.05, "r {r} of {m}: {chosen} vs {first}");
        }
        let pool: Vec<Candidate> = {
            let mut rng = stream_rng(3, "test");
            (0..12).map(|_| Candidate::draw(3, 4, &mut rng)).collect()
        };
        let d2 = squared_distances(&pool, sqrt);
        assert!(score(&d2, &exhaustive(&d2, 4)) >= score(&d2, &local(&d2, 4)));
        assert!(binomial_at_most(12, 4, 495) && !binomial_at_most(12, 4, 494));
        assert!(!binomial_at_most(2_000, 50, BRUTE_FORCE_LIMIT));
    }
}
