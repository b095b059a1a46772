//! Warm times as censored data through the real binary: `warm_times.csv` and
//! `warm_curves.csv` checked against a Kaplan–Meier estimate computed here from
//! `runs.csv`, on an experiment where most runs never get warm at Microsoft
//! within the horizon; the restricted means of `summary.csv` and
//! `differences.csv`; `plot` redrawing `warm_by_day.png` and refusing bad
//! values; `merge` and `compare` writing the same files.

use crate::support::{assert_same_files, ipwarm, ok, root};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Days simulated: too few for Microsoft in most runs (its shipped priors put it at 32-44 days in 90% of them).
const HORIZON: u32 = 36;

/// The engaged-first scenario over [`HORIZON`] days, its providers drawn from the shipped
/// priors (so that warm days differ between runs), written into `dir`.
fn base_scenario(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(root().join("scenarios/engaged_first.toml")).unwrap();
    assert!(text.contains("\nhorizon_days = 42\n"), "the shipped scenario changed");
    let mut text = text.replace("\nhorizon_days = 42\n", &format!("\nhorizon_days = {HORIZON}\n"));
    for p in ["gmail", "microsoft", "yahoo", "apple", "other"] {
        text.push_str(&format!("\n[providers.{p}]\npriors = \"shipped\"\n"));
    }
    let path = dir.join("base.toml");
    fs::write(&path, text).unwrap();
    path
}

/// Two growth factors, 8 replicates each (16 runs, under a second).
fn censored_experiment(dir: &Path) -> PathBuf {
    let base = base_scenario(dir);
    let text = format!(
        "name = \"censored\"\nscenario = \"{}\"\nreplicates = 8\nseed = 5\n\n[axes]\n\
         \"strategy.growth\" = {{ values = [1.2, 1.5] }}\n",
        base.display()
    );
    let path = dir.join("censored.toml");
    fs::write(&path, text).unwrap();
    path
}

/// A CSV file as rows of named fields.
fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(String::from)).collect()).collect()
}

/// Per (point, provider): each ok run's warm day (`None`: not warm by its horizon) and horizon.
type Observations = BTreeMap<(usize, String), Vec<(Option<u32>, u32)>>;

fn observations(runs: &[BTreeMap<String, String>]) -> Observations {
    let mut out = Observations::new();
    for run in runs.iter().filter(|r| r["status"] == "ok") {
        let point: usize = run["point"].parse().unwrap();
        let horizon: u32 = run["days_observed"].parse().unwrap();
        for (column, value) in run {
            let Some(provider) = column.strip_prefix("days_to_warm_") else { continue };
            assert_ne!(value, "NA", "every point has every provider");
            let day = (!value.is_empty()).then(|| value.parse::<u32>().unwrap());
            out.entry((point, provider.to_string())).or_default().push((day, horizon));
        }
    }
    out
}

