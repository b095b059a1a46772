//! The long campaign: a supervisor that runs cases in worker processes, and
//! the minimisation and reporting of what they find.
//!
//! The supervisor (the `campaign` test) starts this test binary again as a
//! worker (the `worker` test, under a memory limit), which runs cases from a
//! given index until the campaign's end time, writing the index of the case it
//! is on to `current` and each finding to `findings.tsv` in a state folder.
//! A case that hangs in process makes the worker record it and exit; a case
//! that crashes the worker (stack overflow, allocation failure) is recorded by
//! the supervisor from `current`. Either way the supervisor starts a new worker
//! at the next case, so one bad case never ends the campaign. At the end, the
//! first case of each distinct finding is minimised (each attempt a `replay`
//! process) and written to the findings folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::case::{case_seed, make_case};
use super::corpus::{Corpus, Kind};
use super::oracle::{self, Finding, Input, Workspace};
use super::shrink::shrink;
use crate::support::{Timed, run_with_deadline};

/// One case in this many also runs the binary checks.
pub const BINARY_EVERY: u64 = 8;

/// Worker exit code after an in-process timeout (its case thread still runs).
const EXIT_TIMEOUT: i32 = 3;

/// Virtual memory of a worker or replay process (`ulimit -v`, KiB).
const WORKER_MEMORY_KIB: u64 = 8 << 20;

/// Settings of a campaign, from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `IPWARM_FUZZ_SECS`: how long to run cases (default 60).
    pub secs: u64,
    /// `IPWARM_FUZZ_SEED`: the root seed (default [`super::CAMPAIGN_SEED`]).
    pub root: u64,
    /// `IPWARM_FUZZ_CASE_SECS`: time limit of each check of a case (default 10).
    pub case_limit: Duration,
    /// `IPWARM_FUZZ_FINDINGS`: where minimised findings go (default `target/fuzz-findings`).
    pub findings: PathBuf,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map_or(default, |v| v.trim().parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
}

impl Settings {
    /// From the environment.
    pub fn from_env() -> Self {
        let default_findings =
            Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join("fuzz-findings");
        Self {
            secs: env_u64("IPWARM_FUZZ_SECS", 60),
            root: env_u64("IPWARM_FUZZ_SEED", super::CAMPAIGN_SEED),
            case_limit: Duration::from_secs(env_u64("IPWARM_FUZZ_CASE_SECS", 10)),
            findings: std::env::var_os("IPWARM_FUZZ_FINDINGS").map_or(default_findings, PathBuf::from),
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A finding with the case that made it.
#[derive(Debug, Clone)]
struct Found {
    index: u64,
    seed: u64,
    origin: String,
    finding: Finding,
}

/// One line of `findings.tsv`, tabs and line breaks escaped.
fn tsv_line(fields: &[&str]) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r");
    fields.iter().map(|f| esc(f)).collect::<Vec<_>>().join("\t") + "\n"
}

fn tsv_fields(line: &str) -> Vec<String> {
    line.split('\t')
        .map(|f| {
            let mut out = String::new();
            let mut chars = f.chars();
            while let Some(c) = chars.next() {
                match (c, c == '\\') {
                    (_, true) => match chars.next() {
                        Some('t') => out.push('\t'),
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some(o) => out.push(o),
                        None => {}
                    },
                    (c, false) => out.push(c),
                }
            }
            out
        })
        .collect()
}

/// Counters a worker writes to `stats-<first case>` after each case.
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    cases: u64,
    binary: u64,
    valid_scenarios: u64,
    valid_experiments: u64,
    valid_optimizations: u64,
}

impl Stats {
    fn add(&mut self, other: Self) {
        self.cases += other.cases;
        self.binary += other.binary;
        self.valid_scenarios += other.valid_scenarios;
        self.valid_experiments += other.valid_experiments;
        self.valid_optimizations += other.valid_optimizations;
    }
    fn write(&self, path: &Path) {
        let text = format!(
            "{} {} {} {} {}",
            self.cases, self.binary, self.valid_scenarios, self.valid_experiments, self.valid_optimizations
        );
        let _ = std::fs::write(path, text);
    }
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let v: Vec<u64> = text.split_whitespace().filter_map(|x| x.parse().ok()).collect();
        match v[..] {
            [cases, binary, valid_scenarios, valid_experiments, valid_optimizations] => {
                Self { cases, binary, valid_scenarios, valid_experiments, valid_optimizations }
            }
            _ => Self::default(),
        }
    }
}

