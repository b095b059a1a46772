//! The catalogue of strategies: every kind with its parameters and defaults,
//! and every preset, as data for `ipwarm strategies`; and the lookup of a
//! strategy by name for `ipwarm run --strategy NAME`.
//!
//! Defaults are printed from the parameter structs' `Default` values, so the
//! catalogue cannot drift from the code.

use super::presets::{PRESETS, preset};
use super::{
    AdaptiveParams, AutoBlendParams, DEFAULT_BLEND_DAYS, DEFAULT_START_SHARE, DEFAULT_WARMUP_VOLUME, ExponentialParams,
    HealthRules, LinearParams, PerProviderParams, StrategyKind,
};

/// One parameter of a strategy kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamDoc {
    /// Key in the `[strategy]` table.
    pub key: &'static str,
    /// Default value as written in a scenario file, or why there is none.
    pub default: String,
    /// What it means, with its unit.
    pub meaning: &'static str,
}

/// One strategy kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindDoc {
    /// `kind = ...` in scenario files.
    pub name: &'static str,
    /// What it does, in one line.
    pub summary: &'static str,
    /// Its own parameters (the audience settings of [`audience_params`] come on top).
    pub params: Vec<ParamDoc>,
}

fn param(key: &'static str, default: impl ToString, meaning: &'static str) -> ParamDoc {
    ParamDoc { key, default: default.to_string(), meaning }
}

/// `target`/`daily_volume` defaults: the list size.
const LIST_SIZE: &str = "the list size";

/// The audience settings every strategy takes.
pub fn audience_params() -> Vec<ParamDoc> {
    vec![
        param(
            "segment_order",
            "\"engaged_first\"",
            "\"engaged_first\", \"random\" or \"proportional\" (docs/MODEL.md, section 5)",
        ),
        param("widen_every_days", "none", "engaged_first: days per widening step (none: widen as volume grows)"),
    ]
}

/// The health thresholds of `adaptive` and `per_provider`.
fn health_params() -> Vec<ParamDoc> {
    let h = HealthRules::default();
    vec![
        param("min_delivery_rate", h.min_delivery_rate, "hold at or below this delivered share"),
        param("min_open_rate", h.min_open_rate, "hold below this open rate"),
        param("max_bounce_rate", h.max_bounce_rate, "hold above this hard-bounce rate"),
        param("max_complaint_rate", h.max_complaint_rate, "hold above this complaint rate"),
        param("max_deferral_rate", h.max_deferral_rate, "hold above this share of 4xx replies (last day)"),
        param("backoff_deferral_rate", h.backoff_deferral_rate, "back off at this share of 4xx replies (last day)"),
        param("backoff_block_rate", h.backoff_block_rate, "back off at this share of 5xx blocks (last day)"),
        param("cut_factor", h.cut_factor, "volume multiplier when backing off"),
        param("recovery_growth", h.recovery_growth, "daily growth while regaining the volume lost in a back-off"),
        param("window_days", h.window_days, "days over which delivery, opens, bounces and complaints are judged"),
    ]
}

