//! `ipwarm fit`: synthetic data from a run with known provider parameters, fitted back with a
//! few particles (a few seconds on two cores); the outputs exist and parse, the fitted
//! scenario validates and runs, and the true allowance of a throttling provider lies within
//! its 90% interval. The forecast's probabilities rise and stay in [0, 1]. The README's
//! commands, as written there, work on the shipped example (`examples/fit/warmup.toml`).

use std::path::Path;

use ipwarm::observed::{CivilDate, observed_rows, write_observed};

use crate::support::{ipwarm, ok, read_csv, root};

/// A small warm-up: one new IP at Gmail and Microsoft, 10,000 messages on day 1 rising by a
/// third a day, so that both providers throttle it from the first day.
fn scenario_text(gmail_allowance: &str, microsoft_allowance: &str) -> String {
    format!(
        r#"
name = "fit-small"
seed = 5
horizon_days = 8

[audience]
size = 120000

[audience.providers]
gmail = 0.6
microsoft = 0.4

[[audience.segments]]
name = "all"
share = 1.0
open_rate = 0.2
complaint_rate = 0.0005
invalid_rate = 0.01

[providers.gmail]
base_hourly_allowance = {gmail_allowance}

[providers.microsoft]
base_hourly_allowance = {microsoft_allowance}

[[ips]]
name = "new-1"
kind = "new"

[strategy]
kind = "exponential"
start = 10000
growth = 1.3
"#
    )
}

/// Writes `observed.csv` of a run of the truth (Gmail's allowance 150, Microsoft's 100 per hour).
fn write_truth(dir: &Path) {
    let truth = ipwarm::scenario::parse(&scenario_text("150.0", "100.0"), "truth.toml").expect("valid truth");
    let result = ipwarm::sim::run(&truth, 5).expect("runs");
    let start = CivilDate::parse("2025-03-03").expect("date");
    let rows = observed_rows(&result, &truth, start);
    let mut out = Vec::new();
    write_observed(&rows, &mut out).expect("written");
    std::fs::write(dir.join("observed.csv"), out).expect("write observed.csv");
}

#[test]
fn a_fit_recovers_a_throttling_allowance_and_writes_every_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_truth(dir.path());
    let prior = r#"{ dist = "lognormal", median = 120.0, p90 = 240.0 }"#;
    std::fs::write(dir.path().join("base.toml"), scenario_text(prior, prior)).expect("write base");
    let params = "gmail.base_hourly_allowance,microsoft.base_hourly_allowance,gmail.trust_gain_per_day";
    let args = [
        "fit",
        "observed.csv",
        "--scenario",
        "base.toml",
        "--params",
        params,
        "--particles",
        "60",
        "--generations",
        "4",
        "--draws",
        "20",
        "--pilot",
        "300",
        "--forecast",
        "6",
        "--threads",
        "2",
        "--out",
        "fit",
    ];
    let out = ipwarm(dir.path(), &args);
    ok(&out);
    let fit = dir.path().join("fit");
    for name in [
        "posterior.csv",
        "posterior_summary.csv",
        "diagnostics.csv",
        "predictive.csv",
        "forecast.csv",
        "fitted.toml",
        "base_scenario.toml",
        "posterior_predictive.png",
        "forecast_warm.png",
    ] {
        assert!(fit.join(name).is_file(), "{name} missing");
    }
    for png in ["posterior_predictive.png", "forecast_warm.png"] {
        assert_eq!(&std::fs::read(fit.join(png)).expect("png")[..4], b"\x89PNG");
    }
    // The summary: the true Gmail and Microsoft allowances within their 90% intervals.
    let (header, rows) = read_csv(&fit.join("posterior_summary.csv"));
    assert_eq!(header[..7], ["parameter", "median", "p5", "p95", "prior_median", "prior_p5", "prior_p95"]);
    let interval = |name: &str| -> (f64, f64) {
        let row = rows.iter().find(|r| r[0] == name).unwrap_or_else(|| panic!("{name} in {rows:?}"));
        (row[2].parse().expect("p5"), row[3].parse().expect("p95"))
    };
    for (name, truth) in [("gmail.base_hourly_allowance", 150.0), ("microsoft.base_hourly_allowance", 100.0)] {
        let (p5, p95) = interval(name);
        assert!(p5 <= truth && truth <= p95, "{name}: {truth} outside [{p5}, {p95}]");
        // Narrower than the prior's 90% interval (about 35-330): the data tell.
        assert!(p95 - p5 < 150.0, "{name}: [{p5}, {p95}]");
    }
    // The posterior: one row per particle and generation, weights summing to 1 per generation.
    let (header, rows) = read_csv(&fit.join("posterior.csv"));
    assert_eq!(header.len(), 4 + 3);
    let (_, diagnostics) = read_csv(&fit.join("diagnostics.csv"));
    assert!(!diagnostics.is_empty() && diagnostics.len() <= 4);
    assert_eq!(rows.len(), 60 * diagnostics.len());
    let last = diagnostics.len() - 1;
    let weight: f64 = rows.iter().filter(|r| r[0] == last.to_string()).map(|r| r[2].parse::<f64>().expect("w")).sum();
    assert!((weight - 1.0).abs() < 1e-9);
    // The forecast: 14 days per provider, probabilities non-decreasing in [0, 1].
    let (header, rows) = read_csv(&fit.join("forecast.csv"));
    assert_eq!(header[..5], ["provider", "day", "date", "observed", "probability_warm"]);
    assert_eq!(rows.len(), 2 * 14);
    for provider in ["gmail", "microsoft"] {
        let p: Vec<f64> = rows.iter().filter(|r| r[0] == provider).map(|r| r[4].parse().expect("p")).collect();
        assert!(p.windows(2).all(|w| w[0] <= w[1]) && p.iter().all(|x| (0.0..=1.0).contains(x)), "{p:?}");
    }
    // The fitted scenario validates and runs.
    let fitted = std::fs::read_to_string(fit.join("fitted.toml")).expect("fitted");
    assert!(fitted.contains("base_hourly_allowance") && fitted.contains("dist = \"lognormal\""), "{fitted}");
    ok(&ipwarm(dir.path(), &["validate", "fit/fitted.toml"]));
    // The same on one thread, byte for byte.
    let mut one = args.to_vec();
    let (threads, out_dir) = (one.len() - 3, one.len() - 1);
    (one[threads], one[out_dir]) = ("1", "fit1");
    ok(&ipwarm(dir.path(), &one));
    for name in ["posterior.csv", "forecast.csv", "predictive.csv", "fitted.toml"] {
        let read = |d: &str| std::fs::read(dir.path().join(d).join(name)).expect("output");
        assert_eq!(read("fit"), read("fit1"), "{name} differs with one thread");
    }
}

