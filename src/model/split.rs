//! Exact integer splits shared by the model, the simulator and strategies.

/// Splits `total` into integer parts proportional to `weights` (largest
/// remainder, ties to the lower index). Parts sum to `total` whenever some
/// weight is positive; all parts are 0 otherwise.
pub fn split_total(total: u64, weights: &[f64]) -> Vec<u64> {
    let mut parts = vec![0; weights.len()];
    split_total_into(total, weights, &mut parts);
    parts
}

/// [`split_total`] into `out` (as long as `weights`), without allocating for
/// up to eight weights.
pub fn split_total_into(total: u64, weights: &[f64], out: &mut [u64]) {
    out.iter_mut().for_each(|o| *o = 0);
    let sum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if sum <= 0.0 || total == 0 {
        return;
    }
    let (mut fraction_stack, mut order_stack) = ([0.0; SPLIT_STACK], [0usize; SPLIT_STACK]);
    let (mut fraction_heap, mut order_heap) = (Vec::new(), Vec::new());
    let (fraction, order): (&mut [f64], &mut [usize]) = if weights.len() <= SPLIT_STACK {
        (&mut fraction_stack[..weights.len()], &mut order_stack[..weights.len()])
    } else {
        fraction_heap.resize(weights.len(), 0.0);
        order_heap.resize(weights.len(), 0);
        (&mut fraction_heap, &mut order_heap)
    };
    let (mut assigned, mut positive) = (0, 0);
    for (i, &w) in weights.iter().enumerate() {
        let exact = total as f64 * w.max(0.0) / sum;
        // `exact` is non-negative, so truncation is the floor.
        out[i] = exact as u64;
        fraction[i] = exact - out[i] as f64;
        assigned += out[i];
        if w > 0.0 {
            order[positive] = i;
            positive += 1;
        }
    }
    // Largest fraction first, ties to the lower index (a total order: unstable sorting is stable here).
    let order = &mut order[..positive];
    order.sort_unstable_by(|&a, &b| fraction[b].total_cmp(&fraction[a]).then(a.cmp(&b)));
    for &i in order.iter().cycle().take(total.saturating_sub(assigned) as usize) {
        out[i] += 1;
    }
}

/// Splits `total` into `out` in proportion to the integer `weights`, exactly
/// (largest remainder in integer arithmetic, ties to the lower index), without
/// allocating for up to eight weights. Requires `total <= weights.sum()`;
/// then every part is within one of its exact share, `out[i] <= weights[i]`, and
/// the parts sum to `total`.
pub fn split_into(total: u64, weights: &[u64], out: &mut [u64]) {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    debug_assert!(u128::from(total) <= sum || sum == 0, "split_into: {total} is more than the weights' sum {sum}");
    out.iter_mut().for_each(|o| *o = 0);
    if sum == 0 || total == 0 {
        return;
    }
    // Exact products: in u64 when they cannot overflow (the common case), else in u128.
    let product = |i: usize| match total.checked_mul(weights[i]) {
        Some(p) => u128::from(p),
        None => u128::from(total) * u128::from(weights[i]),
    };
    let sum64 = u64::try_from(sum).ok();
    let divide = |p: u128| match (u64::try_from(p), sum64) {
        (Ok(p), Some(s)) => (u128::from(p / s), u128::from(p % s)),
        _ => (p / sum, p % sum),
    };
    let mut stack = [0u128; SPLIT_STACK];
    let mut heap = Vec::new();
    let remainders: &mut [u128] = if weights.len() <= SPLIT_STACK {
        &mut stack[..weights.len()]
    } else {
        heap.resize(weights.len(), 0);
        &mut heap
    };
    let mut assigned = 0;
    for ((o, r), i) in out.iter_mut().zip(remainders.iter_mut()).zip(0..) {
        if weights[i] == 0 {
            continue; // part and remainder 0, as initialised
        }
        let (quotient, remainder) = divide(product(i));
        *o = quotient as u64;
        *r = remainder;
        assigned += *o;
    }
    // The fractional parts sum to `total - assigned`, each below one: so at least that
    // many remainders are positive, and one more message for each of the largest keeps
    // it within its weight. A part that got its message has its remainder cleared.
    for _ in assigned..total {
        let mut best = 0;
        for (i, &r) in remainders.iter().enumerate() {
            if r > remainders[best] {
                best = i;
            }
        }
        out[best] += 1;
        remainders[best] = 0;
    }
}

/// Number of weights [`split_into`] and [`split_total_into`] handle without allocating.
const SPLIT_STACK: usize = 8;

/// The `index`-th of `n` near-equal integer slices of `total` (cumulative
/// floors, so the slices sum exactly to `total`).
pub fn slice_of(total: u64, index: u32, n: u32) -> u64 {
    if total == 0 {
        return 0;
    }
    let n = u64::from(n.max(1));
    let index = u64::from(index);
    match total.checked_mul(index + 1) {
        Some(hi) => hi / n - total * index / n,
        None => {
            let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(n)) as u64;
            at(index + 1) - at(index)
        }
    }
}

