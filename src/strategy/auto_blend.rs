//! `auto_blend`: the automatic warm-up of managed sending services. The sender's
//! whole demand (`daily_volume`) is sent every day; a share of it goes to the
//! new dedicated IPs, the rest to the partners that carry it meanwhile:
//!
//! - a customer's first dedicated IPs blend with the **shared pool**: the new
//!   IPs get `s * D_p` at provider `p`, the pool IPs the rest;
//! - where the customer already has **warm dedicated IPs**, the new IPs blend
//!   with those instead: each new IP weighs `s` and each warm IP 1, so that at
//!   `s = 1` every IP carries an equal part (shared pools then get nothing).
//!
//! The dedicated share `s` on day `d`:
//!
//! ```text
//! time-based:    s = min(1, d / days)                        (45 days by default, whatever is sent)
//! volume-based:  s = min(1, start_share + A / warmup_volume)  (A: mail the new IPs had accepted so far)
//! ```

use serde::Serialize;

use super::param::{Bounds, ParamSpec};
use super::read::ParamReader;
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{IpRoles, clear_volume, ip_kinds, whole};
use super::signals::Tally;
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan, segment_plan_into};
use crate::model::{IpKind, IpSpec, split_total_into};

const DAILY_VOLUME: ParamSpec = ParamSpec::optional_float(
    "daily_volume",
    "the list size",
    Bounds::POSITIVE,
    "what the sender sends each day whatever the warm-up",
)
.unit("messages/day");
const BLEND: ParamSpec = ParamSpec::choice(
    "blend",
    &["time", "volume"],
    "time",
    "time: share = day / blend_days; volume: the share grows with the mail the new IPs had accepted",
);
const BLEND_DAYS: ParamSpec = ParamSpec::int("blend_days", 45, Bounds::DAYS, "days to a full dedicated share")
    .unit("days")
    .when("blend", "time")
    .source("[SES-warm]");
const START_SHARE: ParamSpec =
    ParamSpec::float("start_share", 0.02, Bounds::above(0.0).at_most(1.0), "dedicated share on day 1")
        .when("blend", "volume");
const WARMUP_VOLUME: ParamSpec = ParamSpec::float(
    "warmup_volume",
    1_000_000.0,
    Bounds::POSITIVE,
    "mail accepted on the new IPs that completes the warm-up",
)
.unit("messages")
.when("blend", "volume");

/// `auto_blend` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "auto_blend",
    summary: "the whole demand every day, the new IPs' share rising (blended with the shared pool or warm IPs)",
    source: "[SES-warm; Pinpoint-warm] (time-based); after [Mailgun-warmup] (volume-based)",
    own: &[DAILY_VOLUME, BLEND, BLEND_DAYS, START_SHARE, WARMUP_VOLUME],
    shared: &[],
    reader: read,
};

/// How an `auto_blend` moves traffic to the new dedicated IPs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "blend", rename_all = "snake_case")]
pub enum Blend {
    /// The dedicated share is `day / days`, whatever happens.
    Time {
        /// Days to reach a full share (`blend_days`).
        days: u32,
    },
    /// The dedicated share is `start_share + accepted / warmup_volume`, where
    /// `accepted` is the mail the new IPs have had accepted (2xx) so far.
    Volume {
        /// Share on day 1, in (0, 1].
        start_share: f64,
        /// Accepted messages that complete the warm-up (> 0).
        warmup_volume: f64,
    },
}

/// The parameters of `auto_blend`: the sender's whole demand, split between new
/// dedicated IPs and the shared pool (or the sender's warm dedicated IPs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AutoBlendParams {
    /// `daily_volume`; `None`: the list size.
    pub daily_volume: Option<f64>,
    /// `blend` and its parameters.
    pub blend: Blend,
}

impl Default for AutoBlendParams {
    fn default() -> Self {
        Self { daily_volume: None, blend: Blend::Time { days: const { BLEND_DAYS.int_default() as u32 } } }
    }
}

fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let b = match base {
        Some(StrategyKind::AutoBlend(b)) => *b,
        _ => AutoBlendParams::default(),
    };
    let daily_volume = r.opt_float(&DAILY_VOLUME, b.daily_volume);
    let (mode, days, start_share, warmup_volume) = match b.blend {
        Blend::Time { days } => {
            ("time", days, const { START_SHARE.float_default() }, const { WARMUP_VOLUME.float_default() })
        }
        Blend::Volume { start_share, warmup_volume } => {
            ("volume", const { BLEND_DAYS.int_default() as u32 }, start_share, warmup_volume)
        }
    };
    let mode = r.choice(&BLEND, mode)?;
    for spec in [&BLEND_DAYS, &START_SHARE, &WARMUP_VOLUME] {
        if spec.when.is_some_and(|c| c.value != mode) {
            r.unused(spec);
        }
    }
    let blend = if mode == "time" {
        Blend::Time { days: r.int(&BLEND_DAYS, days)? }
    } else {
        let start_share = r.float(&START_SHARE, start_share);
        let warmup_volume = r.float(&WARMUP_VOLUME, warmup_volume);
        Blend::Volume { start_share: start_share?, warmup_volume: warmup_volume? }
    };
    Some(StrategyKind::AutoBlend(AutoBlendParams { daily_volume: daily_volume?, blend }))
}

impl KindParams for AutoBlendParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(AutoBlend::new(*self, segments))
    }

    fn check_ips(&self, ips: &[IpSpec]) -> Result<(), String> {
        let has = |f: fn(&IpKind) -> bool| ips.iter().any(|ip| f(&ip.kind));
        let new = has(|k| matches!(k, IpKind::New));
        let partner = has(|k| matches!(k, IpKind::Warm { .. } | IpKind::SharedPool { .. }));
        if new && partner {
            return Ok(());
        }
        Err(format!(
            "kind `{}` needs a `new` ip and a `warm` or `shared_pool` ip to blend it with, got {}",
            ENTRY.name,
            ip_kinds(ips)
        ))
    }
}

/// Blends new dedicated IPs with the shared pool or warm dedicated IPs.
#[derive(Debug, Clone)]
pub struct AutoBlend {
    params: AutoBlendParams,
    segments: SegmentSettings,
    /// Working space of [`Strategy::plan_day`], kept between days so that a day's
    /// plan is the only thing planning allocates (issue 18: no allocation in the
    /// steady state of a run); it carries nothing from one day to the next.
    scratch: Scratch,
}

/// [`AutoBlend`]'s working space for one day's plan.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// The IPs' roles.
    roles: IpRoles,
    /// Each IP's weight in a provider's demand.
    weights: Vec<f64>,
    /// The day's demand per provider.
    by_provider: Vec<u64>,
    /// One provider's demand per IP.
    by_ip: Vec<u64>,
}

impl AutoBlend {
    /// A blend sending to the audience in `segments`' order.
    pub fn new(params: AutoBlendParams, segments: SegmentSettings) -> Self {
        Self { params, segments, scratch: Scratch::default() }
    }

    /// The dedicated share on day `day` (1-based), given the mail the new IPs
    /// had accepted (2xx) before that day.
    pub fn share(&self, day: u32, accepted_so_far: u64) -> f64 {
        let s = match self.params.blend {
            Blend::Time { days } => f64::from(day) / f64::from(days.max(1)),
            Blend::Volume { start_share, warmup_volume } => start_share + accepted_so_far as f64 / warmup_volume,
        };
        s.clamp(0.0, 1.0)
    }

    /// Each IP's weight in a provider's demand at dedicated share `s`, into `weights`.
    fn weights_into(s: f64, roles: &IpRoles, weights: &mut Vec<f64>) {
        let has_warm = roles.warm.iter().any(|&w| w);
        let n_new = roles.new.iter().filter(|&&n| n).count() as f64;
        let n_pool = roles.pool.iter().filter(|&&p| p).count() as f64;
        weights.clear();
        weights.extend((0..roles.new.len()).map(|ip| {
            if roles.new[ip] {
                if has_warm { s } else { s / n_new }
            } else if has_warm {
                if roles.warm[ip] { 1.0 } else { 0.0 }
            } else if roles.pool[ip] {
                (1.0 - s) / n_pool
            } else {
                0.0
            }
        }));
    }
}

