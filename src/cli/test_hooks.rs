//! Fault injection for ipwarm's own tests, through a hidden command-line flag
//! rather than environment variables, so that nothing in a user's environment
//! can change what the binary does.
//!
//! `--test-hook NAME=VALUE` (repeatable, after any command; hidden from `--help`):
//! - `stop-after=K`: a sweep stops after K runs, as if interrupted (exit 1);
//! - `fail-runs=I,J,...`: these runs of a sweep fail with an injected message;
//! - `part-runs=K`: a new sweep with Parquet series puts K runs in each part (not 1024), so
//!   that tests see several parts with few runs;
//! - `abort-at=POINT` or `abort-at=POINT#K`: the process aborts (SIGABRT) the K-th
//!   time it reaches POINT (default the first): `before-rename:FILE` (a crash-safe
//!   write about to rename FILE into place), `run-between-renames` (a run's old
//!   folder moved aside, the new one not yet in place), `sweep-before-finish`.
//!
//! Used by `tests/it/sweep.rs`, `tests/it/file_safety.rs` and `tests/it/slurm.rs`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::anyhow;

use super::Failure;

/// The hooks given on the command line.
#[derive(Debug, Default)]
pub struct TestHooks {
    /// Stop a sweep after this many runs.
    pub stop_after: Option<usize>,
    /// Runs of a sweep that fail.
    pub fail_runs: Vec<usize>,
    /// Runs per Parquet part of a new sweep.
    pub part_runs: Option<usize>,
    /// Abort at the k-th time this point is reached.
    abort_at: Option<(String, usize)>,
}

static HOOKS: OnceLock<TestHooks> = OnceLock::new();

/// Parses and installs the hooks (once, from `main`).
pub fn install(specs: &[String]) -> Result<(), Failure> {
    let mut hooks = TestHooks::default();
    for spec in specs {
        let bad = || {
            Failure::input(anyhow!(
                "--test-hook {spec}: expected stop-after=K, fail-runs=I,J, part-runs=K or abort-at=POINT[#K]"
            ))
        };
        let (name, value) = spec.split_once('=').ok_or_else(bad)?;
        match name {
            "stop-after" => hooks.stop_after = Some(value.parse().map_err(|_| bad())?),
            "part-runs" => hooks.part_runs = Some(value.parse().ok().filter(|&k| k > 0).ok_or_else(bad)?),
            "fail-runs" => {
                hooks.fail_runs =
                    value.split(',').map(|s| s.trim().parse()).collect::<Result<_, _>>().map_err(|_| bad())?;
            }
            "abort-at" => {
                let (point, k) = match value.split_once('#') {
                    Some((p, k)) => (p, k.parse().map_err(|_| bad())?),
                    None => (value, 1),
                };
                hooks.abort_at = Some((point.to_string(), k));
            }
            _ => return Err(bad()),
        }
    }
    let _ = HOOKS.set(hooks);
    Ok(())
}

/// The hooks in force (none unless `--test-hook` was given).
pub fn hooks() -> &'static TestHooks {
    HOOKS.get_or_init(TestHooks::default)
}

/// Aborts the process the k-th time `point` is reached, if `abort-at` names it.
pub fn abort_point(point: &str) {
    static HITS: AtomicUsize = AtomicUsize::new(0);
    if let Some((wanted, k)) = &hooks().abort_at
        && wanted == point
        && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *k
    {
        std::process::abort();
    }
}
