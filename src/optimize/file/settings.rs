//! `[optimizer]` and `budget`: the optimiser's settings with their defaults
//! (sources in docs/OPTIMIZE.md), and the checks made before any run: that the
//! budget covers the verification reserve and a first generation, and that the
//! verification can prove a candidate safe at all.

use super::raw::RawOptimizer;
use crate::optimize::{Constraint, Settings};
use crate::scenario::{Ctx, KeyPath, Opt, Section, one_of_message};
use crate::strategy::presets::PRESETS;
use crate::sweep::MAX_RUNS;

/// First-round replicates of successive halving (modelling choice).
const DEFAULT_INITIAL_REPLICATES: u32 = 4;
/// Replicates of the final survivors (modelling choice).
const DEFAULT_MAX_REPLICATES: u32 = 32;
/// Fresh-seed replicates per verified candidate (see docs/OPTIMIZE.md: 80 are needed to show a 5% limit
/// with 3 candidates at 95%; 120 leave room for one violation at a 5% limit).
const DEFAULT_VERIFY_REPLICATES: u32 = 120;
/// Candidates verified (modelling choice).
const DEFAULT_VERIFY_CANDIDATES: u32 = 3;
/// Confidence of the bounds (the usual 95%).
const DEFAULT_CONFIDENCE: f64 = 0.95;
/// Replicates of the final comparison (modelling choice).
const DEFAULT_COMPARE_REPLICATES: u32 = 50;
/// Most replicates of any kind, candidates verified, or population.
const MOST: i64 = 1_000_000;
/// `compare_presets = ["all"]`: every preset.
const ALL: &str = "all";

/// CMA-ES's default population for `n` parameters (Hansen 2016), defined once in `stats::cmaes`.
pub use crate::stats::cmaes::default_population;

/// The settings, defaults applied; `None` if any is invalid (reported). `n_dims`: the searched
/// parameters, if valid; `constraints`, if valid, are checked against the verification's power.
pub(super) fn settings(
    ctx: &mut Ctx<'_>,
    raw: Option<&Section<RawOptimizer>>,
    n_dims: Option<usize>,
    constraints: Option<&[Constraint]>,
) -> Option<Settings> {
    let path = KeyPath::root().key("optimizer");
    let empty = RawOptimizer::default();
    let o = ctx.table(raw, &path)?.unwrap_or(&empty);
    let int = |ctx: &mut Ctx<'_>, f: &Opt<i64>, key: &str, min: i64, default: u32| {
        ctx.int_or(f, &path.key(key), (min, MOST), i64::from(default)).and_then(|n| u32::try_from(n).ok())
    };
    let population = match (&o.population, n_dims) {
        (None, n) => n.map(default_population),
        (f, _) => ctx.int(f, &path.key("population"), 2, MOST).and_then(|n| usize::try_from(n).ok()),
    };
    let initial = int(ctx, &o.initial_replicates, "initial_replicates", 1, DEFAULT_INITIAL_REPLICATES);
    let max = int(ctx, &o.max_replicates, "max_replicates", 1, DEFAULT_MAX_REPLICATES);
    if let (Some(i), Some(m)) = (initial, max)
        && m < i
    {
        let at = if o.max_replicates.is_some() { path.key("max_replicates") } else { path.key("initial_replicates") };
        ctx.report(&at, format!("max_replicates ({m}) must be >= initial_replicates ({i})"));
    }
    let verify_replicates = int(ctx, &o.verify_replicates, "verify_replicates", 1, DEFAULT_VERIFY_REPLICATES);
    let verify_candidates = int(ctx, &o.verify_candidates, "verify_candidates", 1, DEFAULT_VERIFY_CANDIDATES);
    let confidence = ctx.f64_or(
        &o.confidence,
        &path.key("confidence"),
        crate::bounds::Bounds::at_least(0.5).below(1.0),
        DEFAULT_CONFIDENCE,
    );
    let compare_replicates = int(ctx, &o.compare_replicates, "compare_replicates", 1, DEFAULT_COMPARE_REPLICATES);
    let compare_presets = compare_presets(ctx, o, &path);
    let settings = Settings {
        population: population?,
        initial_replicates: initial?,
        max_replicates: max.filter(|m| *m >= initial.unwrap_or(0))?,
        verify_replicates: verify_replicates?,
        verify_candidates: verify_candidates?,
        confidence: confidence?,
        compare_replicates: compare_replicates?,
        compare_presets: compare_presets?,
    };
    if let Some(constraints) = constraints {
        verifiable(ctx, &settings, constraints, o.verify_replicates.is_some())?;
    }
    Some(settings)
}

