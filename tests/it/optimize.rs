//! `ipwarm optimize`: the search against an exhaustive grid sweep of a small
//! discrete space, determinism across threads, resume after an interruption,
//! the best plan exported and run back, and bad files.

use std::fs;
use std::path::{Path, PathBuf};

use ipwarm::optimize::search::{self, Memo};
use ipwarm::optimize::{OptimizeSpec, parse_optimize};
use ipwarm::stats::chance::{clopper_pearson_lower, clopper_pearson_upper};
use ipwarm::sweep::Flow;
use rayon::prelude::*;

use crate::support::{ipwarm, ok, read_csv};

/// The small scenario every test optimises: five providers, one new IP, 60 days.
const BASE: &str = concat!("name = \"small\"\nhorizon_days = 60\n", crate::support::small_world!());

/// An optimisation of `exponential`'s start and growth on a 5 x 5 grid (steps):
/// fastest warm-up with P(a 4xx burst above 30% of a day's attempts) <= 10% and
/// P(not warm by day 44) <= 10% (which grows gradually with the growth factor).
fn optimization(budget: u64) -> String {
    format!(
        r#"name = "grid_check"
scenario = "base.toml"
seed = 3
budget = {budget}

[strategy]
kind = "exponential"
target = 50000

[search]
start = {{ min = 500, max = 4500, step = 1000 }}
growth = {{ min = 1.1, max = 1.9, step = 0.2 }}

[objective]
minimise = "days_to_warm_all"

[[constraint]]
metric = "peak_deferral_rate"
above = 0.3
max_probability = 0.1

[[constraint]]
metric = "days_to_warm_all"
above = 44
max_probability = 0.1

[optimizer]
population = 6
initial_replicates = 4
max_replicates = 32
verify_replicates = 60
verify_candidates = 2
compare_replicates = 6
compare_presets = ["kumo_conservative"]
"#
    )
}

/// Writes the base scenario and the optimisation file into `dir`; returns the file.
fn write_files(dir: &Path, budget: u64) -> PathBuf {
    fs::write(dir.join("base.toml"), BASE).expect("write base");
    let path = dir.join("opt.toml");
    fs::write(&path, optimization(budget)).expect("write optimisation");
    path
}

fn parse(dir: &Path, budget: u64) -> OptimizeSpec {
    let path = write_files(dir, budget);
    let text = fs::read_to_string(&path).expect("read");
    let mut read = |file: &str| -> Result<(String, String), String> {
        let full = dir.join(file);
        fs::read_to_string(&full).map(|t| (full.display().to_string(), t)).map_err(|e| e.to_string())
    };
    parse_optimize(&text, "opt.toml", &mut read).expect("valid optimisation")
}

/// The grid's statistics of one point: mean objective and each constraint's violations over `reps` runs.
fn grid_point(spec: &OptimizeSpec, values: &[f64], reps: u32) -> (f64, Vec<u64>) {
    let scenario = spec.candidate(values).expect("a grid point runs");
    let runs: Vec<_> = (0..reps)
        .map(|r| search::score_run(spec, &scenario, ipwarm::engine::derive_seed(99, &[u64::from(r)])).expect("run"))
        .collect();
    let mean = runs.iter().map(|r| r.objective).sum::<f64>() / f64::from(reps);
    let violations = (0..spec.constraints.len()).map(|c| runs.iter().filter(|r| r.violated[c]).count() as u64);
    (mean, violations.collect())
}

