//! The design and its size: the `design` and `samples` keys, and the limits on
//! design points and runs, checked by counting from the axes before anything
//! is expanded (so that a design too large to hold is refused, not built).

use super::raw::RawExperiment;
use crate::scenario::{Ctx, KeyPath, one_of_message};
use crate::sweep::{Axis, Design, design::n_points};

/// Largest number of runs an experiment may plan (design points times
/// replicates). Results are not held in memory, but the list of a shard's runs
/// is (8 bytes each: 80 MB at the limit).
pub const MAX_RUNS: usize = 10_000_000;
/// Largest number of design points an experiment may have. Unlike runs, every
/// point is held in memory as a validated scenario: measured on the default
/// scenario (five providers, four segments), about 7 KB per point, and about
/// 80 µs to build and validate each in a release build, so 100,000 points are
/// some 0.7 GB and 8 s before the first run. The count is computed from the
/// axes before the design is expanded.
pub const MAX_DESIGN_POINTS: usize = 100_000;
/// Why [`MAX_DESIGN_POINTS`] is the limit, for messages.
pub(super) const POINTS_WHY: &str = "the most design points an experiment may hold in memory";

/// The limit `max` of an integer key, as the integer type of TOML, and why it is the limit.
pub(super) fn limit(max: usize, why: &str) -> (i64, &str) {
    (i64::try_from(max).unwrap_or(i64::MAX), why)
}

/// Levels of a Morris grid when `levels` is not given (Morris 1991; Campolongo et al. 2007 use 4).
pub const DEFAULT_MORRIS_LEVELS: usize = 4;
/// Most levels a Morris grid may have: beyond some ten levels screening gains nothing.
const MAX_MORRIS_LEVELS: i64 = 100;
/// Random trajectories per trajectory kept, the set the most spread are chosen from
/// (Campolongo et al. 2007 choose 10 of 500 to 1,000), at most
/// [`MAX_CANDIDATES`](crate::stats::morris::MAX_CANDIDATES) in all.
pub const MORRIS_CANDIDATES_PER_TRAJECTORY: usize = 10;

/// The design named by `design` (a grid by default), with its sizes: `samples` for a
/// Latin hypercube or a Sobol design, `trajectories` and `levels` for Morris,
/// `second_order` for Sobol; `None` if invalid (reported). The second value names the
/// design if it is sampled (lhs, morris, sobol), even one whose sizes are invalid (its
/// axes are then checked as such).
pub(super) fn design(ctx: &mut Ctx<'_>, raw: &RawExperiment) -> (Option<Design>, Option<&'static str>) {
    let root = KeyPath::root();
    let samples = ctx.int_limit(&raw.samples, &root.key("samples"), 1, limit(MAX_DESIGN_POINTS, POINTS_WHY));
    let samples = samples.and_then(|n| usize::try_from(n).ok());
    let most = limit(crate::stats::morris::MAX_CANDIDATES, "the most trajectories a Morris design draws");
    let trajectories = ctx.int_limit(&raw.trajectories, &root.key("trajectories"), 2, most);
    let trajectories = trajectories.and_then(|n| usize::try_from(n).ok());
    let levels = ctx.int(&raw.levels, &root.key("levels"), 2, MAX_MORRIS_LEVELS).and_then(|n| usize::try_from(n).ok());
    if levels.is_some_and(|p| p % 2 == 1) {
        let p = levels.unwrap_or_default();
        let msg = format!("must be even (Morris's step p/(2(p-1)) keeps the grid balanced only then), got {p}");
        ctx.report(&root.key("levels"), msg);
    }
    let second_order = ctx.get(&raw.second_order, &root.key("second_order"));
    let name = ctx.get(&raw.design, &root.key("design"));
    let needs = |ctx: &mut Ctx<'_>, given: bool, msg: &str| {
        if !given {
            ctx.report(&root.key("design"), msg);
        }
    };
    let design = match name.as_deref() {
        None | Some("grid") => Some(Design::Grid),
        Some("zip") => Some(Design::Zip),
        Some("lhs") => {
            needs(ctx, raw.samples.is_some(), "a Latin hypercube needs `samples = N`");
            samples.map(|samples| Design::Lhs { samples })
        }
        Some("morris") => {
            needs(ctx, raw.trajectories.is_some(), "a Morris design needs `trajectories = r` (10 to 50 is usual)");
            let levels = match levels {
                None if raw.levels.is_none() => Some(DEFAULT_MORRIS_LEVELS),
                Some(p) if p % 2 == 0 => Some(p),
                _ => None,
            };
            match (trajectories, levels) {
                (Some(trajectories), Some(levels)) => {
                    Some(Design::Morris { trajectories, levels, candidates: trajectories })
                }
                _ => None,
            }
        }
        Some("sobol") => {
            needs(ctx, raw.samples.is_some(), "a Sobol design needs `samples = N` base rows (a power of 2)");
            let samples = samples.filter(|&n| {
                let ok = n.is_power_of_two();
                if !ok {
                    let (lo, hi) = (n.next_power_of_two() / 2, n.next_power_of_two());
                    let msg = format!(
                        "must be a power of 2 for a Sobol design (its sequence is balanced only then), got {n}: \
                         use {lo} or {hi}"
                    );
                    ctx.report(&root.key("samples"), msg);
                }
                ok
            });
            samples.map(|samples| Design::Sobol { samples, second_order: second_order.unwrap_or(false) })
        }
        Some(other) => {
            ctx.report(&root.key("design"), one_of_message("design", other, &DESIGN_NAMES));
            None
        }
    };
    let sampled = ["lhs", "morris", "sobol"].into_iter().find(|n| name.as_deref() == Some(*n));
    let is = |n: &str| name.as_deref() == Some(n);
    for (given, key, used_by) in [
        (raw.samples.is_some() && !is("lhs") && !is("sobol"), "samples", "design = \"lhs\" or \"sobol\""),
        (raw.trajectories.is_some() && !is("morris"), "trajectories", "design = \"morris\""),
        (raw.levels.is_some() && !is("morris"), "levels", "design = \"morris\""),
        (raw.second_order.is_some() && !is("sobol"), "second_order", "design = \"sobol\""),
    ] {
        if given {
            ctx.report_key(&root.key(key), format!("only used with {used_by}"));
        }
    }
    (design, sampled)
}

