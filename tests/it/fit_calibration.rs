//! The fit's calibration study (`examples/fit_calibration`, docs/FIT.md, "Calibration") on two
//! tiny warm-ups with a few particles: the same code as the example (its modules are compiled
//! in here), through the events writers and ingest readers of three formats. Checks that the
//! study's scenario validates, that every output is written and well formed (counts add up,
//! shares and ranks in range, the charts are PNG files), and that the files are identical on
//! one and two threads. No statistical claim: two warm-ups cannot make one.

#[path = "../../examples/fit_calibration/chart.rs"]
mod chart;
#[path = "../../examples/fit_calibration/report.rs"]
mod report;
#[path = "../../examples/fit_calibration/study.rs"]
mod study;

use std::path::Path;

use ipwarm::observed::Format;

use crate::support::{ipwarm, ok, read_csv, root};

/// The study's scenario.
const SCENARIO: &str = include_str!("../../examples/fit_calibration/scenario.toml");

/// A study small enough for a test: 2 warm-ups of 5 days in 3 formats, forecast from 4 days.
fn config() -> study::Config {
    study::Config {
        warmups: 2,
        formats: vec![Format::Csv, Format::Postfix, Format::Snds],
        observed_days: 5,
        forecast_from_days: 4,
        horizon_days: 12,
        particles: 20,
        generations: 2,
        pilot: 40,
        max_simulations: 200,
        rank_draws: 19,
        forecast_draws: 10,
        seed: 3,
    }
}

/// Runs the study on `threads` threads (keeping cases in `dir/cases` with `cache`) and writes
/// its outputs into `dir`.
fn run(threads: usize, dir: &Path, cache: bool) -> Vec<study::Case> {
    let base = ipwarm::scenario::parse(SCENARIO, "scenario.toml").expect("the study's scenario is valid");
    let study = study::Study::new(base, config()).expect("study");
    let providers = study.provider_names();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    let cache = cache.then(|| study::Cache::open(&dir.join("cases"), &config()).expect("cache"));
    let cases = pool.install(|| study.run(cache.as_ref(), &|_, _| {})).expect("the study runs");
    report::write_all(&cases, &config(), &providers, dir).expect("outputs written");
    cases
}

#[test]
fn the_calibration_study_writes_well_formed_outputs_whatever_the_threads() {
    let scenario = root().join("examples/fit_calibration/scenario.toml");
    ok(&ipwarm(&root(), &["validate", &scenario.display().to_string()]));
    let dir = tempfile::tempdir().expect("temp dir");
    let (two, one) = (dir.path().join("two"), dir.path().join("one"));
    let cases = run(2, &two, false);
    // One case per (warm-up, format), in job order; each fitted and forecast.
    assert_eq!(cases.len(), 2 * 3);
    for (k, c) in cases.iter().enumerate() {
        assert_eq!((c.warmup, c.format), (k / 3, config().formats[k % 3]));
        assert!(c.generations >= 1 && c.simulations >= 60, "{k}: {} {}", c.generations, c.simulations);
        assert_eq!(c.warm.len(), 5, "one forecast per provider");
    }
    // Log formats fit every provider's four parameters; SNDS only Microsoft's.
    let (header, rows) = read_csv(&two.join("coverage.csv"));
    assert_eq!(header, ["format", "parameter", "n", "covered", "share", "share_low", "share_high", "width_vs_prior"]);
    let count = |format: &str| rows.iter().filter(|r| r[0] == format).count();
    assert_eq!((count("csv"), count("postfix"), count("snds")), (20, 20, 4));
    assert!(rows.iter().filter(|r| r[0] == "snds").all(|r| r[1].starts_with("microsoft.")));
    for r in &rows {
        let [n, covered]: [usize; 2] = [r[2].parse().expect("n"), r[3].parse().expect("covered")];
        let [share, low, high]: [f64; 3] = [4, 5, 6].map(|i| r[i].parse().expect("share"));
        assert!(n == 2 && covered <= n, "{r:?}");
        assert!(0.0 <= low && low <= share && share <= high && high <= 1.0, "{r:?}");
    }
    // Every rank within 0..=19, and each histogram counts every case.
    let (_, ranks) = read_csv(&two.join("ranks.csv"));
    assert_eq!(ranks.len(), 2 * (20 + 20 + 4));
    assert!(ranks.iter().all(|r| r[8].parse::<usize>().expect("rank") <= 19 && r[9] == "19"));
    let (_, counts) = read_csv(&two.join("rank_counts.csv"));
    assert_eq!(counts.len(), 44 * report::RANK_BINS);
    for chunk in counts.chunks(report::RANK_BINS) {
        let total: usize = chunk.iter().map(|r| r[5].parse::<usize>().expect("count")).sum();
        assert_eq!(total, 2, "{chunk:?}");
    }
    // A forecast error per (format, provider), and the prior baseline per provider.
    let (_, errors) = read_csv(&two.join("forecast_error.csv"));
    assert_eq!(errors.len(), 3 * 5 + 5);
    assert!(errors.iter().all(|r| r[2] == "2" && r[6].parse::<usize>().expect("covered") <= 2));
    for png in ["rank_histograms.png", "rank_histograms_snds.png", "forecast_error.png"] {
        assert_eq!(&std::fs::read(two.join(png)).expect("png")[..4], b"\x89PNG", "{png}");
    }
    // The same files on one thread, and again from the cases kept on disk (a resumed study:
    // the torn temporary file of a killed write is ignored).
    let read = |d: &Path, name: &str| std::fs::read(d.join(name)).expect("output");
    let names = ["coverage.csv", "ranks.csv", "forecast_cases.csv", "settings.csv", "rank_histograms.png"];
    run(1, &one, true);
    for name in names {
        assert_eq!(read(&two, name), read(&one, name), "{name} differs with one thread");
    }
    let kept = std::fs::read_dir(one.join("cases")).expect("cases").count();
    assert_eq!(kept, 2 * 3 + 1, "one file per case and the settings");
    std::fs::write(one.join("cases/00001-csv.json.tmp"), "{\"warm").expect("torn write");
    std::fs::remove_file(one.join("cases/00001-snds.json")).expect("one case lost");
    run(2, &one, true);
    for name in names {
        assert_eq!(read(&two, name), read(&one, name), "{name} differs when resumed");
    }
    // A cache made with other settings is refused, not mixed.
    let other = study::Config { particles: 21, ..config() };
    let refused = study::Cache::open(&one.join("cases"), &other).expect_err("other settings");
    assert!(refused.contains("other settings"), "{refused}");
}

#[test]
fn clopper_pearson_and_the_binomial_band_match_known_values() {
    // Clopper-Pearson 95% for 45 of 50 (R: binom.test(45, 50)$conf.int = 0.7819, 0.9667).
    let (low, high) = report::clopper_pearson(45, 50, 0.05);
    assert!((low - 0.7819).abs() < 1e-3 && (high - 0.9667).abs() < 1e-3, "{low} {high}");
    assert_eq!(report::clopper_pearson(0, 10, 0.05).0, 0.0);
    assert_eq!(report::clopper_pearson(10, 10, 0.05).1, 1.0);
    // 99% band of Binomial(50, 0.1): qbinom(0.005, 50, 0.1) = 0, qbinom(0.995, 50, 0.1) = 11.
    assert_eq!(report::binomial_band(50, 0.1, 0.01), (0, 11));
    assert_eq!(report::rank_bin(0, 99), 0);
    assert_eq!(report::rank_bin(99, 99), 9);
    assert_eq!(report::rank_bin(19, 19), 9);
}