/// Every strategy kind, with its parameters and defaults.
pub fn kinds() -> Vec<KindDoc> {
    let (e, l, a, pp) = (
        ExponentialParams::default(),
        LinearParams::default(),
        AdaptiveParams::default(),
        PerProviderParams::default(),
    );
    let mut adaptive = vec![
        param("start", a.start, "total messages/day on day 1"),
        param("growth", a.growth, "daily growth while healthy"),
        param("target", LIST_SIZE, "messages/day at which growth stops"),
        param("scope", "\"per_provider\"", "\"per_provider\" (a ramp per provider) or \"global\""),
    ];
    adaptive.extend(health_params());
    let mut per_provider = vec![
        param("daily_volume", LIST_SIZE, "messages/day the sender sends whatever the warm-up"),
        param("start", pp.start, "dedicated messages/day at each provider on day 1"),
        param("growth", pp.growth, "daily growth of each provider's ramp while healthy"),
        param("pool_until_share", pp.pool_until_share, "overflow to the shared pool until a ramp covers this share"),
    ];
    per_provider.extend(health_params());
    vec![
        KindDoc {
            name: "schedule",
            summary: "an explicit table of volumes, then hold or keep growing",
            params: vec![
                param("daily_volumes", "required (or hourly_volumes)", "messages per day, day 1 first"),
                param("hourly_volumes", "-", "instead of daily_volumes: messages per active hour"),
                param("volume_per", "\"total\"", "\"total\" (over all IPs) or \"ip\" (each dedicated IP)"),
                param("after", "\"hold\"", "after the table: \"hold\" or \"grow\""),
                param("after_growth", "-", "with after = \"grow\": growth factor per step"),
                param("after_every_days", 1, "with after = \"grow\": days per step"),
                param("target", "none", "largest messages/day (in the table's scope)"),
            ],
        },
        KindDoc {
            name: "exponential",
            summary: "start x growth^(day-1) messages a day up to a target",
            params: vec![
                param("start", e.start, "messages/day on day 1"),
                param("growth", e.growth, "daily growth factor"),
                param("target", LIST_SIZE, "messages/day at which growth stops"),
            ],
        },
        KindDoc {
            name: "linear",
            summary: "equal daily steps from start to a target",
            params: vec![
                param("start", l.start, "messages/day on day 1"),
                param("target", LIST_SIZE, "messages/day reached on day ramp_days"),
                param("ramp_days", l.ramp_days, "day on which the target is reached"),
            ],
        },
        KindDoc {
            name: "adaptive",
            summary: "ramps while delivery, opens, bounces, complaints and 4xx/5xx replies look healthy; holds or backs off",
            params: adaptive,
        },
        KindDoc {
            name: "auto_blend",
            summary: "the whole demand every day, the new IPs' share rising (blended with the shared pool or warm IPs)",
            params: vec![
                param("daily_volume", LIST_SIZE, "messages/day the sender sends whatever the warm-up"),
                param(
                    "blend",
                    "\"time\"",
                    "\"time\" (share = day / blend_days) or \"volume\" (share grows with accepted mail)",
                ),
                param("blend_days", DEFAULT_BLEND_DAYS, "time: days to a full share"),
                param("start_share", DEFAULT_START_SHARE, "volume: share on day 1"),
                param(
                    "warmup_volume",
                    DEFAULT_WARMUP_VOLUME,
                    "volume: accepted messages on the new IPs that complete the warm-up",
                ),
            ],
        },
        KindDoc {
            name: "per_provider",
            summary: "a ramp per provider on the dedicated IPs; overflow to the shared pool early, queued later",
            params: per_provider,
        },
    ]
}

/// Every name `--strategy` accepts: the kinds with defaults for every parameter, then the presets.
pub fn names() -> Vec<&'static str> {
    let mut names = vec!["exponential", "linear", "adaptive", "auto_blend", "per_provider"];
    names.extend(PRESETS.iter().map(|p| p.name));
    names
}

/// Why a strategy name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No kind or preset has this name.
    #[error("unknown strategy `{name}`, expected one of {}", quoted(&names()))]
    Unknown {
        /// The name given.
        name: String,
    },
    /// A kind that has a required parameter.
    #[error("strategy kind `schedule` needs its table of volumes: write it in a scenario file, or use a preset: {}", quoted(&PRESETS.iter().map(|p| p.name).collect::<Vec<_>>()))]
    NeedsTable,
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The strategy called `name` with its defaults, and the preset name if it is one.
pub fn by_name(name: &str) -> Result<(StrategyKind, Option<&'static str>), NameError> {
    let kind = match name {
        "exponential" => StrategyKind::Exponential(ExponentialParams::default()),
        "linear" => StrategyKind::Linear(LinearParams::default()),
        "adaptive" => StrategyKind::Adaptive(AdaptiveParams::default()),
        "auto_blend" => StrategyKind::AutoBlend(AutoBlendParams::default()),
        "per_provider" => StrategyKind::PerProvider(PerProviderParams::default()),
        "schedule" => return Err(NameError::NeedsTable),
        _ => {
            let p = preset(name).ok_or_else(|| NameError::Unknown { name: name.to_string() })?;
            return Ok((p.kind(), Some(p.name)));
        }
    };
    Ok((kind, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_resolves_and_others_do_not() {
        for name in names() {
            let (kind, preset) = by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(preset.is_some(), kind.name() != name, "{name}");
        }
        assert_eq!(by_name("schedule"), Err(NameError::NeedsTable));
        let e = by_name("adaptiv").unwrap_err().to_string();
        assert!(e.starts_with("unknown strategy `adaptiv`, expected one of `exponential`, `linear`"), "{e}");
        assert!(e.contains("`ses_auto`"), "{e}");
    }

    #[test]
    fn every_kind_is_documented_with_defaults() {
        let docs = kinds();
        let names: Vec<&str> = docs.iter().map(|k| k.name).collect();
        assert_eq!(names, ["schedule", "exponential", "linear", "adaptive", "auto_blend", "per_provider"]);
        let adaptive = &docs[3].params;
        let cut = adaptive.iter().find(|p| p.key == "cut_factor").map(|p| p.default.as_str());
        assert_eq!(cut, Some("0.5"));
        assert!(docs.iter().all(|k| k.params.iter().all(|p| !p.meaning.is_empty() && !p.default.is_empty())));
    }
}
