//! `schedule`: an explicit table of volumes (per day or per hour, in total or
//! per IP, or per day at each provider), then hold the last value or keep
//! growing by a factor.
//!
//! With `provider_volumes` each provider has its own list (messages/day at that
//! provider, in total over the sending IPs or per IP with `volume_per = "ip"`),
//! routed to the sending IPs as every kind routes a provider's share
//! (`route::assign`); `after` and `target` apply to each provider's list. The
//! scenario layer checks that the table names every provider of the scenario
//! and no other (a provider left out is an error, not a silent zero: `NAME = [0]`
//! sends nothing there). `ipwarm export --format scenario` writes a plan in this
//! form.

use serde::Serialize;

use super::param::{Bounds, ParamDefault, ParamSpec};
use super::read::ParamReader;
use super::registry::{KindEntry, KindParams, StrategyKind};
use super::route::{Routing, assign, clear_volume, whole};
use super::{DayObservation, DayPlan, SegmentSettings, SenderView, Strategy, new_plan, segment_plan_into};

/// Largest volume of a day (or hour) of a table: a recipient gets at most one
/// message a day, so no day sends more than the largest list (the scenario's
/// `MAX_AUDIENCE_SIZE`, 10^10; a test checks they agree).
const MAX_TABLE_VOLUME: f64 = 1e10;

const DAILY_VOLUMES: ParamSpec = ParamSpec::per_day(
    "daily_volumes",
    ParamDefault::Required,
    Bounds::between(0.0, MAX_TABLE_VOLUME),
    "the table: volume of each day, day 1 first (or hourly_volumes)",
)
.unit("messages/day")
.fixed_by_preset();
const HOURLY_VOLUMES: ParamSpec = ParamSpec::per_day(
    "hourly_volumes",
    ParamDefault::Absent("none"),
    Bounds::between(0.0, MAX_TABLE_VOLUME),
    "instead of daily_volumes: volume of each active hour, day 1 first",
)
.unit("messages/hour")
.fixed_by_preset();
const PROVIDER_VOLUMES: ParamSpec = ParamSpec::per_provider_days(
    "provider_volumes",
    "none",
    Bounds::between(0.0, MAX_TABLE_VOLUME),
    "instead of daily_volumes: a list per provider, PROVIDER = [volume of day 1, ...], every provider named",
)
.unit("messages/day")
.fixed_by_preset();
const VOLUME_PER: ParamSpec = ParamSpec::choice(
    "volume_per",
    &["total", "ip"],
    "total",
    "whether each volume is the sender's total (over all IPs) or each dedicated IP's",
)
.fixed_by_preset();
const AFTER: ParamSpec =
    ParamSpec::choice("after", &["hold", "grow"], "hold", "after the table: keep the last volume, or keep growing");
const AFTER_GROWTH: ParamSpec =
    ParamSpec::required_float("after_growth", Bounds::at_least(1.0), "growth factor per step").when("after", "grow");
const AFTER_EVERY_DAYS: ParamSpec =
    ParamSpec::int("after_every_days", 1, Bounds::DAYS, "days per step").unit("days").when("after", "grow");
const TARGET: ParamSpec =
    ParamSpec::optional_float("target", "no cap", Bounds::POSITIVE, "largest daily volume (in the table's scope)")
        .unit("messages/day");

/// `schedule` in the registry.
pub const ENTRY: KindEntry = KindEntry {
    name: "schedule",
    summary: "an explicit table of volumes, then hold or keep growing",
    source: "the presets' tables; hourly volumes as [Kumo-warmup]",
    own: &[DAILY_VOLUMES, HOURLY_VOLUMES, PROVIDER_VOLUMES, VOLUME_PER, AFTER, AFTER_GROWTH, AFTER_EVERY_DAYS, TARGET],
    shared: &[],
    reader: read,
};

/// What a `schedule` strategy does after the last day of its table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AfterTable {
    /// Keep sending the last day's volume.
    Hold,
    /// Keep growing: times `factor` every `every_days` days.
    Grow {
        /// Growth factor per step (`after_growth`).
        factor: f64,
        /// Days per step (`after_every_days`).
        every_days: u32,
    },
}

/// The unit of a schedule's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableUnit {
    /// Messages per day (`daily_volumes`).
    Day,
    /// Messages per hour of the sending window (`hourly_volumes`: a day is the value times the active hours).
    Hour,
}

