//! `[sending] days` and `start_weekday`: the sending calendar of a scenario,
//! validated into a [`Calendar`] (every problem located, weekday names with
//! suggestions), and its JSON Schema.
//!
//! ```toml
//! [sending]
//! days = "weekdays"                 # or "every_day" (default)
//! days = ["tue"]                    # weekday names, full or 3 letters, any case
//! days = { every_days = 7 }         # day 1, 8, 15, ...
//! days = { on = [1, 8, 15] }        # day numbers, 1-based
//! start_weekday = "wednesday"       # the weekday of day 1 (default "monday")
//! ```

use std::collections::BTreeMap;

use schemars::{Schema, SchemaGenerator, json_schema};

use super::check::Ctx;
use super::keys::{closest, list, unknown_key_message, value_kind};
use super::path::KeyPath;
use super::raw::RawSending;
use super::types::MAX_HORIZON_DAYS;
use crate::model::{Calendar, DaySet, SendingDays, Weekday, WeekdaySet};

/// The keys of the table form of `days`.
const TABLE_KEYS: [&str; 2] = ["every_days", "on"];
/// The words `days` takes as a string.
const WORDS: [&str; 2] = ["every_day", "weekdays"];
/// What `days` takes, for messages.
const EXPECTED: &str = "expected \"every_day\", \"weekdays\", a list of weekdays ([\"tue\"]), { every_days = N } or \
                        { on = [day, ...] }";

// Every day number a scenario accepts fits in a `DaySet`.
const _: () = assert!(MAX_HORIZON_DAYS <= DaySet::MAX_DAY);

/// The calendar of `[sending]` (at `path`), for a run of `horizon_days`; `None` if
/// any problem was recorded.
pub(crate) fn calendar(ctx: &mut Ctx<'_>, raw: &RawSending, path: &KeyPath, horizon_days: u32) -> Option<Calendar> {
    let start_path = path.key("start_weekday");
    let start_weekday = match ctx.get(&raw.start_weekday, &start_path) {
        None if raw.start_weekday.is_some() => None,
        None => Some(Weekday::Monday),
        Some(name) => weekday(ctx, &name, &start_path),
    };
    let days_path = path.key("days");
    let days = match ctx.get(&raw.days, &days_path) {
        None if raw.days.is_some() => None,
        None => Some(SendingDays::EveryDay),
        Some(value) => days(ctx, &value, &days_path, horizon_days),
    };
    Some(Calendar { days: days?, start_weekday: start_weekday? })
}

/// The weekday called `name` (at `path`), or a problem with a suggestion.
fn weekday(ctx: &mut Ctx<'_>, name: &str, path: &KeyPath) -> Option<Weekday> {
    let day = Weekday::from_name(name);
    if day.is_none() {
        ctx.report(path, unknown_weekday(name));
    }
    day
}

/// The message for `got`, which names no weekday.
fn unknown_weekday(got: &str) -> String {
    let names = Weekday::ALL.iter().flat_map(|d| [d.name(), d.short_name()]);
    match closest(&got.to_ascii_lowercase(), names) {
        Some(s) => format!("unknown weekday `{got}`, did you mean `{s}`?"),
        None => {
            let full: Vec<&str> = Weekday::ALL.iter().map(|d| d.name()).collect();
            format!("unknown weekday `{got}`, expected one of {} or their first three letters", list(&full))
        }
    }
}

/// `days`, any of its forms.
fn days(ctx: &mut Ctx<'_>, value: &toml::Value, path: &KeyPath, horizon_days: u32) -> Option<SendingDays> {
    match value {
        toml::Value::String(word) => match word.as_str() {
            "every_day" => Some(SendingDays::EveryDay),
            "weekdays" => Some(SendingDays::Weekdays(WeekdaySet::WORKING_WEEK)),
            other => {
                ctx.report(path, unknown_word(other));
                None
            }
        },
        toml::Value::Array(items) => weekdays(ctx, items, path),
        toml::Value::Table(table) => table_form(ctx, table, path, horizon_days),
        other => {
            ctx.report(path, format!("{EXPECTED}, got {}", value_kind(other)));
            None
        }
    }
}

/// The message for a string `days` that is neither word.
fn unknown_word(got: &str) -> String {
    if Weekday::from_name(got).is_some() {
        return format!("weekdays are given as a list: write `days = [\"{got}\"]`");
    }
    match closest(got, WORDS) {
        Some(s) => format!("unknown calendar `{got}`, did you mean `{s}`?"),
        None => format!("unknown calendar `{got}`, {EXPECTED}"),
    }
}

