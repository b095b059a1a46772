//! Scenario files: TOML in, validated [`Scenario`] out.
//!
//! [`parse`] reports every problem of a file at once (syntax errors, values of
//! the wrong type, unknown keys, values out of range, inconsistent settings),
//! each located at `file:line:col` with the key path concerned. The format is
//! documented key by key in `scenarios/default.toml`.

mod bounds;
mod calendar;
mod check;
mod document;
mod error;
pub(crate) mod excerpt;
mod input;
mod keys;
mod locate;
mod names;
mod overrides;
mod path;
mod prior;
mod providers;
mod raw;
mod raw_provider;
mod strategy;
mod types;
mod validate;
mod variation;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_limits;

use std::path::Path;

pub use error::{Problem, ScenarioError, Span, render_problems};
pub use excerpt::Style;
pub use input::{InputError, MAX_INPUT_BYTES, read_input};
pub use names::{MAX_NAME_CHARS, RESERVED_PROVIDER_NAMES};
pub use types::{DEFAULT_HORIZON_DAYS, MAX_AUDIENCE_SIZE, MAX_HORIZON_DAYS, SHARE_SUM_TOLERANCE, Scenario};

pub(crate) use raw::RawScenario;

// Shared with `sweep`, whose experiment files take the same raw -> validated path
// (one validation context, the same locator, key paths and messages).
pub(crate) use check::Ctx;
pub(crate) use document::{check_file, deserialize};
pub(crate) use keys::{fields_of, one_of_message, value_kind};
pub(crate) use names::{derived_label_problem, folder_name_problem, label_problem, text_problem};
pub(crate) use path::{KeyPath, Seg};
pub(crate) use prior::distribution;
pub(crate) use raw::{Field, Opt, OptSection, RawStrategy, Section};

/// The default scenario (a first new dedicated IP), embedded in the binary.
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../../scenarios/default.toml");

/// File name shown in problems of the embedded default scenario.
const DEFAULT_SCENARIO_NAME: &str = "scenarios/default.toml (embedded)";

/// Parses and validates the scenario `text`; `file` is the name shown in problems.
///
/// Every problem is reported at once, each located at `file:line:col`.
///
/// ```
/// use ipwarm::scenario::{DEFAULT_SCENARIO_TOML, ScenarioError, parse};
///
/// let scenario = parse(DEFAULT_SCENARIO_TOML, "default.toml")?;
/// assert_eq!(scenario.horizon_days, 56);
///
/// let broken = DEFAULT_SCENARIO_TOML.replace("horizon_days = 56", "horizon_dayz = 56");
/// let Err(ScenarioError::Invalid { problems }) = parse(&broken, "broken.toml") else {
///     panic!("a misspelled key is an error");
/// };
/// assert!(problems.iter().any(|p| p.to_string().starts_with("broken.toml:33:1")));
/// # Ok::<(), ScenarioError>(())
/// ```
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    document::check_file(text, file, "scenario", |ctx, doc| {
        let raw: RawScenario = document::deserialize(ctx, doc, keys::known_keys)?;
        validate::validate(ctx, &raw)
    })
    .map_err(|problems| ScenarioError::Invalid { problems })
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
                problems: vec![Problem { file, line, col, key_path: String::new(), message, span: None }],
            })
        }
    }
}

/// The embedded default scenario ([`DEFAULT_SCENARIO_TOML`]), parsed.
///
/// ```
/// let scenario = ipwarm::scenario::default_scenario()?;
/// assert_eq!(scenario.providers.len(), scenario.audience.provider_shares.len());
/// # Ok::<(), ipwarm::scenario::ScenarioError>(())
/// ```
pub fn default_scenario() -> Result<Scenario, ScenarioError> {
    parse(DEFAULT_SCENARIO_TOML, DEFAULT_SCENARIO_NAME)
}