/// One provider's list of a `provider_volumes` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderVolumes {
    /// The provider's name in the scenario.
    pub provider: String,
    /// Messages/day at that provider, day 1 first.
    pub volumes: Vec<u64>,
}

/// The parameters of `schedule`: an explicit table of volumes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleParams {
    /// Volumes, day 1 first (empty with `provider_volumes`).
    pub volumes: Vec<u64>,
    /// `provider_volumes`: a list per provider, in the file's order; empty for a single table.
    /// When given, `volumes` is empty and `unit` is [`TableUnit::Day`].
    pub provider_volumes: Vec<ProviderVolumes>,
    /// Per day or per hour.
    pub unit: TableUnit,
    /// Whether each volume is per dedicated IP (`true`) or the sender's total (`volume_per`).
    pub per_ip: bool,
    /// Behaviour after the table ends.
    pub after: AfterTable,
    /// `target`; `None`: no cap.
    pub target: Option<f64>,
}

/// Reads a schedule; over `base`, a preset's, whose table is fixed.
fn read(r: &mut dyn ParamReader, base: Option<&StrategyKind>) -> Option<StrategyKind> {
    let base = match base {
        Some(StrategyKind::Schedule(b)) => Some(b),
        _ => None,
    };
    let table = match base {
        Some(b) => Some(Table {
            volumes: b.volumes.clone(),
            provider_volumes: b.provider_volumes.clone(),
            unit: b.unit,
            per_ip: b.per_ip,
        }),
        None => read_table(r),
    };
    let after = read_after(r, base.map_or(AfterTable::Hold, |b| b.after));
    let target = r.opt_float(&TARGET, base.and_then(|b| b.target));
    let Table { volumes, provider_volumes, unit, per_ip } = table?;
    Some(StrategyKind::Schedule(ScheduleParams {
        volumes,
        provider_volumes,
        unit,
        per_ip,
        after: after?,
        target: target?,
    }))
}

/// A schedule's own table, as read.
struct Table {
    volumes: Vec<u64>,
    provider_volumes: Vec<ProviderVolumes>,
    unit: TableUnit,
    per_ip: bool,
}

/// A schedule's own table: `daily_volumes`, `hourly_volumes` or `provider_volumes`, and `volume_per`.
fn read_table(r: &mut dyn ParamReader) -> Option<Table> {
    let per_ip = r.choice(&VOLUME_PER, "total").map(|per| per == "ip");
    let given: Vec<&ParamSpec> =
        [&DAILY_VOLUMES, &HOURLY_VOLUMES, &PROVIDER_VOLUMES].into_iter().filter(|s| r.has(s)).collect();
    if let [first, rest @ ..] = given.as_slice()
        && !rest.is_empty()
    {
        for spec in rest {
            let message =
                format!("give one of daily_volumes, hourly_volumes and provider_volumes, not {} too", first.key);
            r.report_key(spec, message);
        }
        return None;
    }
    if r.has(&PROVIDER_VOLUMES) {
        let lists = r.per_provider_days(&PROVIDER_VOLUMES);
        let provider_volumes =
            lists?.into_iter().map(|(provider, volumes)| ProviderVolumes { provider, volumes }).collect();
        return Some(Table { volumes: Vec::new(), provider_volumes, unit: TableUnit::Day, per_ip: per_ip? });
    }
    let (spec, unit) =
        if r.has(&HOURLY_VOLUMES) { (&HOURLY_VOLUMES, TableUnit::Hour) } else { (&DAILY_VOLUMES, TableUnit::Day) };
    let volumes = r.per_day(spec);
    Some(Table { volumes: volumes?, provider_volumes: Vec::new(), unit, per_ip: per_ip? })
}

