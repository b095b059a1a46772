//! Sampled designs through the real binary: Morris and Sobol sweeps are deterministic,
//! shardable, mergeable and resumable like every sweep (byte-identical files, charts
//! included), write `sensitivity.csv`, and the dry run counts their runs before any runs.

use crate::support::{assert_same_files, files, ipwarm, ok};
use std::fs;
use std::path::{Path, PathBuf};

/// A base scenario with a fast exponential ramp, so that warm days and inbox shares vary.
const BASE: &str = concat!("name = \"base\"\nhorizon_days = 12\n", crate::support::small_world!(),);

/// A sampled experiment on [`BASE`]: `design` lines, then three axes (a range, an integer
/// range and a distribution).
fn experiment(dir: &Path, name: &str, design: &str) -> PathBuf {
    fs::write(dir.join("base.toml"), BASE).unwrap();
    let text = format!(
        "name = \"{name}\"\nscenario = \"base.toml\"\nseed = 5\nreplicates = 2\nseries = false\n{design}\n\
         [axes]\n\"strategy.growth\" = {{ range = [1.1, 1.9] }}\n\
         \"strategy.start\" = {{ range = [200, 3000] }}\n\
         \"providers.gmail.trust_gain_per_day\" = {{ dist = \"lognormal\", median = 0.1, p90 = 0.15 }}\n"
    );
    let path = dir.join(format!("{name}.toml"));
    fs::write(&path, text).unwrap();
    path
}

fn sweep(dir: &Path, exp: &Path, out: &str, extra: &[&str]) {
    let mut args = vec!["sweep", exp.to_str().unwrap(), "--out", out];
    args.extend_from_slice(extra);
    ok(&ipwarm(dir, &args));
}

/// The rows of `sensitivity.csv` for `metric`: (parameter, index, estimate).
fn indices(dir: &Path, metric: &str) -> Vec<(String, String, f64)> {
    let text = fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("design,metric,parameter,index,estimate,ci_low,ci_high"));
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| f[1] == metric)
        .map(|f| (f[2].clone(), f[3].clone(), f[4].parse().unwrap_or(f64::NAN)))
        .collect()
}

#[test]
fn morris_and_sobol_sweeps_shard_merge_and_resume_to_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (name, design, points) in [
        ("morris", "design = \"morris\"\ntrajectories = 4", 4 * (3 + 1)),
        ("sobol", "design = \"sobol\"\nsamples = 8", 8 * (3 + 2)),
    ] {
        let exp = experiment(dir, name, design);
        // The dry run says how many runs the design needs, before anything runs.
        let dry = ipwarm(dir, &["sweep", exp.to_str().unwrap(), "--dry-run"]);
        ok(&dry);
        let first = String::from_utf8_lossy(&dry.stdout).lines().next().unwrap_or_default().to_string();
        let expected = format!("{points} design points x 2 replicates = {} runs ({name} design", points * 2);
        assert!(first.contains(&expected), "{first}");
        let whole = format!("{name}-whole");
        sweep(dir, &exp, &whole, &["--threads", "2"]);
        sweep(dir, &exp, &format!("{name}-t1"), &["--threads", "1"]);
        assert_same_files(&dir.join(&whole), &dir.join(format!("{name}-t1")));
        for k in 1..=2 {
            sweep(dir, &exp, &format!("{name}-s{k}"), &["--shard", &format!("{k}/2")]);
        }
        let s = |k: u32| format!("{name}-s{k}");
        ok(&ipwarm(dir, &["merge", &s(2), &s(1), "--out", &format!("{name}-merged")]));
        assert_same_files(&dir.join(&whole), &dir.join(format!("{name}-merged")));
        let cut = format!("{name}-cut");
        let stopped = std::process::Command::new(env!("CARGO_BIN_EXE_ipwarm"))
            .args(["sweep", exp.to_str().unwrap(), "--out", &cut, "--test-hook", "stop-after=7"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert_eq!(stopped.status.code(), Some(1));
        sweep(dir, &exp, &cut, &["--resume"]);
        assert_same_files(&dir.join(&whole), &dir.join(&cut));
        let names: Vec<String> = files(&dir.join(&whole)).into_iter().map(|(n, _)| n).collect();
        assert!(names.iter().any(|n| n == "sensitivity.csv"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("sensitivity-") && n.ends_with(".png")), "{names:?}");
        assert!(!names.iter().any(|n| n == "differences.csv"), "no differences against a drawn point: {names:?}");
        // The ramp's growth drives the inbox-delivered share of a 12-day ramp far more than
        // Gmail's trust gain; the indices say so.
        let index = if name == "sobol" { "ST" } else { "mu_star" };
        let ix = indices(&dir.join(&whole), "inbox_share");
        let get = |p: &str| ix.iter().find(|r| r.0 == p && r.1 == index).map(|r| r.2).unwrap_or(f64::NAN);
        assert!(get("strategy.growth") > get("providers.gmail.trust_gain_per_day"), "{name}: {ix:?}");
    }
}
