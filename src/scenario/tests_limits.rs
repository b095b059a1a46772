//! Data-driven tests of the limits and rules on what an input may hold: tables
//! that must be tables, integer ranges, the size of the list, reserved and
//! oversized names, control characters, and the input file itself (size cap,
//! UTF-8). Same fixtures and `check` as `tests.rs`.

use super::tests::{MIN, append, check, edit, ok};
use super::*;
use crate::model::Segment;

#[test]
fn tables_written_as_arrays_or_values_are_refused() {
    // serde would read these positionally (`sending = [8, 20]` as the two hours).
    check(
        &format!("sending = [8, 20]\nretry = [15, 2.0, 240, 72]\n{MIN}"),
        "1:11: sending: expected a table, got an array: write `sending = { key = value, ... }` or a [sending] section
         2:9: retry: expected a table, got an array: write `retry = { key = value, ... }` or a [retry] section",
    );
    check(
        &format!("ips = [[\"ip-1\", \"new\"]]\n{}", MIN.replace("[[ips]]", "[[x]]")),
        "1:8: ips[0]: expected a table, got an array: write `{ key = value, ... }` or a [[ips]] section
         12:3: x: unknown key, expected one of `name`, `description`, `seed`, `horizon_days`, `sending`, `retry`, \
         `audience`, `providers`, `ips`, `strategy`, `variation`",
    );
    check(&format!("sending = 1979-05-27\n{MIN}"), "1:11: sending: expected a table, got a date-time");
    // Every one reported at once, with the other problems of the file.
    check(
        &format!("strategy = \"x\"\n{}", append("[providers]\ngmail = 3\nyahoo = { feedback = [1], defer_reply = \"421\" }\n"))
            .replace("[strategy]  ", "[y]         "),
        "1:12: strategy: expected a table, got a string: write `strategy = { key = value, ... }` or a [strategy] section
         15:2: y: unknown key, expected one of `name`, `description`, `seed`, `horizon_days`, `sending`, `retry`, \
         `audience`, `providers`, `ips`, `strategy`, `variation`
         21:9: providers.gmail: expected a table, got an integer: write `gmail = { key = value, ... }` or a \
         [providers.gmail] section
         22:22: providers.yahoo.feedback: expected a table, got an array: write `feedback = { key = value, ... }` \
         or a [providers.yahoo.feedback] section
         22:41: providers.yahoo.defer_reply: expected a table, got a string: write `defer_reply = { key = value, ... }` \
         or a [providers.yahoo.defer_reply] section",
    );
}

#[test]
fn the_list_is_at_most_ten_billion_recipients() {
    let at_limit = ok(&edit(&[("size = 1000 ", "size = 10000000000 ")]));
    assert_eq!(at_limit.audience.size, MAX_AUDIENCE_SIZE);
    for size in ["10000000001", "5000000000000000", "9223372036854775807"] {
        check(
            &edit(&[("size = 1000 ", &format!("size = {size} "))]),
            &format!(
                "3:8: audience.size: must be at most 10000000000 (~10^10, about every mailbox in the world, held by \
                 ~4.5 billion email users: no real list is larger), got {size}"
            ),
        );
    }
}

#[test]
fn the_largest_list_runs_in_random_order() {
    // 10^10 recipients in three segments, drawn at random for a year: before the
    // sampler's slow path was bypassed, each day took seconds.
    let mut scenario = ok(&edit(&[
        ("name = \"t\"", "name = \"t\"\nhorizon_days = 365"),
        ("size = 1000 ", "size = 10000000000 "),
        ("target = 10000 ", "target = 10000000000\nsegment_order = \"random\""),
    ]));
    let segment = scenario.audience.segments[0].clone();
    scenario.audience.segments = vec![
        Segment { name: "a".into(), share: 0.2, ..segment.clone() },
        Segment { name: "b".into(), share: 0.3, ..segment.clone() },
        Segment { name: "c".into(), share: 0.5, ..segment },
    ];
    let result = crate::sim::run(&scenario, 1).expect("runs");
    assert!(result.totals.sent > 0);
}

#[test]
fn integers_are_range_checked_where_they_are_read() {
    let retry = "[retry]\nfirst_retry_minutes = 9223372036854775807\nmax_retry_interval_minutes = 600000\n\
                 queue_lifetime_hours = 8761\n";
    check(
        &edit(&[("[audience]", &format!("{retry}[audience]"))]),
        "3:23: retry.first_retry_minutes: must be in 1..=525600, got 9223372036854775807
         4:30: retry.max_retry_interval_minutes: must be in 1..=525600, got 600000
         5:24: retry.queue_lifetime_hours: must be in 1..=8760, got 8761",
    );
    check(
        &append("[providers.gmail]\nfeedback = { kind = \"per_message\", delay_hours = 100000 }\n"),
        "20:50: providers.gmail.feedback.delay_hours: must be in 0..=8760, got 100000",
    );
    check(
        &edit(&[("kind = \"exponential\"", "kind = \"schedule\"\ndaily_volumes = [10, 10000000001]")])
            .replace("start = 100 ", "")
            .replace("growth = 1.5 ", ""),
        "16:22: strategy.daily_volumes[1]: must be in 0..=10000000000, got 10000000001",
    );
}

