//! The provider parameters a fit estimates, their priors, and the space it works in.
//!
//! By default a fit estimates, for each provider present in both the scenario and the data,
//! the four parameters that set the pace of a warm-up ([`DEFAULT_KEYS`]): how fast trust
//! grows, the hourly allowance of an untrusted IP, how fast that allowance grows, and a new
//! IP's trust. `--params provider.key,...` chooses any float parameter of the registry
//! (`model::PROVIDER_PARAMS`) instead.
//!
//! **Priors.** A parameter the scenario gives as a distribution (or one of the shipped priors,
//! `priors = "shipped"`) has that distribution as its prior, truncated to the registry's
//! bounds. A parameter the scenario fixes gets a default prior around its value
//! ([`default_prior`]).
//!
//! **Space.** ABC-SMC works on each parameter's normal score `z = Φ⁻¹(F(θ))`, where `F` is the
//! prior's distribution function truncated to the bounds: there the prior is a standard
//! normal, every real `z` is a value within the bounds (`θ = F⁻¹(Φ(z))`, [`FitParam::value`]),
//! and the Gaussian kernel never proposes outside them, so nothing is rejected for leaving
//! the support.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::bounds::Bounds;
use crate::model::{Prior, ProviderParamSpec, provider_param};
use crate::scenario::Scenario;

/// The parameters fitted per provider unless `--params` says otherwise.
pub const DEFAULT_KEYS: [&str; 4] =
    ["trust_gain_per_day", "base_hourly_allowance", "allowance_growth_untrusted", "initial_trust"];

/// Where a parameter's prior comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorSource {
    /// The scenario's distribution (its own or a shipped prior).
    Scenario,
    /// [`default_prior`] around the scenario's fixed value.
    Default,
}

impl PriorSource {
    /// `scenario` or `default`, as outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            PriorSource::Scenario => "scenario",
            PriorSource::Default => "default",
        }
    }
}

/// One parameter of one provider, with its prior.
#[derive(Debug, Clone)]
pub struct FitParam {
    /// Index of the provider in the scenario.
    pub provider: usize,
    /// The provider's name.
    pub provider_name: String,
    /// The registry's line.
    pub spec: &'static ProviderParamSpec,
    /// Its prior (truncated to `spec.bounds` wherever it is used).
    pub prior: Prior,
    /// Where the prior comes from.
    pub source: PriorSource,
}

impl FitParam {
    /// `provider.key`, as outputs name it.
    pub fn name(&self) -> String {
        format!("{}.{}", self.provider_name, self.spec.key)
    }

    /// The value of normal score `z`: `F⁻¹(Φ(z))`, within the bounds.
    pub fn value(&self, z: f64) -> f64 {
        self.prior_quantile(standard_normal_cdf(z).clamp(1e-15, 1.0 - 1e-15))
    }

    /// The prior's `q` quantile, truncated to the bounds.
    pub fn prior_quantile(&self, q: f64) -> f64 {
        self.prior.quantile(q, self.spec.bounds)
    }
}

/// `Φ(z)`.
fn standard_normal_cdf(z: f64) -> f64 {
    Normal::standard().cdf(z)
}

/// The default prior of a parameter fixed at `value` within `bounds`, wide enough to be
/// corrected by a few days of data and centred on the scenario's value:
/// - within `[0, 1]` (trusts, rates): a beta of mean `value` (kept in [0.01, 0.99]) and
///   standard deviation `√(m (1 − m) / 9)` (a beta of `a + b = 8`);
/// - positive with no upper bound (allowances, memories): a lognormal of median `value` and
///   90% quantile twice it;
/// - with a positive lower bound `m` (growth factors, `>= 1`): a normal of mean `value` and
///   standard deviation half the distance to `m` (at least 5% of `value`), truncated;
/// - otherwise a normal of mean `value` and standard deviation `max(|value| / 2, 0.1)`.
pub fn default_prior(value: f64, bounds: Bounds) -> Prior {
    let low = bounds.min.map(|m| m.value);
    let high = bounds.max.map(|m| m.value);
    match (low, high) {
        (Some(l), Some(h)) if l >= 0.0 && h <= 1.0 => {
            let mean = value.clamp(0.01, 0.99);
            Prior::Beta { mean, sd: (mean * (1.0 - mean) / 9.0).sqrt() }
        }
        (Some(l), None) if l == 0.0 && value > 0.0 => Prior::Lognormal { median: value, p90: 2.0 * value },
        (Some(l), None) if l > 0.0 && value > l => {
            Prior::Normal { mean: value, sd: ((value - l) / 2.0).max(0.05 * value) }
        }
        _ => Prior::Normal { mean: value, sd: (value.abs() / 2.0).max(0.1) },
    }
}