/// [`slice_of`] for a fixed number of slices `n` (1 to 32), without a division per
/// slice: a total is divided once ([`Slicer::parts`]), and each of its slices is
/// then the quotient, plus one where the remainder's share crosses an integer (a
/// bit read from a table of the `n` possible remainders). The hourly slices of a
/// day's fresh mail were two 64-bit divisions per segment and hour, about a tenth
/// of a run's time (3 ns each).
#[derive(Debug, Clone)]
pub struct Slicer {
    /// Bit `i` of `carries[r]`: `floor(r (i + 1) / n) - floor(r i / n)`.
    carries: Vec<u32>,
    n: u64,
}

impl Slicer {
    /// A slicer into `n` slices, `1 <= n <= 32` (clamped to that range).
    pub fn new(n: u32) -> Self {
        let n = n.clamp(1, 32);
        let carries = (0..n)
            .map(|r| (0..n).filter(|i| r * (i + 1) / n > r * i / n).fold(0u32, |bits, i| bits | 1 << i))
            .collect();
        Self { carries, n: u64::from(n) }
    }

    /// `total` as (quotient, remainder) of its division by the number of slices.
    pub fn parts(&self, total: u64) -> (u64, u32) {
        (total / self.n, (total % self.n) as u32)
    }

    /// The `index`-th slice (`index` below the number of slices) of the total
    /// whose [`Slicer::parts`] are `parts`: [`slice_of`] of it.
    pub fn slice(&self, (quotient, remainder): (u64, u32), index: u32) -> u64 {
        quotient + u64::from(self.carries[remainder as usize] >> index & 1)
    }

    /// The sum of the slices from the `index`-th on (0 from the number of slices
    /// on) of the total whose [`Slicer::parts`] are `parts`: the sum of
    /// [`Slicer::slice`] over those indices, without a loop.
    pub fn slices_from(&self, (quotient, remainder): (u64, u32), index: u32) -> u64 {
        let index = u64::from(index);
        if index >= self.n {
            return 0;
        }
        // The quotient in each slice, and the carries at `index` and above.
        quotient * (self.n - index) + u64::from((self.carries[remainder as usize] >> index).count_ones())
    }

    /// The largest, over the indices of the slices, of the sum of the
    /// `index`-th slices of the totals whose [`Slicer::parts`] are `parts`
    /// (0 for none): the maximum over `index` of the sum over `parts` of
    /// [`Slicer::slice`], without a loop over the indices.
    pub fn largest_slice_sum(&self, parts: &[(u64, u32)]) -> u64 {
        let quotients: u64 = parts.iter().map(|&(quotient, _)| quotient).sum();
        if parts.len() >= 1 << COUNT_PLANES {
            let sum_at = |index| parts.iter().map(|&p| self.slice(p, index)).sum::<u64>();
            return (0..self.n as u32).map(sum_at).max().unwrap_or(0);
        }
        // Each index's number of carries, bit-sliced: bit `i` of `planes[k]` is bit `k`
        // of the count at index `i`. Each total's carries are added in as a binary number.
        let mut planes = [0u32; COUNT_PLANES];
        for &(_, remainder) in parts {
            let mut carry = self.carries[remainder as usize];
            for plane in &mut planes {
                if carry == 0 {
                    break;
                }
                let next = *plane & carry;
                *plane ^= carry;
                carry = next;
            }
        }
        // The largest count, bit by bit from the top: keep the indices whose count has
        // the bit wherever some of those kept so far have it.
        let (mut indices, mut most) = (u32::MAX, 0u64);
        for (k, &plane) in planes.iter().enumerate().rev() {
            if indices & plane != 0 {
                indices &= plane;
                most |= 1 << k;
            }
        }
        quotients + most
    }
}

