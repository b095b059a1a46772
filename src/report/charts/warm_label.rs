//! What the run charts say about a provider's warm day, following the warm rule
//! of [`crate::sim::warm`]: the day, and whether the provider fell below High
//! after it, or why a provider that was High on some days is not warm.
//!
//! The rule is the simulator's; this file only describes its result. The level
//! read here is that of the lowest reference IP at the provider each day
//! (`ProviderDay::lowest_reputation` in `report::aggregate`),
//! since warmth needs every reference IP.

use crate::report::aggregate::{Aggregates, name_of};
use crate::sim::warm::{WARM_HOLD_DAYS, WARM_MAX_DEFERRAL_RATE};
use crate::sim::{ReputationLevel, RunResult};

/// A provider's warmth over a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarmStatus {
    /// Warm from `day` on (the simulator's warm day).
    Warm {
        /// The 1-based warm day.
        day: u32,
        /// Runs of days after it (first, last; 1-based) on which the lowest
        /// reference IP was below High.
        below_high: Vec<(u32, u32)>,
    },
    /// Never warm.
    NotWarm {
        /// Runs of days (first, last; 1-based) on which every reference IP was High.
        high: Vec<(u32, u32)>,
        /// Number of days in the run.
        n_days: u32,
    },
}

impl WarmStatus {
    /// The status of `provider` in a run whose warm day there is `warm_day`.
    pub fn of(agg: &Aggregates, provider: usize, warm_day: Option<u32>) -> Self {
        let high: Vec<bool> = agg
            .provider_days(provider)
            .map(|d| d.lowest_reputation().is_some_and(|s| ReputationLevel::from_score(s) == ReputationLevel::High))
            .collect();
        match warm_day {
            Some(day) => {
                let below: Vec<bool> = high.iter().enumerate().map(|(i, &h)| i + 1 > day as usize && !h).collect();
                WarmStatus::Warm { day, below_high: runs(&below) }
            }
            None => WarmStatus::NotWarm { high: runs(&high), n_days: agg.n_days as u32 },
        }
    }

    /// The warm day, if any.
    pub fn day(&self) -> Option<u32> {
        match self {
            WarmStatus::Warm { day, .. } => Some(*day),
            WarmStatus::NotWarm { .. } => None,
        }
    }

    /// A short legend label: `gmail: warm day 11`, `gmail: warm day 1, below High days 11-19`,
    /// `gmail: not warm (never High)`, `gmail: not warm (High days 1-4 only, under 7)`.
    pub fn label(&self, name: &str) -> String {
        match self {
            WarmStatus::Warm { day, below_high } if below_high.is_empty() => format!("{name}: warm day {day}"),
            WarmStatus::Warm { day, below_high } => {
                format!("{name}: warm day {day}, below High {}", days_text(below_high))
            }
            WarmStatus::NotWarm { high, .. } if high.is_empty() => format!("{name}: not warm (never High)"),
            WarmStatus::NotWarm { high, n_days } => {
                let longest = high.iter().map(|(a, b)| b - a + 1).max().unwrap_or(0);
                let reaches_end = high.last().is_some_and(|&(_, b)| b == *n_days);
                if longest >= WARM_HOLD_DAYS || reaches_end {
                    // Long enough at High: the deferrals or a day without mail kept it from warm.
                    format!("{name}: not warm (High {}, but deferred or no mail)", days_text(high))
                } else {
                    format!("{name}: not warm (High {} only, under {WARM_HOLD_DAYS})", days_text(high))
                }
            }
        }
    }
}

/// The warm rule in one sentence, naming whose reputation it reads (`every dedicated IP`).
pub fn rule_text(who: &str) -> String {
    format!(
        "Warm (docs/MODEL.md, section 10): the first sending day that starts {WARM_HOLD_DAYS} days on which {who} is \
         High at the provider, sends it mail and has under {}% of its attempts there deferred; a provider may fall \
         below High after it.",
        WARM_MAX_DEFERRAL_RATE * 100.0
    )
}

