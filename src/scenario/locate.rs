//! The locator: maps key paths of a parsed TOML document (a scenario or an
//! experiment) to the byte spans of their keys and values in its text, spans to
//! 1-based `line:col` positions, and positions back to key paths.
//!
//! It is built from toml's spanned document ([`toml::de::DeTable`]), so it sees
//! dotted keys, inline tables, arrays and arrays of tables exactly as written.
//! Hand-written on purpose: no crate maps key paths to positions and back (snippet
//! renderers such as annotate-snippets, which draws the excerpts in `excerpt.rs`,
//! or miette only draw a span once it is found).

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::path::{KeyPath, Seg};

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pos {
    /// Line, from 1.
    pub(crate) line: usize,
    /// Column, from 1.
    pub(crate) col: usize,
}

/// One key or array element of the document, with its spans (byte ranges).
#[derive(Debug)]
struct Node {
    /// Span of the key that names it (`None` for the root and array elements).
    key: Option<Range<usize>>,
    /// Span of the value: the value itself, the `[header]` of a table, or the
    /// first key of a table created implicitly by a dotted key or header.
    value: Range<usize>,
    /// Keys of a table or elements of an array.
    children: Vec<(Seg, Node)>,
}

impl Node {
    fn build(value: &Spanned<DeValue<'_>>, key: Option<Range<usize>>) -> Self {
        let children = match value.get_ref() {
            DeValue::Table(table) => Self::table_children(table),
            DeValue::Array(array) => {
                array.iter().enumerate().map(|(i, v)| (Seg::Index(i), Self::build(v, None))).collect()
            }
            _ => Vec::new(),
        };
        Self { key, value: value.span(), children }
    }

    /// Children of a table, in the order their keys appear in the text.
    fn table_children(table: &DeTable<'_>) -> Vec<(Seg, Node)> {
        let mut children: Vec<(Seg, Node)> =
            table.iter().map(|(k, v)| (Seg::Key(k.get_ref().to_string()), Self::build(v, Some(k.span())))).collect();
        children.sort_by_key(|(_, n)| n.key.as_ref().map_or(n.value.start, |k| k.start));
        children
    }

    fn child(&self, seg: &Seg) -> Option<&Node> {
        self.children.iter().find(|(s, _)| s == seg).map(|(_, n)| n)
    }

    fn covers(&self, offset: usize) -> bool {
        let inside = |r: &Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
        self.key.as_ref().is_some_and(inside) || (self.value != (0..0) && inside(&self.value))
    }
}

/// Positions of the keys and values of one scenario document.
#[derive(Debug)]
pub(crate) struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    root: Node,
}

impl<'a> Locator<'a> {
    /// A locator for `text`, whose parsed (possibly partial) document is `doc`.
    pub(crate) fn new(text: &'a str, doc: &Spanned<DeTable<'_>>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let root = Node { key: None, value: 0..0, children: Node::table_children(doc.get_ref()) };
        Self { text, line_starts, root }
    }