#[test]
fn finds_the_grid_optimum_within_a_day_with_a_fifth_of_the_runs_and_never_calls_an_unsafe_plan_safe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let grid_reps = 80u32;
    let starts: Vec<f64> = (0..5).map(|i| 500.0 + 1000.0 * f64::from(i)).collect();
    let growths: Vec<f64> = (0..5).map(|i| 1.1 + 0.2 * f64::from(i)).collect();
    let grid_runs = (starts.len() * growths.len()) as u64 * u64::from(grid_reps);
    let spec = parse(dir.path(), grid_runs / 5);
    let optimum = search::optimize(&spec, &Memo::new(), 2, &mut |_| Flow::Continue).expect("optimises");
    let spent = optimum.search_runs + optimum.verified.iter().map(|v| v.stats.n).sum::<u64>();
    assert!(spent <= grid_runs / 5, "{spent} runs, the grid {grid_runs}");
    // The grid: every point at the values the optimiser would give it (its grid).
    let points: Vec<Vec<f64>> = starts
        .iter()
        .flat_map(|s| growths.iter().map(move |g| vec![*s, *g]))
        .map(|v| spec.space.values_at(&spec.space.units_of(&v)))
        .collect();
    let grid: Vec<(f64, Vec<u64>)> = points.par_iter().map(|v| grid_point(&spec, v, grid_reps)).collect();
    if std::env::var_os("IPWARM_PRINT_GRID").is_some() {
        for (p, g) in points.iter().zip(&grid) {
            eprintln!("{p:?}: {:.2} days, {:?} violations", g.0, g.1);
        }
    }
    let n = u64::from(grid_reps);
    // The grid's safe points: every constraint's 95% upper bound over its runs within the limit.
    let feasible = |(_, k): &&(f64, Vec<u64>)| {
        k.iter().zip(&spec.constraints).all(|(k, c)| clopper_pearson_upper(*k, n, 0.95) <= c.max_probability)
    };
    let best_grid = grid.iter().filter(|p| feasible(p)).map(|p| p.0).fold(f64::INFINITY, f64::min);
    assert!(best_grid.is_finite(), "some grid point is safe");
    let best = optimum.best.expect("a safe plan");
    let values = &optimum.candidates[optimum.verified[best].candidate].values;
    let at = points.iter().position(|p| p == values).expect("the best plan is a grid point");
    eprintln!(
        "optimiser: {spent} runs, best {values:?} at {} days on the grid; grid best {best_grid} ({grid_runs} runs)",
        grid[at].0
    );
    assert!(
        grid[at].0 <= best_grid + 1.0,
        "best plan {:?}: {} days on the grid, grid best {best_grid}",
        values,
        grid[at].0
    );
    // Never safe where the grid shows it unsafe (its lower bound above the limit).
    let mut unsafe_points = 0;
    for g in &grid {
        let shown =
            g.1.iter().zip(&spec.constraints).any(|(k, c)| clopper_pearson_lower(*k, n, 0.95) > c.max_probability);
        unsafe_points += usize::from(shown);
    }
    assert!(unsafe_points > 0, "the grid has unsafe points, so the check below can fail");
    for v in optimum.verified.iter().filter(|v| v.safe) {
        let values = &optimum.candidates[v.candidate].values;
        let at = points.iter().position(|p| p == values).expect("a grid point");
        for (c, constraint) in spec.constraints.iter().enumerate() {
            let lower = clopper_pearson_lower(grid[at].1[c], n, 0.95);
            assert!(lower <= constraint.max_probability, "{values:?} safe, the grid's lower bound {lower}");
            let upper = clopper_pearson_upper(v.stats.violations[c], v.stats.n, optimum.bound_confidence);
            assert!(upper <= constraint.max_probability);
        }
    }
}

/// Runs `ipwarm optimize` in `dir` into `out` with extra arguments.
fn optimize(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["optimize", "opt.toml", "--out", out];
    args.extend(extra);
    ipwarm(dir, &args)
}

