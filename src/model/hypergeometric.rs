//! Exact hypergeometric draws: how many of a marked group a sample drawn
//! without replacement holds, and the split of such a sample over several
//! groups (the multivariate hypergeometric, as a chain of single draws).
//!
//! Three parts of the model draw without replacement: the recipients of a
//! random-order plan (docs/MODEL.md, section 5), the messages a provider takes
//! from a cohort of the MTA queue it accepts in part (section 6), and the
//! complaints about the mail of the hours reported a day later (section 8).
//!
//! Each draw is exact up to floating-point rounding. The draw is symmetric in
//! the group and the sample, and either may be replaced by its complement, so
//! [`Method::Cheapest`] draws from the smaller of each and maps back, by one of:
//! - an inversion ([`inversion`]): one uniform, `P(0)` as a product of
//!   `min(group, sample)` ratios and a search of about `1 + mean` steps, when the
//!   group or the sample is at most 16 items (or, in populations beyond 2^24, the
//!   mode below 10);
//! - Stadlober's ratio-of-uniforms rejection ([`ratio_of_uniforms`]) otherwise in
//!   populations up to 2^24, about 1.4 candidates per draw, each tested with four
//!   log-factorials read from a table (populations below 8,192) or, beyond the
//!   table, with bounds of the test costing a few multiplications (and, for about
//!   one candidate in 30 to 200, the log-factorials); the draws of a throttled MTA
//!   queue are made this way;
//! - rand_distr's rejection sampler in larger populations.
//!
//! Recipients keep rand_distr's draws wherever they are not slow
//! ([`Method::RandDistr`]), so that random-order runs keep their outputs.
//!
//! Cost, measured on the splits of `benches/run.rs`'s throttled runs replayed
//! alone (thread CPU time; a draw before is the sampler of the previous version,
//! which took four log-factorials per candidate, by Stirling's series beyond the
//! table): a split of `blast_42d` (three draws in populations of a few thousand)
//! 172 ns before, 141 ns after; one of `default_42d_x100_sender_only` (one draw,
//! in populations of 10^4 to 4 x 10^5, or none) 85 ns before, 44 ns after.

mod inversion;
mod ratio_of_uniforms;

use inversion::inversion;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Hypergeometric};
use ratio_of_uniforms::{RATIO_OF_UNIFORMS_MAX_POPULATION, ratio_of_uniforms};

/// How a hypergeometric draw chooses its method. All are exact; they differ in
/// cost and in which random numbers they use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// rand_distr's sampler, except where its inverse transform would loop over
    /// more than [`HIN_LOOP_LIMIT`] items (lists of over a million recipients),
    /// where a sequential selection is taken (one uniform per item of the shortest
    /// of the sample, the group and their complements). Used for recipients, whose
    /// draws have always been rand_distr's.
    RandDistr,
    /// The cheapest method: the inversion when the group or the sample (or their
    /// complements) is at most 16 items; else the ratio-of-uniforms rejection in
    /// populations up to 2^24; else the inversion where rand_distr would invert
    /// too, and rand_distr's rejection elsewhere. A draw whose group, sample or
    /// complement is empty costs nothing and uses no random number.
    Cheapest,
}

/// Longest set-up loop [`Method::RandDistr`] allows rand_distr's
/// inverse-transform path (HIN), which it takes when the expected count is
/// below about 10, and whose set-up multiplies ratios over the smaller group
/// plus the sample: seconds per draw on lists of billions. Lists up to a
/// million recipients never exceed it, so their draws (and outputs) are
/// rand_distr's.
pub const HIN_LOOP_LIMIT: u64 = 1 << 20;

/// Largest `min(group, sample)` (after taking complements) that
/// [`Method::Cheapest`] draws by inversion whatever the mode: its set-up is then at
/// most 16 multiplications and its search at most 9 steps on average.
const SHORT: u64 = 16;

/// How many of the `marked` among `population` a sample of `n` without
/// replacement holds (`marked` and `n` at most `population`), drawn by `method`.
pub fn hypergeometric<R: Rng + ?Sized>(rng: &mut R, population: u64, marked: u64, n: u64, method: Method) -> u64 {
    match method {
        Method::RandDistr => rand_distr_draw(rng, population, marked, n),
        Method::Cheapest => cheapest_draw(rng, population, marked, n),
    }
}

