//! Reputation state of one (IP, provider) pair and its daily update.
//!
//! The provider keeps, for each sending IP: a trust score `T` in [0, 1]; a
//! recent peak of evaluated volume (hourly and daily) that sets the rate
//! allowance and the reference for spikes; a long history `H` that fades over
//! about 30 idle days; a count of consecutive low-volume days (cooling starts
//! after a grace period); a deferral pressure that builds while the IP keeps
//! sending into throttling and escalates to blocks; and a 7-day window of
//! quality counts (complaints, bounces, opens) smoothed with a prior.
//! docs/MODEL.md states each equation.

use super::provider::REFERENCE_OPEN_RATE;
use super::{Counts, IpKind, ProviderParams, Replies, SmtpReply};

/// Prior weight (messages) of the quality window: rates are shrunk towards
/// the prior rates until the provider has seen this much mail.
pub const QUALITY_PRIOR_MESSAGES: f64 = 1000.0;
/// Prior complaint rate (Mailchimp all-industry average abuse rate, 0.012%).
pub const PRIOR_COMPLAINT_RATE: f64 = 0.00012;
/// Prior hard-bounce rate (Mailchimp all-industry average, 0.4%).
pub const PRIOR_BOUNCE_RATE: f64 = 0.004;
/// Memory of the quality window (days).
pub const QUALITY_MEMORY_DAYS: f64 = 7.0;
/// Longest gap between sending days (days) a provider learns as the sender's
/// cadence: a fortnightly sender's (**modelling choice**).
pub const MAX_LEARNED_GAP_DAYS: u32 = 13;
/// Largest fraction of trust lost in one day.
pub const MAX_DAILY_LOSS: f64 = 0.9;
/// Scale of the engagement term in the inbox-placement logit.
pub const ENGAGEMENT_LOGIT_SCALE: f64 = 3.0;
/// Slope of the complaint term in the inbox-placement logit (per multiple of the warning rate exceeded).
pub const COMPLAINT_LOGIT_SLOPE: f64 = 1.0;
/// Rate, in multiples of its line, at which the quality factor of credit is 1/2.
pub const QUALITY_RESPONSE_MIDPOINT: f64 = 1.5;
/// Steepness of the quality factor of credit around its midpoint.
pub const QUALITY_RESPONSE_STEEPNESS: i32 = 6;
/// Bounds of the reception factor that scales the spike penalty (well received mail, poorly received mail).
pub const RECEPTION_BOUNDS: (f64, f64) = (0.5, 2.0);

/// Per-(IP, provider) reputation state, hidden from the sender.
#[derive(Debug, Clone, PartialEq)]
pub struct Reputation {
    /// Trust `T` in [0, 1].
    pub trust: f64,
    /// Trust of an IP this provider has never seen (the baseline idle decay returns to).
    pub baseline: f64,
    /// Recent peak of messages evaluated in one hour (`R_h`).
    pub recent_peak_hourly: f64,
    /// Recent peak of messages evaluated in one day (`R_d`).
    pub recent_peak_daily: f64,
    /// Long history of daily accepted volume (`H`), fading over ~30 idle days.
    pub history_daily: f64,
    /// Consecutive days whose fresh volume was below the maintenance level and the history.
    pub low_days: u32,
    /// The last two completed runs of low days (the gaps between sending days),
    /// latest first, each capped at `MAX_LEARNED_GAP_DAYS` + 1.
    pub last_gaps: [u32; 2],
    /// Deferral pressure `P`: the share of attempts deferred beyond the tolerance, summed with a memory.
    pub pressure: f64,
    /// Windowed inbox-placed messages.
    pub window_inbox: f64,
    /// Windowed complaints.
    pub window_complaints: f64,
    /// Windowed evaluated messages.
    pub window_evaluated: f64,
    /// Windowed hard bounces.
    pub window_bounces: f64,
    /// Windowed opens.
    pub window_opens: f64,
}

impl Reputation {
    /// The state provider `p` starts a run with for an IP of `kind` sending over
    /// `active_hours` hours a day: a new IP is unknown; a warm IP has its trust and
    /// a steady history of its daily volume over the active hours; a shared-pool IP
    /// has the pool's mean trust and its other tenants' volume, spread over 24 hours.
    pub fn initial(kind: &IpKind, p: &ProviderParams, active_hours: u32) -> Self {
        match *kind {
            IpKind::New => Self::new_ip(p),
            IpKind::Warm { daily_volume_per_provider, trust } => {
                Self::with_history(p, trust, daily_volume_per_provider, active_hours)
            }
            IpKind::SharedPool { trust_mean, daily_volume_per_provider, .. } => {
                Self::with_history(p, trust_mean, daily_volume_per_provider, 24)
            }
        }
    }

