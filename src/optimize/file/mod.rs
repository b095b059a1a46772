//! Optimisation files: TOML in, a validated [`OptimizeSpec`] out.
//!
//! The file takes the scenario and experiment files' path (`crate::scenario`'s
//! `document.rs`): TOML text -> spanned document -> raw serde types (`raw.rs`)
//! -> validated spec, with one validation context, so that syntax errors,
//! unknown keys (with a suggestion) and values of the wrong type are located and
//! worded as in the other files. Every problem is reported at once with its
//! `file:line:col: key.path`, before any run.
//!
//! Parts: the top-level settings (here), the base scenario (`base.rs`), the
//! family (`family.rs`: `[strategy]`, and a probe candidate validated as a
//! scenario) and the searched parameters (`search.rs`: `[search]`), the objective and
//! constraints (`objective.rs`), and the optimiser's settings with the budget
//! checked against what the search needs (`settings.rs`).

mod family;
mod objective;
mod raw;
mod search;
mod settings;

use super::OptimizeSpec;
use crate::scenario::{self, Ctx, KeyPath, Problem, folder_name_problem, text_problem};
use crate::sweep::ReadBase;
use raw::RawOptimize;

pub use settings::default_population;

/// Root seed used when the file gives none.
pub const DEFAULT_SEED: u64 = 1;

/// The keys that tell an optimisation file from an experiment (both name a `scenario`).
const MARKERS: [&str; 3] = ["search", "objective", "budget"];

/// Whether `text` is an optimisation file: a top-level `[search]` or
/// `[objective]` table or `budget` key. Text that is not valid TOML is looked
/// at line by line, so that its syntax error is reported by the right parser.
pub fn is_optimize_file(text: &str) -> bool {
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        return MARKERS.iter().any(|k| table.contains_key(*k));
    }
    let mut top_level = true;
    for line in text.lines().map(str::trim_start) {
        if line.starts_with('[') {
            let header = line.trim_start_matches('[').trim_start();
            let name = header.split([']', '.']).next().unwrap_or_default().trim();
            if MARKERS.contains(&name) {
                return true;
            }
            top_level = false;
        } else if top_level {
            let key = line.split_once(['=', '.']).map(|(key, _)| key.trim());
            if key.is_some_and(|k| MARKERS.contains(&k)) {
                return true;
            }
        }
    }
    false
}

/// The JSON Schema of the format, from its raw types (see `crate::schema`).
pub(crate) fn root_schema(generator: schemars::SchemaGenerator) -> schemars::Schema {
    generator.into_root_schema_for::<RawOptimize>()
}

/// A number for messages: rounded to 9 decimal places (so that `0.1 + 0.2` shows as `0.3`), tiny values exact.
pub(super) fn num(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    if rounded == 0.0 && v != 0.0 { format!("{v}") } else { format!("{rounded}") }
}

/// Parses and validates `text` (`file` is the name shown in problems).
pub(super) fn parse(text: &str, file: &str, read: &mut ReadBase<'_>) -> Result<OptimizeSpec, Vec<Problem>> {
    scenario::check_file(text, file, "optimisation", |ctx, doc| {
        let raw: RawOptimize = scenario::deserialize(ctx, doc, raw::known_keys)?;
        build(ctx, &raw, read)
    })
}

/// Validates `raw` into a spec.
fn build(ctx: &mut Ctx<'_>, raw: &RawOptimize, read: &mut ReadBase<'_>) -> Option<OptimizeSpec> {
    let root = KeyPath::root();
    let name = ctx.require(&raw.name, &root.key("name"));
    let name = name.filter(|n| ctx.check(&root.key("name"), folder_name_problem(n)));
    let description = ctx.get(&raw.description, &root.key("description")).unwrap_or_default();
    ctx.check(&root.key("description"), text_problem(&description));
    let seed = match &raw.seed {
        None => Some(DEFAULT_SEED),
        f => ctx.int(f, &root.key("seed"), 0, i64::MAX).and_then(|n| u64::try_from(n).ok()),
    };
    let base = crate::sweep::base_scenario(ctx, raw.scenario.as_ref(), read);
    let providers: Option<Vec<String>> =
        base.as_ref().map(|b| b.scenario.providers.iter().map(|p| p.name.clone()).collect());
    let (objective, constraints) = objective::objective(ctx, raw, providers.as_deref());
    let family = family::family(ctx, raw, base.as_ref());
    let n_dims = family.as_ref().map(|(_, space)| space.dims());
    let settings = settings::settings(ctx, raw.optimizer.as_ref(), n_dims, constraints.as_deref());
    let budget = settings::budget(ctx, &raw.budget, settings.as_ref());
    let base = base?;
    let (family, space) = family?;
    Some(OptimizeSpec {
        name: name?,
        description,
        base: base.scenario,
        base_text: base.text,
        base_file: base.file,
        family,
        space,
        objective: objective?,
        constraints: constraints?,
        budget: budget?,
        seed: seed?,
        settings: settings?,
    })
}