/// `after`, `after_growth` and `after_every_days` over `base`.
fn read_after(r: &mut dyn ParamReader, base: AfterTable) -> Option<AfterTable> {
    let base_name = if base == AfterTable::Hold { "hold" } else { "grow" };
    if r.choice(&AFTER, base_name)? == "hold" {
        r.unused(&AFTER_GROWTH);
        r.unused(&AFTER_EVERY_DAYS);
        return (!r.has(&AFTER_GROWTH) && !r.has(&AFTER_EVERY_DAYS)).then_some(AfterTable::Hold);
    }
    let (factor, every_days) = match base {
        AfterTable::Grow { factor, every_days } => (r.float(&AFTER_GROWTH, factor), every_days),
        AfterTable::Hold => (r.required_float(&AFTER_GROWTH), const { AFTER_EVERY_DAYS.int_default() as u32 }),
    };
    let every_days = r.int(&AFTER_EVERY_DAYS, every_days);
    Some(AfterTable::Grow { factor: factor?, every_days: every_days? })
}

impl KindParams for ScheduleParams {
    fn entry(&self) -> &'static KindEntry {
        &ENTRY
    }

    fn build(&self, segments: SegmentSettings) -> Box<dyn Strategy> {
        Box::new(Schedule::new(self.clone(), segments))
    }
}

/// Follows a [`ScheduleParams`] table.
#[derive(Debug, Clone)]
pub struct Schedule {
    params: ScheduleParams,
    segments: SegmentSettings,
    /// Working space of [`Strategy::plan_day`], kept between days (issue 18: no
    /// allocation in the steady state of a run).
    routing: Routing,
}

impl Schedule {
    /// A schedule sending to the audience in `segments`' order.
    pub fn new(params: ScheduleParams, segments: SegmentSettings) -> Self {
        Self { params, segments, routing: Routing::default() }
    }

    /// The table's value for day `day` (1-based) in its own unit, before the cap.
    pub fn table_value(&self, day: u32) -> f64 {
        self.list_value(&self.params.volumes, day)
    }

    /// Messages/day at the provider of `provider_volumes[index]` on day `day` (1-based), capped at the
    /// target; 0 without such a list.
    pub fn provider_volume(&self, index: usize, day: u32) -> u64 {
        let Some(list) = self.params.provider_volumes.get(index) else { return 0 };
        whole(self.list_value(&list.volumes, day).min(self.params.target.unwrap_or(f64::INFINITY)))
    }

    /// The value of `volumes` (a list of the table) on day `day`, extended after its end by `after`.
    fn list_value(&self, volumes: &[u64], day: u32) -> f64 {
        let idx = day.saturating_sub(1) as usize;
        if let Some(&v) = volumes.get(idx) {
            return v as f64;
        }
        let last = volumes.last().copied().unwrap_or(0) as f64;
        match self.params.after {
            AfterTable::Hold => last,
            AfterTable::Grow { factor, every_days } => {
                let extra = (idx + 1 - volumes.len()) as u32;
                let steps = extra.div_ceil(every_days.max(1)).min(10_000) as i32;
                (last * factor.powi(steps)).min(1e15)
            }
        }
    }

    /// Messages/day on day `day` (1-based) with `active_hours` sending hours, in the
    /// table's scope (per IP or total), capped at the target.
    pub fn daily_volume(&self, day: u32, active_hours: u32) -> u64 {
        let per_day = match self.params.unit {
            TableUnit::Day => self.table_value(day),
            TableUnit::Hour => self.table_value(day) * f64::from(active_hours),
        };
        whole(per_day.min(self.params.target.unwrap_or(f64::INFINITY)))
    }
}

impl Strategy for Schedule {
    fn name(&self) -> &'static str {
        ENTRY.name
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        new_plan(view, |plan| self.plan_day_into(day, view, history, plan))
    }

    fn plan_day_into(&mut self, day: u32, view: &SenderView, _history: &[DayObservation], plan: &mut DayPlan) {
        let volume = &mut plan.volume;
        if !self.params.provider_volumes.is_empty() {
            self.by_provider(day, view, volume);
        } else {
            let v = self.daily_volume(day, view.active_hours);
            if self.params.per_ip {
                self.routing.spread_per_ip(v, view, volume)
            } else {
                self.routing.spread_total(v, view, volume)
            }
        }
        segment_plan_into(self.segments, view, day, &mut plan.segments);
    }
}