/// Splits a sample of `n` drawn without replacement from groups of sizes
/// `groups` (`n` at most their sum) into `out`: how many come from each group.
/// A chain of hypergeometric draws by `method` (the first group against the
/// rest, then the second against those after it, ...), which is exactly the
/// multivariate hypergeometric. Every part is at most its group, and the parts
/// sum to `n` (to the groups' sum if `n` is larger). With [`Method::Cheapest`],
/// the chain uses no random number once the sample is complete, or when the
/// groups left are one group or are all taken.
pub fn random_split_into<R: Rng + ?Sized>(rng: &mut R, n: u64, groups: &[u64], out: &mut [u64], method: Method) {
    let mut population: u64 = groups.iter().sum();
    let mut rest = n.min(population);
    for (o, &k) in out.iter_mut().zip(groups) {
        let take = if rest == 0 || k == 0 {
            0
        } else if method == Method::Cheapest && (k == population || rest == population) {
            // What is left of the sample is all in this group, or the rest is all taken.
            rest.min(k)
        } else {
            // Within the law's support, `max(0, rest - (population - k))..=min(rest, k)`: a
            // sampler's draw outside it (rand_distr's, at some extreme parameters) would leave
            // more to take than the groups after this one hold.
            hypergeometric(rng, population, k, rest, method).clamp(rest.saturating_sub(population - k), rest.min(k))
        };
        population -= k;
        rest -= take;
        *o = take;
    }
}

/// [`Method::RandDistr`]'s draw.
fn rand_distr_draw<R: Rng + ?Sized>(rng: &mut R, population: u64, marked: u64, n: u64) -> u64 {
    let (inverts, setup) = inverse_transform_setup(population, marked, n);
    if inverts && setup > HIN_LOOP_LIMIT {
        return sequential_draw(rng, population, marked, n);
    }
    match Hypergeometric::new(population, marked, n) {
        Ok(d) => d.sample(rng),
        Err(_) => 0, // unreachable: marked and n are at most population
    }
}

/// [`Method::Cheapest`]'s draw.
fn cheapest_draw<R: Rng + ?Sized>(rng: &mut R, population: u64, marked: u64, n: u64) -> u64 {
    let flip_marked = marked > population - marked;
    let flip_sample = n > population - n;
    let group = if flip_marked { population - marked } else { marked };
    let sample = if flip_sample { population - n } else { n };
    let shortest = group.min(sample);
    let hits = if shortest == 0 {
        0
    } else if shortest <= SHORT {
        inversion(rng, population, group, sample)
    } else if population <= RATIO_OF_UNIFORMS_MAX_POPULATION {
        ratio_of_uniforms(rng, population, group, sample)
    } else if small_mode(population, group, sample) {
        inversion(rng, population, group, sample)
    } else {
        match Hypergeometric::new(population, group, sample) {
            Ok(d) => d.sample(rng),
            Err(_) => 0, // unreachable: group and sample are at most population
        }
    };
    unflip(population, marked, n, flip_marked, flip_sample, hits)
}

/// Whether the mode of the hypergeometric of `group` and `sample` (each at most
/// half the population) is below 10: rand_distr's test for its inverse
/// transform, whose set-up (the product of `P(0)`) the inversion shares.
fn small_mode(population: u64, group: u64, sample: u64) -> bool {
    ((sample + 1) as f64 * (group + 1) as f64 / (population + 2) as f64) < 10.0
}

/// The count of `marked` in the sample of `n` from `hits`, the count of the
/// group (its complement if `flip_marked`) in the sample (its complement if `flip_sample`).
fn unflip(population: u64, marked: u64, n: u64, flip_marked: bool, flip_sample: bool, hits: u64) -> u64 {
    match (flip_marked, flip_sample) {
        (false, false) => hits,
        (true, false) => n - hits,
        (false, true) => marked - hits,
        (true, true) => hits + marked + n - population,
    }
}

/// Whether rand_distr 0.6's `Hypergeometric::new(population, marked, n)` takes
/// its inverse-transform path (the same test as there), and the length of that
/// path's set-up loop (the smaller of the group and its complement, plus the
/// smaller of the sample and its complement).
fn inverse_transform_setup(population: u64, marked: u64, n: u64) -> (bool, u64) {
    let n1 = marked.min(population - marked);
    let n2 = population - n1;
    let k = if n <= population / 2 { n } else { population - n };
    let mode = ((k + 1) as f64 * (n1 + 1) as f64 / (population + 2) as f64).floor();
    (mode - (k as f64 - n2 as f64).max(0.0) < 10.0, n1 + k)
}

