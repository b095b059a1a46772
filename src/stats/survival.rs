//! Time-to-event statistics of right-censored data, in whole days: the Kaplan–Meier estimate,
//! Greenwood's variance, log(−log) confidence bands, the median with its Brookmeyer–Crowley
//! interval and the restricted mean with its variance.
//!
//! Lifecycle: build a [`KaplanMeier`] from one [`Observation`] per subject (a run, to the
//! caller), or from counts per day ([`KaplanMeier::from_counts`], which keeps memory
//! independent of the number of subjects); then ask it for the curve ([`KaplanMeier::steps`],
//! [`KaplanMeier::share_by`]), the median ([`KaplanMeier::median`]) or the restricted mean
//! ([`KaplanMeier::restricted_mean`]). It knows nothing of what the event is.
//!
//! Conventions (those of R's `survival` package unless said otherwise):
//! - a subject's time is its event day if the event happened by its censoring day, else its
//!   censoring day (an event later than the censoring day was not seen);
//! - **events precede censorings at ties**: a subject censored on day `t` is still at risk for
//!   the events of day `t`;
//! - `Ŝ(t) = Π_{t_i ≤ t} (1 − d_i / n_i)` over the event days `t_i`, with `n_i` subjects at
//!   risk just before `t_i` and `d_i` events on it (Kaplan & Meier 1958, JASA 53(282):457–481);
//! - Greenwood's variance `Var[Ŝ(t)] = Ŝ(t)² Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))` (Greenwood
//!   1926, Rep. Public Health Med. Subj. 33:1–26);
//! - the log(−log) band `Ŝ^{exp(± z s)}`, `s = √(Σ d_i / (n_i (n_i − d_i))) / |ln Ŝ|`, which
//!   stays inside `[0, 1]`; it is `[1, 1]` where `Ŝ = 1` (no event yet: the sum is 0) and
//!   `[0, 0]` where `Ŝ = 0` (every subject at risk had the event: Greenwood's variance `Ŝ² Σ`
//!   is 0 there, although the transform is not defined; R leaves the band undefined there, so
//!   that when all subjects have the event, R's median interval has no upper end where this one
//!   ends on the last event day);
//! - the median is the first day with `Ŝ(t) ≤ 0.5` (no averaging over a flat part at exactly
//!   0.5, unlike R), and its interval is Brookmeyer & Crowley's (1982, Biometrics 38:29–41):
//!   the days whose band contains 0.5, that is from the first day the band's lower end is at
//!   most 0.5 to the first day its upper end is, each absent if it never is;
//! - the restricted mean `μ(τ) = ∫_0^τ Ŝ(t) dt`, the mean of `min(T, τ)` (Royston & Parmar
//!   2013, BMC Med Res Methodol 13:152), with Klein & Moeschberger's variance (Survival
//!   Analysis, 2nd ed., 2003, §4.5) `Σ_{t_i ≤ τ} A_i² d_i / (n_i (n_i − d_i))`,
//!   `A_i = ∫_{t_i}^τ Ŝ(t) dt` (a term with `n_i = d_i` is 0: `Ŝ` is 0 from `t_i` on), and
//!   the normal interval `μ ± z √Var` cut to `[0, τ]`, where `μ` lies.
//!
//! Comparisons of `Ŝ` with 0.5 allow a relative error of 1e-12, so that a product of fractions
//! equal to one half in exact arithmetic counts as one half.

use statrs::distribution::{ContinuousCDF, Normal};

/// Slack of comparisons of `Ŝ` with 0.5 (rounding of the product of fractions).
const HALF_SLACK: f64 = 1e-12;

/// One subject: the day of its event, if it happened, and the day its observation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// The day of the event; `None` if it did not happen by `censor_day`. A day after
    /// `censor_day` counts as `None`.
    pub event_day: Option<u32>,
    /// The last day the subject was observed (its censoring day when no event is seen).
    pub censor_day: u32,
}

