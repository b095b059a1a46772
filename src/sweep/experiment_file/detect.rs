//! Which files are experiment files: the one rule `ipwarm validate` (and
//! anything else that is handed a file of either kind) decides by.

/// Whether `text` is an experiment file: a top-level `scenario` key or
/// `[axes]` table. Text that is not valid TOML is looked at line by line, so
/// that its syntax error is reported by the right parser.
pub fn is_experiment(text: &str) -> bool {
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        return table.contains_key("scenario") || table.contains_key("axes");
    }
    let mut top_level = true;
    for line in text.lines().map(str::trim_start) {
        if line.starts_with('[') {
            let header = line.trim_start_matches('[').trim_start();
            if ["scenario", "axes"].iter().any(|k| header.starts_with(k)) {
                return true;
            }
            top_level = false;
        } else if top_level && (line.starts_with("scenario") || line.starts_with("axes")) {
            let rest = line.split_once(['=', '.']).map(|(key, _)| key.trim());
            if matches!(rest, Some("scenario" | "axes")) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn experiments_are_told_from_scenarios() {
        assert!(!is_experiment(crate::scenario::DEFAULT_SCENARIO_TOML));
        assert!(is_experiment("name = \"e\"\nscenario = \"s.toml\"\n"));
        assert!(is_experiment("name = \"e\"\n[scenario]\nname = \"s\"\n"));
        assert!(is_experiment("name = \"e\"\n[axes]\n\"x\" = { values = [1] }\n"));
        // Not TOML: looked at line by line.
        assert!(is_experiment("name = \"e\nscenario = \"s.toml\"\n"));
        assert!(is_experiment("name = = 1\n[axes.strategy]\n"));
        assert!(is_experiment("name = = 1\nscenario.name = \"s\"\n"));
        assert!(!is_experiment("name = = 1\n[strategy]\nscenario = 1\n"));
        assert!(!is_experiment("name = = 1\nscenarios = 1\n"));
    }
}
