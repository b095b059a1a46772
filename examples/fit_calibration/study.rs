//! The calibration study of `ipwarm fit`: synthetic warm-ups with known provider parameters,
//! written through the events writers of `ipwarm run --events`, read back by the readers of
//! `ipwarm ingest`, fitted, and compared with the truth (docs/FIT.md, "Calibration").
//!
//! For warm-up `i` (seed `derive_seed(seed, [WARMUP, i])`):
//! 1. the true values of every fitted parameter are drawn from the fit's own prior (standard
//!    normal scores, mapped through `FitParam::value`), and the scenario is run with them for
//!    its whole horizon, its other uncertain quantities drawn as in any run;
//! 2. the run's first `observed_days` (and, for the forecast, `forecast_from_days`) days are
//!    written in each format into memory and ingested back, as `ipwarm ingest` reads files;
//! 3. each format's rows are fitted (`fit::fit`, as `ipwarm fit` calls it), and the true values
//!    compared with the 90% interval and ranked among posterior draws (Talts et al. 2018); the
//!    shorter data are fitted again and forecast to the horizon, and the forecast warm day of
//!    each provider compared with the true run's.
//!
//! Every (warm-up, format) job has its own seeds, and jobs run in parallel (rayon) and are
//! collected in job order, so the results do not depend on the number of threads.

use ipwarm::engine::{derive_seed, stream_rng};
use ipwarm::fit::{self, Fit, Setup};
use ipwarm::observed::events::Events;
use ipwarm::observed::ingest::{Ingest, Options};
use ipwarm::observed::{CivilDate, Format, ObservedRow};
use ipwarm::scenario::Scenario;
use ipwarm::sim::{self, RunResult};
use ipwarm::stats::abc_smc;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// The stream tag of each warm-up's seed.
const WARMUP_STREAM: u64 = 0x7761_726d; // "warm"
/// The stream tag of the fits' seeds.
const FIT_STREAM: u64 = 0x6669_7473; // "fits"
/// The stream tag of the posterior draws ranked against the truth.
const RANK_STREAM: u64 = 0x7261_6e6b; // "rank"
/// Day 1 of every synthetic warm-up (the events writers' default start).
const START: &str = "2026-03-02";

/// What the study runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Synthetic warm-ups.
    pub warmups: usize,
    /// Formats each warm-up is written in and fitted from.
    pub formats: Vec<Format>,
    /// Days of data fitted for the coverage and ranks.
    pub observed_days: u32,
    /// Days of data the forecast is made from (0: no forecast).
    pub forecast_from_days: u32,
    /// Days of the true runs and of the forecasts.
    pub horizon_days: u32,
    /// ABC-SMC particles per population.
    pub particles: usize,
    /// Most ABC-SMC populations.
    pub generations: u32,
    /// Pilot simulations of the learnt summaries.
    pub pilot: usize,
    /// Most simulations of one fit, pilot included.
    pub max_simulations: u64,
    /// Posterior draws ranked against each true value.
    pub rank_draws: usize,
    /// Posterior draws run for each forecast.
    pub forecast_draws: usize,
    /// Root seed.
    pub seed: u64,
}

/// One fitted parameter of one (warm-up, format).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ParamCase {
    /// `provider.key`.
    pub name: String,
    /// The true value.
    pub truth: f64,
    /// Posterior median, 5% and 95% quantiles.
    pub median: f64,
    /// 5% quantile.
    pub p5: f64,
    /// 95% quantile.
    pub p95: f64,
    /// The prior's 90% interval's width (95% less 5% quantile).
    pub prior_width: f64,
    /// Posterior draws below the truth, of [`Config::rank_draws`].
    pub rank: usize,
}

/// The forecast of one provider's warm day in one (warm-up, format).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct WarmCase {
    /// Provider name.
    pub provider: String,
    /// The true run's warm day (`None`: not warm within the horizon).
    pub truth: Option<u32>,
    /// The first day the forecast probability of being warm reaches 1/2 (the posterior
    /// predictive median warm day), 5% and 95% (`None`: not within the horizon).
    pub median: Option<u32>,
    /// The day the probability reaches 5% (the interval's lower end).
    pub low: Option<u32>,
    /// The day the probability reaches 95% (the interval's upper end).
    pub high: Option<u32>,
}

/// What one (warm-up, format) gave.
#[derive(Debug, Clone)]
pub struct Case {
    /// Warm-up index.
    pub warmup: usize,
    /// Its format.
    pub format: Format,
    /// Per fitted parameter (those the format's data identify).
    pub params: Vec<ParamCase>,
    /// Per provider of the scenario, the forecast from the first days (empty without one).
    pub warm: Vec<WarmCase>,
    /// ABC-SMC populations of the fit and simulations run (pilot included).
    pub generations: usize,
    /// Simulations of the fit on `observed_days`, pilot included.
    pub simulations: u64,
    /// Posterior draws each rank is out of.
    pub rank_draws: usize,
}