/// Runs one case: the in-process checks, then the binary checks if `binary`.
pub fn run_case(input: &Input, ws: &Workspace, binary: bool, limit: Duration) -> Result<oracle::Verdict, Finding> {
    let verdict = oracle::in_process(input, limit)?;
    if binary {
        oracle::binary(ws, input, &verdict, limit)?;
    }
    Ok(verdict)
}

/// The worker's loop (the `worker` test with `IPWARM_FUZZ_WORKER` set to the state folder).
pub fn worker(state: &Path) {
    let settings = Settings::from_env();
    let start = env_u64("IPWARM_FUZZ_START", 0);
    let end_ms = env_u64("IPWARM_FUZZ_END_MS", 0);
    let (corpus, ws) = (Corpus::load(), Workspace::new());
    let mut stats = Stats::default();
    let mut index = start;
    while now_ms() < end_ms {
        std::fs::write(state.join("current"), index.to_string()).expect("write current");
        let seed = case_seed(settings.root, index);
        let (input, origin) = make_case(&corpus, seed);
        let binary = index.is_multiple_of(BINARY_EVERY);
        stats.cases += 1;
        stats.binary += u64::from(binary);
        match run_case(&input, &ws, binary, settings.case_limit) {
            Ok(v) if v.valid => match input.kind {
                Kind::Scenario => stats.valid_scenarios += 1,
                Kind::Experiment => stats.valid_experiments += 1,
                Kind::Optimization => stats.valid_optimizations += 1,
                Kind::Ingest(_) => {}
            },
            Ok(_) => {}
            Err(f) => {
                let line = tsv_line(&[&index.to_string(), &seed.to_string(), &origin, &f.signature, &f.detail]);
                let mut all = std::fs::read_to_string(state.join("findings.tsv")).unwrap_or_default();
                all.push_str(&line);
                std::fs::write(state.join("findings.tsv"), all).expect("write findings");
                if f.signature.starts_with("timeout") {
                    stats.write(&state.join(format!("stats-{start}")));
                    std::process::exit(EXIT_TIMEOUT);
                }
            }
        }
        index += 1;
        stats.write(&state.join(format!("stats-{start}")));
    }
    std::fs::write(state.join("stopped"), index.to_string()).expect("write stopped");
}

