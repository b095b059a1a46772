//! JSON Schemas of the input formats (`schemas/*.schema.json`): generated from
//! the code (`ipwarm schema FORMAT` prints the same text), every shipped
//! scenario, experiment and optimisation file validates against its schema,
//! and so do the files `ipwarm init` writes; broken files do not, and
//! `.taplo.toml` associates each schema with its folder in editors.
//!
//! Regenerate the shipped schemas after a change of the input formats with
//! `IPWARM_UPDATE_SCHEMAS=1 cargo test --test it schemas::` and review the diff.
//! Validation here is by `boon`, a complete JSON Schema validator (draft-07,
//! the draft the schemas declare and editors read).

use std::fs;
use std::path::{Path, PathBuf};

use ipwarm::schema::{Format, schema_text};
use serde_json::Value;

use super::support::{ipwarm, ok, root, shipped_scenarios};

/// `schemas/<format>.schema.json`.
fn schema_path(format: Format) -> PathBuf {
    root().join("schemas").join(format.file_name())
}

/// The shipped files of `dir` (`experiments`, `optimizations`), sorted.
fn shipped_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A TOML document as the JSON value an editor validates.
fn as_json(toml_text: &str) -> Value {
    toml::from_str(toml_text).expect("the test input is TOML")
}

/// The shipped schema of `format`, compiled.
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(format: Format) -> Self {
        let text = fs::read_to_string(schema_path(format)).expect("shipped schema");
        let json: Value = serde_json::from_str(&text).expect("the schema is JSON");
        let url = format!("file:///schemas/{}", format.file_name());
        let mut compiler = boon::Compiler::new();
        compiler.set_default_draft(boon::Draft::V7);
        compiler.add_resource(&url, json).expect("add the schema");
        let mut schemas = boon::Schemas::new();
        let index = compiler.compile(&url, &mut schemas).unwrap_or_else(|e| panic!("{e:#}"));
        Self { schemas, index }
    }

    /// `Err` with boon's message when `toml_text` does not validate.
    fn check(&self, toml_text: &str) -> Result<(), String> {
        let instance = as_json(toml_text);
        self.schemas.validate(&instance, self.index).map_err(|e| format!("{e}"))
    }
}

#[test]
fn the_shipped_schemas_are_generated_from_the_code() {
    let update = std::env::var_os("IPWARM_UPDATE_SCHEMAS").is_some();
    for format in Format::ALL {
        let path = schema_path(format);
        let generated = schema_text(format);
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &generated).unwrap();
            continue;
        }
        let shipped = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            shipped == generated,
            "{} is out of date: run `IPWARM_UPDATE_SCHEMAS=1 cargo test --test it schemas::` and review the diff",
            path.display()
        );
    }
}

#[test]
fn the_schema_command_prints_the_shipped_schemas() {
    let dir = tempfile::tempdir().unwrap();
    for format in Format::ALL {
        let out = ipwarm(dir.path(), &["schema", format.name()]);
        ok(&out);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), schema_text(format), "{}", format.name());
    }
}

#[test]
fn every_shipped_file_validates_against_its_schema() {
    let cases = [
        (Format::Scenario, shipped_scenarios()),
        (Format::Experiment, shipped_files("experiments")),
        (Format::Optimization, shipped_files("optimizations")),
    ];
    for (format, files) in cases {
        let validator = Validator::new(format);
        assert!(!files.is_empty());
        for file in files {
            let text = fs::read_to_string(&file).unwrap();
            if let Err(e) = validator.check(&text) {
                panic!("{} does not validate against its schema:\n{e}", file.display());
            }
        }
    }
}

#[test]
fn the_starting_files_of_init_validate_against_their_schema() {
    let dir = tempfile::tempdir().unwrap();
    for format in Format::ALL {
        let file = format!("{}.toml", format.name());
        ok(&ipwarm(dir.path(), &["init", format.name(), "--out", &file]));
        let text = fs::read_to_string(dir.path().join(&file)).unwrap();
        if let Err(e) = Validator::new(format).check(&text) {
            panic!("`ipwarm init {}` does not validate:\n{e}", format.name());
        }
    }
}

/// `base` with `from` replaced by `to` (which must occur).
fn edit(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "`{from}` is not in the base file");
    base.replacen(from, to, 1)
}

/// Every edit of `base` must fail validation, naming `expected` in boon's message.
fn check_broken(format: Format, base: &Path, cases: &[(&str, &str, &str)]) {
    let validator = Validator::new(format);
    let base = fs::read_to_string(base).unwrap();
    validator.check(&base).expect("the base file is valid");
    for (from, to, expected) in cases {
        let broken = edit(&base, from, to);
        match validator.check(&broken) {
            Ok(()) => panic!("`{to}` passes the {} schema", format.name()),
            Err(e) => assert!(e.contains(expected), "`{to}`: expected `{expected}` in\n{e}"),
        }
    }
}

