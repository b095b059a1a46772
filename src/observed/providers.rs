//! Which mailbox provider a recipient domain or an MX host belongs to: a
//! built-in table of the big consumer providers (documented in docs/FIT.md,
//! "Ingest"), extendable from a TOML file (`ipwarm ingest --providers FILE`).
//! Anything unknown is `other`. Provider names are scenario provider names.
//!
//! Patterns: `gmail.com` matches that domain exactly; `hotmail.*` matches the
//! name under any top-level domain (`hotmail.com`, `hotmail.co.uk`); an MX
//! pattern `.yahoodns.net` (or `*.yahoodns.net`) matches any host ending so.
//! Matching ignores case and a trailing dot (`gmail-smtp-in.l.google.com.`).
//! The user's entries come first, then the built-in ones.
//!
//! ```toml
//! [domains]
//! "example-isp.net" = "example"
//! "gmx.*" = "gmx"
//! [mx]
//! ".mail.protection.outlook.com" = "microsoft365"
//! ```

use toml::de::{DeTable, DeValue};

use super::problem::{Location, ObservedError, Problems, quoted};

/// The provider of anything the table does not know.
pub const OTHER: &str = "other";

/// Built-in recipient domains: (pattern, provider).
pub const BUILTIN_DOMAINS: [(&str, &str); 13] = [
    ("gmail.com", "gmail"),
    ("googlemail.com", "gmail"),
    ("outlook.com", "microsoft"),
    ("hotmail.*", "microsoft"),
    ("live.com", "microsoft"),
    ("msn.com", "microsoft"),
    ("yahoo.*", "yahoo"),
    ("aol.com", "yahoo"),
    ("ymail.com", "yahoo"),
    ("rocketmail.com", "yahoo"),
    ("icloud.com", "apple"),
    ("me.com", "apple"),
    ("mac.com", "apple"),
];

/// Built-in MX host suffixes: (pattern, provider).
pub const BUILTIN_MX: [(&str, &str); 5] = [
    (".google.com", "gmail"),
    (".googlemail.com", "gmail"),
    (".protection.outlook.com", "microsoft"),
    (".yahoodns.net", "yahoo"),
    (".icloud.com", "apple"),
];

/// Longest provider map file read (bytes).
const MAX_MAP_BYTES: usize = 1 << 20;

/// One pattern, normalised (lower case, no trailing dot).
#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    /// Exactly this name.
    Exact(String),
    /// This name under any top-level domain (`hotmail.*`): the label(s) before it.
    AnyTld(String),
    /// Any host ending with this suffix (which starts with a dot).
    Suffix(String),
}

impl Pattern {
    fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().trim_end_matches('.').to_ascii_lowercase();
        let t = t.strip_prefix('*').map(str::to_string).unwrap_or(t);
        let ok = |s: &str| {
            !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        };
        if let Some(base) = t.strip_suffix(".*") {
            return if ok(base) && !base.starts_with('.') {
                Ok(Pattern::AnyTld(base.to_string()))
            } else {
                Err(bad(text))
            };
        }
        if ok(&t) && !t.contains("..") && t != "." {
            return Ok(if t.starts_with('.') { Pattern::Suffix(t) } else { Pattern::Exact(t) });
        }
        Err(bad(text))
    }

    /// Whether `name` (lower case, no trailing dot) matches.
    fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(p) => name == p,
            Pattern::Suffix(s) => name.ends_with(s.as_str()),
            Pattern::AnyTld(base) => name
                .strip_prefix(base.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|tld| !tld.is_empty() && tld.split('.').count() <= 2),
        }
    }
}

fn bad(text: &str) -> String {
    format!(
        "expected a domain (`example.com`), a name under any top-level domain (`example.*`) \
         or a suffix (`.example.com`), got {}",
        quoted(text)
    )
}

/// The domain and MX table: the user's entries, then the built-in ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderMap {
    domains: Vec<(Pattern, String)>,
    mx: Vec<(Pattern, String)>,
}

impl Default for ProviderMap {
    /// The built-in table.
    fn default() -> Self {
        let built = |list: &[(&str, &str)]| -> Vec<(Pattern, String)> {
            list.iter().filter_map(|(p, name)| Some((Pattern::parse(p).ok()?, name.to_string()))).collect()
        };
        Self { domains: built(&BUILTIN_DOMAINS), mx: built(&BUILTIN_MX) }
    }
}

impl ProviderMap {
    /// The provider of the recipient domain `domain` (`other` if unknown).
    pub fn of_domain(&self, domain: &str) -> &str {
        lookup(&self.domains, domain).unwrap_or(OTHER)
    }

    /// The provider of the MX host `host`, if the table knows it.
    pub fn of_mx(&self, host: &str) -> Option<&str> {
        lookup(&self.mx, host)
    }

    /// The provider of a recipient address (`rcpt@domain`, optionally in `<>`): by its domain.
    pub fn of_address(&self, address: &str) -> &str {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        match address.rsplit_once('@') {
            Some((_, domain)) => self.of_domain(domain),
            None => OTHER,
        }
    }

    /// The provider of a message: its MX host if known, else its recipient's domain.
    pub fn of_message(&self, mx_host: Option<&str>, recipient: &str) -> &str {
        mx_host.and_then(|h| self.of_mx(h)).unwrap_or_else(|| self.of_address(recipient))
    }

