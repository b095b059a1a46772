//! Integer splitting helpers shared by strategies and the simulator.

/// Splits `total` into integer parts proportional to `weights` (largest
/// remainder, ties to the lower index). Parts sum to `total` whenever some
/// weight is positive; all parts are 0 otherwise.
pub fn split_total(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if sum <= 0.0 || total == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|&w| total as f64 * w.max(0.0) / sum).collect();
    let mut parts: Vec<u64> = exact.iter().map(|x| x.floor() as u64).collect();
    let assigned: u64 = parts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b)));
    for &i in order.iter().cycle().take(total.saturating_sub(assigned) as usize) {
        parts[i] += 1;
    }
    parts
}

/// The `index`-th of `n` near-equal integer slices of `total` (cumulative
/// floors, so the slices sum exactly to `total`).
pub fn slice_of(total: u64, index: u32, n: u32) -> u64 {
    let n = u128::from(n.max(1));
    let at = |i: u128| (u128::from(total) * i / n) as u64;
    at(u128::from(index) + 1) - at(u128::from(index))
}

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

    #[test]
    fn slices_sum_to_total() {
        for total in [0u64, 1, 11, 1000, 12_345_678] {
            let s: u64 = (0..12).map(|i| slice_of(total, i, 12)).sum();
            assert_eq!(s, total);
        }
    }
}
