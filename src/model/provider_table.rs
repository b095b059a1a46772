//! The registry of provider parameters: every `f64` field of
//! [`ProviderParams`] as one [`ProviderParamSpec`] line (key, bounds,
//! accessors, doc), in [`PROVIDER_PARAMS`].
//!
//! Everything that enumerates provider parameters reads this table: the
//! overrides of a `[providers.NAME]` table (`scenario::overrides`), the keys
//! and JSON Schema of that table, the distributions a parameter may be drawn
//! from and the order they are drawn in (`sim::variation`), the shipped
//! priors. A new float parameter is a field of [`ProviderParams`] (with its
//! default), one line here and its line in docs/MODEL.md; a test fails if a
//! field is missing here.

use super::ProviderParams;
use crate::bounds::Bounds;

/// One float parameter of a provider.
#[derive(Clone, Copy)]
pub struct ProviderParamSpec {
    /// Its key in a `[providers.NAME]` table, the field's name.
    pub key: &'static str,
    /// The values it accepts.
    pub bounds: Bounds,
    /// Its value in `p`.
    pub get: fn(p: &ProviderParams) -> f64,
    /// Its field in `p`.
    pub get_mut: fn(p: &mut ProviderParams) -> &mut f64,
    /// What it is, with its unit (shown in the JSON Schema).
    pub doc: &'static str,
}

impl std::fmt::Debug for ProviderParamSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderParamSpec").field("key", &self.key).field("bounds", &self.bounds).finish()
    }
}

/// One registry line: the field `$field`, its bounds and its doc.
macro_rules! param {
    ($field:ident, $bounds:expr, $doc:expr) => {
        ProviderParamSpec {
            key: stringify!($field),
            bounds: $bounds,
            get: |p| p.$field,
            get_mut: |p| &mut p.$field,
            doc: $doc,
        }
    };
}

/// Every float parameter of a provider, in the order of [`ProviderParams`]'
/// fields (the order of draws, of outputs and of the JSON Schema).
pub const PROVIDER_PARAMS: &[ProviderParamSpec] = &[
    param!(initial_trust, Bounds::UNIT, "Trust of a never-seen IP"),
    param!(trust_gain_per_day, Bounds::UNIT, "Trust gained per day of healthy sending"),
    param!(notice_volume_per_day, Bounds::POSITIVE, "Messages/day for full volume credit; below it an IP cools down"),
    param!(base_hourly_allowance, Bounds::POSITIVE, "Messages/hour accepted from an untrusted IP"),
    param!(allowance_growth_untrusted, Bounds::at_least(1.0), "Daily growth of the allowance at trust 0"),
    param!(
        allowance_growth_trusted,
        Bounds::at_least(1.0),
        "Daily growth of the allowance at trust 1, >= allowance_growth_untrusted"
    ),
    param!(recent_memory_days, Bounds::POSITIVE, "Memory of the recent sending pattern (days)"),
    param!(history_memory_days, Bounds::POSITIVE, "Memory of the long history of accepted volume (days)"),
    param!(idle_decay_days, Bounds::POSITIVE, "Time constant of cooling down (days)"),
    param!(cooling_grace_days, Bounds::NON_NEG, "Low-volume days an IP keeps its trust before cooling down (days)"),
    param!(inbox_logit_intercept, Bounds::ANY, "Inbox placement: logit intercept"),
    param!(inbox_logit_trust_slope, Bounds::NON_NEG, "Inbox placement: logit slope per unit of trust"),
    param!(engagement_weight, Bounds::NON_NEG, "Weight of engagement (opens) in placement and reputation"),
    param!(complaint_warn_rate, Bounds::UNIT, "Complaint rate of the warning line"),
    param!(complaint_severe_rate, Bounds::UNIT, "Complaint rate of the severe line, >= complaint_warn_rate"),
    param!(bounce_warn_rate, Bounds::UNIT, "Bounce rate of the warning line"),
    param!(complaint_penalty, Bounds::NON_NEG, "Trust penalty per multiple of the warning complaint rate"),
    param!(severe_complaint_penalty, Bounds::NON_NEG, "Trust penalty per multiple of the severe complaint rate"),
    param!(bounce_penalty, Bounds::NON_NEG, "Trust penalty per multiple of the bounce line"),
    param!(trap_penalty_per_hit, Bounds::NON_NEG, "Trust penalty per spam trap hit"),
    param!(block_penalty, Bounds::NON_NEG, "Trust penalty times the day's block share"),
    param!(spike_ratio, Bounds::above(1.0), "Volume over recent volume that counts as a spike"),
    param!(spike_penalty, Bounds::NON_NEG, "Trust penalty per doubling beyond the spike line"),
    param!(pressure_memory_days, Bounds::POSITIVE, "Memory of the deferral pressure (days)"),
    param!(pressure_tolerance, Bounds::UNIT, "Share of a day's attempts deferred that adds no pressure"),
    param!(pressure_penalty, Bounds::NON_NEG, "Trust penalty per day per unit of deferral pressure"),
    param!(pressure_escalation, Bounds::POSITIVE, "Deferral pressure above which the provider escalates to blocks"),
    param!(escalation_block_rate, Bounds::UNIT, "Extra block share at twice the escalation pressure"),
    param!(block_trust_threshold, Bounds::UNIT, "Mail is blocked below this trust"),
    param!(block_max_rate, Bounds::UNIT, "Share of mail blocked at trust 0"),
    param!(complaint_block_rate, Bounds::UNIT, "Extra block share per multiple of the severe complaint rate"),
    param!(junk_open_factor, Bounds::UNIT, "Opens of junk-placed mail relative to inbox mail"),
];

