//! Seeds as text: how every output writes a seed, and how seeds are read back.
//!
//! A seed is a 64-bit unsigned integer, and most run seeds are hashes spread
//! over the whole range. Written as a plain number, a seed above 2^53 is
//! rounded by readers that hold numbers as doubles (JavaScript, `jq` 1.6, R,
//! spreadsheets, pandas as soon as a column has a gap) or refused by those that
//! stop at `i64` (polars 1.x). So outputs write a seed as **text**: `0x` and its
//! lowercase hexadecimal digits, without leading zeros (`0x2a` for 42,
//! `0x9e3779b97f4a7c15`). No reader takes that for a number, so none rounds it;
//! Python reads it with `int(s, 16)`, and `ipwarm run --seed` and a scenario's
//! `seed` take it as written.

/// A seed as outputs write it: `0x` and lowercase hex digits (`0x2a`).
pub fn seed_text(seed: u64) -> String {
    format!("{seed:#x}")
}

/// Reads a seed written as [`seed_text`] does (`0x` and 1 to 16 hex digits, either
/// case) or as a decimal integer (`42`, up to 18446744073709551615).
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "expected a seed: an integer from 0 to 18446744073709551615, or `0x` and up to 16 hex digits, got {text:?}"
        )
    };
    let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
    match digits {
        Some(hex) if (1..=16).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(hex, 16).map_err(|_| bad())
        }
        Some(_) => Err(bad()),
        None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text.parse().map_err(|_| bad()),
        None => Err(bad()),
    }
}

/// Serde support for a seed field written as [`seed_text`]
/// (`#[serde(with = "crate::engine::seed_as_text")]`). Reading also takes a
/// plain JSON number, as files of earlier versions hold.
pub mod seed_as_text {
    use serde::{Deserialize, Deserializer, Serializer, de};

    /// Writes `seed` as [`super::seed_text`].
    pub fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::seed_text(*seed))
    }

    /// Reads a seed as text ([`super::parse_seed`]) or as a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Seed {
            Number(u64),
            Text(String),
        }
        match Seed::deserialize(d)? {
            Seed::Number(n) => Ok(n),
            Seed::Text(t) => super::parse_seed(&t).map_err(de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_round_trip_through_their_text() {
        for seed in [0, 1, 42, (1 << 53) + 1, i64::MAX as u64, u64::MAX] {
            assert_eq!(parse_seed(&seed_text(seed)), Ok(seed));
            assert_eq!(parse_seed(&seed.to_string()), Ok(seed));
        }
        assert_eq!(seed_text(42), "0x2a");
        assert_eq!(seed_text(u64::MAX), "0xffffffffffffffff");
        assert_eq!(parse_seed("0X00FF"), Ok(255));
        for bad in ["", "0x", "-1", "1.5", "0x1g", "0x10000000000000000", "18446744073709551616", " 1", "1e3"] {
            assert!(parse_seed(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_writes_text_and_reads_text_or_numbers() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct S {
            #[serde(with = "seed_as_text")]
            seed: u64,
        }
        let json = serde_json::to_string(&S { seed: u64::MAX }).unwrap();
        assert_eq!(json, r#"{"seed":"0xffffffffffffffff"}"#);
        assert_eq!(serde_json::from_str::<S>(&json).unwrap(), S { seed: u64::MAX });
        assert_eq!(serde_json::from_str::<S>(r#"{"seed":18446744073709551615}"#).unwrap(), S { seed: u64::MAX });
        assert_eq!(serde_json::from_str::<S>(r#"{"seed":"42"}"#).unwrap(), S { seed: 42 });
        assert!(serde_json::from_str::<S>(r#"{"seed":"x"}"#).is_err());
    }
}
