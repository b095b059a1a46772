//! Minimising a failing input: the smallest input found, within a deadline,
//! that still fails the same way (the caller's predicate).
//!
//! Three passes: halve long runs of one byte (huge strings, deep nesting),
//! remove chunks of lines (halving the chunk down to one line, repeated until
//! nothing more goes), then remove chunks of bytes.

use std::time::Instant;

use super::mutate::lines;

/// Minimises `input` while `fails` holds, until `deadline`.
pub fn shrink(input: &[u8], fails: &mut dyn FnMut(&[u8]) -> bool, deadline: Instant) -> Vec<u8> {
    let mut best = input.to_vec();
    let time_left = || Instant::now() < deadline;
    // Long runs of one byte, halved.
    let mut start = 0;
    while start < best.len() && time_left() {
        let run = best[start..].iter().take_while(|&&b| b == best[start]).count();
        if run >= 8 {
            let candidate = [&best[..start], &best[start + run / 2..]].concat();
            if fails(&candidate) {
                best = candidate;
                continue;
            }
        }
        start += run;
    }
    // Chunks of lines.
    let mut chunk = (lines(&best).len() / 2).max(1);
    loop {
        let mut removed = false;
        let mut i = 0;
        while i < lines(&best).len() && time_left() {
            let all = lines(&best);
            let end = (i + chunk).min(all.len());
            let candidate = [&best[..all[i].0], &best[all[end - 1].1..]].concat();
            if fails(&candidate) {
                best = candidate;
                removed = true;
            } else {
                i += chunk;
            }
        }
        if !time_left() || (chunk == 1 && !removed) {
            break;
        }
        chunk = (chunk / 2).max(1);
    }
    // Chunks of bytes.
    for chunk in [64, 16, 4, 1] {
        let mut i = 0;
        while i < best.len() && time_left() {
            let end = (i + chunk).min(best.len());
            let candidate = [&best[..i], &best[end..]].concat();
            if fails(&candidate) {
                best = candidate;
            } else {
                i += chunk;
            }
        }
    }
    best
}
