//! Routing volumes over providers and IPs: the helpers strategies use to turn
//! "how much" into a `[ip][provider]` plan.
//!
//! Totals are split over providers by list share and evenly over a set of IPs,
//! always with largest-remainder rounding (parts sum exactly to the whole).

use super::{SenderView, split_total};
use crate::model::{IpKind, IpSpec};

/// Which of the sender's IPs play which role, by index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpRoles {
    /// New dedicated IPs.
    pub new: Vec<bool>,
    /// Warm dedicated IPs.
    pub warm: Vec<bool>,
    /// Shared-pool IPs.
    pub pool: Vec<bool>,
}

impl IpRoles {
    /// The roles of the IPs of `view`.
    pub fn of(view: &SenderView) -> Self {
        let mut roles = Self::default();
        roles.fill(view);
        roles
    }

    /// Sets these roles to those of the IPs of `view`, in the vectors' existing
    /// capacity: a strategy that keeps one between days finds the roles without
    /// allocating (issue 18: no allocation in the steady state of a run).
    pub fn fill(&mut self, view: &SenderView) {
        let fill = |flag: &mut Vec<bool>, is: fn(&IpKind) -> bool| {
            flag.clear();
            flag.extend(view.ips.iter().map(|ip| is(&ip.kind)));
        };
        fill(&mut self.new, |k| matches!(k, IpKind::New));
        fill(&mut self.warm, |k| matches!(k, IpKind::Warm { .. }));
        fill(&mut self.pool, |k| matches!(k, IpKind::SharedPool { .. }));
    }

    /// Dedicated IPs (new or warm), or every IP when none is dedicated: the IPs a
    /// plain ramp sends from and whose signals it watches.
    pub fn senders(&self) -> Vec<bool> {
        let dedicated: Vec<bool> = self.new.iter().zip(&self.warm).map(|(n, w)| *n || *w).collect();
        if dedicated.iter().any(|&d| d) { dedicated } else { vec![true; dedicated.len()] }
    }
}

/// The kinds of `ips`, for messages: `new, shared_pool` (`no ip` if empty).
pub(crate) fn ip_kinds(ips: &[IpSpec]) -> String {
    let kinds: Vec<&str> = ips
        .iter()
        .map(|ip| match ip.kind {
            IpKind::New => "new",
            IpKind::Warm { .. } => "warm",
            IpKind::SharedPool { .. } => "shared_pool",
        })
        .collect();
    if kinds.is_empty() { "no ip".to_string() } else { kinds.join(", ") }
}

/// An empty `[ip][provider]` plan for `view`.
pub fn empty_plan(view: &SenderView) -> Vec<Vec<u64>> {
    vec![vec![0; view.provider_names.len()]; view.ips.len()]
}

/// Adds `amount` at provider `p`, split evenly over the IPs with `ips[ip]` true.
pub fn assign(volume: &mut [Vec<u64>], p: usize, amount: u64, ips: &[bool]) {
    let weights: Vec<f64> = ips.iter().map(|&on| if on { 1.0 } else { 0.0 }).collect();
    for (ip, part) in split_total(amount, &weights).into_iter().enumerate() {
        volume[ip][p] += part;
    }
}

/// Spreads a total daily volume over providers (by list share) and over the
/// sending IPs of [`IpRoles::senders`] (evenly).
pub fn spread_total(total: u64, view: &SenderView) -> Vec<Vec<u64>> {
    let senders = IpRoles::of(view).senders();
    let mut volume = empty_plan(view);
    for (p, v) in split_total(total, &view.provider_shares).into_iter().enumerate() {
        assign(&mut volume, p, v, &senders);
    }
    volume
}

/// Gives each sending IP of [`IpRoles::senders`] `per_ip` messages, split over providers by list share.
pub fn spread_per_ip(per_ip: u64, view: &SenderView) -> Vec<Vec<u64>> {
    let senders = IpRoles::of(view).senders();
    let per_provider = split_total(per_ip, &view.provider_shares);
    senders.iter().map(|&on| if on { per_provider.clone() } else { vec![0; per_provider.len()] }).collect()
}

/// A volume in messages/day as a whole number (negative and non-finite values give 0).
pub fn whole(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 { v.min(1e15).round() as u64 } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::test_support::view;

    #[test]
    fn totals_go_to_dedicated_ips_by_provider_share() {
        let v = view();
        assert_eq!(spread_total(1000, &v), vec![vec![600, 400], vec![0, 0]]);
        assert_eq!(spread_per_ip(1000, &v), vec![vec![600, 400], vec![0, 0]]);
    }

    #[test]
    fn without_dedicated_ips_every_ip_sends() {
        let mut v = view();
        v.ips.remove(0);
        v.ips.push(v.ips[0].clone());
        assert_eq!(spread_total(1001, &v), vec![vec![301, 200], vec![300, 200]]);
    }

    #[test]
    fn roles_and_whole_numbers() {
        let r = IpRoles::of(&view());
        assert_eq!((r.new, r.warm, r.pool), (vec![true, false], vec![false, false], vec![false, true]));
        assert_eq!((whole(-3.0), whole(f64::NAN), whole(2.5), whole(1e300)), (0, 0, 3, 1_000_000_000_000_000));
    }
}
