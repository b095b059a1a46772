//! The optimisation's files, written to the writers the CLI passes:
//! `candidates.csv` (every candidate with its search and verification
//! statistics), `convergence.csv` (one row per generation), `front.csv` (the
//! non-dominated finalists: objective against each constraint's violation
//! probability), `best_outcomes.csv` (the best plan's verification runs) and
//! `summary.json`; and the comparison's contenders read back from its
//! `runs.csv` ([`read_contenders`]) for the front chart and the summary.

use std::io::Write;

use serde_json::{Value, json};

mod contenders;

use super::OptimizeSpec;
use super::charts::{ConvergenceData, FrontData, FrontPoint, VerifiedPoint};
use super::search::rank::{RankKey, Stats};
use super::search::{Optimum, search_seed, verify_seed};
use crate::engine::seed_text;
use crate::report::experiment::csv_field;
use crate::stats::chance::clopper_pearson_upper;
pub use contenders::{Contender, paired_difference, read_contenders};

/// A value as written in the CSV files: Rust's shortest exact form, empty for none or NaN.
fn num(v: f64) -> String {
    if v.is_finite() { format!("{v}") } else { String::new() }
}

fn line(out: &mut dyn Write, fields: &[String]) -> std::io::Result<()> {
    let joined: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    writeln!(out, "{}", joined.join(","))
}

/// `constraint_<i>_<metric>` for constraint `c` (from 0).
fn constraint_column(spec: &OptimizeSpec, c: usize) -> String {
    format!("constraint_{}_{}", c + 1, spec.constraints[c].metric.name())
}

/// The column of the objective's mean: `<metric>_mean`.
pub fn objective_column(spec: &OptimizeSpec) -> String {
    format!("{}_mean", spec.objective.metric.name())
}

/// Writes `candidates.csv`: every candidate in the order first proposed.
pub fn write_candidates(spec: &OptimizeSpec, opt: &Optimum, out: &mut dyn Write) -> std::io::Result<()> {
    let nc = spec.constraints.len();
    let mut header: Vec<String> = vec!["generation".into(), "candidate".into(), "label".into()];
    header.extend(spec.space.params.iter().map(|p| p.column()));
    header.extend(["replicates".into(), objective_column(spec)]);
    for c in 0..nc {
        header.push(format!("{}_violation_share", constraint_column(spec, c)));
        header.push(format!("{}_upper_bound", constraint_column(spec, c)));
    }
    header.extend(["feasible".into(), "verified".into(), "verify_replicates".into()]);
    header.push(format!("verify_{}", objective_column(spec)));
    for c in 0..nc {
        header.push(format!("verify_{}_violation_share", constraint_column(spec, c)));
        header.push(format!("verify_{}_upper_bound", constraint_column(spec, c)));
    }
    header.push("safe".into());
    line(out, &header)?;
    let confidence = spec.settings.confidence;
    for (i, cand) in opt.candidates.iter().enumerate() {
        let mut f = vec![cand.generation.to_string(), cand.key.clone(), cand.label.clone()];
        f.extend(cand.values.iter().map(|v| num(*v)));
        let stats = cand.stats(None, nc);
        match &stats {
            Some(s) => {
                f.extend([s.n.to_string(), num(s.mean)]);
                for c in 0..nc {
                    f.extend([num(s.share(c)), num(clopper_pearson_upper(s.violations[c], s.n, confidence))]);
                }
            }
            None => f.extend(std::iter::repeat_n(String::new(), 2 + 2 * nc)),
        }
        let key = RankKey::new(stats.as_ref(), &opt.limits, spec.objective.maximise, i);
        f.push(if stats.as_ref().is_some_and(|s| s.n > 0) { key.feasible().to_string() } else { String::new() });
        match opt.verified.iter().find(|v| v.candidate == i) {
            Some(v) => {
                f.extend(["true".into(), v.stats.n.to_string(), num(v.stats.mean)]);
                for c in 0..nc {
                    f.extend([num(v.stats.share(c)), num(v.upper[c])]);
                }
                f.push(v.safe.to_string());
            }
            None => {
                f.push("false".into());
                f.extend(std::iter::repeat_n(String::new(), 3 + 2 * nc));
            }
        }
        line(out, &f)?;
    }
    Ok(())
}

/// Writes `convergence.csv`: per generation the search runs so far, the
/// distinct candidates, CMA-ES's step size and the best feasible objective so far.
pub fn write_convergence(spec: &OptimizeSpec, opt: &Optimum, out: &mut dyn Write) -> std::io::Result<()> {
    let best_col = format!("best_{}", objective_column(spec));
    let header = ["generation", "runs", "candidates", "sigma", &best_col, "best_candidate"];
    line(out, &header.map(String::from))?;
    for g in &opt.generations {
        let (mean, key) = match g.best {
            Some((b, mean)) => (num(mean), opt.candidates[b].key.clone()),
            None => (String::new(), String::new()),
        };
        let f = [g.generation.to_string(), g.runs.to_string(), g.candidates.to_string(), num(g.sigma), mean, key];
        line(out, &f)?;
    }
    Ok(())
}

