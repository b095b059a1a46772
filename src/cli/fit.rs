//! `ipwarm fit OBSERVED --scenario BASE.toml [--params ...] [--forecast N]`: fit provider
//! parameters to a sender's observed data (ABC-SMC) and forecast the rest of its warm-up;
//! every output written all-or-nothing into one folder.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::{Args, ValueHint};
use ipwarm::fit::{self, Fit, Setup, charts, outputs};
use ipwarm::stats::abc_smc;
use ipwarm::{observed, scenario, sweep};

use super::Failure;
use super::owned::{self, DELETE_UNOWNED_HELP, Intent, Staging};
use super::progress::Bar;

/// Examples of `ipwarm fit`.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm ingest kumomta logs/*.jsonl --out observed.csv   normalise delivery logs first
  ipwarm fit observed.csv --scenario my.toml              fit the default parameters of each provider in the data
  ipwarm fit observed.csv --scenario my.toml --forecast 30
                                              and forecast 30 more days under the scenario's strategy
  ipwarm fit observed.csv --forecast 30 --strategy kumo_conservative
                                              forecast another plan (the embedded default scenario as base)
  ipwarm fit observed.csv --params gmail.base_hourly_allowance,microsoft.trust_gain_per_day
                                              fit only these parameters
  ipwarm run output/fit-default/fitted.toml   run the fitted scenario (sweep and compare take it too)

Outputs: posterior.csv, posterior_summary.csv, diagnostics.csv, predictive.csv, fitted.toml,
posterior_predictive.png, base_scenario.toml; with --forecast, forecast.csv and forecast_warm.png.
The method and what the data can identify: docs/FIT.md.

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// Arguments of `ipwarm fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Observed data: the daily CSV `ipwarm ingest` writes (per date, provider and IP).
    #[arg(value_name = "OBSERVED", value_hint = ValueHint::FilePath)]
    observed: PathBuf,
    /// Base scenario (TOML) [default: the embedded default scenario]. Its providers' distributions
    /// (or `priors = "shipped"`) are the priors; a fixed value gets a default prior around it.
    #[arg(long, value_name = "SCENARIO", value_hint = ValueHint::FilePath)]
    scenario: Option<PathBuf>,
    /// Parameters to fit, as PROVIDER.KEY separated by commas [default: trust_gain_per_day,
    /// base_hourly_allowance, allowance_growth_untrusted and initial_trust of each provider with data].
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    params: Vec<String>,
    /// Output folder [default: output/fit-<scenario name>]. Replaced as a whole when the fit
    /// succeeds, if it is empty or holds only files ipwarm wrote.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: Option<PathBuf>,
    #[arg(long, help = DELETE_UNOWNED_HELP)]
    delete_unowned: bool,
    /// Particles per population (10 to 10000).
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u32).range(10..=10_000))]
    particles: u32,
    /// Most populations, the first drawn from the prior (1 to 50).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
    generations: u32,
    /// Most simulations in all (at least --particles); the fit stops when it is spent.
    #[arg(long, value_name = "N", default_value_t = 40_000, value_parser = clap::value_parser!(u64).range(10..=10_000_000))]
    max_simulations: u64,
    /// Stop after a population accepted fewer than this share of its candidates (0 to 1).
    #[arg(long, value_name = "RATE", default_value_t = 0.02, value_parser = unit_interval)]
    min_acceptance_rate: f64,
    /// Stop when a population's effective sample size falls below this share of --particles
    /// (0 to 1); that population is dropped and the one before is the posterior.
    #[arg(long, value_name = "SHARE", default_value_t = 0.1, value_parser = unit_interval)]
    min_ess: f64,
    /// Posterior draws run for the predictive check and the forecast (10 to 10000).
    #[arg(long, value_name = "N", default_value_t = 200, value_parser = clap::value_parser!(u32).range(10..=10_000))]
    draws: u32,
    /// Forecast this many days beyond the last observed day (1 to 365; observed and forecast
    /// days together at most 365).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=365))]
    forecast: Option<u32>,
    /// The strategy after the observed days in the forecast, named as for `ipwarm run --strategy`
    /// [default: the scenario's].
    #[arg(long, value_name = "NAME", requires = "forecast", value_parser = super::strategies::StrategyName, hide_possible_values = true)]
    strategy: Option<String>,
    /// Pilot simulations from the prior, from which one summary per parameter is learnt by
    /// regression (semi-automatic ABC); 0 compares every raw statistic instead.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pilot: u64,
    /// How a population proposes the next: `normal` (one normal fitted to the population, 1.2
    /// times its covariance: keeps the weights from degenerating with many parameters),
    /// `silverman` (a parent perturbed with Silverman's bandwidth, pyabc's default) or
    /// `beaumont` (a parent perturbed with twice the covariance). docs/FIT.md compares them.
    #[arg(long, value_name = "KIND", default_value = "normal", value_parser = ["normal", "silverman", "beaumont"])]
    transition: String,
    /// Root seed of every simulation: an integer, or `0x` and hex digits as outputs write seeds.
    #[arg(long, value_name = "N", default_value = "1", value_parser = ipwarm::engine::parse_seed)]
    seed: u64,
    /// Threads [default: every core]; the results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
}

