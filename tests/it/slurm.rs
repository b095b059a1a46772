//! A sharded sweep on a real Slurm cluster, through the script a user runs on a login node
//! (`examples/slurm/submit.sh`): a job array of shards and a dependent merge job.
//!
//! Needs a reachable Slurm whose jobs run on this machine as the test's user (the temp dirs are
//! shared by absolute path): `scripts/slurm/start.sh` starts a single-node one, and `.ci/run` does
//! so before these tests. Without one, each test says it is skipped and why, and passes; with
//! `IPWARM_REQUIRE_SLURM=1` (set by `.ci/run`) it fails instead, so a broken install cannot pass.

use crate::support::{assert_same_files, ok, root};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

/// The tests share the cluster's two CPUs: one at a time keeps each within its time limit.
static CLUSTER: Mutex<()> = Mutex::new(());

/// Seconds a `submit.sh --wait` may take before the test gives up (and cancels its jobs).
const TIMEOUT_S: &str = "180";

/// Why Slurm cannot be used here, or `None` if it can.
fn slurm_unavailable() -> Option<String> {
    let answer = |cmd: &str, args: &[&str]| match Command::new(cmd).args(args).output() {
        Err(e) => Err(format!("`{cmd}` cannot run ({e})")),
        Ok(o) if !o.status.success() => {
            let said = [&o.stdout, &o.stderr].map(|b| String::from_utf8_lossy(b).into_owned()).concat();
            let said: Vec<&str> = said.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            Err(format!("`{cmd} {}` failed: {}", args.join(" "), said.join("; ")))
        }
        Ok(o) => Ok(String::from_utf8_lossy(&o.stdout).trim().to_string()),
    };
    if let Err(why) = answer("scontrol", &["ping"]) {
        return Some(why);
    }
    match answer("sinfo", &["-h", "-o", "%T"]) {
        Err(why) => Some(why),
        Ok(states) if !states.lines().any(|s| ["idle", "mixed", "allocated"].contains(&s)) => {
            Some(format!("no node takes jobs (sinfo: {states:?})"))
        }
        Ok(_) => None,
    }
}

/// Holds the cluster for the calling test, or `None` (after saying why) if there is none.
fn cluster() -> Option<std::sync::MutexGuard<'static, ()>> {
    let guard = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(why) = slurm_unavailable() else { return Some(guard) };
    let required = std::env::var("IPWARM_REQUIRE_SLURM").is_ok_and(|v| v == "1");
    assert!(!required, "IPWARM_REQUIRE_SLURM=1 but Slurm is not usable: {why}");
    // Written to the real stderr, past the test harness's capture, so that the skip shows.
    let test = std::thread::current().name().unwrap_or("slurm test").to_string();
    let _ = writeln!(
        std::io::stderr(),
        "{test}: skipped: no Slurm cluster ({why}); run scripts/slurm/start.sh to start one"
    );
    None
}

/// The shipped experiment made to check a cluster: 24 short runs.
fn experiment() -> PathBuf {
    root().join("experiments/cluster-check.toml")
}

/// Submits the experiment through `submit.sh --tasks 3 --wait` into `dir/cluster`, with `ipwarm` as
/// the binary and `env` passed on to the jobs; bounded in time (on a timeout its jobs are cancelled).
fn submit(dir: &Path, ipwarm: &str) -> Output {
    let mut cmd = Command::new("timeout");
    cmd.args([TIMEOUT_S, "bash"]).arg(root().join("examples/slurm/submit.sh")).arg(experiment());
    cmd.args(["cluster", "--tasks", "3", "--ipwarm", ipwarm, "--wait", "--poll", "0.5"]);
    run_bounded(cmd.current_dir(dir))
}

/// Runs `cmd`; if `timeout` ended it, cancels the jobs it submitted and fails.
fn run_bounded(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("submit.sh runs");
    if out.status.code() == Some(124) {
        let ids = job_ids(&out);
        let _ = Command::new("scancel").args(ids.values()).status();
        panic!("submit.sh did not end within {TIMEOUT_S} s; jobs {ids:?} cancelled\n{}", show(&out));
    }
    out
}

/// The job ids submit.sh printed: `array` and `merge`.
fn job_ids(out: &Output) -> std::collections::BTreeMap<&'static str, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut ids = std::collections::BTreeMap::new();
    for (key, prefix) in [("array", "submitted sweep array job "), ("merge", "submitted merge job ")] {
        if let Some(rest) = stdout.lines().find_map(|l| l.strip_prefix(prefix)) {
            ids.insert(key, rest.split(':').next().unwrap_or_default().to_string());
        }
    }
    ids
}

