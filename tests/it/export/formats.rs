//! The formats of `ipwarm export`: the KumoMTA files use only keys KumoMTA's
//! `shaping.rs` accepts and rates its throttle parser accepts, and carry the
//! plan; the Halon configuration validates against the plugin's own schema
//! (`tests/data/halon-warmup/`) and carries the plan.

use std::fs;

use ipwarm::export;
use ipwarm::scenario;
use serde_json::Value;

use super::super::support::root;
use super::{provider_ramp, shipped_text};

/// What KumoMTA's throttle parser (`crates/throttle/src/lib.rs`, `ThrottleSpec::try_from`) accepts:
/// `[local:]LIMIT/[N]PERIOD[,max_burst=B]`, LIMIT > 0 with `_` or `,` separators allowed; returns
/// (limit, period in seconds, max_burst).
fn kumo_throttle(spec: &str) -> Result<(u64, u64, Option<u64>), String> {
    let number = |s: &str| {
        s.chars().filter(|c| *c != '_' && *c != ',').collect::<String>().parse::<u64>().map_err(|e| format!("{s}: {e}"))
    };
    let s = spec.strip_prefix("local:").unwrap_or(spec);
    let (s, burst) = match s.split_once(",max_burst=") {
        Some((s, b)) => (s, Some(number(b)?)),
        None => (s, None),
    };
    let (limit, period) = s.split_once('/').ok_or(format!("expected 'limit/period', got {s}"))?;
    let digits: String = period.chars().take_while(char::is_ascii_digit).collect();
    let scale = if digits.is_empty() { 1 } else { digits.parse::<u64>().map_err(|e| e.to_string())? };
    let unit = match &period[digits.len()..] {
        "h" | "hr" | "hour" => 3600,
        "m" | "min" | "minute" => 60,
        "s" | "sec" | "second" => 1,
        "d" | "day" => 86_400,
        other => return Err(format!("unknown period quantity {other}")),
    };
    let limit = number(limit)?;
    if limit == 0 {
        return Err("limit must be greater than 0".into());
    }
    Ok((limit, unit * scale, burst))
}

/// The keys shaping.rs's `ProviderEntry` takes besides `EgressPathConfig`'s, and the `EgressPathConfig`
/// keys ipwarm writes (checked by name against kumo-api-types' `egress_path.rs`).
const PROVIDER_KEYS: [&str; 7] = [
    "provider_connection_limit",
    "provider_max_message_rate",
    "match",
    "replace_base",
    "automation",
    "sources",
    "max_message_rate",
];
/// The keys of an automation `Rule` (shaping.rs).
const RULE_KEYS: [&str; 5] = ["regex", "action", "trigger", "duration", "match_internal"];

/// Checks one shaping file against shaping.rs's keys and the throttle grammar; returns per
/// (provider, source) the daily limit, for the plan's totals.
fn check_shaping(text: &str, file: &str) -> Vec<(String, String, u64)> {
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut limits = Vec::new();
    for (top, value) in &doc {
        assert_eq!(top, "provider", "{file}: only [provider.NAME] blocks (a top-level key is a domain to KumoMTA)");
        for (provider, entry) in value.as_table().unwrap() {
            let entry = entry.as_table().unwrap();
            for key in entry.keys() {
                assert!(PROVIDER_KEYS.contains(&key.as_str()), "{file}: provider.{provider}.{key}");
            }
            for m in entry["match"].as_array().unwrap() {
                let m = m.as_table().unwrap();
                assert_eq!(m.len(), 1);
                assert!(["MXSuffix", "DomainSuffix", "HostName"].contains(&m.keys().next().unwrap().as_str()));
            }
            for (source, table) in entry["sources"].as_table().unwrap() {
                let table = table.as_table().unwrap();
                assert_eq!(table.keys().collect::<Vec<_>>(), ["provider_source_selection_rate"], "{file}");
                let rate = table["provider_source_selection_rate"].as_str().unwrap();
                let (limit, period, burst) = kumo_throttle(rate).unwrap_or_else(|e| panic!("{file}: `{rate}`: {e}"));
                assert!(period <= 86_400 && burst.is_some_and(|b| b >= 1 && b <= limit), "{file}: {rate}");
                limits.push((provider.clone(), source.clone(), limit));
            }
            for rule in entry.get("automation").and_then(|a| a.as_array()).into_iter().flatten() {
                let rule = rule.as_table().unwrap();
                for key in rule.keys() {
                    assert!(RULE_KEYS.contains(&key.as_str()), "{file}: automation.{key}");
                }
                assert!(
                    rule["regex"].as_array().unwrap().iter().all(|r| r.as_str().is_some_and(|r| r.starts_with('^')))
                );
                let set = rule["action"]["SetConfig"].as_table().unwrap();
                assert_eq!(set["name"].as_str(), Some("max_message_rate"));
                kumo_throttle(set["value"].as_str().unwrap()).unwrap();
                kumo_throttle(rule["trigger"]["Threshold"].as_str().unwrap()).unwrap();
                assert_eq!(rule["duration"].as_str(), Some("24 hours"));
            }
        }
    }
    limits
}

