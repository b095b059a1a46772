//! Documents generated from nothing: proptest strategies over raw TOML text,
//! built from the corpus's key names, table paths and string values plus
//! extreme scalars, odd strings, deep nesting and lines of garbage.
//!
//! A case draws one document from [`document`] with a [`TestRunner`] seeded
//! by the case's seed, so the same seed always gives the same text.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use super::corpus::{Corpus, Kind};

/// Numbers and other scalars at the edges: zero, signs, the limits of `i64`
/// and `f64`, values out of range, NaN and infinities, other radixes.
pub const EXTREME_SCALARS: [&str; 40] = [
    "0",
    "-0",
    "-1",
    "1",
    "0.0",
    "-0.0",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "1e-320",
    "1e400",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "4294967295",
    "4294967296",
    "2147483648",
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "0x7fffffffffffffff",
    "0o777",
    "0b1",
    "1_000_000",
    "3.0e+2",
    "1e15",
    "1e9",
    "0.999999999999",
    "1.0000000001",
    "1e-9",
    "24",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "true",
    "false",
];

/// A TOML basic string holding `s`, control characters escaped as `\uXXXX`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An `f64` as TOML writes it (`inf`, `nan`, exponents), never as a plain integer.
fn float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{v:e}")
    }
}

fn string(words: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(words).prop_map(|w| quote(&w)),
        2 => "\\PC{0,24}".prop_map(|s| quote(&s)),
        1 => "[\\x00-\\x1f\\x7f\\u{202e}\\u{feff}a]{0,12}".prop_map(|s| quote(&s)),
        1 => "[a-z ]{0,20}".prop_map(|s| format!("'{s}'")),
        1 => "[a-z\n]{0,40}".prop_map(|s| format!("\"\"\"{s}\"\"\"")),
        1 => (1usize..300_000).prop_map(|n| quote(&"x".repeat(n))),
        1 => Just("\"\"".to_string()),
    ]
    .boxed()
}

fn leaf(words: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(&EXTREME_SCALARS[..]).prop_map(String::from),
        2 => any::<i64>().prop_map(|v| v.to_string()),
        2 => any::<f64>().prop_map(float),
        3 => (0.0f64..1.0).prop_map(|v| format!("{v}")),
        3 => (0u32..400).prop_map(|v| v.to_string()),
        4 => string(words),
        1 => any::<bool>().prop_map(|b| b.to_string()),
    ]
    .boxed()
}

fn key(keys: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(keys.clone()),
        1 => "[a-z_]{1,10}",
        1 => (select(keys.clone()), select(keys)).prop_map(|(a, b)| format!("{a}.{b}")),
        1 => "\\PC{0,8}".prop_map(|s| quote(&s)),
    ]
    .boxed()
}

fn value(corpus: &Corpus) -> BoxedStrategy<String> {
    let keys = key(corpus.keys.clone());
    let nested = leaf(corpus.words.clone()).prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((keys.clone(), inner), 0..5).prop_map(|kv| {
                let pairs: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", pairs.join(", "))
            }),
        ]
    });
    prop_oneof![
        12 => nested,
        1 => (1usize..5000).prop_map(|d| format!("{}1{}", "[".repeat(d), "]".repeat(d))),
        1 => (1usize..2000).prop_map(|d| format!("{}1{}", "{ a = ".repeat(d), " }".repeat(d))),
    ]
    .boxed()
}

fn line(corpus: &Corpus) -> BoxedStrategy<String> {
    let tables = select(corpus.tables.clone());
    prop_oneof![
        8 => (key(corpus.keys.clone()), value(corpus)).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => tables.clone().prop_map(|t| format!("[{t}]")),
        1 => tables.prop_map(|t| format!("[[{t}]]")),
        1 => key(corpus.keys.clone()).prop_map(|k| format!("[{k}]")),
        1 => (1usize..3000).prop_map(|d| format!("[{}]", vec!["a"; d].join("."))),
        1 => "#\\PC{0,20}",
        1 => "\\PC{0,30}",
        1 => Just(String::new()),
    ]
    .boxed()
}

/// A document for `kind`: generated lines, after a shipped file of that kind
/// or nothing, so that some reach the validation beyond the syntax.
pub fn document(corpus: &Corpus, kind: Kind) -> BoxedStrategy<String> {
    let mut preludes: Vec<String> = vec![String::new()];
    preludes.extend(corpus.of(kind).map(|s| String::from_utf8_lossy(&s.bytes).into_owned()));
    if kind == Kind::Experiment {
        preludes.push("name = \"fz\"\nscenario = \"../scenarios/default.toml\"\n".into());
    }
    if kind == Kind::Optimization {
        preludes.push("name = \"fz\"\nscenario = \"../scenarios/default.toml\"\nbudget = 1000\n".into());
    }
    (select(preludes), prop::collection::vec(line(corpus), 0..30))
        .prop_map(|(prelude, lines)| format!("{prelude}{}\n", lines.join("\n")))
        .boxed()
}

/// The document of `kind` drawn with `seed`.
pub fn draw(corpus: &Corpus, kind: Kind, seed: u64) -> String {
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&ipwarm::engine::derive_seed(seed, &[i as u64]).to_le_bytes());
    }
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    document(corpus, kind).new_tree(&mut runner).expect("a document").current()
}
