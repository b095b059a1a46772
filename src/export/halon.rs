//! Halon's warm-up plugin (halon-extras/warmup) configuration for a plan:
//! `warmup.yaml`, the plugin's `config` for `smtpd-app.yaml` (schedules and
//! IPs), written as JSON, which is YAML too (so that a test validates it
//! against the plugin's own `warmup-app.schema.json` without a YAML parser).
//!
//! A schedule per provider and IP (class `ipwarm-PROVIDER-IP`, fields
//! `localip` and `remotemx: "#PROVIDER"`, a grouping of the provider's MX
//! hosts to define in `smtpd-policy.yaml`), `interval: 86400` (messages per
//! day), one entry per plan day: plugin day `d - 1` (its day 0 is the IP's
//! `added` date, the plan's day 1). The plugin treats `messages: 0` and days
//! past the last as no limit, so a day the plan sends nothing is written as
//! one message, and the plan ends with its last day.

use serde_json::{Value, json};

use super::kumomta::mx_suffixes;
use super::plan::PlanSchedule;

/// The fewest messages a schedule day can hold: the plugin reads 0 as no limit.
pub const ZERO_DAY_MESSAGES: u64 = 1;

/// The class of provider `provider`'s schedule on IP `ip`.
pub fn class_name(provider: &str, ip: &str) -> String {
    format!("ipwarm-{provider}-{ip}")
}

/// The plugin's `config` object: `schedules` and `ips`, for the providers whose MX hosts are known.
pub fn halon_config(plan: &PlanSchedule) -> Value {
    let mut schedules = Vec::new();
    let mut ips = Vec::new();
    for (p, provider) in plan.providers.iter().enumerate() {
        if mx_suffixes(provider).is_empty() {
            continue;
        }
        for ip in plan.sending_ips() {
            let class = class_name(provider, &plan.ips[ip].label);
            let days: Vec<Value> = plan
                .days
                .iter()
                .enumerate()
                .map(|(d, volumes)| json!({ "day": d, "messages": volumes[ip][p].max(ZERO_DAY_MESSAGES) }))
                .collect();
            schedules.push(json!({
                "class": class,
                "fields": ["localip", { "remotemx": format!("#{provider}") }],
                "interval": 86_400,
                "schedule": days,
            }));
            let address = plan.ips[ip].address.clone().unwrap_or_else(|| plan.ips[ip].label.clone());
            ips.push(json!({ "ip": address, "class": class, "added": plan.start_date.to_string() }));
        }
    }
    json!({ "schedules": schedules, "ips": ips })
}

/// `warmup.yaml`: comments, then the plugin entry as JSON (valid YAML).
pub fn halon_yaml(plan: &PlanSchedule) -> String {
    let mut out = format!(
        "# ipwarm export for Halon's warm-up plugin (halon-extras/warmup): scenario `{}`, strategy {}, seed {},\n\
         # day 1 = {} (each IP's `added`). Merge into smtpd-app.yaml. One class per provider and IP, messages/day.\n",
        plan.scenario,
        plan.strategy,
        crate::engine::seed_text(plan.seed),
        plan.start_date
    );
    if plan.adaptive {
        out.push_str("# The strategy adapts to what it observes: this is its plan in one simulated run.\n");
    }
    out.push_str("# Define each provider's MX grouping in smtpd-policy.yaml, e.g.\n#   - fields:\n#     - localip\n#     - remotemx:\n");
    for provider in &plan.providers {
        let suffixes = mx_suffixes(provider);
        if suffixes.is_empty() {
            out.push_str(&format!("#   (provider `{provider}`: no MX hosts known, its plan is not in this file)\n"));
            continue;
        }
        let patterns: Vec<String> = suffixes.iter().map(|s| format!("'*{s}'")).collect();
        out.push_str(&format!("#         {provider}: [{}]\n", patterns.join(", ")));
    }
    if plan.ips.iter().any(|ip| ip.address.is_none()) {
        out.push_str("# The scenario gives no address for some IPs: their `ip` is the scenario's name, replace it.\n");
    }
    out.push_str(&format!(
        "# A day with no planned mail holds {ZERO_DAY_MESSAGES} message (the plugin reads 0 as no limit); after the\n\
         # last day the plugin applies no limit.\n"
    ));
    let doc = json!({ "plugins": [ { "id": "warmup", "config": halon_config(plan) } ] });
    out.push_str(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    out.push('\n');
    out
}