/// Largest `M (k + 1)` for which Morris trajectories are chosen among `M` candidates: the
/// choice takes about `M² (k + 1)² / 2` steps, so this bounds it to some 5 x 10^7 (well under a
/// second) whatever the number of axes `k`.
const MORRIS_CHOICE_BUDGET: usize = 10_000;

/// `design` with, for Morris over `k` axes, the number of candidate trajectories its
/// trajectories are chosen from: [`MORRIS_CANDIDATES_PER_TRAJECTORY`] per trajectory, at most
/// [`MAX_CANDIDATES`](crate::stats::morris::MAX_CANDIDATES) and within
/// [`MORRIS_CHOICE_BUDGET`], never fewer than the trajectories kept (then none is chosen).
pub(super) fn with_candidates(design: Design, k: usize) -> Design {
    match design {
        Design::Morris { trajectories, levels, .. } => {
            let most = crate::stats::morris::MAX_CANDIDATES.min(MORRIS_CHOICE_BUDGET / (k + 1));
            let candidates = trajectories.saturating_mul(MORRIS_CANDIDATES_PER_TRAJECTORY).min(most).max(trajectories);
            Design::Morris { trajectories, levels, candidates }
        }
        other => other,
    }
}

/// The names `design` takes.
const DESIGN_NAMES: [&str; 5] = ["grid", "zip", "lhs", "morris", "sobol"];

/// Checks the number of design points and of runs against [`MAX_DESIGN_POINTS`]
/// and [`MAX_RUNS`], computed from the axes (nothing is expanded yet); reports
/// at `samples`, `axes` or `replicates` (if `replicates_given`).
pub(super) fn within_limits(
    ctx: &mut Ctx<'_>,
    design: Design,
    axes: &[Axis],
    replicates: u32,
    replicates_given: bool,
) -> bool {
    let root = KeyPath::root();
    if let Design::Sobol { samples, .. } = design {
        let most_axes = crate::stats::sobol_seq::MAX_DIMS / 2;
        if axes.len() > most_axes {
            let msg = format!(
                "{} axes, more than the {most_axes} a Sobol design can take (its sequence has {} dimensions, two per axis)",
                axes.len(),
                crate::stats::sobol_seq::MAX_DIMS
            );
            ctx.report(&root.key("axes"), msg);
            return false;
        }
        if samples > crate::stats::sobol_seq::MAX_POINTS {
            let msg = format!("more than the {} base rows of the Sobol sequence", crate::stats::sobol_seq::MAX_POINTS);
            ctx.report(&root.key("samples"), msg);
            return false;
        }
    }
    let points = match n_points(design, axes) {
        Ok(n) => n,
        Err((i, msg)) => {
            ctx.report(&root.key("axes").key(&axes[i].name), msg);
            return false;
        }
    };
    let Some(points) = points.filter(|&n| n <= MAX_DESIGN_POINTS) else {
        let total = points.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string());
        let (at, count) = match design {
            Design::Lhs { .. } => (root.key("samples"), format!("{total} samples")),
            Design::Morris { trajectories, .. } => (
                root.key("trajectories"),
                format!("{trajectories} trajectories x ({} axes + 1) = {total} design points", axes.len()),
            ),
            Design::Sobol { samples, second_order } => (
                root.key("samples"),
                format!(
                    "{samples} base rows x ({} + 2) = {total} design points",
                    if second_order { format!("2 x {} axes", axes.len()) } else { format!("{} axes", axes.len()) }
                ),
            ),
            Design::Zip => (root.key("axes"), format!("zipped axes of {total} values")),
            Design::Grid => {
                let lengths: Vec<String> = axes.iter().filter_map(Axis::n_values).map(|n| n.to_string()).collect();
                (root.key("axes"), format!("{} values = {total} design points", lengths.join(" x ")))
            }
        };
        ctx.report(&at, format!("{count}, more than the limit of {MAX_DESIGN_POINTS} ({POINTS_WHY})"));
        return false;
    };
    match runs_problem(points, replicates) {
        Some(msg) => {
            ctx.report(&if replicates_given { root.key("replicates") } else { root.key("axes") }, msg);
            false
        }
        None => true,
    }
}

/// Why `points` design points times `replicates` are too many runs ([`MAX_RUNS`]), if they are.
pub(crate) fn runs_problem(points: usize, replicates: u32) -> Option<String> {
    let runs = points.checked_mul(replicates as usize);
    if runs.is_some_and(|n| n <= MAX_RUNS) {
        return None;
    }
    let runs = runs.map_or_else(|| "more than 2^64".to_string(), |n| n.to_string());
    Some(format!("{points} design points x {replicates} replicates = {runs} runs, more than the limit of {MAX_RUNS}"))
}