/// The finalists (candidates with the most replicates) that no other finalist
/// dominates (objective at least as good and every violation share at most as
/// large, one of them strictly), best objective first.
pub fn front(spec: &OptimizeSpec, opt: &Optimum) -> Vec<usize> {
    let nc = spec.constraints.len();
    let tier =
        opt.candidates.iter().map(|c| c.runs.len()).max().unwrap_or(0).min(spec.settings.max_replicates as usize);
    let sign = if spec.objective.maximise { -1.0 } else { 1.0 };
    let pool: Vec<(usize, Stats)> = opt
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| tier > 0 && c.runs.len() >= tier)
        .filter_map(|(i, c)| c.stats(None, nc).map(|s| (i, s)))
        .collect();
    let dominates = |a: &Stats, b: &Stats| {
        let no_worse = sign * a.mean <= sign * b.mean && (0..nc).all(|c| a.share(c) <= b.share(c));
        let better = sign * a.mean < sign * b.mean || (0..nc).any(|c| a.share(c) < b.share(c));
        no_worse && better
    };
    let mut out: Vec<(f64, usize)> = pool
        .iter()
        .filter(|(_, s)| !pool.iter().any(|(_, o)| dominates(o, s)))
        .map(|(i, s)| (sign * s.mean, *i))
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    out.into_iter().map(|(_, i)| i).collect()
}

/// Writes `front.csv`.
pub fn write_front(spec: &OptimizeSpec, opt: &Optimum, out: &mut dyn Write) -> std::io::Result<()> {
    let nc = spec.constraints.len();
    let mut header: Vec<String> = vec!["candidate".into(), "label".into()];
    header.extend(spec.space.params.iter().map(|p| p.column()));
    header.extend(["replicates".into(), objective_column(spec)]);
    header.extend((0..nc).map(|c| format!("{}_violation_share", constraint_column(spec, c))));
    line(out, &header)?;
    for i in front(spec, opt) {
        let cand = &opt.candidates[i];
        let Some(s) = cand.stats(None, nc) else { continue };
        let mut f = vec![cand.key.clone(), cand.label.clone()];
        f.extend(cand.values.iter().map(|v| num(*v)));
        f.extend([s.n.to_string(), num(s.mean)]);
        f.extend((0..nc).map(|c| num(s.share(c))));
        line(out, &f)?;
    }
    Ok(())
}

/// Writes `best_outcomes.csv`: the best plan's verification runs (replicate,
/// seed, objective, each constraint's value and violation). Nothing without a best plan.
pub fn write_best_outcomes(spec: &OptimizeSpec, opt: &Optimum, out: &mut dyn Write) -> std::io::Result<()> {
    let mut header: Vec<String> = vec!["replicate".into(), "seed".into(), spec.objective.metric.name().to_string()];
    for c in 0..spec.constraints.len() {
        header.push(constraint_column(spec, c));
        header.push(format!("{}_violated", constraint_column(spec, c)));
    }
    line(out, &header)?;
    let Some(best) = opt.best.map(|b| &opt.verified[b]) else { return Ok(()) };
    for (r, run) in best.runs.iter().enumerate() {
        let mut f = vec![r.to_string(), seed_text(verify_seed(spec.seed, r as u32)), num(run.objective)];
        for (value, violated) in run.values.iter().zip(&run.violated) {
            f.push(value.map(num).unwrap_or_default());
            f.push(u8::from(*violated).to_string());
        }
        line(out, &f)?;
    }
    Ok(())
}

/// `summary.json`.
pub fn summary_json(spec: &OptimizeSpec, opt: &Optimum, contenders: &[Contender], compare_runs: u64) -> Value {
    let nc = spec.constraints.len();
    let values = |i: usize| -> Value {
        let c = &opt.candidates[i];
        Value::Object(spec.space.params.iter().zip(&c.values).map(|(p, v)| (p.column(), json!(v))).collect())
    };
    let verified: Vec<Value> = opt
        .verified
        .iter()
        .map(|v| {
            json!({
                "candidate": opt.candidates[v.candidate].key,
                "label": opt.candidates[v.candidate].label,
                "values": values(v.candidate),
                "replicates": v.stats.n,
                "objective_mean": v.stats.mean,
                "violations": v.stats.violations,
                "upper_bounds": v.upper,
                "safe": v.safe,
            })
        })
        .collect();
    let best = opt.best.map(|b| &opt.verified[b]);
    let comparison: Vec<Value> = contenders
        .iter()
        .map(|c| {
            let diff = contenders.first().and_then(|b| paired_difference(b, c));
            json!({
                "plan": c.label,
                "replicates": c.objective.len(),
                "objective_mean": c.mean(),
                "violation_shares": (0..nc).map(|k| c.share(k)).collect::<Vec<_>>(),
                "upper_bounds": (0..nc).map(|k| clopper_pearson_upper(c.violations[k], c.objective.len() as u64, spec.settings.confidence)).collect::<Vec<_>>(),
                "difference_from_first": diff.map(|d| json!({"mean": d.0, "ci_low": d.1, "ci_high": d.2})),
            })
        })
        .collect();
    json!({
        "name": spec.name,
        "description": spec.description,
        "ipwarm_version": crate::VERSION,
        "seed": seed_text(spec.seed),
        "first_search_seed": seed_text(search_seed(spec.seed, 0)),
        "objective": spec.objective.describe(),
        "constraints": spec.constraints.iter().zip(&opt.limits).map(|(c, l)| json!({
            "constraint": c.describe(), "search_violation_share_limit": l })).collect::<Vec<_>>(),
        "budget": spec.budget,
        "runs": { "search": opt.search_runs, "verification": opt.verified.iter().map(|v| v.stats.n).sum::<u64>(), "comparison": compare_runs },
        "generations": opt.generations.len(),
        "candidates": opt.candidates.len(),
        "stop": opt.stop.describe(),
        "bound_confidence": opt.bound_confidence,
        "verified": verified,
        "best_plan": best.map(|v| json!({
            "candidate": opt.candidates[v.candidate].key,
            "label": opt.candidates[v.candidate].label,
            "values": values(v.candidate),
            "objective_mean": v.stats.mean,
            "upper_bounds": v.upper,
            "file": "best_plan.toml",
        })),
        "comparison": comparison,
    })
}

