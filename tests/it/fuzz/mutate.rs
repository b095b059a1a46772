//! Mutations of shipped files: byte flips, deletions, duplicated and spliced
//! lines, numbers replaced by extreme values, odd strings, deep nesting.
//!
//! [`mutate`] applies one to six mutations drawn from the case's generator
//! and names them, so that a finding says how its input was made.

use ipwarm::engine::SimRng;
use rand::RngExt;

use super::corpus::Corpus;
use super::generate::{EXTREME_SCALARS, quote};

/// Strings that paths, names and kinds should never choke on.
const ODD_STRINGS: [&str; 16] = [
    "",
    " ",
    "\\u0000",
    "\\u001b[31mred\\u001b[0m",
    "\\r\\n",
    "\\t",
    "\\u202e",
    "\\uFEFF",
    "..",
    "../",
    "/",
    "/dev/zero",
    "nonexistent.toml",
    "../experiments/strategies.toml",
    "strategies.toml",
    "é\u{301}🙂",
];

/// Tokens inserted anywhere.
const TOKENS: [&str; 24] = [
    "[", "]", "[[", "]]", "{", "}", "=", "\"", "'", "'''", "\"\"\"", ",", ".", "#", "\n", "\r", "\\", "-", "+", "0",
    "inf", "nan", "\u{0}", "\u{7f}",
];

/// Byte ranges of the lines of `b`, newline included.
pub fn lines(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// A line, preferring lines that are neither blank nor comments.
fn pick_line(rng: &mut SimRng, b: &[u8]) -> Option<(usize, usize)> {
    let all = lines(b);
    let useful: Vec<_> = all
        .iter()
        .copied()
        .filter(|&(s, e)| {
            let t = String::from_utf8_lossy(&b[s..e]);
            let t = t.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    let from = if !useful.is_empty() && rng.random_bool(0.9) { useful } else { all };
    (!from.is_empty()).then(|| from[rng.random_range(0..from.len())])
}

/// Byte ranges of the number-like tokens of `b` outside comments.
fn numbers(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut i, mut comment, mut string) = (0, false, false);
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => (comment, string) = (false, false),
            b'#' if !string => comment = true,
            b'"' if !comment => string = !string,
            _ => {}
        }
        let starts = !comment
            && !string
            && (c.is_ascii_digit() || ((c == b'-' || c == b'+') && b.get(i + 1).is_some_and(u8::is_ascii_digit)));
        if starts && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b"._+-:".contains(&b[i])) {
                i += 1;
            }
            out.push((start, i));
            continue;
        }
        i += 1;
    }
    out
}

/// Byte ranges of the contents of the basic strings of `b` (between the quotes).
fn strings(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut comment = false;
    for (i, &c) in b.iter().enumerate() {
        match (c, open) {
            (b'\n', _) => (open, comment) = (None, false),
            (b'#', None) => comment = true,
            (b'"', None) if !comment => open = Some(i + 1),
            (b'"', Some(s)) if b[i - 1] != b'\\' => {
                out.push((s, i));
                open = None;
            }
            _ => {}
        }
    }
    out
}

/// The range of the value of a `key = value` line, if `(s, e)` is one.
fn value_of(b: &[u8], (s, e): (usize, usize)) -> Option<(usize, usize)> {
    let eq = b[s..e].iter().position(|&c| c == b'=')? + s + 1;
    let end = if b[e - 1] == b'\n' { e - 1 } else { e };
    (eq <= end).then_some((eq, end))
}

/// Text nested `depth` levels deep.
fn deep(rng: &mut SimRng) -> String {
    let depth = [10, 100, 1000, 10_000, 100_000][rng.random_range(0..5)];
    match rng.random_range(0..4) {
        0 => format!("{}1{}", "[".repeat(depth), "]".repeat(depth)),
        1 => format!("{}1{}", "{ a = ".repeat(depth), " }".repeat(depth)),
        2 => "[".repeat(depth),
        _ => format!("{{ {} = 1 }}", vec!["a"; depth].join(".")),
    }
}