    /// The text of the document.
    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    /// The text of the document between byte offsets `span` (`None` if out of bounds).
    pub(crate) fn slice(&self, span: Range<usize>) -> Option<&'a str> {
        self.text.get(span)
    }

    /// The 1-based line and column of byte `offset`.
    pub(crate) fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(offset - start, |s| s.chars().count());
        Pos { line, col: col + 1 }
    }

    /// The node at `path` and the deepest node on the way to it.
    fn walk(&self, path: &KeyPath) -> (Option<&Node>, &Node) {
        let mut node = &self.root;
        for seg in path.segs() {
            match node.child(seg) {
                Some(child) => node = child,
                None => return (None, node),
            }
        }
        (Some(node), node)
    }

    /// The span of the value at `path`. For a table defined by a header this is
    /// its `[header]`; for a missing key, the header of the nearest enclosing
    /// table that exists; `None` for the root (a missing top-level key, located
    /// at 1:1).
    pub(crate) fn value_span(&self, path: &KeyPath) -> Option<Range<usize>> {
        let (_, node) = self.walk(path);
        (!std::ptr::eq(node, &self.root)).then(|| node.value.clone())
    }

    /// The span of the key at `path` (its value for array elements); for a
    /// missing key, as [`Self::value_span`].
    pub(crate) fn key_span(&self, path: &KeyPath) -> Option<Range<usize>> {
        let (found, _) = self.walk(path);
        found.and_then(|n| n.key.clone()).or_else(|| self.value_span(path))
    }

    /// Where `span` starts (1:1 for none).
    pub(crate) fn start(&self, span: Option<&Range<usize>>) -> Pos {
        self.pos(span.map_or(0, |s| s.start))
    }

    /// Keys of the table at `path` in the order they appear in the text.
    pub(crate) fn keys(&self, path: &KeyPath) -> Vec<String> {
        match self.walk(path) {
            (Some(node), _) => node
                .children
                .iter()
                .filter_map(|(seg, _)| match seg {
                    Seg::Key(k) => Some(k.clone()),
                    Seg::Index(_) => None,
                })
                .collect(),
            (None, _) => Vec::new(),
        }
    }

    /// The path of the innermost key or element whose key or value span covers
    /// byte `offset` (the root if none does).
    pub(crate) fn path_at(&self, offset: usize) -> KeyPath {
        let mut best = KeyPath::root();
        let mut current = KeyPath::root();
        Self::search(&self.root, offset, &mut current, &mut best);
        best
    }

    fn search(node: &Node, offset: usize, current: &mut KeyPath, best: &mut KeyPath) {
        for (seg, child) in &node.children {
            let mut path = current.clone();
            path.push(seg.clone());
            if child.covers(offset) && path.segs().len() > best.segs().len() {
                *best = path.clone();
            }
            Self::search(child, offset, &mut path, best);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Positions of the key and of the value at `path` in `text`, as `(line, col)`.
    fn at(text: &str, path: &str) -> ((usize, usize), (usize, usize)) {
        let doc = DeTable::parse(text).expect("valid toml");
        let loc = Locator::new(text, &doc);
        let path = KeyPath::parse(path).expect("valid path");
        let k = loc.start(loc.key_span(&path).as_ref());
        let v = loc.start(loc.value_span(&path).as_ref());
        ((k.line, k.col), (v.line, v.col))
    }

    const DOC: &str = r#"name = "x"
a.b.c = 1

[audience]
size = 10
  [audience.providers]
  gmail = 0.5
  "gmx.de" = 0.5

[[audience.segments]]
name = "s0"

[[audience.segments]]
name = "s1"
share = 0.2

[providers.gmail]
feedback = { kind = "none", delay_hours = 3 }
defer_reply.code = "421"

[strategy]
daily_volumes = [50,
   100, 200]
"#;

    #[test]
    fn plain_keys_and_values() {
        assert_eq!(at(DOC, "name"), ((1, 1), (1, 8)));
        assert_eq!(at(DOC, "audience.size"), ((5, 1), (5, 8)));
        assert_eq!(at(DOC, "audience.providers.gmail"), ((7, 3), (7, 11)));
        assert_eq!(at(DOC, "audience.providers.\"gmx.de\""), ((8, 3), (8, 14)));
    }

    #[test]
    fn dotted_keys() {
        assert_eq!(at(DOC, "a.b.c"), ((2, 5), (2, 9)));
        assert_eq!(at(DOC, "a.b"), ((2, 3), (2, 3)));
        assert_eq!(at(DOC, "providers.gmail.defer_reply.code"), ((19, 13), (19, 20)));
    }

    #[test]
    fn tables_point_at_their_header() {
        assert_eq!(at(DOC, "audience").1, (4, 1));
        assert_eq!(at(DOC, "audience.providers").1, (6, 3));
        assert_eq!(at(DOC, "providers.gmail").1, (17, 1));
    }

    #[test]
    fn deep_headers_locate_their_tables_and_implicit_parents() {
        // `[providers.gmail.retry]` alone creates `providers` and `providers.gmail`
        // implicitly: each is located at its key in the header, never at 1:1.
        let text = "x = 1\n\n[providers.gmail.retry]\nfoo = 1\n[a]\n[providers.gmail]\nz = 2\n";
        assert_eq!(at(text, "providers"), ((3, 2), (3, 2)));
        assert_eq!(at(text, "providers.gmail.retry"), ((3, 18), (3, 1)));
        assert_eq!(at(text, "providers.gmail.retry.foo"), ((4, 1), (4, 7)));
        assert_eq!(at(text, "providers.gmail.retry.missing"), ((3, 1), (3, 1)));
        assert_eq!(at(text, "providers.gmail").1, (6, 1), "defined later by its own header");
        assert_eq!(at(text, "providers.gmail.missing").1, (6, 1));
        let doc = DeTable::parse(text).expect("valid toml");
        let loc = Locator::new(text, &doc);
        assert_eq!(loc.path_at(text.find("foo").expect("foo")).to_string(), "providers.gmail.retry.foo");
    }

    #[test]
    fn inline_tables() {
        assert_eq!(at(DOC, "providers.gmail.feedback"), ((18, 1), (18, 12)));
        assert_eq!(at(DOC, "providers.gmail.feedback.delay_hours"), ((18, 29), (18, 43)));
    }

    #[test]
    fn arrays_of_tables_and_arrays() {
        assert_eq!(at(DOC, "audience.segments").1, (10, 1));
        assert_eq!(at(DOC, "audience.segments[1]"), ((13, 1), (13, 1)));
        assert_eq!(at(DOC, "audience.segments[1].share"), ((15, 1), (15, 9)));
        assert_eq!(at(DOC, "strategy.daily_volumes[0]").1, (22, 18));
        assert_eq!(at(DOC, "strategy.daily_volumes[2]").1, (23, 9));
    }

    #[test]
    fn missing_keys_point_at_the_nearest_table() {
        assert_eq!(at(DOC, "audience.segments[0].share"), ((10, 1), (10, 1)));
        assert_eq!(at(DOC, "strategy.kind"), ((21, 1), (21, 1)));
        assert_eq!(at(DOC, "retry.backoff_factor"), ((1, 1), (1, 1)));
        assert_eq!(at(DOC, "audience.segments[5].name"), ((10, 1), (10, 1)));
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(at("description = \"é\"\nx = 1\n", "x").1, (2, 5));
        assert_eq!(at("t = { a = \"éé\", b = 1 }\n", "t.b"), ((1, 17), (1, 21)));
    }

    #[test]
    fn positions_back_to_paths() {
        let doc = DeTable::parse(DOC).expect("valid toml");
        let loc = Locator::new(DOC, &doc);
        let offset_of = |needle: &str| DOC.find(needle).expect("needle");
        assert_eq!(loc.path_at(offset_of("0.2")).to_string(), "audience.segments[1].share");
        assert_eq!(loc.path_at(offset_of("200")).to_string(), "strategy.daily_volumes[2]");
        assert_eq!(loc.path_at(offset_of("3 }")).to_string(), "providers.gmail.feedback.delay_hours");
        assert_eq!(loc.path_at(offset_of("[strategy]")).to_string(), "strategy");
        assert_eq!(loc.path_at(0).to_string(), "name");
        assert_eq!(loc.path_at(offset_of("\n\n[audience]")).to_string(), "");
    }

    #[test]
    fn keys_in_file_order() {
        let text = "[audience.providers]\nyahoo = 0.2\napple = 0.3\ngmail = 0.5\n";
        let doc = DeTable::parse(text).expect("valid toml");
        let loc = Locator::new(text, &doc);
        let path = KeyPath::root().key("audience").key("providers");
        assert_eq!(loc.keys(&path), vec!["yahoo", "apple", "gmail"]);
        assert_eq!(loc.keys(&path.key("gmx")), Vec::<String>::new());
    }
}