/// `compare_presets`: preset names, or `["all"]` (the default) for every preset.
fn compare_presets(ctx: &mut Ctx<'_>, o: &RawOptimizer, path: &KeyPath) -> Option<Vec<String>> {
    let at = path.key("compare_presets");
    let all: Vec<String> = PRESETS.iter().map(|p| p.name.to_string()).collect();
    let Some(names) = ctx.list(&o.compare_presets, &at) else {
        return o.compare_presets.is_none().then_some(all);
    };
    if names.len() == 1 && names[0] == ALL {
        return Some(all);
    }
    let mut options: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
    options.push(ALL);
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        if name == ALL {
            ctx.report(&at.index(i), "`all` stands alone: `compare_presets = [\"all\"]`");
            ok = false;
        } else if !PRESETS.iter().any(|p| p.name == name) {
            ctx.report(&at.index(i), one_of_message("preset", name, &options));
            ok = false;
        } else if names[..i].contains(name) {
            ctx.report(&at.index(i), format!("`{name}` appears twice"));
            ok = false;
        }
    }
    ok.then_some(names)
}

/// The Clopper-Pearson upper bound after no violation in `n` runs at `confidence`: `1 - (1 - c)^(1/n)`.
fn zero_violation_bound(n: u32, confidence: f64) -> f64 {
    1.0 - (1.0 - confidence).powf(1.0 / f64::from(n.max(1)))
}

/// The fewest runs for which no violation shows a probability <= `p` at `confidence`.
fn runs_to_show(p: f64, confidence: f64) -> u64 {
    ((1.0 - confidence).ln() / (1.0 - p).ln()).ceil().max(1.0) as u64
}

/// Checks that a verified candidate without any violation could be shown safe for every
/// constraint; otherwise reports at `verify_replicates` (if `given`) or at the constraint's limit.
fn verifiable(ctx: &mut Ctx<'_>, s: &Settings, constraints: &[Constraint], given: bool) -> Option<()> {
    let c = s.per_candidate_confidence();
    let mut ok = true;
    for (i, k) in constraints.iter().enumerate() {
        let bound = zero_violation_bound(s.verify_replicates, c);
        if bound > k.max_probability {
            let need = runs_to_show(k.max_probability, c);
            let msg = format!(
                "no candidate could be shown safe: with {} verification replicates, even without a violation the \
                 {:.4}-confidence Clopper-Pearson bound on P(violation) is {:.4} > max_probability {} \
                 ({} candidates at confidence {}, Bonferroni); give verify_replicates >= {need}",
                s.verify_replicates, c, bound, k.max_probability, s.verify_candidates, s.confidence
            );
            let at = if given {
                KeyPath::root().key("optimizer").key("verify_replicates")
            } else {
                KeyPath::root().key("constraint").index(i).key("max_probability")
            };
            ctx.report(&at, msg);
            ok = false;
        }
    }
    ok.then_some(())
}

/// `budget`: required, at most [`MAX_RUNS`], and (with valid `settings`) enough for the
/// verification reserve and a first generation at `initial_replicates`.
pub(super) fn budget(ctx: &mut Ctx<'_>, raw: &Opt<i64>, settings: Option<&Settings>) -> Option<u64> {
    let at = KeyPath::root().key("budget");
    let most = (i64::try_from(MAX_RUNS).unwrap_or(i64::MAX), "the most runs an optimisation may plan");
    let budget = ctx.require(raw, &at).and_then(|b| ctx.check_int_limit(b, &at, 1, most));
    let budget = u64::try_from(budget?).ok()?;
    let Some(s) = settings else { return Some(budget) };
    let reserve = s.verify_reserve();
    let first = s.population as u64 * u64::from(s.initial_replicates);
    if budget < reserve + first {
        let msg = format!(
            "{budget} runs are too few: the verification keeps {} candidates x {} replicates = {reserve} runs and a \
             first generation needs {} candidates x {} replicates = {first}; give at least {}",
            s.verify_candidates,
            s.verify_replicates,
            s.population,
            s.initial_replicates,
            reserve + first
        );
        ctx.report(&at, msg);
        return None;
    }
    Some(budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_zero_violation_bound() {
        assert_eq!(default_population(1), 4);
        assert_eq!(default_population(2), 6);
        assert_eq!(default_population(4), 8);
        assert_eq!(default_population(10), 10);
        // k = 0, n = 59, 95%: 0.0495 (the rule of three's exact form).
        assert!((zero_violation_bound(59, 0.95) - 0.0495).abs() < 1e-4);
        assert_eq!(runs_to_show(0.05, 0.95), 59);
        // Three candidates at 95% together: 80 runs each.
        assert_eq!(runs_to_show(0.05, 1.0 - 0.05 / 3.0), 80);
        assert!(zero_violation_bound(DEFAULT_VERIFY_REPLICATES, 1.0 - 0.05 / 3.0) < 0.05);
    }
}
