//! Google Postmaster Tools v1 `TrafficStats`, one JSON object per line: for
//! each day and each provider publishing Postmaster Tools, the IPs with a
//! published reputation grouped by category in `ipReputations` (every IP
//! listed in `sampleIps`) and the domain's `userReportedSpamRatio`. Field names
//! follow the v1 discovery document (`gmailpostmastertools.v1.json`); the
//! domain is the sender's (`example.com`).

use std::io::{self, Write};

use serde::Serialize;

use super::Events;
use super::cells::SENDER_DOMAIN;
use crate::model::Published;
use crate::observed::{CivilDate, ObservedRow};

/// The reputation categories, in the order written.
const CATEGORIES: [&str; 4] = ["HIGH", "MEDIUM", "LOW", "BAD"];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TrafficStats<'a> {
    name: String,
    ip_reputations: Vec<IpReputation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_reported_spam_ratio: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IpReputation<'a> {
    reputation: &'static str,
    ip_count: String,
    sample_ips: Vec<&'a str>,
}

/// Groups of rows with a Postmaster reputation: same date and provider, in row order.
fn groups(events: &Events) -> Vec<Vec<&ObservedRow>> {
    let mut groups: Vec<Vec<&ObservedRow>> = Vec::new();
    for (row, _) in events.published_rows(Published::PostmasterTools) {
        match groups.last_mut() {
            Some(g) if g[0].date == row.date && g[0].provider == row.provider => g.push(row),
            _ => groups.push(vec![row]),
        }
    }
    groups
}

/// Records written: one per (day, provider) with a published reputation.
pub fn record_count(events: &Events) -> u64 {
    let mut n = 0;
    let mut last: Option<(CivilDate, &str)> = None;
    for (row, _) in events.published_rows(Published::PostmasterTools) {
        let key = (row.date, row.provider.as_str());
        if last != Some(key) {
            n += 1;
            last = Some(key);
        }
    }
    n
}

/// Writes one `TrafficStats` per day and Postmaster provider.
pub fn write(events: &Events, out: &mut impl Write) -> io::Result<()> {
    for group in groups(events) {
        let (y, m, d) = group[0].date.ymd();
        let ip_reputations = CATEGORIES
            .into_iter()
            .filter_map(|category| {
                let ips: Vec<&str> =
                    group.iter().filter(|r| r.reputation.as_deref() == Some(category)).map(|r| r.ip.as_str()).collect();
                (!ips.is_empty()).then(|| IpReputation {
                    reputation: category,
                    ip_count: ips.len().to_string(),
                    sample_ips: ips,
                })
            })
            .collect();
        let stats = TrafficStats {
            name: format!("domains/{SENDER_DOMAIN}/trafficStats/{y:04}{m:02}{d:02}"),
            ip_reputations,
            user_reported_spam_ratio: group.iter().find_map(|r| r.spam_rate),
        };
        serde_json::to_writer(&mut *out, &stats)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
