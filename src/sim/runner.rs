//! The event loop of one run.
//!
//! Events, all on the generic engine:
//! - `DayStart(d)`: the strategy plans the day from past observations; the
//!   plan is drawn from the audience (one message per recipient per day, see
//!   [`recipients`]) and hourly sends are scheduled over the active hours.
//! - `Hour`: each (IP, provider) sends its slice of the day's mail,
//!   together with any retries due.
//! - `Feedback(cell, n)`: a feedback-loop report of `n` complaints arrives.
//! - `DayEnd(d)`: providers update reputation; the day is recorded and observed.
//!
//! Retries of deferred mail need no events of their own. Between two of the
//! events above, an (IP, provider) pair's retries touch only its own queue,
//! rate-limit bucket and counters, and nothing else reads them: so each pair's
//! due retries are attempted, each at its own due time and in time order, just
//! before its next hourly send and before the day's end (see [`Run::catch_up`]).
//! The outcome is the one a wake-up per retry would give, without the event
//! traffic.

use super::cell::Cell;
use super::recipients;
use super::{Counts, DailyRecord, ReputationLevel, RunResult, SimError, domain, warm};
use crate::engine::{MINUTES_PER_DAY, SimRng, SimTime, Simulation, stream_rng};
use crate::model::{Cohort, FeedbackLoop, IpKind, Reputation, SegmentCounts, binomial, sample_day};
use crate::scenario::Scenario;
use crate::strategy::{
    DayObservation, DayPlan, ProviderObservation, ReplyCount, SegmentPlan, SenderView, Strategy, slice_of,
};
use rand_distr::{Distribution, StandardNormal};

/// Day-to-day autocorrelation of a shared pool's trust.
pub const SHARED_POOL_AUTOCORRELATION: f64 = 0.8;

#[derive(Debug, Clone, Copy)]
enum Event {
    DayStart(u32),
    Hour,
    Feedback(usize, u64),
    DayEnd(u32),
}

/// Everything mutable during one run.
struct Run<'a> {
    sc: &'a Scenario,
    sim: Simulation<Event>,
    cells: Vec<Cell>,
    n_providers: usize,
    view: SenderView,
    decisions: SimRng,
    pool_noise: SimRng,
    /// Draws of recipients for random-order plans.
    recipients: SimRng,
    /// The order in which IPs draw recipients (see [`recipients::draw_order`]).
    draw_order: Vec<usize>,
    observations: Vec<DayObservation>,
    records: Vec<DailyRecord>,
}

/// Runs `scenario` with `strategy` and `seed`.
pub fn run_with(scenario: &Scenario, strategy: &mut dyn Strategy, seed: u64) -> Result<RunResult, SimError> {
    let mut run = Run::new(scenario, seed);
    run.sim.schedule(SimTime::ZERO, Event::DayStart(0));
    while let Some((now, event)) = run.sim.next_event() {
        match event {
            Event::DayStart(d) => run.day_start(d, strategy)?,
            Event::Hour => run.hour(now),
            Event::Feedback(cell, n) => run.cells[cell].today.fbl_complaints += n,
            Event::DayEnd(d) => {
                run.day_end(d);
                if d + 1 >= scenario.horizon_days {
                    break;
                }
                run.sim.schedule(now, Event::DayStart(d + 1));
            }
        }
    }
    run.finish(seed)
}

impl<'a> Run<'a> {
    fn new(sc: &'a Scenario, seed: u64) -> Self {
        let n_segments = sc.audience.segments.len();
        let hours = sc.window.hours();
        let mut cells = Vec::with_capacity(sc.ips.len() * sc.providers.len());
        for ip in &sc.ips {
            for p in &sc.providers {
                let (rep, shared) = match ip.kind {
                    IpKind::New => (Reputation::new_ip(p), false),
                    IpKind::Warm { daily_volume_per_provider, trust } => {
                        (Reputation::with_history(p, trust, daily_volume_per_provider, hours), false)
                    }
                    IpKind::SharedPool { trust_mean, daily_volume_per_provider, .. } => {
                        (Reputation::with_history(p, trust_mean, daily_volume_per_provider, 24), true)
                    }
                };
                let late_from_hour = match p.feedback {
                    FeedbackLoop::PerMessage { delay_hours } if delay_hours % 24 > 0 => 24 - (delay_hours % 24) as u32,
                    _ => 24,
                };
                cells.push(Cell::new(rep, shared, n_segments, late_from_hour, &sc.retry));
            }
        }
        let view = SenderView {
            horizon_days: sc.horizon_days,
            active_hours: hours,
            ips: sc.ips.clone(),
            provider_names: sc.providers.iter().map(|p| p.name.clone()).collect(),
            provider_shares: sc.audience.provider_shares.clone(),
            list_size: sc.audience.size,
            segments: sc.audience.segments.clone(),
        };
        Self {
            sc,
            sim: Simulation::new(),
            cells,
            n_providers: sc.providers.len(),
            view,
            decisions: stream_rng(seed, "provider-decisions"),
            pool_noise: stream_rng(seed, "shared-pool"),
            recipients: stream_rng(seed, "recipients"),
            draw_order: recipients::draw_order(&sc.ips),
            observations: Vec::with_capacity(sc.horizon_days as usize),
            records: Vec::with_capacity(sc.horizon_days as usize * sc.ips.len() * sc.providers.len()),
        }
    }