fn show(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The state of a job as the controller reports it (`JobState=...`).
fn job_state(id: &str) -> String {
    let out = Command::new("scontrol").args(["-o", "show", "job", id]).output().expect("scontrol runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().find_map(|f| f.strip_prefix("JobState=")).unwrap_or("unknown").to_string()
}

/// The command that submit.sh printed last on stderr, to go on after a failure.
fn next_command(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().rev().find(|l| l.starts_with("  ") && l.contains("submit.sh"));
    line.unwrap_or_else(|| panic!("no command to go on with\n{}", show(out))).trim().to_string()
}

/// Runs a command line that submit.sh printed (it ends in --wait), bounded in time.
fn run_printed(dir: &Path, line: &str, env: &[(&str, &str)]) -> Output {
    let line = format!("{line} --poll 0.5");
    run_bounded(
        Command::new("timeout").args([TIMEOUT_S, "bash", "-c", &line]).current_dir(dir).envs(env.iter().copied()),
    )
}

/// A single-machine sweep of the experiment into `dir/out`, with `extra` arguments.
fn single_sweep(dir: &Path, out: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipwarm"))
        .args(["sweep", experiment().to_str().unwrap(), "--out", out])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("ipwarm runs")
}

#[test]
fn a_job_array_of_three_shards_merges_to_the_single_machine_sweep() {
    let Some(_cluster) = cluster() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_ipwarm");
    let out = submit(tmp.path(), bin);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("shards 1-3 of 3"), "{stdout}");
    assert!(stdout.contains("runs: total 24, ok 24, failed 0"), "{stdout}");
    let ids = job_ids(&out);
    assert_eq!(job_state(&ids["merge"]), "COMPLETED");
    for k in 1..=3 {
        let log = tmp.path().join(format!("cluster/logs/sweep-{}_{k}.log", ids["array"]));
        let text = std::fs::read_to_string(&log).expect("a log per task");
        assert!(text.contains("runs: total 8, ok 8, failed 0"), "shard {k}: {text}");
    }
    ok(&single_sweep(tmp.path(), "single", &[]));
    assert_same_files(&tmp.path().join("single"), &tmp.path().join("cluster/merged"));
}

#[test]
fn a_failed_task_cancels_the_merge_and_the_printed_command_resumes_its_shard() {
    let Some(_cluster) = cluster() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // The first time task 2 runs, the sweep stops after 3 of its 8 runs and exits 1, as if the
    // task had been killed on the way; later it runs normally.
    let flaky = tmp.path().join("flaky-ipwarm.sh");
    let marker = tmp.path().join("task-2-failed-once");
    let script = r#"#!/bin/bash
if [ "${SLURM_ARRAY_TASK_ID:-}" = 2 ] && [ ! -e @MARKER@ ]; then
  touch @MARKER@
  exec @BIN@ "$@" --test-hook stop-after=3
fi
exec @BIN@ "$@"
"#;
    let script = script.replace("@MARKER@", marker.to_str().unwrap()).replace("@BIN@", env!("CARGO_BIN_EXE_ipwarm"));
    std::fs::write(&flaky, script).unwrap();
    std::fs::set_permissions(&flaky, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let wrapper = flaky.to_str().unwrap();
    let first = submit(tmp.path(), wrapper);
    assert_eq!(first.status.code(), Some(1), "{}", show(&first));
    assert!(marker.exists(), "task 2 ran and failed");
    let stderr = String::from_utf8_lossy(&first.stderr);
    let ids = job_ids(&first);
    assert!(stderr.contains("shard 2/3 failed: FAILED, exit code 1"), "{stderr}");
    assert!(stderr.contains("stopped after 3 runs"), "the end of the task's log: {stderr}");
    assert!(!stderr.contains("shard 1/3 failed") && !stderr.contains("shard 3/3 failed"), "{stderr}");
    assert!(stderr.contains(&format!("merge job {} did not run: CANCELLED", ids["merge"])), "{stderr}");
    assert_eq!(job_state(&ids["merge"]), "CANCELLED", "cancelled, not pending forever");
    let resume = next_command(&first);
    assert!(resume.contains(" --tasks 3 --only 2 ") && resume.ends_with(" --wait"), "{resume}");
    // The printed command resubmits shard 2, which continues where it stopped, then merges.
    let second = run_printed(tmp.path(), &resume, &[]);
    ok(&second);
    assert!(String::from_utf8_lossy(&second.stdout).contains("shards 2 of 3"), "{}", show(&second));
    ok(&single_sweep(tmp.path(), "single", &[]));
    assert_same_files(&tmp.path().join("single"), &tmp.path().join("cluster/merged"));
}

#[test]
fn a_shard_with_failed_runs_is_named_and_merges_like_the_single_machine_sweep() {
    let Some(_cluster) = cluster() else { return };
    let tmp = tempfile::tempdir().unwrap();
    // Run 4 fails (4 mod 3 = 1: shard 2): the sweep records it, goes on, and exits 1.
    let hook = ["--test-hook", "fail-runs=4"];
    let wrapper = tmp.path().join("failing-ipwarm.sh");
    let script = format!("#!/bin/bash\nexec {} \"$@\" {}\n", env!("CARGO_BIN_EXE_ipwarm"), hook.join(" "));
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let first = submit(tmp.path(), wrapper.to_str().unwrap());
    assert_eq!(first.status.code(), Some(1), "{}", show(&first));
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("shard 2/3 failed: FAILED, exit code 1"), "{stderr}");
    assert!(stderr.contains("shard 2 ran all its runs, 1 failed"), "{stderr}");
    assert_eq!(job_state(&job_ids(&first)["merge"]), "CANCELLED");
    // Rerunning would not change a recorded failure: the printed command merges the shards as they are.
    let merge = next_command(&first);
    assert!(merge.contains(" --merge-only "), "{merge}");
    let second = run_printed(tmp.path(), &merge, &[]);
    assert_eq!(second.status.code(), Some(1), "a merge with failed runs exits 1, as a sweep does\n{}", show(&second));
    assert!(String::from_utf8_lossy(&second.stderr).contains("runs: total 24, ok 23, failed 1"), "{}", show(&second));
    assert_eq!(single_sweep(tmp.path(), "single", &hook).status.code(), Some(1));
    assert_same_files(&tmp.path().join("single"), &tmp.path().join("cluster/merged"));
}