/// The parameter `key`, if it is one of [`PROVIDER_PARAMS`].
pub fn provider_param(key: &str) -> Option<&'static ProviderParamSpec> {
    PROVIDER_PARAMS.iter().find(|s| s.key == key)
}

/// Pairs of parameters whose second must not be below the first (checked on
/// fixed values by validation, and kept after draws: `sim::variation`).
pub const ORDERED_PARAMS: [(&str, &str); 2] =
    [("allowance_growth_untrusted", "allowance_growth_trusted"), ("complaint_warn_rate", "complaint_severe_rate")];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PRESET_NAMES;

    /// Every number field of the serialised parameters, by name.
    fn numbers(p: &ProviderParams) -> Vec<(String, f64)> {
        let json = serde_json::to_value(p).expect("serialise");
        let obj = json.as_object().expect("an object");
        obj.iter().filter_map(|(k, v)| v.as_f64().map(|x| (k.clone(), x))).collect()
    }

    #[test]
    fn the_registry_lists_every_float_field_once_in_field_order() {
        let p = ProviderParams::preset("gmail").expect("preset");
        let fields: Vec<String> = numbers(&p).into_iter().map(|(k, _)| k).collect();
        let keys: Vec<&str> = PROVIDER_PARAMS.iter().map(|s| s.key).collect();
        let mut sorted_fields = fields.clone();
        sorted_fields.sort();
        let mut sorted_keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        sorted_keys.sort();
        assert_eq!(sorted_keys, sorted_fields, "a float field of ProviderParams is missing from PROVIDER_PARAMS");
        sorted_keys.dedup();
        assert_eq!(sorted_keys.len(), keys.len(), "a key is listed twice");
    }

    #[test]
    fn each_accessor_reads_and_writes_its_own_field_within_bounds() {
        for name in PRESET_NAMES {
            let preset = ProviderParams::preset(name).expect("preset");
            for (i, spec) in PROVIDER_PARAMS.iter().enumerate() {
                let (key, default) = (spec.key, (spec.get)(&preset));
                assert!(spec.bounds.contains(default), "{name}.{key} = {default} is outside its bounds");
                let mut p = preset.clone();
                let marker = 1000.0 + i as f64;
                *(spec.get_mut)(&mut p) = marker;
                assert_eq!((spec.get)(&p), marker, "{key}: get and get_mut disagree");
                let changed: Vec<String> = numbers(&p)
                    .into_iter()
                    .zip(numbers(&preset))
                    .filter(|((_, a), (_, b))| a != b)
                    .map(|((k, _), _)| k)
                    .collect();
                assert_eq!(changed, [key], "{key}'s accessor writes another field");
            }
        }
        assert!(provider_param("spike_ratio").is_some() && provider_param("name").is_none());
        for (low, high) in ORDERED_PARAMS {
            assert!(provider_param(low).is_some() && provider_param(high).is_some());
        }
    }
}
