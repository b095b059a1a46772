//! Tests of the message generator: every event's message has a history that
//! makes sense (sent before any reply, deferred before it expires, never
//! answered after a final reply), events are in time order within the sending
//! hours, and the counts of each row are reproduced exactly.

use std::collections::HashMap;

use super::*;
use crate::observed::events::DEFAULT_EVENTS_START;

fn events() -> Events {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml");
    let mut scenario = crate::scenario::parse_file(std::path::Path::new(path)).expect("scenario");
    scenario.horizon_days = 5;
    scenario.audience.size = 4_000;
    scenario.retry.queue_lifetime_hours = 5;
    let result = crate::sim::run(&scenario, 11).expect("run");
    Events::new(&result, &scenario, CivilDate::parse(DEFAULT_EVENTS_START).expect("date"))
}

#[test]
fn each_message_has_a_consistent_history() {
    let events = events();
    let mut last: HashMap<u64, Count> = HashMap::new();
    let (mut previous_ms, mut expired, mut retried) = (i64::MIN, 0, 0);
    for_each_event(&events, |e| {
        assert!(e.time_ms >= previous_ms, "events in time order");
        previous_ms = e.time_ms;
        let hour = e.time_ms.rem_euclid(MS_PER_DAY) / 3_600_000;
        assert!((8..20).contains(&hour), "within the sending hours");
        assert!(e.message.serial < ORPHAN_SERIALS, "no stand-in message in a real run");
        let before = last.get(&e.message.serial).copied();
        match e.kind {
            Count::Sent => assert_eq!(before, None, "a serial is sent once"),
            Count::Complaints | Count::Opens => {}
            Count::Expired => {
                assert_eq!(before, Some(Count::Deferred), "expires after a deferral");
                expired += 1;
            }
            _ => {
                assert!(matches!(before, Some(Count::Sent | Count::Deferred)), "{:?} after {before:?}", e.kind);
                assert_eq!(e.message.attempts == 1, before == Some(Count::Sent), "attempt numbers");
                retried += u64::from(e.message.attempts > 1);
            }
        }
        if !matches!(e.kind, Count::Complaints | Count::Opens) {
            last.insert(e.message.serial, e.kind);
        }
        Ok(())
    })
    .expect("no io");
    assert!(expired > 0 && retried > 0, "the test needs retries and expiries");
}

#[test]
fn the_events_reproduce_each_rows_counts() {
    let events = events();
    let mut counted: HashMap<(CivilDate, String, String), [u64; 8]> = HashMap::new();
    for_each_event(&events, |e| {
        let date = CivilDate::from_days_since_epoch(e.time_ms.div_euclid(MS_PER_DAY));
        let cell = counted.entry((date, e.cell.provider.clone(), e.cell.ip.clone())).or_default();
        cell[e.kind as usize] += 1;
        Ok(())
    })
    .expect("no io");
    for row in events.rows() {
        let expected = Count::ALL.map(|count| count.get(row).unwrap_or(0));
        let got = counted.remove(&(row.date, row.provider.clone(), row.ip.clone())).unwrap_or_default();
        assert_eq!(got, expected, "{row:?}");
    }
    assert!(counted.is_empty(), "events of no row: {counted:?}");
}

#[test]
fn spread_deferrals_are_found_again_by_their_rank() {
    for (total, deferred) in [(10, 3), (7, 7), (1000, 1), (5, 4)] {
        let spread: Vec<u64> = (0..total).filter(|&j| is_spread(j, total, deferred)).collect();
        assert_eq!(spread.len() as u64, deferred);
        let family = Family::Spread { base: 100, total, deferred };
        for (k, j) in spread.iter().enumerate() {
            assert_eq!(family.serial(k as u64), 100 + j);
        }
    }
    let mut mix = Interleave { weights: [5, 3, 0], current: [0; 3] };
    let kinds: Vec<Count> = (0..8).map(|_| mix.next()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == Count::Bounced).count(), 3);
    assert!(!kinds.contains(&Count::Blocked));
}