/// Why the study failed.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// A simulation failed.
    #[error("warm-up {warmup}: {message}")]
    Case {
        /// The warm-up.
        warmup: usize,
        /// What failed.
        message: String,
    },
}

/// The study's fixed inputs: the base scenario and the list of its fitted parameters.
pub struct Study {
    base: Scenario,
    /// Fitting every provider's default parameters (the template of the true values).
    template: Setup,
    config: Config,
}

impl Study {
    /// The study of `base` (whose fitted parameters are distributions: the prior) with `config`.
    pub fn new(base: Scenario, config: Config) -> Result<Self, StudyError> {
        let err = |message: String| StudyError::Case { warmup: usize::MAX, message };
        let mut first = base.clone();
        first.horizon_days = config.observed_days;
        let run = sim::run(&first, config.seed).map_err(|e| err(e.to_string()))?;
        let rows = Events::new(&run, &first, start()).rows().to_vec();
        let template = Setup::new(&base, &rows, None).map_err(|p| err(p.join("; ")))?;
        Ok(Self { base, template, config })
    }

    /// The providers, in scenario order.
    pub fn provider_names(&self) -> Vec<String> {
        self.base.providers.iter().map(|p| p.name.clone()).collect()
    }

    /// Runs every (warm-up, format) job in parallel; `done` after each with (done, total).
    /// With a `cache`, a job whose case is already there is read instead of run, and each new
    /// case is stored as soon as it is done, so a killed study resumes where it stopped.
    pub fn run(&self, cache: Option<&Cache>, done: &(dyn Fn(usize, usize) + Sync)) -> Result<Vec<Case>, StudyError> {
        let truths: Vec<(Vec<f64>, Scenario, RunResult)> =
            (0..self.config.warmups).into_par_iter().map(|i| self.truth(i)).collect::<Result<_, _>>()?;
        let jobs: Vec<(usize, Format)> =
            (0..self.config.warmups).flat_map(|i| self.config.formats.iter().map(move |&f| (i, f))).collect();
        let total = jobs.len();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        jobs.par_iter()
            .map(|&(i, format)| {
                if let Some(case) = cache.and_then(|c| c.load(i, format)) {
                    done(counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                    return Ok(case);
                }
                let (values, scenario, run) = &truths[i];
                let case = self.case(i, format, values, scenario, run)?;
                if let Some(cache) = cache {
                    cache.store(&case).map_err(|e| StudyError::Case { warmup: i, message: e.to_string() })?;
                }
                done(counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                Ok(case)
            })
            .collect()
    }

    /// Warm-up `i`'s true values, scenario and run over the whole horizon.
    fn truth(&self, i: usize) -> Result<(Vec<f64>, Scenario, RunResult), StudyError> {
        let seed = derive_seed(self.config.seed, &[WARMUP_STREAM, i as u64]);
        let mut rng = stream_rng(seed, "calibration/truth");
        let z: Vec<f64> = self.template.params.iter().map(|_| StandardNormal.sample(&mut rng)).collect();
        let values = self.template.values(&z);
        let scenario = self.template.scenario_with(&values, self.config.horizon_days, None);
        let run = sim::run(&scenario, seed).map_err(|e| StudyError::Case { warmup: i, message: e.to_string() })?;
        Ok((values, scenario, run))
    }

    /// Warm-up `i` in `format`: the fit on the first days, and the forecast.
    fn case(
        &self,
        i: usize,
        format: Format,
        values: &[f64],
        scenario: &Scenario,
        run: &RunResult,
    ) -> Result<Case, StudyError> {
        let err = |message: String| StudyError::Case { warmup: i, message: format!("{}: {message}", format.name()) };
        let c = &self.config;
        let seed = derive_seed(c.seed, &[FIT_STREAM, i as u64, format as u64]);
        let rows = round_trip(&first_days(run, c.observed_days), scenario, format).map_err(err)?;
        let fitted = self.fit(&rows, derive_seed(seed, &[u64::from(c.observed_days)])).map_err(err)?;
        let ranked = fitted.draws(c.rank_draws, RANK_STREAM);
        let params = fitted
            .summary()
            .into_iter()
            .enumerate()
            .map(|(k, s)| {
                let at = self.template.params.iter().position(|p| p.name() == s.name).unwrap_or(0);
                let truth = values[at];
                let rank = ranked.iter().filter(|(v, _)| v[k] < truth).count();
                let prior_width = s.prior_p95 - s.prior_p5;
                ParamCase { name: s.name, truth, median: s.median, p5: s.p5, p95: s.p95, prior_width, rank }
            })
            .collect();
        let generations = fitted.outcome.generations.len();
        let simulations = fitted.outcome.simulations + fitted.pilot_simulations;
        let warm = if c.forecast_from_days > 0 {
            let rows = round_trip(&first_days(run, c.forecast_from_days), scenario, format).map_err(err)?;
            let early = self.fit(&rows, derive_seed(seed, &[u64::from(c.forecast_from_days)])).map_err(err)?;
            let extra = c.horizon_days - early.setup.data.n_days;
            let forecast =
                fit::forecast::forecast(&early, extra, None, c.forecast_draws).map_err(|e| err(e.to_string()))?;
            self.provider_names()
                .into_iter()
                .enumerate()
                .map(|(p, provider)| {
                    let reaches = |q: f64| {
                        forecast.rows.iter().find(|r| r.provider == provider && r.probability_warm >= q).map(|r| r.day)
                    };
                    let truth = run.warm_day.get(p).copied().flatten();
                    WarmCase { truth, median: reaches(0.5), low: reaches(0.05), high: reaches(0.95), provider }
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Case { warmup: i, format, params, warm, generations, simulations, rank_draws: c.rank_draws })
    }

    /// Fits the default parameters of the providers in `rows` with the study's settings.
    fn fit(&self, rows: &[ObservedRow], seed: u64) -> Result<Fit, String> {
        let setup = Setup::new(&self.base, rows, None).map_err(|p| p.join("; "))?;
        let c = &self.config;
        let settings = abc_smc::Settings {
            population_size: c.particles,
            max_generations: c.generations,
            min_acceptance_rate: 0.02,
            min_ess_fraction: 0.1,
            max_simulations: c.max_simulations,
            seed,
            transition: abc_smc::Transition::Gaussian { scale: fit::NORMAL_PROPOSAL_SCALE },
            ..abc_smc::Settings::default()
        };
        fit::fit(setup, &settings, c.pilot, &mut |_| {}).map_err(|e| e.to_string())
    }
}

/// Day 1 of the synthetic data.
fn start() -> CivilDate {
    CivilDate::parse(START).unwrap_or_default()
}

/// `run` cut after its first `days` days, as if it had stopped there (the sender's data so far).
fn first_days(run: &RunResult, days: u32) -> RunResult {
    let mut cut = run.clone();
    cut.records.retain(|r| r.day <= days);
    cut.horizon_days = days.min(run.horizon_days);
    cut
}

/// The rows a sender of `run` would get by writing its events in `format` and ingesting them:
/// the bytes `ipwarm run --events FORMAT` writes, read by the reader `ipwarm ingest FORMAT` uses.
pub fn round_trip(run: &RunResult, scenario: &Scenario, format: Format) -> Result<Vec<ObservedRow>, String> {
    let events = Events::new(run, scenario, start());
    let mut bytes = Vec::new();
    events.write(format, &mut bytes).map_err(|e| e.to_string())?;
    let mut ingest = Ingest::new(format, Options::default());
    ingest.read(bytes.as_slice(), format.file_name());
    let ingested = ingest.finish().map_err(|e| e.to_string())?;
    Ok(ingested.table.into_rows())
}

/// Finished cases on disk, one JSON file per (warm-up, format), written to a temporary file
/// and renamed; `settings.txt` holds the study's settings, and a cache made with other
/// settings is refused rather than mixed.
#[derive(Debug)]
pub struct Cache {
    dir: std::path::PathBuf,
}

/// A case as stored: the format by name.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredCase {
    warmup: usize,
    format: String,
    params: Vec<ParamCase>,
    warm: Vec<WarmCase>,
    generations: usize,
    simulations: u64,
    rank_draws: usize,
}

impl Cache {
    /// Opens (creating) the cache in `dir` for `config`; the warm-up count may differ.
    pub fn open(dir: &std::path::Path, config: &Config) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let settings = format!("{:?}\n", Config { warmups: 0, formats: Vec::new(), ..config.clone() });
        let path = dir.join("settings.txt");
        match std::fs::read_to_string(&path) {
            Ok(old) if old != settings => {
                return Err(format!("{} was made with other settings:\n{old}", path.display()));
            }
            Ok(_) => {}
            Err(_) => std::fs::write(&path, settings).map_err(|e| format!("{}: {e}", path.display()))?,
        }
        Ok(Self { dir: dir.to_path_buf() })
    }

    fn path(&self, warmup: usize, format: Format) -> std::path::PathBuf {
        self.dir.join(format!("{warmup:05}-{}.json", format.name()))
    }

    /// The stored case, if any (an unreadable file counts as none and is run again).
    fn load(&self, warmup: usize, format: Format) -> Option<Case> {
        let text = std::fs::read_to_string(self.path(warmup, format)).ok()?;
        let s: StoredCase = serde_json::from_str(&text).ok()?;
        (s.warmup == warmup && s.format == format.name()).then_some(Case {
            warmup,
            format,
            params: s.params,
            warm: s.warm,
            generations: s.generations,
            simulations: s.simulations,
            rank_draws: s.rank_draws,
        })
    }

    fn store(&self, case: &Case) -> std::io::Result<()> {
        let stored = StoredCase {
            warmup: case.warmup,
            format: case.format.name().to_string(),
            params: case.params.clone(),
            warm: case.warm.clone(),
            generations: case.generations,
            simulations: case.simulations,
            rank_draws: case.rank_draws,
        };
        let path = self.path(case.warmup, case.format);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string(&stored).map_err(std::io::Error::other)?)?;
        std::fs::rename(tmp, path)
    }
}