/// An exact hypergeometric draw by sequential selection, over the shortest of
/// the equivalent walks: it takes `min(marked, n, population - marked,
/// population - n)` uniform draws. Where rand_distr would take its inverse
/// transform, that is at most about `sqrt(10 population)` (3e5 for the largest list).
fn sequential_draw<R: Rng + ?Sized>(rng: &mut R, population: u64, marked: u64, n: u64) -> u64 {
    let flip_marked = marked > population - marked;
    let flip_sample = n > population - n;
    let group = if flip_marked { population - marked } else { marked };
    let sample = if flip_sample { population - n } else { n };
    let (walk, other) = (group.min(sample), group.max(sample));
    // Walk over the `walk` items; each is among the `other` with probability other_left / left.
    let (mut hits, mut other_left, mut left) = (0u64, other, population);
    for _ in 0..walk {
        if other_left == 0 {
            break;
        }
        let u: f64 = rng.random();
        if u * (left as f64) < other_left as f64 {
            hits += 1;
            other_left -= 1;
        }
        left -= 1;
    }
    unflip(population, marked, n, flip_marked, flip_sample, hits)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::stream_rng;

    /// Exact probabilities of the hypergeometric (population, marked, n) over
    /// `0..=min(marked, n)`, by the ratios of consecutive ones from the mode.
    pub(in crate::model) fn pmf(population: u64, marked: u64, n: u64) -> Vec<f64> {
        let (lo, hi) = (n.saturating_sub(population - marked), n.min(marked));
        let (k, m, r) = (marked as f64, n as f64, (population - marked) as f64);
        // P(x + 1) / P(x).
        let ratio = |x: u64| {
            let x = x as f64;
            (k - x) * (m - x) / ((x + 1.0) * (r - m + x + 1.0))
        };
        let mode = (((n + 1) as f64 * (marked + 1) as f64 / (population + 2) as f64) as u64).clamp(lo, hi);
        let mut p = vec![0.0; hi as usize + 1];
        p[mode as usize] = 1.0;
        for x in mode..hi {
            p[x as usize + 1] = p[x as usize] * ratio(x);
        }
        for x in (lo..mode).rev() {
            p[x as usize] = p[x as usize + 1] / ratio(x);
        }
        let sum: f64 = p.iter().sum();
        p.iter().map(|v| v / sum).collect()
    }

    /// Pearson's chi-square of the counts `seen` against the probabilities `p`,
    /// over the values expected at least 5 times, the rest pooled; a value of
    /// probability 0 must never be seen. A chi-square with `df` degrees of freedom
    /// exceeds `df + 6 sqrt(2 df) + 10` with probability below 1e-6 for any `df`
    /// here, so the test fails only for a wrong law.
    pub(in crate::model) fn assert_chi_square_fits(seen: &[u64], p: &[f64], case: &str) {
        let reps: u64 = seen.iter().sum();
        let (mut chi2, mut cells, mut pooled_seen, mut pooled_p) = (0.0, 0, 0u64, 0.0);
        for (&count, &prob) in seen.iter().zip(p) {
            let expected = prob * reps as f64;
            if prob == 0.0 {
                assert_eq!(count, 0, "{case}: a value of probability 0 was drawn");
            } else if expected >= 5.0 {
                chi2 += (count as f64 - expected).powi(2) / expected;
                cells += 1;
            } else {
                (pooled_seen, pooled_p) = (pooled_seen + count, pooled_p + prob);
            }
        }
        if pooled_p * reps as f64 >= 5.0 {
            let expected = pooled_p * reps as f64;
            chi2 += (pooled_seen as f64 - expected).powi(2) / expected;
            cells += 1;
        }
        let df = (cells.max(2) - 1) as f64;
        assert!(chi2 < df + 6.0 * (2.0 * df).sqrt() + 10.0, "{case}: chi2 {chi2} on {df} df");
    }

    fn split(rng: &mut crate::engine::SimRng, n: u64, groups: &[u64], method: Method) -> Vec<u64> {
        let mut out = vec![0; groups.len()];
        random_split_into(rng, n, groups, &mut out, method);
        out
    }

    #[test]
    fn random_split_draws_without_replacement_in_proportion() {
        for method in [Method::RandDistr, Method::Cheapest] {
            let mut rng = stream_rng(3, "recipients");
            let groups = [2000, 8000];
            let mut first = 0;
            for _ in 0..200 {
                let take = split(&mut rng, 1000, &groups, method);
                assert_eq!(take.iter().sum::<u64>(), 1000);
                first += take[0];
            }
            let share = first as f64 / 200_000.0;
            assert!((share - 0.2).abs() < 0.005, "{method:?}: share from the first group {share}");
            assert_eq!(split(&mut rng, 50_000, &groups, method), vec![2000, 8000], "no more than the whole list");
            assert_eq!(split(&mut rng, 10, &[0, 0, 7], method), vec![0, 0, 7]);
        }
    }

    /// The split of a partly accepted cohort (docs/MODEL.md, section 6): 31 of
    /// [58, 41, 41, 25] messages, where largest remainder gave [11, 8, 8, 4].
    #[test]
    fn the_cheapest_split_is_exact_bounded_and_in_proportion_on_average() {
        let mut rng = stream_rng(12, "queue-order");
        let (groups, n, reps) = ([58u64, 41, 41, 25], 31u64, 40_000u64);
        let population: u64 = groups.iter().sum();
        let mut sums = [0u64; 4];
        let mut seen_smallest = [false; 11];
        for _ in 0..reps {
            let take = split(&mut rng, n, &groups, Method::Cheapest);
            assert_eq!(take.iter().sum::<u64>(), n);
            for (s, (&t, &g)) in take.iter().zip(&groups).enumerate() {
                assert!(t <= g);
                sums[s] += t;
            }
            seen_smallest[take[3].min(10) as usize] = true;
        }
        for (s, &g) in groups.iter().enumerate() {
            let p = g as f64 / population as f64;
            let expected = n as f64 * p;
            // Variance of one draw: n p (1 - p) (N - n) / (N - 1); allow 5 standard errors of the mean.
            let var = n as f64 * p * (1.0 - p) * (population - n) as f64 / (population - 1) as f64;
            let se = (var / reps as f64).sqrt();
            let mean = sums[s] as f64 / reps as f64;
            assert!((mean - expected).abs() < 5.0 * se, "segment {s}: mean {mean}, expected {expected} (se {se})");
        }
        assert!(seen_smallest[0] && seen_smallest[4] && seen_smallest[5] && seen_smallest[8], "{seen_smallest:?}");
    }

    #[test]
    fn cheapest_draws_have_the_hypergeometric_mean_and_variance() {
        let mut rng = stream_rng(4, "test");
        let reps = 20_000u64;
        // Every path of Method::Cheapest, in every orientation: the ratio of uniforms within the table of
        // log-factorials and beyond it, the inversion (short support; small mode beyond 2^24), rand_distr's
        // rejection beyond 2^24.
        for (population, marked, n) in [
            (165u64, 25u64, 31u64),
            (7500, 2625, 150),
            (1000, 970, 950),
            (100_000, 50_000, 10_000),
            (283_333, 170_833, 245_049),
            (7500, 2625, 3),
            (20_000, 19_990, 9_000),
            (10_000_000, 4_000, 12),
            (100_000_000, 40_000, 300),
            (100_000_000, 50_000_000, 10_000),
        ] {
            let draws: Vec<u64> =
                (0..reps).map(|_| hypergeometric(&mut rng, population, marked, n, Method::Cheapest)).collect();
            let (big, p) = (population as f64, marked as f64 / population as f64);
            let expected = n as f64 * p;
            let var = expected * (1.0 - p) * (big - n as f64) / (big - 1.0);
            let mean = draws.iter().sum::<u64>() as f64 / reps as f64;
            let sample_var = draws.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (reps - 1) as f64;
            let se = (var / reps as f64).sqrt();
            assert!(
                (mean - expected).abs() < 5.0 * se,
                "({population}, {marked}, {n}): mean {mean}, expected {expected}"
            );
            // The sample variance's relative standard error is about sqrt((2 + 1 / var) / reps), the
            // excess kurtosis of a near-binomial count being about 1 / var; allow 5 of them.
            let tolerance = 5.0 * ((2.0 + 1.0 / var) / reps as f64).sqrt();
            assert!(
                (sample_var / var - 1.0).abs() < tolerance,
                "({population}, {marked}, {n}): variance {sample_var} vs {var}"
            );
            assert!(draws.iter().all(|&x| x <= marked.min(n)));
        }
    }

    #[test]
    fn trivial_cheapest_draws_use_no_random_number() {
        let mut rng = stream_rng(6, "test");
        let before = rng.clone();
        assert_eq!(hypergeometric(&mut rng, 100, 0, 40, Method::Cheapest), 0);
        assert_eq!(hypergeometric(&mut rng, 100, 100, 40, Method::Cheapest), 40);
        assert_eq!(hypergeometric(&mut rng, 100, 30, 0, Method::Cheapest), 0);
        assert_eq!(hypergeometric(&mut rng, 100, 30, 100, Method::Cheapest), 30);
        let mut out = [0; 4];
        random_split_into(&mut rng, 12, &[0, 0, 40, 0], &mut out, Method::Cheapest);
        assert_eq!(out, [0, 0, 12, 0]);
        assert_eq!(rng, before);
    }

    #[test]
    fn rand_distr_draws_are_kept_where_they_are_not_slow() {
        let (mut ours, mut theirs) = (stream_rng(8, "recipients"), stream_rng(8, "recipients"));
        for (population, marked, n) in [(200_000u64, 50_000u64, 40u64), (200_000, 70_000, 5_000), (30, 30, 7)] {
            let want = Hypergeometric::new(population, marked, n).expect("valid").sample(&mut theirs);
            assert_eq!(hypergeometric(&mut ours, population, marked, n, Method::RandDistr), want);
        }
    }

    #[test]
    fn draws_from_the_largest_list_are_exact_and_fast() {
        // The largest list allowed (10^10), split in two segments, drawn from
        // with small and large samples: rand_distr alone spends seconds per
        // draw where few recipients are expected from a large group.
        for method in [Method::RandDistr, Method::Cheapest] {
            let mut rng = stream_rng(5, "recipients");
            let groups = [3_000_000_000, 7_000_000_000];
            for n in [1, 7, 60, 1000, 150_000, 5_000_000_000, 9_999_999_990, 10_000_000_000] {
                for _ in 0..20 {
                    let take = split(&mut rng, n, &groups, method);
                    assert_eq!(take.iter().sum::<u64>(), n);
                    assert!(take[0] <= groups[0] && take[1] <= groups[1]);
                }
            }
            assert_eq!(split(&mut rng, 5, &[9_999_999_999, 1], method).iter().sum::<u64>(), 5);
        }
        let setup = |population, marked, n| inverse_transform_setup(population, marked, n);
        assert!(
            setup(10_000_000_000, 3_000_000_000, 7).0 && setup(10_000_000_000, 3_000_000_000, 7).1 > HIN_LOOP_LIMIT
        );
        assert!(setup(1_000_000, 300_000, 7).1 <= HIN_LOOP_LIMIT, "small lists keep rand_distr's draws");
    }

    #[test]
    fn the_sequential_draw_has_the_hypergeometric_mean_in_every_orientation() {
        let mut rng = stream_rng(9, "recipients");
        let (population, reps) = (1000u64, 4000u64);
        for (marked, n) in [(30, 50), (970, 50), (30, 950), (970, 950), (500, 500)] {
            let total: u64 = (0..reps).map(|_| sequential_draw(&mut rng, population, marked, n)).sum();
            let mean = total as f64 / reps as f64;
            let expected = (marked * n) as f64 / population as f64;
            let var = expected * (1.0 - marked as f64 / population as f64) * (population - n) as f64 / 999.0;
            let se = (var / reps as f64).sqrt();
            assert!((mean - expected).abs() < 5.0 * se + 1e-9, "({marked}, {n}): mean {mean}, expected {expected}");
        }
        assert_eq!(sequential_draw(&mut rng, 10, 10, 4), 4);
        assert_eq!(sequential_draw(&mut rng, 10, 3, 10), 3);
        assert_eq!(sequential_draw(&mut rng, 10, 0, 10), 0);
    }
}