    fn day_start(&mut self, d: u32, strategy: &mut dyn Strategy) -> Result<(), SimError> {
        self.move_shared_pools();
        let plan = strategy.plan_day(d + 1, &self.view, &self.observations);
        self.check_plan(d, &plan)?;
        self.draw_recipients(&plan);
        for h in self.sc.window.start_hour..self.sc.window.end_hour {
            self.sim.schedule(SimTime::at(d, h), Event::Hour);
        }
        self.sim.schedule(SimTime::from_minutes(u64::from(d + 1) * MINUTES_PER_DAY), Event::DayEnd(d));
        Ok(())
    }

    /// The hours of day `today` whose fresh mail alone uses up the cell's
    /// hourly allowance (computed once per day, when first needed). The
    /// allowance depends only on the provider's state, which is fixed until the
    /// end of the day, and fresh mail is sent at the start of each hour, so any
    /// retry due later in such an hour fails for certain.
    fn saturated_hours(&mut self, cell_idx: usize, today: u32) -> [bool; 24] {
        let window = self.sc.window;
        let cell = &mut self.cells[cell_idx];
        if cell.saturated_day != Some(today) {
            let tokens = allowance_tokens(cell.rep.hourly_allowance(&self.sc.providers[cell_idx % self.n_providers]));
            cell.saturated_hours = [false; 24];
            // Each hour's slice of a segment is its share rounded down or up: bound the hour's
            // fresh mail first, and look at each hour only when the bounds straddle the allowance.
            let hours = u64::from(window.hours());
            let low: u64 = cell.fresh_today.iter().map(|&n| n / hours).sum();
            let high: u64 = cell.fresh_today.iter().map(|&n| n.div_ceil(hours)).sum();
            if high >= tokens && high > 0 {
                for h in window.start_hour..window.end_hour {
                    let fresh = if low >= tokens {
                        low
                    } else {
                        cell.fresh_today.iter().map(|&n| slice_of(n, h - window.start_hour, window.hours())).sum()
                    };
                    cell.saturated_hours[h as usize] = fresh >= tokens && fresh > 0;
                }
            }
            cell.saturated_day = Some(today);
        }
        cell.saturated_hours
    }

    /// Shared-pool trust follows an AR(1) process around its mean.
    fn move_shared_pools(&mut self) {
        let rho = SHARED_POOL_AUTOCORRELATION;
        for (ip_idx, ip) in self.sc.ips.iter().enumerate() {
            if let IpKind::SharedPool { trust_mean, trust_sd, .. } = ip.kind {
                for p in 0..self.n_providers {
                    let z: f64 = StandardNormal.sample(&mut self.pool_noise);
                    let rep = &mut self.cells[ip_idx * self.n_providers + p].rep;
                    let next = trust_mean + rho * (rep.trust - trust_mean) + trust_sd * (1.0 - rho * rho).sqrt() * z;
                    rep.trust = next.clamp(0.0, 1.0);
                }
            }
        }
    }

    fn check_plan(&self, d: u32, plan: &DayPlan) -> Result<(), SimError> {
        let shape_ok =
            plan.volume.len() == self.sc.ips.len() && plan.volume.iter().all(|row| row.len() == self.n_providers);
        let segments_ok = match &plan.segments {
            SegmentPlan::Priority(order) => order.iter().all(|&s| s < self.sc.audience.segments.len()),
            SegmentPlan::Proportional | SegmentPlan::Random => true,
        };
        if shape_ok && segments_ok {
            Ok(())
        } else {
            Err(SimError::BadPlan {
                day: d + 1,
                reason: "plan does not match the scenario's IPs, providers or segments",
            })
        }
    }

    /// Draws each IP's volume at each provider from the recipients left today.
    fn draw_recipients(&mut self, plan: &DayPlan) {
        let fresh = recipients::draw(plan, &self.sc.audience, &self.draw_order, &mut self.recipients);
        for (cell, take) in self.cells.iter_mut().zip(fresh) {
            cell.fresh_today = take;
        }
    }

