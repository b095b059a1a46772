//! What an output folder records of what ran, and the folder names derived from it.
//!
//! Every output folder holds, as TOML, exactly what ran in it:
//! - a run folder, `scenario.toml`: the scenario after `--strategy` and `--seed`
//!   ([`scenario_record`]), so that `ipwarm run scenario.toml` repeats the run;
//! - an experiment folder, `experiment.toml` as given and, when the experiment
//!   names its base scenario by file, that file's text as `base_scenario.toml`
//!   ([`experiment_records`]);
//! - a comparison folder, `point-<i>.toml` for each design point: the scenario
//!   it ran, its strategy applied ([`compare_records`]).
//!
//! A record is checked when it is made: it must parse back into the very
//! scenario that runs, else it is an error rather than a wrong record.
//!
//! Default folder names are derived from what ran ([`run_folder_name`],
//! [`compare_name`]), so that two different comparisons do not share a folder:
//! names and strategies joined by `-`, kept within the rules of a folder name
//! (`[A-Za-z0-9_-]`, at most [`MAX_NAME_CHARS`] characters), with a short hash
//! of the whole description whenever a character had to be replaced or the
//! name cut short.

use super::compare::CompareInput;
use super::plan::{Plan, content_hash};
use super::strategy_arg::StrategyArg;
use crate::engine::seed_text;
use crate::scenario::{self, MAX_NAME_CHARS, Scenario};

/// The file name of a run's scenario record.
pub const SCENARIO_RECORD: &str = "scenario.toml";
/// The file name of an experiment's copy of its experiment file.
pub const EXPERIMENT_RECORD: &str = "experiment.toml";
/// The file name of an experiment's copy of its base scenario file.
pub const BASE_SCENARIO_RECORD: &str = "base_scenario.toml";

/// Why a record could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The scenario text could not be read or written back as TOML.
    #[error("cannot record the scenario `{scenario}`: {message}")]
    Toml {
        /// Scenario name.
        scenario: String,
        /// What went wrong.
        message: String,
    },
    /// The record does not parse back into the scenario that runs (a bug: the
    /// scenario file changed while it was read, or a strategy was applied in a
    /// way the record cannot express).
    #[error("the record of scenario `{scenario}` does not give the scenario that runs: {message}")]
    Mismatch {
        /// Scenario name.
        scenario: String,
        /// The difference, or the record's problems.
        message: String,
    },
}

