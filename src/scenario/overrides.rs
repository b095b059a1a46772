//! Overrides of a provider's parameters from its `[providers.NAME]` table,
//! each checked against its range.

use super::check::{Bounds, Ctx, num};
use super::keys::one_of_message;
use super::names::derived_label_problem;
use super::path::KeyPath;
use super::raw::{RawFeedback, RawProvider, RawReply};
use crate::model::{FeedbackLoop, ProviderParams, SmtpReply};

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
    let mut invalid: Vec<&str> = Vec::new();
    macro_rules! floats {
        ($($field:ident: $bound:expr),* $(,)?) => {$(
            if raw.$field.is_some() {
                match ctx.f64(&raw.$field, &path.key(stringify!($field)), $bound) {
                    Some(v) => params.$field = v,
                    None => invalid.push(stringify!($field)),
                }
            }
        )*};
    }
    floats! {
        initial_trust: Bounds::UNIT,
        trust_gain_per_day: Bounds::UNIT,
        notice_volume_per_day: Bounds::POSITIVE,
        base_hourly_allowance: Bounds::POSITIVE,
        allowance_growth_untrusted: Bounds::at_least(1.0),
        allowance_growth_trusted: Bounds::at_least(1.0),
        recent_memory_days: Bounds::POSITIVE,
        history_memory_days: Bounds::POSITIVE,
        idle_decay_days: Bounds::POSITIVE,
        inbox_logit_intercept: Bounds::ANY,
        inbox_logit_trust_slope: Bounds::NON_NEG,
        engagement_weight: Bounds::NON_NEG,
        complaint_warn_rate: Bounds::UNIT,
        complaint_severe_rate: Bounds::UNIT,
        bounce_warn_rate: Bounds::UNIT,
        complaint_penalty: Bounds::NON_NEG,
        severe_complaint_penalty: Bounds::NON_NEG,
        bounce_penalty: Bounds::NON_NEG,
        trap_penalty_per_hit: Bounds::NON_NEG,
        block_penalty: Bounds::NON_NEG,
        spike_ratio: Bounds::above(1.0),
        spike_penalty: Bounds::NON_NEG,
        block_trust_threshold: Bounds::UNIT,
        block_max_rate: Bounds::UNIT,
        complaint_block_rate: Bounds::UNIT,
        junk_open_factor: Bounds::UNIT,
    }
    let mut ok = invalid.is_empty();
    if raw.name.is_some() {
        let msg = "cannot be overridden: a provider's name is its key in audience.providers";
        ctx.report_key(&path.key("name"), msg);
        ok = false;
    }
    for pair in [Ordered::Allowance, Ordered::Complaint] {
        ok &= ordered(ctx, path, &params, raw, pair, &invalid);
    }
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

/// Pairs of parameters where the second must not be below the first.
#[derive(Clone, Copy)]
enum Ordered {
    /// `allowance_growth_untrusted <= allowance_growth_trusted`.
    Allowance,
    /// `complaint_warn_rate <= complaint_severe_rate`.
    Complaint,
}

/// Checks an [`Ordered`] pair after overrides; reports at an overridden key.
/// Skipped if either value is among the `invalid` overrides (already reported).
fn ordered(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    p: &ProviderParams,
    raw: &RawProvider,
    pair: Ordered,
    invalid: &[&str],
) -> bool {
    let (low_key, low, low_set, high_key, high, high_set) = match pair {
        Ordered::Allowance => (
            "allowance_growth_untrusted",
            p.allowance_growth_untrusted,
            raw.allowance_growth_untrusted.is_some(),
            "allowance_growth_trusted",
            p.allowance_growth_trusted,
            raw.allowance_growth_trusted.is_some(),
        ),
        Ordered::Complaint => (
            "complaint_warn_rate",
            p.complaint_warn_rate,
            raw.complaint_warn_rate.is_some(),
            "complaint_severe_rate",
            p.complaint_severe_rate,
            raw.complaint_severe_rate.is_some(),
        ),
    };
    let skip = invalid.contains(&low_key) || invalid.contains(&high_key);
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