/// Whose reputation the reference-IP lines of a run chart show, and whose the
/// warm rule reads: (a sentence for the chart's note, the subject of [`rule_text`]).
pub fn reference_text(result: &RunResult, agg: &Aggregates) -> (String, &'static str) {
    let names = |pick: &dyn Fn(usize) -> bool| -> String {
        let list: Vec<String> =
            (0..agg.n_ips).filter(|&ip| pick(ip)).map(|ip| name_of(&result.ip_names, ip).into_owned()).collect();
        list.join(", ")
    };
    let reference = names(&|ip| agg.ip_is_reference[ip]);
    let others = names(&|ip| !agg.ip_is_reference[ip]);
    let n_others = agg.ip_is_reference.iter().filter(|&&r| !r).count();
    let elsewhere = match n_others {
        0 => String::new(),
        1 => format!("; the shared pool {others}: ips.png"),
        _ => format!("; the shared pools ({others}): ips.png"),
    };
    let dedicated = agg.reference_is_part() || agg.ip_dedicated.iter().any(|&d| d);
    match (agg.n_reference(), dedicated) {
        (1, true) => (
            format!("Each line: the provider's reputation of the dedicated IP {reference}{elsewhere}."),
            "the dedicated IP",
        ),
        (n, true) => (
            format!(
                "Each line: the lowest of the {n} dedicated IPs' reputations at the provider ({reference}), the one \
                 that decides warmth; each IP: ips.png{elsewhere}."
            ),
            "every dedicated IP",
        ),
        (1, false) => {
            (format!("Each line: the provider's reputation of the IP {reference} (a shared pool)."), "the IP")
        }
        (n, false) => (
            format!(
                "Each line: the lowest of the {n} IPs' reputations at the provider (none is dedicated); each IP: ips.png."
            ),
            "every IP",
        ),
    }
}

/// The runs of `true` in `flags` as 1-based (first, last) days.
fn runs(flags: &[bool]) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (i, &f) in flags.iter().enumerate() {
        let day = i as u32 + 1;
        match out.last_mut() {
            Some((_, last)) if f && *last + 1 == day => *last = day,
            _ if f => out.push((day, day)),
            _ => {}
        }
    }
    out
}

/// `day 3`, `days 11-19`, `days 2-4, 9`, `days 2-4, 9-10, ...` (at most two runs named).
fn days_text(runs: &[(u32, u32)]) -> String {
    let one = |&(a, b): &(u32, u32)| if a == b { a.to_string() } else { format!("{a}-{b}") };
    let named: Vec<String> = runs.iter().take(2).map(one).collect();
    let more = if runs.len() > 2 { ", ..." } else { "" };
    let plural = runs.len() > 1 || runs.first().is_some_and(|(a, b)| a != b);
    format!("{} {}{more}", if plural { "days" } else { "day" }, named.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_their_text() {
        assert_eq!(runs(&[true, true, false, true, false, false]), [(1, 2), (4, 4)]);
        assert_eq!(runs(&[]), []);
        assert_eq!(days_text(&[(3, 3)]), "day 3");
        assert_eq!(days_text(&[(11, 19)]), "days 11-19");
        assert_eq!(days_text(&[(2, 4), (9, 9), (12, 13)]), "days 2-4, 9, ...");
    }

    #[test]
    fn labels_say_what_the_rule_found() {
        let warm = WarmStatus::Warm { day: 11, below_high: vec![] };
        assert_eq!(warm.label("gmail"), "gmail: warm day 11");
        let dropped = WarmStatus::Warm { day: 1, below_high: vec![(11, 19)] };
        assert_eq!(dropped.label("gmail"), "gmail: warm day 1, below High days 11-19");
        let never = WarmStatus::NotWarm { high: vec![], n_days: 40 };
        assert_eq!(never.label("apple"), "apple: not warm (never High)");
        let briefly = WarmStatus::NotWarm { high: vec![(1, 4)], n_days: 40 };
        assert_eq!(briefly.label("apple"), "apple: not warm (High days 1-4 only, under 7)");
        let throttled = WarmStatus::NotWarm { high: vec![(1, 40)], n_days: 40 };
        assert_eq!(throttled.label("apple"), "apple: not warm (High days 1-40, but deferred or no mail)");
        assert!(rule_text("every dedicated IP").contains("7 days on which every dedicated IP is High"));
        assert!(rule_text("x").contains("under 1% of its attempts"));
    }
}
