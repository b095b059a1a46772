//! The seed corpus: every shipped scenario, experiment and optimisation file, the ingest
//! fixtures (log files for `ipwarm ingest`), and the key names and table paths
//! found in the TOML files (the vocabulary of generated documents).

use std::collections::BTreeSet;
use std::path::Path;

use ipwarm::observed::Format;

use crate::support::root;

/// Which parser an input is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ipwarm::scenario::parse`, `ipwarm validate`, `ipwarm run`.
    Scenario,
    /// `ipwarm::sweep::parse_experiment`, `ipwarm sweep --dry-run`.
    Experiment,
    /// `ipwarm::optimize::parse_optimize`, `ipwarm optimize --dry-run`.
    Optimization,
    /// A log or export for `ipwarm ingest FORMAT` (the format, from `ipwarm::observed::Format`).
    Ingest(Format),
}

/// The ingest fixtures (`tests/fixtures/ingest/`) and their formats: the log-file seeds.
pub const INGEST_SEEDS: [(&str, Format); 6] = [
    ("ses.jsonl", Format::Ses),
    ("kumomta.jsonl", Format::Kumomta),
    ("postfix.log", Format::Postfix),
    ("postmaster.json", Format::Postmaster),
    ("snds.csv", Format::Snds),
    ("observed.csv", Format::Csv),
];

impl Kind {
    /// Every kind.
    pub fn all() -> impl Iterator<Item = Kind> {
        [Self::Scenario, Self::Experiment, Self::Optimization]
            .into_iter()
            .chain(Format::ALL.into_iter().map(Self::Ingest))
    }

    /// `scenario`, `experiment`, `optimization` or `ingest-FORMAT`: the middle extension of findings
    /// (`x.scenario.toml`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Scenario => "scenario",
            Self::Experiment => "experiment",
            Self::Optimization => "optimization",
            Self::Ingest(Format::Ses) => "ingest-ses",
            Self::Ingest(Format::Kumomta) => "ingest-kumomta",
            Self::Ingest(Format::Postfix) => "ingest-postfix",
            Self::Ingest(Format::Postmaster) => "ingest-postmaster",
            Self::Ingest(Format::Snds) => "ingest-snds",
            Self::Ingest(Format::Csv) => "ingest-csv",
        }
    }

    /// The kind a findings file name says (`x.scenario.toml`), if any.
    pub fn of_file(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy().into_owned();
        Self::all().find(|k| name.ends_with(&format!(".{}.toml", k.name())))
    }
}

/// One shipped file.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Path relative to the project root, e.g. `scenarios/blast.toml`.
    pub name: String,
    /// Its parser.
    pub kind: Kind,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Every shipped file and their vocabulary.
#[derive(Debug)]
pub struct Corpus {
    /// `scenarios/*.toml`, `experiments/*.toml` then `optimizations/*.toml`, sorted by name.
    pub seeds: Vec<Seed>,
    /// The ingest fixtures, in the order of [`INGEST_SEEDS`].
    pub logs: Vec<Seed>,
    /// Every key name (last segment) in the files, sorted.
    pub keys: Vec<String>,
    /// Every table path (`audience.providers`, `axes."strategy.growth"`), sorted.
    pub tables: Vec<String>,
    /// Every short string value (`exponential`, `gmail`, `../scenarios/default.toml`), sorted.
    pub words: Vec<String>,
}

impl Corpus {
    /// Reads the shipped files.
    pub fn load() -> Self {
        let mut seeds = Vec::new();
        let dirs =
            [("scenarios", Kind::Scenario), ("experiments", Kind::Experiment), ("optimizations", Kind::Optimization)];
        for (dir, kind) in dirs {
            let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
                .expect("corpus folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect();
            names.sort();
            for n in names {
                let name = format!("{dir}/{n}");
                seeds.push(Seed { bytes: std::fs::read(root().join(&name)).expect("corpus file"), name, kind });
            }
        }
        let mut v = Vocabulary::default();
        for s in &seeds {
            if let Ok(t) = toml::from_str::<toml::Table>(&String::from_utf8_lossy(&s.bytes)) {
                v.table(&t, "");
            }
        }
        assert!(seeds.len() >= 4 && v.keys.len() >= 20 && v.words.len() >= 20, "a corpus to fuzz from");
        assert!(seeds.iter().any(|s| s.kind == Kind::Optimization), "optimisation files to fuzz from");
        let list = |set: BTreeSet<String>| set.into_iter().collect();
        let logs = INGEST_SEEDS
            .iter()
            .map(|(file, format)| {
                let name = format!("tests/fixtures/ingest/{file}");
                Seed {
                    bytes: std::fs::read(root().join(&name)).expect("ingest fixture"),
                    name,
                    kind: Kind::Ingest(*format),
                }
            })
            .collect();
        Self { seeds, logs, keys: list(v.keys), tables: list(v.tables), words: list(v.words) }
    }

    /// The seeds of one kind.
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Seed> {
        self.seeds.iter().filter(move |s| s.kind == kind)
    }
}

/// A key as written in a table header: bare when it can be.
fn header_key(k: &str) -> String {
    if !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

#[derive(Default)]
struct Vocabulary {
    keys: BTreeSet<String>,
    tables: BTreeSet<String>,
    words: BTreeSet<String>,
}

impl Vocabulary {
    fn table(&mut self, t: &toml::Table, prefix: &str) {
        for (k, v) in t {
            self.keys.insert(k.clone());
            let path = if prefix.is_empty() { header_key(k) } else { format!("{prefix}.{}", header_key(k)) };
            self.value(v, &path);
        }
    }

    fn value(&mut self, v: &toml::Value, path: &str) {
        match v {
            toml::Value::String(s) if s.len() <= 40 => {
                self.words.insert(s.clone());
            }
            toml::Value::Table(inner) => {
                self.tables.insert(path.to_string());
                self.table(inner, path);
            }
            toml::Value::Array(items) => {
                for item in items {
                    self.value(item, path);
                }
            }
            _ => {}
        }
    }
}
