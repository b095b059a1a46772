//! Validation of a raw scenario into a [`Scenario`]: the top-level keys, the
//! sending window, the retry policy, the audience and the IPs. Every problem is
//! recorded in the [`Ctx`]; nothing stops at the first one.

use std::collections::HashMap;
use std::net::IpAddr;

use super::check::{Bounds, Ctx, num};
use super::keys::one_of_message;
use super::names::{folder_name_problem, label_problem, text_problem};
use super::path::KeyPath;
use super::providers::providers;
use super::raw::{Opt, RawAudience, RawIp, RawRetry, RawScenario, RawSegment, RawSending, Section};
use super::strategy::strategy;
use super::types::{DEFAULT_HORIZON_DAYS, MAX_AUDIENCE_SIZE, MAX_HORIZON_DAYS, Scenario};
use crate::model::{Audience, IpKind, IpSpec, ProviderParams, RetryPolicy, Segment, SendingWindow};

/// Seed used when the file gives none.
const DEFAULT_SEED: u64 = 1;
/// Default sending window: 08:00 to 20:00.
const DEFAULT_HOURS: (i64, i64) = (8, 20);
/// Longest retry delay accepted (minutes): the longest horizon, 365 days.
const MAX_RETRY_MINUTES: i64 = 365 * 24 * 60;
/// Longest queue lifetime accepted (hours): the longest horizon, 365 days.
const MAX_QUEUE_LIFETIME_HOURS: i64 = 365 * 24;
/// Defaults of a `shared_pool` IP: trust mean, trust sd, other tenants' daily volume per provider.
const SHARED_POOL_DEFAULTS: (f64, f64, f64) = (0.85, 0.05, 500_000.0);

/// Validates `raw`; `None` if any problem was recorded in `ctx`.
pub(crate) fn validate(ctx: &mut Ctx<'_>, raw: &RawScenario) -> Option<Scenario> {
    let root = KeyPath::root();
    let name = ctx.require(&raw.name, &root.key("name"));
    let name = name.filter(|n| ctx.check(&root.key("name"), folder_name_problem(n)));
    let description = ctx.get(&raw.description, &root.key("description"));
    let description = description.filter(|d| ctx.check(&root.key("description"), text_problem(d)));
    let seed = self::seed(ctx, &raw.seed, &root.key("seed")).unwrap_or(DEFAULT_SEED);
    let horizon = ctx.int(&raw.horizon_days, &root.key("horizon_days"), 1, i64::from(MAX_HORIZON_DAYS));
    let horizon_days = horizon.and_then(|h| u32::try_from(h).ok()).unwrap_or(DEFAULT_HORIZON_DAYS);
    let window = ctx.table(raw.sending.as_ref(), &root.key("sending"));
    let window = window.and_then(|s| sending(ctx, s.unwrap_or(&RawSending::default()), horizon_days));
    let retry = ctx.table(raw.retry.as_ref(), &root.key("retry"));
    let retry = retry.and_then(|r| self::retry(ctx, r.unwrap_or(&RawRetry::default())));
    let (audience, providers) = audience_and_providers(ctx, raw);
    let ips = ips(ctx, raw.ips.as_ref());
    let strategy = ctx.table(raw.strategy.as_ref(), &root.key("strategy"));
    let strategy = strategy.and_then(|s| self::strategy(ctx, s, ips.as_deref()));
    if let (Some(strategy), Some(providers)) = (&strategy, &providers) {
        super::strategy::check_provider_names(ctx, strategy, providers);
    }
    let variation = ctx.table(raw.variation.as_ref(), &root.key("variation"));
    let variation = variation.and_then(|v| super::variation::variation(ctx, v));
    if ctx.has_problems() {
        return None;
    }
    Some(Scenario {
        name: name?,
        description: description.unwrap_or_default(),
        seed,
        horizon_days,
        window: window?,
        audience: audience?,
        providers: providers?,
        ips: ips?,
        retry: retry?,
        strategy: strategy?,
        variation: variation?,
    })
}

/// A name ([`label_problem`]), unique among `seen` (which records where each was first used).
fn unique_name(
    ctx: &mut Ctx<'_>,
    name: Option<String>,
    path: &KeyPath,
    what: &str,
    seen: &mut HashMap<String, KeyPath>,
) -> Option<String> {
    let name = name?;
    if !ctx.check(path, label_problem(&name)) {
        return None;
    }
    if let Some(first) = seen.get(&name) {
        ctx.report(path, format!("duplicate {what} name `{name}`, first used at {first}"));
        return None;
    }
    seen.insert(name.clone(), path.clone());
    Some(name)
}

