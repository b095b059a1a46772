//! [`PlanSchedule`]: the day-by-day plan of a scenario at a seed, recorded from
//! any strategy by wrapping it for [`sim::run_with`].
//!
//! The recorder sees exactly the plans the runner applies (each day's
//! `DayPlan.volume`, `[ip][provider]` new messages); on a calendar that is not
//! every day, the runner asks it on sending days only (as any strategy), and
//! the plan is laid out by calendar day with nothing on days off. For a
//! strategy that reacts to what it observes (`adaptive`, `per_provider`,
//! `auto_blend`), the plan is the one it made in the run at that seed: another
//! seed, or the real world, would make it plan otherwise ([`PlanSchedule::adaptive`]).

use crate::model::ProviderParams;
use crate::observed::CivilDate;
use crate::observed::events::DEFAULT_EVENTS_START;
use crate::scenario::Scenario;
use crate::sim::{self, SimError};
use crate::strategy::{DayObservation, DayPlan, HealthRules, SenderView, Strategy, StrategyKind};

/// One sending IP of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanIp {
    /// Its name in the scenario (`ip-1`), which the MTA files use as the source's name.
    pub label: String,
    /// Its address, if the scenario gives one.
    pub address: Option<String>,
}

/// The replies a provider gives, as the automation rules match them (the scenario's provider
/// parameters, e.g. `421 4.7.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReplies {
    /// The code of a deferral (4xx).
    pub defer: String,
    /// The code of a block (5xx).
    pub block: String,
    /// The code of an escalated block.
    pub escalation: String,
}

impl ProviderReplies {
    fn of(p: &ProviderParams) -> Self {
        Self {
            defer: p.defer_reply.code.clone(),
            block: p.block_reply.code.clone(),
            escalation: p.escalation_reply.code.clone(),
        }
    }
}

/// The day-by-day plan of a scenario at one seed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSchedule {
    /// The scenario's name.
    pub scenario: String,
    /// The seed the plan was recorded at.
    pub seed: u64,
    /// The strategy, as messages name it (`exponential`, `preset kumo_conservative (schedule)`).
    pub strategy: String,
    /// Whether the strategy reacts to what it observes: the plan is then the one made at [`Self::seed`].
    pub adaptive: bool,
    /// The date of day 1: the scenario has none, so the first date from [`DEFAULT_EVENTS_START`] on that
    /// falls on the weekday of its calendar's day 1, unless set ([`Self::set_start`], as `--start` does).
    pub start_date: CivilDate,
    /// The weekday of day 1 in the scenario's calendar, 0 = Monday.
    pub first_weekday: u32,
    /// The providers, in the scenario's order.
    pub providers: Vec<String>,
    /// The IPs, in the scenario's order.
    pub ips: Vec<PlanIp>,
    /// `[day][ip][provider]`: new messages planned on each calendar day (day 1 first).
    pub days: Vec<Vec<Vec<u64>>>,
    /// Per calendar day: whether the scenario's calendar sends on it.
    pub sending: Vec<bool>,
    /// Sending hours a day.
    pub active_hours: u32,
    /// The health rules of a strategy that holds or backs off on what it observes, if any.
    pub rules: Option<HealthRules>,
    /// Per provider: the reply codes its deferrals and blocks carry.
    pub replies: Vec<ProviderReplies>,
}

impl PlanSchedule {
    /// Messages planned on day `day` (1-based) at provider `provider` over every IP (0 outside the plan).
    pub fn provider_total(&self, day: usize, provider: usize) -> u64 {
        let ips = day.checked_sub(1).and_then(|d| self.days.get(d));
        ips.map_or(0, |ips| ips.iter().filter_map(|row| row.get(provider)).sum())
    }

    /// The calendar date of day `day` (1-based).
    pub fn date(&self, day: usize) -> CivilDate {
        self.start_date.plus_days(day as i64 - 1)
    }