/// A number in [0, 1].
fn unit_interval(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(x) => Err(format!("must be in [0, 1], got {x}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Runs the fit (and the forecast) and writes every output all-or-nothing.
pub fn fit(args: FitArgs) -> Result<(), Failure> {
    let strategy = args.strategy.as_deref().map(sweep::StrategyArg::parse).transpose().map_err(Failure::input)?;
    if u64::from(args.particles) + args.pilot > args.max_simulations {
        return Err(Failure::input(anyhow!(
            "--max-simulations ({}) must be at least --particles ({}) plus --pilot ({})",
            args.max_simulations,
            args.particles,
            args.pilot
        )));
    }
    let (text, origin) = match &args.scenario {
        Some(path) => (scenario::read_input(path).map_err(Failure::input)?, path.display().to_string()),
        None => (scenario::DEFAULT_SCENARIO_TOML.to_string(), "the default scenario".to_string()),
    };
    let file_name = args.scenario.as_ref().map_or("default.toml".to_string(), |p| p.display().to_string());
    let base = scenario::parse(&text, &file_name).map_err(Failure::input)?;
    let forecast_strategy = match &strategy {
        Some(arg) => Some(arg.apply(&base, &text).map_err(Failure::input)?.strategy),
        None => None,
    };
    let rows = read_rows(&args.observed)?;
    let requested = (!args.params.is_empty()).then_some(args.params.as_slice());
    let setup = Setup::new(&base, &rows, requested)
        .map_err(|problems| Failure::input(anyhow!("{}: {}", args.observed.display(), problems.join("\n"))))?;
    if let Some(days) = args.forecast
        && setup.data.n_days + days > fit::data::MAX_DAYS
    {
        return Err(Failure::input(anyhow!(
            "--forecast {days}: the {} observed days and the forecast make {} days; at most {}",
            setup.data.n_days,
            setup.data.n_days + days,
            fit::data::MAX_DAYS
        )));
    }
    let dest = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("fit-{}", base.name)));
    let mut inputs = vec![args.observed.clone()];
    inputs.extend(args.scenario.iter().cloned());
    owned::check_dir(&dest, Intent::Replace, args.delete_unowned, &inputs, "")?;
    if dest.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        owned::check_removable(&dest, &inputs)?;
    }
    for note in &setup.data.notes {
        eprintln!("note: {note}");
    }
    let settings = abc_smc::Settings {
        population_size: args.particles as usize,
        max_generations: args.generations,
        min_acceptance_rate: args.min_acceptance_rate,
        min_ess_fraction: args.min_ess.min(0.999),
        max_simulations: args.max_simulations,
        seed: args.seed,
        transition: match args.transition.as_str() {
            "silverman" => abc_smc::Transition::Silverman,
            "beaumont" => abc_smc::Transition::Beaumont,
            _ => abc_smc::Transition::Gaussian { scale: fit::NORMAL_PROPOSAL_SCALE },
        },
        ..abc_smc::Settings::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0) as usize)
        .build()
        .context("cannot start the worker threads")
        .map_err(Failure::runtime)?;
    let n_params = setup.params.len();
    let data_days = setup.data.n_days;
    eprintln!(
        "fitting {n_params} parameters to {data_days} days of {} ({} particles, at most {} generations and {} simulations)",
        args.observed.display(),
        args.particles,
        args.generations,
        args.max_simulations
    );
    let work = pool.install(|| -> Result<Work, Failure> {
        let bar = Bar::new(args.max_simulations as usize, 0);
        let fitted = fit::fit(setup, &settings, args.pilot as usize, &mut |p| bar.set(p.simulations as usize, 0));
        bar.finish();
        let fitted = fitted.context("the fit failed").map_err(Failure::runtime)?;
        let draws = args.draws as usize;
        let bands = fit::predictive::posterior_predictive(&fitted, draws)
            .context("the posterior predictive runs failed")
            .map_err(Failure::runtime)?;
        let forecast = match args.forecast {
            Some(days) => Some(
                fit::forecast::forecast(&fitted, days, forecast_strategy.as_ref(), draws)
                    .context("the forecast runs failed")
                    .map_err(Failure::runtime)?,
            ),
            None => None,
        };
        Ok(Work { fit: fitted, bands, forecast, draws })
    })?;
    let data_name = args.observed.file_name().map_or("the data".into(), |n| n.to_string_lossy().into_owned());
    let fitted_toml =
        fit::fitted::fitted_toml(&text, &origin, &data_name, &work.fit).map_err(|m| Failure::runtime(anyhow!(m)))?;
    let written = write_outputs(&work, &text, &fitted_toml, &dest, args.delete_unowned).map_err(Failure::runtime)?;
    print_summary(&work, &written);
    Ok(())
}

