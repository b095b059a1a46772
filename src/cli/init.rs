//! `ipwarm init [scenario|experiment|optimization]`: a commented file to start from, on
//! standard output (`ipwarm init scenario > my.toml`) or written to `--out`
//! (never over an existing file without `--force`; see
//! [`super::owned::write_user_file`]).
//!
//! The scenario is the embedded default scenario, the reference of the format
//! with every key explained, renamed after the file and, with `--preset NAME`,
//! with its `[strategy]` table replaced by that preset (or kind on its
//! defaults) and the parameters it takes. The experiment is a small one over
//! three strategies on a scenario file (`--scenario`, default `scenario.toml`).
//! The optimisation searches an exponential ramp's start and growth on such a
//! file for the fastest safe warm-up, every key and optimiser setting
//! explained. Each is validated before it is written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::{Args, ValueEnum, ValueHint};
use ipwarm::scenario::{self, DEFAULT_SCENARIO_TOML, MAX_NAME_CHARS};
use ipwarm::strategy::registry::COMMON;
use ipwarm::strategy::{StrategyKind, catalog, presets::preset};
use ipwarm::sweep::{self, StrategyArg};

use super::Failure;
use super::owned::write_user_file;

/// `--help` examples.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm init scenario > my.toml              the default scenario, every key explained
  ipwarm init scenario --out my.toml          the same into my.toml (named `my`); never over an existing file
  ipwarm init scenario --preset kumo_conservative --out kumo.toml
                                              with a published plan (or a kind) as its strategy
  ipwarm init experiment --scenario my.toml --out exp.toml
                                              three strategies on my.toml, 5 replicates each
  ipwarm init optimization --scenario my.toml --out opt.toml
                                              the fastest safe exponential ramp for my.toml
  ipwarm validate my.toml exp.toml opt.toml   then `ipwarm run my.toml`, `ipwarm sweep exp.toml`,
                                              `ipwarm optimize opt.toml`

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// What `ipwarm init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitKind {
    /// A scenario: the default one, every key explained.
    Scenario,
    /// An experiment over three strategies on a scenario file.
    Experiment,
    /// An optimisation (`ipwarm optimize`) of an exponential ramp on a scenario file.
    Optimization,
}

/// Arguments of `ipwarm init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// What to write.
    #[arg(value_enum, value_name = "KIND", default_value_t = InitKind::Scenario)]
    kind: InitKind,
    /// Scenario only: its strategy, a preset or a strategy kind on its defaults (`ipwarm strategies`
    /// lists them) [default: the default scenario's automatic warm-up].
    #[arg(long, value_name = "NAME", value_parser = super::strategies::StrategyName, hide_possible_values = true)]
    preset: Option<String>,
    /// Experiment or optimisation only: its base scenario file, as a path relative to the file
    /// written [default: scenario.toml].
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    scenario: Option<String>,
    /// Write the file here instead of standard output; its name (without `.toml`) names the scenario,
    /// experiment or optimisation. An existing file is refused unless --force.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    out: Option<PathBuf>,
    /// Replace --out if it exists.
    #[arg(long, requires = "out")]
    force: bool,
}

/// Name of the scenario, experiment or optimisation when `--out` does not give one.
const FALLBACK_NAMES: [&str; 3] = ["my_scenario", "my_experiment", "my_optimization"];

/// Writes the starting file.
pub fn init(args: InitArgs) -> Result<(), Failure> {
    let usage = |flag: &str, kind: &str| Failure::input(anyhow!("{flag} applies to `ipwarm init {kind}` only"));
    let stem = args.out.as_deref().and_then(name_of);
    let text = match args.kind {
        InitKind::Scenario => {
            if args.scenario.is_some() {
                return Err(usage("--scenario", "experiment|optimization"));
            }
            let name = stem.or(args.preset.clone()).unwrap_or_else(|| FALLBACK_NAMES[0].to_string());
            scenario_text(&name, args.preset.as_deref())?
        }
        InitKind::Experiment => {
            if args.preset.is_some() {
                return Err(usage("--preset", "scenario"));
            }
            let name = stem.unwrap_or_else(|| FALLBACK_NAMES[1].to_string());
            experiment_text(&name, args.scenario.as_deref().unwrap_or("scenario.toml"))?
        }
        InitKind::Optimization => {
            if args.preset.is_some() {
                return Err(usage("--preset", "scenario"));
            }
            let name = stem.unwrap_or_else(|| FALLBACK_NAMES[2].to_string());
            optimization_text(&name, args.scenario.as_deref().unwrap_or("scenario.toml"))?
        }
    };
    let Some(out) = args.out else {
        return super::stdout::write_document(text.as_bytes())
            .context("cannot write to standard output")
            .map_err(Failure::runtime);
    };
    write_user_file(&out, text.as_bytes(), args.force)?;
    let shown = out.display();
    match args.kind {
        InitKind::Scenario => {
            outln!("wrote {shown}: check it with `ipwarm validate {shown}`, run it with `ipwarm run {shown}`")
        }
        InitKind::Experiment => outln!(
            "wrote {shown}: check it with `ipwarm validate {shown}`, list its runs with `ipwarm sweep {shown} --dry-run`"
        ),
        InitKind::Optimization => outln!(
            "wrote {shown}: check it with `ipwarm validate {shown}`, see its search with `ipwarm optimize {shown} --dry-run`"
        ),
    }
    Ok(())
}