    /// Sets the date of day 1; refused when the calendar has days off and `date` falls on another
    /// weekday than its day 1 (the plan's days off would land on the wrong dates).
    pub fn set_start(&mut self, date: CivilDate) -> Result<(), String> {
        const NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        let name = |w: u32| NAMES.get(w as usize).copied().unwrap_or("?");
        if self.sending.iter().any(|&s| !s) && date.weekday() != self.first_weekday {
            return Err(format!(
                "{date} is a {}, but day 1 of the scenario's sending calendar is a {}: give a {} (or change \
                 `[sending] start_weekday`)",
                name(date.weekday()),
                name(self.first_weekday),
                name(self.first_weekday)
            ));
        }
        self.start_date = date;
        Ok(())
    }

    /// Indices of the IPs that send anything over the plan.
    pub fn sending_ips(&self) -> Vec<usize> {
        (0..self.ips.len()).filter(|&ip| self.days.iter().any(|d| d[ip].iter().any(|&v| v > 0))).collect()
    }
}

/// Records each plan of `inner` as the runner asks for it.
struct Recorder<'a> {
    inner: &'a mut dyn Strategy,
    plans: Vec<Vec<Vec<u64>>>,
}

impl Strategy for Recorder<'_> {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn plan_day(&mut self, day: u32, view: &SenderView, history: &[DayObservation]) -> DayPlan {
        let plan = self.inner.plan_day(day, view, history);
        self.plans.push(plan.volume.clone());
        plan
    }
}

/// Whether plans of `kind` depend on what the sender observes.
fn is_adaptive(kind: &StrategyKind) -> bool {
    !matches!(kind, StrategyKind::Schedule(_) | StrategyKind::Exponential(_) | StrategyKind::Linear(_))
}

/// The health rules of `kind`, if it has any.
fn rules_of(kind: &StrategyKind) -> Option<HealthRules> {
    match kind {
        StrategyKind::Adaptive(p) => Some(p.health),
        StrategyKind::PerProvider(p) => Some(p.health),
        _ => None,
    }
}

/// The plan of `scenario` at `seed`: the scenario runs once with its strategy wrapped in a recorder.
pub fn plan_schedule(scenario: &Scenario, seed: u64) -> Result<PlanSchedule, SimError> {
    let mut strategy = crate::strategy::build(&scenario.strategy);
    let mut recorder = Recorder { inner: strategy.as_mut(), plans: Vec::new() };
    sim::run_with(scenario, &mut recorder, seed)?;
    let calendar = scenario.window.calendar;
    let (n_ips, n_providers) = (scenario.ips.len(), scenario.providers.len());
    let mut plans = recorder.plans.into_iter();
    let horizon = scenario.horizon_days;
    // Every day every-day calendars; sending days only otherwise (the runner wraps the recorder).
    let every_day = calendar.is_every_day();
    let mut days = Vec::with_capacity(horizon as usize);
    let mut sending = Vec::with_capacity(horizon as usize);
    for day in 1..=horizon {
        let sends = every_day || calendar.sends_on(day);
        let plan = if sends { plans.next() } else { None };
        days.push(plan.unwrap_or_else(|| vec![vec![0; n_providers]; n_ips]));
        sending.push(sends);
    }
    let first_weekday = calendar.start_weekday.index() as u32;
    let default_start = CivilDate::parse(DEFAULT_EVENTS_START).unwrap_or_default();
    let start_date = (0..7).map(|n| default_start.plus_days(n)).find(|d| d.weekday() == first_weekday);
    Ok(PlanSchedule {
        scenario: scenario.name.clone(),
        seed,
        strategy: scenario.strategy.label(),
        adaptive: is_adaptive(&scenario.strategy.kind),
        start_date: start_date.unwrap_or(default_start),
        first_weekday,
        providers: scenario.providers.iter().map(|p| p.name.clone()).collect(),
        ips: scenario
            .ips
            .iter()
            .map(|ip| PlanIp { label: ip.name.clone(), address: ip.address.map(|a| a.to_string()) })
            .collect(),
        days,
        sending,
        active_hours: scenario.window.hours(),
        rules: rules_of(&scenario.strategy.kind),
        replies: scenario.providers.iter().map(ProviderReplies::of).collect(),
    })
}
