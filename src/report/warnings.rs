//! Warnings about a run, in words: the same text on the terminal and in
//! `summary.json`.

use super::aggregate::name_of;
use crate::sim::{PoolOverload, RunResult};

/// One warning per shared pool and provider where the sender's mail exceeded
/// the pool's own volume (see [`crate::sim::domain`]), in (IP, provider) order.
pub fn warnings(result: &RunResult) -> Vec<String> {
    result.pool_overloads.iter().map(|o| pool_overload(result, o)).collect()
}

/// The warning about one overloaded pool of `result`.
pub(super) fn pool_overload(result: &RunResult, o: &PoolOverload) -> String {
    format!(
        "shared pool `{ip}` at {provider}: the sender's mail (up to {peak} messages/day, on {days} of {horizon} days \
         from day {first}) exceeded the pool's own volume there ({pool} messages/day). The model assumes a pool \
         dominated by other tenants, so its results for this pool are out of scope: raise the pool's \
         daily_volume_per_provider or send this traffic from dedicated IPs.",
        ip = name_of(&result.ip_names, o.ip),
        provider = name_of(&result.provider_names, o.provider),
        peak = grouped(o.peak_sent_per_day),
        days = o.days,
        horizon = result.horizon_days,
        first = o.first_day,
        pool = grouped(o.pool_daily_volume.round() as u64),
    )
}

/// `4400000` -> `"4,400,000"`.
///
/// Hand-written rather than `num-format`: one fixed grouping for one message, in ten tested lines, where the
/// crate would add its table of every CLDR locale and `arrayvec` (and has had no release since 2022).
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [(0, "0"), (999, "999"), (1000, "1,000"), (500_000, "500,000"), (4_400_000, "4,400,000")];
        for (n, text) in cases {
            assert_eq!(grouped(n), text);
        }
    }

    #[test]
    fn one_line_per_overload_naming_the_pool_the_provider_and_the_figures() {
        let mut result = testdata::small();
        assert!(warnings(&result).is_empty());
        result.pool_overloads.push(PoolOverload {
            ip: 1,
            provider: 2,
            first_day: 3,
            days: 4,
            peak_sent_per_day: 12_345,
            pool_daily_volume: 5000.0,
        });
        let lines = warnings(&result);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        let ip = &result.ip_names[1];
        let provider = &result.provider_names[2];
        for part in [
            &format!("`{ip}` at {provider}"),
            "12,345 messages/day",
            "on 4 of 10 days from day 3",
            "(5,000 messages/day)",
        ] {
            assert!(line.contains(part), "{part:?} not in {line}");
        }
    }
}
