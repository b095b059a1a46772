//! Experiment files: TOML in, a validated [`Plan`] out.
//!
//! An experiment file takes the scenario files' path ([`crate::scenario`]'s
//! `document.rs`): TOML text -> spanned document -> raw serde types
//! ([`raw`](self::raw)) -> validated [`Plan`], with one validation context, so
//! that syntax errors, unknown keys and values of the wrong type are located
//! and worded as in scenario files. Every problem is reported at once with its
//! `file:line:col: key.path`, before any run.
//!
//! The file is validated part by part: the top-level settings (here), the
//! design and its size (`size.rs`), the `[axes]` (`axis_table.rs`), the base
//! scenario and the design points made from it, each validated in full as a
//! scenario (`scenarios.rs`), and the `[charts]` (`chart_table.rs`). Adding a
//! key takes a field of the raw type and the code that reads it with its part.

mod axis_table;
mod chart_table;
mod detect;
mod raw;
mod scenarios;
mod size;

#[cfg(test)]
mod tests;

use super::ExperimentError;
use super::plan::{Plan, SeedMode, content_hash};
use crate::report::experiment::ChartSpec;
use crate::scenario::{self, Ctx, KeyPath, folder_name_problem, one_of_message, text_problem};
pub(crate) use raw::RawExperiment;
use size::limit;

pub use detect::is_experiment;
pub(crate) use scenarios::{BaseScenario, base_scenario, parse_with_table};
pub(crate) use size::runs_problem;
pub use size::{MAX_DESIGN_POINTS, MAX_RUNS};

/// Reads a base scenario named in an experiment: given the path as written,
/// returns its display name and text, or a message.
pub type ReadBase<'a> = dyn FnMut(&str) -> Result<(String, String), String> + 'a;

/// Parses and validates the experiment `text` (`file` is the name shown in
/// problems); `read_base` reads a base scenario given by path.
///
/// ```
/// use ipwarm::scenario::DEFAULT_SCENARIO_TOML;
///
/// let text = r#"
/// name = "short-horizons"
/// scenario = "default.toml"
/// replicates = 2
/// seed = 11
/// [axes]
/// "horizon_days" = { values = [7, 14] }
/// "#;
/// // Base scenarios are read through the caller: here every path is the default scenario.
/// let mut read_base = |_: &str| Ok(("default.toml".to_string(), DEFAULT_SCENARIO_TOML.to_string()));
/// let plan = ipwarm::sweep::parse_experiment(text, "short.toml", &mut read_base)?;
/// assert_eq!(plan.axes, ["horizon_days"]);
/// assert_eq!(plan.n_runs(), 4);
/// let point = &plan.points[1];
/// assert_eq!(point.values, ["14"]);
/// let result = ipwarm::sim::run(&point.scenario, plan.seed(1, 0))?;
/// assert_eq!(result.horizon_days, 14);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse_experiment(text: &str, file: &str, read_base: &mut ReadBase<'_>) -> Result<Plan, ExperimentError> {
    scenario::check_file(text, file, "experiment", |ctx, doc| {
        let table: toml::Table = scenario::deserialize(ctx, doc.clone(), |_| &[])?;
        let raw: RawExperiment = scenario::deserialize(ctx, doc, raw::known_keys)?;
        build(ctx, &raw, &table, read_base)
    })
    .map_err(ExperimentError::invalid)
}

