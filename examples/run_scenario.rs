//! Library use: parse the default scenario, change a parameter, run two seeds
//! and print the day each provider became warm.
//!
//! ```text
//! cargo run --example run_scenario
//! ```
//!
//! It ends in assertions, so it doubles as a test: Cargo.toml marks it
//! `test = true` and `cargo test` runs [`main`] through the test below.

use ipwarm::scenario::{self, DEFAULT_SCENARIO_TOML};
use ipwarm::sim::{self, RunResult};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A scenario can be parsed from any TOML text; problems come back located at file:line:col.
    let mut scenario = scenario::parse(DEFAULT_SCENARIO_TOML, "default.toml")?;
    // Then changed in code like any struct: here a shorter horizon.
    scenario.horizon_days = 28;

    let runs: Vec<RunResult> = [1, 2].into_iter().map(|seed| sim::run(&scenario, seed)).collect::<Result<_, _>>()?;
    for run in &runs {
        println!("seed {}:", run.seed);
        for (provider, warm_day) in run.provider_names.iter().zip(&run.warm_day) {
            match warm_day {
                Some(day) => println!("  {provider:<12} warm on day {day}"),
                None => println!("  {provider:<12} not warm within {} days", run.horizon_days),
            }
        }
    }

    for run in &runs {
        assert_eq!(run.horizon_days, 28);
        assert_eq!(run.warm_day.len(), scenario.providers.len());
        assert!(run.warm_day.iter().flatten().all(|&day| (1..=28).contains(&day)));
        assert!(run.records.iter().all(|r| (1..=28).contains(&r.day)));
        assert!(run.totals.sent > 0, "the default scenario sends mail");
    }
    // Same scenario and seed, same result; another seed draws other recipients and outcomes.
    assert_eq!(sim::run(&scenario, 1)?.totals, runs[0].totals);
    assert_ne!(runs[0].totals, runs[1].totals);
    Ok(())
}

#[test]
fn example_runs_and_its_assertions_hold() {
    main().expect("example runs");
}