/// A value of any type.
fn any_value(rng: &mut SimRng, corpus: &Corpus) -> String {
    match rng.random_range(0..7) {
        0 | 1 => EXTREME_SCALARS[rng.random_range(0..EXTREME_SCALARS.len())].to_string(),
        2 => quote(&corpus.words[rng.random_range(0..corpus.words.len())]),
        3 => format!("\"{}\"", ODD_STRINGS[rng.random_range(0..ODD_STRINGS.len())]),
        4 => format!(
            "[{}]",
            (0..rng.random_range(0..5))
                .map(|_| EXTREME_SCALARS[rng.random_range(0..EXTREME_SCALARS.len())])
                .collect::<Vec<_>>()
                .join(", ")
        ),
        5 => "{}".into(),
        _ => deep(rng),
    }
}

/// Largest input a mutation leaves (bytes beyond are cut): the checks are
/// about time bounded for a given size, and a parser may take its time over
/// a huge file.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Applies one to six mutations to `input`; returns their names.
pub fn mutate(rng: &mut SimRng, input: &mut Vec<u8>, corpus: &Corpus) -> Vec<&'static str> {
    let n = 1 + (0..5).take_while(|_| rng.random_bool(0.5)).count();
    (0..n)
        .filter_map(|_| {
            let op = mutate_once(rng, input, corpus);
            input.truncate(MAX_INPUT_BYTES);
            op
        })
        .collect()
}

