//! A volume ramp that reacts to health verdicts: grows while healthy, holds
//! when a quality threshold is crossed, cuts on a burst of throttling or
//! blocks, stays down until the error rate falls, then regains its former
//! volume slowly before growing at full pace again.
//!
//! ```text
//! Growing     Grow: v <- min(cap, v * growth)      Hold: v      BackOff: before <- v, v <- v * cut -> BackingOff
//! BackingOff  Grow: -> Recovering                  Hold: v      BackOff: v <- v * cut
//! Recovering  Grow: v <- min(cap, v * recovery); -> Growing once v >= before
//!             Hold: v                              BackOff: v <- v * cut -> BackingOff
//! ```
//!
//! The volume never falls below [`MIN_SIGNAL_MESSAGES`] (or the ramp's first
//! volume, if lower), so that a ramp cut hard still sends enough to be judged.

use super::HealthRules;
use super::signals::{MIN_SIGNAL_MESSAGES, Verdict};

/// Where a ramp is in its cycle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RampMode {
    /// Normal growth.
    Growing,
    /// Cut after a burst; waiting for the error rate to fall. `before`: the volume before the cut.
    BackingOff {
        /// Volume before the cut.
        before: f64,
    },
    /// Growing slowly back to `before`.
    Recovering {
        /// Volume before the cut.
        before: f64,
    },
}

/// One ramp's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ramp {
    volume: f64,
    floor: f64,
    mode: RampMode,
}

impl Ramp {
    /// A ramp starting at `start` messages/day.
    pub fn new(start: f64) -> Self {
        Self { volume: start, floor: start.min(MIN_SIGNAL_MESSAGES as f64), mode: RampMode::Growing }
    }

    /// Today's volume (messages/day).
    pub fn volume(&self) -> f64 {
        self.volume
    }

    /// The current mode.
    pub fn mode(&self) -> RampMode {
        self.mode
    }

    /// Applies a verdict: tomorrow's volume at `growth`, never above `cap`.
    pub fn step(&mut self, verdict: Verdict, growth: f64, cap: f64, rules: &HealthRules) {
        let cut = |v: f64| (v * rules.cut_factor).max(self.floor.min(v));
        match (self.mode, verdict) {
            (_, Verdict::Hold) => {}
            (RampMode::Growing, Verdict::Grow) => self.volume = (self.volume * growth).min(cap),
            (RampMode::Growing, Verdict::BackOff) => {
                self.mode = RampMode::BackingOff { before: self.volume };
                self.volume = cut(self.volume);
            }
            (RampMode::BackingOff { before }, Verdict::Grow) => self.mode = RampMode::Recovering { before },
            (RampMode::BackingOff { before } | RampMode::Recovering { before }, Verdict::BackOff) => {
                self.mode = RampMode::BackingOff { before };
                self.volume = cut(self.volume);
            }
            (RampMode::Recovering { before }, Verdict::Grow) => {
                self.volume = (self.volume * rules.recovery_growth).min(cap);
                if self.volume >= before.min(cap) {
                    self.mode = RampMode::Growing;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_holds_cuts_waits_and_recovers_slowly() {
        let rules = HealthRules::default();
        let mut r = Ramp::new(1000.0);
        r.step(Verdict::Grow, 2.0, 1e9, &rules);
        assert_eq!(r.volume(), 2000.0);
        r.step(Verdict::Hold, 2.0, 1e9, &rules);
        assert_eq!(r.volume(), 2000.0);
        r.step(Verdict::BackOff, 2.0, 1e9, &rules);
        assert_eq!((r.volume(), r.mode()), (1000.0, RampMode::BackingOff { before: 2000.0 }));
        r.step(Verdict::Hold, 2.0, 1e9, &rules);
        assert_eq!(r.volume(), 1000.0, "stays down while the error rate is high");
        r.step(Verdict::Grow, 2.0, 1e9, &rules);
        assert_eq!((r.volume(), r.mode()), (1000.0, RampMode::Recovering { before: 2000.0 }));
        let mut days = 0;
        while r.mode() != RampMode::Growing {
            r.step(Verdict::Grow, 2.0, 1e9, &rules);
            days += 1;
        }
        assert_eq!(days, 8, "1.1^8 > 2: regains the lost volume at +10% a day");
        let v = r.volume();
        r.step(Verdict::Grow, 2.0, 1e9, &rules);
        assert_eq!(r.volume(), 2.0 * v);
    }

    #[test]
    fn cuts_repeat_but_stop_at_the_floor_and_growth_stops_at_the_cap() {
        let rules = HealthRules::default();
        let mut r = Ramp::new(1000.0);
        for _ in 0..5 {
            r.step(Verdict::BackOff, 2.0, 1e9, &rules);
        }
        assert_eq!(r.volume(), 100.0, "500, 250, 125, then enough to be judged");
        let mut small = Ramp::new(40.0);
        small.step(Verdict::BackOff, 2.0, 1e9, &rules);
        assert_eq!(small.volume(), 40.0);
        let mut r = Ramp::new(1000.0);
        r.step(Verdict::Grow, 2.0, 1500.0, &rules);
        assert_eq!(r.volume(), 1500.0);
    }
}
