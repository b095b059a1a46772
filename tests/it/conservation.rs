//! Conservation: every message sent ends in exactly one of inbox, junk,
//! hard-bounced, blocked, expired or still queued, on every shipped scenario
//! and on randomised valid scenarios.

use crate::support::shipped_scenarios;
use ipwarm::model::{Audience, IpKind, IpSpec, PRESET_NAMES, ProviderParams, RetryPolicy, Segment, SendingWindow};
use ipwarm::scenario::Scenario;
use ipwarm::sim::{self, RunResult};
use ipwarm::strategy::{
    AdaptiveParams, AfterTable, AutoBlendParams, Blend, ExponentialParams, HealthRules, HealthScope, LinearParams,
    PerProviderParams, ScheduleParams, SegmentOrder, StrategyKind, StrategySpec, TableUnit,
};
use proptest::prelude::*;

fn assert_conserved(r: &RunResult, horizon_days: u32) {
    let finished = r.totals.inbox + r.totals.junk + r.totals.bounced + r.totals.blocked + r.totals.expired;
    assert_eq!(r.totals.sent, finished + r.queued_at_end, "{}: messages lost or created", r.scenario);
    assert_eq!(r.records.len(), horizon_days as usize * r.ip_names.len() * r.provider_names.len());
    let last_day_queued: u64 = r.records.iter().filter(|x| x.day == horizon_days).map(|x| x.queued).sum();
    assert_eq!(last_day_queued, r.queued_at_end);
    for x in &r.records {
        assert!(x.counts.complaints <= x.counts.inbox || x.counts.complaints == 0 || x.counts.inbox > 0);
        assert!((0.0..=1.0).contains(&x.reputation));
    }
}