/// `seed`: an integer from 0 to `i64::MAX` (TOML's largest), or, for any
/// 64-bit seed, the text outputs write it as (`"0x9e3779b97f4a7c15"`, see
/// [`crate::engine::seed_text`]) or its decimal digits as a string.
fn seed(ctx: &mut Ctx<'_>, field: &Opt<toml::Value>, path: &KeyPath) -> Option<u64> {
    match ctx.get(field, path)? {
        toml::Value::Integer(n) => ctx.check_int(n, path, 0, i64::MAX).and_then(|n| u64::try_from(n).ok()),
        toml::Value::String(text) => match crate::engine::parse_seed(&text) {
            Ok(seed) => Some(seed),
            Err(message) => {
                ctx.report(path, message);
                None
            }
        },
        other => {
            let message =
                format!("expected an integer or a seed as text (\"0x2a\"), got {}", super::keys::value_kind(&other));
            ctx.report(path, message);
            None
        }
    }
}

/// `[sending]`: `0 <= start_hour < end_hour <= 24`, and the calendar (`scenario::calendar`).
fn sending(ctx: &mut Ctx<'_>, raw: &RawSending, horizon_days: u32) -> Option<SendingWindow> {
    let path = KeyPath::root().key("sending");
    let (start_path, end_path) = (path.key("start_hour"), path.key("end_hour"));
    let start = ctx.int_or(&raw.start_hour, &start_path, (0, 23), DEFAULT_HOURS.0);
    let end = ctx.int_or(&raw.end_hour, &end_path, (1, 24), DEFAULT_HOURS.1);
    let calendar = super::calendar::calendar(ctx, raw, &path, horizon_days);
    let (start, end, calendar) = (start?, end?, calendar?);
    if start >= end {
        if raw.start_hour.is_some() {
            ctx.report(&start_path, format!("must be < end_hour ({end}), got {start}"));
        } else {
            ctx.report(&end_path, format!("must be > start_hour ({start}), got {end}"));
        }
        return None;
    }
    Some(SendingWindow { start_hour: u32::try_from(start).ok()?, end_hour: u32::try_from(end).ok()?, calendar })
}

/// `[retry]`, over [`RetryPolicy::default`].
fn retry(ctx: &mut Ctx<'_>, raw: &RawRetry) -> Option<RetryPolicy> {
    let path = KeyPath::root().key("retry");
    let d = RetryPolicy::default();
    let mut duration = |f: &Opt<i64>, key: &str, max: i64, default: u64| {
        let default = i64::try_from(default).unwrap_or(i64::MAX);
        ctx.int_or(f, &path.key(key), (1, max), default).and_then(|v| u64::try_from(v).ok())
    };
    let first = duration(&raw.first_retry_minutes, "first_retry_minutes", MAX_RETRY_MINUTES, d.first_retry_minutes);
    let max = duration(
        &raw.max_retry_interval_minutes,
        "max_retry_interval_minutes",
        MAX_RETRY_MINUTES,
        d.max_retry_interval_minutes,
    );
    let lifetime =
        duration(&raw.queue_lifetime_hours, "queue_lifetime_hours", MAX_QUEUE_LIFETIME_HOURS, d.queue_lifetime_hours);
    let backoff = ctx.f64_or(&raw.backoff_factor, &path.key("backoff_factor"), Bounds::at_least(1.0), d.backoff_factor);
    let (first, max) = (first?, max?);
    if max < first {
        if raw.max_retry_interval_minutes.is_some() {
            let msg = format!("must be >= first_retry_minutes ({first}), got {max}");
            ctx.report(&path.key("max_retry_interval_minutes"), msg);
        } else {
            let msg = format!("must be <= max_retry_interval_minutes ({max}), got {first}");
            ctx.report(&path.key("first_retry_minutes"), msg);
        }
        return None;
    }
    Some(RetryPolicy {
        first_retry_minutes: first,
        backoff_factor: backoff?,
        max_retry_interval_minutes: max,
        queue_lifetime_hours: lifetime?,
    })
}

