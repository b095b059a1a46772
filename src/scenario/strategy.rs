//! Validation of the `[strategy]` table into a [`StrategySpec`].

use super::check::{Bound, Ctx, num};
use super::keys::one_of_message;
use super::path::KeyPath;
use super::raw::{Field, RawStrategy};
use crate::strategy::{AfterTable, SegmentOrder, StrategyKind, StrategySpec};

/// Strategy kinds accepted in `strategy.kind`.
const KINDS: [&str; 2] = ["exponential", "schedule"];
/// Values of `strategy.segment_order`.
const ORDERS: [&str; 2] = ["engaged_first", "proportional"];
/// Values of `strategy.after`.
const AFTERS: [&str; 2] = ["hold", "grow"];

/// Validates `[strategy]` (required).
pub(crate) fn strategy(ctx: &mut Ctx<'_>, raw: Option<&RawStrategy>) -> Option<StrategySpec> {
    let path = KeyPath::root().key("strategy");
    let Some(raw) = raw else {
        ctx.missing(&path);
        return None;
    };
    let order_path = path.key("segment_order");
    let segment_order = match ctx.get(&raw.segment_order, &order_path).as_deref() {
        None if raw.segment_order.is_some() => None,
        None | Some("engaged_first") => Some(SegmentOrder::EngagedFirst),
        Some("proportional") => Some(SegmentOrder::Proportional),
        Some(other) => {
            ctx.report(&order_path, one_of_message("segment order", other, &ORDERS));
            None
        }
    };
    let kind_path = path.key("kind");
    let kind = match ctx.require(&raw.kind, &kind_path)?.as_str() {
        "exponential" => exponential(ctx, raw, &path),
        "schedule" => schedule(ctx, raw, &path),
        other => {
            ctx.report(&kind_path, one_of_message("kind", other, &KINDS));
            None
        }
    };
    Some(StrategySpec { kind: kind?, segment_order: segment_order? })
}

fn exponential(ctx: &mut Ctx<'_>, raw: &RawStrategy, path: &KeyPath) -> Option<StrategyKind> {
    let foreign = [
        ("daily_volumes", raw.daily_volumes.is_some()),
        ("after", raw.after.is_some()),
        ("after_growth", raw.after_growth.is_some()),
    ];
    ctx.foreign_keys(path, "exponential", &foreign);
    let start = ctx.req_f64(&raw.start, &path.key("start"), Bound::Positive);
    let growth = ctx.req_f64(&raw.growth, &path.key("growth"), Bound::Above(1.0));
    let target = ctx.req_f64(&raw.target, &path.key("target"), Bound::Positive);
    let (start, target) = (start?, target?);
    if target < start {
        let msg = format!("must be >= start ({}), got {}", num(start), num(target));
        ctx.report(&path.key("target"), msg);
        return None;
    }
    Some(StrategyKind::Exponential { start, growth: growth?, target })
}

fn schedule(ctx: &mut Ctx<'_>, raw: &RawStrategy, path: &KeyPath) -> Option<StrategyKind> {
    let foreign = [("start", raw.start.is_some()), ("growth", raw.growth.is_some()), ("target", raw.target.is_some())];
    ctx.foreign_keys(path, "schedule", &foreign);
    let volumes_path = path.key("daily_volumes");
    let volumes = ctx.require(&raw.daily_volumes, &volumes_path);
    let daily_volumes = volumes.and_then(|v| day_volumes(ctx, &v, &volumes_path));
    let after_path = path.key("after");
    let growth_path = path.key("after_growth");
    let after = match ctx.get(&raw.after, &after_path).as_deref() {
        None if raw.after.is_some() => None,
        None | Some("hold") => {
            if raw.after_growth.is_some() {
                ctx.report_key(&growth_path, "only used when after = \"grow\"");
            }
            Some(AfterTable::Hold)
        }
        Some("grow") => {
            ctx.req_f64(&raw.after_growth, &growth_path, Bound::AtLeast(1.0)).map(|factor| AfterTable::Grow { factor })
        }
        Some(other) => {
            ctx.report(&after_path, one_of_message("value", other, &AFTERS));
            None
        }
    };
    Some(StrategyKind::Schedule { daily_volumes: daily_volumes?, after: after? })
}

/// The daily volumes of a schedule: at least one day, none negative.
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
                Field::Ok(v) => ctx.check_int(*v, &day, 0, i64::MAX).and_then(|v| u64::try_from(v).ok()),
                Field::Invalid(msg) => {
                    ctx.report(&day, msg.clone());
                    None
                }
            }
        })
        .collect();
    days.into_iter().collect()
}