impl Schedule {
    /// The `[ip][provider]` plan of a `provider_volumes` table on day `day`: each provider's volume
    /// split evenly over the sending IPs (or given to each with `volume_per = "ip"`); a list whose
    /// provider the view does not have is skipped (validation refuses it).
    fn by_provider(&mut self, day: u32, view: &SenderView, volume: &mut Vec<Vec<u64>>) {
        self.routing.fill(view);
        clear_volume(volume, view);
        for (i, list) in self.params.provider_volumes.iter().enumerate() {
            let Some(p) = view.provider_names.iter().position(|n| *n == list.provider) else { continue };
            let v = self.provider_volume(i, day);
            let Routing { senders, even, .. } = &mut self.routing;
            if self.params.per_ip {
                senders.iter().zip(volume.iter_mut()).filter(|(on, _)| **on).for_each(|(_, row)| row[p] = v);
            } else {
                assign(volume, p, v, senders, even);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::test_support::view;

    fn schedule(volumes: Vec<u64>, after: AfterTable) -> Schedule {
        let params = ScheduleParams {
            volumes,
            provider_volumes: Vec::new(),
            unit: TableUnit::Day,
            per_ip: false,
            after,
            target: None,
        };
        Schedule::new(params, SegmentSettings::default())
    }

    #[test]
    fn follows_the_table_then_holds_or_grows() {
        let hold = schedule(vec![50, 100, 500], AfterTable::Hold);
        assert_eq!((1..=5).map(|d| hold.daily_volume(d, 12)).collect::<Vec<_>>(), vec![50, 100, 500, 500, 500]);
        let grow = schedule(vec![50, 100], AfterTable::Grow { factor: 2.0, every_days: 1 });
        assert_eq!((1..=4).map(|d| grow.daily_volume(d, 12)).collect::<Vec<_>>(), vec![50, 100, 200, 400]);
    }

    #[test]
    fn growth_every_few_days_steps() {
        let s = schedule(vec![8000], AfterTable::Grow { factor: 2.0, every_days: 3 });
        let v: Vec<u64> = (1..=8).map(|d| s.daily_volume(d, 12)).collect();
        assert_eq!(v, vec![8000, 16_000, 16_000, 16_000, 32_000, 32_000, 32_000, 64_000]);
    }

    #[test]
    fn hourly_tables_per_ip_and_the_cap() {
        let params = ScheduleParams {
            volumes: vec![20, 28],
            provider_volumes: Vec::new(),
            unit: TableUnit::Hour,
            per_ip: true,
            after: AfterTable::Hold,
            target: None,
        };
        let mut s = Schedule::new(params.clone(), SegmentSettings::default());
        assert_eq!(s.daily_volume(1, 12), 240);
        let plan = s.plan_day(2, &view(), &[]);
        assert_eq!(plan.volume, vec![vec![202, 134], vec![0, 0]], "28 x 12 = 336 on the dedicated IP");
        let capped = Schedule::new(ScheduleParams { target: Some(300.0), ..params }, SegmentSettings::default());
        assert_eq!(capped.daily_volume(2, 12), 300);
    }

    #[test]
    fn provider_tables_route_each_provider_to_the_sending_ips() {
        let list = |provider: &str, volumes: Vec<u64>| ProviderVolumes { provider: provider.into(), volumes };
        let params = ScheduleParams {
            volumes: Vec::new(),
            provider_volumes: vec![list("yahoo", vec![7, 9]), list("gmail", vec![100, 200, 300])],
            unit: TableUnit::Day,
            per_ip: false,
            after: AfterTable::Grow { factor: 2.0, every_days: 1 },
            target: Some(500.0),
        };
        let mut s = Schedule::new(params.clone(), SegmentSettings::default());
        let v = view();
        assert_eq!(s.plan_day(1, &v, &[]).volume, vec![vec![100, 7], vec![0, 0]]);
        assert_eq!(s.plan_day(3, &v, &[]).volume, vec![vec![300, 18], vec![0, 0]], "yahoo grows after its list");
        assert_eq!(s.plan_day(4, &v, &[]).volume, vec![vec![500, 36], vec![0, 0]], "gmail capped at the target");
        let mut two = v.clone();
        two.ips[1] = two.ips[0].clone();
        assert_eq!(s.plan_day(1, &two, &[]).volume, vec![vec![50, 4], vec![50, 3]], "split over the sending IPs");
        let mut per_ip = Schedule::new(ScheduleParams { per_ip: true, ..params }, SegmentSettings::default());
        assert_eq!(per_ip.plan_day(1, &two, &[]).volume, vec![vec![100, 7], vec![100, 7]]);
    }
}
