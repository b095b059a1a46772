//! Scenario files: TOML in, validated [`Scenario`] out.
//!
//! [`parse`] reports every problem of a file at once (syntax errors, values of
//! the wrong type, unknown keys, values out of range, inconsistent settings),
//! each located at `file:line:col` with the key path concerned. The format is
//! documented key by key in `scenarios/default.toml`.

mod check;
mod error;
mod input;
mod keys;
mod locate;
mod names;
mod overrides;
mod path;
mod providers;
mod raw;
mod strategy;
mod types;
mod validate;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_limits;

use std::path::Path;

use toml::de::DeTable;

pub use error::{Problem, ScenarioError};
pub use input::{InputError, MAX_INPUT_BYTES, read_input};
pub use names::{MAX_NAME_CHARS, RESERVED_PROVIDER_NAMES};
pub use types::{DEFAULT_HORIZON_DAYS, MAX_AUDIENCE_SIZE, MAX_HORIZON_DAYS, SHARE_SUM_TOLERANCE, Scenario};

use check::Ctx;
use raw::RawScenario;

// Shared with `sweep`, whose experiment files reuse the locator, key paths and messages.
pub(crate) use keys::{one_of_message, unknown_key_message};
pub(crate) use locate::{Locator, Pos};
pub(crate) use names::{derived_label_problem, folder_name_problem, label_problem, text_problem};
pub(crate) use path::{KeyPath, Seg};

/// The default scenario (a first new dedicated IP), embedded in the binary.
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/default.toml");

/// The key under which toml passes a date-time to a deserializer that asked for any value.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// File name shown in problems of the embedded default scenario.
const DEFAULT_SCENARIO_NAME: &str = "scenarios/default.toml (embedded)";

/// Parses and validates the scenario `text`; `file` is the name shown in problems.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let (doc, syntax_errors) = DeTable::parse_recoverable(text);
    let loc = Locator::new(text, &doc);
    let mut ctx = Ctx::new(file, &loc);
    let scenario = if syntax_errors.is_empty() {
        deserialize_and_validate(&mut ctx, text, toml::Deserializer::from(doc))
    } else {
        report_syntax_errors(&mut ctx, text, &syntax_errors);
        None
    };
    let mut problems = ctx.into_problems();
    match scenario {
        Some(s) if problems.is_empty() => Ok(s),
        _ => {
            if problems.is_empty() {
                // Unreachable by construction: every `None` above reports why.
                fallback_problem(&mut problems, file);
            }
            problems.sort_by_key(|p| (p.line, p.col));
            problems.dedup();
            Err(ScenarioError::Invalid { problems })
        }
    }
}

/// Reads (with [`read_input`]: at most [`MAX_INPUT_BYTES`], UTF-8) and parses
/// the scenario file at `path`. Invalid UTF-8 is a problem located at its first
/// bad byte.
pub fn parse_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    match read_input(path) {
        Ok(text) => parse(&text, &file),
        Err(InputError::Io { path, source }) => Err(ScenarioError::Io { path, source }),
        Err(InputError::TooLarge { path }) => Err(ScenarioError::TooLarge { path }),
        Err(InputError::NotUtf8 { line, col, byte, .. }) => {
            let message = input::utf8_message(byte);
            Err(ScenarioError::Invalid {
                problems: vec![Problem { file, line, col, key_path: String::new(), message }],
            })
        }
    }
}

/// The embedded default scenario ([`DEFAULT_SCENARIO_TOML`]), parsed.
pub fn default_scenario() -> Result<Scenario, ScenarioError> {
    parse(DEFAULT_SCENARIO_TOML, DEFAULT_SCENARIO_NAME)
}

/// Deserializes the raw document, reporting unknown keys, then validates it.
fn deserialize_and_validate(ctx: &mut Ctx<'_>, text: &str, de: toml::Deserializer<'_>) -> Option<Scenario> {
    let mut unknown = Vec::new();
    let raw: Result<RawScenario, _> = serde_ignored::deserialize(de, |p| unknown.push(key_path(&p)));
    for path in &unknown {
        // toml passes a date-time as a table of one private key: where a table was expected, say what it is.
        if path.last_key() == Some(TOML_DATETIME_KEY)
            && let Some(table) = path.parent()
        {
            ctx.report(&table, "expected a table, got a date-time");
            continue;
        }
        let known = path.parent().map_or(&[][..], |parent| keys::known_keys(&parent));
        let message = keys::unknown_key_message(path.last_key().unwrap_or_default(), known);
        ctx.report_key(path, message);
    }
    match raw {
        Ok(raw) => validate::validate(ctx, &raw),
        Err(e) => {
            report_toml_error(ctx, text, &e);
            None
        }
    }
}

/// Records the syntax errors worth showing: the first of each line, or only
/// the very first if something is left unclosed (the parser's recovery from an
/// unclosed array, table or string produces a cascade of errors that are not
/// the user's).
fn report_syntax_errors(ctx: &mut Ctx<'_>, text: &str, errors: &[toml::de::Error]) {
    let start = |e: &toml::de::Error| e.span().map_or(0, |s| s.start);
    let mut sorted: Vec<&toml::de::Error> = errors.iter().collect();
    sorted.sort_by_key(|e| start(e));
    if errors.iter().any(|e| e.message().starts_with("unclosed")) {
        sorted.truncate(1);
    }
    let mut last_line = 0;
    for e in sorted {
        let line = ctx.loc().pos(start(e)).line;
        if line != last_line {
            last_line = line;
            report_toml_error(ctx, text, e);
        }
    }
}

/// Records a syntax or type error from toml, located by its span.
fn report_toml_error(ctx: &mut Ctx<'_>, text: &str, e: &toml::de::Error) {
    let span = e.span().unwrap_or(0..0);
    let loc = ctx.loc();
    let (pos, path) = (loc.pos(span.start), loc.path_at(span.start));
    let mut message = toml_message(e.message());
    if message == "duplicate key"
        && let Some(key) = text.get(span).filter(|k| !k.is_empty())
    {
        message = format!("duplicate key `{key}`");
    }
    ctx.report_at(pos, &path, message);
}

/// toml's message as a problem message: first line, lower-case start, no final period.
fn toml_message(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default().trim().trim_end_matches('.');
    let mut chars = line.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => "invalid toml".to_string(),
    }
}

/// A last-resort problem when validation failed without saying why.
fn fallback_problem(problems: &mut Vec<Problem>, file: &str) {
    problems.push(Problem {
        file: file.to_string(),
        line: 1,
        col: 1,
        key_path: String::new(),
        message: "invalid scenario".to_string(),
    });
}

/// A `serde_ignored` path as a [`KeyPath`].
fn key_path(p: &serde_ignored::Path<'_>) -> KeyPath {
    use serde_ignored::Path as P;
    match p {
        P::Root => KeyPath::root(),
        P::Seq { parent, index } => key_path(parent).index(*index),
        P::Map { parent, key } => key_path(parent).key(key),
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => key_path(parent),
    }
}
