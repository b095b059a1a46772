//! Day-to-day variation beyond sampling noise: the settings of `[variation]`
//! and the shift it applies to a rate.
//!
//! Each day's campaign has its own engagement and complaint propensity,
//! shared by every provider and IP that day: the segments' open and complaint
//! rates are moved on the logit scale by `σ_o z_o(d)` and `σ_c z_c(d)`, with
//! `z ~ N(0, 1)` drawn once a day. Given the day, counts stay binomial, so
//! over days they are a logit-normal mixture of binomials (overdispersed like
//! a beta-binomial). Each provider also has good and bad days: its
//! inbox-placement logit is moved by `σ_p z_p(d)` for the day. docs/MODEL.md
//! ("Day-to-day variation") gives the defaults and their sources; the draws
//! themselves are `sim::variation`'s.

use serde::Serialize;

/// The `[variation]` settings of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Variation {
    /// Whether there is any variation beyond sampling noise (`false`: the model
    /// without it, draw for draw).
    pub enabled: bool,
    /// Standard deviation of a day's shift of every segment's open-rate logit.
    pub open_rate_logit_sd: f64,
    /// Standard deviation of a day's shift of every segment's complaint-rate logit.
    pub complaint_rate_logit_sd: f64,
    /// Standard deviation of a day's shift of a provider's inbox-placement logit.
    pub placement_logit_sd: f64,
}

impl Variation {
    /// The defaults (docs/MODEL.md, "Day-to-day variation"): on.
    pub const DEFAULT: Self =
        Self { enabled: true, open_rate_logit_sd: 0.15, complaint_rate_logit_sd: 0.3, placement_logit_sd: 0.2 };

    /// No variation: the default dispersions, switched off.
    pub const OFF: Self = Self { enabled: false, ..Self::DEFAULT };

    /// Whether any of its draws moves anything.
    pub fn is_active(&self) -> bool {
        self.enabled
            && (self.open_rate_logit_sd > 0.0 || self.complaint_rate_logit_sd > 0.0 || self.placement_logit_sd > 0.0)
    }
}

impl Default for Variation {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Probability `p` with its logit moved by `shift`; 0 and 1 stay as they are
/// (a segment that never complains never does).
pub fn shift_logit(p: f64, shift: f64) -> f64 {
    Shiftable::new(p).shifted(shift)
}

/// A probability shifted on the logit scale again and again: [`shift_logit`]
/// with the probability's logit computed once (the same values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shiftable {
    /// The probability.
    p: f64,
    /// Its logit, `ln(p / (1 - p))`.
    logit: f64,
}

impl Shiftable {
    /// Probability `p`, to be shifted.
    pub fn new(p: f64) -> Self {
        Self { p, logit: (p / (1.0 - p)).ln() }
    }

    /// The probability with its logit moved by `shift`: [`shift_logit`].
    pub fn shifted(&self, shift: f64) -> f64 {
        if self.p <= 0.0 || self.p >= 1.0 || shift == 0.0 {
            return self.p;
        }
        let logit = self.logit + shift;
        1.0 / (1.0 + (-logit).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_stay_probabilities_and_keep_the_ends() {
        assert_eq!(shift_logit(0.0, 3.0), 0.0);
        assert_eq!(shift_logit(1.0, -3.0), 1.0);
        assert_eq!(shift_logit(0.21, 0.0), 0.21);
        let up = shift_logit(0.21, 0.3);
        assert!(up > 0.21 && up < 1.0);
        assert!((shift_logit(up, -0.3) - 0.21).abs() < 1e-12);
        assert!(!Variation::OFF.is_active() && Variation::default().is_active());
    }
}
