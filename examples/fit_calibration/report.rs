//! The calibration study's aggregates and CSV files: `coverage.csv` (the share of 90%
//! intervals holding the truth, with its Clopper-Pearson interval), `ranks.csv` (every case),
//! `rank_counts.csv` (rank histograms with the uniform expectation and its 99% band) and
//! `forecast_error.csv` (warm-day forecasts against the true runs), beside the prior
//! predictive baseline (no data: the median of the true warm days as every forecast).

use std::io::Write;

use ipwarm::observed::Format;
use statrs::distribution::{Beta, ContinuousCDF};
use statrs::function::factorial::ln_binomial;

use super::study::{Case, WarmCase};

/// Bins of the rank histograms.
pub const RANK_BINS: usize = 10;

/// One line of `coverage.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// Format name.
    pub format: String,
    /// `provider.key`.
    pub parameter: String,
    /// Cases.
    pub n: usize,
    /// Cases whose 90% interval holds the truth.
    pub covered: usize,
    /// `covered / n` and its 95% Clopper-Pearson interval.
    pub share: f64,
    /// Lower end.
    pub share_low: f64,
    /// Upper end.
    pub share_high: f64,
    /// Mean width of the posterior's 90% interval over the prior's.
    pub width_ratio: f64,
    /// Rank counts per bin.
    pub rank_counts: Vec<usize>,
}

/// The coverage of every (format, parameter), in format then fit order.
pub fn coverage(cases: &[Case], formats: &[Format]) -> Vec<Coverage> {
    let mut out = Vec::new();
    for &format in formats {
        let of_format: Vec<&Case> = cases.iter().filter(|c| c.format == format).collect();
        let mut names: Vec<&str> = Vec::new();
        for case in &of_format {
            for p in &case.params {
                if !names.contains(&p.name.as_str()) {
                    names.push(&p.name);
                }
            }
        }
        for name in names {
            let params: Vec<_> = of_format.iter().flat_map(|c| c.params.iter().filter(|p| p.name == name)).collect();
            let n = params.len();
            let covered = params.iter().filter(|p| p.p5 <= p.truth && p.truth <= p.p95).count();
            let (share_low, share_high) = clopper_pearson(covered, n, 0.05);
            let width_ratio = params.iter().map(|p| (p.p95 - p.p5) / p.prior_width).sum::<f64>() / n.max(1) as f64;
            let mut rank_counts = vec![0; RANK_BINS];
            for p in &params {
                rank_counts[rank_bin(p.rank, cases_draws(cases))] += 1;
            }
            out.push(Coverage {
                format: format.name().to_string(),
                parameter: name.to_string(),
                n,
                covered,
                share: covered as f64 / n.max(1) as f64,
                share_low,
                share_high,
                width_ratio,
                rank_counts,
            });
        }
    }
    out
}

/// The posterior draws each rank is out of (the largest rank any case could have).
fn cases_draws(cases: &[Case]) -> usize {
    cases.first().map_or(1, |c| c.rank_draws)
}

/// The bin of `rank` in `0..=draws`.
pub fn rank_bin(rank: usize, draws: usize) -> usize {
    (rank * RANK_BINS / (draws + 1)).min(RANK_BINS - 1)
}

/// The `1 − alpha` Clopper-Pearson interval of a binomial share of `k` in `n`.
pub fn clopper_pearson(k: usize, n: usize, alpha: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let quantile = |a: f64, b: f64, p: f64| Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p));
    let low = if k == 0.0 { 0.0 } else { quantile(k, n - k + 1.0, alpha / 2.0) };
    let high = if k == n { 1.0 } else { quantile(k + 1.0, n - k, 1.0 - alpha / 2.0) };
    (low, high)
}

/// The central `1 − alpha` band of a binomial count of `n` trials with probability `p`: the
/// largest `lo` with `P(X < lo) <= alpha/2` and the smallest `hi` with `P(X > hi) <= alpha/2`.
pub fn binomial_band(n: usize, p: f64, alpha: f64) -> (usize, usize) {
    let pmf = |k: usize| (ln_binomial(n as u64, k as u64) + k as f64 * p.ln() + (n - k) as f64 * (-p).ln_1p()).exp();
    let (mut below, mut lo) = (0.0, 0);
    while lo < n && below + pmf(lo) <= alpha / 2.0 {
        below += pmf(lo);
        lo += 1;
    }
    let (mut above, mut hi) = (0.0, n);
    while hi > 0 && above + pmf(hi) <= alpha / 2.0 {
        above += pmf(hi);
        hi -= 1;
    }
    (lo, hi)
}

/// Writes `coverage.csv`.
pub fn write_coverage(rows: &[Coverage], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "format,parameter,n,covered,share,share_low,share_high,width_vs_prior")?;
    for r in rows {
        writeln!(
            out,
            "{},{},{},{},{:.4},{:.4},{:.4},{:.4}",
            r.format, r.parameter, r.n, r.covered, r.share, r.share_low, r.share_high, r.width_ratio
        )?;
    }
    Ok(())
}

