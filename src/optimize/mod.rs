//! Optimisation: the fastest warm-up plan that stays safe.
//!
//! Lifecycle:
//! 1. [`parse_optimize`] reads an optimisation file (TOML, `file/`) into an
//!    [`OptimizeSpec`]: the base scenario, the [`Family`] of plans searched
//!    (`family.rs`), the searched parameters as a [`Space`] over the unit cube
//!    (`space.rs`), the [`Objective`] and the chance [`Constraint`]s
//!    (`objective.rs`), the budget of runs and the optimiser's [`Settings`].
//!    Every problem is reported at once, located at `file:line:col: key.path`,
//!    and the budget is checked against what the search needs before any run.
//! 2. The search (`search.rs`) asks for points of the unit cube, turns each
//!    into values ([`Space::values_at`]) and a runnable scenario
//!    ([`Family::scenario`]), and runs it at seeds ([`evaluate`]), each run
//!    giving an [`Outcome`]: the objective's value and each constraint's
//!    violation.
//! 3. The best plan is written back as a scenario file ([`plan_scenario_text`]),
//!    which `ipwarm run` runs and `ipwarm export` exports.
//!
//! Nothing here prints or touches files: the base scenario is read through
//! the caller's [`ReadBase`].

mod family;
mod file;
mod objective;
mod space;
// D: the search, its resumable state, its outputs and charts (helper D's files).
pub mod charts;
pub mod outputs;
pub mod search;
pub mod state;

pub use family::{
    DAILY_VOLUME, Family, FamilyKind, PROVIDER_SCHEDULE, RAMP_PARAMS, RampParam, ramp_param, ramp_volume,
};
pub(crate) use file::root_schema;
pub use file::{DEFAULT_SEED, default_population, is_optimize_file};
pub use objective::{Constraint, MetricRef, Objective, Outcome, day_totals, evaluate, outcome};
pub use space::{SearchParam, Space};

use crate::scenario::Scenario;
use crate::sweep::{ExperimentError, ReadBase};

/// A validated optimisation file.
#[derive(Debug, Clone)]
pub struct OptimizeSpec {
    /// Short name: the default output folder is `output/<name>/`.
    pub name: String,
    /// Free text (empty if none).
    pub description: String,
    /// The base scenario (its strategy is the one compared against the best plan).
    pub base: Scenario,
    /// The base scenario's text (the file's, or the inline table written as TOML).
    pub base_text: String,
    /// The display name of the base scenario's file (the optimisation file's for an inline `[scenario]`).
    pub base_file: String,
    /// The family of plans searched.
    pub family: Family,
    /// The searched parameters.
    pub space: Space,
    /// What is optimised.
    pub objective: Objective,
    /// The chance constraints, in file order.
    pub constraints: Vec<Constraint>,
    /// Total runs of the search and the verification (not the final comparison).
    pub budget: u64,
    /// Root seed of every run's seed.
    pub seed: u64,
    /// The optimiser's settings.
    pub settings: Settings,
}

/// The `[optimizer]` settings, defaults applied (docs/OPTIMIZE.md gives each default's source).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// CMA-ES population λ (default `4 + floor(3 ln n)` for `n` searched parameters).
    pub population: usize,
    /// Replicates of every candidate in the first round of successive halving.
    pub initial_replicates: u32,
    /// Replicates of the candidates that survive every round.
    pub max_replicates: u32,
    /// Fresh-seed replicates of each verified candidate.
    pub verify_replicates: u32,
    /// Candidates verified.
    pub verify_candidates: u32,
    /// Confidence of the Clopper-Pearson bounds, over all verified candidates together (Bonferroni).
    pub confidence: f64,
    /// Fresh-seed replicates of the final comparison.
    pub compare_replicates: u32,
    /// The presets the best plan is compared with (names; `["all"]` in the file is every preset).
    pub compare_presets: Vec<String>,
}

impl Settings {
    /// The runs kept for the verification: `verify_candidates * verify_replicates`.
    pub fn verify_reserve(&self) -> u64 {
        u64::from(self.verify_candidates) * u64::from(self.verify_replicates)
    }

    /// The confidence of each verified candidate's bounds: `1 - (1 - confidence) / K`, `K` verified.
    pub fn per_candidate_confidence(&self) -> f64 {
        1.0 - (1.0 - self.confidence) / f64::from(self.verify_candidates.max(1))
    }
}

