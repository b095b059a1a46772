//! Validated strategy settings, as read from the `[strategy]` table of a scenario.
//!
//! Every parameter has a default ([`Default`] on each parameter struct), except
//! a schedule's table. A volume given as `None` (`target`, `daily_volume`) means
//! the size of the list: the strategy resolves it from [`super::SenderView`].

use serde::Serialize;

use crate::model::{IpKind, IpSpec};

/// The order in which the sender works through its audience segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SegmentOrder {
    /// Most engaged segments first (highest open rate), widening as volume grows
    /// (and, with `widen_every_days`, as days pass).
    EngagedFirst,
    /// Recipients drawn at random from the whole list each day.
    Random,
    /// Every segment in proportion to its size (what a random draw gives in expectation, without its noise).
    Proportional,
}

/// Which recipients a strategy sends to: the order, and how fast engaged-first widens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SegmentSettings {
    /// Order through the segments.
    pub order: SegmentOrder,
    /// With `EngagedFirst`: only the most engaged segment on days `1..=n`, one more
    /// segment every `n` days after that (30-day engaged, then 60, then 90, then
    /// everyone). `None`: every segment is allowed from day 1, filled in order.
    pub widen_every_days: Option<u32>,
}

impl Default for SegmentSettings {
    fn default() -> Self {
        Self { order: SegmentOrder::EngagedFirst, widen_every_days: None }
    }
}

/// What a `schedule` strategy does after the last day of its table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterTable {
    /// Keep sending the last day's volume.
    Hold,
    /// Keep growing: times `factor` every `every_days` days.
    Grow {
        /// Growth factor per step (>= 1).
        factor: f64,
        /// Days per step (>= 1).
        every_days: u32,
    },
}

/// The unit of a schedule's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableUnit {
    /// Messages per day.
    Day,
    /// Messages per hour of the sending window (a day is the value times the active hours).
    Hour,
}

/// `schedule`: an explicit table of volumes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleParams {
    /// Volumes, day 1 first.
    pub volumes: Vec<u64>,
    /// Per day or per hour.
    pub unit: TableUnit,
    /// Whether each volume is per dedicated IP (`true`) or the sender's total.
    pub per_ip: bool,
    /// Behaviour after the table ends.
    pub after: AfterTable,
    /// Largest daily volume (messages/day, in the table's scope); `None`: no cap.
    pub target: Option<f64>,
}

/// `exponential`: `start * growth^(day-1)` messages a day, capped at `target`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExponentialParams {
    /// Total volume on day 1 (messages/day).
    pub start: f64,
    /// Daily growth factor (> 1).
    pub growth: f64,
    /// Daily volume at which growth stops; `None`: the list size.
    pub target: Option<f64>,
}

impl Default for ExponentialParams {
    fn default() -> Self {
        Self { start: 1000.0, growth: 1.3, target: None }
    }
}

/// `linear`: from `start` on day 1 to `target` on day `ramp_days` in equal daily steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LinearParams {
    /// Total volume on day 1 (messages/day).
    pub start: f64,
    /// Volume reached on day `ramp_days` and kept; `None`: the list size.
    pub target: Option<f64>,
    /// Day on which the target is reached (>= 1).
    pub ramp_days: u32,
}

impl Default for LinearParams {
    fn default() -> Self {
        Self { start: 1000.0, target: None, ramp_days: 30 }
    }
}

/// Thresholds on what the sender observes, and how a ramp reacts to them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HealthRules {
    /// Hold when accepted / (accepted + blocked + bounced + expired) is at or below this.
    pub min_delivery_rate: f64,
    /// Hold when opens / accepted is below this.
    pub min_open_rate: f64,
    /// Hold when hard bounces / evaluated is above this.
    pub max_bounce_rate: f64,
    /// Hold when complaints seen / accepted is above this.
    pub max_complaint_rate: f64,
    /// Hold when 4xx replies / attempts on the last day is above this.
    pub max_deferral_rate: f64,
    /// Back off when 4xx replies / attempts on the last day reaches this (a burst of throttling).
    pub backoff_deferral_rate: f64,
    /// Back off when 5xx block replies / evaluated on the last day reaches this.
    pub backoff_block_rate: f64,
    /// Volume multiplier on backing off (in (0, 1)).
    pub cut_factor: f64,
    /// Daily growth while recovering the volume held before a back-off (>= 1).
    pub recovery_growth: f64,
    /// Days over which the quality rates (delivery, opens, bounces, complaints) are computed.
    pub window_days: u32,
}

impl Default for HealthRules {
    fn default() -> Self {
        Self {
            min_delivery_rate: 0.9,
            min_open_rate: 0.1,
            max_bounce_rate: 0.05,
            max_complaint_rate: 0.001,
            max_deferral_rate: 0.05,
            backoff_deferral_rate: 0.2,
            backoff_block_rate: 0.02,
            cut_factor: 0.5,
            recovery_growth: 1.1,
            window_days: 3,
        }
    }
}

/// Whether an adaptive ramp judges each provider on its own or the whole sender at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthScope {
    /// One ramp per provider, each on that provider's signals.
    PerProvider,
    /// One ramp for the total, on the signals summed over providers.
    Global,
}

/// `adaptive`: ramps while observed health is good; holds or backs off otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AdaptiveParams {
    /// Total volume on day 1 (messages/day).
    pub start: f64,
    /// Daily growth factor while healthy (> 1).
    pub growth: f64,
    /// Daily volume at which growth stops; `None`: the list size.
    pub target: Option<f64>,
    /// Per provider or global.
    pub scope: HealthScope,
    /// Thresholds and reactions.
    pub health: HealthRules,
}

