//! Drawing a day's recipients: each IP's planned volume at a provider is filled
//! from the recipients not yet mailed that day (one message per recipient per
//! day), per segment, following the plan's [`SegmentPlan`].
//!
//! IPs draw in this order: new dedicated IPs, then warm ones, then shared-pool
//! IPs (scenario order within each kind), so that with engaged-first the IPs
//! being warmed get the most engaged recipients.

use crate::engine::SimRng;
use crate::model::{Audience, IpKind, IpSpec};
use crate::strategy::{DayPlan, SegmentPlan, split_total};
use rand::RngExt;
use rand_distr::{Distribution, Hypergeometric};

/// The order in which IPs draw recipients: new, then warm, then shared pool.
pub fn draw_order(ips: &[IpSpec]) -> Vec<usize> {
    let rank = |k: &IpKind| match k {
        IpKind::New => 0,
        IpKind::Warm { .. } => 1,
        IpKind::SharedPool { .. } => 2,
    };
    let mut order: Vec<usize> = (0..ips.len()).collect();
    order.sort_by_key(|&i| (rank(&ips[i].kind), i));
    order
}

/// Per (IP, provider) cell (`ip * n_providers + p`), the day's fresh messages per segment.
pub fn draw(plan: &DayPlan, audience: &Audience, order: &[usize], rng: &mut SimRng) -> Vec<Vec<u64>> {
    let n_providers = audience.provider_shares.len();
    let n_segments = audience.segments.len();
    let mut fresh = vec![vec![0; n_segments]; order.len() * n_providers];
    for p in 0..n_providers {
        let mut left: Vec<u64> = (0..n_segments).map(|s| audience.recipients(p, s)).collect();
        for &ip in order {
            let want = plan.volume[ip][p];
            let avail: u64 = left.iter().sum();
            let take = match &plan.segments {
                SegmentPlan::Priority(segments) => {
                    let mut take = vec![0; n_segments];
                    let mut rest = want;
                    for &s in segments {
                        take[s] = rest.min(left[s]);
                        rest -= take[s];
                    }
                    take
                }
                SegmentPlan::Proportional => {
                    let weights: Vec<f64> = left.iter().map(|&n| n as f64).collect();
                    split_total(want.min(avail), &weights)
                }
                SegmentPlan::Random => random_split(rng, want.min(avail), &left),
            };
            for s in 0..n_segments {
                left[s] -= take[s];
            }
            fresh[ip * n_providers + p] = take;
        }
    }
    fresh
}

/// `n` recipients drawn without replacement from groups of sizes `groups`
/// (`n` at most their sum): how many come from each group. A chain of
/// hypergeometric draws, which is exactly the multivariate hypergeometric.
pub fn random_split(rng: &mut SimRng, n: u64, groups: &[u64]) -> Vec<u64> {
    let mut population: u64 = groups.iter().sum();
    let mut rest = n.min(population);
    groups
        .iter()
        .map(|&k| {
            let take = if rest > 0 && k > 0 { hypergeometric(rng, population, k, rest).min(k) } else { 0 };
            population -= k;
            rest -= take;
            take
        })
        .collect()
}

/// Longest set-up loop allowed to rand_distr's inverse-transform path (HIN),
/// which it takes when the expected count is below about 10, and whose set-up
/// multiplies ratios over the smaller group plus the sample: seconds per draw
/// on lists of billions. Lists up to a million recipients never exceed it, so
/// their draws (and outputs) are rand_distr's.
const HIN_LOOP_LIMIT: u64 = 1 << 20;

/// How many of the `marked` among `population` a sample of `n` without
/// replacement holds: rand_distr's sampler, or [`sequential_draw`] where that
/// would take its slow path.
fn hypergeometric(rng: &mut SimRng, population: u64, marked: u64, n: u64) -> u64 {
    if slow_inverse_transform(population, marked, n) {
        return sequential_draw(rng, population, marked, n);
    }
    match Hypergeometric::new(population, marked, n) {
        Ok(d) => d.sample(rng),
        Err(_) => 0,
    }
}

/// Whether rand_distr 0.6's `Hypergeometric::new(population, marked, n)` takes
/// its inverse-transform path (the same test as there) with a set-up loop
/// longer than [`HIN_LOOP_LIMIT`].
fn slow_inverse_transform(population: u64, marked: u64, n: u64) -> bool {
    let n1 = marked.min(population - marked);
    let n2 = population - n1;
    let k = if n <= population / 2 { n } else { population - n };
    let mode = ((k + 1) as f64 * (n1 + 1) as f64 / (population + 2) as f64).floor();
    let inverse_transform = mode - (k as f64 - n2 as f64).max(0.0) < 10.0;
    inverse_transform && n1 + k > HIN_LOOP_LIMIT
}

