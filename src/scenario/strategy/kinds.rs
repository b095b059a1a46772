//! The parameters of each strategy kind, each checked against its range and
//! falling back on `base` (the kind's defaults, or a preset's values).

use super::super::check::{Bound, Ctx, num};
use super::super::keys::one_of_message;
use super::super::path::KeyPath;
use super::super::raw::{Field, Opt, RawStrategy};
use super::super::types::MAX_AUDIENCE_SIZE;
use crate::strategy::{
    AdaptiveParams, AfterTable, AutoBlendParams, Blend, DEFAULT_BLEND_DAYS, DEFAULT_START_SHARE, DEFAULT_WARMUP_VOLUME,
    ExponentialParams, HealthRules, HealthScope, LinearParams, PerProviderParams, ScheduleParams, StrategyKind,
    TableUnit,
};

/// Longest ramp or window accepted (days).
const MAX_DAYS: i64 = 3650;

/// The kind's parameters over `base`; `base` is `None` only for a `schedule` without a preset.
pub(super) fn validate(
    ctx: &mut Ctx<'_>,
    raw: &RawStrategy,
    path: &KeyPath,
    base: Option<StrategyKind>,
) -> Option<StrategyKind> {
    let v = Params { raw, path };
    match base {
        None => v.schedule(ctx, None).map(StrategyKind::Schedule),
        Some(StrategyKind::Schedule(b)) => v.schedule(ctx, Some(b)).map(StrategyKind::Schedule),
        Some(StrategyKind::Exponential(b)) => v.exponential(ctx, b).map(StrategyKind::Exponential),
        Some(StrategyKind::Linear(b)) => v.linear(ctx, b).map(StrategyKind::Linear),
        Some(StrategyKind::Adaptive(b)) => v.adaptive(ctx, b).map(StrategyKind::Adaptive),
        Some(StrategyKind::AutoBlend(b)) => v.auto_blend(ctx, b).map(StrategyKind::AutoBlend),
        Some(StrategyKind::PerProvider(b)) => v.per_provider(ctx, b).map(StrategyKind::PerProvider),
    }
}

/// The raw table and its path.
struct Params<'r> {
    raw: &'r RawStrategy,
    path: &'r KeyPath,
}