/// Bits of the per-index counts of [`Slicer::largest_slice_sum`] (up to 255 totals).
const COUNT_PLANES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_sums_exactly() {
        assert_eq!(split_total(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(split_total(100, &[0.45, 0.2, 0.15, 0.1, 0.1]), vec![45, 20, 15, 10, 10]);
        assert_eq!(split_total(7, &[0.0, 0.0]), vec![0, 0]);
        assert_eq!(split_total(5, &[0.0, 2.0]), vec![0, 5]);
    }

    /// The allocating form [`split_total`] had before [`split_total_into`]: the same parts.
    fn split_total_reference(total: u64, weights: &[f64]) -> Vec<u64> {
        let sum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
        if sum <= 0.0 || total == 0 {
            return vec![0; weights.len()];
        }
        let exact: Vec<f64> = weights.iter().map(|&w| total as f64 * w.max(0.0) / sum).collect();
        let mut parts: Vec<u64> = exact.iter().map(|&x| x as u64).collect();
        let fraction: Vec<f64> = exact.iter().zip(&parts).map(|(&x, &p)| x - p as f64).collect();
        let assigned: u64 = parts.iter().sum();
        let mut order: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
        order.sort_by(|&a, &b| fraction[b].total_cmp(&fraction[a]).then(a.cmp(&b)));
        for &i in order.iter().cycle().take(total.saturating_sub(assigned) as usize) {
            parts[i] += 1;
        }
        parts
    }

    #[test]
    fn split_total_into_gives_the_reference_parts_with_and_without_the_stack() {
        let weight_sets: [&[f64]; 7] = [
            &[1.0, 1.0, 1.0],
            &[0.45, 0.2, 0.15, 0.1, 0.1],
            &[0.0, 2.0, -1.0, f64::NAN, 3.0],
            &[1e-300, 1.0, 1e300],
            &[0.3; 12],
            &[0.7, 0.1, 0.1, 0.05, 0.05, 0.0, 0.3, 0.2, 0.9, 0.4],
            &[],
        ];
        for weights in weight_sets {
            let mut out = vec![7; weights.len()];
            for total in (0..40).chain([1_000_003, u64::MAX / 7]) {
                split_total_into(total, weights, &mut out);
                assert_eq!(out, split_total_reference(total, weights), "{weights:?} {total}");
            }
        }
    }

    #[test]
    fn split_into_is_exact_and_bounded_by_the_weights() {
        let mut out = [0u64; 3];
        split_into(10, &[5, 5, 5], &mut out);
        assert_eq!(out, [4, 3, 3]);
        split_into(7, &[0, 3, 4], &mut out);
        assert_eq!(out, [0, 3, 4]);
        split_into(1, &[1, 1, 2], &mut out);
        assert_eq!(out, [0, 0, 1]);
        // Two left over after the floors go to two parts, not both to the first.
        split_into(2, &[10, 10, 10], &mut out);
        assert_eq!(out, [1, 1, 0]);
        split_into(5, &[3, 2, 2], &mut out);
        assert_eq!(out, [2, 2, 1]);
        for total in 0..=20u64 {
            let w = [3u64, 0, 9, 8];
            let mut o = [0u64; 4];
            split_into(total, &w, &mut o);
            assert_eq!(o.iter().sum::<u64>(), total);
            assert!(o.iter().zip(&w).all(|(a, b)| a <= b));
        }
    }

    #[test]
    fn split_into_parts_are_within_one_of_their_exact_share() {
        let weight_sets: [&[u64]; 5] =
            [&[1, 2, 3, 4], &[7, 7, 7], &[1000, 1, 1, 1, 1], &[5; 20], &[u64::MAX / 4, 3, 1]];
        for w in weight_sets {
            let sum: u128 = w.iter().map(|&x| u128::from(x)).sum();
            let mut out = vec![0u64; w.len()];
            for total in (0..=60u64).chain([sum.min(u128::from(u64::MAX)) as u64 / 3]) {
                if u128::from(total) > sum {
                    continue;
                }
                split_into(total, w, &mut out);
                assert_eq!(out.iter().sum::<u64>(), total, "{w:?} {total}");
                for (i, (&o, &wi)) in out.iter().zip(w).enumerate() {
                    // |o - total * wi / sum| < 1, in exact integer arithmetic.
                    let exact = u128::from(total) * u128::from(wi);
                    let scaled = u128::from(o) * sum;
                    assert!(scaled.abs_diff(exact) < sum, "{w:?} {total}: part {i} is {o}");
                    assert!(o <= wi);
                }
            }
        }
    }

    #[test]
    fn the_slicer_gives_the_slices_of_slice_of() {
        for n in 1..=32u32 {
            let slicer = Slicer::new(n);
            for total in (0..200u64).chain([12_345_678, u64::MAX / 3, u64::MAX]) {
                let parts = slicer.parts(total);
                for index in 0..n {
                    assert_eq!(slicer.slice(parts, index), slice_of(total, index, n), "{total} in {n}, slice {index}");
                }
            }
        }
    }

    #[test]
    fn the_slicer_sums_slices_as_the_loops_over_them() {
        for n in 1..=32u32 {
            let slicer = Slicer::new(n);
            let totals: Vec<u64> = (0..70u64).chain([12_345_678, u64::MAX / 3 / 300]).collect();
            for &total in &totals {
                let parts = slicer.parts(total);
                for index in 0..=n + 1 {
                    let looped: u64 = (index.min(n)..n).map(|i| slicer.slice(parts, i)).sum();
                    assert_eq!(slicer.slices_from(parts, index), looped, "{total} in {n}, from {index}");
                }
            }
            // Sets of totals of every size up to 9, and one over the bit-sliced counts' range.
            for len in (0..=9).chain([300]) {
                for start in 0..40 {
                    let parts: Vec<(u64, u32)> =
                        (0..len).map(|s| slicer.parts(totals[(start * 7 + s * 13) % totals.len()])).collect();
                    let looped =
                        (0..n).map(|i| parts.iter().map(|&p| slicer.slice(p, i)).sum::<u64>()).max().unwrap_or(0);
                    assert_eq!(slicer.largest_slice_sum(&parts), looped, "{len} totals in {n}, from {start}");
                }
            }
        }
    }

    #[test]
    fn slices_sum_to_total() {
        for total in [0u64, 1, 11, 1000, 12_345_678, u64::MAX / 3, u64::MAX] {
            let s: u64 = (0..12).map(|i| slice_of(total, i, 12)).sum();
            assert_eq!(s, total);
        }
    }
}
