//! Key paths into a scenario document (`audience.segments[2].share`): building,
//! printing and parsing them.

use std::fmt;

/// One step of a key path: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Seg {
    /// A key of a table.
    Key(String),
    /// An index into an array (0-based).
    Index(usize),
}

/// A path from the document root to a key or array element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) struct KeyPath(Vec<Seg>);

impl KeyPath {
    /// The document root (empty path).
    pub(crate) fn root() -> Self {
        Self(Vec::new())
    }

    /// This path followed by table key `key`.
    pub(crate) fn key(&self, key: &str) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.to_string()));
        Self(segs)
    }

    /// This path followed by array index `index`.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Self(segs)
    }

    /// Appends one step in place.
    pub(crate) fn push(&mut self, seg: Seg) {
        self.0.push(seg);
    }

    /// The steps of the path.
    pub(crate) fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// The path without its last step (`None` for the root).
    pub(crate) fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }

    /// The last step if it is a table key.
    pub(crate) fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// Parses the printed form (`a.b[2]."quoted.key"`), as tests and experiment axes write them; `None` if malformed.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut segs = Vec::new();
        let mut chars = text.chars().peekable();
        let mut expect_key = true;
        while let Some(&c) = chars.peek() {
            match c {
                '[' => {
                    chars.next();
                    let mut digits = String::new();
                    for d in chars.by_ref() {
                        if d == ']' {
                            break;
                        }
                        digits.push(d);
                    }
                    segs.push(Seg::Index(digits.parse().ok()?));
                    expect_key = false;
                }
                '.' if !expect_key => {
                    chars.next();
                    expect_key = true;
                }
                '"' if expect_key => {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next()? {
                            '"' => break,
                            '\\' => key.push(chars.next()?),
                            other => key.push(other),
                        }
                    }
                    segs.push(Seg::Key(key));
                    expect_key = false;
                }
                _ if expect_key && is_bare(c) => {
                    let mut key = String::new();
                    while let Some(&k) = chars.peek() {
                        if !is_bare(k) {
                            break;
                        }
                        key.push(k);
                        chars.next();
                    }
                    segs.push(Seg::Key(key));
                    expect_key = false;
                }
                _ => return None,
            }
        }
        if expect_key && !segs.is_empty() {
            return None;
        }
        Some(Self(segs))
    }
}

/// Whether `c` may appear in a bare TOML key.
fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if !k.is_empty() && k.chars().all(is_bare) {
                        f.write_str(k)?;
                    } else {
                        write!(f, "\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\""))?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses_back() {
        let p = KeyPath::root().key("audience").key("segments").index(2).key("share");
        assert_eq!(p.to_string(), "audience.segments[2].share");
        assert_eq!(KeyPath::parse("audience.segments[2].share"), Some(p));
        let q = KeyPath::root().key("providers").key("gmx.de").key("x");
        assert_eq!(q.to_string(), "providers.\"gmx.de\".x");
        assert_eq!(KeyPath::parse(&q.to_string()), Some(q));
        assert_eq!(KeyPath::parse(""), Some(KeyPath::root()));
        assert_eq!(KeyPath::parse("a..b"), None);
        assert_eq!(KeyPath::parse("a."), None);
    }
}