#[test]
fn every_shipped_scenario_conserves_messages() {
    for file in shipped_scenarios() {
        let sc = ipwarm::scenario::parse_file(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let r = sim::run(&sc, sc.seed).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_conserved(&r, sc.horizon_days);
    }
}

fn arb_segment() -> impl Strategy<Value = Segment> {
    (0.0..1.0f64, 0.0..0.01f64, 0.0..0.2f64, 0.0..0.01f64, 0.01..1.0f64).prop_map(
        |(open_rate, complaint_rate, invalid_rate, trap_rate, weight)| Segment {
            name: String::new(),
            share: weight,
            open_rate,
            complaint_rate,
            invalid_rate,
            trap_rate,
        },
    )
}

fn arb_ip() -> impl Strategy<Value = IpKind> {
    prop_oneof![
        Just(IpKind::New),
        (0.0..100_000.0f64, 0.0..1.0f64).prop_map(|(v, trust)| IpKind::Warm { daily_volume_per_provider: v, trust }),
        (0.0..1.0f64, 0.0..0.2f64, 0.0..1e6f64).prop_map(|(m, sd, v)| IpKind::SharedPool {
            trust_mean: m,
            trust_sd: sd,
            daily_volume_per_provider: v
        }),
    ]
}

fn arb_health() -> impl Strategy<Value = HealthRules> {
    (0.0..0.5f64, 0.3..1.0f64, 0.1..0.9f64, 1.0..1.5f64, 1u32..8).prop_map(
        |(max_deferral, delivery, cut, recovery, window)| HealthRules {
            max_deferral_rate: max_deferral,
            backoff_deferral_rate: max_deferral + 0.1,
            min_delivery_rate: delivery,
            cut_factor: cut,
            recovery_growth: recovery,
            window_days: window,
            ..HealthRules::default()
        },
    )
}

fn arb_strategy() -> impl Strategy<Value = StrategyKind> {
    let target = prop::option::of(1.0..1e6f64);
    prop_oneof![
        (1.0..5_000.0f64, 1.01..3.0f64, target.clone()).prop_map(|(start, growth, t)| {
            StrategyKind::Exponential(ExponentialParams { start, growth, target: t.map(|t| t.max(start)) })
        }),
        (1.0..5_000.0f64, target.clone(), 1u32..40).prop_map(|(start, t, ramp_days)| {
            StrategyKind::Linear(LinearParams { start, target: t.map(|t| t.max(start)), ramp_days })
        }),
        (
            prop::collection::vec(0u64..500_000, 1..10),
            prop::option::of((1.0..2.0f64, 1u32..4)),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(volumes, g, hourly, per_ip)| {
                StrategyKind::Schedule(ScheduleParams {
                    volumes,
                    provider_volumes: Vec::new(),
                    unit: if hourly { TableUnit::Hour } else { TableUnit::Day },
                    per_ip,
                    after: g.map_or(AfterTable::Hold, |(factor, every_days)| AfterTable::Grow { factor, every_days }),
                    target: None,
                })
            }),
        (1.0..5_000.0f64, 1.01..3.0f64, target.clone(), any::<bool>(), arb_health()).prop_map(
            |(start, growth, t, global, health)| {
                let scope = if global { HealthScope::Global } else { HealthScope::PerProvider };
                StrategyKind::Adaptive(AdaptiveParams { start, growth, target: t.map(|t| t.max(start)), scope, health })
            }
        ),
        (target.clone(), prop::option::of((0.001..1.0f64, 1.0..1e7f64)), 1u32..60).prop_map(
            |(daily_volume, v, days)| {
                let blend = v.map_or(Blend::Time { days }, |(start_share, warmup_volume)| Blend::Volume {
                    start_share,
                    warmup_volume,
                });
                StrategyKind::AutoBlend(AutoBlendParams { daily_volume, blend })
            }
        ),
        (target, 1.0..5_000.0f64, 1.01..3.0f64, 0.0..1.0f64, arb_health()).prop_map(
            |(daily_volume, start, growth, pool_until_share, health)| {
                StrategyKind::PerProvider(PerProviderParams { daily_volume, start, growth, pool_until_share, health })
            }
        ),
    ]
}

prop_compose! {
    fn arb_scenario()(
        provider_weights in prop::collection::vec(0.01..1.0f64, 5),
        n_providers in 1usize..=5,
        mut segments in prop::collection::vec(arb_segment(), 1..5),
        ips in prop::collection::vec(arb_ip(), 1..4),
        kind in arb_strategy(),
        order in 0u8..3,
        widen in prop::option::of(1u32..10),
        size in 1u64..2_000_000,
        horizon_days in 1u32..25,
        start_hour in 0u32..23,
        hours in 1u32..24,
        first_retry in 1u64..120,
        backoff in 1.0..3.0f64,
        lifetime in 1u64..120,
    ) -> Scenario {
        let weights = &provider_weights[..n_providers];
        let total: f64 = weights.iter().sum();
        let seg_total: f64 = segments.iter().map(|s| s.share).sum();
        for (i, s) in segments.iter_mut().enumerate() {
            s.share /= seg_total;
            s.name = format!("s{i}");
        }
        Scenario {
            name: "random".into(),
            description: String::new(),
            seed: 1,
            horizon_days,
            window: SendingWindow { start_hour, end_hour: (start_hour + hours).min(24), ..SendingWindow::default() },
            audience: Audience { size, provider_shares: weights.iter().map(|w| w / total).collect(), segments },
            providers: PRESET_NAMES[..n_providers].iter().map(|n| ProviderParams::preset(n).expect("preset")).collect(),
            ips: ips.into_iter().enumerate().map(|(i, kind)| IpSpec::new(format!("ip-{i}"), kind)).collect(),
            retry: RetryPolicy {
                first_retry_minutes: first_retry,
                backoff_factor: backoff,
                max_retry_interval_minutes: first_retry * 8,
                queue_lifetime_hours: lifetime,
            },
            strategy: StrategySpec {
                kind,
                segment_order: [SegmentOrder::EngagedFirst, SegmentOrder::Random, SegmentOrder::Proportional][order as usize],
                widen_every_days: widen.filter(|_| order == 0),
                preset: None,
            },
            variation: ipwarm::model::Variation::default(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_scenarios_conserve_messages(sc in arb_scenario(), seed in any::<u64>()) {
        let r = sim::run(&sc, seed).expect("a valid scenario runs");
        assert_conserved(&r, sc.horizon_days);
    }
}