/// The parameters to fit in `scenario`: `requested` (`provider.key` names) or, if `None`,
/// [`DEFAULT_KEYS`] of every provider of `observed_providers` (scenario indices); in
/// provider then registry order. Every problem, as messages.
pub fn choose(
    scenario: &Scenario,
    observed_providers: &[usize],
    requested: Option<&[String]>,
) -> Result<Vec<FitParam>, Vec<String>> {
    let mut wanted: Vec<(usize, &'static ProviderParamSpec)> = Vec::new();
    let mut problems = Vec::new();
    match requested {
        None => {
            for &provider in observed_providers {
                wanted.extend(DEFAULT_KEYS.iter().filter_map(|k| provider_param(k)).map(|s| (provider, s)));
            }
        }
        Some(names) => {
            for name in names {
                match parse_name(scenario, observed_providers, name) {
                    Ok((p, spec)) if wanted.iter().any(|(q, s)| *q == p && s.key == spec.key) => {
                        problems.push(format!("`{name}` is given twice"))
                    }
                    Ok(pair) => wanted.push(pair),
                    Err(message) => problems.push(message),
                }
            }
        }
    }
    if wanted.is_empty() && problems.is_empty() {
        problems.push("no parameter to fit: no provider of the scenario has observed data".to_string());
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let order = |key: &str| crate::model::PROVIDER_PARAMS.iter().position(|s| s.key == key).unwrap_or(usize::MAX);
    wanted.sort_by_key(|(p, s)| (*p, order(s.key)));
    Ok(wanted
        .into_iter()
        .map(|(provider, spec)| {
            let p = &scenario.providers[provider];
            let own = p.priors.iter().find(|q| q.key == spec.key).map(|q| q.prior);
            let (prior, source) = match own {
                Some(prior) => (prior, PriorSource::Scenario),
                None => (default_prior((spec.get)(p), spec.bounds), PriorSource::Default),
            };
            FitParam { provider, provider_name: p.name.clone(), spec, prior, source }
        })
        .collect())
}

/// `provider.key` of a `--params` list, checked against the scenario, the data and the registry.
fn parse_name(
    scenario: &Scenario,
    observed_providers: &[usize],
    name: &str,
) -> Result<(usize, &'static ProviderParamSpec), String> {
    let Some((provider, key)) = name.trim().split_once('.') else {
        return Err(format!("`{name}`: expected PROVIDER.KEY, such as gmail.trust_gain_per_day"));
    };
    let names: Vec<&str> = scenario.providers.iter().map(|p| p.name.as_str()).collect();
    let Some(index) = names.iter().position(|n| *n == provider) else {
        return Err(format!("`{name}`: no provider `{provider}` in the scenario (it has {})", names.join(", ")));
    };
    if !observed_providers.contains(&index) {
        return Err(format!("`{name}`: the data have no row of provider `{provider}`"));
    }
    let spec = provider_param(key).ok_or_else(|| {
        let suggestion = crate::model::PROVIDER_PARAMS
            .iter()
            .map(|s| (strsim::jaro_winkler(s.key, key), s.key))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(score, _)| *score > 0.8)
            .map(|(_, k)| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        format!("`{name}`: no provider parameter `{key}`{suggestion}")
    })?;
    Ok((index, spec))
}

/// The 90% quantile of the standard normal distribution (as `model::prior` has it).
const Z90: f64 = 1.281_551_565_544_600_4;

/// The ratio of a lognormal's 90% quantile to its median below which a fitted distribution
/// is raised to it (the ratio must stay above 1, after rounding to 4 digits, to validate).
const MIN_P90_RATIO: f64 = 1.001;

/// The distribution written into `fitted.toml` for a posterior of `median`, 90% quantile
/// `p90`, `mean` and standard deviation `sd` of a parameter within `bounds`:
/// - within `[0, 1]`: a beta with the posterior's mean and standard deviation (moments);
/// - positive with no upper bound: a lognormal with the posterior's median and 90% quantile;
/// - otherwise a normal of mean the median and standard deviation `(p90 − median) / z90`.
pub fn fitted_distribution(median: f64, p90: f64, mean: f64, sd: f64, bounds: Bounds) -> Prior {
    let low = bounds.min.map(|m| m.value);
    let high = bounds.max.map(|m| m.value);
    match (low, high) {
        (Some(l), Some(h)) if l >= 0.0 && h <= 1.0 => {
            let mean = mean.clamp(1e-4, 1.0 - 1e-4);
            let limit = (mean * (1.0 - mean)).sqrt();
            Prior::Beta { mean, sd: sd.clamp(limit * 1e-3, limit * 0.99) }
        }
        (Some(l), None) if l == 0.0 && median > 0.0 => {
            Prior::Lognormal { median, p90: p90.max(median * MIN_P90_RATIO) }
        }
        _ => Prior::Normal { mean: median, sd: ((p90 - median) / Z90).max(median.abs() * 1e-6).max(1e-9) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_scores_map_onto_the_prior_within_the_bounds() {
        let spec = provider_param("trust_gain_per_day").expect("key");
        let p = FitParam {
            provider: 0,
            provider_name: "gmail".into(),
            spec,
            prior: Prior::Lognormal { median: 0.1, p90: 0.2 },
            source: PriorSource::Scenario,
        };
        assert!((p.value(0.0) - 0.1).abs() < 1e-6);
        assert!((p.value(Z90) - 0.2).abs() < 1e-4);
        for z in [-40.0, -8.0, 8.0, 40.0] {
            assert!(spec.bounds.contains(p.value(z)), "{z}");
        }
        assert!(p.value(-1.0) < p.value(0.0) && p.value(0.0) < p.value(1.0));
        assert_eq!(p.name(), "gmail.trust_gain_per_day");
    }

    #[test]
    fn default_priors_centre_on_the_value_and_respect_the_bounds() {
        for (key, value) in
            [("initial_trust", 0.3), ("base_hourly_allowance", 200.0), ("allowance_growth_untrusted", 1.5)]
        {
            let spec = provider_param(key).expect("key");
            let prior = default_prior(value, spec.bounds);
            let median = prior.quantile(0.5, spec.bounds);
            assert!((median / value - 1.0).abs() < 0.15, "{key}: {median}");
            let (lo, hi) = (prior.quantile(0.05, spec.bounds), prior.quantile(0.95, spec.bounds));
            assert!(lo < value && value < hi && spec.bounds.contains(lo) && spec.bounds.contains(hi), "{key}");
        }
    }

    #[test]
    fn fitted_distributions_keep_the_posterior_quantiles() {
        let b = provider_param("base_hourly_allowance").expect("key").bounds;
        let d = fitted_distribution(150.0, 180.0, 152.0, 20.0, b);
        assert_eq!(d, Prior::Lognormal { median: 150.0, p90: 180.0 });
        let b = provider_param("allowance_growth_untrusted").expect("key").bounds;
        let d = fitted_distribution(1.5, 1.6, 1.5, 0.08, b);
        assert!((d.quantile(0.9, b) - 1.6).abs() < 1e-3, "{d:?}");
        let b = provider_param("initial_trust").expect("key").bounds;
        let Prior::Beta { mean, sd } = fitted_distribution(0.3, 0.35, 0.31, 0.9, b) else { panic!("a beta") };
        assert!(mean == 0.31 && sd * sd < mean * (1.0 - mean));
    }
}
