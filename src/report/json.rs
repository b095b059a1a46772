//! `summary.json`: run metadata, totals, rates and per-provider results.

use std::io::Write;

use serde::Serialize;

use super::ReportError;
use super::aggregate::{Aggregates, complaint_rate, deferral_rate, inbox_rate, name_of};
use crate::sim::{Counts, ReputationLevel, RunResult};

/// The whole summary; fields serialise in declaration order.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    ipwarm_version: &'static str,
    scenario: &'a str,
    scenario_file: Option<&'a str>,
    strategy: StrategySummary,
    #[serde(with = "crate::engine::seed_as_text")]
    seed: u64,
    horizon_days: u32,
    totals: Totals,
    providers: Vec<ProviderSummary>,
    ips: Vec<IpSummary<'a>>,
    warnings: Vec<WarningSummary>,
}

/// The strategy that ran: its kind, the preset it came from (if any) and both in one label.
#[derive(Debug, Serialize)]
struct StrategySummary {
    kind: &'static str,
    preset: Option<String>,
    label: String,
}

/// One warning: a shared pool that carried more of the sender's mail than its own volume.
#[derive(Debug, Serialize)]
struct WarningSummary {
    kind: &'static str,
    ip: String,
    provider: String,
    first_day: u32,
    days: u32,
    peak_sent_per_day: u64,
    pool_daily_volume: f64,
    message: String,
}

/// Every [`Counts`] field (its own names, in its order), the queue left at the
/// end and the three rates.
#[derive(Debug, Serialize)]
struct Totals {
    #[serde(flatten)]
    counts: Counts,
    queued_at_end: u64,
    inbox_rate: Option<f64>,
    complaint_rate: Option<f64>,
    deferral_rate: Option<f64>,
}

impl Totals {
    fn new(c: &Counts, queued_at_end: u64) -> Self {
        Self {
            counts: *c,
            queued_at_end,
            inbox_rate: inbox_rate(c),
            complaint_rate: complaint_rate(c),
            deferral_rate: deferral_rate(c),
        }
    }
}

/// One provider's results.
#[derive(Debug, Serialize)]
struct ProviderSummary {
    name: String,
    warm_day: Option<u32>,
    share_of_sent: f64,
    totals: Totals,
    final_reputation: Option<f64>,
    final_level: Option<&'static str>,
    #[serde(skip_serializing_if = "DrawnParameters::is_empty")]
    drawn_parameters: DrawnParameters,
}

