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
