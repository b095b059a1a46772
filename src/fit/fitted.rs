//! `fitted.toml`: the base scenario with each fitted parameter replaced by a distribution
//! fitted to its posterior (`params::fitted_distribution`: a beta by moments within [0, 1], a
//! lognormal through the median and 90% quantile for a positive parameter, else a normal), so
//! that `ipwarm run`, `sweep` and `compare` draw each run's provider from what the data say.
//!
//! Only the marginals are kept: the posterior's correlations between parameters (a faster
//! trust with a smaller allowance, say) are lost. The scenario still starts from day 1 of a
//! new IP; the fitted providers are the ones the data describe, not their state on the last
//! observed day. The text is checked to parse into a valid scenario before it is returned.

use super::Fit;
use super::params::fitted_distribution;
use crate::model::Prior;

/// Rounds `x` to 4 significant digits.
fn round4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// The distribution table of `prior`, its numbers rounded to 4 significant digits.
fn table_of(prior: &Prior) -> toml::Table {
    let (a, b) = match *prior {
        Prior::Lognormal { median, p90 } => (("median", median), ("p90", p90)),
        Prior::Uniform { min, max } => (("min", min), ("max", max)),
        Prior::Normal { mean, sd } | Prior::Beta { mean, sd } => (("mean", mean), ("sd", sd)),
    };
    let mut t = toml::Table::new();
    t.insert("dist".into(), toml::Value::String(prior.name().into()));
    t.insert(a.0.into(), toml::Value::Float(round4(a.1)));
    t.insert(b.0.into(), toml::Value::Float(round4(b.1)));
    t
}

/// The text of `fitted.toml` from the base scenario's text `base_text` (named `origin` in its
/// comment) and the fit; an error message if the result would not be a valid scenario.
pub fn fitted_toml(base_text: &str, origin: &str, data_name: &str, fit: &Fit) -> Result<String, String> {
    let mut doc: toml::Table = toml::from_str(base_text).map_err(|e| format!("cannot read the base scenario: {e}"))?;
    let summary = fit.summary();
    let providers = doc
        .entry("providers")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
        .ok_or("the base scenario's `providers` is not a table")?;
    for (param, s) in fit.setup.params.iter().zip(&summary) {
        let table = providers
            .entry(param.provider_name.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .ok_or_else(|| format!("the base scenario's `providers.{}` is not a table", param.provider_name))?;
        let prior = fitted_distribution(s.median, s.p90, s.mean, s.sd, param.spec.bounds);
        table.insert(param.spec.key.into(), toml::Value::Table(table_of(&prior)));
    }
    let name = doc.get("name").and_then(toml::Value::as_str).unwrap_or("scenario").to_string();
    let fitted_name: String = format!("{name}-fitted").chars().take(crate::scenario::MAX_NAME_CHARS).collect();
    doc.insert("name".into(), toml::Value::String(fitted_name));
    let body = toml::to_string(&doc).map_err(|e| format!("cannot write the fitted scenario: {e}"))?;
    let names: Vec<String> = fit.setup.params.iter().map(|p| p.name()).collect();
    let text = format!(
        "# The scenario {origin} with provider parameters fitted to {data_name} ({} to {}, {} days)\n\
         # by ipwarm {} fit: {}.\n\
         # Each is a distribution fitted to its posterior marginal (posterior_summary.csv); the\n\
         # comments of the base scenario are not kept.\n\n{body}",
        fit.setup.data.start,
        fit.setup.data.start.plus_days(i64::from(fit.setup.data.n_days) - 1),
        fit.setup.data.n_days,
        crate::VERSION,
        names.join(", "),
    );
    crate::scenario::parse(&text, "fitted.toml").map_err(|e| format!("the fitted scenario is not valid: {e}"))?;
    Ok(text)
}
