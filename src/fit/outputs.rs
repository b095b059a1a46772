//! The CSV files of a fit, each written to the `impl Write` it is given: `posterior.csv`,
//! `posterior_summary.csv`, `diagnostics.csv`, `predictive.csv` and `forecast.csv`. Numbers are
//! written in Rust's shortest round-trip form; a value that is not defined is an empty cell;
//! generation 0's tolerance is `inf`.

use std::io::Write;

use super::Fit;
use super::forecast::Forecast;
use super::predictive::{Band, METRICS};
use crate::model::Prior;

/// Errors while writing a CSV file.
pub type CsvResult = Result<(), csv::Error>;

/// `x`, or an empty cell if it is NaN.
fn num(x: f64) -> String {
    if x.is_nan() { String::new() } else { x.to_string() }
}

/// `posterior.csv`: one row per particle of every generation: `generation, particle, weight,
/// distance`, then one column per parameter (`provider.key`, its value).
pub fn write_posterior(fit: &Fit, out: impl Write) -> CsvResult {
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec!["generation".to_string(), "particle".into(), "weight".into(), "distance".into()];
    header.extend(fit.setup.params.iter().map(|p| p.name()));
    w.write_record(&header)?;
    for g in &fit.outcome.generations {
        for (i, (particle, values)) in g.particles.iter().zip(fit.values(g)).enumerate() {
            let mut record = vec![g.index.to_string(), i.to_string(), num(particle.weight), num(particle.distance)];
            record.extend(values.iter().map(|v| num(*v)));
            w.write_record(&record)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A prior as text: `lognormal(median = 0.1, p90 = 0.2)`.
pub fn describe_prior(prior: &Prior) -> String {
    match *prior {
        Prior::Lognormal { median, p90 } => format!("lognormal(median = {median}, p90 = {p90})"),
        Prior::Uniform { min, max } => format!("uniform(min = {min}, max = {max})"),
        Prior::Normal { mean, sd } => format!("normal(mean = {mean}, sd = {sd})"),
        Prior::Beta { mean, sd } => format!("beta(mean = {mean}, sd = {sd})"),
    }
}

/// `posterior_summary.csv`: per parameter, the posterior's weighted median and 90% interval
/// beside the prior's, and the prior with where it came from.
pub fn write_summary(fit: &Fit, out: impl Write) -> CsvResult {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "parameter",
        "median",
        "p5",
        "p95",
        "prior_median",
        "prior_p5",
        "prior_p95",
        "prior",
        "prior_source",
    ])?;
    for (s, p) in fit.summary().iter().zip(&fit.setup.params) {
        w.write_record([
            s.name.clone(),
            num(s.median),
            num(s.p5),
            num(s.p95),
            num(s.prior_median),
            num(s.prior_p5),
            num(s.prior_p95),
            describe_prior(&p.prior),
            p.source.as_str().to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// `diagnostics.csv`: per generation, its tolerance, acceptance rate, effective sample size and
/// simulations.
pub fn write_diagnostics(fit: &Fit, out: impl Write) -> CsvResult {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["generation", "epsilon", "acceptance_rate", "ess", "simulations"])?;
    for g in &fit.outcome.generations {
        w.write_record([
            g.index.to_string(),
            num(g.epsilon),
            num(g.acceptance_rate),
            num(g.ess),
            g.simulations.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// `predictive.csv`: the posterior predictive bands, per provider, metric and day (percent).
pub fn write_predictive(bands: &[Band], out: impl Write) -> CsvResult {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["provider", "metric", "day", "observed", "p5", "p25", "p50", "p75", "p95"])?;
    for b in bands {
        let mut record =
            vec![b.provider.clone(), METRICS[b.metric].name.to_string(), b.day.to_string(), num(b.observed)];
        record.extend(b.quantiles.iter().map(|q| num(*q)));
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// The columns of `forecast.csv`.
pub const FORECAST_COLUMNS: [&str; 14] = [
    "provider",
    "day",
    "date",
    "observed",
    "probability_warm",
    "deferrals_mean",
    "deferrals_p5",
    "deferrals_p95",
    "blocks_mean",
    "blocks_p5",
    "blocks_p95",
    "complaints_mean",
    "complaints_p5",
    "complaints_p95",
];

/// `forecast.csv`: per provider and day, the probability of being warm by then and the
/// expected deferrals, blocks and complaints with their 90% bands.
pub fn write_forecast(forecast: &Forecast, out: impl Write) -> CsvResult {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FORECAST_COLUMNS)?;
    for r in &forecast.rows {
        let mut record = vec![
            r.provider.clone(),
            r.day.to_string(),
            r.date.to_string(),
            r.observed.to_string(),
            num(r.probability_warm),
        ];
        for s in [r.deferrals, r.blocks, r.complaints] {
            record.extend([num(s.mean), num(s.p5), num(s.p95)]);
        }
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}