#[test]
fn the_kumomta_files_use_only_what_kumomta_accepts_and_carry_the_plan() {
    assert_eq!(kumo_throttle("50/day,max_burst=1"), Ok((50, 86_400, Some(1))), "the grammar, as KumoMTA's own test");
    assert_eq!(kumo_throttle("1_0,0/hour"), Ok((100, 3600, None)));
    assert!(kumo_throttle("0/d").is_err() && kumo_throttle("100/our").is_err() && kumo_throttle("3/").is_err());
    for (name, adaptive) in [("clean_list", false), ("adaptive_too_fast", true)] {
        let sc = scenario::parse(&shipped_text(name), "plan.toml").unwrap();
        let plan = export::plan_schedule(&sc, 1).unwrap();
        assert_eq!(plan.adaptive, adaptive);
        let files = export::kumomta_files(&plan);
        assert_eq!(files.len(), plan.days.len() + 2, "a shaping file per day, sources.toml, README.txt");
        let mut automation = 0;
        for (day, (file, text)) in files.iter().take(plan.days.len()).enumerate() {
            assert_eq!(*file, format!("shaping-day-{:03}.toml", day + 1));
            automation += text.matches(".automation]]").count();
            for (provider, source, limit) in check_shaping(text, file) {
                let p = plan.providers.iter().position(|q| *q == provider).unwrap();
                let ip = plan.ips.iter().position(|i| i.label == source).unwrap();
                assert_eq!(limit, plan.days[day][ip][p].max(export::ZERO_DAY_RATE), "{file}: {provider} {source}");
            }
            // Every provider with known MX hosts is shaped; `other` is said not to be.
            assert!(text.contains("provider `other`: no MX host suffix is known"), "{file}");
        }
        assert_eq!(automation > 0, adaptive, "{name}: automation rules only for the health rules");
        let sources: toml::Table = toml::from_str(&files[plan.days.len()].1).unwrap();
        assert_eq!(sources.keys().collect::<Vec<_>>(), ["source", "pool"]);
    }
}

/// The plugin's own schema of its `smtpd-app.yaml` config, compiled.
fn halon_schema() -> (boon::Schemas, boon::SchemaIndex) {
    let path = root().join("tests/data/halon-warmup/warmup-app.schema.json");
    let json: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V7);
    compiler.add_resource("file:///warmup-app.schema.json", json).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("file:///warmup-app.schema.json", &mut schemas).unwrap();
    (schemas, index)
}

#[test]
fn the_halon_config_validates_against_the_plugins_schema_and_carries_the_plan() {
    let (schemas, index) = halon_schema();
    let sc = scenario::parse(&provider_ramp(), "ramp.toml").unwrap();
    let mut plan = export::plan_schedule(&sc, 1).unwrap();
    let date = |d: &str| ipwarm::observed::CivilDate::parse(d).unwrap();
    let refused = plan.set_start(date("2026-04-08")).unwrap_err();
    assert!(refused.contains("2026-04-08 is a Wednesday, but day 1 of the scenario's sending calendar is a Monday"));
    plan.set_start(date("2026-04-06")).unwrap();
    let yaml = export::halon_yaml(&plan);
    // YAML comments, then JSON (which is YAML): the document is the JSON after the comments.
    let json: String = yaml.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["plugins"][0]["id"], "warmup");
    let config = &doc["plugins"][0]["config"];
    schemas.validate(config, index).unwrap_or_else(|e| panic!("{e}"));
    let schedules = config["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 2, "microsoft and gmail on ip-1; `other` has no MX grouping");
    for s in schedules {
        assert_eq!(s["interval"], 86_400);
        let class = s["class"].as_str().unwrap();
        let p = plan.providers.iter().position(|q| class == export::class_name(q, &plan.ips[0].label)).unwrap();
        let days = s["schedule"].as_array().unwrap();
        assert_eq!(days.len(), plan.days.len());
        for (d, entry) in days.iter().enumerate() {
            assert_eq!(entry["day"], d, "plugin day 0 is plan day 1");
            assert_eq!(entry["messages"], plan.days[d][0][p].max(export::ZERO_DAY_MESSAGES), "{class} day {d}");
        }
    }
    assert_eq!(config["ips"][0]["added"], "2026-04-06");
    // The check can fail: a key the plugin does not take is refused.
    let mut broken = config.clone();
    broken["schedules"][0]["rate"] = Value::from(5);
    assert!(schemas.validate(&broken, index).is_err());
}