/// Validates `raw` (whose document is `table`) into a plan.
fn build(ctx: &mut Ctx<'_>, raw: &RawExperiment, table: &toml::Table, read_base: &mut ReadBase<'_>) -> Option<Plan> {
    let settings = settings(ctx, raw);
    let (design, sampled) = size::design(ctx, raw);
    let axes = axis_table::axes(ctx, raw.axes.as_ref(), sampled.is_some());
    let no_axes = sampled.is_some() && axes.as_ref().is_some_and(Vec::is_empty);
    if let Some(name) = sampled
        && no_axes
    {
        let msg = if name == "lhs" {
            "a Latin hypercube needs at least one axis: without one its samples are identical points \
             (use `replicates = N` to repeat runs)"
        } else {
            "a sensitivity design needs at least one axis: the parameters whose effects it measures"
        };
        ctx.report(&KeyPath::root().key("design"), msg);
    }
    let base = scenarios::base_scenario(ctx, raw.scenario.as_ref(), read_base);
    let (design, axes, base) = (design?, axes?, base?);
    let (base_table, base_text) = (base.table, base.text);
    if no_axes {
        return None;
    }
    let design = size::with_candidates(design, axes.len());
    let replicates = settings.replicates.unwrap_or(1);
    if !size::within_limits(ctx, design, &axes, replicates, raw.replicates.is_some()) {
        return None;
    }
    let points = scenarios::design_points(ctx, design, &axes, settings.seed, &base_table)?;
    let mut plan = Plan {
        name: settings.name?,
        description: settings.description,
        design: design.name().into(),
        sampling: design.is_sampled().then_some(design),
        replicates,
        root_seed: settings.seed,
        seeds: settings.seeds,
        axes: axes.iter().map(|a| a.name.clone()).collect(),
        points,
        series: settings.series,
        charts: ChartSpec::default_for(0, false),
        hash: plan_hash(table, &base_text),
    };
    plan.charts = chart_table::charts(ctx, raw.charts.as_ref(), &plan)?;
    Some(plan)
}

/// Root seed used when the file gives none.
const DEFAULT_SEED: u64 = 1;

/// The validated top-level settings; a setting is `None` if it was invalid (and reported).
struct Settings {
    /// Names the output folder.
    name: Option<String>,
    /// Free text (empty if none).
    description: String,
    /// Replicates per design point (1 if absent).
    replicates: Option<u32>,
    /// Root seed of every run seed.
    seed: u64,
    /// Common or independent seeds.
    seeds: SeedMode,
    /// Whether to write `series.csv`.
    series: bool,
}

/// The top-level settings: `name`, `description`, `replicates`, `seed`, `seeds` and `series`.
fn settings(ctx: &mut Ctx<'_>, raw: &RawExperiment) -> Settings {
    let root = KeyPath::root();
    let name = ctx.require(&raw.name, &root.key("name"));
    let name = name.filter(|n| ctx.check(&root.key("name"), folder_name_problem(n)));
    let description = ctx.get(&raw.description, &root.key("description")).unwrap_or_default();
    ctx.check(&root.key("description"), text_problem(&description));
    let runs_limit = limit(MAX_RUNS, "the most runs an experiment may plan");
    let replicates = match &raw.replicates {
        None => Some(1),
        f => ctx.int_limit(f, &root.key("replicates"), 1, runs_limit),
    };
    let seed = ctx.int(&raw.seed, &root.key("seed"), 0, i64::MAX);
    let seeds = match ctx.get(&raw.seeds, &root.key("seeds")).as_deref() {
        None | Some("common") => SeedMode::Common,
        Some("independent") => SeedMode::Independent,
        Some(other) => {
            ctx.report(&root.key("seeds"), one_of_message("seed mode", other, &["common", "independent"]));
            SeedMode::Common
        }
    };
    Settings {
        name,
        description,
        replicates: replicates.and_then(|n| u32::try_from(n).ok()),
        seed: seed.and_then(|n| u64::try_from(n).ok()).unwrap_or(DEFAULT_SEED),
        seeds,
        series: ctx.get(&raw.series, &root.key("series")).unwrap_or(true),
    }
}

/// The hash of what an experiment's runs depend on: its table (as TOML, so that
/// comments and layout do not count) without `replicates`, and the base
/// scenario's text. The replicate count is left out so that replicates can be
/// added to finished results (run `i` does not depend on it, see [`Plan::run_id`]).
fn plan_hash(table: &toml::Table, base_text: &str) -> String {
    let mut hashed = table.clone();
    hashed.remove("replicates");
    content_hash(&[&hashed.to_string(), base_text])
}
