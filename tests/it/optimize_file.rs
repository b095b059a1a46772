//! Optimisation files: every problem of a bad file at once, each located at
//! `file:line:col: key.path`, before any run (unknown keys with suggestions,
//! ranges outside the registry's bounds, unbounded keys, unknown metrics, the
//! family named twice or not at all, a preset's fixed table searched, a budget
//! too small for the verification reserve).

use ipwarm::optimize::{OptimizeSpec, parse_optimize};
use ipwarm::scenario::DEFAULT_SCENARIO_TOML;

/// The optimisation `text` as file `o.toml` over the default scenario, or its problems one per line.
fn parse(text: &str) -> Result<OptimizeSpec, String> {
    let mut read = |_: &str| Ok(("default.toml".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
    parse_optimize(text, "o.toml", &mut read).map_err(|e| e.to_string())
}

/// The problems of `text`, one per line.
fn problems(text: &str) -> Vec<String> {
    parse(text).expect_err("an invalid optimisation file").lines().map(str::to_string).collect()
}

#[test]
fn a_good_file_parses() {
    let text = "name = \"ok\"\nscenario = \"default.toml\"\nbudget = 2000\n[strategy]\nkind = \"exponential\"\n\
                [search]\ngrowth = { min = 1.1, max = 2.0 }\nstart = { min = 100, max = 5000, scale = \"log\" }\n\
                [objective]\nminimise = \"days_to_warm_all\"\n";
    let spec = parse(text).expect("valid");
    assert_eq!(spec.space.dims(), 2);
}

#[test]
fn every_problem_is_reported_at_once_with_its_location() {
    let text = r#"name = "bad"
scenario = "default.toml"
budget = 2000
sead = 3

[strategy]
kind = "exponential"
grwth = 1.2

[search]
growth = { min = 0.5, max = 2.0 }
target = {}
start = { min = 100, max = 5000, scael = "log" }

[objective]
minimise = "days_to_warm_al"

[[constraint]]
metric = "blocked_share"
above = 0.01
below = 0.0
max_probability = 0.05
"#;
    let expected = [
        "o.toml:4:1: sead: unknown key, did you mean `seed`?",
        "o.toml:8:1: strategy.grwth: not a parameter of kind `exponential`, did you mean `growth`?",
        "o.toml:11:18: search.growth.min: 0.5 is outside the registry's bounds of `growth` (> 1)",
        "o.toml:12:1: search.target: needs `min`: the registry's bounds of `target` (> 0) exclude their end",
        "o.toml:12:1: search.target: needs `max`: the registry's bounds of `target` (> 0) have no max",
        "o.toml:13:34: search.start.scael: unknown key, did you mean `scale`?",
        "o.toml:16:12: objective.minimise: unknown metric `days_to_warm_al`, did you mean `days_to_warm_all`?",
        "o.toml:21:1: constraint[0].below: a constraint is `above = x` or `below = x`, not both",
    ];
    assert_eq!(problems(text), expected);
}

#[test]
fn the_family_is_named_once() {
    let base = "name = \"f\"\nscenario = \"default.toml\"\nbudget = 2000\n[search]\ngrowth = {}\n\
                [objective]\nminimise = \"days_to_warm_all\"\n";
    let both = format!("{base}[strategy]\nkind = \"exponential\"\npreset = \"kumo_aggressive\"\n");
    assert_eq!(
        problems(&both),
        ["o.toml:10:1: strategy.preset: the family is `kind = ...` or `preset = ...`, not both"]
    );
    let neither = format!("{base}[strategy]\nstart = 500\n");
    let found = problems(&neither);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("o.toml:8:1: strategy: missing `kind = \"KIND\"`"), "{found:?}");
    let unknown = format!("{base}[strategy]\nkind = \"exponentail\"\n");
    assert_eq!(
        problems(&unknown),
        ["o.toml:9:8: strategy.kind: unknown kind `exponentail`, did you mean `exponential`?"]
    );
}

#[test]
fn a_presets_fixed_table_cannot_be_searched() {
    let text = "name = \"p\"\nscenario = \"default.toml\"\nbudget = 2000\n[strategy]\npreset = \"kumo_conservative\"\n\
                [search]\ndaily_volumes = {}\ntarget = { min = 1000, max = 100000 }\n\
                [objective]\nminimise = \"days_to_warm_all\"\n";
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "o.toml:7:1: search.daily_volumes: fixed by preset `kumo_conservative`: its table cannot be searched"
        ),
        "{found:?}"
    );
}

#[test]
fn a_budget_too_small_for_the_verification_is_refused_before_any_run() {
    let text = "name = \"b\"\nscenario = \"default.toml\"\nbudget = 300\n[strategy]\nkind = \"exponential\"\n\
                [search]\ngrowth = {}\n[objective]\nminimise = \"days_to_warm_all\"\n";
    let found = problems(&text.replace("growth = {}", "growth = { min = 1.1, max = 2 }"));
    assert_eq!(
        found,
        ["o.toml:3:10: budget: 300 runs are too few: the verification keeps 3 candidates x 120 replicates = 360 \
          runs and a first generation needs 4 candidates x 4 replicates = 16; give at least 376"]
    );
    // The verification must be able to show the tightest limit at all.
    let tight = text.replace("growth = {}", "growth = { min = 1.1, max = 2 }").replace("budget = 300", "budget = 3000")
        + "[[constraint]]\nmetric = \"blocked_share\"\nabove = 0\nmax_probability = 0.01\n\
           [optimizer]\nverify_replicates = 100\n";
    let found = problems(&tight);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("o.toml:15:21: optimizer.verify_replicates: no candidate could be shown safe"),
        "{found:?}"
    );
    assert!(found[0].ends_with("give verify_replicates >= 408"), "{found:?}");
}

