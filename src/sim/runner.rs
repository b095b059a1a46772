//! The event loop of one run.
//!
//! Events, all on the generic engine:
//! - `DayStart(d)`: shared pools move; the day's campaign and providers' days
//!   are drawn ([`variation`]); the strategy plans the day from past
//!   observations; the plan is drawn from the audience (one message per
//!   recipient per day, see [`recipients`]); each pair's rate limit starts the
//!   day; hourly sends are scheduled over the active hours.
//! - `Hour`: each (IP, provider) pair sends its slice of the day's mail,
//!   together with any retries due.
//! - `Feedback(pair, n)`: a feedback-loop report of `n` complaints arrives.
//! - `DayEnd(d)`: providers place the day's accepted mail and update
//!   reputation; the day is recorded and observed.
//!
//! Retries of deferred mail need no events of their own. Between two of the
//! events above, a pair's retries touch only its own queue, rate limit and
//! counters, and nothing else reads them: so each pair's due retries are
//! attempted, each at its own due time and in time order, just before its next
//! hourly send and before the day's end (see [`Run::catch_up`]). The outcome is
//! the one a wake-up per retry would give, without the event traffic.
//!
//! The model's mechanisms live in [`crate::model`] (reputation, shared pools,
//! rate limits, the MTA queue, outcomes); what the sender sees of a day is
//! [`ProviderObservation::of_day`].

use std::cell::Cell;

use super::calendar::OnSendingDays;
use super::pair::Pair;
use super::recipients;
use super::variation::{self, DayVariation, DrawnParameter};
use super::{Counts, DailyRecord, ReferenceIps, ReputationLevel, RunResult, SimError, domain, warm};
use crate::engine::{MINUTES_PER_DAY, SimRng, SimTime, Simulation, stream_rng};
use crate::model::{
    DailyFactors, FeedbackLoop, IpKind, ProviderParams, Slicer, late_complaints, next_pool_trust, sample_day,
};
use crate::scenario::Scenario;
use crate::strategy::{DayObservation, DayPlan, ProviderObservation, ReplyCodes, SegmentPlan, SenderView, Strategy};

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
    /// The (IP, provider) pairs, `ip * n_providers + provider`.
    pairs: Vec<Pair>,
    n_providers: usize,
    view: SenderView,
    decisions: SimRng,
    pool_noise: SimRng,
    /// Draws of recipients for random-order plans.
    recipients: SimRng,
    /// Draws of the MTA queue's order within a cohort: which messages of a cohort
    /// accepted in part are taken (see [`crate::model::MtaQueue::attempt`]).
    queue_order: SimRng,
    /// The order in which IPs draw recipients (see [`recipients::draw_order`]).
    draw_order: Vec<usize>,
    /// The days observed so far: the first `observed` entries. Made for the whole
    /// horizon at the start, so that observing a day allocates nothing (issue 18).
    observations: Vec<DayObservation>,
    /// Number of days observed.
    observed: usize,
    /// The day's plan: every day's is written into this one ([`Strategy::plan_day_into`]).
    plan: DayPlan,
    records: Vec<DailyRecord>,
    /// The providers as drawn for this run (their uncertain parameters drawn, see [`variation`]).
    providers: Vec<ProviderParams>,
    /// Each provider's factors of the daily reputation update, computed once.
    factors: Vec<DailyFactors>,
    /// Each provider's reply codes, made once so that observing a day allocates no text.
    reply_codes: Vec<ReplyCodes>,
    /// The uncertain parameters drawn.
    drawn: Vec<DrawnParameter>,
    /// Today's campaign and providers' days (see [`variation`]).
    variation: DayVariation,
    /// Slices of a day's fresh mail into the active hours.
    slicer: Slicer,
    /// Scratch: one hour's fresh mail of a pair, per segment.
    hour_fresh: Vec<u64>,
}

