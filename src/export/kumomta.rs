//! KumoMTA traffic shaping files for a plan: one shaping file per plan day
//! (KumoMTA's shaping data is static, so the day's file is loaded each day),
//! `sources.toml` for the `sources.lua` policy helper, and a README.
//!
//! Each day's file caps, per provider and egress source (a scenario IP), the
//! messages the source may be selected for: `provider_source_selection_rate =
//! "N/Hh,max_burst=B"`, the day's planned messages over the `H` sending hours,
//! spread hour by hour (`B` = an hour's share) as ipwarm spreads a day's mail.
//! A strategy with health rules gets automation rules in each day's file: its
//! back-offs (a share of an hour's mail blocked, or deferred) as a
//! `max_message_rate` cut on the offending source. Formats: KumoMTA's
//! `crates/kumo-api-types/src/shaping.rs` (keys) and `crates/throttle` (rates);
//! docs/OPTIMIZE.md, section "Export".

use std::fmt::Write as _;

use super::plan::PlanSchedule;
use crate::observed::providers::BUILTIN_MX;

/// The smallest daily rate KumoMTA accepts: its throttle parser refuses a limit of 0, so a day on
/// which the plan sends nothing from a source to a provider is written as this.
pub const ZERO_DAY_RATE: u64 = 1;

/// The MX host suffixes of `provider` KumoMTA can match it by (`MXSuffix`), from ipwarm's
/// built-in provider table; empty for a provider it has none for (`other`, a custom name).
pub fn mx_suffixes(provider: &str) -> Vec<&'static str> {
    BUILTIN_MX.iter().filter(|(_, p)| *p == provider).map(|(suffix, _)| *suffix).collect()
}

/// The name of day `day`'s shaping file.
pub fn shaping_file_name(day: usize) -> String {
    format!("shaping-day-{day:03}.toml")
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The throttle spec of `messages` a day sent over `hours` hours, spread hour by hour.
pub fn daily_rate(messages: u64, hours: u32) -> String {
    let hours = hours.max(1);
    let limit = messages.max(ZERO_DAY_RATE);
    let burst = limit.div_ceil(u64::from(hours)).max(1);
    let period = if hours == 24 { "d".to_string() } else { format!("{hours}h") };
    format!("{limit}/{period},max_burst={burst}")
}

/// Every file of the KumoMTA export: (file name, text), the shaping files in day order.
pub fn kumomta_files(plan: &PlanSchedule) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> =
        (1..=plan.days.len()).map(|day| (shaping_file_name(day), shaping_day(plan, day))).collect();
    files.push(("sources.toml".to_string(), sources(plan)));
    files.push(("README.txt".to_string(), readme(plan)));
    files
}

/// The shaping file of day `day` (1-based).
pub fn shaping_day(plan: &PlanSchedule, day: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# ipwarm export, KumoMTA traffic shaping: plan day {day} of {} ({}), scenario `{}`, strategy {}, seed {}.",
        plan.days.len(),
        plan.date(day),
        plan.scenario,
        plan.strategy,
        crate::engine::seed_text(plan.seed)
    );
    if plan.adaptive {
        out.push_str("# The strategy adapts to what it observes: these volumes are its plan in one simulated run.\n");
    }
    if !plan.sending[day - 1] {
        out.push_str("# Not a sending day of the scenario's calendar: inject no new mail today.\n");
    }
    out.push_str("# Load it after your base shaping files, on this day only (README.txt).\n");
    let ips = plan.sending_ips();
    for (p, provider) in plan.providers.iter().enumerate() {
        let suffixes = mx_suffixes(provider);
        if suffixes.is_empty() {
            let planned: Vec<String> =
                ips.iter().map(|&ip| format!("{} {}", plan.ips[ip].label, plan.days[day - 1][ip][p])).collect();
            let _ = writeln!(
                out,
                "\n# provider `{provider}`: no MX host suffix is known for it, so its plan ({}) is not enforced here;\n\
                 # add a [provider.{}] block with its `match` to enforce it.",
                planned.join(", "),
                quoted(provider)
            );
            continue;
        }
        let key = quoted(provider);
        let matches: Vec<String> = suffixes.iter().map(|s| format!("{{MXSuffix = {}}}", quoted(s))).collect();
        let _ = write!(out, "\n[provider.{key}]\nmatch = [{}]\n", matches.join(", "));
        for &ip in &ips {
            let messages = plan.days[day - 1][ip][p];
            let _ = write!(
                out,
                "\n# {messages} messages planned\n[provider.{key}.sources.{}]\nprovider_source_selection_rate = {}\n",
                quoted(&plan.ips[ip].label),
                quoted(&daily_rate(messages, plan.active_hours))
            );
        }
        out.push_str(&automation(plan, day, p, &key));
    }
    out
}

