//! Overrides of a provider's parameters from its `[providers.NAME]` table,
//! each checked against its range: every float parameter of the registry
//! (`model::PROVIDER_PARAMS`) as a number or a distribution (`prior.rs`),
//! `priors = "shipped"`, the feedback loop and the replies.

use super::check::{Ctx, num};
use super::keys::one_of_message;
use super::names::derived_label_problem;
use super::path::KeyPath;
use super::prior::{ParamValue, param_value};
use super::raw::{RawFeedback, RawProvider, RawReply};
use crate::model::{
    FeedbackLoop, ORDERED_PARAMS, PROVIDER_PARAMS, ParamPrior, ProviderParams, SmtpReply, provider_param,
    shipped_priors,
};

/// Feedback kinds accepted in `feedback.kind`.
const FEEDBACK_KINDS: [&str; 3] = ["per_message", "daily_aggregate", "none"];
/// Delay of a per-message feedback loop when `delay_hours` is not given.
const DEFAULT_FEEDBACK_DELAY_HOURS: i64 = 24;
/// Longest feedback delay accepted (hours): the longest horizon, 365 days.
const MAX_FEEDBACK_DELAY_HOURS: i64 = 365 * 24;

/// `params` with the overrides of `raw` (the table at `path`) applied; `None`
/// if any override is invalid.
pub(crate) fn apply_overrides(
    ctx: &mut Ctx<'_>,
    raw: &RawProvider,
    path: &KeyPath,
    mut params: ProviderParams,
) -> Option<ProviderParams> {
    let (invalid, priors) = floats(ctx, raw, path, &mut params);
    // Drawn parameters keep their order by construction (`sim::variation`): only fixed ones are checked.
    let unchecked: Vec<&str> = invalid.iter().copied().chain(priors.iter().map(|p| p.key)).collect();
    let mut ok = invalid.is_empty();
    if raw.name.is_some() {
        let msg = "cannot be overridden: a provider's name is its key in audience.providers";
        ctx.report_key(&path.key("name"), msg);
        ok = false;
    }
    for (low, high) in ORDERED_PARAMS {
        ok &= ordered(ctx, path, &params, raw, (low, high), &unchecked);
    }
    params.priors = priors;
    match ctx.table(raw.feedback.as_ref(), &path.key("feedback")) {
        Some(Some(f)) => match feedback(ctx, f, &path.key("feedback")) {
            Some(fb) => params.feedback = fb,
            None => ok = false,
        },
        Some(None) => {}
        None => ok = false,
    }
    let replies = [
        ("defer_reply", &raw.defer_reply, &mut params.defer_reply, '4'),
        ("block_reply", &raw.block_reply, &mut params.block_reply, '5'),
        ("escalation_reply", &raw.escalation_reply, &mut params.escalation_reply, '5'),
        ("bounce_reply", &raw.bounce_reply, &mut params.bounce_reply, '5'),
    ];
    for (key, raw_reply, reply, class) in replies {
        match ctx.table(raw_reply.as_ref(), &path.key(key)) {
            Some(Some(r)) => ok &= self::reply(ctx, r, &path.key(key), reply, class),
            Some(None) => {}
            None => ok = false,
        }
    }
    ok.then_some(params)
}

/// Applies the float parameters of `raw` to `params`, in registry order: a
/// number replaces the value, a distribution sets its center and is returned
/// among the priors (with the shipped priors if `priors = "shipped"`, less
/// those of parameters given here). Returns the keys found invalid, and the priors.
fn floats(
    ctx: &mut Ctx<'_>,
    raw: &RawProvider,
    path: &KeyPath,
    params: &mut ProviderParams,
) -> (Vec<&'static str>, Vec<ParamPrior>) {
    let mut invalid = Vec::new();
    let priors_path = path.key("priors");
    let mut priors = match ctx.get(&raw.priors, &priors_path).as_deref() {
        Some("shipped") => shipped_priors(params),
        Some("none") => Vec::new(),
        Some(other) => {
            ctx.report(&priors_path, one_of_message("priors", other, &PRIORS));
            invalid.push("priors");
            Vec::new()
        }
        None => {
            if raw.priors.is_some() {
                invalid.push("priors");
            }
            Vec::new()
        }
    };
    for spec in PROVIDER_PARAMS {
        let Some(value) = raw.params.get(spec.key) else { continue };
        priors.retain(|p| p.key != spec.key);
        match param_value(ctx, value, &path.key(spec.key), spec) {
            Some(ParamValue::Fixed(v)) => *(spec.get_mut)(params) = v,
            Some(ParamValue::Uncertain(prior)) => {
                *(spec.get_mut)(params) = prior.center();
                priors.push(ParamPrior { key: spec.key, prior });
            }
            None => invalid.push(spec.key),
        }
    }
    let order = |key: &str| PROVIDER_PARAMS.iter().position(|s| s.key == key);
    priors.sort_by_key(|p| order(p.key));
    (invalid, priors)
}

