//! Uncertain provider parameters and day-to-day variation: distributions in
//! `[providers.NAME]` (and `priors = "shipped"`) drawn once per run and
//! recorded in the outputs, byte-identical across threads and shards; bad
//! distribution tables reported at their keys; `[variation]` off is the model
//! without variation, and on it overdisperses daily counts; the spread of
//! warm days that the shipped priors give across seeds of the default
//! scenario (which draws them) and of three variants, against the published
//! 2-6 weeks.

use std::fs;
use std::path::Path;

use ipwarm::model::{PROVIDER_PARAMS, Prior, Variation};
use ipwarm::scenario::{Scenario, ScenarioError, default_scenario, parse};
use ipwarm::sim::RunResult;

use crate::support::{assert_same_files, ipwarm, ok, warm_day};

/// A small scenario: five providers, two segments, one new IP, an exponential
/// ramp; Gmail's pace and Microsoft's spike line drawn, Yahoo on its shipped priors.
const BASE: &str = concat!(
    "name = \"uncertain\"\nhorizon_days = 12\n",
    crate::support::small_world!(),
    r#"[providers.gmail]
trust_gain_per_day = { dist = "lognormal", median = 0.1, p90 = 0.2 }
[providers.microsoft]
spike_ratio = { dist = "uniform", min = 2.0, max = 3.0 }
[providers.yahoo]
priors = "shipped"
trust_gain_per_day = 0.12
"#,
);