/// `[audience]` and the providers it names.
fn audience_and_providers(ctx: &mut Ctx<'_>, raw: &RawScenario) -> (Option<Audience>, Option<Vec<ProviderParams>>) {
    let path = KeyPath::root().key("audience");
    let tables = ctx.table(raw.providers.as_ref(), &KeyPath::root().key("providers"));
    let audience = ctx.table(raw.audience.as_ref(), &path);
    let Some(Some(a)) = audience else {
        if audience.is_some() {
            ctx.missing(&path);
        }
        if let Some(tables) = tables {
            let _ = providers(ctx, None, tables);
        }
        return (None, None);
    };
    let RawAudience { size, providers: shares, segments: segs } = a;
    let size = audience_size(ctx, size, &path.key("size"));
    let shares = ctx.require(shares, &path.key("providers"));
    let resolved = match tables {
        Some(tables) => providers(ctx, shares, tables),
        None => None,
    };
    let segments = segments(ctx, segs.as_deref(), &path.key("segments"));
    match (size, resolved, segments) {
        (Some(size), Some((provider_shares, params)), Some(segments)) => {
            let audience = Audience { size, provider_shares, segments };
            (Some(audience), Some(params))
        }
        _ => (None, None),
    }
}

/// `audience.size`: from 1 to [`MAX_AUDIENCE_SIZE`].
fn audience_size(ctx: &mut Ctx<'_>, size: &Opt<i64>, path: &KeyPath) -> Option<u64> {
    let size = ctx.require(size, path)?;
    let why = "~10^10, about every mailbox in the world, held by ~4.5 billion email users: no real list is larger";
    let max = i64::try_from(MAX_AUDIENCE_SIZE).unwrap_or(i64::MAX);
    let size = ctx.check_int_limit(size, path, 1, (max, why))?;
    u64::try_from(size).ok()
}

/// `[[audience.segments]]`: at least one, unique names, shares summing to 1.
fn segments(ctx: &mut Ctx<'_>, raw: Option<&[Section<RawSegment>]>, path: &KeyPath) -> Option<Vec<Segment>> {
    let Some(raw) = raw else {
        ctx.missing(path);
        return None;
    };
    if raw.is_empty() {
        ctx.report(path, "must have at least one segment");
        return None;
    }
    let mut seen = HashMap::new();
    let segments: Vec<Option<Segment>> = raw
        .iter()
        .enumerate()
        .map(|(i, s)| match ctx.table(Some(s), &path.index(i)) {
            Some(Some(s)) => segment(ctx, s, &path.index(i), &mut seen),
            _ => None,
        })
        .collect();
    let segments: Vec<Segment> = segments.into_iter().collect::<Option<_>>()?;
    ctx.check_share_sum(segments.iter().map(|s| s.share), path, "segment");
    Some(segments)
}

fn segment(
    ctx: &mut Ctx<'_>,
    raw: &RawSegment,
    path: &KeyPath,
    seen: &mut HashMap<String, KeyPath>,
) -> Option<Segment> {
    let name = ctx.require(&raw.name, &path.key("name"));
    let name = unique_name(ctx, name, &path.key("name"), "segment", seen);
    let share = ctx.req_f64(&raw.share, &path.key("share"), Bounds::UNIT);
    let open_rate = ctx.req_f64(&raw.open_rate, &path.key("open_rate"), Bounds::UNIT);
    let complaint_rate = ctx.req_f64(&raw.complaint_rate, &path.key("complaint_rate"), Bounds::UNIT);
    let invalid_rate = ctx.req_f64(&raw.invalid_rate, &path.key("invalid_rate"), Bounds::UNIT);
    let trap_rate = ctx.f64_or(&raw.trap_rate, &path.key("trap_rate"), Bounds::UNIT, 0.0);
    let (invalid_rate, trap_rate) = (invalid_rate?, trap_rate?);
    if invalid_rate + trap_rate > 1.0 {
        let msg = format!("invalid_rate + trap_rate must be <= 1, got {}", num(invalid_rate + trap_rate));
        ctx.report(&path.key("invalid_rate"), msg);
        return None;
    }
    Some(Segment {
        name: name?,
        share: share?,
        open_rate: open_rate?,
        complaint_rate: complaint_rate?,
        invalid_rate,
        trap_rate,
    })
}

