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

/// The design named by `design` (a grid by default), with its `samples` for a
/// Latin hypercube; `None` if invalid (reported). The flag says whether the
/// design is a Latin hypercube, even one whose `samples` is invalid (its axes
/// are then checked as such).
pub(super) fn design(ctx: &mut Ctx<'_>, raw: &RawExperiment) -> (Option<Design>, bool) {
    let root = KeyPath::root();
    let samples = ctx.int_limit(&raw.samples, &root.key("samples"), 1, limit(MAX_DESIGN_POINTS, POINTS_WHY));
    let samples = samples.and_then(|n| usize::try_from(n).ok());
    let name = ctx.get(&raw.design, &root.key("design"));
    let design = match name.as_deref() {
        None | Some("grid") => Some(Design::Grid),
        Some("zip") => Some(Design::Zip),
        Some("lhs") => match samples {
            Some(samples) => Some(Design::Lhs { samples }),
            None => {
                if raw.samples.is_none() {
                    ctx.report(&root.key("design"), "a Latin hypercube needs `samples = N`");
                }
                None
            }
        },
        Some(other) => {
            ctx.report(&root.key("design"), one_of_message("design", other, &["grid", "zip", "lhs"]));
            None
        }
    };
    if samples.is_some() && !matches!(design, Some(Design::Lhs { .. })) {
        ctx.report_key(&root.key("samples"), "only used with design = \"lhs\"");
    }
    (design, name.as_deref() == Some("lhs"))
}

/// The name of `design` in outputs and the manifest.
pub(super) fn design_name(design: Design) -> &'static str {
    match design {
        Design::Grid => "grid",
        Design::Zip => "zip",
        Design::Lhs { .. } => "lhs",
    }
}

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
