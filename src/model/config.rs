//! Validated configuration of the simulated world: audience, sending IPs,
//! sending window and retry policy. Built by `scenario` from a scenario file;
//! read by the model.

use serde::Serialize;

use super::Calendar;

/// One engagement segment of the audience.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Segment name, e.g. `active_30d`.
    pub name: String,
    /// Share of the list in this segment, in [0, 1].
    pub share: f64,
    /// Probability that a recipient opens a message placed in the inbox.
    pub open_rate: f64,
    /// Probability that a recipient complains about a message placed in the inbox.
    pub complaint_rate: f64,
    /// Share of addresses that no longer exist (hard bounce 550 5.1.1).
    pub invalid_rate: f64,
    /// Share of addresses that are spam traps.
    pub trap_rate: f64,
}

/// The sender's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audience {
    /// Number of recipients on the list.
    pub size: u64,
    /// Share of the list at each provider, aligned with `Scenario::providers`.
    pub provider_shares: Vec<f64>,
    /// Engagement segments, in the order given by the scenario.
    pub segments: Vec<Segment>,
}

impl Audience {
    /// Recipients at provider `p` in segment `s` (rounded down).
    pub fn recipients(&self, p: usize, s: usize) -> u64 {
        (self.size as f64 * self.provider_shares[p] * self.segments[s].share).floor() as u64
    }

    /// Segment indices from most to least engaged (by open rate, then by order in the file).
    pub fn engaged_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.segments.len()).collect();
        order.sort_by(|&a, &b| self.segments[b].open_rate.total_cmp(&self.segments[a].open_rate).then(a.cmp(&b)));
        order
    }
}

/// What kind of sending IP this is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IpKind {
    /// A new dedicated IP: no history at any provider.
    New,
    /// A dedicated IP with a sending history.
    Warm {
        /// Daily volume per provider it has been sending recently (messages/day).
        daily_volume_per_provider: f64,
        /// Trust it has earned, in [0, 1].
        trust: f64,
    },
    /// An IP of a shared pool: large traffic from other tenants and a noisy, established reputation.
    SharedPool {
        /// Mean trust of the pool, in [0, 1].
        trust_mean: f64,
        /// Day-to-day standard deviation of the pool's trust.
        trust_sd: f64,
        /// Other tenants' daily volume per provider on this IP (messages/day).
        daily_volume_per_provider: f64,
    },
}

/// One sending IP.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IpSpec {
    /// Name used in outputs, e.g. `ip-1`.
    pub name: String,
    /// Kind and history.
    pub kind: IpKind,
    /// Its address, if the scenario gives one: how delivery logs name it
    /// (see `observed::ip_label`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<std::net::IpAddr>,
}

impl IpSpec {
    /// An IP named `name` of kind `kind`, with no address.
    pub fn new(name: impl Into<String>, kind: IpKind) -> Self {
        Self { name: name.into(), kind, address: None }
    }

    /// Whether this IP is dedicated to the sender (new or warm), as opposed to shared.
    pub fn is_dedicated(&self) -> bool {
        !matches!(self.kind, IpKind::SharedPool { .. })
    }
}

/// When fresh mail is sent: the hours `[start_hour, end_hour)` of each day the
/// calendar sends on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SendingWindow {
    /// First sending hour (0-23).
    pub start_hour: u32,
    /// Hour after the last sending hour (1-24).
    pub end_hour: u32,
    /// The days fresh mail goes out (every day by default).
    pub calendar: Calendar,
}

impl Default for SendingWindow {
    /// 08:00 to 20:00, every day.
    fn default() -> Self {
        Self { start_hour: 8, end_hour: 20, calendar: Calendar::EVERY_DAY }
    }
}

impl SendingWindow {
    /// Number of active hours per day.
    pub fn hours(&self) -> u32 {
        self.end_hour - self.start_hour
    }
}

/// How the sender's MTA retries deferred (4xx) mail.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RetryPolicy {
    /// Delay before the first retry (minutes).
    pub first_retry_minutes: u64,
    /// Factor by which the delay grows after each failed attempt.
    pub backoff_factor: f64,
    /// Largest delay between attempts (minutes).
    pub max_retry_interval_minutes: u64,
    /// Age at which undelivered mail is given up as expired (hours).
    pub queue_lifetime_hours: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { first_retry_minutes: 15, backoff_factor: 2.0, max_retry_interval_minutes: 240, queue_lifetime_hours: 72 }
    }
}

impl RetryPolicy {
    /// Delay (minutes) before attempt number `attempt + 1`, after `attempt` failed attempts (`attempt >= 1`).
    pub fn delay_after(&self, attempt: u32) -> u64 {
        let exp = attempt.saturating_sub(1).min(64) as i32;
        let delay = self.first_retry_minutes as f64 * self.backoff_factor.powi(exp);
        (delay.min(self.max_retry_interval_minutes as f64).round() as u64).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps() {
        let r = RetryPolicy::default();
        let delays: Vec<u64> = (1..=7).map(|a| r.delay_after(a)).collect();
        assert_eq!(delays, vec![15, 30, 60, 120, 240, 240, 240]);
    }
}