fn mutate_once(rng: &mut SimRng, b: &mut Vec<u8>, corpus: &Corpus) -> Option<&'static str> {
    let len = b.len();
    let pos = |rng: &mut SimRng| if len == 0 { 0 } else { rng.random_range(0..=len) };
    Some(match rng.random_range(0..18) {
        0 if len > 0 => {
            let i = rng.random_range(0..len);
            b[i] ^= 1 << rng.random_range(0..8);
            "flip a bit"
        }
        1 if len > 0 => {
            let i = rng.random_range(0..len);
            b[i] = [0, 0x7f, 0xff, 0xc3, b'"', b'[', b'=', b'\n', b'\\', b'#', b'.', b'9'][rng.random_range(0..12)];
            "set a byte"
        }
        2 if len > 0 => {
            let i = rng.random_range(0..len);
            let n = rng.random_range(1..=64).min(len - i);
            b.drain(i..i + n);
            "delete bytes"
        }
        3 => {
            let (s, e) = pick_line(rng, b)?;
            b.drain(s..e);
            "delete a line"
        }
        4 => {
            let (s, e) = pick_line(rng, b)?;
            let line = b[s..e].to_vec();
            let times = if rng.random_bool(0.8) { 1 } else { rng.random_range(2..2000) };
            let times = times.min(MAX_INPUT_BYTES / line.len().max(1) + 1);
            let at = if rng.random_bool(0.5) {
                e
            } else {
                lines(b).get(rng.random_range(0..lines(b).len())).map_or(0, |l| l.0)
            };
            b.splice(at..at, line.iter().copied().cycle().take(line.len() * times).collect::<Vec<u8>>());
            "duplicate a line"
        }
        5 => {
            // A block of lines (a table with its keys, say), repeated.
            let all = lines(b);
            if all.is_empty() {
                return None;
            }
            let s = rng.random_range(0..all.len());
            let e = (s + rng.random_range(1..12)).min(all.len());
            let block = b[all[s].0..all[e - 1].1].to_vec();
            let times = rng.random_range(1..200).min(MAX_INPUT_BYTES / block.len().max(1) + 1);
            let at = all[e - 1].1;
            b.splice(at..at, block.iter().copied().cycle().take(block.len() * times).collect::<Vec<u8>>());
            "repeat a block of lines"
        }
        6 => {
            let other = &corpus.seeds[rng.random_range(0..corpus.seeds.len())].bytes;
            let (s, e) = pick_line(rng, other)?;
            let line = other[s..e].to_vec();
            let at = lines(b).get(rng.random_range(0..lines(b).len().max(1))).map_or(0, |l| l.0);
            b.splice(at..at, line);
            "splice a line of another file"
        }
        7 => {
            let all = numbers(b);
            if all.is_empty() {
                return None;
            }
            let (s, e) = all[rng.random_range(0..all.len())];
            b.splice(s..e, EXTREME_SCALARS[rng.random_range(0..EXTREME_SCALARS.len())].bytes());
            "replace a number by an extreme value"
        }
        8 => {
            let all = strings(b);
            if all.is_empty() {
                return None;
            }
            let (s, e) = all[rng.random_range(0..all.len())];
            let text = match rng.random_range(0..4) {
                0 => "x".repeat([1000, 100_000, 1_000_000][rng.random_range(0..3)]),
                1 => ODD_STRINGS[rng.random_range(0..ODD_STRINGS.len())].to_string(),
                2 => {
                    let w = quote(&corpus.words[rng.random_range(0..corpus.words.len())]);
                    w[1..w.len() - 1].to_string()
                }
                _ => String::from_utf8_lossy(&[rng.random_range(1..32u8), b'a']).into_owned(),
            };
            b.splice(s..e, text.into_bytes());
            "replace a string"
        }
        9 => {
            let line = pick_line(rng, b)?;
            let (s, e) = value_of(b, line)?;
            let v = any_value(rng, corpus);
            b.splice(s..e, format!(" {v}").into_bytes());
            "replace a value"
        }
        10 => {
            let line = pick_line(rng, b)?;
            let (s, e) = value_of(b, line)?;
            b.splice(s..e, format!(" {}", deep(rng)).into_bytes());
            "nest a value deeply"
        }
        11 => {
            let at = pos(rng);
            b.splice(at..at, TOKENS[rng.random_range(0..TOKENS.len())].bytes());
            "insert a token"
        }
        12 => {
            let all = lines(b);
            if all.len() < 2 {
                return None;
            }
            let (i, j) = (rng.random_range(0..all.len()), rng.random_range(0..all.len()));
            let (i, j) = (i.min(j), i.max(j));
            if i == j {
                return None;
            }
            let (a, c) = (b[all[i].0..all[i].1].to_vec(), b[all[j].0..all[j].1].to_vec());
            b.splice(all[j].0..all[j].1, a);
            b.splice(all[i].0..all[i].1, c);
            "swap two lines"
        }
        13 if len > 0 => {
            b.truncate(rng.random_range(0..len));
            "truncate"
        }
        14 => {
            // A new key, from the corpus, with any value, somewhere.
            let k = &corpus.keys[rng.random_range(0..corpus.keys.len())];
            let at = lines(b).get(rng.random_range(0..lines(b).len().max(1))).map_or(0, |l| l.0);
            b.splice(at..at, format!("{k} = {}\n", any_value(rng, corpus)).into_bytes());
            "insert a key"
        }
        15 => {
            let t = &corpus.tables[rng.random_range(0..corpus.tables.len())];
            let header = if rng.random_bool(0.7) { format!("[{t}]\n") } else { format!("[[{t}]]\n") };
            let at = lines(b).get(rng.random_range(0..lines(b).len().max(1))).map_or(0, |l| l.0);
            b.splice(at..at, header.into_bytes());
            "insert a table header"
        }
        16 | 17 => {
            // A number nudged or scaled: often still valid, sometimes just out of range.
            let all = numbers(b);
            let (s, e) = *all.get(rng.random_range(0..all.len().max(1)))?;
            let v: f64 = String::from_utf8_lossy(&b[s..e]).replace('_', "").parse().ok()?;
            let factor = [0.0, 0.5, 0.999, 1.001, 1.5, 2.0, 10.0, 1000.0, 1e6, -1.0][rng.random_range(0..10)];
            let w = v * factor;
            let text = if b[s..e].contains(&b'.') || b[s..e].contains(&b'e') || w.fract() != 0.0 || w.abs() > 9e18 {
                format!("{w:?}")
            } else {
                format!("{}", w as i64)
            };
            b.splice(s..e, text.into_bytes());
            "nudge or scale a number"
        }
        _ => return None,
    })
}