impl Params<'_> {
    fn f64(&self, ctx: &mut Ctx<'_>, field: &Opt<f64>, key: &str, bound: Bound, base: f64) -> Option<f64> {
        ctx.f64_or(field, &self.path.key(key), bound, base)
    }

    /// An optional volume (> 0) whose absence means `base`.
    fn volume(&self, ctx: &mut Ctx<'_>, field: &Opt<f64>, key: &str, base: Option<f64>) -> Option<Option<f64>> {
        match field {
            None => Some(base),
            f => ctx.f64(f, &self.path.key(key), Bound::Positive).map(Some),
        }
    }

    /// A number of days in `1..=MAX_DAYS`.
    fn days(&self, ctx: &mut Ctx<'_>, field: &Opt<i64>, key: &str, base: u32) -> Option<u32> {
        let v = ctx.int_or(field, &self.path.key(key), (1, MAX_DAYS), i64::from(base))?;
        u32::try_from(v).ok()
    }

    /// A share in (0, 1), or (0, 1] when `one_allowed`.
    fn fraction(&self, ctx: &mut Ctx<'_>, field: &Opt<f64>, key: &str, base: f64, one_allowed: bool) -> Option<f64> {
        let v = self.f64(ctx, field, key, Bound::Positive, base)?;
        if v > 1.0 || (v == 1.0 && !one_allowed) {
            let rule = if one_allowed { "must be <= 1" } else { "must be < 1" };
            ctx.report(&self.path.key(key), format!("{rule}, got {}", num(v)));
            return None;
        }
        Some(v)
    }

    /// One of `options`, or `base` when absent.
    fn choice<'o>(
        &self,
        ctx: &mut Ctx<'_>,
        field: &Opt<String>,
        key: &str,
        options: &[&'o str],
        base: &'o str,
    ) -> Option<&'o str> {
        let path = self.path.key(key);
        match ctx.get(field, &path) {
            None if field.is_some() => None,
            None => Some(base),
            Some(v) => match options.iter().find(|o| **o == v) {
                Some(o) => Some(*o),
                None => {
                    ctx.report(&path, one_of_message("value", &v, options));
                    None
                }
            },
        }
    }

    /// Reports `target < start`, at `target` when the file gives it, else at `start`.
    fn target_not_below_start(&self, ctx: &mut Ctx<'_>, start: f64, target: Option<f64>) -> Option<()> {
        match target {
            Some(t) if t < start => {
                if self.raw.target.is_some() {
                    ctx.report(&self.path.key("target"), format!("must be >= start ({}), got {}", num(start), num(t)));
                } else {
                    ctx.report(&self.path.key("start"), format!("must be <= target ({}), got {}", num(t), num(start)));
                }
                None
            }
            _ => Some(()),
        }
    }

    /// Reports `key` given while `active` is false: `only used when {when}`.
    fn only_when(&self, ctx: &mut Ctx<'_>, present: bool, key: &str, active: bool, when: &str) {
        if present && !active {
            ctx.report_key(&self.path.key(key), format!("only used when {when}"));
        }
    }

    fn exponential(&self, ctx: &mut Ctx<'_>, b: ExponentialParams) -> Option<ExponentialParams> {
        let r = self.raw;
        let start = self.f64(ctx, &r.start, "start", Bound::Positive, b.start);
        let growth = self.f64(ctx, &r.growth, "growth", Bound::Above(1.0), b.growth);
        let target = self.volume(ctx, &r.target, "target", b.target);
        let (start, target) = (start?, target?);
        self.target_not_below_start(ctx, start, target)?;
        Some(ExponentialParams { start, growth: growth?, target })
    }

    fn linear(&self, ctx: &mut Ctx<'_>, b: LinearParams) -> Option<LinearParams> {
        let r = self.raw;
        let start = self.f64(ctx, &r.start, "start", Bound::Positive, b.start);
        let target = self.volume(ctx, &r.target, "target", b.target);
        let ramp_days = self.days(ctx, &r.ramp_days, "ramp_days", b.ramp_days);
        let (start, target) = (start?, target?);
        self.target_not_below_start(ctx, start, target)?;
        Some(LinearParams { start, target, ramp_days: ramp_days? })
    }

    fn schedule(&self, ctx: &mut Ctx<'_>, b: Option<ScheduleParams>) -> Option<ScheduleParams> {
        let r = self.raw;
        let table = match &b {
            Some(b) => Some((b.volumes.clone(), b.unit, b.per_ip)),
            None => self.table(ctx),
        };
        let after = self.after(ctx, b.as_ref().map_or(AfterTable::Hold, |b| b.after));
        let target = self.volume(ctx, &r.target, "target", b.as_ref().and_then(|b| b.target));
        let (volumes, unit, per_ip) = table?;
        Some(ScheduleParams { volumes, unit, per_ip, after: after?, target: target? })
    }

    /// A schedule's own table: `daily_volumes` or `hourly_volumes`, and `volume_per`.
    fn table(&self, ctx: &mut Ctx<'_>) -> Option<(Vec<u64>, TableUnit, bool)> {
        let r = self.raw;
        let per = self.choice(ctx, &r.volume_per, "volume_per", &["total", "ip"], "total");
        let (daily, hourly) = (self.path.key("daily_volumes"), self.path.key("hourly_volumes"));
        let (field, path, unit) = match (&r.daily_volumes, &r.hourly_volumes) {
            (Some(_), Some(_)) => {
                ctx.report_key(&hourly, "give daily_volumes or hourly_volumes, not both");
                return None;
            }
            (None, Some(_)) => (&r.hourly_volumes, hourly, TableUnit::Hour),
            _ => (&r.daily_volumes, daily, TableUnit::Day),
        };
        let volumes = ctx.require(field, &path).and_then(|v| day_volumes(ctx, &v, &path));
        Some((volumes?, unit, per? == "ip"))
    }

    /// `after`, `after_growth` and `after_every_days` over `base`.
    fn after(&self, ctx: &mut Ctx<'_>, base: AfterTable) -> Option<AfterTable> {
        let r = self.raw;
        let base_name = if matches!(base, AfterTable::Hold) { "hold" } else { "grow" };
        let kind = self.choice(ctx, &r.after, "after", &["hold", "grow"], base_name)?;
        let grow = kind == "grow";
        let when = "after = \"grow\"";
        self.only_when(ctx, r.after_growth.is_some(), "after_growth", grow, when);
        self.only_when(ctx, r.after_every_days.is_some(), "after_every_days", grow, when);
        if !grow {
            return (r.after_growth.is_none() && r.after_every_days.is_none()).then_some(AfterTable::Hold);
        }
        let (factor, every) = match base {
            AfterTable::Grow { factor, every_days } => (Some(factor), every_days),
            AfterTable::Hold => (None, 1),
        };
        let growth_path = self.path.key("after_growth");
        let factor = match factor {
            Some(f) => ctx.f64_or(&r.after_growth, &growth_path, Bound::AtLeast(1.0), f),
            None => ctx.req_f64(&r.after_growth, &growth_path, Bound::AtLeast(1.0)),
        };
        let every_days = self.days(ctx, &r.after_every_days, "after_every_days", every);
        Some(AfterTable::Grow { factor: factor?, every_days: every_days? })
    }

    fn health(&self, ctx: &mut Ctx<'_>, b: HealthRules) -> Option<HealthRules> {
        let r = self.raw;
        let prob = |ctx: &mut Ctx<'_>, f: &Opt<f64>, key: &str, base: f64| self.f64(ctx, f, key, Bound::Prob, base);
        let min_delivery_rate = prob(ctx, &r.min_delivery_rate, "min_delivery_rate", b.min_delivery_rate);
        let min_open_rate = prob(ctx, &r.min_open_rate, "min_open_rate", b.min_open_rate);
        let max_bounce_rate = prob(ctx, &r.max_bounce_rate, "max_bounce_rate", b.max_bounce_rate);
        let max_complaint_rate = prob(ctx, &r.max_complaint_rate, "max_complaint_rate", b.max_complaint_rate);
        let max_deferral_rate = prob(ctx, &r.max_deferral_rate, "max_deferral_rate", b.max_deferral_rate);
        let backoff_deferral_rate =
            prob(ctx, &r.backoff_deferral_rate, "backoff_deferral_rate", b.backoff_deferral_rate);
        let backoff_block_rate = prob(ctx, &r.backoff_block_rate, "backoff_block_rate", b.backoff_block_rate);
        let cut_factor = self.fraction(ctx, &r.cut_factor, "cut_factor", b.cut_factor, false);
        let recovery_growth =
            self.f64(ctx, &r.recovery_growth, "recovery_growth", Bound::AtLeast(1.0), b.recovery_growth);
        let window_days = self.days(ctx, &r.window_days, "window_days", b.window_days);
        Some(HealthRules {
            min_delivery_rate: min_delivery_rate?,
            min_open_rate: min_open_rate?,
            max_bounce_rate: max_bounce_rate?,
            max_complaint_rate: max_complaint_rate?,
            max_deferral_rate: max_deferral_rate?,
            backoff_deferral_rate: backoff_deferral_rate?,
            backoff_block_rate: backoff_block_rate?,
            cut_factor: cut_factor?,
            recovery_growth: recovery_growth?,
            window_days: window_days?,
        })
    }

    fn adaptive(&self, ctx: &mut Ctx<'_>, b: AdaptiveParams) -> Option<AdaptiveParams> {
        let r = self.raw;
        let start = self.f64(ctx, &r.start, "start", Bound::Positive, b.start);
        let growth = self.f64(ctx, &r.growth, "growth", Bound::Above(1.0), b.growth);
        let target = self.volume(ctx, &r.target, "target", b.target);
        let base_scope = if b.scope == HealthScope::Global { "global" } else { "per_provider" };
        let scope = self.choice(ctx, &r.scope, "scope", &["per_provider", "global"], base_scope);
        let health = self.health(ctx, b.health);
        let (start, target) = (start?, target?);
        self.target_not_below_start(ctx, start, target)?;
        let scope = if scope? == "global" { HealthScope::Global } else { HealthScope::PerProvider };
        Some(AdaptiveParams { start, growth: growth?, target, scope, health: health? })
    }

    fn auto_blend(&self, ctx: &mut Ctx<'_>, b: AutoBlendParams) -> Option<AutoBlendParams> {
        let r = self.raw;
        let daily_volume = self.volume(ctx, &r.daily_volume, "daily_volume", b.daily_volume);
        let base_name = if matches!(b.blend, Blend::Time { .. }) { "time" } else { "volume" };
        let mode = self.choice(ctx, &r.blend, "blend", &["time", "volume"], base_name);
        let (days, start_share, warmup_volume) = match b.blend {
            Blend::Time { days } => (days, DEFAULT_START_SHARE, DEFAULT_WARMUP_VOLUME),
            Blend::Volume { start_share, warmup_volume } => (DEFAULT_BLEND_DAYS, start_share, warmup_volume),
        };
        let time = mode? == "time";
        self.only_when(ctx, r.blend_days.is_some(), "blend_days", time, "blend = \"time\"");
        self.only_when(ctx, r.start_share.is_some(), "start_share", !time, "blend = \"volume\"");
        self.only_when(ctx, r.warmup_volume.is_some(), "warmup_volume", !time, "blend = \"volume\"");
        let blend = if time {
            Blend::Time { days: self.days(ctx, &r.blend_days, "blend_days", days)? }
        } else {
            let start_share = self.fraction(ctx, &r.start_share, "start_share", start_share, true);
            let warmup = self.f64(ctx, &r.warmup_volume, "warmup_volume", Bound::Positive, warmup_volume);
            Blend::Volume { start_share: start_share?, warmup_volume: warmup? }
        };
        Some(AutoBlendParams { daily_volume: daily_volume?, blend })
    }

    fn per_provider(&self, ctx: &mut Ctx<'_>, b: PerProviderParams) -> Option<PerProviderParams> {
        let r = self.raw;
        let daily_volume = self.volume(ctx, &r.daily_volume, "daily_volume", b.daily_volume);
        let start = self.f64(ctx, &r.start, "start", Bound::Positive, b.start);
        let growth = self.f64(ctx, &r.growth, "growth", Bound::Above(1.0), b.growth);
        let pool_until_share = self.f64(ctx, &r.pool_until_share, "pool_until_share", Bound::Prob, b.pool_until_share);
        let health = self.health(ctx, b.health);
        Some(PerProviderParams {
            daily_volume: daily_volume?,
            start: start?,
            growth: growth?,
            pool_until_share: pool_until_share?,
            health: health?,
        })
    }
}

/// The volumes of a schedule: at least one day, each from 0 to
/// [`MAX_AUDIENCE_SIZE`] (a recipient gets at most one message a day, so no
/// day or hour sends more than the largest list).
fn day_volumes(ctx: &mut Ctx<'_>, raw: &[Field<i64>], path: &KeyPath) -> Option<Vec<u64>> {
    if raw.is_empty() {
        ctx.report(path, "must have at least one day");
        return None;
    }
    let days: Vec<Option<u64>> = raw
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let day = path.index(i);
            match f {
                Field::Ok(v) => {
                    let max = i64::try_from(MAX_AUDIENCE_SIZE).unwrap_or(i64::MAX);
                    ctx.check_int(*v, &day, 0, max).and_then(|v| u64::try_from(v).ok())
                }
                Field::Invalid(msg) => {
                    ctx.report(&day, msg.clone());
                    None
                }
            }
        })
        .collect();
    days.into_iter().collect()
}
