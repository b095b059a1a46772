//! Provenance of output folders: each holds what ran in it as TOML and runs
//! again from it to the same results; default folders are named after what
//! ran; seeds and axis values are written in forms readers keep exactly.

use crate::support::{files, ipwarm, ok, root};
use crate::sweep::small_experiment;
use std::fs;
use std::path::Path;

/// The rows of a CSV file, split at commas (the files read here quote nothing).
fn rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    text.lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

/// The value of `column` in every row of `rows` (its first row the header).
fn column(rows: &[Vec<String>], column: &str) -> Vec<String> {
    let i = rows[0].iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}: {:?}", rows[0]));
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn a_run_records_its_scenario_and_running_the_record_repeats_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (strategy, seed) = ("exponential:growth=1.5,target=20000", "18446744073709551615");
    ok(&ipwarm(tmp.path(), &["run", "--strategy", strategy, "--seed", seed]));
    // The default folder names the strategy that replaced the scenario's.
    let names: Vec<String> = fs::read_dir(tmp.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("default-exponential_growth_1_5_target_20000-"), "{names:?}");
    let first = tmp.path().join("output").join(&names[0]);
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(first.join("summary.json")).unwrap()).unwrap();
    let expected = serde_json::json!({"kind": "exponential", "preset": null, "label": "exponential"});
    assert_eq!(summary["strategy"], expected);
    assert_eq!(summary["seed"], "0xffffffffffffffff", "seeds are text, which no JSON reader rounds");
    let record = fs::read_to_string(first.join("scenario.toml")).unwrap();
    assert!(record.contains("\nseed = \"0xffffffffffffffff\"\n"), "{record}");
    assert!(record.contains("\ngrowth = 1.5\n"), "{record}");

    // `ipwarm run scenario.toml` repeats the run: the same files, but for the path it names.
    let recorded = first.join("scenario.toml");
    ok(&ipwarm(tmp.path(), &["run", recorded.to_str().unwrap(), "--out", "again"]));
    let again = tmp.path().join("again");
    let (a, b) = (files(&first), files(&again));
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), b.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if name == "summary.json" {
            let without_file = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v["scenario_file"] = serde_json::Value::Null;
                v
            };
            assert_eq!(without_file(x), without_file(y), "summary.json differs but for scenario_file");
        } else if name == "report.html" {
            // The same report up to the sections naming the file and the command that ran.
            let results = |bytes: &[u8]| {
                let text = String::from_utf8(bytes.to_vec()).unwrap();
                text[..text.find("<section id=\"scenario\">").expect("a scenario section")].to_string()
            };
            assert_eq!(results(x), results(y), "report.html differs before its scenario section");
        } else {
            assert!(x == y, "{name} differs when the recorded scenario runs again");
        }
    }

    // The seed as outputs write it is taken back by --seed.
    ok(&ipwarm(tmp.path(), &["run", "--strategy", strategy, "--seed", "0xffffffffffffffff", "--out", "hex"]));
    assert_eq!(fs::read(first.join("daily.csv")).unwrap(), fs::read(tmp.path().join("hex/daily.csv")).unwrap());
    // Without --strategy, the folder is the scenario's, and the record is the file itself, comments included.
    ok(&ipwarm(tmp.path(), &["run", root().join("scenarios/blast.toml").to_str().unwrap()]));
    let blast = fs::read_to_string(tmp.path().join("output/blast/scenario.toml")).unwrap();
    assert_eq!(blast, fs::read_to_string(root().join("scenarios/blast.toml")).unwrap());
}

#[test]
fn an_experiment_folder_records_its_file_and_base_scenario_and_reruns_from_them() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "first", "--series-format", "csv"]));
    let first = tmp.path().join("first");
    let experiment = fs::read_to_string(first.join("experiment.toml")).unwrap();
    assert_eq!(experiment, fs::read_to_string(&exp).unwrap(), "experiment.toml is the file as given");
    let base = fs::read_to_string(first.join("base_scenario.toml")).unwrap();
    assert_eq!(base, fs::read_to_string(tmp.path().join("base.toml")).unwrap(), "and its base scenario's text");
    // The folder's two files alone run the experiment again, its `scenario` pointed at the copy.
    let copy = tmp.path().join("copy");
    fs::create_dir(&copy).unwrap();
    let pointed: Vec<String> = experiment
        .lines()
        .map(|l| if l.starts_with("scenario = ") { "scenario = \"base_scenario.toml\"".into() } else { l.into() })
        .collect();
    fs::write(copy.join("experiment.toml"), pointed.join("\n")).unwrap();
    fs::write(copy.join("base_scenario.toml"), &base).unwrap();
    ok(&ipwarm(&copy, &["sweep", "experiment.toml", "--out", "again", "--series-format", "csv"]));
    for name in ["runs.csv", "series.csv", "summary.csv", "base_scenario.toml"] {
        assert_eq!(fs::read(first.join(name)).unwrap(), fs::read(copy.join("again").join(name)).unwrap(), "{name}");
    }
}