impl Default for AdaptiveParams {
    fn default() -> Self {
        Self {
            start: 1000.0,
            growth: 1.3,
            target: None,
            scope: HealthScope::PerProvider,
            health: HealthRules::default(),
        }
    }
}

/// Days to a full dedicated share in a time-based blend (the SES auto warm-up's 45 days).
pub const DEFAULT_BLEND_DAYS: u32 = 45;
/// Dedicated share on day 1 of a volume-based blend.
pub const DEFAULT_START_SHARE: f64 = 0.02;
/// Accepted messages on the new IPs that complete a volume-based blend.
pub const DEFAULT_WARMUP_VOLUME: f64 = 1_000_000.0;

/// How an `auto_blend` moves traffic to the new dedicated IPs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "blend", rename_all = "snake_case")]
pub enum Blend {
    /// The dedicated share is `day / days`, whatever happens.
    Time {
        /// Days to reach a full share (>= 1).
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

/// `auto_blend`: the sender's whole demand, split between new dedicated IPs and
/// the shared pool (or the sender's warm dedicated IPs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AutoBlendParams {
    /// What the sender sends each day whatever the warm-up (messages/day); `None`: the list size.
    pub daily_volume: Option<f64>,
    /// Time- or volume-based.
    pub blend: Blend,
}

impl Default for AutoBlendParams {
    fn default() -> Self {
        Self { daily_volume: None, blend: Blend::Time { days: DEFAULT_BLEND_DAYS } }
    }
}

/// `per_provider`: a ramp per provider on the dedicated IPs; the overflow goes
/// to the shared pool early on, and is queued and retried later.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PerProviderParams {
    /// What the sender sends each day whatever the warm-up (messages/day); `None`: the list size.
    pub daily_volume: Option<f64>,
    /// Dedicated volume at each provider on day 1 (messages/day), whatever its share.
    pub start: f64,
    /// Daily growth factor of each provider's ramp while healthy (> 1).
    pub growth: f64,
    /// A provider's overflow goes to the shared pool until its ramp covers this share of
    /// its demand; from then on the dedicated IPs carry it all (deferred mail is retried).
    pub pool_until_share: f64,
    /// Thresholds and reactions of each provider's ramp.
    pub health: HealthRules,
}

impl Default for PerProviderParams {
    fn default() -> Self {
        Self { daily_volume: None, start: 250.0, growth: 1.3, pool_until_share: 0.5, health: HealthRules::default() }
    }
}

/// Which strategy to run, with its parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StrategyKind {
    /// Explicit volumes per day or hour, in total or per IP.
    Schedule(ScheduleParams),
    /// Exponential ramp to a target.
    Exponential(ExponentialParams),
    /// Linear ramp to a target.
    Linear(LinearParams),
    /// Ramp driven by observed health.
    Adaptive(AdaptiveParams),
    /// Managed automatic warm-up blending new IPs with the shared pool or warm IPs.
    AutoBlend(AutoBlendParams),
    /// Managed warm-up tracked per provider, overflow to the shared pool.
    PerProvider(PerProviderParams),
}

impl StrategyKind {
    /// The kind's name as written in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            StrategyKind::Schedule(_) => "schedule",
            StrategyKind::Exponential(_) => "exponential",
            StrategyKind::Linear(_) => "linear",
            StrategyKind::Adaptive(_) => "adaptive",
            StrategyKind::AutoBlend(_) => "auto_blend",
            StrategyKind::PerProvider(_) => "per_provider",
        }
    }

    /// Whether the strategy can run on `ips`; otherwise why not (lower case, no final period).
    pub fn check_ips(&self, ips: &[IpSpec]) -> Result<(), String> {
        let has = |f: fn(&IpKind) -> bool| ips.iter().any(|ip| f(&ip.kind));
        let new = has(|k| matches!(k, IpKind::New));
        let partner = has(|k| matches!(k, IpKind::Warm { .. } | IpKind::SharedPool { .. }));
        match self {
            StrategyKind::AutoBlend(_) if !new || !partner => Err(format!(
                "kind `auto_blend` needs a `new` ip and a `warm` or `shared_pool` ip to blend it with, got {}",
                ip_kinds(ips)
            )),
            StrategyKind::PerProvider(_) if !ips.iter().any(IpSpec::is_dedicated) => {
                Err(format!("kind `per_provider` needs a `new` or `warm` ip to warm up, got {}", ip_kinds(ips)))
            }
            _ => Ok(()),
        }
    }
}

/// The kinds of `ips`, for messages: `new, shared_pool`.
fn ip_kinds(ips: &[IpSpec]) -> String {
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

/// A strategy and the audience order it sends in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategySpec {
    /// The strategy.
    pub kind: StrategyKind,
    /// Order through the audience segments.
    pub segment_order: SegmentOrder,
    /// How fast engaged-first widens by day (see [`SegmentSettings`]).
    pub widen_every_days: Option<u32>,
    /// The preset it was built from, if any.
    pub preset: Option<String>,
}

impl StrategySpec {
    /// `kind`, most engaged first, widening as volume grows, no preset.
    pub fn new(kind: StrategyKind) -> Self {
        Self { kind, segment_order: SegmentOrder::EngagedFirst, widen_every_days: None, preset: None }
    }

    /// The audience settings.
    pub fn segments(&self) -> SegmentSettings {
        SegmentSettings { order: self.segment_order, widen_every_days: self.widen_every_days }
    }

    /// `kind` or `preset NAME (kind)`, for messages.
    pub fn label(&self) -> String {
        match &self.preset {
            Some(p) => format!("preset {p} ({})", self.kind.name()),
            None => self.kind.name().to_string(),
        }
    }
}