/// Keys an optimisation file may search or fix, right or wrong for its family.
const OPTIMIZATION_KEYS: [&str; 12] = [
    "start",
    "growth",
    "step_days",
    "daily_volume",
    "target",
    "ramp_days",
    "segment_order",
    "daily_volumes",
    "gmail.growth",
    "nowhere.growth",
    "gmail.target",
    "\"gmail.start\"",
];

/// Families, right or wrong (`kind = "preset"`, a preset as a kind).
const FAMILIES: [&str; 6] = [
    "kind = \"exponential\"",
    "kind = \"linear\"",
    "kind = \"schedule\"",
    "preset = \"kumo_conservative\"",
    "kind = \"preset\"",
    "kind = \"ses_auto\"",
];

/// Applies one or two mutations that know the optimisation format (ranges
/// swapped or emptied, keys fixed and searched at once, families changed,
/// budgets and probabilities at their edges); returns their names. The
/// generic mutations apply to optimisation files too; these reach further
/// into validation, past the syntax and the keys.
pub fn mutate_optimization(rng: &mut SimRng, input: &mut Vec<u8>) -> Vec<&'static str> {
    let Ok(mut text) = String::from_utf8(input.clone()) else { return Vec::new() };
    let n = 1 + usize::from(rng.random_bool(0.3));
    let ops = (0..n).filter_map(|_| optimization_once(rng, &mut text)).collect();
    *input = text.into_bytes();
    ops
}

/// The lines of `text` holding `needle`, as byte ranges without the newline.
fn lines_with(text: &str, needle: &str) -> Vec<(usize, usize)> {
    lines(text.as_bytes())
        .into_iter()
        .map(|(s, e)| (s, if text.as_bytes()[e - 1] == b'\n' { e - 1 } else { e }))
        .filter(|&(s, e)| text[s..e].contains(needle))
        .collect()
}

/// Inserts `line` after the first line that is exactly `header`, or at the end.
fn insert_after(text: &mut String, header: &str, line: &str) {
    let at = text.find(&format!("{header}\n")).map_or(text.len(), |i| i + header.len() + 1);
    text.insert_str(at, &format!("{line}\n"));
}

