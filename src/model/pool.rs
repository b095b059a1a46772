//! Shared IP pools: IPs whose reputation is set by the pool's other tenants.
//!
//! A shared-pool IP carries far more of other tenants' mail than of the
//! sender's, so the sender's traffic does not move its reputation: each day its
//! trust takes one step of an AR(1) process around the pool's mean, whatever
//! the sender does (docs/MODEL.md, section 3). Its allowance and volume
//! memories keep the pool's own volume (see [`Reputation::initial`](super::Reputation::initial)).

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Day-to-day autocorrelation of a shared pool's trust.
pub const SHARED_POOL_AUTOCORRELATION: f64 = 0.8;

/// A pool's trust the next day, from today's `trust`: one AR(1) step around
/// `trust_mean` whose stationary standard deviation is `trust_sd`, driven by one
/// standard normal draw from `rng`, clamped to [0, 1].
pub fn next_pool_trust<R: Rng + ?Sized>(rng: &mut R, trust: f64, trust_mean: f64, trust_sd: f64) -> f64 {
    let rho = SHARED_POOL_AUTOCORRELATION;
    let z: f64 = StandardNormal.sample(rng);
    let next = trust_mean + rho * (trust - trust_mean) + trust_sd * (1.0 - rho * rho).sqrt() * z;
    next.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream_rng;

    #[test]
    fn trust_stays_in_range_around_its_mean() {
        let mut rng = stream_rng(1, "shared-pool");
        let (mut trust, mut sum) = (0.85, 0.0);
        for _ in 0..20_000 {
            trust = next_pool_trust(&mut rng, trust, 0.85, 0.05);
            assert!((0.0..=1.0).contains(&trust));
            sum += trust;
        }
        assert!((sum / 20_000.0 - 0.85).abs() < 0.01);
        assert_eq!(next_pool_trust(&mut rng, 0.5, 0.7, 0.0), 0.7 + 0.8 * (0.5 - 0.7));
    }
}
