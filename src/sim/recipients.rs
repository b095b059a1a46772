//! Drawing a day's recipients: each IP's planned volume at a provider is filled
//! from the recipients not yet mailed that day (one message per recipient per
//! day), per segment, following the plan's [`SegmentPlan`].
//!
//! IPs draw in this order: new dedicated IPs, then warm ones, then shared-pool
//! IPs (scenario order within each kind), so that with engaged-first the IPs
//! being warmed get the most engaged recipients.

use crate::engine::SimRng;
use crate::model::{
    Audience, HypergeometricMethod, IpKind, IpSpec, SegmentCounts, random_split_into, split_total_into,
};
use crate::strategy::{DayPlan, SegmentPlan};

/// Most segments whose proportional weights [`draw`] keeps on the stack.
const WEIGHTS_STACK: usize = 8;

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

/// Draws the day's fresh messages per segment of each (IP, provider) cell
/// (`ip * n_providers + p`) into `fresh(&mut cells[cell])`, overwriting it; for
/// a few segments, without allocating.
pub fn draw<C>(
    plan: &DayPlan,
    audience: &Audience,
    order: &[usize],
    rng: &mut SimRng,
    cells: &mut [C],
    fresh: fn(&mut C) -> &mut [u64],
) {
    let n_providers = audience.provider_shares.len();
    let n_segments = audience.segments.len();
    // The proportional split's weights: on the stack for a few segments, so that a day
    // allocates nothing for them (issue 18: no allocation in the steady state of a run).
    let (mut weights_stack, mut weights_heap) = ([0.0; WEIGHTS_STACK], Vec::new());
    let weights: &mut [f64] = if n_segments <= WEIGHTS_STACK {
        &mut weights_stack[..n_segments]
    } else {
        if matches!(plan.segments, SegmentPlan::Proportional) {
            weights_heap.resize(n_segments, 0.0);
        }
        &mut weights_heap
    };
    for p in 0..n_providers {
        let mut left = SegmentCounts::from_fn(n_segments, |s| audience.recipients(p, s));
        for &ip in order {
            let want = plan.volume[ip][p];
            let avail: u64 = left.iter().sum();
            let take = fresh(&mut cells[ip * n_providers + p]);
            match &plan.segments {
                SegmentPlan::Priority(segments) => {
                    take.iter_mut().for_each(|t| *t = 0);
                    let mut rest = want;
                    for &s in segments {
                        take[s] = rest.min(left[s]);
                        rest -= take[s];
                    }
                }
                SegmentPlan::Proportional => {
                    weights.iter_mut().zip(left.iter()).for_each(|(w, &n)| *w = n as f64);
                    split_total_into(want.min(avail), weights, take);
                }
                // A uniform random sample without replacement: the multivariate hypergeometric
                // of [`random_split_into`], by rand_distr's draws wherever they are not slow.
                SegmentPlan::Random => {
                    random_split_into(rng, want.min(avail), &left, take, HypergeometricMethod::RandDistr)
                }
            }
            for s in 0..n_segments {
                left[s] -= take[s];
            }
        }
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
    fn new_ips_draw_first_and_nobody_gets_two_messages() {
        let ips = vec![
            IpSpec::new("pool", IpKind::SharedPool { trust_mean: 0.8, trust_sd: 0.0, daily_volume_per_provider: 1.0 }),
            IpSpec::new("new", IpKind::New),
        ];
        let order = draw_order(&ips);
        assert_eq!(order, vec![1, 0]);
        let plan = DayPlan { volume: vec![vec![9000], vec![1500]], segments: SegmentPlan::Priority(vec![0, 1]) };
        let mut rng = stream_rng(1, "recipients");
        let mut fresh = vec![vec![7, 7]; 2];
        draw(&plan, &audience(), &order, &mut rng, &mut fresh, |cell| cell);
        assert_eq!(fresh, vec![vec![500, 8000], vec![1500, 0]], "the new IP gets the engaged; the pool what is left");
        let random = DayPlan { segments: SegmentPlan::Random, ..plan };
        draw(&random, &audience(), &order, &mut rng, &mut fresh, |cell| cell);
        assert_eq!(fresh[0].iter().chain(&fresh[1]).sum::<u64>(), 10_000);
        assert!(fresh[0][0] + fresh[1][0] == 2000 && fresh[1][0] > 0 && fresh[1][1] > 0);
    }
}
