//! The health rules of the health-driven ramps (`adaptive`, `per_provider`):
//! the thresholds on what the sender observes and how a ramp reacts, declared
//! once as the [`HEALTH`] parameter group. The verdict they give is in
//! `signals`, the reaction in `ramp`.

use serde::Serialize;

use super::param::{Bounds, ParamGroup, ParamSpec};
use super::read::{AllValid, ParamReader};

const MIN_DELIVERY_RATE: ParamSpec = ParamSpec::float(
    "min_delivery_rate",
    0.9,
    Bounds::UNIT,
    "hold when accepted / (accepted + blocked + bounced + expired) is at or below this",
)
.source("[Braze-auto]");
const MIN_OPEN_RATE: ParamSpec =
    ParamSpec::float("min_open_rate", 0.1, Bounds::UNIT, "hold when opens / accepted is below this")
        .source("[Braze-auto]");
const MAX_BOUNCE_RATE: ParamSpec =
    ParamSpec::float("max_bounce_rate", 0.05, Bounds::UNIT, "hold when hard bounces / evaluated is above this")
        .source("[Braze-auto]");
const MAX_COMPLAINT_RATE: ParamSpec =
    ParamSpec::float("max_complaint_rate", 0.001, Bounds::UNIT, "hold when complaints seen / accepted is above this")
        .source("[Braze-auto]");
const MAX_DEFERRAL_RATE: ParamSpec = ParamSpec::float(
    "max_deferral_rate",
    0.05,
    Bounds::UNIT,
    "hold when 4xx replies / attempts on the last day is above this",
);
const BACKOFF_DEFERRAL_RATE: ParamSpec = ParamSpec::float(
    "backoff_deferral_rate",
    0.2,
    Bounds::UNIT,
    "back off when 4xx replies / attempts on the last day reaches this (a burst of throttling)",
);
const BACKOFF_BLOCK_RATE: ParamSpec = ParamSpec::float(
    "backoff_block_rate",
    0.02,
    Bounds::UNIT,
    "back off when 5xx blocks / evaluated on the last day reaches this",
);
const CUT_FACTOR: ParamSpec =
    ParamSpec::float("cut_factor", 0.5, Bounds::above(0.0).below(1.0), "volume multiplier on backing off");
const RECOVERY_GROWTH: ParamSpec = ParamSpec::float(
    "recovery_growth",
    1.1,
    Bounds::at_least(1.0),
    "daily growth while regaining the volume held before a back-off",
)
.source("[iPost]");
const WINDOW_DAYS: ParamSpec = ParamSpec::int(
    "window_days",
    3,
    Bounds::DAYS,
    "days over which delivery, opens, bounces and complaints are judged",
)
.unit("days");

/// The health thresholds, shared by the kinds that take them.
pub const HEALTH: ParamGroup = ParamGroup {
    name: "health thresholds",
    params: &[
        MIN_DELIVERY_RATE,
        MIN_OPEN_RATE,
        MAX_BOUNCE_RATE,
        MAX_COMPLAINT_RATE,
        MAX_DEFERRAL_RATE,
        BACKOFF_DEFERRAL_RATE,
        BACKOFF_BLOCK_RATE,
        CUT_FACTOR,
        RECOVERY_GROWTH,
        WINDOW_DAYS,
    ],
};

/// Thresholds on what the sender observes, and how a ramp reacts to them
/// (each field is the parameter of the same name in the `HEALTH` group).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[allow(missing_docs)]
pub struct HealthRules {
    pub min_delivery_rate: f64,
    pub min_open_rate: f64,
    pub max_bounce_rate: f64,
    pub max_complaint_rate: f64,
    pub max_deferral_rate: f64,
    pub backoff_deferral_rate: f64,
    pub backoff_block_rate: f64,
    pub cut_factor: f64,
    pub recovery_growth: f64,
    pub window_days: u32,
}

impl HealthRules {
    /// Every threshold at its default.
    pub const DEFAULT: Self = Self {
        min_delivery_rate: MIN_DELIVERY_RATE.float_default(),
        min_open_rate: MIN_OPEN_RATE.float_default(),
        max_bounce_rate: MAX_BOUNCE_RATE.float_default(),
        max_complaint_rate: MAX_COMPLAINT_RATE.float_default(),
        max_deferral_rate: MAX_DEFERRAL_RATE.float_default(),
        backoff_deferral_rate: BACKOFF_DEFERRAL_RATE.float_default(),
        backoff_block_rate: BACKOFF_BLOCK_RATE.float_default(),
        cut_factor: CUT_FACTOR.float_default(),
        recovery_growth: RECOVERY_GROWTH.float_default(),
        window_days: WINDOW_DAYS.int_default() as u32,
    };

    /// The thresholds `r` gives over `base`; `None` (recorded) if any is invalid.
    pub fn read(r: &mut dyn ParamReader, base: Self) -> Option<Self> {
        let mut all = AllValid::default();
        let rules = Self {
            min_delivery_rate: all.take(r.float(&MIN_DELIVERY_RATE, base.min_delivery_rate)),
            min_open_rate: all.take(r.float(&MIN_OPEN_RATE, base.min_open_rate)),
            max_bounce_rate: all.take(r.float(&MAX_BOUNCE_RATE, base.max_bounce_rate)),
            max_complaint_rate: all.take(r.float(&MAX_COMPLAINT_RATE, base.max_complaint_rate)),
            max_deferral_rate: all.take(r.float(&MAX_DEFERRAL_RATE, base.max_deferral_rate)),
            backoff_deferral_rate: all.take(r.float(&BACKOFF_DEFERRAL_RATE, base.backoff_deferral_rate)),
            backoff_block_rate: all.take(r.float(&BACKOFF_BLOCK_RATE, base.backoff_block_rate)),
            cut_factor: all.take(r.float(&CUT_FACTOR, base.cut_factor)),
            recovery_growth: all.take(r.float(&RECOVERY_GROWTH, base.recovery_growth)),
            window_days: all.take(r.int(&WINDOW_DAYS, base.window_days)),
        };
        all.then(rules)
    }
}

impl Default for HealthRules {
    fn default() -> Self {
        Self::DEFAULT
    }
}