/// Runs `scenario` with `strategy` and `seed`. With a sending calendar that is
/// not every day, `strategy` plans on the sending days only ([`OnSendingDays`]).
pub fn run_with(scenario: &Scenario, strategy: &mut dyn Strategy, seed: u64) -> Result<RunResult, SimError> {
    let mut on_sending_days;
    let strategy: &mut dyn Strategy = if scenario.window.calendar.is_every_day() {
        strategy
    } else {
        on_sending_days = OnSendingDays::new(strategy, scenario.window.calendar);
        &mut on_sending_days
    };
    let mut run = Run::new(scenario, seed);
    run.sim.schedule(SimTime::ZERO, Event::DayStart(0));
    // Every day's end is scheduled first, so that at 24:00 of day d it comes before any
    // other event of that minute: an event at 24:00 is one of day d + 1 (its 00:00), such as
    // a feedback report scheduled days ahead (see `place_day`).
    for d in 0..scenario.horizon_days {
        run.sim.schedule(SimTime::from_minutes(u64::from(d + 1) * MINUTES_PER_DAY), Event::DayEnd(d));
    }
    while let Some((now, event)) = run.sim.next_event() {
        match event {
            Event::DayStart(d) => run.day_start(d, strategy)?,
            Event::Hour => run.hour(now),
            Event::Feedback(pair, n) => run.pairs[pair].today.fbl_complaints += n,
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
        let (n_segments, hours) = (sc.audience.segments.len(), sc.window.hours());
        let (providers, drawn) = variation::draw_providers(&sc.providers, seed);
        let pairs = sc
            .ips
            .iter()
            .flat_map(|ip| providers.iter().map(move |p| Pair::new(ip, p, n_segments, hours, &sc.retry)))
            .collect();
        let variation = DayVariation::new(sc.variation, seed, &sc.audience.segments, &providers);
        let view = SenderView {
            horizon_days: sc.horizon_days,
            active_hours: hours,
            ips: sc.ips.clone(),
            provider_names: sc.providers.iter().map(|p| p.name.clone()).collect(),
            provider_shares: sc.audience.provider_shares.clone(),
            list_size: sc.audience.size,
            segments: sc.audience.segments.clone(),
        };
        let observations = history_buffers(&view);
        let plan = DayPlan::empty(&view);
        Self {
            sc,
            sim: Simulation::new(),
            pairs,
            n_providers: sc.providers.len(),
            view,
            decisions: stream_rng(seed, "provider-decisions"),
            pool_noise: stream_rng(seed, "shared-pool"),
            recipients: stream_rng(seed, "recipients"),
            queue_order: stream_rng(seed, "queue-order"),
            draw_order: recipients::draw_order(&sc.ips),
            observations,
            observed: 0,
            plan,
            records: Vec::with_capacity(sc.horizon_days as usize * sc.ips.len() * sc.providers.len()),
            reply_codes: providers.iter().map(ReplyCodes::of).collect(),
            factors: providers.iter().map(DailyFactors::of).collect(),
            providers,
            drawn,
            variation,
            slicer: Slicer::new(hours),
            hour_fresh: vec![0; n_segments],
        }
    }

    fn day_start(&mut self, d: u32, strategy: &mut dyn Strategy) -> Result<(), SimError> {
        self.move_shared_pools();
        self.variation.start_day();
        strategy.plan_day_into(d + 1, &self.view, &self.observations[..self.observed], &mut self.plan);
        self.check_plan(d, &self.plan)?;
        self.draw_recipients();
        let mut hourly = false;
        for (idx, pair) in self.pairs.iter_mut().enumerate() {
            let allowance = pair.rep.hourly_allowance(&self.providers[idx % self.n_providers]);
            pair.limit.start_day(d, allowance, &pair.fresh_today, self.sc.window);
            for (parts, &total) in pair.fresh_parts.iter_mut().zip(&pair.fresh_today) {
                *parts = self.slicer.parts(total);
            }
            pair.whole_day = pair.queue.next_due().is_none() && pair.limit.fits_every_hour();
            hourly |= !pair.whole_day;
        }
        // Hourly sends only for the pairs that need them (none: no hourly events).
        if hourly {
            for h in self.sc.window.start_hour..self.sc.window.end_hour {
                self.sim.schedule(SimTime::at(d, h), Event::Hour);
            }
        }
        Ok(())
    }

    /// Moves each shared pool's trust one day on (see [`next_pool_trust`]).
    fn move_shared_pools(&mut self) {
        for (ip_idx, ip) in self.sc.ips.iter().enumerate() {
            if let IpKind::SharedPool { trust_mean, trust_sd, .. } = ip.kind {
                for pair in &mut self.pairs[ip_idx * self.n_providers..(ip_idx + 1) * self.n_providers] {
                    pair.rep.trust = next_pool_trust(&mut self.pool_noise, pair.rep.trust, trust_mean, trust_sd);
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
    fn draw_recipients(&mut self) {
        let (plan, audience, order) = (&self.plan, &self.sc.audience, &self.draw_order);
        recipients::draw(plan, audience, order, &mut self.recipients, &mut self.pairs, |pair| &mut pair.fresh_today);
    }

    fn hour(&mut self, now: SimTime) {
        let hour = now.hour_of_day();
        let index = hour - self.sc.window.start_hour;
        for pair in 0..self.pairs.len() {
            if !self.pairs[pair].whole_day {
                self.catch_up(pair, now);
                self.send_fresh(pair, now, hour, index);
            }
        }
    }

    /// The day's hourly sends of a pair with [`Pair::whole_day`], at once: what
    /// [`Run::send_fresh`] would do hour by hour. Each hour's slice is taken whole
    /// (nothing is queued and the allowance takes every hour's fresh mail), so no
    /// attempt fails and none draws a random number; the provider's busiest hour
    /// is the largest of the hours' sums of slices, and the late mail is each
    /// segment's slices of the late hours, both summed by the [`Slicer`] without
    /// a loop over the hours.
    fn send_whole_day(&mut self, pair_idx: usize) {
        let window = self.sc.window;
        let Pair { limit, day_accepted, late_accepted, late_from_hour, fresh_today, fresh_parts, today, .. } =
            &mut self.pairs[pair_idx];
        let late_from = late_from_hour.saturating_sub(window.start_hour);
        if late_from < window.hours() {
            for (parts, late) in fresh_parts.iter().zip(late_accepted.iter_mut()) {
                *late += self.slicer.slices_from(*parts, late_from);
            }
        }
        let peak = self.slicer.largest_slice_sum(fresh_parts);
        for (a, &n) in day_accepted.iter_mut().zip(fresh_today.iter()) {
            *a += n;
        }
        today.sent += fresh_today.iter().sum::<u64>();
        limit.took_whole_hours(peak);
    }

    /// Attempts, in time order and each at its due time, the pair's retries due
    /// before `until`. Called before anything reads or changes the pair at
    /// `until` (an hourly send or the day's end): until then, retries touch
    /// only the pair itself, so this gives the same outcome as waking the
    /// simulation for each of them.
    #[inline(always)]
    fn catch_up(&mut self, pair_idx: usize, until: SimTime) {
        while let Some(due) = self.pairs[pair_idx].queue.next_due().filter(|&t| t < until) {
            self.send_retries(pair_idx, due);
        }
    }

    /// Attempts delivery of the pair's due retries (oldest first) against the
    /// provider's hourly limit. Accepted mail is placed at the end of the day.
    #[inline(never)]
    fn send_retries(&mut self, pair_idx: usize, now: SimTime) {
        let Pair { queue, limit, day_accepted, late_accepted, late_from_hour, today, .. } = &mut self.pairs[pair_idx];
        let late = now.hour_of_day() >= *late_from_hour;
        let accept = |taken: &[u64]| accept_into(day_accepted, late_accepted, late, taken);
        let d = queue.attempt(now, limit, None, &mut self.queue_order, accept);
        today.deferred += d.deferrals;
        today.expired += d.expired;
    }

    /// On the hourly tick `now` (hour `hour` of the day, the `index`-th active
    /// hour): attempts delivery of the pair's due retries (oldest first) and of
    /// this hour's slice of its fresh mail, against the provider's hourly limit.
    /// Accepted mail is placed at the end of the day.
    fn send_fresh(&mut self, pair_idx: usize, now: SimTime, hour: u32, index: u32) {
        let Pair { queue, limit, day_accepted, late_accepted, late_from_hour, fresh_parts, today, .. } =
            &mut self.pairs[pair_idx];
        let fresh = &mut self.hour_fresh[..fresh_parts.len()];
        // The total is summed as the slices are made (reading the counts back right
        // after writing them would stall on the stores).
        let mut total = 0;
        for (n, &parts) in fresh.iter_mut().zip(fresh_parts.iter()) {
            *n = self.slicer.slice(parts, index);
            total += *n;
        }
        today.sent += total;
        let late = hour >= *late_from_hour;
        let accept = |taken: &[u64]| accept_into(day_accepted, late_accepted, late, taken);
        let d = queue.attempt_fresh(now, limit, fresh, total, &mut self.queue_order, accept);
        today.deferred += d.deferrals;
        today.expired += d.expired;
    }

    /// Places a pair's accepted mail of the day (one draw per segment for the
    /// whole day) and routes its complaints to the feedback loop.
    fn place_day(&mut self, pair_idx: usize, d: u32) {
        // The provider and the segments as they are today (see [`variation`]).
        let (provider, segments) = (&self.variation.placing[pair_idx % self.n_providers], &self.variation.segments);
        let pair = &mut self.pairs[pair_idx];
        if pair.day_accepted.iter().all(|&n| n == 0) {
            return;
        }
        let out = sample_day(&mut self.decisions, provider, &pair.rep, segments, &pair.day_accepted);
        let complaints = out.complaints_total();
        let t = &mut pair.today;
        t.inbox += out.inbox_total();
        t.junk += out.junk_total();
        t.bounced += out.bounced;
        t.blocked += out.blocked;
        t.complaints += complaints;
        t.opens += out.opens;
        t.trap_hits += out.trap_hits;
        if let FeedbackLoop::PerMessage { delay_hours } = provider.feedback
            && complaints > 0
        {
            // Given a segment's complaints, the number about mail of the late hours
            // is hypergeometric (a uniform random subset of the segment's mail complained).
            let mut late = 0;
            for s in 0..out.complaints.len() {
                let (accepted, late_s) = (pair.day_accepted[s], pair.late_accepted[s]);
                late += late_complaints(&mut self.decisions, accepted, late_s, out.complaints[s]);
            }
            let first_day = d + (delay_hours / 24) as u32;
            for (day, n) in [(first_day, complaints - late), (first_day + 1, late)] {
                if n == 0 {
                    continue;
                }
                if day == d {
                    pair.today.fbl_complaints += n;
                } else {
                    self.sim.schedule(SimTime::at(day, 0), Event::Feedback(pair_idx, n));
                }
            }
        }
        pair.day_accepted.iter_mut().chain(pair.late_accepted.iter_mut()).for_each(|n| *n = 0);
    }

    fn day_end(&mut self, d: u32) {
        let midnight = SimTime::from_minutes(u64::from(d + 1) * MINUTES_PER_DAY);
        for idx in 0..self.pairs.len() {
            if self.pairs[idx].whole_day {
                self.send_whole_day(idx);
            } else {
                self.catch_up(idx, midnight);
            }
            self.place_day(idx, d);
        }
        // The day's observation, into its entry made at the start (with room for its cells).
        let observed = &mut self.observations[self.observed];
        observed.day = d + 1;
        observed.cells.iter_mut().for_each(Vec::clear);
        for (idx, pair) in self.pairs.iter_mut().enumerate() {
            let (ip, p) = (idx / self.n_providers, idx % self.n_providers);
            let provider = &self.providers[p];
            let peak_hour_evaluated = pair.limit.end_day();
            // The day's blocks were drawn with the state before today's update.
            let block_reply = pair.rep.block_reply(provider);
            if !pair.shared {
                pair.rep.end_of_day(provider, &self.factors[p], &pair.today, peak_hour_evaluated);
            }
            let codes = self.reply_codes[p].of_day(block_reply);
            observed.cells[ip].push(ProviderObservation::of_day_coded(&pair.today, provider, codes));
            self.records.push(DailyRecord {
                day: d + 1,
                ip,
                provider: p,
                counts: pair.today,
                queued: pair.queue.queued(),
                reputation: pair.rep.trust,
                level: ReputationLevel::from_score(pair.rep.trust),
            });
            pair.today = Counts::default();
            pair.fresh_today.iter_mut().for_each(|n| *n = 0);
        }
        self.observed += 1;
    }

    fn finish(mut self, seed: u64) -> Result<RunResult, SimError> {
        HISTORY.set(std::mem::take(&mut self.observations));
        let mut totals = Counts::default();
        for r in &self.records {
            totals.add(&r.counts);
        }
        let queued_at_end: u64 = self.pairs.iter().map(|c| c.queue.queued()).sum();
        if totals.sent != totals.finished() + queued_at_end {
            return Err(SimError::Conservation { sent: totals.sent, accounted: totals.finished() + queued_at_end });
        }
        let ip_dedicated: Vec<bool> = self.sc.ips.iter().map(|ip| ip.is_dedicated()).collect();
        let calendar = &self.sc.window.calendar;
        let warm_day = warm::warm_days(&self.records, ReferenceIps::new(&ip_dedicated), self.n_providers, calendar);
        let pool_overloads = domain::pool_overloads(&self.records, &self.sc.ips);
        Ok(RunResult {
            scenario: self.sc.name.clone(),
            strategy: self.sc.strategy.clone(),
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
            drawn_parameters: self.drawn,
        })
    }
}

thread_local! {
    /// The history's entries of the last run on this thread, for the next one: a run takes
    /// them at its start ([`history_buffers`]) and gives them back at its end, so that runs
    /// after the first on a thread make no history (issue 18: run state reused across runs).
    /// Only capacity is kept: a run overwrites each entry before it shows it to the strategy.
    static HISTORY: Cell<Vec<DayObservation>> = const { Cell::new(Vec::new()) };
}

/// Entries for a run's history of `view.horizon_days` days, each with room for a day's
/// cells: those of the last run on this thread, completed.
fn history_buffers(view: &SenderView) -> Vec<DayObservation> {
    let mut history = HISTORY.take();
    for entry in &mut history {
        entry.cells.resize_with(view.ips.len(), Vec::new);
        for row in &mut entry.cells {
            row.clear();
            row.reserve(view.provider_names.len());
        }
    }
    let days = history.len().max(view.horizon_days as usize);
    history.resize_with(days, || DayObservation::empty(view));
    history
}

/// Adds the messages `taken` (per segment) to the day's accepted mail, and to
/// its late mail when they were accepted in the late hours.
fn accept_into(day_accepted: &mut [u64], late_accepted: &mut [u64], late: bool, taken: &[u64]) {
    for (a, &n) in day_accepted.iter_mut().zip(taken) {
        *a += n;
    }
    if late {
        for (a, &n) in late_accepted.iter_mut().zip(taken) {
            *a += n;
        }
    }
}