impl Observation {
    /// Whether the event was seen, and on which day the subject leaves the risk set.
    fn time(self) -> (bool, u32) {
        match self.event_day {
            Some(day) if day <= self.censor_day => (true, day),
            _ => (false, self.censor_day),
        }
    }
}

/// The estimate on a day when something happened (an event or a censoring).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The day.
    pub day: u32,
    /// Subjects at risk just before the day's events (censorings of the day included).
    pub at_risk: u64,
    /// Events on the day.
    pub events: u64,
    /// Subjects censored on the day.
    pub censored: u64,
    /// `Ŝ(day)`: the share of subjects without the event after this day.
    pub survival: f64,
    /// Greenwood's sum `Σ_{t_i ≤ day} d_i / (n_i (n_i − d_i))` (infinite once `Ŝ` is 0).
    pub greenwood_sum: f64,
}

impl Step {
    /// Greenwood's variance of `Ŝ(day)`, `Ŝ² Σ d_i / (n_i (n_i − d_i))` (0 once `Ŝ` is 0).
    pub fn variance(&self) -> f64 {
        if self.survival == 0.0 { 0.0 } else { self.survival * self.survival * self.greenwood_sum }
    }
}

/// An estimated share with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// The estimate, in `[0, 1]`.
    pub estimate: f64,
    /// Lower end of the interval; `None` only for a confidence level outside `(0, 1)`.
    pub ci_low: Option<f64>,
    /// Upper end of the interval; `None` only for a confidence level outside `(0, 1)`.
    pub ci_high: Option<f64>,
}

/// The median time to the event and its Brookmeyer–Crowley interval, in days; each `None`
/// when not reached within the data (fewer than half the subjects have had the event, or the
/// band never crosses 0.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Median {
    /// The first day with `Ŝ ≤ 0.5`.
    pub estimate: Option<u32>,
    /// The first day whose band's lower end is at most 0.5.
    pub ci_low: Option<u32>,
    /// The first day whose band's upper end is at most 0.5.
    pub ci_high: Option<u32>,
}

/// The restricted mean time to the event up to a horizon `τ`, in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RestrictedMean {
    /// The horizon `τ`.
    pub horizon: u32,
    /// `μ(τ) = ∫_0^τ Ŝ(t) dt`.
    pub estimate: f64,
    /// Klein & Moeschberger's variance of the estimate.
    pub variance: f64,
    /// `max(0, μ − z √variance)`; `None` with fewer than 2 subjects (the variance says nothing then).
    pub ci_low: Option<f64>,
    /// `min(τ, μ + z √variance)`; `None` with fewer than 2 subjects.
    pub ci_high: Option<f64>,
}

/// The Kaplan–Meier estimate of a sample.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KaplanMeier {
    steps: Vec<Step>,
    n: u64,
}

/// The two-sided standard normal quantile of `confidence` (1.959964 for 0.95); `None` outside `(0, 1)`.
pub fn normal_quantile(confidence: f64) -> Option<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let normal = Normal::new(0.0, 1.0).ok()?;
    Some(normal.inverse_cdf(0.5 + confidence / 2.0))
}

impl KaplanMeier {
    /// The estimate of `observations`, in any order.
    pub fn new(observations: impl IntoIterator<Item = Observation>) -> Self {
        Self::from_counts(observations.into_iter().map(|o| match o.time() {
            (true, day) => (day, 1, 0),
            (false, day) => (day, 0, 1),
        }))
    }