    fn hour(&mut self, now: SimTime) {
        for cell in 0..self.cells.len() {
            self.catch_up(cell, now);
            self.send(cell, now, true);
        }
    }

    /// Attempts, in time order and each at its due time, the cell's retries due
    /// before `until`. Called before anything reads or changes the cell at
    /// `until` (an hourly send or the day's end): until then, retries touch
    /// only the cell itself, so this gives the same outcome as waking the
    /// simulation for each of them.
    fn catch_up(&mut self, cell_idx: usize, until: SimTime) {
        while let Some(due) = self.cells[cell_idx].queue.next_due().filter(|&t| t < until) {
            self.send(cell_idx, due, false);
        }
    }

    /// Attempts delivery of the cell's due retries (oldest first) and, on an
    /// hourly tick, of this hour's slice of fresh mail, against the provider's
    /// hourly allowance. Accepted mail is placed at the end of the day.
    fn send(&mut self, cell_idx: usize, now: SimTime, with_fresh: bool) {
        let sc = self.sc;
        let provider = &sc.providers[cell_idx % self.n_providers];
        let cell = &mut self.cells[cell_idx];
        if cell.bucket_hour != Some(now.hour_start()) {
            cell.close_hour();
            cell.bucket_hour = Some(now.hour_start());
            cell.tokens = allowance_tokens(cell.rep.hourly_allowance(provider));
        }
        let mut fresh = None;
        if with_fresh && cell.fresh_today.iter().any(|&n| n > 0) {
            let index = now.hour_of_day() - sc.window.start_hour;
            // The total is summed as the slices are made (reading the counts back right
            // after writing them would stall on the stores).
            let mut total = 0;
            let counts = SegmentCounts::from_fn(cell.fresh_today.len(), |s| {
                let n = slice_of(cell.fresh_today[s], index, sc.window.hours());
                total += n;
                n
            });
            let cohort = Cohort { first_attempt: now, attempts: 0, counts, total };
            if cohort.total > 0 {
                cell.today.sent += cohort.total;
                cell.traffic.fresh += cohort.total;
                fresh = Some(cohort);
            }
        }
        let demand = cell.queue.queued() + fresh.as_ref().map_or(0, |c| c.total);
        if demand == 0 {
            return;
        }
        // Attempts known to fail: later in this hour once the allowance is used
        // up, and after the start of any later hour of today that its own fresh
        // mail saturates.
        let saturated = if demand > cell.tokens { self.saturated_hours(cell_idx, now.day()) } else { [false; 24] };
        let (hour_end, today) = (now.hour_start().plus_minutes(60), now.day());
        let certain_failure = |t: SimTime| {
            t < hour_end || (t.day() == today && t != t.hour_start() && saturated[t.hour_of_day() as usize])
        };
        let late = now.hour_of_day() >= self.cells[cell_idx].late_from_hour;
        let Cell { queue, tokens, hour_evaluated, day_accepted, late_accepted, today: counts, .. } =
            &mut self.cells[cell_idx];
        let before = *tokens;
        let accept = |taken: &[u64]| {
            for (s, &n) in taken.iter().enumerate() {
                day_accepted[s] += n;
                if late {
                    late_accepted[s] += n;
                }
            }
        };
        let d = queue.attempt(now, tokens, fresh, accept, certain_failure);
        *hour_evaluated += before - *tokens;
        counts.deferred += d.deferrals;
        counts.expired += d.expired;
    }

    /// Places a cell's accepted mail of the day (one draw per segment for the
    /// whole day) and routes its complaints to the feedback loop.
    fn place_day(&mut self, cell_idx: usize, d: u32) {
        let sc = self.sc;
        let provider = &sc.providers[cell_idx % self.n_providers];
        let cell = &mut self.cells[cell_idx];
        cell.close_hour();
        let evaluated: u64 = cell.day_accepted.iter().sum();
        if evaluated == 0 {
            return;
        }
        let out = sample_day(&mut self.decisions, provider, &cell.rep, &sc.audience.segments, &cell.day_accepted);
        let (inbox, junk, complaints) = (out.inbox_total(), out.junk_total(), out.complaints_total());
        let t = &mut cell.today;
        t.inbox += inbox;
        t.junk += junk;
        t.bounced += out.bounced;
        t.blocked += out.blocked;
        t.complaints += complaints;
        t.opens += out.opens;
        t.trap_hits += out.trap_hits;
        let tr = &mut cell.traffic;
        tr.accepted += inbox + junk;
        tr.inbox += inbox;
        tr.bounced += out.bounced;
        tr.blocked += out.blocked;
        tr.evaluated += evaluated;
        tr.complaints += complaints;
        tr.opens += out.opens;
        tr.trap_hits += out.trap_hits;
        if let FeedbackLoop::PerMessage { delay_hours } = provider.feedback
            && complaints > 0
        {
            // Given a segment's complaints, the number from the late hours is
            // binomial with the late hours' share of its accepted mail.
            let mut late = 0;
            for s in 0..out.complaints.len() {
                let share = cell.late_accepted[s] as f64 / cell.day_accepted[s].max(1) as f64;
                late += binomial(&mut self.decisions, out.complaints[s], share);
            }
            let first_day = d + (delay_hours / 24) as u32;
            for (day, n) in [(first_day, complaints - late), (first_day + 1, late)] {
                if n == 0 {
                    continue;
                }
                if day == d {
                    cell.today.fbl_complaints += n;
                } else {
                    self.sim.schedule(SimTime::at(day, 0), Event::Feedback(cell_idx, n));
                }
            }
        }
        cell.day_accepted.iter_mut().chain(cell.late_accepted.iter_mut()).for_each(|n| *n = 0);
    }