    /// The built-in table extended by the TOML file `text` named `source`
    /// (tables `[domains]` and `[mx]`, pattern = provider); every problem located.
    pub fn with_file(text: &str, source: &str) -> Result<Self, ObservedError> {
        let mut problems = Problems::default();
        let at = |offset: usize| location(text, source, offset);
        if text.len() > MAX_MAP_BYTES {
            problems.push(at(0), format!("file larger than {MAX_MAP_BYTES} bytes"));
            return Err(problems.into());
        }
        let doc = match DeTable::parse(text) {
            Ok(doc) => doc,
            Err(e) => {
                problems.push(at(e.span().map_or(0, |s| s.start)), e.message().trim().to_string());
                return Err(problems.into());
            }
        };
        let mut user = Self { domains: Vec::new(), mx: Vec::new() };
        for (key, value) in doc.get_ref() {
            let list = match key.get_ref().as_ref() {
                "domains" => &mut user.domains,
                "mx" => &mut user.mx,
                other => {
                    problems.push(at(key.span().start), format!("unknown table `{other}`: expected `domains` or `mx`"));
                    continue;
                }
            };
            let DeValue::Table(entries) = value.get_ref() else {
                problems.push(at(value.span().start), format!("`{}` must be a table", key.get_ref()));
                continue;
            };
            for (pattern, provider) in entries {
                let pattern_text = pattern.get_ref().as_ref();
                match Pattern::parse(pattern_text) {
                    Ok(p) => match provider.get_ref() {
                        DeValue::String(name) => match super::csv::name(name) {
                            Ok(name) => list.push((p, name)),
                            Err(m) => problems.push(at(provider.span().start), format!("{pattern_text}: {m}")),
                        },
                        _ => problems
                            .push(at(provider.span().start), format!("{pattern_text}: expected a provider name")),
                    },
                    Err(m) => problems.push(at(pattern.span().start), m),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems.into());
        }
        let builtin = Self::default();
        user.domains.extend(builtin.domains);
        user.mx.extend(builtin.mx);
        Ok(user)
    }
}

/// The provider of the first pattern matching `name`.
fn lookup<'a>(list: &'a [(Pattern, String)], name: &str) -> Option<&'a str> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    list.iter().find(|(p, _)| p.matches(&name)).map(|(_, provider)| provider.as_str())
}

/// The line and column (from 1, characters) of byte `offset` of `text`.
fn location(text: &str, source: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    Location { source: source.to_string(), line, column: Some(column) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_knows_the_big_providers() {
        let map = ProviderMap::default();
        let cases = [
            ("rcpt-0001@gmail.com", "gmail"),
            ("<rcpt-0002@GoogleMail.com>", "gmail"),
            ("rcpt-0003@hotmail.co.uk", "microsoft"),
            ("rcpt-0004@msn.com", "microsoft"),
            ("rcpt-0005@yahoo.fr", "yahoo"),
            ("rcpt-0006@aol.com", "yahoo"),
            ("rcpt-0007@me.com", "apple"),
            ("rcpt-0008@example.com", "other"),
            ("rcpt-0009@notyahoo.com", "other"),
            ("no-at-sign", "other"),
        ];
        for (address, provider) in cases {
            assert_eq!(map.of_address(address), provider, "{address}");
        }
        assert_eq!(map.of_mx("gmail-smtp-in.l.google.com."), Some("gmail"));
        assert_eq!(map.of_mx("hotmail-com.olc.protection.outlook.com"), Some("microsoft"));
        assert_eq!(map.of_mx("mta6.am0.yahoodns.net"), Some("yahoo"));
        assert_eq!(map.of_mx("mx01.mail.icloud.com"), Some("apple"));
        assert_eq!(map.of_mx("mx.example.net"), None);
        assert_eq!(map.of_message(Some("aspmx.l.google.com"), "rcpt-1@example.org"), "gmail");
        assert_eq!(map.of_message(Some("mx.example.net"), "rcpt-1@icloud.com"), "apple");
    }

    #[test]
    fn a_user_file_comes_first_and_its_problems_are_located() {
        let text = "[domains]\n\"example.org\" = \"corp\"\n\"gmail.com\" = \"gmail-personal\"\n\
                    [mx]\n\"*.mail.protection.outlook.com\" = \"m365\"\n";
        let map = ProviderMap::with_file(text, "p.toml").expect("valid");
        assert_eq!(map.of_address("rcpt-1@example.org"), "corp");
        assert_eq!(map.of_address("rcpt-1@gmail.com"), "gmail-personal");
        assert_eq!(map.of_mx("contoso-com.mail.protection.outlook.com"), Some("m365"));
        assert_eq!(map.of_mx("x.olc.protection.outlook.com"), Some("microsoft"));
        let bad = "[domains]\n\"a b\" = \"x\"\n\"ok.com\" = 3\n[other]\n";
        let e = ProviderMap::with_file(bad, "p.toml").expect_err("invalid");
        let shown: Vec<String> = e.problems.iter().map(ToString::to_string).collect();
        assert!(shown[0].starts_with("p.toml:2:1: expected a domain"), "{shown:?}");
        assert_eq!(shown[1], "p.toml:3:12: ok.com: expected a provider name");
        assert_eq!(shown[2], "p.toml:4:2: unknown table `other`: expected `domains` or `mx`");
        let syntax = ProviderMap::with_file("[domains\n", "p.toml").expect_err("syntax");
        assert!(syntax.to_string().starts_with("p.toml:1:"), "{syntax}");
    }
}