/// The file name of `path` without `.toml`, if it is a valid scenario, experiment or optimisation name.
fn name_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let valid = stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (valid && !stem.is_empty() && stem.chars().count() <= MAX_NAME_CHARS).then(|| stem.to_string())
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The default scenario named `name`, its strategy replaced by `strategy` if given.
pub fn scenario_text(name: &str, strategy: Option<&str>) -> Result<String, Failure> {
    let internal = |what: &str| Failure::runtime(anyhow!("the embedded default scenario has no {what}"));
    let mut text = DEFAULT_SCENARIO_TOML.to_string();
    let name_line = "\nname = \"default\"\n";
    if text.matches(name_line).count() != 1 {
        return Err(internal("`name = \"default\"` line"));
    }
    text = text.replacen(name_line, &format!("\nname = {}\n", quoted(name)), 1);
    let mut origin = String::from("the default scenario");
    if let Some(strategy) = strategy {
        // Checked as `--strategy` is: a known name (or a suggestion), on these IPs.
        let arg = StrategyArg::parse_flag("--preset", strategy).map_err(Failure::input)?;
        if arg.has_parameters() {
            return Err(Failure::input(anyhow!("--preset takes a name: set parameters in the file")));
        }
        let default = scenario::default_scenario().map_err(Failure::runtime)?;
        arg.apply(&default, DEFAULT_SCENARIO_TOML).map_err(Failure::input)?;
        let (kind, preset_name) = catalog::by_name(strategy).map_err(Failure::input)?;
        let description =
            text.lines().find(|l| l.starts_with("description = ")).ok_or_else(|| internal("description"))?.to_string();
        let label = match preset_name {
            Some(p) => format!("preset {p} ({})", kind.name()),
            None => format!("kind {}", kind.name()),
        };
        let new_description = format!("The default scenario's list and IPs, warmed with {label}");
        text = text.replacen(&description, &format!("description = {}", quoted(&new_description)), 1);
        let at = text.find("\n[strategy]\n").ok_or_else(|| internal("[strategy] table"))?;
        if text[at + 1..].lines().skip(1).any(|l| l.trim_start().starts_with('[')) {
            return Err(internal("[strategy] table at its end"));
        }
        text.truncate(at + 1);
        text.push_str(&strategy_table(&kind, preset_name));
        origin = format!("the default scenario with {label} as its strategy");
    }
    let header = format!(
        "# Written by `ipwarm init scenario` (ipwarm {}) from {origin}.\n\
         # Check it with `ipwarm validate FILE`, run it with `ipwarm run FILE`.\n#\n",
        env!("CARGO_PKG_VERSION")
    );
    let text = header + &text;
    scenario::parse(&text, "the new scenario").map_err(|e| Failure::runtime(anyhow!("{e}")))?;
    Ok(text)
}