/// A file of an output folder recording what ran: its name and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// File name (no folder).
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Whether `name` is the name of a record file ([`Record`]): `scenario.toml`,
/// `experiment.toml`, `base_scenario.toml` or `point-<i>.toml`.
pub fn is_record_name(name: &str) -> bool {
    let point = name.strip_prefix("point-").and_then(|r| r.strip_suffix(".toml"));
    [SCENARIO_RECORD, EXPERIMENT_RECORD, BASE_SCENARIO_RECORD].contains(&name)
        || point.is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

/// The TOML text of the scenario `ran`, run with `seed`, made from the scenario
/// file `text` (shown as `origin` in the record's first comment) with `strategy`
/// applied (as [`StrategyArg::apply`] applies it). Without a strategy and with
/// the file's own seed, the record is `text` itself, comments included; otherwise
/// `text`'s document with its `seed` and its `[strategy]` table replaced
/// (comments are then lost), under a comment that says so. A seed above
/// `i64::MAX`, TOML's largest integer, is written as text (`seed = "0x..."`).
/// Checked: the record parses into `ran` with `seed`.
pub fn scenario_record(
    text: &str,
    origin: &str,
    ran: &Scenario,
    seed: u64,
    strategy: Option<&StrategyArg>,
) -> Result<String, RecordError> {
    let toml_error = |message: String| RecordError::Toml { scenario: ran.name.clone(), message };
    let record = if strategy.is_none() && seed == ran.seed {
        text.to_string()
    } else {
        let mut doc: toml::Table = toml::from_str(text).map_err(|e| toml_error(e.message().to_string()))?;
        let mut changes = Vec::new();
        if let Some(arg) = strategy {
            let own = doc.get("strategy").and_then(toml::Value::as_table);
            let table = arg.strategy_table(own);
            doc.insert("strategy".into(), toml::Value::Table(table));
            changes.push(format!("--strategy {}", arg.text()));
        }
        if seed != ran.seed {
            let value = i64::try_from(seed).map_or_else(|_| toml::Value::String(seed_text(seed)), toml::Value::Integer);
            doc.insert("seed".into(), value);
            changes.push(format!("--seed {seed}"));
        }
        let body = toml::to_string(&doc).map_err(|e| toml_error(e.to_string()))?;
        format!(
            "# The scenario `{}` as ipwarm {} ran it: {origin}\n# with {} (its comments are not kept).\n\n{body}",
            ran.name,
            crate::VERSION,
            changes.join(" and ")
        )
    };
    check_record(&record, ran, seed)?;
    Ok(record)
}

/// Checks that `record` parses into `ran` with `seed`.
fn check_record(record: &str, ran: &Scenario, seed: u64) -> Result<(), RecordError> {
    let mismatch = |message: String| RecordError::Mismatch { scenario: ran.name.clone(), message };
    let parsed = scenario::parse(record, SCENARIO_RECORD).map_err(|e| mismatch(e.to_string()))?;
    let expected = Scenario { seed, ..ran.clone() };
    if parsed != expected {
        let differs = if parsed.strategy != expected.strategy { "its strategy differs" } else { "it differs" };
        return Err(mismatch(differs.to_string()));
    }
    Ok(())
}

/// The records of an experiment: its file `experiment_text` as given, and its
/// base scenario's text `base_text` when the experiment names it by file (an
/// inline `[scenario]` table is in the experiment file already). To run the
/// experiment again from its folder alone, point its `scenario` at
/// `base_scenario.toml`.
pub fn experiment_records(experiment_text: &str, base_text: Option<&str>) -> Vec<Record> {
    let mut records = vec![Record { name: EXPERIMENT_RECORD.into(), text: experiment_text.into() }];
    if let Some(base) = base_text {
        records.push(Record { name: BASE_SCENARIO_RECORD.into(), text: base.into() });
    }
    records
}

/// The records of the comparison `plan` made from `input` by
/// [`super::compare_plan`]: `point-<i>.toml`, the scenario design point `i`
/// ran (scenario-major: point `i` is scenario `i / s` with strategy `i % s` of
/// the `s` strategies, or the scenario's own). Its runs take the seeds of
/// `runs.csv`: `ipwarm run point-<i>.toml --seed SEED` repeats one, and
/// `ipwarm compare point-*.toml --seed ROOT --replicates N` the whole
/// comparison's runs (as scenarios rather than strategies).
pub fn compare_records(input: &CompareInput, plan: &Plan) -> Result<Vec<Record>, RecordError> {
    let per_scenario = input.strategies.len().max(1);
    let mut records = Vec::with_capacity(plan.points.len());
    for (i, point) in plan.points.iter().enumerate() {
        let (file, text) = &input.scenarios[(i / per_scenario).min(input.scenarios.len().saturating_sub(1))];
        let arg = input.strategies.get(i % per_scenario).and_then(|s| StrategyArg::parse(s).ok());
        let ran = &point.scenario;
        let record = scenario_record(text, file, ran, ran.seed, arg.as_ref())?;
        let described: Vec<String> = plan.axes.iter().zip(point.names()).map(|(a, v)| format!("{a} = {v}")).collect();
        let head = format!(
            "# Design point {i} of comparison `{}`{}: its runs take the seeds in runs.csv\n\
             # (`ipwarm run point-{i}.toml --seed SEED` repeats one).\n",
            plan.name,
            if described.is_empty() { String::new() } else { format!(" ({})", described.join(", ")) },
        );
        records.push(Record { name: format!("point-{i}.toml"), text: format!("{head}{record}") });
    }
    Ok(records)
}

/// The default folder name of a run of scenario `scenario` with the
/// `--strategy` argument `strategy`: the scenario's name, followed by the
/// strategy when one replaced the scenario's (`default-kumo_conservative`).
pub fn run_folder_name(scenario: &str, strategy: Option<&str>) -> String {
    let parts: Vec<&str> = std::iter::once(scenario).chain(strategy).collect();
    folder_name(&parts)
}

/// The name of a comparison (its default folder, and its title in charts) of
/// the scenarios labelled `scenarios` with `strategies`:
/// `compare-<scenario>-vs-<scenario>-<strategy>-vs-<strategy>`, within the
/// rules of a folder name.
pub fn compare_name(scenarios: &[String], strategies: &[String]) -> String {
    let mut parts = vec!["compare".to_string(), scenarios.join("-vs-")];
    if !strategies.is_empty() {
        parts.push(strategies.join("-vs-"));
    }
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    folder_name(&parts)
}

/// Length of the hash appended to a derived name (hex digits).
const NAME_HASH_DIGITS: usize = 8;

/// `parts` joined by `-` as a folder name: characters outside `[A-Za-z0-9_-]`
/// become `_`; if any did, or the name is longer than [`MAX_NAME_CHARS`], it is
/// cut to leave room for `-` and [`NAME_HASH_DIGITS`] hex digits of the hash of
/// `parts`, so that different parts give different names.
fn folder_name(parts: &[&str]) -> String {
    let joined = parts.join("-");
    let safe: String =
        joined.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    if safe == joined && safe.len() <= MAX_NAME_CHARS {
        return safe;
    }
    let hash = content_hash(parts);
    let keep = MAX_NAME_CHARS - NAME_HASH_DIGITS - 1;
    let mut cut: String = safe.chars().take(keep).collect();
    while cut.ends_with(['_', '-']) {
        cut.pop();
    }
    format!("{cut}-{}", &hash[..NAME_HASH_DIGITS])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DEFAULT_SCENARIO_TOML, default_scenario, folder_name_problem};

    #[test]
    fn folder_names_are_safe_short_and_distinct() {
        assert_eq!(run_folder_name("default", None), "default");
        assert_eq!(run_folder_name("default", Some("kumo_conservative")), "default-kumo_conservative");
        let with_params = run_folder_name("default", Some("exponential:growth=1.5"));
        assert!(with_params.starts_with("default-exponential_growth_1_5-"), "{with_params}");
        assert_ne!(with_params, run_folder_name("default", Some("exponential:growth=1_5")));
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(compare_name(&s(&["default"]), &[]), "compare-default");
        assert_eq!(compare_name(&s(&["a", "b"]), &[]), "compare-a-vs-b");
        assert_eq!(compare_name(&s(&["default"]), &s(&["linear", "adaptive"])), "compare-default-linear-vs-adaptive");
        assert_ne!(compare_name(&s(&["a", "b"]), &[]), compare_name(&s(&["a", "c"]), &[]));
        let long: Vec<String> = (0..20).map(|i| format!("scenario_{i}")).collect();
        let mut longer = long.clone();
        longer.push("one_more".into());
        let (a, b) = (compare_name(&long, &[]), compare_name(&longer, &[]));
        assert_ne!(a, b, "names cut short differ by their hash");
        for name in [a, b, with_params, compare_name(&s(&["dir/x.toml", "y z"]), &s(&["é:k=\"v\""]))] {
            assert_eq!(folder_name_problem(&name), None, "{name}");
        }
    }

    #[test]
    fn a_record_without_changes_is_the_file_itself() {
        let ran = default_scenario().unwrap();
        let record = scenario_record(DEFAULT_SCENARIO_TOML, "default", &ran, ran.seed, None).unwrap();
        assert_eq!(record, DEFAULT_SCENARIO_TOML);
        let other = Scenario { horizon_days: ran.horizon_days + 1, ..ran.clone() };
        let err = scenario_record(DEFAULT_SCENARIO_TOML, "default", &other, ran.seed, None).unwrap_err();
        assert!(matches!(err, RecordError::Mismatch { .. }), "{err}");
    }

    #[test]
    fn records_give_back_the_scenario_that_ran_with_its_strategy_and_seed() {
        let base = default_scenario().unwrap();
        for (arg, seed) in [
            (Some("exponential"), base.seed),
            (Some("kumo_conservative"), 7),
            (Some("exponential:growth=1.5,target=20000"), u64::MAX),
            (Some("ses_auto:daily_volume=5000"), i64::MAX as u64),
            (None, (1 << 53) + 1),
        ] {
            let arg = arg.map(|a| StrategyArg::parse(a).unwrap());
            let ran = match &arg {
                Some(a) => a.apply(&base, DEFAULT_SCENARIO_TOML).unwrap(),
                None => base.clone(),
            };
            let record = scenario_record(DEFAULT_SCENARIO_TOML, "default", &ran, seed, arg.as_ref()).unwrap();
            let parsed = scenario::parse(&record, "scenario.toml").unwrap();
            assert_eq!(parsed, Scenario { seed, ..ran.clone() });
            assert!(record.starts_with("# The scenario `default` as ipwarm"), "{record}");
        }
    }

    #[test]
    fn record_names() {
        for name in ["scenario.toml", "experiment.toml", "base_scenario.toml", "point-0.toml", "point-12.toml"] {
            assert!(is_record_name(name), "{name}");
        }
        for name in ["point-.toml", "point-x.toml", "runs.csv", "other.toml", "point-1.toml.bak"] {
            assert!(!is_record_name(name), "{name}");
        }
    }
}