/// The objective's axis title and scale: the metric's title, said to be a mean
/// (with the censoring of a days-to-warm metric).
fn objective_axis(spec: &OptimizeSpec) -> (String, f64, String) {
    let name = spec.objective.metric.name();
    let scale = crate::report::experiment::run_metric(name).map_or(1.0, |m| m.scale);
    let title = spec.objective.metric.title();
    let note = if spec.objective.metric.is_days_to_warm() {
        format!(
            " The objective is the mean of {name} over runs, a run not warm within the horizon counting as horizon + 1 \
             ({} days).",
            spec.base.horizon_days + 1
        )
    } else {
        String::new()
    };
    (format!("{title} (mean)"), scale, note)
}

/// The data of `front.png`: `contenders` are the comparison's plans, the best plan's first (not drawn again).
pub fn front_data(spec: &OptimizeSpec, opt: &Optimum, contenders: &[Contender]) -> FrontData {
    let nc = spec.constraints.len();
    let confidence = spec.settings.confidence;
    let (objective_title, objective_scale, objective_note) = objective_axis(spec);
    let point = |s: &Stats, uppers: Option<Vec<f64>>| FrontPoint {
        objective: s.mean,
        shares: (0..nc).map(|c| s.share(c)).collect(),
        uppers,
    };
    let tier =
        opt.candidates.iter().map(|c| c.runs.len()).max().unwrap_or(0).min(spec.settings.max_replicates as usize);
    let finalists: Vec<FrontPoint> = opt
        .candidates
        .iter()
        .filter(|c| tier > 0 && c.runs.len() >= tier)
        .filter_map(|c| c.stats(None, nc))
        .map(|s| point(&s, None))
        .collect();
    let front_points = front(spec, opt)
        .into_iter()
        .filter_map(|i| opt.candidates[i].stats(None, nc))
        .map(|s| point(&s, None))
        .collect();
    let verified = opt
        .verified
        .iter()
        .enumerate()
        .map(|(i, v)| VerifiedPoint {
            point: point(&v.stats, Some(v.upper.clone())),
            safe: v.safe,
            best: opt.best == Some(i),
        })
        .collect();
    let contender_points = contenders
        .iter()
        .skip(1)
        .map(|c| {
            let n = c.objective.len() as u64;
            let uppers = (0..nc).map(|k| clopper_pearson_upper(c.violations[k], n, confidence)).collect();
            let p =
                FrontPoint { objective: c.mean(), shares: (0..nc).map(|k| c.share(k)).collect(), uppers: Some(uppers) };
            (c.label.clone(), p)
        })
        .collect();
    FrontData {
        name: spec.name.clone(),
        objective_title,
        objective_scale,
        objective_note,
        maximise: spec.objective.maximise,
        objective_name: if spec.objective.metric.is_days_to_warm() {
            "speed".to_string()
        } else {
            spec.objective.metric.name().to_string()
        },
        constraints: spec.constraints.iter().map(|c| (c.describe(), c.max_probability)).collect(),
        finalists,
        front: front_points,
        verified,
        contenders: contender_points,
        replicates: (
            tier as u64,
            u64::from(spec.settings.verify_replicates),
            contenders.first().map_or(0, |c| c.objective.len() as u64),
        ),
    }
}

/// The data of `convergence.png`.
pub fn convergence_data(spec: &OptimizeSpec, opt: &Optimum) -> ConvergenceData {
    let (objective_title, objective_scale, objective_note) = objective_axis(spec);
    ConvergenceData {
        name: spec.name.clone(),
        objective_title,
        objective_scale,
        objective_note,
        rows: opt.generations.iter().map(|g| (g.runs, g.best.map(|b| b.1), g.sigma)).collect(),
        search_budget: spec.search_budget(),
    }
}

#[cfg(test)]
mod tests;
