//! Presets: published warm-up plans as named strategies, each with its source.
//! docs/MODEL.md ("Strategies") gives each table and where it comes from.

use super::{AfterTable, AutoBlendParams, Blend, ScheduleParams, StrategyKind, TableUnit};

/// A named published plan.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Name used in scenario files (`kind = "preset"`, `name = ...`) and on the command line.
    pub name: &'static str,
    /// One line: what the plan does.
    pub summary: &'static str,
    /// Where the numbers come from.
    pub source: &'static str,
    /// The plan.
    kind: fn() -> StrategyKind,
}

impl Preset {
    /// The strategy this preset stands for.
    pub fn kind(&self) -> StrategyKind {
        (self.kind)()
    }
}

/// SendGrid's automated warm-up: hourly limit per warming IP, day 0 first.
const SENDGRID_HOURLY: [u64; 42] = [
    20, 28, 39, 55, 77, 108, 151, 211, 295, 413, 579, 810, 1_000, 1_587, 2_222, 3_111, 4_356, 6_098, 8_583, 11_953,
    16_734, 23_427, 32_798, 45_917, 64_284, 89_998, 125_997, 176_395, 246_953, 345_735, 484_029, 677_640, 948_696,
    1_328_175, 1_859_444, 2_603_222, 3_644_511, 5_102_316, 7_143_242, 10_000_539, 14_000_754, 19_601_056,
];

/// Braze's conservative column: each level held 3 days.
const BRAZE_CONSERVATIVE: [u64; 21] = [
    50, 50, 50, 100, 100, 100, 500, 500, 500, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 4_000, 4_000, 4_000, 8_000,
    8_000, 8_000,
];

/// Braze's moderate column.
const BRAZE_MODERATE: [u64; 21] = [
    50, 100, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 25_000, 35_000, 50_000, 75_000, 100_000, 150_000, 200_000,
    275_000, 375_000, 500_000, 650_000, 825_000, 1_000_000,
];

/// Braze's aggressive column, identical to SendGrid's daily schedule.
const BRAZE_AGGRESSIVE: [u64; 17] = [
    50, 100, 500, 1_000, 5_000, 10_000, 20_000, 40_000, 70_000, 100_000, 150_000, 250_000, 400_000, 600_000, 1_000_000,
    2_000_000, 4_000_000,
];

/// KumoMTA's `conservative` plan (~30 days).
const KUMO_CONSERVATIVE: [u64; 30] = [
    50, 100, 200, 400, 800, 1_500, 3_000, 5_000, 7_500, 10_000, 12_500, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000,
    45_000, 50_000, 55_000, 60_000, 70_000, 80_000, 90_000, 100_000, 110_000, 120_000, 135_000, 150_000, 175_000,
];

/// KumoMTA's `aggressive` plan (~14 days).
const KUMO_AGGRESSIVE: [u64; 14] =
    [200, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 35_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000];

/// KumoMTA's `transactional` plan (~21 days).
const KUMO_TRANSACTIONAL: [u64; 21] = [
    100, 250, 500, 1_000, 2_000, 4_000, 8_000, 12_000, 18_000, 25_000, 35_000, 45_000, 60_000, 80_000, 100_000,
    125_000, 150_000, 175_000, 200_000, 250_000, 300_000,
];

/// A per-IP table.
fn per_ip(volumes: &[u64], unit: TableUnit, after: AfterTable) -> StrategyKind {
    StrategyKind::Schedule(ScheduleParams {
        volumes: volumes.to_vec(),
        provider_volumes: Vec::new(),
        unit,
        per_ip: true,
        after,
        target: None,
    })
}