impl OptimizeSpec {
    /// The runs left for the search: the budget less the verification reserve.
    pub fn search_budget(&self) -> u64 {
        self.budget.saturating_sub(self.settings.verify_reserve())
    }

    /// The runnable scenario of the candidate at `values` (see [`Family::scenario`]).
    pub fn candidate(&self, values: &[f64]) -> Result<Scenario, String> {
        self.family.scenario(&self.base, &self.space, values)
    }

    /// The candidate's label (see [`Family::label`]).
    pub fn label(&self, values: &[f64]) -> String {
        self.family.label(&self.space, values)
    }
}

/// Parses and validates the optimisation file `text` (`file` is the name shown
/// in problems); `read` reads a base scenario given by path, as for experiments.
pub fn parse_optimize(text: &str, file: &str, read: &mut ReadBase<'_>) -> Result<OptimizeSpec, ExperimentError> {
    file::parse(text, file, read).map_err(|mut problems| {
        problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        problems.dedup();
        ExperimentError::Invalid { problems }
    })
}

/// The text of `best_plan.toml`: the base scenario file's text with its
/// `[strategy]` table replaced by the candidate's at `values`, under a comment
/// saying so. The rest of the file, comments included, is kept when the
/// strategy is one `[strategy]` section (and its sub-tables); otherwise the
/// whole document is written again (comments lost). Checked: the text parses
/// into the candidate's scenario, else the document is written again.
pub fn plan_scenario_text(spec: &OptimizeSpec, values: &[f64]) -> String {
    let table = spec.family.strategy_table(&spec.base, &spec.space, values);
    let head = format!(
        "# The best plan of optimisation `{}` (ipwarm {}): the scenario {}\n# with its [strategy] replaced by {}.\n\n",
        spec.name,
        crate::VERSION,
        spec.base_file,
        spec.label(values)
    );
    let expected = spec.candidate(values).ok();
    let same = |text: &str| {
        let parsed = crate::scenario::parse(text, "best_plan.toml").ok();
        parsed.is_some() && parsed == expected
    };
    let mut section = toml::Table::new();
    section.insert("strategy".into(), toml::Value::Table(table.clone()));
    if let Ok(strategy_text) = toml::to_string(&section)
        && let Some(body) = replace_strategy_section(&spec.base_text, &strategy_text)
    {
        let text = format!("{head}{body}");
        if same(&text) {
            return text;
        }
    }
    let mut doc = spec.family.base_table().clone();
    doc.insert("strategy".into(), toml::Value::Table(table));
    format!("{head}{}", toml::to_string(&doc).unwrap_or_default())
}

/// `text` with its `[strategy]` section (and `[strategy.*]` sub-tables) replaced
/// by `section`; `None` if the strategy is not written as such a section.
fn replace_strategy_section(text: &str, section: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let header = |l: &str| -> Option<String> {
        let t = l.trim();
        let inner = t.strip_prefix('[')?;
        let name = inner.split(']').next()?.trim_start_matches('[').trim();
        Some(name.to_string())
    };
    let is_strategy = |name: &str| name == "strategy" || name.starts_with("strategy.");
    let start = lines.iter().position(|l| header(l).as_deref() == Some("strategy"))?;
    let mut end = start + 1;
    while end < lines.len() {
        match header(lines[end]) {
            Some(name) if !is_strategy(&name) => break,
            _ => end += 1,
        }
    }
    // Comments and blank lines just before the next section belong to it.
    let mut keep_from = end;
    while keep_from > start + 1 && {
        let t = lines[keep_from - 1].trim();
        t.is_empty() || t.starts_with('#')
    } {
        keep_from -= 1;
    }
    let rest = lines[end..].concat();
    // Another `strategy` elsewhere (a dotted key before the section) cannot be replaced textually.
    let before = lines[..start].concat();
    if lines[..start].iter().chain(&lines[end..]).any(|l| {
        let t = l.trim_start();
        t.starts_with("strategy") && !t.starts_with("strategy_") || header(l).is_some_and(|n| is_strategy(&n))
    }) {
        return None;
    }
    let mut out = before;
    out.push_str(section);
    out.push('\n');
    out.push_str(&lines[keep_from..end].concat());
    out.push_str(&rest);
    Some(out)
}

#[cfg(test)]
mod tests;