/// Writes `ranks.csv`: every (format, warm-up, parameter).
pub fn write_ranks(cases: &[Case], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "format,warmup,parameter,truth,median,p5,p95,covered,rank,draws")?;
    for c in cases {
        for p in &c.params {
            let covered = p.p5 <= p.truth && p.truth <= p.p95;
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{}",
                c.format.name(),
                c.warmup,
                p.name,
                p.truth,
                p.median,
                p.p5,
                p.p95,
                covered,
                p.rank,
                c.rank_draws
            )?;
        }
    }
    Ok(())
}

/// Writes `rank_counts.csv`: per (format, parameter, bin) the count, the uniform expectation
/// and its 99% band.
pub fn write_rank_counts(rows: &[Coverage], draws: usize, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "format,parameter,bin,rank_from,rank_to,count,expected,band_low,band_high")?;
    for r in rows {
        let (lo, hi) = binomial_band(r.n, 1.0 / RANK_BINS as f64, 0.01);
        for (b, count) in r.rank_counts.iter().enumerate() {
            let from = (0..=draws).find(|&k| rank_bin(k, draws) == b).unwrap_or(0);
            let to = (0..=draws).rev().find(|&k| rank_bin(k, draws) == b).unwrap_or(0);
            let expected = r.n as f64 / RANK_BINS as f64;
            writeln!(out, "{},{},{b},{from},{to},{count},{expected},{lo},{hi}", r.format, r.parameter)?;
        }
    }
    Ok(())
}

/// One line of `forecast_error.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastError {
    /// Format name, or `prior` for the baseline without data.
    pub format: String,
    /// Provider.
    pub provider: String,
    /// Cases.
    pub n: usize,
    /// Cases whose true and forecast warm days are both within the horizon.
    pub scored: usize,
    /// Mean of forecast − true warm day over the scored cases (days).
    pub mean_error: f64,
    /// Mean absolute error (days).
    pub mean_abs_error: f64,
    /// Cases whose true warm day lies in the forecast's 90% interval (a day beyond the
    /// horizon counts as later than any day within it).
    pub covered: usize,
    /// Cases not warm within the horizon.
    pub truth_censored: usize,
}

/// `day` or, beyond the horizon, later than any day.
fn or_late(day: Option<u32>) -> u32 {
    day.unwrap_or(u32::MAX)
}

/// The error of each (format, provider)'s forecasts, then the prior baseline per provider.
pub fn forecast_errors(cases: &[Case], formats: &[Format], providers: &[String]) -> Vec<ForecastError> {
    let mut out = Vec::new();
    for &format in formats {
        for provider in providers {
            let warm: Vec<&WarmCase> = cases
                .iter()
                .filter(|c| c.format == format)
                .flat_map(|c| c.warm.iter().filter(|w| &w.provider == provider))
                .collect();
            if !warm.is_empty() {
                out.push(score(format.name(), provider, &warm));
            }
        }
    }
    // The baseline: every warm-up's forecast is the prior predictive distribution of the true
    // warm days (the truths are drawn from the prior), its median and 5%-95% quantiles.
    if let Some(&format) = formats.first() {
        for provider in providers {
            let truths: Vec<Option<u32>> = cases
                .iter()
                .filter(|c| c.format == format)
                .flat_map(|c| c.warm.iter().filter(|w| &w.provider == provider).map(|w| w.truth))
                .collect();
            if truths.is_empty() {
                continue;
            }
            let mut sorted: Vec<u32> = truths.iter().map(|&t| or_late(t)).collect();
            sorted.sort_unstable();
            let q = |p: f64| {
                let i = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
                Some(sorted[i]).filter(|&d| d != u32::MAX)
            };
            let baseline: Vec<WarmCase> = truths
                .iter()
                .map(|&truth| WarmCase {
                    provider: provider.clone(),
                    truth,
                    median: q(0.5),
                    low: q(0.05),
                    high: q(0.95),
                })
                .collect();
            out.push(score("prior", provider, &baseline.iter().collect::<Vec<_>>()));
        }
    }
    out
}

/// The errors of `warm`.
fn score(format: &str, provider: &str, warm: &[&WarmCase]) -> ForecastError {
    let scored: Vec<f64> = warm.iter().filter_map(|w| Some(f64::from(w.median?) - f64::from(w.truth?))).collect();
    let n_scored = scored.len().max(1) as f64;
    let covered =
        warm.iter().filter(|w| or_late(w.low) <= or_late(w.truth) && or_late(w.truth) <= or_late(w.high)).count();
    ForecastError {
        format: format.to_string(),
        provider: provider.to_string(),
        n: warm.len(),
        scored: scored.len(),
        mean_error: scored.iter().sum::<f64>() / n_scored,
        mean_abs_error: scored.iter().map(|e| e.abs()).sum::<f64>() / n_scored,
        covered,
        truth_censored: warm.iter().filter(|w| w.truth.is_none()).count(),
    }
}