/// The parameters drawn for a provider in this run, written as an object
/// `{ key: value }` in registry order (absent when none was drawn).
#[derive(Debug)]
struct DrawnParameters(Vec<(&'static str, f64)>);

impl DrawnParameters {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for DrawnParameters {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// One IP.
#[derive(Debug, Serialize)]
struct IpSummary<'a> {
    name: &'a str,
    dedicated: bool,
}

fn build<'a>(result: &'a RunResult, scenario_file: Option<&'a str>) -> Summary<'a> {
    let agg = Aggregates::new(result);
    let providers = (0..agg.n_providers)
        .map(|p| {
            let final_reputation = agg.final_reputation(p);
            ProviderSummary {
                name: name_of(&result.provider_names, p).into_owned(),
                warm_day: result.warm_day.get(p).copied().flatten(),
                share_of_sent: agg.provider_share(p, result.totals.sent),
                totals: Totals::new(&agg.provider_totals(p), agg.provider_queued_at_end(p)),
                final_reputation,
                final_level: final_reputation.map(|s| ReputationLevel::from_score(s).as_str()),
                drawn_parameters: DrawnParameters(
                    result.drawn_parameters.iter().filter(|d| d.provider == p).map(|d| (d.key, d.value)).collect(),
                ),
            }
        })
        .collect();
    let ips = result
        .ip_names
        .iter()
        .enumerate()
        .map(|(i, name)| IpSummary { name, dedicated: result.ip_dedicated.get(i).copied().unwrap_or(false) })
        .collect();
    Summary {
        ipwarm_version: crate::VERSION,
        scenario: &result.scenario,
        scenario_file,
        strategy: StrategySummary {
            kind: result.strategy.kind.name(),
            preset: result.strategy.preset.clone(),
            label: result.strategy.label(),
        },
        seed: result.seed,
        horizon_days: result.horizon_days,
        totals: Totals::new(&result.totals, result.queued_at_end),
        providers,
        ips,
        warnings: result
            .pool_overloads
            .iter()
            .map(|o| WarningSummary {
                kind: "shared_pool_overload",
                ip: name_of(&result.ip_names, o.ip).into_owned(),
                provider: name_of(&result.provider_names, o.provider).into_owned(),
                first_day: o.first_day,
                days: o.days,
                peak_sent_per_day: o.peak_sent_per_day,
                pool_daily_volume: o.pool_daily_volume,
                message: super::warnings::pool_overload(result, o),
            })
            .collect(),
    }
}

/// The summary of `result` as JSON; `scenario_file` is the path of the scenario
/// it came from, if any (written as `null` otherwise).
///
/// Fields: `ipwarm_version`, `scenario` (name), `scenario_file`, `strategy`,
/// `seed`, `horizon_days`, `totals`, `providers`, `ips` and `warnings`.
///
/// `strategy` is the strategy that ran: `{ kind, preset, label }`, `preset`
/// being `null` unless the strategy is a preset, and `label` the two in one
/// (`exponential`, `preset ses_auto (auto_blend)`), as chart titles show it.
/// `seed` is text, `0x` and hex digits ([`crate::engine::seed_text`]), so that
/// no JSON reader rounds a seed above 2^53.
///
/// `totals` has every [`Counts`] field, `queued_at_end` and three rates, each
/// `null` when its denominator is zero:
/// - `inbox_rate` = `inbox / sent` (see [`inbox_rate`]);
/// - `complaint_rate` = `complaints / inbox` (see [`complaint_rate`]);
/// - `deferral_rate` = `deferred / (inbox + junk + deferred + blocked + bounced)`, 4xx replies
///   per delivery attempt (see [`deferral_rate`]).
///
/// `providers` lists, in provider order, objects with `name`, `warm_day` (1-based
/// day or `null`), `share_of_sent` (fraction of all sent mail), `totals` (same
/// fields, `queued_at_end` being the provider's queue at the end of the last
/// day), and `final_reputation` / `final_level`: the reputation on the last day,
/// averaged over the dedicated IPs (over all IPs if none is dedicated), or `null`
/// without records; and, when the provider has parameters given as distributions,
/// `drawn_parameters`: `{ key: value }` of the values drawn for this run, in
/// registry order (absent otherwise). `ips` lists `{ name, dedicated }` in IP order. `warnings` is
/// usually empty; it lists each shared pool and provider where the sender's mail
/// exceeded the pool's own volume, a run outside the model's domain (see
/// [`crate::sim::domain`]): `{ kind: "shared_pool_overload", ip, provider,
/// first_day, days, peak_sent_per_day, pool_daily_volume, message }`, the message
/// being the sentence [`super::warnings`] gives.
///
/// Object keys of the returned [`serde_json::Value`] are ordered as
/// `serde_json`'s map orders them; [`write_summary_json`] writes them in the
/// order above.
pub fn summary_json(result: &RunResult, scenario_file: Option<&str>) -> serde_json::Value {
    // Serialising these plain structs into a Value cannot fail (all keys are strings).
    serde_json::to_value(build(result, scenario_file)).unwrap_or(serde_json::Value::Null)
}

/// Writes [`summary_json`] to `w`, pretty-printed with a final newline and the
/// keys in a fixed order (the same result always gives the same bytes).
pub fn write_summary_json<W: Write>(
    result: &RunResult,
    scenario_file: Option<&str>,
    mut w: W,
) -> Result<(), ReportError> {
    serde_json::to_writer_pretty(&mut w, &build(result, scenario_file))?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;
    use serde_json::Value;

    #[test]
    fn top_level_fields() {
        let result = testdata::small();
        let v = summary_json(&result, Some("scenarios/small.toml"));
        assert_eq!(v["ipwarm_version"], crate::VERSION);
        assert_eq!(v["scenario"], "small test");
        assert_eq!(v["scenario_file"], "scenarios/small.toml");
        assert_eq!(v["seed"], "0x7");
        assert_eq!(v["strategy"], serde_json::json!({"kind": "exponential", "preset": null, "label": "exponential"}));
        let preset = summary_json(&testdata::realistic(), None)["strategy"].clone();
        let label = "preset kumo_conservative (schedule)";
        assert_eq!(preset, serde_json::json!({"kind": "schedule", "preset": "kumo_conservative", "label": label}));
        assert_eq!(v["horizon_days"], 10);
        let t = &v["totals"];
        for key in [
            "sent",
            "inbox",
            "junk",
            "deferred",
            "bounced",
            "blocked",
            "expired",
            "complaints",
            "fbl_complaints",
            "opens",
            "trap_hits",
            "queued_at_end",
            "inbox_rate",
            "complaint_rate",
            "deferral_rate",
        ] {
            assert!(t.get(key).is_some(), "totals.{key} missing");
        }
        assert_eq!(t["sent"], result.totals.sent);
        assert_eq!(t["queued_at_end"], result.queued_at_end);
        let expected = result.totals.inbox as f64 / result.totals.sent as f64;
        assert_eq!(t["inbox_rate"].as_f64(), Some(expected));
        assert_eq!(v["ips"][0]["name"], "ip-a");
        assert_eq!(v["ips"][0]["dedicated"], true);
        assert_eq!(v["ips"][1]["dedicated"], false);
    }

    #[test]
    fn warnings_empty_unless_a_pool_is_overloaded_then_each_with_its_figures_and_message() {
        let mut result = testdata::small();
        assert_eq!(summary_json(&result, None)["warnings"], serde_json::json!([]));
        result.pool_overloads.push(crate::sim::PoolOverload {
            ip: 1,
            provider: 0,
            first_day: 2,
            days: 5,
            peak_sent_per_day: 9000,
            pool_daily_volume: 800.0,
        });
        let w = &summary_json(&result, None)["warnings"];
        assert_eq!(w.as_array().map(Vec::len), Some(1));
        assert_eq!(w[0]["kind"], "shared_pool_overload");
        assert_eq!(w[0]["ip"], result.ip_names[1].as_str());
        assert_eq!(w[0]["provider"], result.provider_names[0].as_str());
        assert_eq!((w[0]["first_day"].as_u64(), w[0]["days"].as_u64()), (Some(2), Some(5)));
        assert_eq!((w[0]["peak_sent_per_day"].as_u64(), w[0]["pool_daily_volume"].as_f64()), (Some(9000), Some(800.0)));
        assert_eq!(w[0]["message"], crate::report::warnings(&result)[0].as_str());
    }

    #[test]
    fn scenario_file_null_when_absent() {
        let v = summary_json(&testdata::small(), None);
        assert_eq!(v["scenario_file"], Value::Null);
    }

    #[test]
    fn providers_in_order_with_warm_day_null_handling() {
        let result = testdata::small();
        let v = summary_json(&result, None);
        let providers = v["providers"].as_array().cloned().unwrap_or_default();
        assert_eq!(providers.len(), 3);
        let names: Vec<&str> = providers.iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ["gmail", "microsoft", "yahoo"]);
        assert_eq!(providers[0]["warm_day"], 6);
        assert_eq!(providers[1]["warm_day"], Value::Null);
        assert!(providers[1].get("warm_day").is_some());
        assert_eq!(providers[2]["warm_day"], 9);
        // Final reputation of the dedicated IP (ip-a) on day 10, provider 0.
        let rep = providers[0]["final_reputation"].as_f64().unwrap_or(f64::NAN);
        assert!((rep - 0.85).abs() < 1e-9);
        assert_eq!(providers[0]["final_level"], "High");
        let sent: u64 = providers.iter().filter_map(|p| p["totals"]["sent"].as_u64()).sum();
        assert_eq!(sent, result.totals.sent);
        let queued: u64 = providers.iter().filter_map(|p| p["totals"]["queued_at_end"].as_u64()).sum();
        assert_eq!(queued, result.queued_at_end);
    }

    #[test]
    fn zero_denominators_give_null_rates() {
        let mut result = testdata::small();
        result.records.clear();
        result.totals = Counts::default();
        result.warm_day = vec![None; 3];
        let v = summary_json(&result, None);
        assert_eq!(v["totals"]["inbox_rate"], Value::Null);
        assert_eq!(v["providers"][0]["final_reputation"], Value::Null);
        assert_eq!(v["providers"][0]["final_level"], Value::Null);
    }

    #[test]
    fn written_file_is_stable_and_ordered() {
        let result = testdata::small();
        let mut a = Vec::new();
        let mut b = Vec::new();
        assert!(write_summary_json(&result, Some("x.toml"), &mut a).is_ok());
        assert!(write_summary_json(&result, Some("x.toml"), &mut b).is_ok());
        assert_eq!(a, b);
        let text = String::from_utf8(a).unwrap_or_default();
        assert!(text.starts_with("{\n  \"ipwarm_version\""));
        assert!(text.ends_with("}\n"));
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(parsed["seed"], "0x7");
        assert_eq!(parsed["providers"][1]["warm_day"], Value::Null);
        assert_eq!(parsed["totals"]["sent"], result.totals.sent);
    }
}