impl Strategy for AutoBlend {
    fn name(&self) -> &'static str {
        ENTRY.name
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, history: &[DayObservation], plan: &mut DayPlan) {
        self.scratch.roles.fill(view);
        // Only a volume blend reads the history (a time blend's share is the day's).
        let accepted = match self.params.blend {
            Blend::Time { .. } => 0,
            Blend::Volume { .. } => Tally::over(history, history.len(), &self.scratch.roles.new, |_| true).accepted,
        };
        let share = self.share(day, accepted);
        let Scratch { roles, weights, by_provider, by_ip } = &mut self.scratch;
        Self::weights_into(share, roles, weights);
        let demand = whole(self.params.daily_volume.unwrap_or(view.list_size as f64));
        let volume = &mut plan.volume;
        clear_volume(volume, view);
        by_provider.resize(view.provider_shares.len(), 0);
        split_total_into(demand, &view.provider_shares, by_provider);
        by_ip.resize(weights.len(), 0);
        for (p, &d) in by_provider.iter().enumerate() {
            split_total_into(d, weights, by_ip);
            for (ip, &part) in by_ip.iter().enumerate() {
                volume[ip][p] = part;
            }
        }
        segment_plan_into(self.segments, view, day, &mut plan.segments);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::ProviderObservation;
    use crate::strategy::test_support::view;

    fn blend(blend: Blend) -> AutoBlend {
        AutoBlend::new(AutoBlendParams { daily_volume: Some(9000.0), blend }, SegmentSettings::default())
    }

    #[test]
    fn time_based_share_rises_over_the_days_whatever_happens() {
        let b = blend(Blend::Time { days: 45 });
        assert_eq!((b.share(1, 0), b.share(45, 0), b.share(60, 0)), (1.0 / 45.0, 1.0, 1.0));
        assert_eq!(b.share(9, 0), b.share(9, 1_000_000));
    }

    #[test]
    fn volume_based_share_follows_accepted_mail() {
        let b = blend(Blend::Volume { start_share: 0.02, warmup_volume: 1_000_000.0 });
        assert_eq!(b.share(30, 0), 0.02);
        assert!((b.share(2, 480_000) - 0.5).abs() < 1e-12);
        assert_eq!(b.share(2, 5_000_000), 1.0);
    }

    #[test]
    fn first_ips_blend_with_the_shared_pool() {
        let mut b = blend(Blend::Time { days: 10 });
        let v = view();
        let plan = b.plan_day(3, &v, &[]);
        assert_eq!(plan.volume, vec![vec![1620, 1080], vec![3780, 2520]], "30% of 5,400 and 3,600 on the new IP");
        let accepted = |a| DayObservation {
            day: 1,
            cells: vec![vec![ProviderObservation { accepted: a, ..Default::default() }; 2]; 2],
        };
        let mut vb = blend(Blend::Volume { start_share: 0.1, warmup_volume: 10_000.0 });
        let plan = vb.plan_day(2, &v, &[accepted(1000)]);
        assert_eq!(plan.volume[0], vec![1620, 1080], "0.1 + 2,000 / 10,000 = 30%; the pool's own mail is not counted");
    }

    #[test]
    fn new_ips_blend_with_warm_ones_when_there_are_some() {
        let mut v = view();
        v.ips.push(IpSpec::new("old", IpKind::Warm { daily_volume_per_provider: 1e4, trust: 0.9 }));
        let mut b = blend(Blend::Time { days: 4 });
        // Day 2: s = 0.5; weights new 0.5, warm 1, pool 0.
        assert_eq!(b.plan_day(2, &v, &[]).volume, vec![vec![1800, 1200], vec![0, 0], vec![3600, 2400]]);
        // Day 4: full share, equal parts.
        assert_eq!(b.plan_day(4, &v, &[]).volume, vec![vec![2700, 1800], vec![0, 0], vec![2700, 1800]]);
    }
}
