//! Experiment files past their limits or holding axes that change nothing:
//! each refused at the key concerned, before any design point is built.

use super::{MAX_DESIGN_POINTS, MAX_RUNS, parse_experiment};
use crate::scenario::DEFAULT_SCENARIO_TOML;

/// The problems of experiment `text` on the default scenario, one per line
/// (`line:col: key.path: message`, the file name left out); empty if valid.
fn problems(text: &str) -> String {
    let mut read = |_: &str| Ok(("default.toml".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
    match parse_experiment(text, "e.toml", &mut read) {
        Ok(_) => String::new(),
        Err(e) => e.to_string().lines().map(|l| format!("{}\n", l.trim_start_matches("e.toml:"))).collect(),
    }
}

/// `name = "e"` and the default scenario, then `rest`.
fn exp(rest: &str) -> String {
    format!("name = \"e\"\nscenario = \"default.toml\"\n{rest}")
}

/// A range axis over `key` with `steps` values (1000 to 2000).
fn range_axis(key: &str, steps: u64) -> String {
    format!("\"{key}\" = {{ range = [1000, 2000], steps = {steps} }}\n")
}

#[test]
fn designs_too_large_to_hold_are_refused_before_they_are_expanded() {
    let why = "the most design points an experiment may hold in memory";
    // Each of these once aborted on a failed allocation or exhausted memory.
    for samples in ["1000000000000", "20000000"] {
        let text = exp(&format!(
            "design = \"lhs\"\nsamples = {samples}\n[axes]\n\"strategy.daily_volume\" = {{ range = [1000, 2000] }}\n"
        ));
        assert_eq!(
            problems(&text),
            format!("4:11: samples: must be at most {MAX_DESIGN_POINTS} ({why}), got {samples}\n")
        );
    }
    let text = exp(&format!("[axes]\n{}", range_axis("strategy.daily_volume", 1_000_000_000_000)));
    assert_eq!(
        problems(&text),
        format!("4:59: axes.\"strategy.daily_volume\".steps: must be at most 100000 ({why}), got 1000000000000\n")
    );
    // Eight axes of ten values: 10^8 points, counted, not built.
    let axes: String = (0..8).map(|i| range_axis(&format!("providers.gmail.x{i}"), 10)).collect();
    assert_eq!(
        problems(&exp(&format!("[axes]\n{axes}"))),
        format!(
            "3:1: axes: 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 values = 100000000 design points, more than the limit \
             of 100000 ({why})\n"
        )
    );
    let axes =
        format!("horizon_days = {{ range = [1, 300], steps = 300 }}\n{}", range_axis("strategy.daily_volume", 400));
    assert_eq!(
        problems(&exp(&format!("[axes]\n{axes}"))),
        format!("3:1: axes: 300 x 400 values = 120000 design points, more than the limit of 100000 ({why})\n")
    );
}

#[test]
fn runs_are_counted_against_the_limit_with_their_replicates() {
    // 2^32 replicates once wrapped to 0: a sweep of no runs.
    assert_eq!(
        problems(&exp("replicates = 4294967296\n")),
        format!(
            "3:14: replicates: must be at most {MAX_RUNS} (the most runs an experiment may plan), got 4294967296\n"
        )
    );
    let text = exp("replicates = 200000\n[axes]\nhorizon_days = { range = [1, 100], steps = 100 }\n");
    assert_eq!(
        problems(&text),
        "3:14: replicates: 100 design points x 200000 replicates = 20000000 runs, more than the limit of 10000000\n"
    );
    assert_eq!(problems(&exp("replicates = 100000\n[axes]\nhorizon_days = { range = [1, 100], steps = 100 }\n")), "");
}

#[test]
fn axes_that_change_nothing_are_refused() {
    assert_eq!(
        problems(&exp("[axes]\nseed = { values = [1, 2, 3] }\nname = { values = [\"a\", \"b\"] }\n")),
        "4:1: axes.seed: an axis over `seed` changes nothing: runs take their seeds from the experiment's `seed` and \
         their replicate, not from the scenario: use `replicates = N` for more seeds
         5:1: axes.name: an axis over `name` changes nothing: the scenario's name is not used by its runs\n"
            .replace("\n         ", "\n")
    );
    assert_eq!(
        problems(&exp("design = \"lhs\"\nsamples = 10\n")),
        "3:10: design: a Latin hypercube needs at least one axis: without one its samples are identical points (use \
         `replicates = N` to repeat runs)\n"
    );
    // Two spellings of one key path would be two identical columns.
    let text = exp(
        "[axes]\n\"strategy.daily_volume\" = { values = [1000, 2000] }\n'strategy.\"daily_volume\"' = { values = [1, 2] }\n",
    );
    assert_eq!(
        problems(&text),
        "5:1: axes.\"strategy.\\\"daily_volume\\\"\": sweeps the same key as axis `strategy.daily_volume`: a key takes \
         one axis\n"
    );
}

#[test]
fn names_descriptions_and_labels_are_checked() {
    let text = exp("description = \"x\\u001b[31m\"\n[axes]\n\"ips[0].name\" = { values = [\"a\\u001b\", \"b\"] }\n\
         \"strategy.daily_volume\" = { values = [1000, 2000], labels = [\"a\\u0007\", \"b\"] }\n")
    .replace("name = \"e\"", "name = \"e\\u001b\"");
    assert_eq!(
        problems(&text),
        "1:8: name: must match [A-Za-z0-9_-]+ (it names the output folder), got \"e\\u{1b}\"
3:15: description: must not contain control characters other than newline and tab, got '\\u{1b}' at character 2
5:29: axes.\"ips[0].name\".values[0]: must not contain control characters, got '\\u{1b}' at character 2
6:62: axes.\"strategy.daily_volume\".labels[0]: must not contain control characters, got '\\u{7}' at character 2\n"
    );
    let long = "x".repeat(65);
    let text = exp(&format!("[axes]\nhorizon_days = {{ values = [10, 20], labels = [\"{long}\", \"b\"] }}\n"))
        .replace("name = \"e\"", &format!("name = \"{long}\""));
    assert_eq!(
        problems(&text),
        "1:8: name: must have at most 64 characters, got 65
4:47: axes.horizon_days.labels[0]: must have at most 64 characters, got 65\n"
    );
}

#[test]
fn ranges_say_integer_only_for_integer_ranges() {
    let text = exp("[axes]\n\"strategy.daily_volume\" = { range = [0.1, 0.1000000000001], steps = 3 }\n");
    assert_eq!(
        problems(&text),
        "4:27: axes.\"strategy.daily_volume\": 3 steps over [0.1, 0.1000000000001] repeat values (rounded to 10 \
         decimals): use fewer steps\n"
    );
    let text = exp("[axes]\nhorizon_days = { range = [1, 3], steps = 5 }\n");
    assert_eq!(problems(&text), "4:16: axes.horizon_days: 5 integer steps do not fit in [1, 3]: values repeat\n");
    let text = exp("[axes]\nhorizon_days = { range = [-9223372036854775808, 9007199254740993], steps = 2 }\n");
    assert_eq!(
        problems(&text),
        "4:26: axes.horizon_days.range: integer ends must be within ±2^53 (9007199254740992), to be exact, got \
         -9223372036854775808\n"
    );
}
