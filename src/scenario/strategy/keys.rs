//! Which `[strategy]` keys each kind takes, and the report of those it does not.

use super::super::check::Ctx;
use super::super::path::KeyPath;
use super::super::raw::RawStrategy;

/// Keys every kind takes.
const COMMON: [&str; 3] = ["kind", "segment_order", "widen_every_days"];
/// The health thresholds of `adaptive` and `per_provider`.
pub(super) const HEALTH: [&str; 10] = [
    "min_delivery_rate",
    "min_open_rate",
    "max_bounce_rate",
    "max_complaint_rate",
    "max_deferral_rate",
    "backoff_deferral_rate",
    "backoff_block_rate",
    "cut_factor",
    "recovery_growth",
    "window_days",
];
/// A schedule's own table, which a preset fixes.
const TABLE: [&str; 3] = ["daily_volumes", "hourly_volumes", "volume_per"];

/// The parameters of kind `kind`, common keys aside.
fn own_keys(kind: &str) -> Vec<&'static str> {
    let (own, health): (&[&'static str], bool) = match kind {
        "schedule" => (
            &["daily_volumes", "hourly_volumes", "volume_per", "after", "after_growth", "after_every_days", "target"],
            false,
        ),
        "exponential" => (&["start", "growth", "target"], false),
        "linear" => (&["start", "target", "ramp_days"], false),
        "adaptive" => (&["start", "growth", "target", "scope"], true),
        "auto_blend" => (&["daily_volume", "blend", "blend_days", "start_share", "warmup_volume"], false),
        "per_provider" => (&["daily_volume", "start", "growth", "pool_until_share"], true),
        _ => (&[], false),
    };
    let mut keys = own.to_vec();
    if health {
        keys.extend(HEALTH);
    }
    keys
}

/// Every key of `raw` with whether it is present, in the order of the raw type.
fn present(raw: &RawStrategy) -> [(&'static str, bool); 31] {
    [
        ("kind", raw.kind.is_some()),
        ("name", raw.name.is_some()),
        ("segment_order", raw.segment_order.is_some()),
        ("widen_every_days", raw.widen_every_days.is_some()),
        ("start", raw.start.is_some()),
        ("growth", raw.growth.is_some()),
        ("target", raw.target.is_some()),
        ("ramp_days", raw.ramp_days.is_some()),
        ("daily_volumes", raw.daily_volumes.is_some()),
        ("hourly_volumes", raw.hourly_volumes.is_some()),
        ("volume_per", raw.volume_per.is_some()),
        ("after", raw.after.is_some()),
        ("after_growth", raw.after_growth.is_some()),
        ("after_every_days", raw.after_every_days.is_some()),
        ("scope", raw.scope.is_some()),
        ("min_delivery_rate", raw.min_delivery_rate.is_some()),
        ("min_open_rate", raw.min_open_rate.is_some()),
        ("max_bounce_rate", raw.max_bounce_rate.is_some()),
        ("max_complaint_rate", raw.max_complaint_rate.is_some()),
        ("max_deferral_rate", raw.max_deferral_rate.is_some()),
        ("backoff_deferral_rate", raw.backoff_deferral_rate.is_some()),
        ("backoff_block_rate", raw.backoff_block_rate.is_some()),
        ("cut_factor", raw.cut_factor.is_some()),
        ("recovery_growth", raw.recovery_growth.is_some()),
        ("window_days", raw.window_days.is_some()),
        ("daily_volume", raw.daily_volume.is_some()),
        ("blend", raw.blend.is_some()),
        ("blend_days", raw.blend_days.is_some()),
        ("start_share", raw.start_share.is_some()),
        ("warmup_volume", raw.warmup_volume.is_some()),
        ("pool_until_share", raw.pool_until_share.is_some()),
    ]
}

/// Reports the keys of `raw` that kind `kind` (or preset `preset` of that kind) does not take.
pub(super) fn check(ctx: &mut Ctx<'_>, raw: &RawStrategy, table: &KeyPath, kind: &str, preset: Option<&str>) {
    let own = own_keys(kind);
    for (key, is_present) in present(raw) {
        if !is_present || COMMON.contains(&key) {
            continue;
        }
        let message = match preset {
            Some(p) if TABLE.contains(&key) => {
                format!("cannot be changed in preset `{p}`: copy its table into kind = \"schedule\" instead")
            }
            Some(_) if key == "name" => continue,
            None if key == "name" => "only used with kind = \"preset\"".to_string(),
            Some(p) if !own.contains(&key) => format!("not a parameter of preset `{p}` (kind `{kind}`)"),
            None if !own.contains(&key) => format!("not a parameter of kind `{kind}`"),
            _ => continue,
        };
        ctx.report_key(&table.key(key), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::keys::known_keys;

    #[test]
    fn every_raw_key_is_listed_once_and_every_kind_key_exists() {
        let names: Vec<&str> = present(&RawStrategy::default()).iter().map(|(k, _)| *k).collect();
        assert_eq!(names, known_keys(&KeyPath::root().key("strategy")));
        for kind in ["schedule", "exponential", "linear", "adaptive", "auto_blend", "per_provider"] {
            assert!(own_keys(kind).iter().all(|k| names.contains(k)), "{kind}");
        }
    }
}