    fn day_end(&mut self, d: u32) {
        let midnight = SimTime::from_minutes(u64::from(d + 1) * MINUTES_PER_DAY);
        for idx in 0..self.cells.len() {
            self.catch_up(idx, midnight);
            self.place_day(idx, d);
        }
        let mut cells_obs = vec![Vec::with_capacity(self.n_providers); self.sc.ips.len()];
        for (idx, cell) in self.cells.iter_mut().enumerate() {
            let (ip, p) = (idx / self.n_providers, idx % self.n_providers);
            let provider = &self.sc.providers[p];
            cell.bucket_hour = None;
            if !cell.shared {
                cell.rep.end_of_day(provider, &cell.traffic);
            }
            cells_obs[ip].push(observe(&cell.today, provider));
            self.records.push(DailyRecord {
                day: d + 1,
                ip,
                provider: p,
                counts: cell.today,
                queued: cell.queue.queued(),
                reputation: cell.rep.trust,
                level: ReputationLevel::from_score(cell.rep.trust),
            });
            cell.today = Counts::default();
            cell.traffic = Default::default();
            cell.fresh_today.iter_mut().for_each(|n| *n = 0);
        }
        self.observations.push(DayObservation { day: d + 1, cells: cells_obs });
    }

    fn finish(self, seed: u64) -> Result<RunResult, SimError> {
        let mut totals = Counts::default();
        for r in &self.records {
            totals.add(&r.counts);
        }
        let queued_at_end: u64 = self.cells.iter().map(|c| c.queue.queued()).sum();
        if totals.sent != totals.finished() + queued_at_end {
            return Err(SimError::Conservation { sent: totals.sent, accounted: totals.finished() + queued_at_end });
        }
        let ip_dedicated: Vec<bool> = self.sc.ips.iter().map(|ip| ip.is_dedicated()).collect();
        let warm_day = warm::warm_days(&self.records, &ip_dedicated, self.n_providers);
        let pool_overloads = domain::pool_overloads(&self.records, &self.sc.ips);
        Ok(RunResult {
            scenario: self.sc.name.clone(),
            seed,
            horizon_days: self.sc.horizon_days,
            ip_names: self.sc.ips.iter().map(|ip| ip.name.clone()).collect(),
            ip_dedicated,
            provider_names: self.view.provider_names,
            records: self.records,
            totals,
            queued_at_end,
            warm_day,
            pool_overloads,
        })
    }
}

/// Whole messages of an hourly allowance: its floor (the allowance is positive,
/// so truncation is the floor, without a call to `floor`).
fn allowance_tokens(allowance: f64) -> u64 {
    allowance as u64
}

/// What the sender sees of a day's counts at one provider.
fn observe(c: &Counts, p: &crate::model::ProviderParams) -> ProviderObservation {
    let mut replies: Vec<ReplyCount> = Vec::new();
    for (reply, count) in [(&p.defer_reply, c.deferred), (&p.block_reply, c.blocked), (&p.bounce_reply, c.bounced)] {
        if count == 0 {
            continue;
        }
        match replies.iter_mut().find(|r| r.code == reply.code) {
            Some(r) => r.count += count,
            None => replies.push(ReplyCount { code: reply.code.clone(), count }),
        }
    }
    let aggregate_complaint_rate = match p.feedback {
        FeedbackLoop::DailyAggregate if c.inbox > 0 => Some(c.complaints as f64 / c.inbox as f64),
        _ => None,
    };
    ProviderObservation {
        sent: c.sent,
        accepted: c.inbox + c.junk,
        deferred: c.deferred,
        blocked: c.blocked,
        bounced: c.bounced,
        expired: c.expired,
        fbl_complaints: c.fbl_complaints,
        aggregate_complaint_rate,
        opens: c.opens,
        replies,
    }
}