/// The `[strategy]` table of `kind` (on its defaults, every parameter listed as
/// a comment) or of preset `preset_name`, in the engaged-first order.
fn strategy_table(kind: &StrategyKind, preset_name: Option<&str>) -> String {
    let entry = kind.entry();
    let mut out = String::from("[strategy]\n");
    match preset_name.and_then(preset) {
        Some(p) => {
            comment(&mut out, &format!("Preset `{}`: {}.", p.name, p.summary));
            comment(&mut out, &format!("Source: {}.", p.source));
            let keys: Vec<&str> = entry.params().filter(|s| !s.fixed_by_preset).map(|s| s.key).collect();
            comment(
                &mut out,
                &format!(
                    "Parameters of kind `{}` that may be set here to override the plan's: {} (`ipwarm strategies` \
                     gives their meaning and accepted values).",
                    entry.name,
                    keys.join(", ")
                ),
            );
            let _ = writeln!(out, "kind = \"preset\"\nname = {}", quoted(p.name));
        }
        None => {
            comment(&mut out, &format!("Kind `{}`: {}.", entry.name, entry.summary));
            comment(&mut out, "Its parameters, at their defaults: uncomment a line to change it.");
            let _ = writeln!(out, "kind = {}", quoted(entry.name));
            for p in entry.params() {
                let when = p.when.map(|c| format!(" (with {c})")).unwrap_or_default();
                let unit = if p.unit.is_empty() { String::new() } else { format!(" [{}]", p.unit) };
                let line = match p.default {
                    ipwarm::strategy::param::ParamDefault::Absent(meaning) => {
                        format!("# {}: {}{unit}{when}; when absent: {meaning}", p.key, p.doc)
                    }
                    default => format!("# {} = {default}  # {}{unit}{when}", p.key, p.doc),
                };
                let _ = writeln!(out, "{line}");
            }
        }
    }
    for p in COMMON.params {
        if p.key == "segment_order" {
            let _ = writeln!(out, "segment_order = {}  # {}", p.default, p.doc);
        }
    }
    out
}

/// Appends `text` as `#` comment lines of at most about 100 characters.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split(' ') {
        if line.len() > 1 && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// A small experiment named `name` over three strategies on the scenario file `scenario_file`.
