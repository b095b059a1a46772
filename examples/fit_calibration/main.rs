//! Simulation-based calibration of `ipwarm fit` (Talts et al. 2018, arXiv:1804.06788; Cook,
//! Gelman & Rubin 2006): synthetic warm-ups with true provider parameters drawn from the
//! prior, written through `ipwarm run --events`'s writers in every format, read back by
//! `ipwarm ingest`'s readers (in memory), fitted, and compared with the truth; and the
//! forecast of each provider's warm day from the first days against the true run's.
//!
//! ```text
//! cargo run --release --example fit_calibration -- --warmups 50 --out output/fit-calibration
//! cargo run --release --example fit_calibration -- --warmups 200 --forecast-from 0 --resume --out output/fit-calibration-200
//! ```
//!
//! Writes `coverage.csv`, `ranks.csv`, `rank_counts.csv`, `forecast_error.csv`,
//! `forecast_cases.csv`, `settings.csv`, `rank_histograms.png` (and one per format) and
//! `forecast_error.png`; the same arguments give the same files on any number of threads. The
//! scenario is `examples/fit_calibration/scenario.toml`; results and their reading are in
//! docs/FIT.md, "Calibration". Not run by CI: the integration test `fit_calibration` runs the
//! same code on a few small warm-ups.

mod chart;
mod report;
mod study;

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use ipwarm::observed::Format;

/// The study's scenario.
const SCENARIO: &str = include_str!("scenario.toml");

/// Arguments.
#[derive(Debug, Parser)]
struct Args {
    /// Synthetic warm-ups.
    #[arg(long, default_value_t = 50)]
    warmups: usize,
    /// Output folder (created; files in it are replaced).
    #[arg(long, default_value = "output/fit-calibration")]
    out: PathBuf,
    /// Formats, separated by commas.
    #[arg(long, value_delimiter = ',', default_value = "csv,ses,kumomta,postfix,postmaster,snds")]
    formats: Vec<String>,
    /// Days of data fitted for the coverage and ranks.
    #[arg(long, default_value_t = 14)]
    observed_days: u32,
    /// Days of data the warm-day forecast is made from (0: none).
    #[arg(long, default_value_t = 10)]
    forecast_from: u32,
    /// Days of the true runs and the forecasts.
    #[arg(long, default_value_t = 60)]
    horizon: u32,
    /// ABC-SMC particles per population.
    #[arg(long, default_value_t = 500)]
    particles: usize,
    /// Most ABC-SMC populations.
    #[arg(long, default_value_t = 10)]
    generations: u32,
    /// Pilot simulations of the learnt summaries.
    #[arg(long, default_value_t = 1000)]
    pilot: usize,
    /// Most simulations of one fit, pilot included.
    #[arg(long, default_value_t = 40_000)]
    max_simulations: u64,
    /// Posterior draws each true value is ranked among.
    #[arg(long, default_value_t = 99)]
    rank_draws: usize,
    /// Posterior draws run for each forecast.
    #[arg(long, default_value_t = 200)]
    forecast_draws: usize,
    /// Root seed.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Threads [default: every core]; the results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Keep each finished fit in OUT/cases/ and reuse those already there (resume a killed study).
    #[arg(long)]
    resume: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let formats = args
        .formats
        .iter()
        .map(|name| Format::parse(name).ok_or_else(|| format!("unknown format `{name}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let config = study::Config {
        warmups: args.warmups,
        formats,
        observed_days: args.observed_days,
        forecast_from_days: args.forecast_from,
        horizon_days: args.horizon,
        particles: args.particles,
        generations: args.generations,
        pilot: args.pilot,
        max_simulations: args.max_simulations,
        rank_draws: args.rank_draws,
        forecast_draws: args.forecast_draws,
        seed: args.seed,
    };
    let base = ipwarm::scenario::parse(SCENARIO, "examples/fit_calibration/scenario.toml")?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let started = Instant::now();
    let study = study::Study::new(base, config.clone())?;
    let providers = study.provider_names();
    let cache = if args.resume { Some(study::Cache::open(&args.out.join("cases"), &config)?) } else { None };
    let cases = pool.install(|| {
        study.run(cache.as_ref(), &|done, total| {
            if done % 10 == 0 || done == total {
                eprintln!("{done}/{total} fits done after {:.0} s", started.elapsed().as_secs_f64());
            }
        })
    })?;
    let (coverage, errors) = report::write_all(&cases, &config, &providers, &args.out)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!("{:<12} {:<44} {:>4} {:>7} {:>17} {:>8}", "format", "parameter", "n", "cover", "95% interval", "width");
    for r in &coverage {
        let interval = format!("[{:.0}%, {:.0}%]", 100.0 * r.share_low, 100.0 * r.share_high);
        let share = format!("{:.0}%", 100.0 * r.share);
        println!("{:<12} {:<44} {:>4} {share:>7} {interval:>17} {:>8.2}", r.format, r.parameter, r.n, r.width_ratio);
    }
    if !errors.is_empty() {
        println!(
            "\n{:<12} {:<10} {:>4} {:>6} {:>8} {:>8} {:>7}",
            "format", "provider", "n", "scored", "error", "abs", "cover"
        );
        for e in &errors {
            let cover = format!("{:.0}%", 100.0 * e.covered as f64 / e.n.max(1) as f64);
            println!(
                "{:<12} {:<10} {:>4} {:>6} {:>8.2} {:>8.2} {cover:>7}",
                e.format, e.provider, e.n, e.scored, e.mean_error, e.mean_abs_error
            );
        }
    }
    let simulations: u64 = cases.iter().map(|c| c.simulations).sum();
    let generations: usize = cases.iter().map(|c| c.generations).sum();
    println!(
        "\n{} fits of {} days ({simulations} simulations, {:.1} populations on average) and {} forecasts in {elapsed:.0} s; wrote {}",
        cases.len(),
        config.observed_days,
        generations as f64 / cases.len().max(1) as f64,
        if config.forecast_from_days > 0 { cases.len() } else { 0 },
        args.out.display()
    );
    Ok(())
}