#[test]
fn broken_scenarios_do_not_validate() {
    let strategy = "[strategy]\nkind = \"auto_blend\"";
    let cases = [
        // Wrong type, unknown key, a table as a value; in the strategy table: out of bounds, another
        // kind's key, an unknown kind, a bad choice, a key a preset fixes.
        ("horizon_days = 56", "horizon_days = \"56\"", "/horizon_days"),
        ("horizon_days = 56", "horizon_dayz = 56", "horizon_dayz"),
        ("[sending]", "[sending]\nstart_hours = 8", "start_hours"),
        ("[sending]", "sending = [8, 20]\n[sendingx]", "/sending"),
        ("blend_days = 45", "blend_days = 0", "/strategy/blend_days"),
        ("blend_days = 45", "blend_days = 45.5", "/strategy/blend_days"),
        (strategy, "[strategy]\nkind = \"auto_blend\"\ngrowth = 1.3", "growth"),
        (strategy, "[strategy]\nkind = \"auto_blendd\"", "/strategy/kind"),
        ("segment_order = \"engaged_first\"", "segment_order = \"loudest\"", "/strategy/segment_order"),
    ];
    check_broken(Format::Scenario, &root().join("scenarios/default.toml"), &cases);
}

#[test]
fn broken_experiments_do_not_validate() {
    let cases = [
        ("replicates = 20", "replicates = \"20\"", "/replicates"),
        ("replicates = 20", "replicate = 20", "replicate"),
        ("[axes.strategy]", "[axes.strategy]\nsteps = 1.5", "/axes/strategy/steps"),
        ("scenario = \"../scenarios/default.toml\"", "scenario = 3", "/scenario"),
    ];
    check_broken(Format::Experiment, &root().join("experiments/strategies.toml"), &cases);
}

#[test]
fn broken_optimizations_do_not_validate() {
    let cases = [
        // Top-level keys: wrong type, unknown key, out of bounds, a required key missing.
        ("budget = 2000", "budget = \"2000\"", "/budget"),
        ("budget = 2000", "budget = 0", "/budget"),
        ("budget = 2000", "budgets = 2000", "budgets"),
        ("name = \"fastest_safe\"", "", "name"),
        // The family: an unknown kind, both kind and preset, neither.
        ("kind = \"provider_schedule\"", "kind = \"provider_schedul\"", "/strategy/kind"),
        ("kind = \"provider_schedule\"", "kind = \"provider_schedule\"\npreset = \"ses_auto\"", "/strategy"),
        ("kind = \"provider_schedule\"", "growth = 1.3", "/strategy"),
        // A range: a number as a range, an unknown key, a bad scale, a step <= 0; an empty [search].
        ("growth = { min = 1.02, max = 1.6 }  ", "growth = 1.3  ", "/search/growth"),
        ("growth = { min = 1.02, max = 1.6 }  ", "growth = { min = 1.02, maks = 1.6 }", "maks"),
        ("scale = \"log\"", "scale = \"logarithmic\"", "/search/start/scale"),
        ("max = 20000,", "max = 20000, step = 0,", "/search/start/step"),
        // The objective: both directions, an unknown metric.
        ("minimise = \"days_to_warm_all\"", "minimise = \"days_to_warm_all\"\nmaximise = \"inbox\"", "/objective"),
        ("minimise = \"days_to_warm_all\"", "minimise = \"dayz\"", "/objective/minimise"),
        // A constraint: both thresholds, a probability out of (0, 1), no metric; the optimiser's settings.
        ("above = 0.01", "above = 0.01\nbelow = 0.0", "/constraint/0"),
        ("max_probability = 0.10", "max_probability = 1.0", "/constraint/2/max_probability"),
        ("metric = \"blocked_share\"", "", "/constraint/0"),
        ("confidence = 0.95", "confidence = 0.4", "/optimizer/confidence"),
        ("compare_presets = [\"all\"]", "compare_presets = [\"al\"]", "/optimizer/compare_presets/0"),
    ];
    check_broken(Format::Optimization, &root().join("optimizations/optimize.toml"), &cases);
}

#[test]
fn taplo_associates_each_schema_with_its_files() {
    let config: toml::Table = toml::from_str(&fs::read_to_string(root().join(".taplo.toml")).unwrap()).unwrap();
    let rules = config["rule"].as_array().expect("[[rule]]");
    let globs = [
        (Format::Scenario, "scenarios/*.toml"),
        (Format::Experiment, "experiments/*.toml"),
        (Format::Optimization, "optimizations/*.toml"),
    ];
    for (format, glob) in globs {
        let rule = rules
            .iter()
            .find(|r| r["include"].as_array().is_some_and(|i| i.iter().any(|g| g.as_str() == Some(glob))))
            .unwrap_or_else(|| panic!("no rule for {glob}"));
        let path = rule["schema"]["path"].as_str().expect("schema.path");
        assert_eq!(path, format!("./schemas/{}", format.file_name()));
        assert!(root().join(path).is_file(), "{path}");
        assert!(rule.get("exclude").is_none(), "{glob}: every file of the folder is of its format");
    }
}