    /// State of an IP unknown to the provider.
    pub fn new_ip(p: &ProviderParams) -> Self {
        Self::with_history(p, p.initial_trust, 0.0, 1)
    }

    /// State of an IP with `trust` and a steady `daily_volume` spread over `hours` hours a day.
    pub fn with_history(p: &ProviderParams, trust: f64, daily_volume: f64, hours: u32) -> Self {
        Self {
            trust,
            baseline: p.initial_trust,
            recent_peak_hourly: daily_volume / f64::from(hours.max(1)),
            recent_peak_daily: daily_volume,
            history_daily: daily_volume,
            low_days: 0,
            last_gaps: [0, 0],
            pressure: 0.0,
            window_inbox: 0.0,
            window_complaints: 0.0,
            window_evaluated: 0.0,
            window_bounces: 0.0,
            window_opens: 0.0,
        }
    }

    /// Smoothed complaint rate (complaints per inbox-placed message) over the window.
    pub fn complaint_rate(&self) -> f64 {
        smoothed(self.window_complaints, self.window_inbox, PRIOR_COMPLAINT_RATE)
    }

    /// Smoothed hard-bounce rate over the window.
    pub fn bounce_rate(&self) -> f64 {
        smoothed(self.window_bounces, self.window_evaluated, PRIOR_BOUNCE_RATE)
    }

    /// Smoothed open rate over the window.
    pub fn open_rate(&self) -> f64 {
        smoothed(self.window_opens, self.window_inbox, REFERENCE_OPEN_RATE)
    }

    /// Messages per hour the provider accepts from this IP right now.
    pub fn hourly_allowance(&self, p: &ProviderParams) -> f64 {
        let g = p.allowance_growth_untrusted + (p.allowance_growth_trusted - p.allowance_growth_untrusted) * self.trust;
        p.base_hourly_allowance.max(g * self.recent_peak_hourly)
    }

    /// Probability that an evaluated message (valid address) is refused with a 5xx block.
    pub fn block_probability(&self, p: &ProviderParams) -> f64 {
        let low_trust = (1.0 - self.trust / p.block_trust_threshold).max(0.0);
        let complaints = (self.complaint_rate() / p.complaint_severe_rate - 1.0).max(0.0);
        let escalation = p.escalation_block_rate * self.escalation(p);
        (p.block_max_rate * low_trust + p.complaint_block_rate * complaints + escalation).clamp(0.0, 0.99)
    }

    /// How far deferral pressure has been escalated to blocks, in [0, 1]: 0 up to
    /// the escalation level, 1 from twice that level.
    pub fn escalation(&self, p: &ProviderParams) -> f64 {
        if p.pressure_escalation <= 0.0 {
            return if self.pressure > 0.0 { 1.0 } else { 0.0 };
        }
        (self.pressure / p.pressure_escalation - 1.0).clamp(0.0, 1.0)
    }