#[test]
fn comparisons_are_named_after_what_they_compare_and_record_each_point() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/calibration.toml");
    let compare = |strategies: &[&str], extra: &[&str]| {
        let mut args = vec!["compare", scenario.to_str().unwrap(), "--replicates", "2"];
        for s in strategies {
            args.extend(["--strategy", s]);
        }
        args.extend(extra);
        ipwarm(tmp.path(), &args)
    };
    ok(&compare(&["exponential", "linear"], &[]));
    // Another comparison of the same scenario has its own folder: nothing to resume or overwrite.
    ok(&compare(&["exponential", "kumo_conservative"], &[]));
    let dir = tmp.path().join("output/compare-calibration-exponential-vs-linear");
    assert!(dir.is_dir() && tmp.path().join("output/compare-calibration-exponential-vs-kumo_conservative").is_dir());

    // Each point's scenario, its strategy applied: comparing them again gives the same runs.
    let points = [dir.join("point-0.toml"), dir.join("point-1.toml")];
    let point1 = fs::read_to_string(&points[1]).unwrap();
    assert!(point1.starts_with("# Design point 1 of comparison `compare-calibration-exponential-vs-linear`"));
    assert!(point1.contains("[strategy]\nkind = \"linear\"\n"), "{point1}");
    let again =
        ["compare", points[0].to_str().unwrap(), points[1].to_str().unwrap(), "--replicates", "2", "--out", "again"];
    ok(&ipwarm(tmp.path(), &again));
    let (first, second) = (rows(&dir.join("runs.csv")), rows(&tmp.path().join("again/runs.csv")));
    for metric in ["seed", "status", "sent", "inbox", "complaints", "days_to_warm_all"] {
        assert_eq!(column(&first, metric), column(&second, metric), "{metric}");
    }

    // One run of a point, with its seed from runs.csv as written there.
    let (seeds, inbox) = (column(&first, "seed"), column(&first, "inbox"));
    ok(&ipwarm(tmp.path(), &["run", points[1].to_str().unwrap(), "--seed", &seeds[1], "--out", "one"]));
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("one/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["totals"]["inbox"].to_string(), inbox[1], "run 1 of the comparison, repeated alone");
    assert_eq!(summary["seed"].as_str(), Some(seeds[1].as_str()));
}

#[test]
fn runs_csv_holds_seeds_as_text_and_axis_values_as_values_with_their_labels() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = small_experiment(tmp.path(), 2);
    let text = fs::read_to_string(&exp)
        .unwrap()
        .replace("{ values = [1.3, 1.6] }", "{ values = [1.3, 1.6], labels = [\"slow\", \"fast\"] }");
    fs::write(&exp, text).unwrap();
    ok(&ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--out", "out"]));
    let dir = tmp.path().join("out");
    let runs = rows(&dir.join("runs.csv"));
    let axes = ["horizon_days", "strategy.growth", "strategy.growth_label", "strategy.start", "status"];
    assert_eq!(runs[0][4..9], axes, "each axis's values, then its labels if it has any");
    assert_eq!(runs[1][4..7], ["10", "1.3", "slow"]);
    assert!(runs[1..].iter().any(|r| r[5..7] == ["1.6", "fast"]));
    let summary = rows(&dir.join("summary.csv"));
    assert_eq!(summary[0][1..5], ["horizon_days", "strategy.growth", "strategy.growth_label", "strategy.start"]);

    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["points"][0]["values"], serde_json::json!(["10", "1.3", "1000"]));
    assert_eq!(manifest["points"][0]["labels"], serde_json::json!([null, "slow", null]));
    assert_eq!(manifest["root_seed"], "0x7");
    assert!(manifest.get("runs").is_none(), "seeds are in runs.csv: the manifest lists no runs");
    for row in &runs[1..] {
        assert!(row[3].starts_with("0x") && u64::from_str_radix(&row[3][2..], 16).is_ok(), "{row:?}");
    }
    // The listing of --dry-run has the same columns and seeds.
    let listing = ipwarm(tmp.path(), &["sweep", exp.to_str().unwrap(), "--dry-run"]);
    ok(&listing);
    let listing = String::from_utf8_lossy(&listing.stdout);
    let header = format!("run\tpoint\treplicate\tseed\t{}", axes[..4].join("\t"));
    assert!(listing.contains(&header), "{listing}");
    assert!(listing.contains(&format!("\t{}\t10\t1.3\tslow\t1000\n", runs[1][3])), "{listing}");
}