    /// The estimate from `(day, events, censored)` counts, in any order (counts of a day given
    /// twice are added).
    pub fn from_counts(counts: impl IntoIterator<Item = (u32, u64, u64)>) -> Self {
        let mut by_day: std::collections::BTreeMap<u32, (u64, u64)> = std::collections::BTreeMap::new();
        for (day, events, censored) in counts {
            let entry = by_day.entry(day).or_default();
            entry.0 += events;
            entry.1 += censored;
        }
        let n: u64 = by_day.values().map(|(d, c)| d + c).sum();
        let mut at_risk = n;
        let (mut survival, mut greenwood_sum) = (1.0, 0.0);
        let mut steps = Vec::with_capacity(by_day.len());
        for (day, (events, censored)) in by_day {
            if events + censored == 0 {
                continue;
            }
            if events > 0 {
                survival *= 1.0 - events as f64 / at_risk as f64;
                greenwood_sum += if events < at_risk {
                    events as f64 / (at_risk as f64 * (at_risk - events) as f64)
                } else {
                    f64::INFINITY
                };
            }
            steps.push(Step { day, at_risk, events, censored, survival, greenwood_sum });
            at_risk -= events + censored;
        }
        Self { steps, n }
    }

    /// The number of subjects.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The number of events seen.
    pub fn n_events(&self) -> u64 {
        self.steps.iter().map(|s| s.events).sum()
    }

    /// The number of subjects censored.
    pub fn n_censored(&self) -> u64 {
        self.n - self.n_events()
    }

    /// The days on which something happened, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The last step on or before `day`, if any.
    fn step_at(&self, day: u32) -> Option<&Step> {
        let i = self.steps.partition_point(|s| s.day <= day);
        i.checked_sub(1).map(|i| &self.steps[i])
    }

    /// `Ŝ(day)`: the share of subjects without the event after `day` (1 before the first event).
    pub fn survival(&self, day: u32) -> f64 {
        self.step_at(day).map_or(1.0, |s| s.survival)
    }

    /// Subjects at risk on `day` (those whose time is `day` or later).
    pub fn at_risk(&self, day: u32) -> u64 {
        let i = self.steps.partition_point(|s| s.day < day);
        self.steps[i..].iter().map(|s| s.events + s.censored).sum()
    }

    /// The log(−log) band of `Ŝ(day)` with standard normal quantile `z`: `(lower, upper)`;
    /// `(1, 1)` before any event, `(0, 0)` where `Ŝ` is 0.
    pub fn band(&self, day: u32, z: f64) -> (f64, f64) {
        self.step_at(day).map_or((1.0, 1.0), |step| Self::step_band(step, z))
    }

    fn step_band(step: &Step, z: f64) -> (f64, f64) {
        let s = step.survival;
        if s >= 1.0 || s <= 0.0 || step.greenwood_sum == 0.0 || !step.greenwood_sum.is_finite() {
            return (s, s);
        }
        let spread = z * step.greenwood_sum.sqrt() / s.ln().abs();
        (s.powf(spread.exp()), s.powf((-spread).exp()))
    }

    /// The share of subjects with the event by `day`, `1 − Ŝ(day)`, with the `confidence`
    /// interval from the log(−log) band of `Ŝ`.
    pub fn share_by(&self, day: u32, confidence: f64) -> Share {
        let estimate = 1.0 - self.survival(day);
        let band = normal_quantile(confidence).map(|z| self.band(day, z));
        Share { estimate, ci_low: band.map(|(_, hi)| 1.0 - hi), ci_high: band.map(|(lo, _)| 1.0 - lo) }
    }

    /// The median time to the event and its `confidence` interval (see the module's doc).
    pub fn median(&self, confidence: f64) -> Median {
        let at_most_half = |s: f64| s <= 0.5 * (1.0 + HALF_SLACK);
        let events = || self.steps.iter().filter(|s| s.events > 0);
        let estimate = events().find(|s| at_most_half(s.survival)).map(|s| s.day);
        let Some(z) = normal_quantile(confidence) else { return Median { estimate, ci_low: None, ci_high: None } };
        let ci_low = events().find(|s| at_most_half(Self::step_band(s, z).0)).map(|s| s.day);
        let ci_high = events().find(|s| at_most_half(Self::step_band(s, z).1)).map(|s| s.day);
        Median { estimate, ci_low, ci_high }
    }