/// `days = ["mon", "thursday"]`: at least one weekday, each once.
fn weekdays(ctx: &mut Ctx<'_>, items: &[toml::Value], path: &KeyPath) -> Option<SendingDays> {
    if items.is_empty() {
        ctx.report(path, "must name at least one weekday");
        return None;
    }
    let mut seen: Vec<(Weekday, usize)> = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = path.index(i);
        let day = match item {
            toml::Value::String(name) => weekday(ctx, name, &at),
            toml::Value::Integer(_) => {
                ctx.report(&at, "expected a weekday name, got an integer: day numbers are `days = { on = [...] }`");
                None
            }
            other => {
                ctx.report(&at, format!("expected a weekday name, got {}", value_kind(other)));
                None
            }
        };
        match day {
            Some(d) => match seen.iter().find(|(s, _)| *s == d) {
                Some(&(_, first)) => {
                    ctx.report(&at, format!("{} listed twice, first at {}", d.name(), path.index(first)));
                    ok = false;
                }
                None => seen.push((d, i)),
            },
            None => ok = false,
        }
    }
    ok.then(|| SendingDays::Weekdays(WeekdaySet::of(seen.into_iter().map(|(d, _)| d))))
}

/// `days = { every_days = N }` or `days = { on = [...] }`.
fn table_form(
    ctx: &mut Ctx<'_>,
    table: &toml::map::Map<String, toml::Value>,
    path: &KeyPath,
    horizon_days: u32,
) -> Option<SendingDays> {
    let mut ok = true;
    for key in table.keys().filter(|k| !TABLE_KEYS.contains(&k.as_str())) {
        ctx.report_key(&path.key(key), unknown_key_message(key, &TABLE_KEYS));
        ok = false;
    }
    let days = match (table.get("every_days"), table.get("on")) {
        (Some(_), Some(_)) => {
            ctx.report(path, "give `every_days` or `on`, not both");
            None
        }
        (Some(n), None) => day_number(ctx, n, &path.key("every_days")).map(SendingDays::EveryDays),
        (None, Some(on)) => listed_days(ctx, on, &path.key("on"), horizon_days).map(SendingDays::On),
        (None, None) => {
            if ok {
                ctx.report(path, "expected `every_days = N` or `on = [day, ...]`");
            }
            None
        }
    };
    if ok { days } else { None }
}

/// An integer in `1..=MAX_HORIZON_DAYS` (a day number or a number of days).
fn day_number(ctx: &mut Ctx<'_>, value: &toml::Value, path: &KeyPath) -> Option<u32> {
    let toml::Value::Integer(n) = value else {
        ctx.report(path, format!("expected an integer, got {}", value_kind(value)));
        return None;
    };
    let n = ctx.check_int(*n, path, 1, i64::from(MAX_HORIZON_DAYS))?;
    u32::try_from(n).ok()
}

/// `on = [1, 8, 15]`: at least one day, each once, at least one within the horizon.
fn listed_days(ctx: &mut Ctx<'_>, value: &toml::Value, path: &KeyPath, horizon_days: u32) -> Option<DaySet> {
    let toml::Value::Array(items) = value else {
        ctx.report(path, format!("expected an array of day numbers, got {}", value_kind(value)));
        return None;
    };
    if items.is_empty() {
        ctx.report(path, "must list at least one day");
        return None;
    }
    let mut seen: BTreeMap<u32, usize> = BTreeMap::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = path.index(i);
        match day_number(ctx, item, &at) {
            Some(d) => {
                if let Some(&first) = seen.get(&d) {
                    ctx.report(&at, format!("day {d} listed twice, first at {}", path.index(first)));
                    ok = false;
                } else {
                    seen.insert(d, i);
                }
            }
            None => ok = false,
        }
    }
    if ok && seen.keys().all(|&d| d > horizon_days) {
        ctx.report(path, format!("no listed day is within the run (horizon_days = {horizon_days})"));
        return None;
    }
    if ok { DaySet::of(seen.into_keys()) } else { None }
}

/// The JSON Schema of `days` (see the module doc); names in lower case only,
/// though validation takes any case.
pub(crate) fn days_schema(_: &mut SchemaGenerator) -> Schema {
    let days = json_schema!({ "type": "integer", "minimum": 1, "maximum": MAX_HORIZON_DAYS });
    json_schema!({
        "anyOf": [
            { "enum": WORDS },
            { "type": "array", "minItems": 1, "uniqueItems": true, "items": { "enum": weekday_names() } },
            { "type": "object", "properties": { "every_days": days }, "required": ["every_days"] },
            {
                "type": "object",
                "properties": { "on": { "type": "array", "minItems": 1, "uniqueItems": true, "items": days } },
                "required": ["on"]
            }
        ]
    })
}