fn optimization_once(rng: &mut SimRng, text: &mut String) -> Option<&'static str> {
    let pick = |rng: &mut SimRng, n: usize| rng.random_range(0..n);
    Some(match rng.random_range(0..10) {
        0 => {
            // A range's min and max swapped, or made equal.
            let ranges = lines_with(text, "min = ");
            let (s, e) = *ranges.get(pick(rng, ranges.len().max(1)))?;
            let line = &text[s..e];
            let (min_at, max_at) = (line.find("min = ")?, line.find("max = ")?);
            let value = |at: usize| line[at + 6..].split([',', ' ', '}']).next().unwrap_or("").to_string();
            let (min, max) = (value(min_at), value(max_at));
            let new = if rng.random_bool(0.7) {
                line.replacen(&format!("min = {min}"), &format!("min = {max}"), 1).replacen(
                    &format!("max = {max}"),
                    &format!("max = {min}"),
                    1,
                )
            } else {
                line.replacen(&format!("max = {max}"), &format!("max = {min}"), 1)
            };
            text.replace_range(s..e, &new);
            "swap a range's bounds"
        }
        1 => {
            // A range emptied ({} takes the registry's bounds), or given a step or a log scale.
            let ranges = lines_with(text, "{ min = ");
            let (s, e) = *ranges.get(pick(rng, ranges.len().max(1)))?;
            let open = text[s..e].find('{')? + s;
            let close = text[s..e].rfind('}')? + s;
            let inner = match pick(rng, 4) {
                0 => String::new(),
                1 => format!("{}, step = {}", &text[open + 1..close].trim(), ["0.01", "1", "1e9", "-1"][pick(rng, 4)]),
                2 => format!("{}, scale = \"log\"", &text[open + 1..close].trim().replace("min = ", "min = -")),
                _ => "min = 0, scale = \"log\"".to_string(),
            };
            text.replace_range(open..=close, &format!("{{ {inner} }}"));
            "change a range"
        }
        2 => {
            // A searched key also fixed in [strategy].
            let ranges = lines_with(text, "= { ");
            let (s, e) = *ranges.get(pick(rng, ranges.len().max(1)))?;
            let key = text[s..e].split('=').next()?.trim().to_string();
            insert_after(text, "[strategy]", &format!("{key} = 2"));
            "fix a searched key"
        }
        3 => {
            // Another key searched, right or wrong for the family.
            let key = OPTIMIZATION_KEYS[pick(rng, OPTIMIZATION_KEYS.len())];
            let key = if key.contains('.') && !key.starts_with('"') { format!("\"{key}\"") } else { key.into() };
            let range = ["{ min = 1, max = 14 }", "{}", "{ min = 1.1, max = 2.0, step = 0.1 }", "{ max = 50000 }"];
            insert_after(text, "[search]", &format!("{key} = {}", range[pick(rng, range.len())]));
            "search another key"
        }
        4 => {
            // Another key fixed.
            let key = OPTIMIZATION_KEYS[pick(rng, OPTIMIZATION_KEYS.len())];
            let key = if key.contains('.') && !key.starts_with('"') { format!("\"{key}\"") } else { key.into() };
            let value = ["3", "1.5", "0", "\"engaged_first\"", "[100, 200]", "{ gmail = [10] }"][pick(rng, 6)];
            insert_after(text, "[strategy]", &format!("{key} = {value}"));
            "fix another key"
        }
        5 => {
            // Another family.
            let family = lines_with(text, "kind = ").into_iter().chain(lines_with(text, "preset = ")).next()?;
            text.replace_range(family.0..family.1, FAMILIES[pick(rng, FAMILIES.len())]);
            "change the family"
        }
        6 => {
            // The budget at its edges.
            let (s, e) = *lines_with(text, "budget = ").first()?;
            let budget = ["0", "1", "100", "383", "384", "600", "10000000", "10000001"][pick(rng, 8)];
            text.replace_range(s..e, &format!("budget = {budget}"));
            "set the budget"
        }
        7 => {
            // A probability or a confidence at its edges.
            let all: Vec<_> =
                lines_with(text, "max_probability = ").into_iter().chain(lines_with(text, "confidence = ")).collect();
            let (s, e) = *all.get(pick(rng, all.len().max(1)))?;
            let key = text[s..e].split('=').next()?.trim().to_string();
            let value = ["0", "1", "1e-9", "0.5", "0.999999", "0.2"][pick(rng, 6)];
            text.replace_range(s..e, &format!("{key} = {value}"));
            "set a probability"
        }
        8 => {
            // The objective or a constraint on another metric, or in the other direction.
            let all: Vec<_> = lines_with(text, "metric = ").into_iter().chain(lines_with(text, "imise = ")).collect();
            let (s, e) = *all.get(pick(rng, all.len().max(1)))?;
            let key = text[s..e].split('=').next()?.trim().to_string();
            let key = match key.as_str() {
                "minimise" if rng.random_bool(0.3) => "maximise".to_string(),
                "maximise" if rng.random_bool(0.3) => "minimise".to_string(),
                _ => key,
            };
            let metric = ["days_to_warm_gmail", "days_to_warm_nowhere", "inbox", "days_observed", "pool_overload_days"];
            text.replace_range(s..e, &format!("{key} = \"{}\"", metric[pick(rng, metric.len())]));
            "change a metric"
        }
        _ => {
            // A constraint's direction changed, or both directions given.
            let (s, e) = *lines_with(text, "above = ").first()?;
            let value = text[s..e].split('=').nth(1)?.trim().to_string();
            let new =
                if rng.random_bool(0.5) { format!("below = {value}") } else { format!("above = {value}\nbelow = 0") };
            text.replace_range(s..e, &new);
            "change a constraint's direction"
        }
    })
}