    /// The reply the provider gives to every block today: its escalation reply
    /// while deferral pressure is escalated, its block reply otherwise.
    pub fn block_reply<'p>(&self, p: &'p ProviderParams) -> &'p SmtpReply {
        if self.escalation(p) > 0.0 { &p.escalation_reply } else { &p.block_reply }
    }

    /// Probability that an accepted message to a segment with open rate `open_rate` lands in the inbox.
    pub fn inbox_probability(&self, p: &ProviderParams, open_rate: f64) -> f64 {
        let complaints = (self.complaint_rate() / p.complaint_warn_rate - 1.0).max(0.0);
        let logit = p.inbox_logit_intercept
            + p.inbox_logit_trust_slope * self.trust
            + p.engagement_weight * ENGAGEMENT_LOGIT_SCALE * (open_rate - REFERENCE_OPEN_RATE)
            - COMPLAINT_LOGIT_SLOPE * complaints;
        1.0 / (1.0 + (-logit).exp())
    }

    /// Applies the end-of-day update for a dedicated IP: quality window,
    /// deferral pressure, penalties, growth or cooling, and volume memories
    /// (docs/MODEL.md), from the day's counts `t` (all of them known to the
    /// provider, complaints included) and the most messages it evaluated in one
    /// clock hour, `peak_hour_evaluated`.
    pub fn end_of_day(&mut self, p: &ProviderParams, f: &DailyFactors, t: &Counts, peak_hour_evaluated: u64) {
        let keep = f.quality_keep;
        self.window_inbox = keep * self.window_inbox + t.inbox as f64;
        self.window_complaints = keep * self.window_complaints + t.complaints as f64;
        self.window_evaluated = keep * self.window_evaluated + t.evaluated() as f64;
        self.window_bounces = keep * self.window_bounces + t.bounced as f64;
        self.window_opens = keep * self.window_opens + t.opens as f64;
        let deferred_share = if t.attempts() > 0 { t.deferred as f64 / t.attempts() as f64 } else { 0.0 };
        self.pressure = self.pressure * f.pressure_keep + (deferred_share - p.pressure_tolerance).max(0.0);

        let loss = self.daily_loss(p, t);
        self.trust *= 1.0 - loss;
        let fresh = t.sent as f64;
        // A low day: below maintenance level and below the IP's own history (a day
        // without fresh mail is always low: `max(H, 1)`).
        let low = fresh < p.notice_volume_per_day && fresh < self.history_daily.max(1.0);
        if low {
            self.low_days = self.low_days.saturating_add(1);
        } else if self.low_days > 0 {
            self.last_gaps = [self.low_days.min(MAX_LEARNED_GAP_DAYS + 1), self.last_gaps[0]];
            self.low_days = 0;
        }
        if f64::from(self.low_days) > p.cooling_grace_days.max(f64::from(self.usual_gap())) {
            // Cooling down: low for longer than the grace period, an IP earns
            // nothing and drifts back towards the baseline.
            let shortfall = 1.0 - fresh / p.notice_volume_per_day;
            let fade = (-shortfall / p.idle_decay_days).exp();
            self.trust = self.baseline + (self.trust - self.baseline) * fade;
        } else {
            let credit = self.daily_credit(p, f, t);
            self.trust += (1.0 - self.trust) * p.trust_gain_per_day * credit;
        }
        self.trust = self.trust.clamp(0.0, 1.0);

        // A day off within the sender's learned cadence is not a drop in volume:
        // the recent peaks, which set the allowance, keep their value.
        let expected_pause = self.low_days > 0 && self.low_days <= self.usual_gap();
        let recent = if expected_pause { 1.0 } else { f.recent_keep };
        let history = f.history_keep;
        self.recent_peak_hourly = (self.recent_peak_hourly * recent).max(peak_hour_evaluated as f64);
        self.recent_peak_daily = (self.recent_peak_daily * recent).max(t.evaluated() as f64);
        self.history_daily = (self.history_daily * history).max(t.accepted() as f64);
    }

    /// The sender's usual gap between sending days as the provider has learned
    /// it: the shorter of the last two gaps, if both are at most
    /// `MAX_LEARNED_GAP_DAYS` (a cadence must repeat to be learned; a pause
    /// longer than two weeks is never a cadence), else 0.
    pub fn usual_gap(&self) -> u32 {
        let gap = self.last_gaps[0].min(self.last_gaps[1]);
        if gap <= MAX_LEARNED_GAP_DAYS { gap } else { 0 }
    }

    /// Fraction of trust lost today to complaints, bounces, traps, blocks,
    /// spikes and deferral pressure.
    fn daily_loss(&self, p: &ProviderParams, t: &Counts) -> f64 {
        let c = self.complaint_rate();
        let b = self.bounce_rate();
        let complaints = p.complaint_penalty * (c / p.complaint_warn_rate - 1.0).max(0.0)
            + p.severe_complaint_penalty * (c / p.complaint_severe_rate - 1.0).max(0.0);
        let bounces = p.bounce_penalty * (b / p.bounce_warn_rate - 1.0).max(0.0);
        // Each hit takes its share of what is left: smooth, and bounded by 1.
        // (Without hits, `x^0` is 1 whatever `x`: no call.)
        let traps =
            if t.trap_hits == 0 { 0.0 } else { 1.0 - (1.0 - p.trap_penalty_per_hit.min(1.0)).powf(t.trap_hits as f64) };
        let blocks = if t.evaluated() > 0 { p.block_penalty * t.blocked as f64 / t.evaluated() as f64 } else { 0.0 };
        let ratio = self.spike_ratio(p, t);
        let spike = if ratio > 1.0 { p.spike_penalty * self.reception(p) * ratio.log2() } else { 0.0 };
        let pressure = p.pressure_penalty * self.pressure;
        (complaints + bounces + traps + blocks + spike + pressure).min(MAX_DAILY_LOSS)
    }

    /// Today's evaluated mail over `spike_ratio` times the recent daily peak
    /// (or the base allowance over 24 hours for an IP without history);
    /// above 1 the day is a spike.
    fn spike_ratio(&self, p: &ProviderParams, t: &Counts) -> f64 {
        let reference = self.recent_peak_daily.max(self.history_daily).max(p.base_hourly_allowance * 24.0);
        t.evaluated() as f64 / (p.spike_ratio * reference)
    }

    /// How badly the mail in the window was received, scaling the spike
    /// penalty: `(1 + c / c_warn) / e`, within [`RECEPTION_BOUNDS`]; about 1
    /// for an average campaign, lower for engaged mail, higher for complained-of
    /// or ignored mail.
    fn reception(&self, p: &ProviderParams) -> f64 {
        let (low, high) = RECEPTION_BOUNDS;
        ((1.0 + self.complaint_rate() / p.complaint_warn_rate) / self.engagement(p)).clamp(low, high)
    }

    /// Engagement factor `e` of credit: the window's open rate against the
    /// reference, weighted by the provider, within [0.25, 1.5].
    fn engagement(&self, p: &ProviderParams) -> f64 {
        (1.0 + p.engagement_weight * (self.open_rate() - REFERENCE_OPEN_RATE) / REFERENCE_OPEN_RATE).clamp(0.25, 1.5)
    }

    /// Credit in [0, 1] earned today: enough accepted volume, clean quality,
    /// engagement, no blocks, no spike, no deferral pressure.
    fn daily_credit(&self, p: &ProviderParams, f: &DailyFactors, t: &Counts) -> f64 {
        if t.accepted() == 0 {
            return 0.0;
        }
        let volume = ((1.0 + t.accepted() as f64).ln() / f.ln_notice).min(1.0);
        let complaints = quality_factor(self.complaint_rate(), p.complaint_warn_rate);
        let bounces = quality_factor(self.bounce_rate(), p.bounce_warn_rate);
        let unblocked = if t.evaluated() > 0 { 1.0 - t.blocked as f64 / t.evaluated() as f64 } else { 1.0 };
        let consistency = 1.0 / self.spike_ratio(p, t).max(1.0);
        let unpressed = 1.0 / (1.0 + self.pressure);
        (volume * complaints * bounces * self.engagement(p) * unblocked * consistency * unpressed).clamp(0.0, 1.0)
    }
}

