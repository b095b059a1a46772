//! Reputation state of one (IP, provider) pair and its daily update.
//!
//! The provider keeps, for each sending IP: a trust score `T` in [0, 1]; a
//! recent peak of accepted volume (hourly and daily) that sets the rate
//! allowance and the reference for spikes; a long history `H` that fades over
//! about 30 idle days; and a 7-day window of quality counts (complaints,
//! bounces, opens) smoothed with a prior. docs/MODEL.md states each equation.

use super::provider::REFERENCE_OPEN_RATE;
use super::{Counts, IpKind, ProviderParams, Replies};

/// Prior weight (messages) of the quality window: rates are shrunk towards
/// the prior rates until the provider has seen this much mail.
pub const QUALITY_PRIOR_MESSAGES: f64 = 1000.0;
/// Prior complaint rate (Mailchimp all-industry average abuse rate, 0.012%).
pub const PRIOR_COMPLAINT_RATE: f64 = 0.00012;
/// Prior hard-bounce rate (Mailchimp all-industry average, 0.4%).
pub const PRIOR_BOUNCE_RATE: f64 = 0.004;
/// Memory of the quality window (days).
pub const QUALITY_MEMORY_DAYS: f64 = 7.0;
/// Largest fraction of trust lost in one day.
pub const MAX_DAILY_LOSS: f64 = 0.9;
/// Scale of the engagement term in the inbox-placement logit.
pub const ENGAGEMENT_LOGIT_SCALE: f64 = 3.0;
/// Slope of the complaint term in the inbox-placement logit (per multiple of the warning rate exceeded).
pub const COMPLAINT_LOGIT_SLOPE: f64 = 1.0;

/// Per-(IP, provider) reputation state, hidden from the sender.
#[derive(Debug, Clone, PartialEq)]
pub struct Reputation {
    /// Trust `T` in [0, 1].
    pub trust: f64,
    /// Trust of an IP this provider has never seen (the baseline idle decay returns to).
    pub baseline: f64,
    /// Recent peak of messages accepted in one hour (`R_h`).
    pub recent_peak_hourly: f64,
    /// Recent peak of messages accepted in one day (`R_d`).
    pub recent_peak_daily: f64,
    /// Long history of daily accepted volume (`H`), fading over ~30 idle days.
    pub history_daily: f64,
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
        (p.block_max_rate * low_trust + p.complaint_block_rate * complaints).clamp(0.0, 0.99)
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
    /// penalties, growth, idle decay and volume memories (docs/MODEL.md), from
    /// the day's counts `t` (all of them known to the provider, complaints
    /// included) and the most messages it evaluated in one clock hour,
    /// `peak_hour_evaluated`.
    pub fn end_of_day(&mut self, p: &ProviderParams, t: &Counts, peak_hour_evaluated: u64) {
        let keep = (-1.0 / QUALITY_MEMORY_DAYS).exp();
        self.window_inbox = keep * self.window_inbox + t.inbox as f64;
        self.window_complaints = keep * self.window_complaints + t.complaints as f64;
        self.window_evaluated = keep * self.window_evaluated + t.evaluated() as f64;
        self.window_bounces = keep * self.window_bounces + t.bounced as f64;
        self.window_opens = keep * self.window_opens + t.opens as f64;

        let loss = self.daily_loss(p, t);
        self.trust *= 1.0 - loss;
        let fresh = t.sent as f64;
        if fresh < p.notice_volume_per_day && fresh < self.history_daily.max(1.0) {
            // Cooling down: below maintenance level and below its own history,
            // an IP earns nothing and drifts back towards the baseline.
            let shortfall = 1.0 - fresh / p.notice_volume_per_day;
            let fade = (-shortfall / p.idle_decay_days).exp();
            self.trust = self.baseline + (self.trust - self.baseline) * fade;
        } else {
            let credit = self.daily_credit(p, t);
            self.trust += (1.0 - self.trust) * p.trust_gain_per_day * credit;
        }
        self.trust = self.trust.clamp(0.0, 1.0);

        let recent = (-1.0 / p.recent_memory_days).exp();
        let history = (-1.0 / p.history_memory_days).exp();
        self.recent_peak_hourly = (self.recent_peak_hourly * recent).max(peak_hour_evaluated as f64);
        self.recent_peak_daily = (self.recent_peak_daily * recent).max(t.accepted() as f64);
        self.history_daily = (self.history_daily * history).max(t.accepted() as f64);
    }

    /// Fraction of trust lost today to complaints, bounces, traps, blocks and spikes.
    fn daily_loss(&self, p: &ProviderParams, t: &Counts) -> f64 {
        let c = self.complaint_rate();
        let b = self.bounce_rate();
        let complaints = p.complaint_penalty * (c / p.complaint_warn_rate - 1.0).max(0.0)
            + p.severe_complaint_penalty * (c / p.complaint_severe_rate - 1.0).max(0.0);
        let bounces = p.bounce_penalty * (b / p.bounce_warn_rate - 1.0).max(0.0);
        let traps = p.trap_penalty_per_hit * t.trap_hits as f64;
        let blocks = if t.evaluated() > 0 { p.block_penalty * t.blocked as f64 / t.evaluated() as f64 } else { 0.0 };
        let ratio = self.spike_ratio(p, t);
        let spike = if ratio > 1.0 { p.spike_penalty * ratio.log2() } else { 0.0 };
        (complaints + bounces + traps + blocks + spike).min(MAX_DAILY_LOSS)
    }