/// Every file of `dir` and of its `comparison/`, by name.
fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for (prefix, folder) in [("", dir.to_path_buf()), ("comparison/", dir.join("comparison"))] {
        for entry in fs::read_dir(&folder).expect("output folder") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path.file_name().expect("name").to_string_lossy();
                v.push((format!("{prefix}{name}"), fs::read(&path).expect("read")));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn outputs_do_not_depend_on_threads_and_a_resumed_optimisation_equals_an_uninterrupted_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), 400);
    ok(&optimize(dir.path(), "one", &["--threads", "1"]));
    ok(&optimize(dir.path(), "two", &["--threads", "2"]));
    assert_eq!(all_files(&dir.path().join("one")), all_files(&dir.path().join("two")), "threads 1 and 2");
    let names: Vec<String> = fs::read_dir(dir.path().join("one"))
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for name in
        ["candidates.csv", "convergence.csv", "front.csv", "best_plan.toml", "best_outcomes.csv", "summary.json"]
            .iter()
            .chain(&["front.png", "convergence.png", "evaluations.csv", "comparison"])
    {
        assert!(names.iter().any(|n| n == name), "{name} missing: {names:?}");
    }
    assert!(dir.path().join("one/comparison/differences.csv").exists());
    // Interrupted after 100 runs, then resumed.
    let stopped = optimize(dir.path(), "resumed", &["--threads", "2", "--test-hook", "stop-after=100"]);
    assert_eq!(stopped.status.code(), Some(1), "{}", String::from_utf8_lossy(&stopped.stderr));
    let (_, rows) = read_csv(&dir.path().join("resumed/evaluations.csv"));
    assert_eq!(rows.len(), 100);
    // A torn last row, as a kill leaves it.
    let path = dir.path().join("resumed/evaluations.csv");
    let mut text = fs::read(&path).expect("read");
    text.extend_from_slice(b"start=500;growth=1.1,sea");
    fs::write(&path, text).expect("write");
    let resumed = optimize(dir.path(), "resumed", &["--threads", "2", "--resume"]);
    ok(&resumed);
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("100 runs read back"));
    assert_eq!(all_files(&dir.path().join("one")), all_files(&dir.path().join("resumed")), "resumed");
    // Without --resume an existing folder is refused.
    let again = optimize(dir.path(), "one", &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    // `comparison/` is ipwarm's while its own marker covers it: a file planted there makes the folder foreign.
    fs::write(dir.path().join("two/comparison/notes.txt"), "mine").expect("plant");
    let refused = optimize(dir.path(), "two", &["--overwrite"]);
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("comparison"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(dir.path().join("two/comparison/notes.txt").exists(), "nothing deleted");
    fs::remove_file(dir.path().join("two/comparison/notes.txt")).expect("unplant");
    ok(&optimize(dir.path(), "two", &["--overwrite", "--threads", "2"]));
    assert_eq!(all_files(&dir.path().join("one")), all_files(&dir.path().join("two")), "replaced");
}

#[test]
fn the_best_plan_runs_and_its_exported_schedule_runs_back_to_the_same_days() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), 400);
    ok(&optimize(dir.path(), "opt", &["--threads", "2"]));
    let plan = dir.path().join("opt/best_plan.toml");
    assert!(plan.exists());
    let (_, outcomes) = read_csv(&dir.path().join("opt/best_outcomes.csv"));
    let seed = outcomes[0][1].clone();
    ok(&ipwarm(dir.path(), &["run", "opt/best_plan.toml", "--seed", &seed, "--out", "plan-run"]));
    // The days to warm of that run are the first verification run's.
    let summary = fs::read_to_string(dir.path().join("plan-run/summary.json")).expect("summary");
    assert!(summary.contains("\"seed\""), "{summary}");
    ok(&ipwarm(dir.path(), &["export", "opt/best_plan.toml", "--format", "scenario", "--out", "exported"]));
    let exported = fs::read_dir(dir.path().join("exported"))
        .expect("export folder")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|e| e == "toml"))
        .expect("the schedule scenario");
    let exported = exported.display().to_string();
    ok(&ipwarm(dir.path(), &["run", &exported, "--seed", &seed, "--out", "schedule-run"]));
    let daily = |d: &str| fs::read(dir.path().join(d).join("daily.csv")).expect("daily.csv");
    assert!(daily("plan-run") == daily("schedule-run"), "the exported schedule runs back to the same daily.csv");
}

#[test]
fn bad_files_give_every_problem_located_and_exit_2_before_any_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), 400);
    let text = optimization(400)
        .replace("growth = { min = 1.1", "growht = { min = 1.1")
        .replace("max_probability = 0.1", "max_probability = 1.5");
    fs::write(dir.path().join("bad.toml"), text).expect("write");
    let out = ipwarm(dir.path(), &["optimize", "bad.toml", "--out", "never"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:"), "{err}");
    assert!(err.contains("growht"), "{err}");
    assert!(err.contains("max_probability"), "{err}");
    assert!(!dir.path().join("never").exists(), "nothing written");
    // --dry-run shows the plan of the search and runs nothing.
    let dry = ipwarm(dir.path(), &["optimize", "opt.toml", "--out", "never", "--dry-run"]);
    ok(&dry);
    let shown = String::from_utf8_lossy(&dry.stdout);
    assert!(shown.contains("budget 400 runs: search 280") && shown.contains("start"), "{shown}");
    assert!(!dir.path().join("never").exists(), "nothing written");
    // Too few verification runs to show the constraint at all.
    let few = optimization(400).replace("verify_replicates = 60", "verify_replicates = 5");
    fs::write(dir.path().join("few.toml"), few).expect("write");
    let out = ipwarm(dir.path(), &["optimize", "few.toml", "--out", "never"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("verify_replicates"));
}

#[test]
fn the_shipped_optimisations_validate_and_say_what_they_search() {
    let root = crate::support::root();
    let out = ipwarm(&root, &["validate", "optimizations/optimize.toml", "optimizations/optimize_fitted.toml"]);
    ok(&out);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("ok (optimisation `fastest_safe` of 4 parameters of `provider_schedule`"), "{shown}");
    assert!(shown.contains("on scenario `warmup-fitted`"), "{shown}");
    let dry = ipwarm(&root, &["optimize", "optimizations/optimize.toml", "--dry-run"]);
    ok(&dry);
    assert!(String::from_utf8_lossy(&dry.stdout).contains("budget 2000 runs: search 1640"));
}