/// The factors of a provider's daily update that depend on its parameters
/// only ([`Reputation::end_of_day`]): computed once per run by
/// [`DailyFactors::of`], the very values the update would compute each day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DailyFactors {
    /// What the quality window keeps of a day: `exp(-1 / QUALITY_MEMORY_DAYS)`.
    pub quality_keep: f64,
    /// What the deferral pressure keeps of a day: `exp(-1 / pressure_memory_days)`.
    pub pressure_keep: f64,
    /// What the recent peaks keep of a day: `exp(-1 / recent_memory_days)`.
    pub recent_keep: f64,
    /// What the long history keeps of a day: `exp(-1 / history_memory_days)`.
    pub history_keep: f64,
    /// `ln(1 + notice_volume_per_day)`, the volume at which a day counts fully.
    pub ln_notice: f64,
}

impl DailyFactors {
    /// The factors of provider `p`.
    pub fn of(p: &ProviderParams) -> Self {
        Self {
            quality_keep: (-1.0 / QUALITY_MEMORY_DAYS).exp(),
            pressure_keep: (-1.0 / p.pressure_memory_days).exp(),
            recent_keep: (-1.0 / p.recent_memory_days).exp(),
            history_keep: (-1.0 / p.history_memory_days).exp(),
            ln_notice: (1.0 + p.notice_volume_per_day).ln(),
        }
    }
}

/// The quality factor of credit for a rate `x` against its published `line`:
/// `1 / (1 + (x / (m * line))^k)` with `m` = [`QUALITY_RESPONSE_MIDPOINT`] and
/// `k` = [`QUALITY_RESPONSE_STEEPNESS`]: near 1 well below the line, 0.92 at
/// it, 1/2 at 1.5 times it, near 0 far above.
pub fn quality_factor(x: f64, line: f64) -> f64 {
    if line <= 0.0 {
        return if x > 0.0 { 0.0 } else { 1.0 };
    }
    1.0 / (1.0 + (x / (QUALITY_RESPONSE_MIDPOINT * line)).powi(QUALITY_RESPONSE_STEEPNESS))
}

/// `(count + prior_messages * prior_rate) / (total + prior_messages)`.
fn smoothed(count: f64, total: f64, prior_rate: f64) -> f64 {
    (count + QUALITY_PRIOR_MESSAGES * prior_rate) / (total + QUALITY_PRIOR_MESSAGES)
}

#[cfg(test)]
mod tests;
