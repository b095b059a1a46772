//! The raw path every input file takes, scenarios and experiments alike: TOML
//! text -> spanned document -> raw serde type -> validated value.
//!
//! [`check_file`] parses the text, records its syntax errors, and hands the
//! document to the caller's validation with one [`Ctx`]; [`deserialize`] reads
//! a raw serde type (`deny_unknown_fields` in spirit: every key it ignores is
//! reported, with a suggestion from the table's known keys). Syntax errors,
//! unknown keys and values of the wrong type are thus located and worded the
//! same way in every file, and every problem of a file is reported at once.

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

use super::check::Ctx;
use super::error::Problem;
use super::keys::unknown_key_message;
use super::locate::Locator;
use super::path::KeyPath;

/// The key under which toml passes a date-time to a deserializer that asked for any value.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// The keys allowed in the table at a path of a document (empty: any).
pub(crate) type KnownKeys = fn(&KeyPath) -> &'static [&'static str];

/// Parses `text` (`file` is the name shown in problems) and, if its syntax is
/// valid, validates its document with `validate`, which records its problems
/// in the [`Ctx`] it is given. Every problem, sorted by file and position, if
/// any was found; `what` names the kind of file in the last-resort problem of
/// a validation that failed without saying why.
pub(crate) fn check_file<T>(
    text: &str,
    file: &str,
    what: &str,
    validate: impl FnOnce(&mut Ctx<'_>, Spanned<DeTable<'_>>) -> Option<T>,
) -> Result<T, Vec<Problem>> {
    let (doc, syntax_errors) = DeTable::parse_recoverable(text);
    let loc = Locator::new(text, &doc);
    let mut ctx = Ctx::new(file, &loc);
    let value = if syntax_errors.is_empty() {
        validate(&mut ctx, doc)
    } else {
        report_syntax_errors(&mut ctx, &syntax_errors);
        None
    };
    let mut problems = ctx.into_problems();
    match value {
        Some(v) if problems.is_empty() => Ok(v),
        _ => {
            if problems.is_empty() {
                // Unreachable by construction: every `None` reports why.
                problems.push(Problem::of_file(file, format!("invalid {what}")));
            }
            problems.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
            problems.dedup();
            Err(problems)
        }
    }
}

/// Reads the raw type `T` from `doc`, reporting each key it ignores as
/// unknown (suggesting one of `known_keys` of its table) and a document it
/// cannot read at all as toml's error; `None` in the latter case only.
pub(crate) fn deserialize<T: DeserializeOwned>(
    ctx: &mut Ctx<'_>,
    doc: Spanned<DeTable<'_>>,
    known_keys: KnownKeys,
) -> Option<T> {
    let mut unknown = Vec::new();
    let raw: Result<T, _> = serde_ignored::deserialize(toml::Deserializer::from(doc), |p| unknown.push(key_path(&p)));
    for path in &unknown {
        // toml passes a date-time as a table of one private key: where a table was expected, say what it is.
        if path.last_key() == Some(TOML_DATETIME_KEY)
            && let Some(table) = path.parent()
        {
            ctx.report(&table, "expected a table, got a date-time");
            continue;
        }
        let known = path.parent().map_or(&[][..], |parent| known_keys(&parent));
        let message = unknown_key_message(path.last_key().unwrap_or_default(), known);
        ctx.report_key(path, message);
    }
    match raw {
        Ok(raw) => Some(raw),
        Err(e) => {
            report_toml_error(ctx, &e);
            None
        }
    }
}

/// Records the syntax errors worth showing: the first of each line, or only
/// the very first if something is left unclosed (the parser's recovery from an
/// unclosed array, table or string produces a cascade of errors that are not
/// the user's).
fn report_syntax_errors(ctx: &mut Ctx<'_>, errors: &[toml::de::Error]) {
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
            report_toml_error(ctx, e);
        }
    }
}

/// Records a syntax or type error from toml, located by its span.
fn report_toml_error(ctx: &mut Ctx<'_>, e: &toml::de::Error) {
    let span = e.span().unwrap_or(0..0);
    let loc = ctx.loc();
    let path = loc.path_at(span.start);
    let mut message = toml_message(e.message());
    if message == "duplicate key"
        && let Some(key) = loc.slice(span).filter(|k| !k.is_empty())
    {
        message = format!("duplicate key `{key}`");
    }
    ctx.report_at(e.span(), &path, message);
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
