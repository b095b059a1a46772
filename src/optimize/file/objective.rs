//! `[objective]` and `[[constraint]]`: metrics named as `runs.csv` names them
//! (checked against the base scenario's providers for `days_to_warm_<provider>`),
//! exactly one direction each.

use super::raw::{RawConstraint, RawOptimize};
use crate::bounds::Bounds;
use crate::optimize::{Constraint, MetricRef, Objective};
use crate::scenario::{Ctx, KeyPath, one_of_message};

/// The objective and the constraints; each `None` if invalid (reported). Metric
/// names are checked once the base scenario's `providers` are known.
pub(super) fn objective(
    ctx: &mut Ctx<'_>,
    raw: &RawOptimize,
    providers: Option<&[String]>,
) -> (Option<Objective>, Option<Vec<Constraint>>) {
    let path = KeyPath::root().key("objective");
    let objective = match ctx.table(raw.objective.as_ref(), &path) {
        None => None,
        Some(None) => {
            ctx.report(&path, "missing required table: `minimise = \"METRIC\"` or `maximise = \"METRIC\"`");
            None
        }
        Some(Some(o)) => {
            let min = ctx.get(&o.minimise, &path.key("minimise"));
            let max = ctx.get(&o.maximise, &path.key("maximise"));
            match (&o.minimise, &o.maximise) {
                (Some(_), Some(_)) => {
                    ctx.report_key(&path.key("maximise"), "an objective is `minimise` or `maximise`, not both");
                    None
                }
                (None, None) => {
                    ctx.report(&path, "needs `minimise = \"METRIC\"` or `maximise = \"METRIC\"`");
                    None
                }
                (Some(_), None) => min
                    .and_then(|m| metric(ctx, &path.key("minimise"), &m, providers))
                    .map(|metric| Objective { metric, maximise: false }),
                (None, Some(_)) => max
                    .and_then(|m| metric(ctx, &path.key("maximise"), &m, providers))
                    .map(|metric| Objective { metric, maximise: true }),
            }
        }
    };
    let constraints = match &raw.constraint {
        None => Some(Vec::new()),
        Some(list) => {
            let found: Vec<Option<Constraint>> = list
                .iter()
                .enumerate()
                .map(|(i, section)| {
                    let at = KeyPath::root().key("constraint").index(i);
                    match ctx.table(Some(section), &at)? {
                        Some(c) => constraint(ctx, &at, c, providers),
                        None => None,
                    }
                })
                .collect();
            found.into_iter().collect()
        }
    };
    (objective, constraints)
}

/// One `[[constraint]]` at `at`.
fn constraint(ctx: &mut Ctx<'_>, at: &KeyPath, c: &RawConstraint, providers: Option<&[String]>) -> Option<Constraint> {
    let name = ctx.require(&c.metric, &at.key("metric"));
    let metric = name.and_then(|n| metric(ctx, &at.key("metric"), &n, providers));
    let above = ctx.f64(&c.above, &at.key("above"), Bounds::ANY);
    let below = ctx.f64(&c.below, &at.key("below"), Bounds::ANY);
    let side = match (&c.above, &c.below) {
        (Some(_), Some(_)) => {
            ctx.report_key(&at.key("below"), "a constraint is `above = x` or `below = x`, not both");
            None
        }
        (None, None) => {
            ctx.report(at, "needs `above = x` (a violation is a value above x) or `below = x`");
            None
        }
        (Some(_), None) => above.map(|t| (true, t)),
        (None, Some(_)) => below.map(|t| (false, t)),
    };
    let p = ctx.req_f64(&c.max_probability, &at.key("max_probability"), Bounds::above(0.0).below(1.0));
    let (above, threshold) = side?;
    Some(Constraint { metric: metric?, above, threshold, max_probability: p? })
}

/// The metric `name` at `at`, among those of a scenario with `providers` (unknown: not checked yet).
fn metric(ctx: &mut Ctx<'_>, at: &KeyPath, name: &str, providers: Option<&[String]>) -> Option<MetricRef> {
    let providers = providers?;
    match MetricRef::parse(name, providers) {
        Ok(m) => Some(m),
        Err(names) => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            ctx.report(at, one_of_message("metric", name, &names));
            None
        }
    }
}
