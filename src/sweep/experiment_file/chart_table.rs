//! The `[charts]` table: which charts an experiment draws (`draw`) and the
//! metrics of its outcome, heatmap and sensitivity charts (`outcomes`,
//! `heatmaps`, `sensitivity`), checked against the metrics its runs will have.

use super::raw::RawCharts;
use crate::report::experiment::{
    ChartData, ChartSpec, DAYS_OBSERVED, DAYS_TO_WARM_PREFIX, DEFAULT_HEATMAPS, DEFAULT_OUTCOMES, RUN_METRICS, is_grid2,
};
use crate::scenario::{Ctx, KeyPath, Section, one_of_message};
use crate::sweep::{DesignPoint, Plan};

/// Chart names of `charts.draw`.
const CHART_NAMES: [&str; 5] = ["inbox", "reputation", "outcomes", "warm_by_day", "heatmap"];
/// Metrics of the sensitivity charts of a sampled design unless the experiment names others.
const DEFAULT_SENSITIVITY: [&str; 3] = ["days_to_warm_all", "blocked_share", "inbox_share"];
/// Why a heatmap cannot be drawn.
const HEATMAP_NEEDS: &str = "a heatmap needs exactly two axes in a grid design";

/// The charts of `plan`: the defaults for its size and shape, changed by `[charts]`.
pub(super) fn charts(ctx: &mut Ctx<'_>, raw: Option<&Section<RawCharts>>, plan: &Plan) -> Option<ChartSpec> {
    let grid2 = plan.design == "grid" && plan.axes.len() == 2 && {
        let data = ChartData {
            name: String::new(),
            replicates: 0,
            axes: plan.axes.clone(),
            point_values: plan.points.iter().map(DesignPoint::names).collect(),
            summary: Vec::new(),
            series: Vec::new(),
            runs: Vec::new(),
        };
        is_grid2(&data)
    };
    let mut spec = ChartSpec::default_for(plan.points.len(), grid2);
    if plan.sampling.is_some() {
        spec.sensitivity = DEFAULT_SENSITIVITY.map(String::from).to_vec();
    }
    let path = KeyPath::root().key("charts");
    let Some(raw) = ctx.table(raw, &path)? else { return Some(spec) };
    let known: Vec<String> = plan
        .providers()
        .iter()
        .map(|p| format!("{DAYS_TO_WARM_PREFIX}{p}"))
        .chain(RUN_METRICS.iter().filter(|m| **m != DAYS_OBSERVED).map(|m| m.to_string()))
        .chain(plan.drawn_columns())
        .collect();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let metric_list = |ctx: &mut Ctx<'_>, key: &str, field| -> Option<Vec<String>> {
        let list: Vec<String> = ctx.list(field, &path.key(key))?;
        for (i, m) in list.iter().enumerate() {
            if !known.contains(m) {
                ctx.report(&path.key(key).index(i), one_of_message("metric", m, &known_refs));
            }
        }
        Some(list)
    };
    let outcomes = metric_list(ctx, "outcomes", &raw.outcomes);
    let heatmaps = metric_list(ctx, "heatmaps", &raw.heatmaps);
    let sensitivity = metric_list(ctx, "sensitivity", &raw.sensitivity);
    if let Some(draw) = ctx.list(&raw.draw, &path.key("draw")) {
        for (i, d) in draw.iter().enumerate() {
            if !CHART_NAMES.contains(&d.as_str()) {
                ctx.report(&path.key("draw").index(i), one_of_message("chart", d, &CHART_NAMES));
            }
        }
        let has = |name: &str| draw.iter().any(|d| d == name);
        spec.inbox = has("inbox");
        spec.reputation = has("reputation");
        spec.warm_by_day = has("warm_by_day");
        spec.outcomes = if has("outcomes") { DEFAULT_OUTCOMES.map(String::from).to_vec() } else { Vec::new() };
        spec.heatmaps = if has("heatmap") { DEFAULT_HEATMAPS.map(String::from).to_vec() } else { Vec::new() };
        if has("heatmap") && !grid2 {
            let i = draw.iter().position(|d| d == "heatmap").unwrap_or(0);
            ctx.report(&path.key("draw").index(i), HEATMAP_NEEDS);
        }
    }
    if let Some(o) = outcomes {
        spec.outcomes = o;
    }
    if let Some(list) = sensitivity {
        if plan.sampling.is_none() && !list.is_empty() {
            let msg = "sensitivity charts need a sampled design (design = \"lhs\", \"morris\" or \"sobol\")";
            ctx.report(&path.key("sensitivity"), msg);
        }
        spec.sensitivity = list;
    }
    if let Some(h) = heatmaps {
        if !grid2 && !h.is_empty() {
            ctx.report(&path.key("heatmaps"), HEATMAP_NEEDS);
        }
        spec.heatmaps = h;
    }
    Some(spec)
}
