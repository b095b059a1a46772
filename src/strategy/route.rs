//! Routing volumes over providers and IPs: the helpers strategies use to turn
//! "how much" into a `[ip][provider]` plan.
//!
//! Totals are split over providers by list share and evenly over a set of IPs,
//! always with largest-remainder rounding (parts sum exactly to the whole).
//!
//! The splits work in buffers a strategy keeps between days ([`Routing`],
//! [`EvenSplit`]) and write into the plan the runner reuses from day to day,
//! so that routing a day allocates nothing (issue 18: no allocation in the
//! steady state of a run).

use super::{DayPlan, SegmentSettings, SenderView, segment_plan_into};
use crate::model::{IpKind, IpSpec, split_total_into};

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
        let mut senders = Vec::new();
        self.senders_into(&mut senders);
        senders
    }

    /// [`IpRoles::senders`] into `senders`, in its existing capacity.
    pub fn senders_into(&self, senders: &mut Vec<bool>) {
        senders.clear();
        senders.extend(self.new.iter().zip(&self.warm).map(|(n, w)| *n || *w));
        if !senders.iter().any(|&d| d) {
            senders.fill(true);
        }
    }
}

/// A strategy's working space for routing a day's volumes, kept between days so
/// that routing allocates only the plan; it carries nothing from one day to the next.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    /// The IPs' roles, as of the last [`Routing::fill`].
    pub roles: IpRoles,
    /// The sending IPs ([`IpRoles::senders`]), as of the last [`Routing::fill`].
    pub senders: Vec<bool>,
    /// A volume split over providers ([`Routing::split_by_provider`]).
    pub by_provider: Vec<u64>,
    /// The buffers of [`assign`].
    pub even: EvenSplit,
}

impl Routing {
    /// Sets the roles and the sending IPs to those of `view`.
    pub fn fill(&mut self, view: &SenderView) {
        self.roles.fill(view);
        self.roles.senders_into(&mut self.senders);
    }

    /// Splits `total` over the providers of `view` by list share, into `by_provider`.
    pub fn split_by_provider(&mut self, total: u64, view: &SenderView) {
        self.by_provider.resize(view.provider_shares.len(), 0);
        split_total_into(total, &view.provider_shares, &mut self.by_provider);
    }

    /// Spreads a total daily volume over providers (by list share) and over the
    /// sending IPs of [`IpRoles::senders`] (evenly), into `volume` (`[ip][provider]`, overwritten).
    pub fn spread_total(&mut self, total: u64, view: &SenderView, volume: &mut Vec<Vec<u64>>) {
        self.fill(view);
        self.split_by_provider(total, view);
        clear_volume(volume, view);
        for (p, &v) in self.by_provider.iter().enumerate() {
            assign(volume, p, v, &self.senders, &mut self.even);
        }
    }

    /// Gives each sending IP of [`IpRoles::senders`] `per_ip` messages, split over providers by
    /// list share, into `volume` (`[ip][provider]`, overwritten).
    pub fn spread_per_ip(&mut self, per_ip: u64, view: &SenderView, volume: &mut Vec<Vec<u64>>) {
        self.fill(view);
        self.split_by_provider(per_ip, view);
        clear_volume(volume, view);
        for (row, _) in volume.iter_mut().zip(&self.senders).filter(|(_, on)| **on) {
            row.copy_from_slice(&self.by_provider);
        }
    }

    /// The plan of a strategy that decides only a total: `total` messages spread
    /// over providers and sending IPs ([`Routing::spread_total`]), in `settings`' audience order,
    /// into `plan` (overwritten).
    pub fn total_plan(
        &mut self,
        total: u64,
        view: &SenderView,
        settings: SegmentSettings,
        day: u32,
        plan: &mut DayPlan,
    ) {
        self.spread_total(total, view, &mut plan.volume);
        segment_plan_into(settings, view, day, &mut plan.segments);
    }
}

/// The buffers of [`assign`]: the IPs' weights and their parts.
#[derive(Debug, Clone, Default)]
pub struct EvenSplit {
    weights: Vec<f64>,
    parts: Vec<u64>,
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

/// `volume` made an empty `[ip][provider]` plan for `view`, in its existing capacity.
pub fn clear_volume(volume: &mut Vec<Vec<u64>>, view: &SenderView) {
    volume.resize_with(view.ips.len(), Vec::new);
    for row in volume.iter_mut() {
        row.clear();
        row.resize(view.provider_names.len(), 0);
    }
}

/// Adds `amount` at provider `p`, split evenly over the IPs with `ips[ip]` true,
/// in `even`'s buffers.
pub fn assign(volume: &mut [Vec<u64>], p: usize, amount: u64, ips: &[bool], even: &mut EvenSplit) {
    let EvenSplit { weights, parts } = even;
    weights.clear();
    weights.extend(ips.iter().map(|&on| if on { 1.0 } else { 0.0 }));
    parts.resize(ips.len(), 0);
    split_total_into(amount, weights, parts);
    for (ip, &part) in parts.iter().enumerate() {
        volume[ip][p] += part;
    }
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
        let (v, mut routing, mut volume) = (view(), Routing::default(), vec![vec![7; 5]]);
        routing.spread_total(1000, &v, &mut volume);
        assert_eq!(volume, vec![vec![600, 400], vec![0, 0]]);
        routing.spread_per_ip(1000, &v, &mut volume);
        assert_eq!(volume, vec![vec![600, 400], vec![0, 0]]);
    }

    #[test]
    fn without_dedicated_ips_every_ip_sends() {
        let mut v = view();
        v.ips.remove(0);
        v.ips.push(v.ips[0].clone());
        let (mut routing, mut volume) = (Routing::default(), Vec::new());
        routing.spread_total(1001, &v, &mut volume);
        assert_eq!(volume, vec![vec![301, 200], vec![300, 200]]);
        routing.spread_per_ip(1001, &v, &mut volume);
        assert_eq!(volume, vec![vec![601, 400], vec![601, 400]]);
        assert_eq!(IpRoles::of(&v).senders(), vec![true, true]);
    }

    #[test]
    fn roles_and_whole_numbers() {
        let r = IpRoles::of(&view());
        assert_eq!((r.new, r.warm, r.pool), (vec![true, false], vec![false, false], vec![false, true]));
        assert_eq!((whole(-3.0), whole(f64::NAN), whole(2.5), whole(1e300)), (0, 0, 3, 1_000_000_000_000_000));
    }
}