fn parsed(text: &str) -> Scenario {
    parse(text, "test.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn problems(text: &str) -> Vec<String> {
    match parse(text, "bad.toml") {
        Err(ScenarioError::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn distributions_and_shipped_priors_are_read_in_registry_order() {
    let s = parsed(BASE);
    let keys = |p: usize| s.providers[p].priors.iter().map(|p| p.key).collect::<Vec<_>>();
    assert_eq!(keys(0), ["trust_gain_per_day"]);
    assert_eq!(s.providers[0].priors[0].prior, Prior::Lognormal { median: 0.1, p90: 0.2 });
    assert_eq!(s.providers[0].trust_gain_per_day, 0.1, "a distribution's center is the nominal value");
    assert_eq!(keys(1), ["spike_ratio"]);
    // Yahoo: every shipped prior but the pace, which the table fixes.
    let yahoo = keys(2);
    assert!(!yahoo.contains(&"trust_gain_per_day") && yahoo.contains(&"spike_ratio") && yahoo.len() == 8);
    assert_eq!(s.providers[2].trust_gain_per_day, 0.12);
    let index = |key: &str| PROVIDER_PARAMS.iter().position(|p| p.key == key);
    assert!(yahoo.windows(2).all(|w| index(w[0]) < index(w[1])));
    assert!(keys(3).is_empty() && keys(4).is_empty());
    assert_eq!(s.variation, Variation::DEFAULT, "variation is on by default");
}

#[test]
fn bad_distribution_tables_are_reported_at_their_keys_all_at_once() {
    let bad = BASE
        .replace(
            r#"{ dist = "lognormal", median = 0.1, p90 = 0.2 }"#,
            r#"{ dist = "lognorml", median = 0.1, p90 = 0.2 }"#,
        )
        .replace(
            r#"{ dist = "uniform", min = 2.0, max = 3.0 }"#,
            r#"{ dist = "uniform", min = 0.5, max = 3.0, mean = 2 }"#,
        )
        .replace(r#"priors = "shipped""#, r#"priors = "shiped""#)
        + "initial_trust = { dist = \"beta\", mean = 0.3 }\n\
           engagement_weight = { dist = \"normal\", mean = 1, sd = \"wide\" }\n\
           complaint_penalty = { dist = \"lognormal\", median = 0.05, p90 = 0.04, p95 = 1 }\n\
           base_hourly_allowance = \"lots\"\n\
           allowance_growth_trusted = { dist = \"beta\", mean = 0.5, sd = 0.1 }\n\
           spike_penalty = { median = 0.1 }\n\
           [variation]\nenabled = \"yes\"\nopen_rate_logit_sd = 4\nplacement_sd = 0.1\n";
    let got = problems(&bad);
    let expected = [
        "bad.toml:32:31: providers.gmail.trust_gain_per_day.dist: unknown dist `lognorml`, did you mean `lognormal`?",
        "bad.toml:34:41: providers.microsoft.spike_ratio.min: must be > 1, got 0.5: outside the bounds of spike_ratio (> 1)",
        "bad.toml:34:57: providers.microsoft.spike_ratio.mean: not a key of dist `uniform`: it takes `min` and `max`",
        "bad.toml:36:10: providers.yahoo.priors: unknown priors `shiped`, did you mean `shipped`?",
        "bad.toml:38:17: providers.yahoo.initial_trust.sd: missing required key",
        "bad.toml:39:55: providers.yahoo.engagement_weight.sd: expected a number, got a string",
        "bad.toml:40:64: providers.yahoo.complaint_penalty.p90: must be > median (0.05), got 0.04",
        "bad.toml:40:70: providers.yahoo.complaint_penalty.p95: unknown key, did you mean `p90`?",
        "bad.toml:41:25: providers.yahoo.base_hourly_allowance: expected a number or a distribution table",
        "bad.toml:42:37: providers.yahoo.allowance_growth_trusted.dist: a beta distribution lies in (0, 1), outside \
         the bounds of allowance_growth_trusted (>= 1)",
        "bad.toml:43:17: providers.yahoo.spike_penalty.dist: missing required key: one of `lognormal`, `uniform`",
        "bad.toml:45:11: variation.enabled: invalid type: string \"yes\", expected a boolean",
        "bad.toml:46:22: variation.open_rate_logit_sd: must be in [0, 3], got 4",
        "bad.toml:47:1: variation.placement_sd: unknown key, expected one of `enabled`, `open_rate_logit_sd`",
    ];
    for e in expected {
        assert!(got.iter().any(|g| g.starts_with(e)), "expected `{e}` in:\n{}", got.join("\n"));
    }
    assert_eq!(got.len(), expected.len(), "{}", got.join("\n"));
}

#[test]
fn the_binary_refuses_a_bad_distribution_with_exit_2_and_its_location() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = BASE.replace("min = 2.0, max = 3.0", "min = 3.0, max = 2.0");
    fs::write(tmp.path().join("bad.toml"), bad).unwrap();
    let out = ipwarm(tmp.path(), &["run", "bad.toml", "--out", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.toml:34:52: providers.microsoft.spike_ratio.max: must be > min (3), got 2"),
        "{stderr}"
    );
    assert!(!tmp.path().join("out").exists());
}

/// `summary.json` of a run of `scenario` (a file in `dir`) with `seed`, into folder `out`.
fn summary(dir: &Path, scenario: &str, seed: &str, out: &str) -> serde_json::Value {
    ok(&ipwarm(dir, &["run", scenario, "--seed", seed, "--out", out]));
    serde_json::from_str(&fs::read_to_string(dir.join(out).join("summary.json")).unwrap()).unwrap()
}

#[test]
fn each_run_draws_its_parameters_and_records_them_in_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("u.toml"), BASE).unwrap();
    let a = summary(tmp.path(), "u.toml", "5", "a");
    let again = summary(tmp.path(), "u.toml", "5", "again");
    let b = summary(tmp.path(), "u.toml", "6", "b");
    let drawn = |s: &serde_json::Value, p: usize| s["providers"][p].get("drawn_parameters").cloned();
    assert_eq!(a["providers"], again["providers"], "the same seed draws the same values");
    let gmail = drawn(&a, 0).expect("gmail draws");
    let pace = gmail["trust_gain_per_day"].as_f64().unwrap();
    assert!(pace > 0.0 && pace <= 1.0 && pace != 0.1);
    assert_ne!(drawn(&b, 0), Some(gmail), "another seed draws another value");
    let spike = drawn(&a, 1).unwrap()["spike_ratio"].as_f64().unwrap();
    assert!((2.0..3.0).contains(&spike));
    let yahoo = drawn(&a, 2).unwrap();
    let keys: Vec<&String> = yahoo.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8, "the shipped priors but the fixed pace: {keys:?}");
    assert!(drawn(&a, 3).is_none() && drawn(&a, 4).is_none(), "no key without draws");
}

/// An experiment on [`BASE`]: 2 growth factors x 3 replicates, one point widening Gmail's prior.
fn experiment(dir: &Path) -> std::path::PathBuf {
    fs::write(dir.join("base.toml"), BASE).unwrap();
    let text = r#"name = "uncertain"
scenario = "base.toml"
replicates = 3
seed = 3
[axes]
"strategy.growth" = { values = [1.3, 1.6] }
"providers.apple" = { labels = ["fixed", "drawn"], values = [{ priors = "none" }, { priors = "shipped" }] }
"#;
    let path = dir.join("exp.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_sweep_with_distributions_is_identical_across_threads_and_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = experiment(tmp.path());
    let sweep = |out: &str, extra: &[&str]| crate::sweep::sweep(tmp.path(), &exp, out, extra);
    ok(&sweep("t1", &["--threads", "1"]));
    ok(&sweep("t4", &["--threads", "4"]));
    assert_same_files(&tmp.path().join("t1"), &tmp.path().join("t4"));
    ok(&sweep("s1", &["--shard", "1/2", "--threads", "1"]));
    ok(&sweep("s2", &["--shard", "2/2", "--threads", "3"]));
    ok(&ipwarm(tmp.path(), &["merge", "s2", "s1", "--out", "merged"]));
    assert_same_files(&tmp.path().join("t1"), &tmp.path().join("merged"));
    // The drawn columns come last, the same in every row; apple's only in the points that draw them.
    let runs = fs::read_to_string(tmp.path().join("t1/runs.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(runs.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let first = header.iter().position(|h| h == "gmail.trust_gain_per_day").expect("gmail's column");
    assert_eq!(header[first + 1], "microsoft.spike_ratio");
    assert!(header[first + 2].starts_with("yahoo.") && header.last().unwrap().starts_with("apple."));
    let apple = header.iter().position(|h| h == "apple.trust_gain_per_day").expect("apple's pace");
    for row in reader.records() {
        let row = row.unwrap();
        assert_eq!(row.len(), header.len());
        assert!(!row[first].is_empty(), "gmail's pace is drawn in every run");
        let drawn = &row[header.iter().position(|h| h == "providers.apple_label").unwrap()] == "drawn";
        assert_eq!(!row[apple].is_empty(), drawn, "apple's pace is drawn where its priors are");
    }
    let summary = fs::read_to_string(tmp.path().join("t1/summary.csv")).unwrap();
    assert!(summary.contains(",gmail.trust_gain_per_day,3,"), "summarised like a metric");
    // Common random numbers: replicate r draws the same value at every design point.
    let values: Vec<Vec<String>> = csv::Reader::from_reader(runs.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    for r in &values {
        let twin = values.iter().find(|o| o[2] == r[2]).unwrap();
        assert_eq!(twin[first], r[first]);
    }
}

/// The default scenario with `variation`; with `drawn`, its providers drawn from their shipped priors as the
/// shipped file asks, otherwise fixed at their presets' values.
fn default_with(variation: Variation, drawn: bool) -> Scenario {
    let mut s = Scenario { variation, ..default_scenario().unwrap() };
    if !drawn {
        s.providers.iter_mut().for_each(|p| p.priors.clear());
    }
    s
}

fn run(s: &Scenario, seed: u64) -> RunResult {
    ipwarm::sim::run(s, seed).unwrap()
}

#[test]
fn variation_off_is_the_model_without_variation() {
    // Off, or on with every dispersion 0: nothing the variation draws reaches the run, draw for draw.
    let zero =
        Variation { enabled: true, open_rate_logit_sd: 0.0, complaint_rate_logit_sd: 0.0, placement_logit_sd: 0.0 };
    for drawn in [false, true] {
        for seed in [1, 7, 42] {
            let off = run(&default_with(Variation::OFF, drawn), seed);
            assert_eq!(off, run(&default_with(zero, drawn), seed), "seed {seed}");
            assert_eq!(off.drawn_parameters.is_empty(), !drawn);
            let on = run(&default_with(Variation::DEFAULT, drawn), seed);
            assert_ne!(off.totals, on.totals, "on changes the run");
            assert_eq!(off.drawn_parameters, on.drawn_parameters, "variation moves no drawn parameter");
        }
    }
    let text = ipwarm::scenario::DEFAULT_SCENARIO_TOML.replace("enabled = true", "enabled = false");
    assert_eq!(parsed(&text).variation, Variation::OFF);
}

/// Sample standard deviation.
fn sd(xs: &[f64]) -> f64 {
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// The `q` quantile (nearest rank) of `xs`.
fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    xs[((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1]
}

/// The opens of day `day` over every IP and provider.
fn opens_on(r: &RunResult, day: u32) -> f64 {
    r.records.iter().filter(|x| x.day == day).map(|x| x.counts.opens as f64).sum()
}

/// How far a percentile of 100 runs may stray from the published range: its sampling error, about a day at
/// Microsoft (sd of warm days 3.7, so `sqrt(0.05 * 0.95 / 100)` over the density at the 95th percentile).
const PERCENTILE_ERROR_DAYS: f64 = 1.0;

/// The published range of warm days: about two weeks at the fastest providers, up to six weeks at the slowest
/// [SES-warm; Pinpoint-warm], with the tolerance of the facts table (10-18 and 28-46 days). Over the runs of `s` with
/// `seeds`, every provider is warm within the horizon, its 5th to 95th percentiles lie within 10-46 days (to within
/// [`PERCENTILE_ERROR_DAYS`]), its median where the published figure puts it (Microsoft among the slowest, the
/// others among the fastest), and the priors spread it by more than sampling noise does (2 days, a week at
/// Microsoft).
fn assert_spread_in_published_range(label: &str, s: &Scenario, seeds: &[u64]) {
    let runs: Vec<RunResult> = seeds.iter().map(|&seed| run(s, seed)).collect();
    let (low, high) = (10.0 - PERCENTILE_ERROR_DAYS, 46.0 + PERCENTILE_ERROR_DAYS);
    for p in &s.providers {
        let (name, slow) = (p.name.as_str(), p.name == "microsoft");
        let days: Vec<f64> = runs.iter().map(|r| warm_day(r, name).map_or(99.0, f64::from)).collect();
        let (p5, p50, p95) = (quantile(&days, 0.05), quantile(&days, 0.5), quantile(&days, 0.95));
        let (median_range, min_spread) = if slow { (28.0..=46.0, 7.0) } else { (10.0..=18.0, 2.0) };
        let at = format!("{label}, {name}: 5th, 50th, 95th percentiles {p5}, {p50}, {p95}");
        assert!(days.iter().all(|&d| d <= f64::from(s.horizon_days)), "{at}: a run never warm: {days:?}");
        assert!(low <= p5 && p95 <= high, "{at}: outside {low}-{high} days");
        assert!(median_range.contains(&p50), "{at}: median outside {median_range:?}");
        assert!(p95 - p5 >= min_spread, "{at}: spread under {min_spread} days");
    }
}

/// `s` with every provider drawn from the shipped priors of its preset.
fn with_shipped_priors(mut s: Scenario) -> Scenario {
    for p in &mut s.providers {
        p.priors = ipwarm::model::shipped_priors(&ipwarm::model::ProviderParams::preset(&p.name).unwrap());
    }
    s
}

/// 100 fixed seeds.
fn hundred_seeds() -> Vec<u64> {
    (0..100).map(|i| ipwarm::engine::derive_seed(2024, &[i])).collect()
}

/// The spread of warm days across seeds of the default scenario (docs/MODEL.md, section 11, "Day-to-day
/// variation", gives these figures): variation overdisperses the daily counts several times over, but leaves the
/// warm days of its engaged list within a day; the shipped priors, which the default draws its providers from,
/// spread them across the published range.
#[test]
fn spread_across_seeds_of_the_default_scenario() {
    let seeds = hundred_seeds();
    let few = &seeds[..20];
    let off: Vec<RunResult> = few.iter().map(|&s| run(&default_with(Variation::OFF, false), s)).collect();
    let on: Vec<RunResult> = few.iter().map(|&s| run(&default_with(Variation::DEFAULT, false), s)).collect();
    // Day 30: the same volume and recipients every seed, so the opens differ only by chance.
    let opens = |runs: &[RunResult]| sd(&runs.iter().map(|r| opens_on(r, 30)).collect::<Vec<_>>());
    let (sd_off, sd_on) = (opens(&off), opens(&on));
    assert!(sd_on > 4.0 * sd_off, "opens on day 30: sd {sd_on} with variation, {sd_off} without");
    let warm =
        |runs: &[RunResult], p: &str| runs.iter().map(|r| warm_day(r, p).map_or(99.0, f64::from)).collect::<Vec<_>>();
    for p in ["gmail", "microsoft", "yahoo", "apple", "other"] {
        let (a, b) = (sd(&warm(&off, p)), sd(&warm(&on, p)));
        assert!(a <= 1.0 && b <= 1.0, "{p}: warm-day sd {a} without variation, {b} with");
    }
    // The shipped scenario draws every provider from the shipped priors of its preset.
    let drawn = default_with(Variation::DEFAULT, true);
    assert_eq!(drawn, with_shipped_priors(drawn.clone()), "the default draws the shipped priors");
    assert_spread_in_published_range("default", &drawn, &seeds);
}

/// The shipped priors are not tuned to the default scenario alone: on a ramp without a shared pool, a B2B list
/// ten times larger and a small Gmail-heavy list, the warm days stay within the published range too.
#[test]
fn shipped_priors_keep_warm_days_in_the_published_range_on_other_scenarios() {
    let variant = |name: &str, changes: &[(&str, &str)]| {
        let path = crate::support::root().join(format!("scenarios/{name}.toml"));
        let mut text = fs::read_to_string(path).unwrap();
        for (from, to) in changes {
            assert!(text.contains(from), "{name}: `{from}` not found");
            text = text.replace(from, to);
        }
        with_shipped_priors(parsed(&text))
    };
    let seeds = hundred_seeds();
    assert_spread_in_published_range("calibration", &variant("calibration", &[]), &seeds);
    let horizon = ("\nhorizon_days = 49\n", "\nhorizon_days = 56\n");
    let b2b = [horizon, ("\nsize = 200000", "\nsize = 2000000"), ("\ntarget = 100000", "\ntarget = 1000000")];
    assert_spread_in_published_range("2M B2B", &variant("microsoft_business", &b2b), &seeds);
    let small = [horizon, ("\nsize = 200000", "\nsize = 60000"), ("\ntarget = 100000", "\ntarget = 30000")];
    assert_spread_in_published_range("60k Gmail-heavy", &variant("gmail_consumer", &small), &seeds);
}
