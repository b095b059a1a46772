//! Invariants of docs/ARCHITECTURE.md that a test can check by reading the sources.

use crate::support::root;
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a file without its `#[cfg(test)]` module (tests may do what they like).
fn non_test_code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("read");
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[test]
fn engine_knows_nothing_of_the_domain() {
    for file in rust_files(&root().join("src/engine")) {
        let code = non_test_code(&file);
        for module in ["model", "strategy", "scenario", "sim", "report", "cli"] {
            for pattern in [format!("crate::{module}"), format!("super::super::{module}")] {
                assert!(!code.contains(&pattern), "{} uses {pattern}", file.display());
            }
        }
    }
}

#[test]
fn stats_knows_nothing_of_the_simulator() {
    // src/stats (sensitivity estimators) is generic like the engine, whose RNG is all it may use.
    let files = rust_files(&root().join("src/stats"));
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        let code = non_test_code(&file);
        for module in ["model", "strategy", "scenario", "sim", "report", "sweep", "cli"] {
            for pattern in [format!("crate::{module}"), format!("super::super::{module}")] {
                assert!(!code.contains(&pattern), "{} uses {pattern}", file.display());
            }
        }
    }
}

#[test]
fn nothing_below_the_cli_prints() {
    let files = rust_files(&root().join("src"));
    assert!(files.len() > 20);
    for file in files {
        let rel = file.strip_prefix(root()).expect("under root").to_string_lossy().replace('\\', "/");
        if rel.starts_with("src/cli/") || rel == "src/main.rs" {
            continue;
        }
        let code = non_test_code(&file);
        for call in ["println!", "eprintln!", "print!(", "eprint!(", "dbg!(", "std::io::stdout", "std::io::stderr"] {
            assert!(!code.contains(call), "{rel} calls {call}: only src/cli may print");
        }
    }
}

#[test]
fn one_named_rng_and_no_hidden_generators() {
    for file in rust_files(&root().join("src")) {
        let code = non_test_code(&file);
        for banned in ["StdRng", "thread_rng", "rand::rng()", "SmallRng", "from_entropy", "OsRng"] {
            assert!(!code.contains(banned), "{} uses {banned}", file.display());
        }
    }
}

#[test]
fn strategies_see_only_what_a_sender_observes() {
    // The boundary is `strategy/observe.rs` (`ProviderObservation::of_day`): only it may read the model's day
    // counter; no strategy reads hidden state (reputation, the provider's allowance, the queue, the simulator).
    let hidden = ["Reputation", "HourlyLimit", "MtaQueue", "Counts", "crate::sim", "trust"];
    for file in rust_files(&root().join("src/strategy")) {
        if file.ends_with("observe.rs") {
            continue;
        }
        let code = non_test_code(&file);
        // Test helpers (`#[cfg(test)] mod test_support`) build sender views with warm IPs' settings.
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        for name in hidden {
            assert!(!code.contains(name), "{} uses {name}: strategies see only observations", file.display());
        }
    }
    let observe = non_test_code(&root().join("src/strategy/observe.rs"));
    let start = observe.find("pub struct ProviderObservation").expect("ProviderObservation");
    let body = &observe[start..start + observe[start..].find("\n}").expect("end of struct")];
    let fields: Vec<&str> = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split(':').next())
        .filter(|name| !name.starts_with("struct"))
        .collect();
    assert!(fields.contains(&"accepted") && fields.contains(&"deferred"), "fields read: {fields:?}");
    for field in fields {
        for secret in ["trust", "allowance", "reputation", "inbox", "junk", "trap", "placement"] {
            assert!(!field.contains(secret), "ProviderObservation exposes `{field}`, which a sender cannot see");
        }
        assert_ne!(field, "complaints", "the true complaint count is hidden: senders see feedback-loop reports");
    }
}

/// The layers of docs/ARCHITECTURE.md, in order: each may use only those before it.
const LAYERS: [&str; 14] = [
    "bounds", "engine", "stats", "model", "strategy", "scenario", "sim", "observed", "report", "sweep", "fit",
    "optimize", "export", "cli",
];

#[test]
fn each_layer_uses_only_the_layers_before_it() {
    let mut broken = Vec::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        let dir = root().join("src").join(layer);
        let files = if dir.is_dir() { rust_files(&dir) } else { vec![root().join("src").join(format!("{layer}.rs"))] };
        // Test modules (`tests.rs`, `tests_*.rs`) may use what they like.
        let is_test = |f: &Path| f.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.starts_with("tests"));
        for file in files.into_iter().filter(|f| !is_test(f)) {
            let code = non_test_code(&file);
            for later in &LAYERS[i + 1..] {
                if code.contains(&format!("crate::{later}::")) || code.contains(&format!("crate::{later}}}")) {
                    broken.push(format!("{} uses crate::{later}", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}