/// This test binary, running the test `name` alone with `env`, under a memory limit.
fn this_test(name: &str, env: &[(&str, String)]) -> Command {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
        .arg("sh")
        .arg(WORKER_MEMORY_KIB.to_string())
        .arg(exe)
        .args([name, "--exact", "--ignored", "--nocapture", "--test-threads", "1"])
        .env("RUST_BACKTRACE", "0");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// What a dead process's standard error says of its death.
fn crash_signature(code: Option<i32>, signal: Option<i32>, stderr: &str) -> String {
    let what = if stderr.contains("overflowed its stack") {
        "stack overflow".to_string()
    } else if stderr.contains("memory allocation of") {
        "allocation failure (over the memory limit)".to_string()
    } else {
        match (code, signal) {
            (Some(c), _) => format!("exit {c}"),
            (None, s) => format!("signal {}", s.unwrap_or(0)),
        }
    };
    format!("crash: {what}")
}

/// Runs the worker processes until the end of the campaign; returns the
/// findings and the counters.
fn supervise(settings: &Settings, state: &Path) -> (Vec<Found>, Stats, u64) {
    let end_ms = now_ms() + settings.secs * 1000;
    let mut next = 0u64;
    let mut crashes = Vec::new();
    loop {
        let env = [
            ("IPWARM_FUZZ_WORKER", state.display().to_string()),
            ("IPWARM_FUZZ_WORK", state.display().to_string()),
            ("IPWARM_FUZZ_START", next.to_string()),
            ("IPWARM_FUZZ_END_MS", end_ms.to_string()),
            ("IPWARM_FUZZ_SEED", settings.root.to_string()),
            ("IPWARM_FUZZ_CASE_SECS", settings.case_limit.as_secs().to_string()),
        ];
        let _ = std::fs::remove_file(state.join("stopped"));
        let limit =
            Duration::from_millis(end_ms.saturating_sub(now_ms())) + settings.case_limit * 4 + Duration::from_secs(60);
        let outcome = run_with_deadline(&mut this_test("fuzz::worker", &env), limit);
        if let Ok(stopped) = std::fs::read_to_string(state.join("stopped")) {
            next = stopped.trim().parse().expect("stopped index");
            break;
        }
        let current: u64 =
            std::fs::read_to_string(state.join("current")).ok().and_then(|c| c.trim().parse().ok()).unwrap_or(next);
        match outcome {
            Timed::Ended { status, .. } if status.code() == Some(EXIT_TIMEOUT) => {}
            Timed::Ended { status, stderr, .. } => {
                use std::os::unix::process::ExitStatusExt;
                let stderr = String::from_utf8_lossy(&stderr).into_owned();
                let tail: String = stderr.chars().rev().take(1500).collect::<Vec<_>>().into_iter().rev().collect();
                let corpus = Corpus::load();
                let seed = case_seed(settings.root, current);
                let (_, origin) = make_case(&corpus, seed);
                let finding =
                    Finding { signature: crash_signature(status.code(), status.signal(), &stderr), detail: tail };
                crashes.push(Found { index: current, seed, origin, finding });
            }
            Timed::TimedOut => {
                let seed = case_seed(settings.root, current);
                let (_, origin) = make_case(&Corpus::load(), seed);
                let finding = Finding { signature: "worker hung (harness)".into(), detail: String::new() };
                crashes.push(Found { index: current, seed, origin, finding });
            }
        }
        next = current + 1;
        if now_ms() >= end_ms {
            break;
        }
    }
    let mut found = crashes;
    for line in std::fs::read_to_string(state.join("findings.tsv")).unwrap_or_default().lines() {
        if let [index, seed, origin, signature, detail] = &tsv_fields(line)[..] {
            let finding = Finding { signature: signature.clone(), detail: detail.clone() };
            found.push(Found {
                index: index.parse().unwrap_or(0),
                seed: seed.parse().unwrap_or(0),
                origin: origin.clone(),
                finding,
            });
        }
    }
    found.sort_by_key(|f| f.index);
    let mut stats = Stats::default();
    for entry in std::fs::read_dir(state).expect("state folder").flatten() {
        if entry.file_name().to_string_lossy().starts_with("stats-") {
            stats.add(Stats::read(&entry.path()));
        }
    }
    (found, stats, next)
}

/// Runs the `replay` test on `bytes` of `kind` in a process of its own;
/// returns the signature of what it found, if anything.
pub fn replay_signature(kind: Kind, bytes: &[u8], dir: &Path, limit: Duration) -> Option<String> {
    let file = dir.join(format!("candidate.{}.toml", kind.name()));
    std::fs::write(&file, bytes).expect("write candidate");
    let env = [
        ("IPWARM_FUZZ_FILE", file.display().to_string()),
        ("IPWARM_FUZZ_WORK", dir.display().to_string()),
        ("IPWARM_FUZZ_CASE_SECS", limit.as_secs().to_string()),
    ];
    match run_with_deadline(&mut this_test("fuzz::replay", &env), limit * 4 + Duration::from_secs(20)) {
        Timed::TimedOut => Some("replay hung".into()),
        Timed::Ended { status, stdout, stderr } => {
            use std::os::unix::process::ExitStatusExt;
            let stdout = String::from_utf8_lossy(&stdout);
            // The line may follow the harness's `test fuzz::replay ... ` on the same line.
            if let Some(at) = stdout.find(super::FINDING_PREFIX) {
                let line = stdout[at + super::FINDING_PREFIX.len()..].lines().next().unwrap_or_default();
                return tsv_fields(line).into_iter().next();
            }
            (!status.success())
                .then(|| crash_signature(status.code(), status.signal(), &String::from_utf8_lossy(&stderr)))
        }
    }
}

/// A file-name slug of a signature.
fn slug(signature: &str) -> String {
    let s: String =
        signature.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    s.chars().take(60).collect()
}

/// The whole campaign: runs cases, minimises the first case of each distinct
/// finding, writes them to the findings folder, prints a report; panics if
/// anything was found.
pub fn campaign(settings: &Settings) {
    let started = Instant::now();
    let state = tempfile::tempdir().expect("state folder");
    println!(
        "fuzz campaign: {} s, root seed {}, {} s per check, findings in {}",
        settings.secs,
        settings.root,
        settings.case_limit.as_secs(),
        settings.findings.display()
    );
    let (found, stats, cases) = supervise(settings, state.path());
    let fuzz_secs = started.elapsed().as_secs_f64();
    println!(
        "ran {cases} cases in {fuzz_secs:.0} s ({:.0}/s): {} through the binary as well; valid inputs: {} scenarios, {} experiments, {} optimisations",
        cases as f64 / fuzz_secs.max(1e-9),
        stats.binary,
        stats.valid_scenarios,
        stats.valid_experiments,
        stats.valid_optimizations
    );
    let mut distinct: BTreeMap<String, (Found, usize)> = BTreeMap::new();
    for f in found {
        distinct.entry(f.finding.signature.clone()).and_modify(|e| e.1 += 1).or_insert((f, 1));
    }
    let _ = std::fs::remove_dir_all(&settings.findings);
    std::fs::create_dir_all(&settings.findings).expect("findings folder");
    let corpus = Corpus::load();
    // Minimisation: a quarter of the campaign's time (at least 30 s, at most 10 min), shared.
    let budget = Duration::from_secs((settings.secs / 4).clamp(30, 600));
    let per_finding = budget / distinct.len().max(1) as u32;
    let mut report = String::new();
    for (n, (signature, (f, count))) in distinct.iter().enumerate() {
        let (input, _) = make_case(&corpus, f.seed);
        let deadline = Instant::now() + per_finding;
        let mut fails = |b: &[u8]| {
            replay_signature(input.kind, b, state.path(), settings.case_limit).as_deref() == Some(signature.as_str())
        };
        let minimal =
            if fails(&input.bytes) { shrink(&input.bytes, &mut fails, deadline) } else { input.bytes.clone() };
        let name = format!("{:02}-{}.{}.toml", n + 1, slug(signature), input.kind.name());
        let path = settings.findings.join(&name);
        std::fs::write(&path, &minimal).expect("write finding");
        let text = format!(
            "{signature}\n  seen {count} times; first: case {} (seed {}), {}\n  input: {} ({} bytes, minimised from {})\n  \
             detail: {}\n  re-run: IPWARM_FUZZ_FILE={} cargo test --release --test it fuzz::replay -- --ignored --nocapture\n  \
             or:     IPWARM_FUZZ_CASE={} cargo test --release --test it fuzz::replay -- --ignored --nocapture\n",
            f.index,
            f.seed,
            f.origin,
            path.display(),
            minimal.len(),
            input.bytes.len(),
            f.finding.detail.chars().take(600).collect::<String>().replace('\n', "\n          "),
            path.display(),
            f.seed,
        );
        report.push_str(&text);
    }
    std::fs::write(settings.findings.join("findings.txt"), &report).expect("write the report");
    println!("{} distinct findings in {:.0} s in all", distinct.len(), started.elapsed().as_secs_f64());
    print!("{report}");
    assert!(distinct.is_empty(), "the fuzz campaign found {} distinct problems (see above)", distinct.len());
}