/// Values of `priors`.
const PRIORS: [&str; 2] = ["shipped", "none"];

/// Checks that parameter `high` is not below `low` after overrides; reports at
/// an overridden key. Skipped if either is among `unchecked`: invalid (already
/// reported) or drawn.
fn ordered(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    p: &ProviderParams,
    raw: &RawProvider,
    (low_key, high_key): (&str, &str),
    unchecked: &[&str],
) -> bool {
    let value = |key: &str| provider_param(key).map_or(0.0, |spec| (spec.get)(p));
    let (low, high) = (value(low_key), value(high_key));
    let (low_set, high_set) = (raw.params.contains_key(low_key), raw.params.contains_key(high_key));
    let skip = unchecked.contains(&low_key) || unchecked.contains(&high_key);
    if high >= low || !(low_set || high_set) || skip {
        return true;
    }
    if high_set {
        ctx.report(&path.key(high_key), format!("must be >= {low_key} ({}), got {}", num(low), num(high)));
    } else {
        ctx.report(&path.key(low_key), format!("must be <= {high_key} ({}), got {}", num(high), num(low)));
    }
    false
}

/// `feedback = { kind = ..., delay_hours = ... }`.
fn feedback(ctx: &mut Ctx<'_>, raw: &RawFeedback, path: &KeyPath) -> Option<FeedbackLoop> {
    let kind_path = path.key("kind");
    let kind = ctx.require(&raw.kind, &kind_path)?;
    let delay_path = path.key("delay_hours");
    let fb = match kind.as_str() {
        "per_message" => {
            let range = (0, MAX_FEEDBACK_DELAY_HOURS);
            let delay = ctx.int_or(&raw.delay_hours, &delay_path, range, DEFAULT_FEEDBACK_DELAY_HOURS)?;
            FeedbackLoop::PerMessage { delay_hours: u64::try_from(delay).ok()? }
        }
        "daily_aggregate" | "none" => {
            ctx.foreign_keys(path, &kind, &[("delay_hours", raw.delay_hours.is_some())]);
            if raw.delay_hours.is_some() {
                return None;
            }
            if kind == "none" { FeedbackLoop::None } else { FeedbackLoop::DailyAggregate }
        }
        other => {
            ctx.report(&kind_path, one_of_message("kind", other, &FEEDBACK_KINDS));
            return None;
        }
    };
    Some(fb)
}

/// Applies `{ code = ..., text = ... }` to `reply`; the code must be of class `class` (`4` or `5`).
fn reply(ctx: &mut Ctx<'_>, raw: &RawReply, path: &KeyPath, reply: &mut SmtpReply, class: char) -> bool {
    let mut ok = true;
    let code_path = path.key("code");
    let shown = |ctx: &mut Ctx<'_>, v: Option<String>, p: &KeyPath| match v.as_deref().map(derived_label_problem) {
        Some(Some(msg)) => {
            ctx.report(p, msg);
            None
        }
        _ => v,
    };
    let code = ctx.get(&raw.code, &code_path);
    let code = shown(ctx, code, &code_path);
    let text_path = path.key("text");
    let text = ctx.get(&raw.text, &text_path);
    let text = shown(ctx, text, &text_path);
    match code {
        Some(code) if code.starts_with(class) => reply.code = code,
        Some(code) => {
            ctx.report(&code_path, format!("must be a {class}xx reply code, got {code:?}"));
            ok = false;
        }
        None => ok &= raw.code.is_none(),
    }
    match text {
        Some(text) => reply.text = text,
        None => ok &= raw.text.is_none(),
    }
    ok
}
