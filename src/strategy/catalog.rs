//! Strategies by name, for `ipwarm run --strategy NAME` and `ipwarm compare`:
//! a kind of the [`super::registry`] on its defaults, or a preset.

use super::StrategyKind;
use super::presets::{PRESETS, preset};
use super::registry::{self, kinds};

/// Every name `--strategy` accepts: the kinds with a default for every parameter, then the presets.
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = kinds().iter().filter(|k| k.defaults().is_ok()).map(|k| k.name).collect();
    names.extend(PRESETS.iter().map(|p| p.name));
    names
}

/// Why a strategy name was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// No kind or preset has this name.
    #[error("unknown strategy `{name}`, expected one of {}", quoted(&names()))]
    Unknown {
        /// The name given.
        name: String,
    },
    /// A kind with parameters that have no default.
    #[error(
        "strategy kind `{kind}` has no default for {}: give it (`{kind}:{}=...`, or in a scenario file), or use a \
         preset of that kind: {}",
        quoted(missing),
        missing.first().copied().unwrap_or_default(),
        quoted(&presets_of(kind))
    )]
    NoDefault {
        /// The kind.
        kind: &'static str,
        /// Its parameters without a default.
        missing: Vec<&'static str>,
    },
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The presets of kind `kind`.
fn presets_of(kind: &str) -> Vec<&'static str> {
    PRESETS.iter().filter(|p| p.kind().name() == kind).map(|p| p.name).collect()
}

/// The strategy called `name` with its defaults, and the preset name if it is one.
pub fn by_name(name: &str) -> Result<(StrategyKind, Option<&'static str>), NameError> {
    if let Some(entry) = registry::kind(name) {
        return entry
            .defaults()
            .map(|kind| (kind, None))
            .map_err(|missing| NameError::NoDefault { kind: entry.name, missing });
    }
    let p = preset(name).ok_or_else(|| NameError::Unknown { name: name.to_string() })?;
    Ok((p.kind(), Some(p.name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_resolves_and_others_do_not() {
        for name in names() {
            let (kind, preset) = by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(preset.is_some(), kind.name() != name, "{name}");
        }
        let e = by_name("schedule").unwrap_err();
        assert_eq!(e, NameError::NoDefault { kind: "schedule", missing: vec!["daily_volumes"] });
        let e = e.to_string();
        assert!(e.starts_with("strategy kind `schedule` has no default for `daily_volumes`: "), "{e}");
        assert!(e.contains("`sendgrid_hourly`") && !e.contains("`ses_auto`"), "{e}");
        let e = by_name("adaptiv").unwrap_err().to_string();
        assert!(e.starts_with("unknown strategy `adaptiv`, expected one of `exponential`, `linear`"), "{e}");
        assert!(e.contains("`ses_auto`"), "{e}");
    }
}
