//! The scenarios of an experiment: its base scenario (`scenario = "file.toml"`,
//! read by the caller and validated in its own file, or an inline `[scenario]`
//! table) and the design points made from it (the design expanded, each point's
//! levels written into the base scenario's TOML). Each is validated in full as a
//! scenario; the problems of an inline base or of a design point are located in
//! the experiment file, a design point's at the axis value that causes them.

use super::ReadBase;
use crate::scenario::value_kind;
use crate::scenario::{self, Ctx, KeyPath, Problem, Scenario};
use crate::sweep::axes::{Axis, AxisValues, Level, set_at};
use crate::sweep::design::expand;
use crate::sweep::{Design, DesignPoint};

/// The base scenario of an experiment or an optimisation file: validated, with its document (into
/// which design points write their values), its text (for the hash) and the display name of its file.
#[derive(Debug, Clone)]
pub(crate) struct BaseScenario {
    /// The scenario.
    pub scenario: Scenario,
    /// Its document.
    pub table: toml::Table,
    /// Its text.
    pub text: String,
    /// The display name of its file (the including file's, for an inline table).
    pub file: String,
}

/// The base scenario at `raw` (the value of `scenario`: a file path, read by `read_base` and validated
/// in its own file, or an inline table whose problems are located in the including file); `None` if
/// missing or invalid (reported).
pub(crate) fn base_scenario(
    ctx: &mut Ctx<'_>,
    raw: Option<&toml::Value>,
    read_base: &mut ReadBase<'_>,
) -> Option<BaseScenario> {
    let path = KeyPath::root().key("scenario");
    match raw {
        None => {
            ctx.report(&path, "missing required key: a scenario file path, or a [scenario] table");
            None
        }
        Some(toml::Value::String(file)) => {
            let (name, text) = match read_base(file) {
                Ok(x) => x,
                Err(msg) => {
                    ctx.report(&path, msg);
                    return None;
                }
            };
            match parse_with_table(&text, &name) {
                Ok((scenario, table)) => Some(BaseScenario { scenario, table, text, file: name }),
                Err(problems) => {
                    ctx.adopt(problems);
                    None
                }
            }
        }
        Some(toml::Value::Table(inline)) => {
            let text = toml::to_string(inline).unwrap_or_default();
            match scenario::parse(&text, ctx.file()) {
                Ok(scenario) => {
                    Some(BaseScenario { scenario, table: inline.clone(), text, file: ctx.file().to_string() })
                }
                Err(e) => {
                    for p in e.into_problems(ctx.file()) {
                        let at = KeyPath::parse(&p.key_path).map_or(path.clone(), |kp| join(&path, &kp));
                        ctx.report(&at, p.message);
                    }
                    None
                }
            }
        }
        Some(v) => {
            ctx.report(&path, format!("expected a scenario file path or a table, got {}", value_kind(v)));
            None
        }
    }
}

/// Parses and validates scenario `text` (from `file`), and returns it with its
/// TOML table (into which design points write their values), or its problems.
pub(crate) fn parse_with_table(text: &str, file: &str) -> Result<(Scenario, toml::Table), Vec<Problem>> {
    let scenario = scenario::parse(text, file).map_err(|e| e.into_problems(file))?;
    let table =
        toml::from_str::<toml::Table>(text).map_err(|e| vec![Problem::of_file(file, e.message().to_string())])?;
    Ok((scenario, table))
}

/// Path `b` inside path `a`.
fn join(a: &KeyPath, b: &KeyPath) -> KeyPath {
    let mut p = a.clone();
    for s in b.segs() {
        p.push(s.clone());
    }
    p
}

/// The design points of `design` over `axes` applied to `base`; `None` if any is invalid (reported).
pub(super) fn design_points(
    ctx: &mut Ctx<'_>,
    design: Design,
    axes: &[Axis],
    root_seed: u64,
    base: &toml::Table,
) -> Option<Vec<DesignPoint>> {
    let expanded = match expand(design, axes, root_seed) {
        Ok(e) => e,
        Err((i, msg)) => {
            let at = KeyPath::root().key("axes");
            ctx.report(&axes.get(i).map_or(at.clone(), |a| at.key(&a.name)), msg);
            return None;
        }
    };
    let points: Vec<Option<DesignPoint>> = expanded
        .levels
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let unit = expanded.unit.get(i).cloned().unwrap_or_default();
            design_point(ctx, base, axes, point).map(|p| DesignPoint { unit, ..p })
        })
        .collect();
    points.into_iter().collect()
}

/// Applies one point's levels to the base and validates the result.
fn design_point(ctx: &mut Ctx<'_>, base: &toml::Table, axes: &[Axis], levels: &[Level]) -> Option<DesignPoint> {
    let mut doc = base.clone();
    let axes_path = KeyPath::root().key("axes");
    for (a, l) in axes.iter().zip(levels) {
        if let Err(msg) = set_at(&mut doc, &a.path, l.value.clone()) {
            ctx.report_first(&axes_path.key(&a.name), msg);
            return None;
        }
    }
    let text = toml::to_string(&doc).unwrap_or_default();
    let file = ctx.file();
    let problems = match scenario::parse(&text, file) {
        Ok(scenario) => {
            let values = levels.iter().map(Level::value_text).collect();
            let labels = axes.iter().zip(levels).map(|(a, l)| a.has_labels().then(|| l.label.clone())).collect();
            return Some(DesignPoint { values, labels, scenario, unit: Vec::new() });
        }
        Err(e) => e.into_problems(file),
    };
    for pr in problems {
        let kp = KeyPath::parse(&pr.key_path).unwrap_or_default();
        match axes.iter().zip(levels).rev().find(|(a, _)| related(&a.path, &kp)) {
            Some((a, l)) => {
                let at = match (l.index, &a.values) {
                    (Some(i), _) => axes_path.key(&a.name).key("values").index(i),
                    (None, AxisValues::Dist { .. }) => axes_path.key(&a.name).key("dist"),
                    (None, _) => axes_path.key(&a.name).key("range"),
                };
                ctx.report_first(&at, format!("with {} = {}: {}: {}", a.name, l.label, pr.key_path, pr.message));
            }
            None => {
                let described: Vec<String> =
                    axes.iter().zip(levels).map(|(a, l)| format!("{} = {}", a.name, l.label)).collect();
                let msg = format!("with {}: {}: {}", described.join(", "), pr.key_path, pr.message);
                ctx.report_first(&axes_path, msg);
            }
        }
    }
    None
}

/// Whether a problem at key path `problem` concerns the axis over `axis`: one
/// path is the other or lies inside it (the root excepted).
fn related(axis: &KeyPath, problem: &KeyPath) -> bool {
    let (x, y) = (axis.segs(), problem.segs());
    x.len() <= y.len() && x == &y[..x.len()] || y.len() < x.len() && y == &x[..y.len()] && !y.is_empty()
}
