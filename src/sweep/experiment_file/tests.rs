//! Experiment files take the scenario files' path: the same wording for the
//! same mistake, and a hash of what the runs depend on.

use super::parse_experiment;
use crate::scenario::{self, DEFAULT_SCENARIO_TOML};
use crate::sweep::Plan;

/// The experiment `text` on the default scenario, or its problems one per line.
fn parse(text: &str) -> Result<Plan, String> {
    let mut read = |_: &str| Ok(("default.toml".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
    parse_experiment(text, "f.toml", &mut read).map_err(|e| e.to_string())
}

fn plan(text: &str) -> Plan {
    parse(text).expect("valid experiment")
}

/// The problems of scenario `text`, one per line.
fn scenario_problems(text: &str) -> String {
    scenario::parse(text, "f.toml").expect_err("invalid scenario").to_string()
}

#[test]
fn both_parsers_word_toml_syntax_errors_the_same_way() {
    for text in [
        "name = \"x\"\nseed = \n",
        "name = \"x\"\nseed = 1\nseed = 2\n",
        "name = \"x\"\n[axes\n",
        "name = \"unclosed\ndescription = \"a\"\n",
        "name = 'x' junk\nhorizon_days = 3 4\n",
        "a = [1, 2\nb = 3\n",
    ] {
        let experiment = parse(text).expect_err("invalid experiment");
        assert_eq!(experiment, scenario_problems(text), "{text:?}");
        assert!(experiment.starts_with("f.toml:"), "located: {experiment}");
    }
}

#[test]
fn both_parsers_word_unknown_keys_and_wrong_types_the_same_way() {
    // `name` is a string in both; `horizn_days` is unknown to both (each suggests from its own keys).
    let text = "name = 5\nhorizn_days = 3\n";
    let (experiment, scenario) = (parse(text).expect_err("invalid experiment"), scenario_problems(text));
    let at = |problems: &str, prefix: &str| problems.lines().find(|l| l.starts_with(prefix)).map(str::to_string);
    for prefix in ["f.toml:1:8: name: ", "f.toml:2:1: horizn_days: unknown key"] {
        assert!(at(&experiment, prefix).is_some(), "{prefix} in {experiment}");
        assert!(at(&scenario, prefix).is_some(), "{prefix} in {scenario}");
    }
    assert_eq!(at(&experiment, "f.toml:1:8: "), at(&scenario, "f.toml:1:8: "));
    assert_eq!(
        at(&experiment, "f.toml:1:8: ").as_deref(),
        Some("f.toml:1:8: name: invalid type: integer `5`, expected a string")
    );
}

#[test]
fn every_problem_of_the_experiment_is_reported_at_once() {
    let text = "nme = \"x\"\nreplicates = 0\nseeds = \"paired\"\nseries = 1\n[axes]\n\"strategy.growth\" = { values = \
                [1.2], steps = 3, lables = [\"a\"] }\n";
    let err = parse(text).expect_err("invalid experiment");
    let expected = [
        "f.toml:1:1: nme: unknown key, did you mean `name`?",
        "f.toml:1:1: name: missing required key",
        "f.toml:1:1: scenario: missing required key: a scenario file path, or a [scenario] table",
        "f.toml:2:14: replicates: must be > 0, got 0",
        "f.toml:3:9: seeds: unknown seed mode `paired`, expected one of `common`, `independent`",
        "f.toml:4:10: series: invalid type: integer `1`, expected a boolean",
        "f.toml:6:39: axes.\"strategy.growth\".steps: only used with `range`",
        "f.toml:6:50: axes.\"strategy.growth\".lables: unknown key, did you mean `labels`?",
    ];
    assert_eq!(err.lines().collect::<Vec<_>>(), expected, "{err}");
}

#[test]
fn the_hash_ignores_the_replicate_count_comments_and_layout_but_not_what_runs_depend_on() {
    let text = "name = \"h\"\nscenario = \"default.toml\"\nreplicates = 2\nseed = 3\n\n[axes]\nhorizon_days = { values = [10, 12] }\n";
    let hash = plan(text).hash;
    assert_eq!(plan(&text.replace("replicates = 2", "replicates = 5")).hash, hash);
    assert_eq!(plan(&text.replace("seed = 3\n", "seed   = 3 # root seed\n")).hash, hash);
    assert_ne!(plan(&text.replace("seed = 3", "seed = 4")).hash, hash);
    assert_ne!(plan(&text.replace("[10, 12]", "[10, 13]")).hash, hash);
}

#[test]
fn lists_are_read_element_by_element() {
    let text = "name = \"l\"\nscenario = \"default.toml\"\n[axes]\nhorizon_days = { values = [10, 20], labels = \"ab\" \
                }\n";
    assert_eq!(
        parse(text).expect_err("invalid experiment"),
        "f.toml:4:46: axes.horizon_days.labels: invalid type: string \"ab\", expected an array"
    );
    let text =
        "name = \"c\"\nscenario = \"default.toml\"\n[charts]\ndraw = [\"inbox\", 3]\noutcomes = [\"inbox_shar\"]\n";
    assert_eq!(
        parse(text).expect_err("invalid experiment"),
        "f.toml:4:18: charts.draw[1]: invalid type: integer `3`, expected a string\n\
         f.toml:5:13: charts.outcomes[0]: unknown metric `inbox_shar`, did you mean `inbox_share`?"
    );
}

/// Morris and Sobol designs: their sizes, their points read on each axis (a range, a list, a
/// distribution), their unit coordinates kept, and the same points from the same seed.
#[test]
fn sampled_designs_expand_from_their_unit_points() {
    let axes = "[axes]\n\"providers.gmail.trust_gain_per_day\" = { dist = \"lognormal\", median = 0.1, p90 = 0.15 }\n\
                \"strategy.blend_days\" = { range = [20, 40] }\n\
                \"strategy.segment_order\" = { values = [\"engaged_first\", \"random\"] }\n";
    let sobol = plan(&format!("name = \"s\"\nscenario = \"d.toml\"\ndesign = \"sobol\"\nsamples = 8\n{axes}"));
    assert_eq!(sobol.points.len(), 8 * (3 + 2));
    assert_eq!(sobol.design, "sobol");
    assert_eq!(sobol.sampling, Some(crate::sweep::Design::Sobol { samples: 8, second_order: false }));
    let second = plan(&format!(
        "name = \"s\"\nscenario = \"d.toml\"\ndesign = \"sobol\"\nsamples = 8\nsecond_order = true\n{axes}"
    ));
    assert_eq!(second.points.len(), 8 * (2 * 3 + 2));
    let morris = plan(&format!("name = \"m\"\nscenario = \"d.toml\"\ndesign = \"morris\"\ntrajectories = 5\n{axes}"));
    assert_eq!(morris.points.len(), 5 * (3 + 1));
    for p in sobol.points.iter().chain(&morris.points) {
        assert_eq!(p.unit.len(), 3);
        let gain = p.scenario.providers.iter().find(|q| q.name == "gmail").map(|q| q.trust_gain_per_day);
        let gain = gain.expect("gmail");
        assert!(gain > 0.0 && gain.to_string() == p.values[0], "{gain} written as {}", p.values[0]);
        let days: f64 = p.values[1].parse().expect("an integer");
        assert!((20.0..=40.0).contains(&days) && days.fract() == 0.0, "{days}");
        assert!(["engaged_first", "random"].contains(&p.values[2].as_str()));
    }
    // Morris reads each axis at the centres of `levels` strata: a 20-40 range at 22.5 -> 23, 27.5,
    // 32.5 and 37.5 (rounded to integers), a distribution at its 12.5%, ..., 87.5% quantiles.
    let mut blend: Vec<&str> = morris.points.iter().map(|p| p.values[1].as_str()).collect();
    blend.sort();
    blend.dedup();
    assert!(blend.iter().all(|v| ["22", "23", "28", "32", "33", "38"].contains(v)), "{blend:?}");
    let again = plan(&format!("name = \"m\"\nscenario = \"d.toml\"\ndesign = \"morris\"\ntrajectories = 5\n{axes}"));
    assert_eq!(morris, again, "the same seed, the same design");
}

/// Every mistake in a sampled design's keys is reported at once, at its key.
#[test]
fn sampled_design_mistakes_are_located() {
    let err = parse(
        "name = \"x\"\nscenario = \"d.toml\"\ndesign = \"sobol\"\nsamples = 100\nlevels = 3\ntrajectories = 4\n\
         [axes]\n\"strategy.blend_days\" = { range = [20, 40], steps = 3 }\n",
    )
    .expect_err("invalid");
    for expected in [
        "f.toml:4:11: samples: must be a power of 2 for a Sobol design (its sequence is balanced only then), got 100: \
         use 64 or 128",
        "f.toml:5:10: levels: must be even",
        "f.toml:5:1: levels: only used with design = \"morris\"",
        "f.toml:6:1: trajectories: only used with design = \"morris\"",
        "steps: not used in a sampled design (lhs, morris, sobol)",
    ] {
        assert!(err.contains(expected), "{expected}\nnot in\n{err}");
    }
    let err = parse("name = \"x\"\nscenario = \"d.toml\"\ndesign = \"morris\"\n").expect_err("invalid");
    assert!(err.contains("design: a Morris design needs `trajectories = r`"), "{err}");
    assert!(err.contains("a sensitivity design needs at least one axis"), "{err}");
    let grid_dist = "name = \"x\"\nscenario = \"d.toml\"\n[axes]\n\
                     \"providers.gmail.spike_ratio\" = { dist = \"uniform\", min = 2, max = 3 }\n";
    let err = parse(grid_dist).expect_err("invalid");
    assert!(err.contains("dist: a distribution is sampled: it needs design = \"lhs\""), "{err}");
    let bad_dist = "name = \"x\"\nscenario = \"d.toml\"\ndesign = \"lhs\"\nsamples = 4\n[axes]\n\
                    \"providers.gmail.spike_ratio\" = { dist = \"uniform\", min = 3, max = 2, median = 1 }\n";
    let err = parse(bad_dist).expect_err("invalid");
    assert!(err.contains("max: must be > min (3), got 2"), "{err}");
    assert!(err.contains("median: not a key of dist `uniform`"), "{err}");
}