/// The JSON Schema of `start_weekday`.
pub(crate) fn weekday_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "enum": weekday_names() })
}

/// Every weekday name validation accepts, in lower case: full names, then the 3-letter ones.
fn weekday_names() -> Vec<&'static str> {
    let full = Weekday::ALL.iter().map(|d| d.name());
    full.chain(Weekday::ALL.iter().map(|d| d.short_name())).collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, edit, ok};
    use super::*;

    /// `MIN` with a `[sending]` table of `body` before `[audience]` (its keys from line 3).
    fn with_sending(body: &str) -> String {
        edit(&[("[audience]", &format!("[sending]\n{body}\n[audience]"))])
    }

    #[test]
    fn every_form_reads_and_the_default_is_every_day() {
        assert_eq!(ok(&edit(&[])).window.calendar, Calendar::EVERY_DAY);
        let cases = [
            ("days = \"every_day\"", SendingDays::EveryDay),
            ("days = \"weekdays\"", SendingDays::Weekdays(WeekdaySet::WORKING_WEEK)),
            ("days = [\"tue\"]", SendingDays::Weekdays(WeekdaySet::of([Weekday::Tuesday]))),
            (
                "days = [\"Monday\", \"thu\"]",
                SendingDays::Weekdays(WeekdaySet::of([Weekday::Monday, Weekday::Thursday])),
            ),
            ("days = { every_days = 7 }", SendingDays::EveryDays(7)),
            ("[sending.days]\nevery_days = 3", SendingDays::EveryDays(3)),
        ];
        for (body, expected) in cases {
            let calendar = ok(&with_sending(body)).window.calendar;
            assert_eq!(calendar, Calendar { days: expected, start_weekday: Weekday::Monday }, "{body}");
        }
        let on = ok(&with_sending("days = { on = [15, 1, 8] }\nstart_weekday = \"SUNDAY\"")).window;
        assert_eq!(on.calendar.days, SendingDays::On(DaySet::of([1, 8, 15]).expect("days")));
        assert_eq!(on.calendar.start_weekday, Weekday::Sunday);
        assert_eq!((on.start_hour, on.end_hour), (8, 20), "the hours keep their defaults");
    }

    #[test]
    fn every_problem_is_located_with_a_suggestion() {
        check(
            &with_sending("days = [\"tue\", \"thrusday\", 3, \"tuesday\"]\nstart_weekday = \"mnday\""),
            r#"3:16: sending.days[1]: unknown weekday `thrusday`, did you mean `thursday`?
               3:28: sending.days[2]: expected a weekday name, got an integer: day numbers are `days = { on = [...] }`
               3:31: sending.days[3]: tuesday listed twice, first at sending.days[0]
               4:17: sending.start_weekday: unknown weekday `mnday`, did you mean `monday`?"#,
        );
        check(
            &with_sending("days = \"weekday\""),
            "3:8: sending.days: unknown calendar `weekday`, did you mean `weekdays`?",
        );
        check(
            &with_sending("days = \"tue\""),
            r#"3:8: sending.days: weekdays are given as a list: write `days = ["tue"]`"#,
        );
        check(&with_sending("days = []"), "3:8: sending.days: must name at least one weekday");
        check(&with_sending("days = 7"), &format!("3:8: sending.days: {EXPECTED}, got an integer").replace('\n', " "));
    }

    #[test]
    fn table_forms_are_checked_key_by_key() {
        check(
            &with_sending("days = { every_day = 7 }"),
            "3:10: sending.days.every_day: unknown key, did you mean `every_days`?",
        );
        check(&with_sending("days = { every_days = 0 }"), "3:23: sending.days.every_days: must be in 1..=365, got 0");
        check(
            &with_sending("days = { every_days = 2, on = [1] }"),
            "3:8: sending.days: give `every_days` or `on`, not both",
        );
        check(&with_sending("days = {}"), "3:8: sending.days: expected `every_days = N` or `on = [day, ...]`");
        check(
            &with_sending("days = { on = [1, 400, 1, \"x\"] }"),
            r#"3:19: sending.days.on[1]: must be in 1..=365, got 400
               3:24: sending.days.on[2]: day 1 listed twice, first at sending.days.on[0]
               3:27: sending.days.on[3]: expected an integer, got a string"#,
        );
        check(
            &with_sending("days = { on = [50, 60] }"),
            "3:15: sending.days.on: no listed day is within the run (horizon_days = 42)",
        );
    }
}