/// The Kaplan–Meier share warm by each day 1..=last, written out from its definition.
fn km_share_warm(obs: &[(Option<u32>, u32)], last: u32) -> Vec<f64> {
    let mut survival = 1.0;
    (1..=last)
        .map(|t| {
            let at_risk = obs.iter().filter(|(w, h)| w.unwrap_or(*h) >= t).count();
            let events = obs.iter().filter(|(w, _)| *w == Some(t)).count();
            if at_risk > 0 {
                survival *= 1.0 - events as f64 / at_risk as f64;
            }
            1.0 - survival
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn warm_times_and_curves_match_a_kaplan_meier_estimate_of_runs_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = censored_experiment(tmp.path());
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "out"]));
    let dir = tmp.path().join("out");
    let runs = read_csv(&dir.join("runs.csv"));
    let obs = observations(&runs);
    let times = read_csv(&dir.join("warm_times.csv"));
    let curves = read_csv(&dir.join("warm_curves.csv"));
    assert_eq!(times.len(), obs.len(), "a row per point and provider (with `all`)");
    let censored_all: usize =
        times.iter().filter(|r| r["provider"] == "all").map(|r| r["n_censored"].parse::<usize>().unwrap()).sum();
    assert!(censored_all > 0 && censored_all < 16, "some runs, not all, never warm at every provider: {censored_all}");
    for row in &times {
        let key = (row["point"].parse::<usize>().unwrap(), row["provider"].clone());
        let o = &obs[&key];
        let n_warm = o.iter().filter(|(w, _)| w.is_some()).count();
        let field = |c: &str| row[c].parse::<f64>().unwrap();
        assert_eq!(row["days_observed"], HORIZON.to_string());
        assert_eq!(
            (row["n_runs"].as_str(), row["n_warm"].as_str(), row["n_censored"].as_str()),
            (o.len().to_string().as_str(), n_warm.to_string().as_str(), (o.len() - n_warm).to_string().as_str()),
            "{key:?}"
        );
        let share = km_share_warm(o, HORIZON);
        assert!(close(field("share_never_warm"), 1.0 - share[HORIZON as usize - 1]), "{key:?}");
        let median = share.iter().position(|s| *s >= 0.5 - 1e-12).map(|i| (i + 1).to_string()).unwrap_or_default();
        assert_eq!(row["median_days"], median, "{key:?}");
        // Every censoring is at the horizon: the restricted mean is the mean of min(T, horizon).
        let restricted = o.iter().map(|(w, h)| f64::from(w.unwrap_or(*h))).sum::<f64>() / o.len() as f64;
        assert!(close(field("restricted_mean_days"), restricted), "{key:?}");
        assert!(field("restricted_mean_ci_low") <= restricted && restricted <= field("restricted_mean_ci_high"));
        let rows: Vec<_> =
            curves.iter().filter(|c| c["point"] == row["point"] && c["provider"] == row["provider"]).collect();
        assert_eq!(rows.len(), HORIZON as usize, "{key:?}");
        for (c, expected) in rows.iter().zip(&share) {
            let t: u32 = c["day"].parse().unwrap();
            let at_risk = o.iter().filter(|(w, h)| w.unwrap_or(*h) >= t).count();
            let events = o.iter().filter(|(w, _)| *w == Some(t)).count();
            let censored = o.iter().filter(|(w, h)| w.is_none() && *h == t).count();
            assert_eq!(
                (c["at_risk"].clone(), c["events"].clone(), c["censored"].clone()),
                (at_risk.to_string(), events.to_string(), censored.to_string()),
                "{key:?} day {t}"
            );
            let (s, lo, hi) = (
                c["share_warm"].parse::<f64>().unwrap(),
                c["ci_low"].parse::<f64>().unwrap(),
                c["ci_high"].parse::<f64>().unwrap(),
            );
            assert!(close(s, *expected), "{key:?} day {t}: {s} vs {expected}");
            assert!(lo <= s + 1e-9 && s <= hi + 1e-9 && (0.0..=1.0).contains(&lo) && hi <= 1.0, "{key:?} day {t}");
        }
    }

    // summary.csv: the restricted mean, never-warm runs counted at the horizon; no mean of
    // observed warm days only.
    let summary = read_csv(&dir.join("summary.csv"));
    assert!(summary.iter().all(|r| !r["metric"].starts_with("days_to_warm_")));
    for row in summary.iter().filter(|r| r["metric"].starts_with("restricted_days_to_warm_")) {
        let provider = row["metric"].trim_start_matches("restricted_days_to_warm_");
        let t = times.iter().find(|t| t["point"] == row["point"] && t["provider"] == provider).unwrap();
        assert_eq!(row["n"], t["n_runs"], "every run counts");
        assert!(close(row["mean"].parse().unwrap(), t["restricted_mean_days"].parse().unwrap()), "{row:?}");
    }
    // differences.csv: point 1 minus point 0, replicate by replicate, on restricted times.
    let diffs = read_csv(&dir.join("differences.csv"));
    let restricted = |point: &str, rep: &str| {
        let run = runs.iter().find(|r| r["point"] == point && r["replicate"] == rep).unwrap();
        let v = &run["days_to_warm_all"];
        if v.is_empty() { f64::from(HORIZON) } else { v.parse().unwrap() }
    };
    let paired: f64 =
        (0..8).map(|r| restricted("1", &r.to_string()) - restricted("0", &r.to_string())).sum::<f64>() / 8.0;
    let row = diffs.iter().find(|r| r["metric"] == "restricted_days_to_warm_all").unwrap();
    assert_eq!(row["n"], "8");
    assert!(close(row["mean"].parse().unwrap(), paired), "{row:?} vs {paired}");

    // plot redraws the warm charts from the statistics files alone.
    for chart in ["warm_by_day.png", "outcomes.png"] {
        let before = fs::read(dir.join(chart)).unwrap();
        assert!(before.starts_with(b"\x89PNG") && before.len() > 20_000, "{chart}");
        fs::remove_file(dir.join(chart)).unwrap();
        ok(&ipwarm(tmp.path(), &["plot", "out"]));
        assert!(fs::read(dir.join(chart)).unwrap() == before, "plot redraws the same {chart}");
    }
    let original = fs::read_to_string(dir.join("warm_times.csv")).unwrap();
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let col = header.iter().position(|h| *h == "restricted_mean_days").unwrap();
    let mut fields: Vec<String> = lines[2].split(',').map(String::from).collect();
    fields[col] = "inf".into();
    lines[2] = fields.join(",");
    fs::write(dir.join("warm_times.csv"), lines.join("\n") + "\n").unwrap();
    let out = ipwarm(tmp.path(), &["plot", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("warm_times.csv: line 3, column `restricted_mean_days`: `inf` is not a finite number"),
        "{stderr}"
    );
    fs::write(dir.join("warm_times.csv"), original).unwrap();

    // Two shards merged give the same files, warm times included.
    for k in 1..=2 {
        let out = format!("s{k}");
        ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", &out, "--shard", &format!("{k}/2")]));
    }
    ok(&ipwarm(tmp.path(), &["merge", "s1", "s2", "--out", "merged"]));
    ok(&ipwarm(tmp.path(), &["plot", "out"]));
    assert_same_files(&dir, &tmp.path().join("merged"));
}

#[test]
fn compare_writes_warm_times_with_censored_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let base = base_scenario(tmp.path());
    let args = [
        "compare",
        base.to_str().unwrap(),
        "--strategy",
        "exponential:growth=1.2",
        "--strategy",
        "kumo_conservative",
        "--replicates",
        "3",
        "--out",
        "cmp",
    ];
    ok(&ipwarm(tmp.path(), &args));
    let dir = tmp.path().join("cmp");
    let times = read_csv(&dir.join("warm_times.csv"));
    let all: Vec<_> = times.iter().filter(|r| r["provider"] == "all").collect();
    assert_eq!(all.len(), 2, "one row per strategy");
    assert!(all.iter().all(|r| r["n_runs"] == "3"), "never-warm runs counted: {all:?}");
    let diffs = fs::read_to_string(dir.join("differences.csv")).unwrap();
    assert!(diffs.contains(",kumo_conservative,restricted_days_to_warm_all,3,"), "{diffs}");
    assert!(dir.join("warm_by_day.png").exists() && dir.join("warm_curves.csv").exists());
}