/// Every preset, in the order `ipwarm strategies` lists them.
pub const PRESETS: [Preset; 8] = [
    Preset {
        name: "sendgrid_hourly",
        summary: "SendGrid's automated warm-up: 20 an hour per IP on day 0, about x1.4 a day for 42 days, then held",
        source: "[SendGrid-warm] Twilio SendGrid, \"Warming up an IP address\" (hourly limits by warm-up age)",
        kind: || per_ip(&SENDGRID_HOURLY, TableUnit::Hour, AfterTable::Hold),
    },
    Preset {
        name: "braze_conservative",
        summary: "daily per IP: 50 for 3 days, then 100, 500, 1,000, ... each held 3 days; doubles every 3 days after day 21",
        source: "[Braze-warm] Braze documentation, \"IP warming\" (conservative column)",
        kind: || per_ip(&BRAZE_CONSERVATIVE, TableUnit::Day, AfterTable::Grow { factor: 2.0, every_days: 3 }),
    },
    Preset {
        name: "braze_moderate",
        summary: "daily per IP: 50, 100, 500, ... 1,000,000 on day 21 (x2 a day early, then x1.2-1.5); x1.2 a day after",
        source: "[Braze-warm] Braze documentation, \"IP warming\" (moderate column; x1.2 after the table: its last step)",
        kind: || per_ip(&BRAZE_MODERATE, TableUnit::Day, AfterTable::Grow { factor: 1.2, every_days: 1 }),
    },
    Preset {
        name: "braze_aggressive",
        summary: "daily per IP: 50, 100, 500, 1,000, 5,000, ... 4,000,000 on day 17, then doubling (SendGrid's daily schedule)",
        source: "[Braze-warm] Braze documentation, \"IP warming\" (aggressive column); [SendGrid-schedule] the same numbers",
        kind: || per_ip(&BRAZE_AGGRESSIVE, TableUnit::Day, AfterTable::Grow { factor: 2.0, every_days: 1 }),
    },
    Preset {
        name: "kumo_conservative",
        summary: "daily per IP: 50 doubling for 5 days, then x1.1-1.3 a day to 175,000 on day 30, then held",
        source: "[Kumo-warmup] KumoMTA assets/policy-extras/warmup.toml, plan `conservative`",
        kind: || per_ip(&KUMO_CONSERVATIVE, TableUnit::Day, AfterTable::Hold),
    },
    Preset {
        name: "kumo_aggressive",
        summary: "daily per IP: 200, 500, 1,000, 2,500, ... 300,000 on day 14, then held",
        source: "[Kumo-warmup] KumoMTA assets/policy-extras/warmup.toml, plan `aggressive`",
        kind: || per_ip(&KUMO_AGGRESSIVE, TableUnit::Day, AfterTable::Hold),
    },
    Preset {
        name: "kumo_transactional",
        summary: "daily per IP: 100, 250, 500, 1,000, ... 300,000 on day 21, then held",
        source: "[Kumo-warmup] KumoMTA assets/policy-extras/warmup.toml, plan `transactional`",
        kind: || per_ip(&KUMO_TRANSACTIONAL, TableUnit::Day, AfterTable::Hold),
    },
    Preset {
        name: "ses_auto",
        summary: "SES-style automatic warm-up: the new IPs' share of all mail rises over 45 days whatever the volume",
        source: "[SES-warm] Amazon SES, \"Warming up dedicated IP addresses\" (standard auto warm-up)",
        kind: || StrategyKind::AutoBlend(AutoBlendParams { daily_volume: None, blend: Blend::Time { days: 45 } }),
    },
];

/// The preset called `name`.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sendgrid_hourly_grows_about_x1_4_a_day() {
        let ratios: Vec<f64> = SENDGRID_HOURLY.windows(2).map(|w| w[1] as f64 / w[0] as f64).collect();
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        assert!((mean - 1.4).abs() < 0.01, "mean ratio {mean}");
        assert_eq!((SENDGRID_HOURLY[0], SENDGRID_HOURLY.len()), (20, 42));
    }

    #[test]
    fn tables_match_their_published_shapes() {
        assert_eq!(BRAZE_AGGRESSIVE[..4], BRAZE_MODERATE[..4]);
        assert_eq!(BRAZE_CONSERVATIVE.chunks(3).filter(|c| c.iter().all(|&v| v == c[0])).count(), 7);
        assert_eq!((KUMO_CONSERVATIVE.len(), KUMO_AGGRESSIVE.len(), KUMO_TRANSACTIONAL.len()), (30, 14, 21));
        for t in [&KUMO_CONSERVATIVE[..], &KUMO_AGGRESSIVE, &KUMO_TRANSACTIONAL, &BRAZE_MODERATE, &SENDGRID_HOURLY] {
            assert!(t.windows(2).all(|w| w[1] > w[0]), "strictly increasing: {t:?}");
        }
    }

    #[test]
    fn names_are_unique_and_found() {
        for p in &PRESETS {
            assert_eq!(preset(p.name).map(|q| q.name), Some(p.name));
            assert!(!p.source.is_empty() && !p.summary.is_empty());
        }
        assert!(preset("sendgrid").is_none());
    }
}
