//! The plan as a scenario: the scenario's strategy replaced by a `schedule`
//! with `provider_volumes` (each provider's total per sending day, over the
//! sending IPs; a run of equal last days written once, the table holding its
//! last value), keeping the audience order. Run back through ipwarm at the
//! same seed, it sends what the plan sent, so a plan whose routing is the
//! schedule's (every kind but those that also use a shared pool) gives the
//! same outcomes, byte for byte.

use super::ExportError;
use super::plan::PlanSchedule;
use crate::model::{IpSpec, split_total};
use crate::scenario::{self, Scenario};
use crate::strategy::{
    AfterTable, ProviderVolumes, ScheduleParams, SegmentOrder, StrategyKind, StrategySpec, TableUnit,
};

/// The `schedule` strategy that sends `plan`: per provider, its total on each sending day.
pub fn schedule_spec(scenario: &Scenario, plan: &PlanSchedule) -> StrategySpec {
    let sending_days: Vec<usize> = (1..=plan.days.len()).filter(|&d| plan.sending[d - 1]).collect();
    let provider_volumes = plan
        .providers
        .iter()
        .enumerate()
        .map(|(p, name)| ProviderVolumes {
            provider: name.clone(),
            volumes: sending_days.iter().map(|&d| plan.provider_total(d, p)).collect(),
        })
        .map(|mut list| {
            // The table holds its last value (`after = "hold"`): a run of equal last days is one day.
            while list.volumes.len() > 1 && list.volumes.last() == list.volumes.get(list.volumes.len() - 2) {
                list.volumes.pop();
            }
            if list.volumes.is_empty() {
                list.volumes.push(0);
            }
            list
        })
        .collect();
    let params = ScheduleParams {
        volumes: Vec::new(),
        provider_volumes,
        unit: TableUnit::Day,
        per_ip: false,
        after: AfterTable::Hold,
        target: None,
    };
    StrategySpec { kind: StrategyKind::Schedule(params), preset: None, ..scenario.strategy.clone() }
}

/// The `[strategy]` table of [`schedule_spec`].
pub fn schedule_table(scenario: &Scenario, plan: &PlanSchedule) -> toml::Table {
    let spec = schedule_spec(scenario, plan);
    let mut table = toml::Table::new();
    table.insert("kind".into(), "schedule".into());
    let order = match spec.segment_order {
        SegmentOrder::EngagedFirst => "engaged_first",
        SegmentOrder::Random => "random",
        SegmentOrder::Proportional => "proportional",
    };
    table.insert("segment_order".into(), order.into());
    if let Some(n) = spec.widen_every_days {
        table.insert("widen_every_days".into(), toml::Value::Integer(i64::from(n)));
    }
    let mut lists = toml::Table::new();
    if let StrategyKind::Schedule(params) = &spec.kind {
        for list in &params.provider_volumes {
            let days = list.volumes.iter().map(|&v| toml::Value::Integer(i64::try_from(v).unwrap_or(i64::MAX)));
            lists.insert(list.provider.clone(), toml::Value::Array(days.collect()));
        }
    }
    table.insert("provider_volumes".into(), toml::Value::Table(lists));
    table
}

/// The scenario file `text` (of `scenario`, the file `plan` was recorded from) with its `[strategy]`
/// replaced by the plan's schedule ([`schedule_table`]; comments are not kept). Checked: the text
/// parses into `scenario` with that strategy ([`schedule_spec`]).
pub fn schedule_scenario(scenario: &Scenario, plan: &PlanSchedule, text: &str) -> Result<String, ExportError> {
    let mut doc: toml::Table = toml::from_str(text).map_err(|e| ExportError::Toml(e.message().to_string()))?;
    doc.insert("strategy".into(), toml::Value::Table(schedule_table(scenario, plan)));
    let body = toml::to_string(&doc).map_err(|e| ExportError::Toml(e.to_string()))?;
    let adaptive = if plan.adaptive {
        format!("\n# The strategy adapts to what it observes: this is its plan at seed {} only.", plan.seed)
    } else {
        String::new()
    };
    let out = format!(
        "# The plan of scenario `{}` ({}) at seed {}, as a schedule: ipwarm {} export --format scenario.{adaptive}\n\
         # Each provider's list is its messages/day on each sending day, over the sending IPs.\n\n{body}",
        plan.scenario,
        plan.strategy,
        crate::engine::seed_text(plan.seed),
        crate::VERSION,
    );
    let parsed = scenario::parse(&out, "schedule_scenario.toml").map_err(|e| ExportError::Mismatch(e.to_string()))?;
    let expected = Scenario { strategy: schedule_spec(scenario, plan), ..scenario.clone() };
    if parsed != expected {
        return Err(ExportError::Mismatch("the exported scenario differs from the plan's".to_string()));
    }
    Ok(out)
}

/// Why the schedule would not send the plan IP by IP, if it would not: the first day on which
/// the plan routes a provider's mail otherwise than evenly over the sending IPs (as a strategy
/// that also uses a shared pool does). `None`: the schedule reproduces the plan exactly.
pub fn routing_difference(scenario: &Scenario, plan: &PlanSchedule) -> Option<String> {
    let senders = sending_ips(&scenario.ips);
    let weights: Vec<f64> = senders.iter().map(|&on| if on { 1.0 } else { 0.0 }).collect();
    for (d, ips) in plan.days.iter().enumerate() {
        for (p, name) in plan.providers.iter().enumerate() {
            let split = split_total(plan.provider_total(d + 1, p), &weights);
            if ips.iter().zip(&split).any(|(row, &v)| row[p] != v) {
                return Some(format!(
                    "on day {} the plan routes provider `{name}`'s mail over the IPs otherwise than the schedule \
                     (evenly over the dedicated IPs): the schedule sends the same totals per provider, not the same \
                     per IP",
                    d + 1
                ));
            }
        }
    }
    None
}

/// The IPs a schedule sends from: the dedicated ones, or every IP when none is dedicated.
fn sending_ips(ips: &[IpSpec]) -> Vec<bool> {
    let dedicated: Vec<bool> = ips.iter().map(IpSpec::is_dedicated).collect();
    if dedicated.iter().any(|&d| d) { dedicated } else { vec![true; ips.len()] }
}