/// What the fit computed.
struct Work {
    fit: Fit,
    bands: Vec<fit::predictive::Band>,
    forecast: Option<fit::forecast::Forecast>,
    /// Posterior draws run for the predictive check and the forecast.
    draws: usize,
}

/// The rows of `path`, an `observed.csv`.
fn read_rows(path: &Path) -> Result<Vec<observed::ObservedRow>, Failure> {
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display())).map_err(Failure::input)?;
    let table = observed::read_observed(BufReader::new(file), &path.display().to_string()).map_err(Failure::input)?;
    Ok(table.into_rows())
}

/// Writes every output into a staging folder and swaps it in for `dest`; returns the folder.
fn write_outputs(
    work: &Work,
    base_text: &str,
    fitted_toml: &str,
    dest: &Path,
    delete_unowned: bool,
) -> anyhow::Result<PathBuf> {
    let mut staging = Staging::new(dest, "fit", delete_unowned)?;
    let csv = |staging: &mut Staging, name: &str, write: &dyn Fn(&mut dyn Write) -> Result<(), csv::Error>| {
        let mut out = BufWriter::new(staging.create(name)?);
        write(&mut out).with_context(|| format!("cannot write {name}"))?;
        out.flush().with_context(|| format!("cannot write {name}"))
    };
    csv(&mut staging, "posterior.csv", &|w| outputs::write_posterior(&work.fit, w))?;
    csv(&mut staging, "posterior_summary.csv", &|w| outputs::write_summary(&work.fit, w))?;
    csv(&mut staging, "diagnostics.csv", &|w| outputs::write_diagnostics(&work.fit, w))?;
    csv(&mut staging, "predictive.csv", &|w| outputs::write_predictive(&work.bands, w))?;
    if let Some(forecast) = &work.forecast {
        csv(&mut staging, "forecast.csv", &|w| outputs::write_forecast(forecast, w))?;
    }
    staging.create("fitted.toml")?.write_all(fitted_toml.as_bytes()).context("cannot write fitted.toml")?;
    staging
        .create(sweep::BASE_SCENARIO_RECORD)?
        .write_all(base_text.as_bytes())
        .context("cannot write base_scenario.toml")?;
    let chart = charts::write_predictive_chart(&work.bands, work.draws, staging.path())
        .context("cannot draw posterior_predictive.png")?;
    staging.adopt(&[chart])?;
    if let Some(forecast) = &work.forecast {
        let chart = charts::write_forecast_chart(forecast, staging.path()).context("cannot draw forecast_warm.png")?;
        staging.adopt(&[chart])?;
    }
    staging.commit()
}

/// Prints the posterior summary, the diagnostics and what was written.
fn print_summary(work: &Work, written: &Path) {
    let fit = &work.fit;
    outln!("{:<44} {:>12} {:>25} {:>12}", "parameter", "median", "90% interval", "prior median");
    for s in fit.summary() {
        let interval = format!("[{}, {}]", short(s.p5), short(s.p95));
        outln!("{:<44} {:>12} {:>25} {:>12}", s.name, short(s.median), interval, short(s.prior_median));
    }
    outln!("\n{:>10} {:>12} {:>11} {:>8} {:>11}", "generation", "epsilon", "acceptance", "ESS", "simulations");
    for g in &fit.outcome.generations {
        outln!(
            "{:>10} {:>12} {:>10.1}% {:>8.1} {:>11}",
            g.index,
            short(g.epsilon),
            100.0 * g.acceptance_rate,
            g.ess,
            g.simulations
        );
    }
    if let Some(p) = &fit.projection {
        outln!(
            "summaries: one per parameter, learnt from {} pilot simulations on {} of {} statistics",
            fit.pilot_simulations,
            p.n_used(),
            fit.setup.observed.len()
        );
    }
    outln!(
        "stopped at {} after {} simulations",
        fit.outcome.stop.describe(),
        fit.outcome.simulations + fit.pilot_simulations
    );
    if let Some(f) = &work.forecast {
        for (provider, never) in &f.never_warm {
            let half = f.rows.iter().find(|r| r.provider == *provider && r.probability_warm >= 0.5);
            let when = half.map_or_else(
                || format!("not warm by day {} with probability 1/2", f.horizon_days),
                |r| format!("warm with probability 1/2 by day {} ({})", r.day, r.date),
            );
            outln!("{provider}: {when}; never warm within the horizon in {:.0}% of draws", 100.0 * never);
        }
    }
    outln!("\nwrote {}", written.display());
}

/// `x` with 4 significant digits.
fn short(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let digits = (3 - x.abs().max(1e-300).log10().floor() as i32).clamp(0, 12) as usize;
    format!("{x:.digits$}")
}