pub fn experiment_text(name: &str, scenario_file: &str) -> Result<String, Failure> {
    let text = format!(
        r#"# Written by `ipwarm init experiment` (ipwarm {version}): three warm-up strategies on one
# scenario, 5 replicates each. Check it with `ipwarm validate FILE`, list its runs with
# `ipwarm sweep FILE --dry-run`, run them with `ipwarm sweep FILE` (summaries and charts in
# output/<name>/). Every problem in this file, in the base scenario or in any design point is
# reported at once as `file:line:col: key.path: message` before the first run.

# Short name (letters, digits, `_`, `-`): the default output folder is output/<name>/. Required.
name = {name}
description = "Three warm-up strategies on the same list, 5 replicates each"

# The base scenario: a path relative to this file, or an inline [scenario] table with the keys of
# a scenario file (`ipwarm init scenario` writes one). Required.
scenario = {scenario}

# Runs per design point (>= 1; default 1), each with other random draws. To add replicates to
# finished results, raise it and run the sweep again with --resume: only the new runs are run.
replicates = 5

# Root seed of every run's seed (default 1); the scenario's own `seed` is not used.
seed = 1

# "common" (default): replicate r of every design point gets the same seed, so differences between
# points are paired (less noise); "independent": every run has its own seed.
seeds = "common"

# How the axes combine: "grid" (default, every combination, the first axis varying slowest),
# "zip" (the i-th values together) or "lhs" (a Latin hypercube of `samples = N` points).
design = "grid"

# Sweep axes: each key is the key path of a scenario parameter ("horizon_days",
# "strategy.growth", "audience.segments[1].share", "providers.gmail.trust_gain_per_day"), each
# value a table with `values = [...]` (any TOML values, with optional `labels = [...]`) or
# `range = [lo, hi], steps = n` (n evenly spaced values, ends included). Uncomment a line to add
# a second axis: 3 x 2 design points in a grid, charted as heatmaps.
[axes]
# "horizon_days" = {{ values = [28, 42] }}
# "audience.size" = {{ range = [100000, 400000], steps = 2 }}

# This axis replaces the whole [strategy] table of the base scenario (`ipwarm strategies` lists
# every kind and preset with its parameters).
[axes.strategy]
labels = ["exponential x1.3", "linear in 30 days", "adaptive"]
values = [
  {{ kind = "exponential", start = 1000.0, growth = 1.3 }},
  {{ kind = "linear", start = 1000.0, ramp_days = 30 }},
  {{ kind = "adaptive", start = 1000.0 }},
]
"#,
        version = env!("CARGO_PKG_VERSION"),
        name = quoted(name),
        scenario = quoted(scenario_file),
    );
    // The file's own keys are checked here; its scenario is read when it is validated or run.
    let mut stand_in = |_: &str| Ok(("default".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
    sweep::parse_experiment(&text, "the new experiment", &mut stand_in)
        .map_err(|e| Failure::runtime(anyhow!("{e}")))?;
    Ok(text)
}

/// An optimisation named `name` of an exponential ramp on the scenario file `scenario_file`.
pub fn optimization_text(name: &str, scenario_file: &str) -> Result<String, Failure> {
    let text = format!(
        r#"# Written by `ipwarm init optimization` (ipwarm {version}): the fastest exponential warm-up of
# a scenario that stays safe. Check it with `ipwarm validate FILE`, see the search space, the
# budget's split and the seeds with `ipwarm optimize FILE --dry-run`, run it with
# `ipwarm optimize FILE` (the best plan as best_plan.toml, its verification, and a comparison with
# the presets and the scenario's own strategy, in output/<name>/). Every problem in this file or
# in its base scenario is reported at once as `file:line:col: key.path: message` before the
# first run. Every key and the method: docs/OPTIMIZE.md.

# Short name (letters, digits, `_`, `-`): the default output folder is output/<name>/. Required.
name = {name}
# Free text shown in summaries.
description = "Fastest exponential warm-up with P(blocks) <= 5% and P(complaint spike) <= 5%"

# The base scenario: a path relative to this file, or an inline [scenario] table with the keys of
# a scenario file (`ipwarm init scenario` writes one). Its own strategy is compared with the best
# plan at the end. Required.
scenario = {scenario}

# Root seed of every run's seed (default 1); the scenario's own `seed` is not used.
seed = 1

# Runs of the search and of the verification (the final comparison's are extra). Required: at
# least verify_candidates x verify_replicates runs for the verification plus a first generation
# (population x initial_replicates); the rest goes to the search.
budget = 1000

# The family of plans searched: `kind = "KIND"` (a strategy kind: `ipwarm strategies` lists them
# with their parameters), `kind = "provider_schedule"` (a start volume and a growth per provider)
# or `preset = "NAME"` (a published plan). Every other key fixes a parameter of the family; a key
# is fixed here or searched in [search], not both. Required.
[strategy]
kind = "exponential"   # start x growth ^ (day - 1) messages/day, up to target
# target = 100000   # daily volume at which growth stops [messages/day]; when absent: the list size

# The searched parameters, at least one: each a numeric parameter of the family with its range
# `{{ min, max, scale, step }}`, every key optional (min and max default to the parameter's bounds
# where they are closed; scale "linear" or "log", log for volumes spanning orders of magnitude;
# step, a grid of values `min + k step`). Required.
[search]
start = {{ min = 100, max = 20000, scale = "log" }}   # total volume on day 1 [messages/day]
growth = {{ min = 1.05, max = 2.0 }}                   # daily growth factor

# What is optimised, the mean over a candidate's replicates: `minimise` or `maximise` a run metric
# (a runs.csv column: days_to_warm_all, inbox, blocked_share, peak_complaint_rate, ... or
# days_to_warm_PROVIDER). Required.
[objective]
minimise = "days_to_warm_all"   # the days until every provider is warm

# Chance constraints, any number: P(metric above (or `below`) a threshold) <= max_probability,
# thresholds in runs.csv units (shares as fractions: 0.01 is 1%). A plan is called safe only when
# every constraint's Clopper-Pearson upper bound, from its verification runs, is within its limit.
[[constraint]]
metric = "blocked_share"   # the share of the mail blocked
above = 0.01               # more than 1% blocked is a violation
max_probability = 0.05     # allowed in at most 5% of runs

[[constraint]]
metric = "peak_complaint_rate"   # the highest daily complaint rate
above = 0.002                    # above 0.2% is a violation
max_probability = 0.05           # allowed in at most 5% of runs

# The optimiser's settings, every key optional (here at their defaults).
[optimizer]
# population = 6          # CMA-ES candidates per generation (default 4 + floor(3 ln n), n searched)
initial_replicates = 4    # replicates of every candidate in the first round of successive halving
max_replicates = 32       # replicates of the candidates that survive every round
verify_replicates = 120   # fresh-seed replicates of each verified candidate
verify_candidates = 3     # candidates verified
confidence = 0.95         # of the Clopper-Pearson bounds, over all verified candidates together
compare_replicates = 50   # fresh-seed replicates of each plan in the final comparison
compare_presets = ["all"] # the presets the best plan is compared with: names, or "all"
"#,
        version = env!("CARGO_PKG_VERSION"),
        name = quoted(name),
        scenario = quoted(scenario_file),
    );
    // The file's own keys are checked here, on the default scenario; its scenario is read when it is
    // validated or run.
    let mut stand_in = |_: &str| Ok(("default".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
    let spec = ipwarm::optimize::parse_optimize(&text, "the new optimisation", &mut stand_in)
        .map_err(|e| Failure::runtime(anyhow!("{e}")))?;
    ipwarm::optimize::search::verify::limits(&spec).map_err(|m| Failure::runtime(anyhow!("{m}")))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_name_gives_a_valid_scenario_named_after_the_file() {
        let plain = scenario_text("mine", None).expect("valid");
        let parsed = scenario::parse(&plain, "mine.toml").expect("valid");
        assert_eq!((parsed.name.as_str(), parsed.strategy.kind.name()), ("mine", "auto_blend"));
        assert!(plain.starts_with("# Written by `ipwarm init scenario`"), "{plain}");
        for name in catalog::names() {
            let text = scenario_text(name, Some(name)).unwrap_or_else(|f| panic!("{name}: {:#}", f.error));
            let s = scenario::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{name}: {e}"));
            let (kind, preset) = catalog::by_name(name).expect("known");
            assert_eq!((s.strategy.kind, s.strategy.preset.as_deref()), (kind, preset), "{name}");
            assert!(text.contains("warmed with "), "{name}");
        }
    }

    #[test]
    fn a_kind_lists_its_parameters_at_their_defaults() {
        let text = scenario_text("x", Some("exponential")).expect("valid");
        let table = &text[text.find("\n[strategy]\n").expect("table")..];
        assert!(table.contains("\nkind = \"exponential\"\n# start = 1000  # "), "{table}");
        assert!(table.contains("\n# growth = 1.3  # ") && table.contains("\n# target: "), "{table}");
        // Uncommenting every parameter line gives a valid scenario.
        let uncommented = text.replace("\n# start = ", "\nstart = ").replace("\n# growth = ", "\ngrowth = ");
        scenario::parse(&uncommented, "u.toml").expect("the listed defaults are valid values");
    }

    #[test]
    fn unknown_names_get_suggestions_and_bad_names_are_not_used() {
        let e = scenario_text("x", Some("kumo_conservatve")).expect_err("refused");
        assert_eq!(e.code, 2);
        assert!(e.error.to_string().contains("did you mean `kumo_conservative`?"), "{}", e.error);
        assert!(e.error.to_string().contains("\n | --preset kumo_conservatve\n"), "{}", e.error);
        assert_eq!(scenario_text("x", Some("schedule")).err().map(|f| f.code), Some(2));
        assert_eq!(name_of(Path::new("dir/my-plan.toml")).as_deref(), Some("my-plan"));
        assert_eq!(name_of(Path::new("my plan.toml")), None);
    }

    #[test]
    fn the_experiment_is_valid_and_names_its_scenario() {
        let text = experiment_text("exp", "../my scenario.toml").expect("valid");
        assert!(text.contains("\nscenario = \"../my scenario.toml\"\n"), "{text}");
        let uncommented = text.replace("\n# \"horizon_days\" = ", "\n\"horizon_days\" = ");
        let mut read = |_: &str| Ok(("d".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
        let plan = sweep::parse_experiment(&uncommented, "e.toml", &mut read).expect("valid");
        assert_eq!((plan.points.len(), plan.replicates), (6, 5));
    }

    #[test]
    fn the_optimization_is_valid_with_its_commented_keys_and_names_its_scenario() {
        let text = optimization_text("opt", "../my scenario.toml").expect("valid");
        assert!(text.contains("\nscenario = \"../my scenario.toml\"\n"), "{text}");
        assert!(ipwarm::optimize::is_optimize_file(&text) && !text.contains("\n\n\n"), "{text}");
        let uncommented = text.replace("\n# target = ", "\ntarget = ").replace("\n# population = ", "\npopulation = ");
        let mut read = |_: &str| Ok(("d".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
        let spec = ipwarm::optimize::parse_optimize(&uncommented, "o.toml", &mut read).expect("valid");
        assert_eq!((spec.name.as_str(), spec.space.dims(), spec.budget), ("opt", 2, 1000));
        assert_eq!(spec.settings.population, ipwarm::optimize::default_population(2));
    }
}