#[test]
fn bad_arguments_and_data_are_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_truth(dir.path());
    let refused = |args: &[&str], needle: &str| {
        let out = ipwarm(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!dir.path().join("out").exists());
    };
    refused(&["fit", "observed.csv", "--particles", "5", "--out", "out"], "--particles");
    refused(&["fit", "observed.csv", "--particles", "100", "--max-simulations", "50", "--out", "out"], "at least");
    refused(&["fit", "observed.csv", "--params", "gmail.no_such_key", "--out", "out"], "no_such_key");
    refused(&["fit", "observed.csv", "--params", "yahoo.trust_gain_per_day", "--out", "out"], "no row of provider");
    refused(&["fit", "observed.csv", "--forecast", "400", "--out", "out"], "--forecast");
    refused(&["fit", "missing.csv", "--out", "out"], "missing.csv");
    std::fs::write(dir.path().join("bad.csv"), "date,provider\n2025-13-01,gmail\n").expect("write");
    refused(&["fit", "bad.csv", "--out", "out"], "bad.csv");
}

/// The commands of the README's section `heading`'s code block, each split into words (comments dropped).
fn readme_commands(heading: &str) -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = readme.split(heading).nth(1).unwrap_or_else(|| panic!("README.md has no {heading}"));
    let block = section.split("```sh\n").nth(1).and_then(|b| b.split("```").next()).expect("a sh block");
    block
        .lines()
        .map(|line| line.split(" #").next().unwrap_or(line).split_whitespace().map(String::from).collect())
        .filter(|words: &Vec<String>| !words.is_empty())
        .collect()
}

#[test]
fn the_readme_example_goes_from_a_kumomta_log_to_a_forecast() {
    let commands = readme_commands("## Fitting to your own data");
    let programs: Vec<&str> = commands.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(programs, ["run", "ingest", "fit"], "{commands:?}");
    // The example's files where the README's relative paths expect them.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("examples/fit")).expect("mkdir");
    let example = std::fs::read_to_string(root().join("examples/fit/warmup.toml")).expect("example");
    std::fs::write(dir.path().join("examples/fit/warmup.toml"), example).expect("copy");
    std::fs::create_dir(dir.path().join("output")).expect("mkdir");
    for command in &commands {
        assert_eq!(command[0], "ipwarm");
        let mut args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
        if args[0] == "fit" {
            // A few particles: the path, not the posterior, is tested here.
            args.extend([
                "--particles",
                "30",
                "--generations",
                "2",
                "--pilot",
                "60",
                "--draws",
                "10",
                "--threads",
                "2",
            ]);
        }
        ok(&ipwarm(dir.path(), &args));
    }
    // A KumoMTA log of a few MB, ingested into 14 days of 5 providers, fitted and forecast 42 days.
    let log = dir.path().join("output/warmup/events-kumomta.jsonl");
    let size = std::fs::metadata(&log).expect("the log").len();
    assert!((1_000_000..5_000_000).contains(&size), "{size} bytes");
    let (_, rows) = read_csv(&dir.path().join("output/observed.csv"));
    assert_eq!(rows.len(), 14 * 5);
    let fit = dir.path().join("output/fit-warmup");
    let (_, forecast) = read_csv(&fit.join("forecast.csv"));
    assert_eq!(forecast.len(), 5 * (14 + 42));
    for png in ["posterior_predictive.png", "forecast_warm.png"] {
        assert_eq!(&std::fs::read(fit.join(png)).expect("png")[..4], b"\x89PNG");
    }
}
