//! JSON records of one line (SES, KumoMTA): parsed into the reader's typed
//! record, with serde_json's error turned into a located, bounded message
//! (serde_json refuses nesting deeper than 128 levels, so a hostile record
//! cannot exhaust the stack), and the enhanced status codes both formats carry.

use serde::de::DeserializeOwned;

use super::LineError;

/// Longest key path put before an error message (bytes).
const MAX_PATH_CHARS: usize = 80;

/// Longest error message kept (characters): serde_json quotes the culprit.
const MAX_MESSAGE_CHARS: usize = 200;

/// `text` parsed as a `T`, or the column and message of the first error, the
/// message led by the key path of the culprit (`response.code: invalid type ...`).
pub fn parse_line<T: DeserializeOwned>(text: &str) -> Result<T, LineError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        located(e.into_inner(), &path)
    })?;
    // Trailing characters after the record are an error too.
    deserializer.end().map_err(|e| located(e, "."))?;
    Ok(value)
}

/// serde_json's error `e` about the key at `path` (`.` for the record) as a
/// column and a message led by the path.
fn located(e: serde_json::Error, path: &str) -> LineError {
    let column = (e.column() > 0).then_some(e.column() as u64);
    let mut message = e.to_string();
    // serde_json appends " at line L column C": the location is ours to give.
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    // serde_path_to_error writes `?` where it does not know the key; a path of a
    // deeply nested hostile record would crowd out the message.
    if !matches!(path, "" | "." | "?") && path.len() <= MAX_PATH_CHARS {
        message = format!("{path}: {message}");
    }
    (column, bounded(&message))
}

/// `message` cut to [`MAX_MESSAGE_CHARS`] characters, control characters escaped.
pub fn bounded(message: &str) -> String {
    let mut out: String = message
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .flat_map(|c| if c.is_control() { c.escape_default().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if message.chars().nth(MAX_MESSAGE_CHARS).is_some() {
        out.push_str("...");
    }
    out
}

/// The `X.Y.Z` enhanced status code at the start of `text` or after a space
/// (`5.1.1`, `smtp; 550 5.7.1 ...`): class, subject, detail.
pub fn enhanced_code(text: &str) -> Option<(u32, u32, u32)> {
    text.split(|c: char| c.is_whitespace() || c == ';' || c == '-' || c == '(' || c == '=').find_map(|word| {
        let mut parts = word.split('.');
        let class: u32 = parts.next()?.parse().ok()?;
        let subject: u32 = parts.next()?.parse().ok()?;
        let detail: u32 = parts.next()?.trim_end_matches([',', ')']).parse().ok()?;
        (parts.next().is_none() && (2..=5).contains(&class) && subject < 1000 && detail < 1000)
            .then_some((class, subject, detail))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_located_and_bounded() {
        let e = parse_line::<serde_json::Value>("{\"a\": tru}").expect_err("bad");
        assert_eq!(e.0, Some(10));
        assert!(!e.1.contains("at line"), "{}", e.1);
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Record {
            response: Response,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Response {
            code: u16,
        }
        let e = parse_line::<Record>("{\"response\": {\"code\": \"x\"}}").expect_err("bad type");
        assert!(e.1.starts_with("response.code: invalid type"), "{}", e.1);
        assert!(parse_line::<serde_json::Value>("{} x").is_err(), "trailing characters");
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse_line::<serde_json::Value>(&deep).expect_err("too deep");
        assert!(e.1.contains("recursion limit"), "{}", e.1);
        assert!(bounded(&"x\u{1b}".repeat(300)).ends_with("..."));
        assert!(!bounded("a\u{1b}b").contains('\u{1b}'));
    }

    #[test]
    fn enhanced_codes_are_found_in_replies() {
        assert_eq!(enhanced_code("5.1.1"), Some((5, 1, 1)));
        assert_eq!(enhanced_code("smtp; 550 5.7.1 blocked"), Some((5, 7, 1)));
        assert_eq!(enhanced_code("421-4.7.28 rate"), Some((4, 7, 28)));
        assert_eq!(enhanced_code("version 1.2.3 and 250 ok"), None);
        assert_eq!(enhanced_code(""), None);
    }
}
