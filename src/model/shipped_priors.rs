//! The shipped priors of the provider presets: what `priors = "shipped"` in a
//! `[providers.NAME]` table draws each run, for the parameters that are
//! modelling choices or calibrated rather than published.
//!
//! Each prior is centred on the preset's own value (so recalibrating a preset
//! moves its prior with it) or spans a published range; docs/MODEL.md
//! ("Uncertain provider parameters") gives the table and the reasoning.
//! Published lines (complaint and bounce rates, the Postmaster levels) are
//! not uncertain here: they are what providers state.

use super::ProviderParams;
use super::prior::{ParamPrior, Prior};

/// Ratio of the 90% quantile to the median of the lognormal priors of the
/// calibrated pace (the 10% quantile is the median divided by it). The
/// presets put the fast providers near the short end of the published 2-6
/// weeks and Microsoft near the long end, which leaves little room around
/// each: with this ratio (and the new IP's trust prior) the 5th to 95th
/// percentiles of warm days lie within 10-46 days, to within a day, on the
/// default scenario and three variants (docs/MODEL.md, "Uncertain provider
/// parameters"). The former 1.5 gave 5th percentiles of 7-8 days at the fast
/// providers and left 11% of the default's runs never warm at Microsoft.
pub const PACE_P90_RATIO: f64 = 1.1;
/// Ratio of the 90% quantile to the median of the base allowance's prior.
pub const ALLOWANCE_P90_RATIO: f64 = 1.5;
/// Ratio of the 90% quantile to the median of the penalty sizes' priors.
pub const PENALTY_P90_RATIO: f64 = 2.0;
/// Standard deviation of the engagement weight, relative to the preset's value.
pub const ENGAGEMENT_WEIGHT_CV: f64 = 0.3;
/// Standard deviation of a new IP's trust.
pub const INITIAL_TRUST_SD: f64 = 0.05;

/// The shipped priors of the preset whose parameters are `preset`, in registry order.
pub fn shipped_priors(preset: &ProviderParams) -> Vec<ParamPrior> {
    let lognormal = |median: f64, ratio: f64| Prior::Lognormal { median, p90: median * ratio };
    vec![
        ParamPrior { key: "initial_trust", prior: Prior::Beta { mean: preset.initial_trust, sd: INITIAL_TRUST_SD } },
        ParamPrior { key: "trust_gain_per_day", prior: lognormal(preset.trust_gain_per_day, PACE_P90_RATIO) },
        ParamPrior {
            key: "base_hourly_allowance",
            prior: lognormal(preset.base_hourly_allowance, ALLOWANCE_P90_RATIO),
        },
        ParamPrior { key: "allowance_growth_untrusted", prior: Prior::Uniform { min: 1.4, max: 1.6 } },
        ParamPrior { key: "allowance_growth_trusted", prior: Prior::Uniform { min: 1.8, max: 2.0 } },
        ParamPrior {
            key: "engagement_weight",
            prior: Prior::Normal {
                mean: preset.engagement_weight,
                sd: ENGAGEMENT_WEIGHT_CV * preset.engagement_weight,
            },
        },
        ParamPrior { key: "complaint_penalty", prior: lognormal(preset.complaint_penalty, PENALTY_P90_RATIO) },
        ParamPrior { key: "spike_ratio", prior: Prior::Uniform { min: 2.0, max: 3.0 } },
        ParamPrior { key: "spike_penalty", prior: lognormal(preset.spike_penalty, PENALTY_P90_RATIO) },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PRESET_NAMES, PROVIDER_PARAMS, provider_param};

    #[test]
    fn shipped_priors_are_in_registry_order_centred_and_within_bounds() {
        for name in PRESET_NAMES {
            let preset = ProviderParams::preset(name).expect("preset");
            let priors = shipped_priors(&preset);
            let index = |key: &str| PROVIDER_PARAMS.iter().position(|s| s.key == key).expect("a registry key");
            assert!(priors.windows(2).all(|w| index(w[0].key) < index(w[1].key)), "{name}: not in registry order");
            for p in &priors {
                let spec = provider_param(p.key).expect("registry key");
                for q in [1e-9, 0.1, 0.5, 0.9, 1.0 - 1e-9] {
                    assert!(spec.bounds.contains(p.prior.quantile(q, spec.bounds)), "{name}.{}", p.key);
                }
                let value = (spec.get)(&preset);
                // The preset's value lies within the prior's range (spike_ratio's 2 at its lower end).
                let (low, high) = (p.prior.quantile(1e-9, spec.bounds), p.prior.quantile(1.0 - 1e-9, spec.bounds));
                assert!(low - 1e-6 <= value && value <= high, "{name}.{}: {value} outside the prior", p.key);
            }
        }
    }
}