#[test]
fn provider_names_that_collide_with_outputs_are_reserved() {
    for name in RESERVED_PROVIDER_NAMES {
        check(
            &edit(&[("yahoo = 0.4", &format!("{name} = 0.4"))])
                .replace("[strategy]  ", &format!("[providers.{name}]\npreset = \"yahoo\"\n[strategy]")),
            &format!(
                "4:28: audience.providers.{name}: `{name}` is reserved: outputs name the sum over providers `all` \
                 (runs.csv column days_to_warm_all) and `total` (the summary table's last row); rename the provider"
            ),
        );
    }
}

#[test]
fn provider_names_may_not_hold_path_separators() {
    // They become parts of file names: heatmap-days_to_warm_<provider>.png.
    check(
        &edit(&[("yahoo = 0.4", "\"../../x\" = 0.4")])
            .replace("[strategy]  ", "[providers.\"../../x\"]\npreset = \"yahoo\"\n[strategy]"),
        "4:28: audience.providers.\"../../x\": must not contain `/` or `\\`: provider names are parts of file names \
         (heatmap-days_to_warm_<provider>.png), got \"../../x\"",
    );
}

#[test]
fn names_and_descriptions_may_not_hold_control_characters() {
    check(
        &edit(&[
            ("name = \"t\"", "name = \"t\\u001b[2J\"\ndescription = \"ok\\ttab\\nline \\u0007\""),
            ("name = \"all\"", "name = \"\\u001b[31mall\""),
            ("name = \"ip-1\"", "name = \"ip\\r1\""),
        ])
        .replace("yahoo = 0.4", "\"yahoo\\u001b\" = 0.4"),
        "1:8: name: must match [A-Za-z0-9_-]+ (it names the output folder), got \"t\\u{1b}[2J\"
         2:15: description: must not contain control characters other than newline and tab, got '\\u{7}' at character 13
         5:28: audience.providers.\"yahoo\\u{1b}\": must not contain control characters, got '\\u{1b}' at character 6
         7:8: audience.segments[0].name: must not contain control characters, got '\\u{1b}' at character 1
         13:8: ips[0].name: must not contain control characters, got '\\r' at character 3",
    );
    // Multi-line descriptions are fine, with Unix or Windows line ends.
    let described = ok(&edit(&[("name = \"t\"", "name = \"t\"\ndescription = \"\"\"\r\none\r\ntwo\tcols\"\"\"")]));
    assert!(described.description.contains("two\tcols"));
}

#[test]
fn names_are_at_most_64_characters() {
    let long = "n".repeat(65);
    check(
        &edit(&[("name = \"t\"", &format!("name = \"{long}\"")), ("name = \"ip-1\"", &format!("name = \"{long}\""))]),
        "1:8: name: must have at most 64 characters, got 65
         12:8: ips[0].name: must have at most 64 characters, got 65",
    );
    ok(&edit(&[("name = \"t\"", &format!("name = \"{}\"", "n".repeat(64)))]));
}

#[test]
fn deep_table_headers_locate_the_problems_inside_them() {
    check(
        &append("[providers.gmail.feedback]\ndelay_hours = 3\n[providers.gmail.defer_reply]\ncode = \"521\"\n"),
        "19:1: providers.gmail.feedback.kind: missing required key
         22:8: providers.gmail.defer_reply.code: must be a 4xx reply code, got \"521\"",
    );
    check(&append("\n[providers.gmail.retry]\nfirst_retry_minutes = 0\n"), "20:18: providers.gmail.retry: unknown key");
}

#[test]
fn input_files_are_utf8_and_capped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    let mut bytes = MIN.replace("name = \"all\"", "name = \"a\u{e9}\u{1F600}\"").into_bytes();
    let bad = bytes.iter().position(|&b| b == 0xf0).expect("emoji");
    bytes[bad + 1] = b'x';
    std::fs::write(&path, &bytes).expect("write");
    let err = parse_file(&path).expect_err("invalid utf-8");
    let expected = format!("{}:6:11: invalid utf-8 (byte 0xf0): input files must be utf-8 text", path.display());
    assert_eq!(err.to_string(), expected);
    let mut big = MIN.to_string();
    big.push_str(&"#".repeat(MAX_INPUT_BYTES as usize));
    std::fs::write(&path, big).expect("write");
    match parse_file(&path) {
        Err(e @ ScenarioError::TooLarge { .. }) => assert!(e.to_string().contains("larger than 16 MiB"), "{e}"),
        other => panic!("expected too large, got {other:?}"),
    }
}
