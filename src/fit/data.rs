//! Observed rows laid out on the scenario: days from the first date, each row's IP and
//! provider found in the scenario, and the volumes the sender sent (to replay them).
//!
//! Day 1 is the earliest date of the data and the last day its latest date; a day without
//! rows is a day without data (not a day without mail). Rows of a provider the scenario does
//! not have cannot be simulated: they are left out, with a note. An IP the scenario does not
//! have is an error (the scenario should describe the sender's IPs: `address` or `name`).

use crate::observed::{CivilDate, ObservedRow, match_ip};
use crate::scenario::Scenario;

/// Most days of data a fit takes (the longest horizon a scenario may have).
pub const MAX_DAYS: u32 = 365;

/// Observed data laid out on a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedData {
    /// The date of day 1.
    pub start: CivilDate,
    /// Days from the first to the last date, both included.
    pub n_days: u32,
    /// The scenario's providers with rows, by index, in scenario order.
    pub providers: Vec<usize>,
    /// The rows kept (providers of the scenario), with their IP's scenario index.
    pub rows: Vec<(ObservedRow, usize)>,
    /// New messages sent, `[day − 1][ip][provider]`, if every row kept gives `sent`.
    pub volumes: Option<Vec<Vec<Vec<u64>>>>,
    /// What was left out or assumed, for the user.
    pub notes: Vec<String>,
}

impl ObservedData {
    /// Day (1-based) of `date`.
    pub fn day_of(&self, date: CivilDate) -> i64 {
        date.days_after(self.start) + 1
    }
}

/// Lays `rows` out on `scenario`; every problem as a message.
pub fn lay_out(rows: &[ObservedRow], scenario: &Scenario) -> Result<ObservedData, Vec<String>> {
    let (Some(first), Some(last)) = (rows.iter().map(|r| r.date).min(), rows.iter().map(|r| r.date).max()) else {
        return Err(vec!["the observed data have no rows".to_string()]);
    };
    let span = last.days_after(first) + 1;
    let mut problems = Vec::new();
    if span > i64::from(MAX_DAYS) {
        problems
            .push(format!("the observed data span {span} days ({first} to {last}); a fit takes at most {MAX_DAYS}"));
    }
    let names: Vec<&str> = scenario.providers.iter().map(|p| p.name.as_str()).collect();
    let mut kept = Vec::new();
    let mut unknown_providers: Vec<&str> = Vec::new();
    let mut unknown_ips: Vec<&str> = Vec::new();
    for row in rows {
        let Some(provider) = names.iter().position(|n| *n == row.provider) else {
            if !unknown_providers.contains(&row.provider.as_str()) {
                unknown_providers.push(&row.provider);
            }
            continue;
        };
        match match_ip(&scenario.ips, &row.ip) {
            Some(ip) => kept.push((row.clone(), ip, provider)),
            None if !unknown_ips.contains(&row.ip.as_str()) => unknown_ips.push(&row.ip),
            None => {}
        }
    }
    for ip in &unknown_ips {
        let known: Vec<String> = scenario
            .ips
            .iter()
            .enumerate()
            .map(|(i, spec)| format!("{} ({})", spec.name, crate::observed::ip_label(spec, i)))
            .collect();
        problems.push(format!(
            "IP `{ip}` of the observed data is none of the scenario's IPs, named or addressed {}: give the \
             scenario's IP this `name` or `address`",
            known.join(", ")
        ));
    }
    if kept.is_empty() && problems.is_empty() {
        problems.push(format!(
            "no observed row is of a provider of the scenario ({}); the data have {}",
            names.join(", "),
            unknown_providers.join(", ")
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut notes = Vec::new();
    if !unknown_providers.is_empty() {
        notes.push(format!(
            "rows of providers the scenario does not have were left out: {}",
            unknown_providers.join(", ")
        ));
    }
    let n_days = span as u32;
    let mut providers: Vec<usize> = kept.iter().map(|(_, _, p)| *p).collect();
    providers.sort_unstable();
    providers.dedup();
    let volumes = if kept.iter().all(|(r, _, _)| r.sent.is_some()) {
        let mut v = vec![vec![vec![0u64; scenario.providers.len()]; scenario.ips.len()]; n_days as usize];
        for (row, ip, provider) in &kept {
            let day = row.date.days_after(first) as usize;
            v[day][*ip][*provider] += row.sent.unwrap_or(0);
        }
        Some(v)
    } else {
        notes.push(
            "some rows do not give `sent`: the runs send what the scenario's strategy plans, not the observed volumes"
                .to_string(),
        );
        None
    };
    let rows = kept.into_iter().map(|(row, ip, _)| (row, ip)).collect();
    Ok(ObservedData { start: first, n_days, providers, rows, volumes, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(date: &str, provider: &str, ip: &str, sent: Option<u64>) -> ObservedRow {
        ObservedRow {
            date: CivilDate::parse(date).expect("date"),
            provider: provider.into(),
            ip: ip.into(),
            sent,
            ..ObservedRow::default()
        }
    }

    #[test]
    fn rows_are_laid_out_by_day_ip_and_provider() {
        let scenario = crate::scenario::default_scenario().expect("default");
        let rows = [
            row("2025-03-01", "gmail", "new-1", Some(10)),
            row("2025-03-03", "microsoft", "198.51.100.2", Some(5)),
            row("2025-03-03", "gmx", "new-1", Some(7)),
        ];
        let data = lay_out(&rows, &scenario).expect("valid");
        assert_eq!((data.n_days, data.providers.clone()), (3, vec![0, 1]));
        let v = data.volumes.as_ref().expect("sent everywhere");
        assert_eq!((v[0][0][0], v[2][1][1], v[1][0][0]), (10, 5, 0));
        assert_eq!(data.notes.len(), 1, "{:?}", data.notes);
        assert_eq!(data.day_of(CivilDate::parse("2025-03-03").expect("date")), 3);
        let partial = [row("2025-03-01", "gmail", "new-1", None)];
        assert!(lay_out(&partial, &scenario).expect("valid").volumes.is_none());
    }

    #[test]
    fn unknown_ips_empty_data_and_long_spans_are_errors() {
        let scenario = crate::scenario::default_scenario().expect("default");
        let err = lay_out(&[row("2025-03-01", "gmail", "192.0.2.9", Some(1))], &scenario).expect_err("ip");
        assert!(err[0].contains("192.0.2.9") && err[0].contains("new-1 (198.51.100.1)"), "{err:?}");
        assert!(lay_out(&[], &scenario).is_err());
        let long = [row("2025-01-01", "gmail", "new-1", Some(1)), row("2026-06-01", "gmail", "new-1", Some(1))];
        assert!(lay_out(&long, &scenario).expect_err("long")[0].contains("at most 365"));
        let foreign = lay_out(&[row("2025-01-01", "gmx", "new-1", Some(1))], &scenario).expect_err("none");
        assert!(foreign[0].contains("gmx"), "{foreign:?}");
    }
}