/// Writes `forecast_error.csv`.
pub fn write_forecast_errors(rows: &[ForecastError], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "format,provider,n,scored,mean_error_days,mean_abs_error_days,covered,share_covered,share_low,share_high,truth_not_warm"
    )?;
    for r in rows {
        let (low, high) = clopper_pearson(r.covered, r.n, 0.05);
        writeln!(
            out,
            "{},{},{},{},{:.2},{:.2},{},{:.4},{:.4},{:.4},{}",
            r.format,
            r.provider,
            r.n,
            r.scored,
            r.mean_error,
            r.mean_abs_error,
            r.covered,
            r.covered as f64 / r.n.max(1) as f64,
            low,
            high,
            r.truth_censored
        )?;
    }
    Ok(())
}

/// Writes `forecast_cases.csv`: every (format, warm-up, provider).
pub fn write_forecast_cases(cases: &[Case], out: &mut dyn Write) -> std::io::Result<()> {
    let day = |d: Option<u32>| d.map_or(String::new(), |d| d.to_string());
    writeln!(out, "format,warmup,provider,true_warm_day,forecast_median,forecast_p5,forecast_p95")?;
    for c in cases {
        for w in &c.warm {
            writeln!(
                out,
                "{},{},{},{},{},{},{}",
                c.format.name(),
                c.warmup,
                w.provider,
                day(w.truth),
                day(w.median),
                day(w.low),
                day(w.high)
            )?;
        }
    }
    Ok(())
}

/// Writes every CSV file and chart of the study into `dir` (created if missing): the
/// rank histograms of each format (`rank_histograms_FORMAT.png`, and `rank_histograms.png`
/// for the first format) and the forecast errors of the first format.
pub fn write_all(
    cases: &[Case],
    config: &super::study::Config,
    providers: &[String],
    dir: &std::path::Path,
) -> Result<(Vec<Coverage>, Vec<ForecastError>), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, f: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| -> Result<(), String> {
        let path = dir.join(name);
        let mut bytes = Vec::new();
        f(&mut bytes)
            .and_then(|()| std::fs::write(&path, bytes))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let formats = &config.formats;
    let coverage_rows = coverage(cases, formats);
    let errors = forecast_errors(cases, formats, providers);
    write("coverage.csv", &|w| write_coverage(&coverage_rows, w))?;
    write("ranks.csv", &|w| write_ranks(cases, w))?;
    write("rank_counts.csv", &|w| write_rank_counts(&coverage_rows, config.rank_draws, w))?;
    if config.forecast_from_days > 0 {
        write("forecast_error.csv", &|w| write_forecast_errors(&errors, w))?;
        write("forecast_cases.csv", &|w| write_forecast_cases(cases, w))?;
    }
    write("settings.csv", &|w| write_settings(config, w))?;
    for (k, format) in formats.iter().enumerate() {
        let rows: Vec<Coverage> = coverage_rows.iter().filter(|r| r.format == format.name()).cloned().collect();
        let name = format!("rank_histograms_{}.png", format.name());
        super::chart::rank_histograms(&rows, config.rank_draws, &dir.join(name))?;
        if k == 0 {
            super::chart::rank_histograms(&rows, config.rank_draws, &dir.join("rank_histograms.png"))?;
            if config.forecast_from_days > 0 {
                let path = dir.join("forecast_error.png");
                let (from, horizon) = (config.forecast_from_days, config.horizon_days);
                super::chart::forecast_error(cases, *format, providers, from, horizon, &path)?;
            }
        }
    }
    Ok((coverage_rows, errors))
}

/// Writes `settings.csv`: what ran, as `key,value` lines.
fn write_settings(c: &super::study::Config, out: &mut dyn Write) -> std::io::Result<()> {
    let formats: Vec<&str> = c.formats.iter().map(|f| f.name()).collect();
    writeln!(out, "key,value")?;
    writeln!(out, "warmups,{}", c.warmups)?;
    writeln!(out, "formats,{}", formats.join(" "))?;
    writeln!(out, "observed_days,{}", c.observed_days)?;
    writeln!(out, "forecast_from_days,{}", c.forecast_from_days)?;
    writeln!(out, "horizon_days,{}", c.horizon_days)?;
    writeln!(out, "particles,{}", c.particles)?;
    writeln!(out, "generations,{}", c.generations)?;
    writeln!(out, "pilot,{}", c.pilot)?;
    writeln!(out, "max_simulations,{}", c.max_simulations)?;
    writeln!(out, "rank_draws,{}", c.rank_draws)?;
    writeln!(out, "forecast_draws,{}", c.forecast_draws)?;
    writeln!(out, "seed,{}", ipwarm::engine::seed_text(c.seed))
}