    /// Today's fresh volume over `spike_ratio` times the recent daily peak
    /// (or the base allowance over 24 hours for an IP without history);
    /// above 1 the day is a spike.
    fn spike_ratio(&self, p: &ProviderParams, t: &Counts) -> f64 {
        let reference = self.recent_peak_daily.max(p.base_hourly_allowance * 24.0);
        t.sent as f64 / (p.spike_ratio * reference)
    }

    /// Credit in [0, 1] earned today: enough accepted volume, clean quality, engagement.
    fn daily_credit(&self, p: &ProviderParams, t: &Counts) -> f64 {
        if t.accepted() == 0 {
            return 0.0;
        }
        let volume = ((1.0 + t.accepted() as f64).ln() / (1.0 + p.notice_volume_per_day).ln()).min(1.0);
        let complaints = (1.0 - self.complaint_rate() / p.complaint_warn_rate).max(0.0);
        let bounces = (1.0 - self.bounce_rate() / p.bounce_warn_rate).max(0.0);
        let engagement = (1.0 + p.engagement_weight * (self.open_rate() - REFERENCE_OPEN_RATE) / REFERENCE_OPEN_RATE)
            .clamp(0.25, 1.5);
        let unblocked = if t.evaluated() > 0 { 1.0 - t.blocked as f64 / t.evaluated() as f64 } else { 1.0 };
        let consistency = 1.0 / self.spike_ratio(p, t).max(1.0);
        (volume * complaints * bounces * engagement * unblocked * consistency).clamp(0.0, 1.0)
    }
}

/// `(count + prior_messages * prior_rate) / (total + prior_messages)`.
fn smoothed(count: f64, total: f64, prior_rate: f64) -> f64 {
    (count + QUALITY_PRIOR_MESSAGES * prior_rate) / (total + QUALITY_PRIOR_MESSAGES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gmail() -> ProviderParams {
        ProviderParams::preset("gmail").expect("preset")
    }

    /// A clean day of `volume` fresh messages, all evaluated, and its peak hour.
    fn clean_day(volume: u64) -> (Counts, u64) {
        let (inbox, bounced) = (volume * 9 / 10, volume / 500);
        let day = Counts {
            sent: volume,
            inbox,
            junk: volume - inbox - bounced,
            bounced,
            complaints: inbox / 10_000,
            opens: inbox * 2 / 5,
            ..Counts::default()
        };
        (day, volume / 12)
    }

    #[test]
    fn clean_consistent_volume_builds_trust() {
        let p = gmail();
        let mut r = Reputation::new_ip(&p);
        let start = r.trust;
        for _ in 0..20 {
            let (day, peak) = clean_day(20_000);
            r.end_of_day(&p, &day, peak);
        }
        assert!(r.trust > start + 0.4, "trust {} after 20 clean days", r.trust);
    }

    #[test]
    fn complaints_above_the_severe_line_destroy_trust() {
        let p = gmail();
        let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
        for _ in 0..5 {
            let (mut day, peak) = clean_day(20_000);
            day.complaints = day.inbox / 100; // 1%
            r.end_of_day(&p, &day, peak);
        }
        assert!(r.trust < 0.3, "trust {} after 5 days at 1% complaints", r.trust);
    }

    #[test]
    fn idle_ip_fades_back_to_baseline_in_about_a_month() {
        let p = gmail();
        let mut r = Reputation::with_history(&p, 0.9, 20_000.0, 12);
        for _ in 0..30 {
            r.end_of_day(&p, &Counts::default(), 0);
        }
        assert!((r.trust - r.baseline).abs() < 0.1 * (0.9 - r.baseline), "trust {}", r.trust);
        assert!(r.history_daily < 0.06 * 20_000.0);
    }

    #[test]
    fn doubling_after_warm_up_costs_trust() {
        let p = gmail();
        let mut steady = Reputation::with_history(&p, 0.9, 20_000.0, 12);
        let mut spiked = steady.clone();
        let (day, peak) = clean_day(20_000);
        steady.end_of_day(&p, &day, peak);
        let spike = Counts { sent: 100_000, ..day };
        spiked.end_of_day(&p, &spike, peak);
        assert!(spiked.trust < steady.trust - 0.1, "spiked {} steady {}", spiked.trust, steady.trust);
    }

    #[test]
    fn allowance_grows_with_history_and_trust() {
        let p = gmail();
        let new = Reputation::new_ip(&p);
        assert_eq!(new.hourly_allowance(&p), p.base_hourly_allowance);
        let warm = Reputation::with_history(&p, 0.9, 120_000.0, 12);
        let a = warm.hourly_allowance(&p);
        assert!(a > 1.8 * 10_000.0 && a < 2.0 * 10_000.0, "allowance {a}");
    }
}