/// An exact hypergeometric draw by sequential selection, over the shortest of
/// the equivalent walks: the draw is symmetric in the marked group and the
/// sample, and either may be replaced by its complement, so it takes
/// `min(marked, n, population - marked, population - n)` uniform draws. Where
/// [`slow_inverse_transform`] holds, that is at most about `sqrt(10 population)`
/// (3e5 for the largest list).
fn sequential_draw(rng: &mut SimRng, population: u64, marked: u64, n: u64) -> u64 {
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
    // `hits` counts the (possibly complemented) group in the (possibly complemented) sample.
    match (flip_marked, flip_sample) {
        (false, false) => hits,
        (true, false) => n - hits,
        (false, true) => marked - hits,
        (true, true) => hits + marked + n - population,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;
    use crate::model::Segment;

    fn audience() -> Audience {
        let seg = |share, open_rate| Segment {
            name: String::new(),
            share,
            open_rate,
            complaint_rate: 0.0,
            invalid_rate: 0.0,
            trap_rate: 0.0,
        };
        Audience { size: 10_000, provider_shares: vec![1.0], segments: vec![seg(0.2, 0.5), seg(0.8, 0.1)] }
    }

    #[test]
    fn random_split_draws_without_replacement_in_proportion() {
        let mut rng = stream_rng(3, "recipients");
        let groups = [2000, 8000];
        let mut first = 0;
        for _ in 0..200 {
            let take = random_split(&mut rng, 1000, &groups);
            assert_eq!(take.iter().sum::<u64>(), 1000);
            first += take[0];
        }
        let share = first as f64 / 200_000.0;
        assert!((share - 0.2).abs() < 0.005, "share from the first group {share}");
        assert_eq!(random_split(&mut rng, 50_000, &groups), vec![2000, 8000], "no more than the whole list");
        assert_eq!(random_split(&mut rng, 10, &[0, 0, 7]), vec![0, 0, 7]);
    }

    #[test]
    fn draws_from_the_largest_list_are_exact_and_fast() {
        // The largest list allowed (10^10), split in two segments, drawn from
        // with small and large samples: rand_distr alone spends seconds per
        // draw where few recipients are expected from a large group.
        let mut rng = stream_rng(5, "recipients");
        let groups = [3_000_000_000, 7_000_000_000];
        for n in [1, 7, 60, 1000, 150_000, 5_000_000_000, 9_999_999_990, 10_000_000_000] {
            for _ in 0..20 {
                let take = random_split(&mut rng, n, &groups);
                assert_eq!(take.iter().sum::<u64>(), n);
                assert!(take[0] <= groups[0] && take[1] <= groups[1]);
            }
        }
        assert_eq!(random_split(&mut rng, 5, &[9_999_999_999, 1]).iter().sum::<u64>(), 5);
        assert!(slow_inverse_transform(10_000_000_000, 3_000_000_000, 7));
        assert!(!slow_inverse_transform(1_000_000, 300_000, 7), "small lists keep rand_distr's draws");
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

    #[test]
    fn new_ips_draw_first_and_nobody_gets_two_messages() {
        let ips = vec![
            IpSpec {
                name: "pool".into(),
                kind: IpKind::SharedPool { trust_mean: 0.8, trust_sd: 0.0, daily_volume_per_provider: 1.0 },
            },
            IpSpec { name: "new".into(), kind: IpKind::New },
        ];
        let order = draw_order(&ips);
        assert_eq!(order, vec![1, 0]);
        let plan = DayPlan { volume: vec![vec![9000], vec![1500]], segments: SegmentPlan::Priority(vec![0, 1]) };
        let mut rng = stream_rng(1, "recipients");
        let fresh = draw(&plan, &audience(), &order, &mut rng);
        assert_eq!(fresh, vec![vec![500, 8000], vec![1500, 0]], "the new IP gets the engaged; the pool what is left");
        let random = DayPlan { segments: SegmentPlan::Random, ..plan };
        let fresh = draw(&random, &audience(), &order, &mut rng);
        assert_eq!(fresh[0].iter().chain(&fresh[1]).sum::<u64>(), 10_000);
        assert!(fresh[0][0] + fresh[1][0] == 2000 && fresh[1][0] > 0 && fresh[1][1] > 0);
    }
}