/// `[[ips]]`: at least one, unique names.
fn ips(ctx: &mut Ctx<'_>, raw: Option<&Vec<Section<RawIp>>>) -> Option<Vec<IpSpec>> {
    let path = KeyPath::root().key("ips");
    let Some(raw) = raw else {
        ctx.missing(&path);
        return None;
    };
    if raw.is_empty() {
        ctx.report(&path, "must have at least one ip");
        return None;
    }
    let mut seen = HashMap::new();
    let mut seen_addresses = HashMap::new();
    let ips: Vec<Option<IpSpec>> = raw
        .iter()
        .enumerate()
        .map(|(i, ip)| match ctx.table(Some(ip), &path.index(i)) {
            Some(Some(ip)) => {
                let address = self::address(ctx, &ip.address, &path.index(i).key("address"), &mut seen_addresses);
                let spec = self::ip(ctx, ip, &path.index(i), &mut seen);
                Some(IpSpec { address: address?, ..spec? })
            }
            _ => None,
        })
        .collect();
    ips.into_iter().collect()
}

/// `address` of an `[[ips]]`: an IPv4 or IPv6 address, unique; `Some(None)` if
/// absent, `None` if reported.
fn address(
    ctx: &mut Ctx<'_>,
    field: &Opt<String>,
    path: &KeyPath,
    seen: &mut HashMap<IpAddr, KeyPath>,
) -> Option<Option<IpAddr>> {
    let Some(text) = ctx.get(field, path) else {
        return field.is_none().then_some(None);
    };
    let Ok(address) = text.parse::<IpAddr>() else {
        let shown: String = text.chars().take(64).collect();
        ctx.report(path, format!("expected an IPv4 or IPv6 address (such as \"198.51.100.7\"), got {shown:?}"));
        return None;
    };
    if let Some(first) = seen.get(&address) {
        ctx.report(path, format!("duplicate ip address `{address}`, first used at {first}"));
        return None;
    }
    seen.insert(address, path.clone());
    Some(Some(address))
}

/// Kinds of IP accepted in `[[ips]]`.
const IP_KINDS: [&str; 3] = ["new", "warm", "shared_pool"];

fn ip(ctx: &mut Ctx<'_>, raw: &RawIp, path: &KeyPath, seen: &mut HashMap<String, KeyPath>) -> Option<IpSpec> {
    let name = ctx.require(&raw.name, &path.key("name"));
    let name = unique_name(ctx, name, &path.key("name"), "ip", seen);
    let kind = ctx.require(&raw.kind, &path.key("kind"))?;
    let volume_path = path.key("daily_volume_per_provider");
    let kind = match kind.as_str() {
        "new" => {
            let params = [
                ("daily_volume_per_provider", raw.daily_volume_per_provider.is_some()),
                ("trust", raw.trust.is_some()),
                ("trust_mean", raw.trust_mean.is_some()),
                ("trust_sd", raw.trust_sd.is_some()),
            ];
            ctx.foreign_keys(path, "new", &params);
            IpKind::New
        }
        "warm" => {
            let params = [("trust_mean", raw.trust_mean.is_some()), ("trust_sd", raw.trust_sd.is_some())];
            ctx.foreign_keys(path, "warm", &params);
            let volume = ctx.req_f64(&raw.daily_volume_per_provider, &volume_path, Bounds::NON_NEG);
            let trust = ctx.req_f64(&raw.trust, &path.key("trust"), Bounds::UNIT);
            IpKind::Warm { daily_volume_per_provider: volume?, trust: trust? }
        }
        "shared_pool" => {
            ctx.foreign_keys(path, "shared_pool", &[("trust", raw.trust.is_some())]);
            let (mean, sd, volume) = SHARED_POOL_DEFAULTS;
            let mean = ctx.f64_or(&raw.trust_mean, &path.key("trust_mean"), Bounds::UNIT, mean);
            let sd = ctx.f64_or(&raw.trust_sd, &path.key("trust_sd"), Bounds::NON_NEG, sd);
            let volume = ctx.f64_or(&raw.daily_volume_per_provider, &volume_path, Bounds::NON_NEG, volume);
            IpKind::SharedPool { trust_mean: mean?, trust_sd: sd?, daily_volume_per_provider: volume? }
        }
        other => {
            ctx.report(&path.key("kind"), one_of_message("kind", other, &IP_KINDS));
            return None;
        }
    };
    Some(IpSpec::new(name?, kind))
}