#[test]
fn settings_out_of_range_and_unknown_presets_are_located() {
    let text = "name = \"s\"\nscenario = \"default.toml\"\nbudget = 2000\n[strategy]\nkind = \"exponential\"\n\
                [search]\ngrowth = { min = 1.1, max = 2 }\n[objective]\nmaximise = \"inbox\"\n\
                [optimizer]\npopulation = 1\nmax_replicates = 2\nconfidence = 1.5\ncompare_presets = [\"kumo_agressive\"]\n";
    let found = problems(text);
    let expected = [
        "o.toml:11:14: optimizer.population: must be in 2..=1000000, got 1",
        "o.toml:12:18: optimizer.max_replicates: max_replicates (2) must be >= initial_replicates (4)",
        "o.toml:13:14: optimizer.confidence: must be < 1, got 1.5",
        "o.toml:14:20: optimizer.compare_presets[0]: unknown preset `kumo_agressive`, did you mean `kumo_aggressive`?",
    ];
    assert_eq!(found, expected);
}

#[test]
fn candidate_problems_are_located_at_the_fixed_or_searched_key() {
    // The centre of `start` (2600) is above the fixed target: the probe candidate fails, and the
    // problem (the scenario's rule `target >= start`) is located at the key it is reported at.
    let text = "name = \"c\"\nscenario = \"default.toml\"\nbudget = 2000\n[strategy]\nkind = \"exponential\"\n\
                target = 1000\n[search]\nstart = { min = 200, max = 5000 }\n[objective]\nminimise = \"days_to_warm_all\"\n";
    assert_eq!(
        problems(text),
        ["o.toml:6:10: strategy.target: with the searched values at the centre of their ranges \
          (exponential:start=2600): must be >= start (2600), got 1000"]
    );
    // A fixed value wrong whatever is searched gets the scenario's own message.
    assert_eq!(
        problems(&text.replace("target = 1000", "target = -1")),
        ["o.toml:6:10: strategy.target: must be > 0, got -1"]
    );
    // A problem of a searched parameter is located at its range.
    let text = text
        .replace("target = 1000", "start = 3000")
        .replace("start = { min = 200, max = 5000 }", "target = { min = 1000, max = 4000 }");
    assert_eq!(
        problems(&text),
        ["o.toml:8:10: search.target: with the searched values at the centre of their ranges \
          (exponential:target=2500): strategy.target: must be >= start (3000), got 2500"]
    );
}

#[test]
fn provider_schedule_keys_name_providers_and_stay_in_bounds() {
    let text = r#"name = "ps"
scenario = "default.toml"
budget = 2000
[strategy]
kind = "provider_schedule"
"gmal.start" = 100
step_days = 2.5
[search]
growth = {}
"yahoo.start" = { min = 5 }
start = { min = 10, max = 100, step = 200 }
step_days = { scale = "log", min = 0 }
[objective]
minimise = "days_to_warm_gmail"
"#;
    let expected = [
        "o.toml:6:1: strategy.\"gmal.start\": unknown provider `gmal`, did you mean `gmail`?",
        "o.toml:7:13: strategy.step_days: must be a whole number, got 2.5",
        "o.toml:10:25: search.\"yahoo.start\".min: 5 is outside the bounds of `start` in `provider_schedule` \
         ([10, 1000000])",
        "o.toml:11:39: search.start.step: 200 is wider than the range [10, 100]",
        "o.toml:12:1: search.step_days: also fixed in [strategy] (strategy.step_days): a parameter is fixed or searched",
    ];
    assert_eq!(problems(text), expected);
}

/// A file with every section, every value replaced in turn by values of every kind and every line
/// deleted in turn: the parser never panics, and every problem it reports is located.
#[test]
fn mutated_files_give_located_problems_never_a_panic() {
    let good = r#"name = "m"
scenario = "default.toml"
seed = 3
budget = 2000
[strategy]
kind = "exponential"
target = 60000
[search]
growth = { min = 1.1, max = 2.0, step = 0.1 }
start = { min = 100, max = 5000, scale = "log" }
[objective]
minimise = "days_to_warm_all"
[[constraint]]
metric = "blocked_share"
above = 0.01
max_probability = 0.05
[optimizer]
population = 6
max_replicates = 16
verify_replicates = 100
compare_presets = ["kumo_aggressive"]
"#;
    parse(good).expect("the unmutated file is valid");
    let lines: Vec<&str> = good.lines().collect();
    let replacements = ["-1", "0", "nan", "-inf", "1e308", "\"x\"", "[]", "{}", "true", "{ min = 0 }"];
    let mut files = Vec::new();
    for i in 0..lines.len() {
        let mut deleted = lines.clone();
        deleted.remove(i);
        files.push(deleted.join("\n"));
        let Some((key, _)) = lines[i].split_once(" = ") else { continue };
        for r in replacements {
            let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            changed[i] = format!("{key} = {r}");
            files.push(changed.join("\n"));
        }
    }
    let mut invalid = 0;
    for text in &files {
        if let Err(e) = parse(text) {
            invalid += 1;
            for line in e.lines() {
                let located = line.split(':').nth(1).is_some_and(|n| n.parse::<usize>().is_ok());
                assert!(line.starts_with("o.toml:") && located, "unlocated problem `{line}` of\n{text}");
            }
        }
    }
    assert!(invalid > files.len() / 2, "{invalid} of {} mutated files refused", files.len());
}
