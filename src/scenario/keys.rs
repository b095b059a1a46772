//! Known keys of each table of the format, read from the raw serde types
//! themselves, and "did you mean" suggestions for misspelt keys and names.

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::path::{KeyPath, Seg};
use super::raw::{
    RawAudience, RawFeedback, RawIp, RawProvider, RawReply, RawRetry, RawScenario, RawSegment, RawSending, RawVariation,
};

/// The field names serde's derive passes for struct `T`: the keys of its table.
pub(crate) fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The introspector always fails once it has seen the field list.
    let _ = T::deserialize(Introspect(&mut fields));
    fields
}

/// A deserializer that only records the field list of the struct asked for.
struct Introspect<'a>(&'a mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for Introspect<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("introspection only"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The keys allowed in the table at `table` (a path in the document).
pub(crate) fn known_keys(table: &KeyPath) -> &'static [&'static str] {
    let segs: Vec<Option<&str>> = table
        .segs()
        .iter()
        .map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    match segs.as_slice() {
        [] => fields_of::<RawScenario>(),
        [Some("sending")] => fields_of::<RawSending>(),
        [Some("retry")] => fields_of::<RawRetry>(),
        [Some("audience")] => fields_of::<RawAudience>(),
        [Some("audience"), Some("segments"), None] => fields_of::<RawSegment>(),
        [Some("ips"), None] => fields_of::<RawIp>(),
        [Some("strategy")] => crate::strategy::registry::all_keys(),
        [Some("variation")] => fields_of::<RawVariation>(),
        [Some("providers"), Some(_)] => fields_of::<RawProvider>(),
        [Some("providers"), Some(_), Some("feedback")] => fields_of::<RawFeedback>(),
        [Some("providers"), Some(_), Some("defer_reply" | "block_reply" | "escalation_reply" | "bounce_reply")] => {
            fields_of::<RawReply>()
        }
        _ => &[],
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let len = word.chars().count();
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: skip the table for hopeless candidates
        // (a pasted megabyte-long key would otherwise cost a megabyte-wide table per candidate).
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= limit && d < len)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The message for an unknown key `key` of a table whose keys are `known`.
pub(crate) fn unknown_key_message(key: &str, known: &[&str]) -> String {
    match closest(key, known.iter().copied()) {
        Some(s) => format!("unknown key, did you mean `{s}`?"),
        None if !known.is_empty() && known.len() <= 12 => {
            format!("unknown key, expected one of {}", list(known))
        }
        None => "unknown key".to_string(),
    }
}

/// The message for a value `got` that is none of `options`.
pub(crate) fn one_of_message(what: &str, got: &str, options: &[&str]) -> String {
    match closest(got, options.iter().copied()) {
        Some(s) => format!("unknown {what} `{got}`, did you mean `{s}`?"),
        None => format!("unknown {what} `{got}`, expected one of {}", list(options)),
    }
}

/// The kind of a TOML value, for messages.
pub(crate) fn value_kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date-time",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

/// `a`, `b`, `c` with backticks.
pub(crate) fn list(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// Edit distance between `a` and `b` in characters, counting an insertion, a
/// deletion, a substitution or a swap of two adjacent characters as one edit
/// (optimal string alignment, `strsim::osa_distance`; strsim is already in the
/// tree through clap, whose own suggestions use it).
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_come_from_the_raw_types() {
        assert!(known_keys(&KeyPath::root()).contains(&"horizon_days"));
        let seg = KeyPath::root().key("audience").key("segments").index(0);
        assert_eq!(known_keys(&seg), ["name", "share", "open_rate", "complaint_rate", "invalid_rate", "trap_rate"]);
        let reply = KeyPath::root().key("providers").key("x").key("block_reply");
        assert_eq!(known_keys(&reply), ["code", "text"]);
        assert!(known_keys(&KeyPath::root().key("providers").key("x")).contains(&"spike_ratio"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("gmial", "gmail"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        // A swap of adjacent characters is one edit (optimal string alignment), not two.
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(closest("open_rat", ["name", "open_rate"]), Some("open_rate"));
        assert_eq!(closest("horizon", ["horizon_days", "seed"]), None);
        assert_eq!(closest("gmial", ["gmail", "yahoo"]), Some("gmail"));
        assert_eq!(unknown_key_message("sze", &["size", "providers"]), "unknown key, did you mean `size`?");
        assert_eq!(unknown_key_message("x", &["a", "b"]), "unknown key, expected one of `a`, `b`");
    }
}