    /// The restricted mean time to the event up to day `horizon` with its `confidence`
    /// interval; `None` without subjects.
    pub fn restricted_mean(&self, horizon: u32, confidence: f64) -> Option<RestrictedMean> {
        if self.n == 0 {
            return None;
        }
        let events: Vec<&Step> = self.steps.iter().filter(|s| s.events > 0 && s.day <= horizon).collect();
        // tail[i] = ∫ from the i-th event day to the horizon of Ŝ.
        let mut tail = vec![0.0; events.len()];
        let mut area = 0.0;
        let mut end = f64::from(horizon);
        for (i, s) in events.iter().enumerate().rev() {
            area += (end - f64::from(s.day)) * s.survival;
            tail[i] = area;
            end = f64::from(s.day);
        }
        let estimate = area + end; // Ŝ = 1 from day 0 to the first event.
        let variance: f64 = events
            .iter()
            .zip(&tail)
            .filter(|(s, _)| s.events < s.at_risk)
            .map(|(s, a)| a * a * s.events as f64 / (s.at_risk as f64 * (s.at_risk - s.events) as f64))
            .sum();
        let half = normal_quantile(confidence).filter(|_| self.n >= 2).map(|z| z * variance.sqrt());
        Some(RestrictedMean {
            horizon,
            estimate,
            variance,
            ci_low: half.map(|h| (estimate - h).max(0.0)),
            ci_high: half.map(|h| (estimate + h).min(f64::from(horizon))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(event_day: Option<u32>, censor_day: u32) -> Observation {
        Observation { event_day, censor_day }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    /// Eight subjects, with tied events and an event tied with a censoring:
    ///
    /// ```text
    /// subject   A  B  C  D   E  F   G   H
    /// event     3  3  5  -   7  -   -   -
    /// censored  .  .  .  5   .  8   10  10
    /// ```
    ///
    /// By hand (events precede censorings: D, censored on day 5, is at risk for C's event):
    ///
    /// ```text
    /// day  n  d  c   Ŝ                          Σ d/(n(n-d))                 Greenwood Var = Ŝ²Σ
    /// 3    8  2  0   6/8 = 0.75                 2/(8·6) = 1/24 = 0.0416667   0.5625·1/24 = 0.0234375
    /// 5    6  1  1   0.75·5/6 = 0.625           1/24 + 1/(6·5) = 0.075       0.390625·0.075 = 0.029296875
    /// 7    4  1  0   0.625·3/4 = 0.46875        0.075 + 1/(4·3) = 0.1583333  0.2197266·0.1583333 = 0.0347900
    /// 8    3  0  1   0.46875
    /// 10   2  0  2   0.46875
    /// ```
    ///
    /// Log(−log) band with z = 1.959964, `s = √Σ / |ln Ŝ|`, `(Ŝ^{e^{zs}}, Ŝ^{e^{-zs}})`:
    /// day 3: s = 0.2041241/0.2876821 = 0.7095496, band (0.3148071, 0.9308983);
    /// day 5: s = 0.2738613/0.4700036 = 0.5826789, band (0.2293333, 0.8606983);
    /// day 7: s = 0.3979112/0.7576857 = 0.5251664, band (0.1199286, 0.7628557).
    /// Share with the event by day 7: 1 − 0.46875 = 0.53125, interval (0.2371443, 0.8800714).
    ///
    /// Median: first Ŝ ≤ 0.5 is day 7. Its interval: the band's lower end is ≤ 0.5 from
    /// day 3; its upper end never is (0.763 at day 7, and Ŝ stays 0.46875): (3, none).
    ///
    /// Restricted mean to τ = 10: 3·1 + 2·0.75 + 2·0.625 + 3·0.46875 = 7.15625.
    /// A_3 = 1.5 + 1.25 + 1.40625 = 4.15625, A_5 = 2.65625, A_7 = 1.40625;
    /// Var = 4.15625²·2/48 + 2.65625²/30 + 1.40625²/12 = 0.7197673 + 0.2351888 + 0.1647949
    /// = 1.1197510; interval 7.15625 ± 1.959964·1.0581829 = (5.0822497, 9.2302503).
    #[test]
    fn matches_a_hand_computed_case_with_ties_and_censoring() {
        let km = KaplanMeier::new([
            obs(Some(3), 10),
            obs(Some(3), 10),
            obs(Some(5), 10),
            obs(None, 5),
            obs(Some(7), 10),
            obs(None, 8),
            obs(None, 10),
            obs(Some(12), 10), // an event after the censoring day is not seen
        ]);
        assert_eq!((km.n(), km.n_events(), km.n_censored()), (8, 4, 4));
        let table: Vec<(u32, u64, u64, u64)> =
            km.steps().iter().map(|s| (s.day, s.at_risk, s.events, s.censored)).collect();
        assert_eq!(table, [(3, 8, 2, 0), (5, 6, 1, 1), (7, 4, 1, 0), (8, 3, 0, 1), (10, 2, 0, 2)]);
        let survival: Vec<f64> = km.steps().iter().map(|s| s.survival).collect();
        assert_eq!(survival, [0.75, 0.625, 0.46875, 0.46875, 0.46875]);
        for (i, var) in [0.0234375, 0.029296875, 0.0347900390625].into_iter().enumerate() {
            assert!(close(km.steps()[i].variance(), var), "day {}", km.steps()[i].day);
        }
        let z = normal_quantile(0.95).unwrap();
        assert!(close(z, 1.959963984540054));
        for (day, lo, hi) in [(3, 0.3148071137055191, 0.9308983170906275), (5, 0.22933332242913174, 0.8606982769135387)]
        {
            let (l, h) = km.band(day, z);
            assert!(close(l, lo) && close(h, hi), "day {day}: ({l}, {h})");
        }
        assert_eq!(km.band(2, z), (1.0, 1.0), "no event yet");
        assert_eq!((km.survival(6), km.at_risk(6), km.at_risk(7), km.at_risk(11)), (0.625, 4, 4, 0));
        let share = km.share_by(9, 0.95);
        assert!(close(share.estimate, 0.53125));
        assert!(close(share.ci_low.unwrap(), 0.23714433212824004));
        assert!(close(share.ci_high.unwrap(), 0.8800713777590928));
        assert_eq!(km.median(0.95), Median { estimate: Some(7), ci_low: Some(3), ci_high: None });
        let rm = km.restricted_mean(10, 0.95).unwrap();
        assert!(close(rm.estimate, 7.15625) && close(rm.variance, 1.1197509765625), "{rm:?}");
        assert!(close(rm.ci_low.unwrap(), 5.0822496948175555) && close(rm.ci_high.unwrap(), 9.230250305182444));
        // Up to day 6 only: 3 + 2·0.75 + 1·0.625; A_3 = 2.125, A_5 = 0.625.
        let rm6 = km.restricted_mean(6, 0.95).unwrap();
        assert!(close(rm6.estimate, 5.125));
        assert!(close(rm6.variance, 2.125 * 2.125 / 24.0 + 0.625 * 0.625 / 30.0));
        // 5.125 + 1.959964 · √0.2011719 = 6.004, cut to the horizon.
        assert_eq!(rm6.ci_high, Some(6.0));
        // Counts per day give the same estimate.
        let counts = KaplanMeier::from_counts([(10, 0, 2), (3, 2, 0), (5, 1, 1), (7, 1, 0), (8, 0, 1), (4, 0, 0)]);
        assert_eq!(counts, km);
    }

    #[test]
    fn all_censored() {
        let km = KaplanMeier::new((0..5).map(|_| obs(None, 42)));
        assert_eq!((km.n_events(), km.n_censored(), km.survival(42)), (0, 5, 1.0));
        assert_eq!(km.median(0.95), Median { estimate: None, ci_low: None, ci_high: None });
        let share = km.share_by(42, 0.95);
        assert_eq!((share.estimate, share.ci_low, share.ci_high), (0.0, Some(0.0), Some(0.0)));
        let rm = km.restricted_mean(42, 0.95).unwrap();
        assert_eq!((rm.estimate, rm.variance, rm.ci_low, rm.ci_high), (42.0, 0.0, Some(42.0), Some(42.0)));
    }

    /// Without censoring the restricted mean is the sample mean of `min(T, τ)` and Klein &
    /// Moeschberger's variance is the population variance over `n`. Events on 2, 4, 4, 6:
    /// mean 4, variance (4 + 0 + 0 + 4)/4/4 = 0.5. Ŝ: 0.75, 0.25, 0: median 4. Its interval:
    /// day 2 (band (0.128, 0.961)) to day 6 (the band is (0.009, 0.665) on day 4, and (0, 0)
    /// where Ŝ = 0).
    #[test]
    fn none_censored() {
        let km = KaplanMeier::new([2, 4, 4, 6].map(|d| obs(Some(d), 10)));
        assert_eq!((km.n_events(), km.n_censored(), km.survival(6)), (4, 0, 0.0));
        let rm = km.restricted_mean(10, 0.95).unwrap();
        assert!(close(rm.estimate, 4.0) && close(rm.variance, 0.5), "{rm:?}");
        assert_eq!(km.median(0.95), Median { estimate: Some(4), ci_low: Some(2), ci_high: Some(6) });
        assert_eq!(km.band(6, 1.96), (0.0, 0.0));
        let share = km.share_by(6, 0.95);
        assert_eq!((share.estimate, share.ci_low, share.ci_high), (1.0, Some(1.0), Some(1.0)));
        // Up to day 3 (before some events): mean of min(T, 3) = (2 + 3 + 3 + 3)/4.
        assert!(close(km.restricted_mean(3, 0.95).unwrap().estimate, 2.75));
    }

    #[test]
    fn one_subject_and_none() {
        let km = KaplanMeier::new([obs(Some(5), 10)]);
        assert_eq!(km.median(0.95), Median { estimate: Some(5), ci_low: Some(5), ci_high: Some(5) });
        let rm = km.restricted_mean(10, 0.95).unwrap();
        assert_eq!((rm.estimate, rm.variance, rm.ci_low), (5.0, 0.0, None));
        let censored = KaplanMeier::new([obs(None, 10)]);
        assert_eq!(censored.restricted_mean(10, 0.95).map(|r| r.estimate), Some(10.0));
        let empty = KaplanMeier::new([]);
        assert_eq!((empty.n(), empty.survival(3), empty.restricted_mean(10, 0.95)), (0, 1.0, None));
        assert_eq!(empty.median(0.95).estimate, None);
        assert_eq!(normal_quantile(1.0), None);
    }

    /// With every censoring at the horizon, the restricted mean equals the mean of `min(T, τ)`
    /// with censored subjects counted at τ, whatever the sample.
    #[test]
    fn restricted_mean_counts_censored_subjects_at_the_horizon() {
        let days = [Some(3), None, Some(9), Some(3), None, Some(20), Some(14), None, Some(1)];
        let km = KaplanMeier::new(days.map(|d| obs(d, 20)));
        let restricted: Vec<f64> = days.iter().map(|d| f64::from(d.unwrap_or(20))).collect();
        let mean = restricted.iter().sum::<f64>() / restricted.len() as f64;
        let pop_var = restricted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / restricted.len() as f64;
        let rm = km.restricted_mean(20, 0.95).unwrap();
        assert!(close(rm.estimate, mean) && close(rm.variance, pop_var / restricted.len() as f64), "{rm:?}");
        assert!(close(km.survival(20), 3.0 / 9.0), "the share never warm");
    }
}
