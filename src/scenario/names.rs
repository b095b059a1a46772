//! The rules for names and free text read from input files, in one place:
//! names that become folder names (scenario and experiment names), names and
//! labels that appear in outputs and on the terminal (providers, IPs,
//! segments, axis labels), and descriptions.
//!
//! Control characters are refused everywhere they could reach a terminal (an
//! ESC sequence in a name would recolour or rewrite the user's screen), and
//! names are capped so that a folder named after one stays well within file
//! name limits (255 bytes on common file systems, with room for the staging
//! and shard suffixes the CLI adds).

/// Longest name accepted, in characters: scenario and experiment names (used
/// as folder names), provider, IP and segment names, and axis labels.
pub const MAX_NAME_CHARS: usize = 64;

/// Provider names refused because a derived output would collide: `runs.csv`
/// of an experiment has a `days_to_warm_<provider>` column per provider next to
/// `days_to_warm_all` (all providers), and the summary table of a run has a
/// `total` row after the provider rows.
pub const RESERVED_PROVIDER_NAMES: [&str; 2] = ["all", "total"];

/// Why `name` cannot be a folder name (a scenario's or an experiment's):
/// it must match `[A-Za-z0-9_-]+` (so no path separator, no `.` or `..`, no
/// control character) and have at most [`MAX_NAME_CHARS`] characters.
pub(crate) fn folder_name_problem(name: &str) -> Option<String> {
    let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !ok {
        return Some(format!("must match [A-Za-z0-9_-]+ (it names the output folder), got {name:?}"));
    }
    too_long(name)
}

/// Why `name` cannot name a provider, IP or segment or label an axis value:
/// empty, with a control character, or longer than [`MAX_NAME_CHARS`].
pub(crate) fn label_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("must not be empty".to_string());
    }
    control_problem(name, &[]).or_else(|| too_long(name))
}

/// Why `name` cannot name a provider: as [`label_problem`], a path separator
/// or more than [`MAX_NAME_CHARS`] bytes (provider names become parts of file
/// names, such as an experiment's `heatmap-days_to_warm_<provider>.png`), or
/// one of [`RESERVED_PROVIDER_NAMES`].
pub(crate) fn provider_name_problem(name: &str) -> Option<String> {
    if let Some(problem) = label_problem(name) {
        return Some(problem);
    }
    if name.len() > MAX_NAME_CHARS {
        return Some(format!(
            "must have at most {MAX_NAME_CHARS} bytes in utf-8: provider names are parts of file names, got {}",
            name.len()
        ));
    }
    if name.contains(['/', '\\']) {
        return Some(format!(
            "must not contain `/` or `\\`: provider names are parts of file names \
             (heatmap-days_to_warm_<provider>.png), got {name:?}"
        ));
    }
    RESERVED_PROVIDER_NAMES.contains(&name).then(|| {
        format!(
            "`{name}` is reserved: outputs name the sum over providers `all` (runs.csv column days_to_warm_all) and \
             `total` (the summary table's last row); rename the provider"
        )
    })
}

/// Why free text (a description) cannot be shown: a control character other
/// than newline (`\n`, or `\r\n` from a file with Windows line ends) or tab.
pub(crate) fn text_problem(text: &str) -> Option<String> {
    control_problem(&text.replace("\r\n", "\n"), &['\n', '\t'])
}

/// Why `label` made from a value (an axis value without an explicit label)
/// cannot be shown: a control character. Long labels are allowed, as values
/// such as volume tables are long.
pub(crate) fn derived_label_problem(label: &str) -> Option<String> {
    control_problem(label, &[])
}

fn control_problem(text: &str, allowed: &[char]) -> Option<String> {
    let (i, c) = text.chars().enumerate().find(|(_, c)| c.is_control() && !allowed.contains(c))?;
    let what = if allowed.is_empty() { "control characters" } else { "control characters other than newline and tab" };
    Some(format!("must not contain {what}, got {:?} at character {}", c, i + 1))
}

fn too_long(name: &str) -> Option<String> {
    let n = name.chars().count();
    (n > MAX_NAME_CHARS).then(|| format!("must have at most {MAX_NAME_CHARS} characters, got {n}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert_eq!(folder_name_problem("run-1_b"), None);
        for bad in ["", ".", "..", "a/b", "a\\b", "a b", "a\u{1b}[31m", "é"] {
            assert!(folder_name_problem(bad).is_some(), "{bad:?}");
        }
        assert_eq!(folder_name_problem(&"x".repeat(64)), None);
        assert_eq!(folder_name_problem(&"x".repeat(65)).as_deref(), Some("must have at most 64 characters, got 65"));
    }

    #[test]
    fn labels_and_texts() {
        assert_eq!(label_problem("gmx.de"), None);
        assert_eq!(
            label_problem("a\u{1b}[2J").as_deref(),
            Some("must not contain control characters, got '\\u{1b}' at character 2")
        );
        assert_eq!(label_problem("é".repeat(64).as_str()), None, "characters, not bytes");
        assert!(label_problem(&"é".repeat(65)).is_some());
        assert_eq!(text_problem("two\nlines\tand a tab"), None);
        assert!(text_problem("bell\u{7}").is_some() && text_problem("cr\r").is_some());
        assert_eq!(text_problem("windows\r\nline ends"), None);
        assert_eq!(derived_label_problem(&"[100, 200]".repeat(20)), None);
        assert_eq!(provider_name_problem("gmx.de"), None);
        assert!(provider_name_problem("../x").is_some() && provider_name_problem("a\\b").is_some());
        assert!(provider_name_problem("all").is_some() && provider_name_problem("total").is_some());
        assert!(label_problem(&"é".repeat(40)).is_none() && provider_name_problem(&"é".repeat(40)).is_some());
    }
}