/// The automation rules of provider `p` on day `day`: the strategy's back-offs, if it has health rules.
fn automation(plan: &PlanSchedule, day: usize, p: usize, key: &str) -> String {
    let Some(rules) = plan.rules else { return String::new() };
    let replies = &plan.replies[p];
    let hours = u64::from(plan.active_hours.max(1));
    let busiest = plan.days[day - 1].iter().map(|row| row[p]).max().unwrap_or(0);
    if busiest == 0 {
        return String::new();
    }
    let per_hour = busiest.div_ceil(hours);
    let cut = ((per_hour as f64) * rules.cut_factor).floor().max(1.0) as u64;
    let mut out = String::new();
    let mut codes = vec![replies.block.as_str()];
    if replies.escalation != replies.block {
        codes.push(&replies.escalation);
    }
    let backoffs = [
        ("blocks", codes, rules.backoff_block_rate),
        ("deferrals", vec![replies.defer.as_str()], rules.backoff_deferral_rate),
    ];
    for (what, codes, rate) in backoffs {
        let threshold = ((per_hour as f64) * rate).ceil().max(1.0) as u64;
        let regex: Vec<String> = codes.iter().map(|c| quoted(&format!("^{}", regex_escape(c)))).collect();
        let _ = write!(
            out,
            "\n# back off: {what} reach {:.1}% of an hour's mail ({threshold} of {per_hour}): cut the source to \
             cut_factor {} of it\n[[provider.{key}.automation]]\nregex = [{}]\naction = {{SetConfig = {{name = \
             \"max_message_rate\", value = {}}}}}\ntrigger = {{Threshold = {}}}\nduration = \"24 hours\"\n",
            rate * 100.0,
            rules.cut_factor,
            regex.join(", "),
            quoted(&format!("{cut}/h")),
            quoted(&format!("{threshold}/h"))
        );
    }
    out
}

/// `text` with the characters special in a regex escaped.
fn regex_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `sources.toml` for KumoMTA's `sources.lua` helper: a source per sending IP, in one pool.
fn sources(plan: &PlanSchedule) -> String {
    let mut out = format!(
        "# ipwarm export: the sending IPs of scenario `{}` as KumoMTA egress sources (policy-extras sources.lua),\n\
         # named as the shaping files name them, in one pool `ipwarm`.\n",
        plan.scenario
    );
    let ips = plan.sending_ips();
    for &ip in &ips {
        let ip = &plan.ips[ip];
        let _ = write!(out, "\n[source.{}]\n", quoted(&ip.label));
        match &ip.address {
            Some(address) => {
                let _ = writeln!(out, "source_address = {}", quoted(address));
            }
            None => out.push_str("# the scenario gives no address: set source_address\n"),
        }
    }
    out.push_str("\n[pool.\"ipwarm\"]\n");
    for &ip in &ips {
        let _ = writeln!(out, "[pool.\"ipwarm\".{}]", quoted(&plan.ips[ip].label));
    }
    out
}

/// `README.txt`: what the files are and how to load them day by day.
fn readme(plan: &PlanSchedule) -> String {
    let last = shaping_file_name(plan.days.len());
    let mut out = format!(
        "ipwarm export for KumoMTA: scenario `{}`, strategy {}, seed {}, day 1 = {}.\n\n\
         shaping-day-001.toml .. {last}: the traffic shaping of each plan day. KumoMTA's shaping data is static,\n\
         so load each day's file on its day: list a fixed path after your base shaping files, for example\n\n\
         \x20 local shaper = shaping:setup_with_automation {{\n\
         \x20   publish = {{ 'http://127.0.0.1:8008' }},\n\
         \x20   subscribe = {{ 'http://127.0.0.1:8008' }},\n\
         \x20   extra_files = {{ '/opt/kumomta/etc/policy/shaping.toml', '/opt/kumomta/etc/policy/ipwarm-today.toml' }},\n\
         \x20 }}\n\n\
         and point that path at the day's file every day before sending starts (a cron job:\n\
         ln -sf shaping-day-NNN.toml ipwarm-today.toml); KumoMTA re-reads shaping files within minutes. Give the\n\
         same list to kumo-tsa-daemon, which runs the automation rules.\n\n\
         Each [provider.\"NAME\".sources.\"IP\"] caps how many messages that IP is selected for at that provider:\n\
         provider_source_selection_rate = \"N/Hh,max_burst=B\" is the day's N planned messages over the H = {}\n\
         sending hours, B an hour's share. A source whose cap is spent is skipped for the pool's next source.\n\
         A day the plan sends nothing is written as a cap of {ZERO_DAY_RATE} (KumoMTA refuses a limit of 0).\n\n\
         sources.toml: the IPs as egress sources for policy-extras sources.lua (set source_address where missing).\n",
        plan.scenario,
        plan.strategy,
        crate::engine::seed_text(plan.seed),
        plan.start_date,
        plan.active_hours,
    );
    if let Some(rules) = plan.rules {
        let _ = write!(
            out,
            "\nThe strategy adapts to what it observes; its plan here is the one it made in one simulated run.\n\
             Its back-offs are automation rules in each day's file. Its holds cannot be rules: do not move on to\n\
             the next day's file (load the same day's again) after a day on which, at a provider,\n\
             - 4xx deferrals exceeded {:.1}% of attempts, or\n\
             - delivered / (delivered + blocked + bounced + expired) was {:.1}% or less, or\n\
             - hard bounces exceeded {:.1}% or complaints {:.3}% of accepted mail, or opens fell below {:.1}%\n\
             (deferrals judged on the last day, the rest over the last {} days).\n",
            rules.max_deferral_rate * 100.0,
            rules.min_delivery_rate * 100.0,
            rules.max_bounce_rate * 100.0,
            rules.max_complaint_rate * 100.0,
            rules.min_open_rate * 100.0,
            rules.window_days
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_spread_a_day_over_the_sending_hours_and_never_say_zero() {
        assert_eq!(daily_rate(1125, 12), "1125/12h,max_burst=94");
        assert_eq!(daily_rate(48, 24), "48/d,max_burst=2");
        assert_eq!(daily_rate(0, 12), "1/12h,max_burst=1");
        assert_eq!(regex_escape("553 5.7.2 [TSS09]"), "553 5\\.7\\.2 \\[TSS09\\]");
        assert_eq!(mx_suffixes("microsoft"), [".protection.outlook.com"]);
        assert!(mx_suffixes("other").is_empty());
    }
}
