//! A scrambled Sobol low-discrepancy sequence in `[0, 1)^d`, reproducible from a `u64` seed.
//!
//! The points come from the `sobol_burley` crate: Sobol's sequence with Joe and Kuo's direction
//! numbers, Owen-scrambled per dimension and shuffled by a hash of the seed (Burley 2020,
//! "Practical hash-based Owen scrambling", JCGT 9(4)). Owen scrambling keeps the net property:
//! for any `m`, the first `2^m` points put exactly one point in each of the `2^m` intervals
//! `[i/2^m, (i+1)/2^m)` of every coordinate, and different seeds give independent sequences.
//!
//! Limits (the crate's): at most [`MAX_DIMS`] dimensions and [`MAX_POINTS`] points per seed;
//! coordinates are computed in `f32` (24 bits, ample for sampling a factor's range) and
//! returned as `f64`. Requests beyond the limits are refused, never wrapped around.

use crate::engine::derive_seed;

/// The most dimensions a sequence may have.
pub const MAX_DIMS: usize = sobol_burley::NUM_DIMENSIONS as usize;

/// The most points a sequence may have (per seed).
pub const MAX_POINTS: usize = 1 << 16;

/// Seed part that turns a caller's seed into the crate's 32-bit scrambling seed.
const SCRAMBLE_SEED_TAG: u64 = 0x5343_5242;

/// The first `n` points of the `dims`-dimensional scrambled Sobol sequence of `seed`, each in
/// `[0, 1)^dims`. The same arguments always give the same points; the first `n` points are
/// also the first `n` of any longer request with the same seed. Two seeds whose derived 32-bit
/// scrambling seeds coincide (a chance of 2^-32) give the same sequence.
///
/// Errors when `dims` is 0 or above [`MAX_DIMS`], or `n` is above [`MAX_POINTS`].
pub fn points(n: usize, dims: usize, seed: u64) -> Result<Vec<Vec<f64>>, String> {
    if dims == 0 || dims > MAX_DIMS {
        return Err(format!("a Sobol sequence has 1 to {MAX_DIMS} dimensions, got {dims}"));
    }
    if n > MAX_POINTS {
        return Err(format!("a Sobol sequence has at most {MAX_POINTS} points per seed, got {n}"));
    }
    // The top 32 bits of a well-mixed derived seed (truncation is the intent).
    let scramble = (derive_seed(seed, &[SCRAMBLE_SEED_TAG]) >> 32) as u32;
    // Both casts are lossless: n <= 2^16 and dims <= 256 were checked above.
    Ok((0..n as u32)
        .map(|i| (0..dims as u32).map(|d| f64::from(sobol_burley::sample(i, d, scramble))).collect())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_of_a_power_of_two_stratifies_each_coordinate() {
        let pts = points(1 << 10, 8, 42).unwrap();
        for m in [1, 4, 7, 10] {
            let cells = 1usize << m;
            for d in 0..8 {
                let mut hits = vec![0u32; cells];
                for p in &pts[..cells] {
                    hits[(p[d] * cells as f64) as usize] += 1;
                }
                assert!(hits.iter().all(|&h| h == 1), "m = {m}, dim {d}: {hits:?}");
            }
        }
    }

    #[test]
    fn pairs_of_coordinates_stratify_too() {
        // A (0, m, 2)-net in base 2: each of the 2^4 x 2^4 squares holds one of the first 256 points.
        let pts = points(256, 2, 7).unwrap();
        let mut hits = [[0u32; 16]; 16];
        for p in &pts {
            hits[(p[0] * 16.0) as usize][(p[1] * 16.0) as usize] += 1;
        }
        assert!(hits.iter().flatten().all(|&h| h == 1), "{hits:?}");
    }

    #[test]
    fn seeded_and_prefix_stable() {
        let a = points(64, 5, 1).unwrap();
        assert_eq!(a, points(64, 5, 1).unwrap());
        assert_eq!(a[..16], points(16, 5, 1).unwrap()[..]);
        assert_ne!(a, points(64, 5, 2).unwrap());
        assert!(a.iter().flatten().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn limits_are_refused() {
        assert!(points(8, 0, 1).unwrap_err().contains("got 0"));
        assert!(points(8, MAX_DIMS + 1, 1).unwrap_err().contains("got 257"));
        assert!(points(MAX_POINTS + 1, 2, 1).unwrap_err().contains("at most 65536"));
        assert_eq!(points(0, MAX_DIMS, 1).unwrap().len(), 0);
    }
}
