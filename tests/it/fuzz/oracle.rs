//! What a case must satisfy, in process and through the real binary.
//!
//! In process ([`in_process`]): the parser never panics and answers within the
//! case's time limit; a valid scenario then runs (horizon cut to
//! [`SHORT_HORIZON_DAYS`]) without a panic or a [`SimError`](ipwarm::sim::SimError)
//! (the simulator's errors are bugs, never bad input), and its reports are
//! written; a valid experiment expands its runs and runs its first one; an
//! optimisation file's every problem is located (`file:line:col`), and a valid
//! one passes the optimiser's limits and runs the candidate at the centre of
//! its search space.
//!
//! Through the binary ([`binary`]): `validate` (scenarios, optimisations),
//! `sweep --dry-run` (experiments) or `optimize --dry-run` (optimisations), and
//! `run --out` for valid scenarios, each killed at the time limit, exit only
//! with 0, 1 or 2 (never a panic's 101 or a signal), agree with the parser in
//! process (exit 0 exactly when the file is valid), and write nothing outside
//! the output folder they are given. `validate` tells the formats apart by
//! their keys (an optimisation file's `[search]`, `[objective]` or `budget`,
//! then an experiment's `scenario` or `[axes]`): its exit code is compared with
//! the parser of the format it sees ([`validate_kind`]), never with the
//! parser the case was made for.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once, mpsc};
use std::time::Duration;

use super::corpus::Kind;
use crate::support::{Timed, root, run_with_deadline};

/// Days a valid scenario runs for (its own horizon if shorter).
pub const SHORT_HORIZON_DAYS: u32 = 7;

/// Virtual memory the binary may use (`ulimit -v`, KiB): a runaway
/// allocation fails (an abort, reported) instead of exhausting the machine.
const MEMORY_LIMIT_KIB: u64 = 4 << 20;

/// An input and the parser it is for.
#[derive(Debug, Clone)]
pub struct Input {
    /// Which parser.
    pub kind: Kind,
    /// The file's bytes (not always UTF-8).
    pub bytes: Vec<u8>,
}

/// Something a case did that it must not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What happened, without values: two findings with the same signature
    /// are one defect (`panic at src/x.rs:10:5 in scenario::parse`).
    pub signature: String,
    /// The details: panic message, standard error, ...
    pub detail: String,
}

impl Finding {
    fn new(signature: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { signature: signature.into(), detail: detail.into() }
    }
}

/// What the parser said of an input, for the binary checks.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Whether the file is valid.
    pub valid: bool,
    /// For a valid scenario: its text with `horizon_days` cut, if that text is valid too.
    pub short_scenario: Option<String>,
}

thread_local! {
    /// Set on the threads of cases: their panics are recorded, not printed.
    static CAPTURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records the location and message of a
/// panic on a case's thread and leaves every other thread's panics to the
/// previous hook (other tests of this binary print theirs as usual).
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURE.with(|c| {
                let mut c = c.borrow_mut();
                c.as_mut().map(|slot| {
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let at =
                        info.location().map_or("?".into(), |l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                    *slot = format!("{at}\t{msg}");
                })
            });
            if captured.is_none() {
                previous(info);
            }
        }));
    });
}

/// The steps of the in-process check, for naming where a case panicked or hung.
const PHASES: [&str; 10] = [
    "scenario::parse",
    "sim::run",
    "report writers",
    "sweep::parse_experiment",
    "plan expansion",
    "first run of the plan",
    "toml round trip (harness)",
    "observed::ingest",
    "optimize::parse_optimize",
    "centre candidate of the optimisation",
];
/// Indices in [`PHASES`].
const PARSE_SCENARIO: usize = 0;
const RUN: usize = 1;
const REPORTS: usize = 2;
const PARSE_EXPERIMENT: usize = 3;
const EXPAND: usize = 4;
const RUN_FIRST: usize = 5;
const ROUND_TRIP: usize = 6;
const INGEST: usize = 7;
const PARSE_OPTIMIZE: usize = 8;
const CENTRE: usize = 9;

/// Runs the in-process checks of `input` on a thread of its own (with the
/// main thread's 8 MiB stack), waiting at most `limit`. After a timeout the
/// thread is left running: the caller should end the process soon.
pub fn in_process(input: &Input, limit: Duration) -> Result<Verdict, Finding> {
    install_hook();
    let phase = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let (input, thread_phase) = (input.clone(), Arc::clone(&phase));
    std::thread::Builder::new()
        .name("fuzz-case".into())
        .stack_size(8 << 20)
        .spawn(move || {
            CAPTURE.with(|c| *c.borrow_mut() = Some(String::new()));
            let outcome = catch_unwind(AssertUnwindSafe(|| check(&input, &thread_phase)));
            let panic = CAPTURE.with(|c| c.borrow_mut().take()).unwrap_or_default();
            let _ = tx.send(outcome.map_err(|_| panic));
        })
        .expect("a thread for the case");
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let (at, msg) = panic.split_once('\t').unwrap_or((&panic, ""));
            let in_phase = PHASES[phase.load(Ordering::SeqCst)];
            Err(Finding::new(format!("panic at {at} in {in_phase}"), msg))
        }
        Err(_) => {
            let in_phase = PHASES[phase.load(Ordering::SeqCst)];
            Err(Finding::new(format!("timeout (over {} s) in {in_phase}", limit.as_secs_f64()), ""))
        }
    }
}

/// Reads a base scenario named by an experiment or an optimisation, as
/// `ipwarm sweep` and `ipwarm optimize` do (relative to the file's folder:
/// every case is in `experiments/`, here and in the binary checks' copy of the
/// project), but only regular files under 10 MB: the binary checks try the others.
fn read_base(file: &str) -> Result<(String, String), String> {
    let full = root().join("experiments").join(file);
    match std::fs::metadata(&full) {
        Ok(m) if m.is_file() && m.len() < 10_000_000 => {
            std::fs::read_to_string(&full).map(|t| (full.display().to_string(), t)).map_err(|e| e.to_string())
        }
        Ok(_) => Err(format!("{} is not a small regular file", full.display())),
        Err(e) => Err(format!("cannot read scenario file {}: {e}", full.display())),
    }
}

/// The harness's self-test: with `IPWARM_FUZZ_CANARY=WORD`, a case whose
/// input holds `WORD` panics (`abort:WORD` aborts the process, `hang:WORD`
/// never returns), as a parser bug would, so that finding, minimising and
/// reporting can be seen to work.
fn canary(text: &str) {
    let Ok(spec) = std::env::var("IPWARM_FUZZ_CANARY") else { return };
    let (how, word) = spec.split_once(':').filter(|(h, _)| ["abort", "hang"].contains(h)).unwrap_or(("panic", &spec));
    if word.is_empty() || !text.contains(word) {
        return;
    }
    match how {
        "abort" => std::process::abort(),
        "hang" => loop {
            std::thread::sleep(Duration::from_secs(1));
        },
        _ => panic!("canary `{word}` found"),
    }
}

/// The in-process checks. Bytes that are not UTF-8 are checked as their lossy
/// UTF-8 text, but the file is invalid all the same (the binary refuses it).
fn check(input: &Input, phase: &AtomicUsize) -> Result<Verdict, Finding> {
    if let Kind::Ingest(format) = input.kind {
        phase.store(INGEST, Ordering::SeqCst);
        canary(&String::from_utf8_lossy(&input.bytes));
        return check_ingest(&input.bytes, format);
    }
    let verdict = check_text(&String::from_utf8_lossy(&input.bytes), input.kind, phase)?;
    Ok(if std::str::from_utf8(&input.bytes).is_ok() { verdict } else { Verdict::default() })
}

fn check_text(text: &str, kind: Kind, phase: &AtomicUsize) -> Result<Verdict, Finding> {
    let set = |p: usize| phase.store(p, Ordering::SeqCst);
    match kind {
        Kind::Scenario => {
            set(PARSE_SCENARIO);
            canary(text);
            let scenario = match ipwarm::scenario::parse(text, "fuzz.toml") {
                Ok(s) => s,
                Err(e) => {
                    let _ = e.to_string();
                    if let ipwarm::scenario::ScenarioError::Invalid { problems } = &e {
                        let _ = ipwarm::scenario::render_problems(problems, ipwarm::scenario::Style::Colored);
                    }
                    return Ok(Verdict::default());
                }
            };
            run_short(scenario, phase)?;
            set(ROUND_TRIP);
            Ok(Verdict { valid: true, short_scenario: short_text(text) })
        }
        Kind::Experiment => {
            set(PARSE_EXPERIMENT);
            canary(text);
            let mut plan = match ipwarm::sweep::parse_experiment(text, "fuzz.toml", &mut read_base) {
                Ok(p) => p,
                Err(e) => {
                    let _ = e.to_string();
                    let ipwarm::sweep::ExperimentError::Invalid { problems } = &e;
                    let _ = ipwarm::scenario::render_problems(problems, ipwarm::scenario::Style::Colored);
                    return Ok(Verdict::default());
                }
            };
            set(EXPAND);
            let n_runs = plan.n_runs();
            let providers = plan.providers();
            for run in (0..n_runs).take(1000) {
                let id = plan.run_id(run);
                let _ = (&plan.points[id.point].values, plan.seed(id.point, id.replicate));
            }
            set(RUN_FIRST);
            if let Some(point) = plan.points.first_mut() {
                point.scenario.horizon_days = point.scenario.horizon_days.min(SHORT_HORIZON_DAYS);
                let id = plan.run_id(0);
                let result = ipwarm::sim::run(&plan.points[0].scenario, id.seed).map_err(|e| {
                    Finding::new(format!("sim::run error on a valid experiment: {}", sim_error_kind(&e)), e.to_string())
                })?;
                let drawn = plan.drawn_columns();
                let columns = (providers.as_slice(), drawn.as_slice());
                let series = plan.series.then_some(ipwarm::report::experiment::SeriesFormat::Csv);
                let warm = ipwarm::report::experiment::RunsLayout::of(&[], &providers, &drawn).warm();
                let _ = ipwarm::sweep::run_rows(id, &plan.points[0].values, columns, &warm, &result, series);
            }
            Ok(Verdict { valid: true, short_scenario: None })
        }
        Kind::Optimization => check_optimization(text, phase),
        Kind::Ingest(format) => check_ingest(text.as_bytes(), format),
    }
}

/// An optimisation file through `ipwarm::optimize::parse_optimize`: every
/// problem located (`file:line:col`, one line of text); a valid file must
/// pass the limits `ipwarm optimize` checks (else it is invalid, as for
/// `validate`), and its centre candidate (validated by the parser) must build
/// and run for [`SHORT_HORIZON_DAYS`].
fn check_optimization(text: &str, phase: &AtomicUsize) -> Result<Verdict, Finding> {
    phase.store(PARSE_OPTIMIZE, Ordering::SeqCst);
    canary(text);
    let spec = match ipwarm::optimize::parse_optimize(text, "fuzz.toml", &mut read_base) {
        Ok(spec) => spec,
        Err(e) => {
            let _ = e.to_string();
            let ipwarm::sweep::ExperimentError::Invalid { problems } = &e;
            if problems.is_empty() {
                return Err(Finding::new("optimisation error without a problem", ""));
            }
            for p in problems {
                let unlocated = p.file.is_empty() || p.line == 0 || p.col == 0;
                if unlocated || p.message.is_empty() || p.message.contains('\n') {
                    return Err(Finding::new("unlocated optimisation problem", format!("{p:?}")));
                }
            }
            let _ = ipwarm::scenario::render_problems(problems, ipwarm::scenario::Style::Colored);
            return Ok(Verdict::default());
        }
    };
    if ipwarm::optimize::search::verify::limits(&spec).is_err() {
        return Ok(Verdict::default());
    }
    phase.store(CENTRE, Ordering::SeqCst);
    let values = spec.space.values_at(&vec![0.5; spec.space.dims()]);
    let _ = spec.label(&values);
    let scenario = spec
        .candidate(&values)
        .map_err(|e| Finding::new("the centre candidate of a valid optimisation does not build", e))?;
    let mut scenario = scenario;
    scenario.horizon_days = scenario.horizon_days.min(SHORT_HORIZON_DAYS);
    ipwarm::sim::run(&scenario, spec.seed).map_err(|e| {
        Finding::new(
            format!("sim::run error on a valid optimisation's candidate: {}", sim_error_kind(&e)),
            e.to_string(),
        )
    })?;
    Ok(Verdict { valid: true, short_scenario: None })
}

/// The format `ipwarm validate` checks `bytes` as (by their keys), `given` for text that is not UTF-8.
fn validate_kind(bytes: &[u8], given: Kind) -> Kind {
    match std::str::from_utf8(bytes) {
        Ok(text) if ipwarm::optimize::is_optimize_file(text) => Kind::Optimization,
        Ok(text) if ipwarm::sweep::is_experiment(text) => Kind::Experiment,
        Ok(_) => Kind::Scenario,
        Err(_) => given,
    }
}

/// The exit code `ipwarm validate` must give for `input`: as the parser of the
/// format it sees says (`verdict` when that is the case's own).
fn validate_expects(input: &Input, verdict: &Verdict, limit: Duration) -> Result<i32, Finding> {
    let seen = validate_kind(&input.bytes, input.kind);
    let valid = if seen == input.kind {
        verdict.valid
    } else {
        in_process(&Input { kind: seen, bytes: input.bytes.clone() }, limit)?.valid
    };
    Ok(if valid { 0 } else { 2 })
}

/// A log file through `ipwarm::observed::ingest`: no panic; every problem
/// located in the file (`fuzz.log:LINE[:COL]: message`, line from 1, one line
/// of text); a success writes an `observed.csv` that reads back as the same table.
fn check_ingest(bytes: &[u8], format: ipwarm::observed::Format) -> Result<Verdict, Finding> {
    use ipwarm::observed::ingest::{Ingest, Options};
    let mut ingest = Ingest::new(format, Options { year: Some(2026), ..Options::default() });
    ingest.read(bytes, "fuzz.log");
    match ingest.finish() {
        Err(e) => {
            for p in &e.problems {
                let shown = p.to_string();
                if p.location.source != "fuzz.log" || p.location.line == 0 || shown.contains('\n') {
                    return Err(Finding::new(format!("unlocated ingest problem ({})", format.name()), shown));
                }
            }
            if e.problems.is_empty() {
                return Err(Finding::new(format!("ingest error without a problem ({})", format.name()), ""));
            }
            Ok(Verdict::default())
        }
        Ok(ingested) => {
            let mut csv = Vec::new();
            ipwarm::observed::write_observed(ingested.table.rows(), &mut csv)
                .map_err(|e| Finding::new("write_observed failed", e.to_string()))?;
            match ipwarm::observed::read_observed(csv.as_slice(), "out.csv") {
                Ok(back) if back == ingested.table => Ok(Verdict { valid: true, short_scenario: None }),
                Ok(_) => Err(Finding::new(format!("observed.csv does not read back the same ({})", format.name()), "")),
                Err(e) => Err(Finding::new(
                    format!("observed.csv written does not read back ({})", format.name()),
                    e.to_string(),
                )),
            }
        }
    }
}

/// The kind of a simulator error, without its figures.
fn sim_error_kind(e: &ipwarm::sim::SimError) -> String {
    match e {
        ipwarm::sim::SimError::Conservation { .. } => "conservation violated".into(),
        ipwarm::sim::SimError::BadPlan { reason, .. } => (*reason).into(),
    }
}

/// Runs a valid scenario for at most [`SHORT_HORIZON_DAYS`] and writes its reports to memory.
fn run_short(mut scenario: ipwarm::scenario::Scenario, phase: &AtomicUsize) -> Result<(), Finding> {
    phase.store(RUN, Ordering::SeqCst);
    scenario.horizon_days = scenario.horizon_days.min(SHORT_HORIZON_DAYS);
    let result = ipwarm::sim::run(&scenario, scenario.seed).map_err(|e| {
        Finding::new(format!("sim::run error on a valid scenario: {}", sim_error_kind(&e)), e.to_string())
    })?;
    phase.store(REPORTS, Ordering::SeqCst);
    let mut csv = Vec::new();
    ipwarm::report::write_daily_csv(&result, &mut csv)
        .map_err(|e| Finding::new("write_daily_csv failed on a valid run", e.to_string()))?;
    let _ = ipwarm::report::summary_json(&result, Some("fuzz.toml"));
    let _ = ipwarm::report::summary_table(&result);
    let _ = ipwarm::report::warnings(&result);
    Ok(())
}

/// `text` with `horizon_days` at most [`SHORT_HORIZON_DAYS`], if it is still a valid scenario.
fn short_text(text: &str) -> Option<String> {
    let mut table: toml::Table = toml::from_str(text).ok()?;
    let short = table.get("horizon_days").and_then(toml::Value::as_integer).unwrap_or(i64::MAX);
    table.insert("horizon_days".into(), toml::Value::Integer(short.min(i64::from(SHORT_HORIZON_DAYS))));
    let out = toml::to_string(&table).ok()?;
    ipwarm::scenario::parse(&out, "short.toml").is_ok().then_some(out)
}

/// Files (relative path -> size) under `dir`, recursively.
fn listing(dir: &Path) -> BTreeMap<PathBuf, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                _ => {
                    let size = entry.metadata().map_or(0, |m| m.len());
                    out.insert(path.strip_prefix(dir).unwrap_or(&path).to_path_buf(), size);
                }
            }
        }
    }
    out
}

/// The folders of the project that base scenarios are read from, copied into
/// the binary checks' fixture (`examples/fit/` holds the fitted scenario of
/// `optimizations/optimize_fitted.toml`).
const FIXTURE_FOLDERS: [&str; 4] = ["scenarios", "experiments", "optimizations", "examples/fit"];

/// The folders the binary checks use: `fixture` holds copies of
/// [`FIXTURE_FOLDERS`], and the case files in `experiments/` (so that a
/// `../scenarios/...` resolves as in the project); `cwd` is the empty working
/// folder of every command.
#[derive(Debug)]
pub struct Workspace {
    _dir: tempfile::TempDir,
    fixture: PathBuf,
    cwd: PathBuf,
}

impl Workspace {
    /// A new workspace in a temporary folder, inside `IPWARM_FUZZ_WORK` if
    /// set (the campaign's state folder, which it removes at the end even if
    /// the process that made the workspace was killed).
    pub fn new() -> Self {
        let dir = match std::env::var_os("IPWARM_FUZZ_WORK") {
            Some(parent) => tempfile::tempdir_in(parent),
            None => tempfile::tempdir(),
        }
        .expect("temp dir");
        let fixture = dir.path().join("fixture");
        let cwd = dir.path().join("cwd");
        std::fs::create_dir_all(&cwd).expect("cwd");
        for sub in FIXTURE_FOLDERS {
            std::fs::create_dir_all(fixture.join(sub)).expect("fixture folder");
            for entry in std::fs::read_dir(root().join(sub)).expect("shipped files").flatten() {
                std::fs::copy(entry.path(), fixture.join(sub).join(entry.file_name())).expect("copy a shipped file");
            }
        }
        Self { _dir: dir, fixture, cwd }
    }
}

/// Runs `ipwarm args` in `ws.cwd` (also its `HOME` and `TMPDIR`) within
/// `limit` and a memory limit; checks its exit code, that it agrees with
/// `expect` (an exit code, if any) and that nothing changed outside `allowed`
/// (a folder under `ws.cwd`).
fn command(
    ws: &Workspace,
    args: &[&str],
    limit: Duration,
    expect: Option<i32>,
    allowed: Option<&Path>,
) -> Result<(), Finding> {
    let before = listing(&ws.fixture);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
        .arg("sh")
        .arg(MEMORY_LIMIT_KIB.to_string())
        .arg(env!("CARGO_BIN_EXE_ipwarm"))
        .args(args)
        .current_dir(&ws.cwd)
        .env("HOME", &ws.cwd)
        .env("TMPDIR", &ws.cwd)
        .env("RUST_BACKTRACE", "0");
    let name = format!("`ipwarm {}`", args.iter().filter(|a| !a.contains('/')).copied().collect::<Vec<_>>().join(" "));
    let result = match run_with_deadline(&mut cmd, limit) {
        Timed::TimedOut => Err(Finding::new(format!("{name} still running after {} s", limit.as_secs_f64()), "")),
        Timed::Ended { status, stderr, .. } => {
            let stderr = String::from_utf8_lossy(&stderr).into_owned();
            let tail: String = stderr.chars().take(2000).collect();
            match (status.code(), status.signal()) {
                (Some(code @ (0..=2)), _) if expect.is_none_or(|e| e == code) => Ok(()),
                (Some(code @ (0..=2)), _) => Err(Finding::new(
                    format!("{name} exit {code} where the parser in process expects {}", expect.unwrap_or(0)),
                    tail,
                )),
                (Some(code), _) => Err(Finding::new(format!("{name} exit {code}{}", panic_location(&stderr)), tail)),
                (None, signal) => Err(Finding::new(format!("{name} killed by signal {}", signal.unwrap_or(0)), tail)),
            }
        }
    };
    let mut stray: Vec<String> = Vec::new();
    if listing(&ws.fixture) != before {
        stray.push("the input folder changed".into());
    }
    for (path, _) in listing(&ws.cwd) {
        if !allowed.is_some_and(|a| ws.cwd.join(&path).starts_with(a)) {
            stray.push(path.display().to_string());
        }
    }
    let _ = std::fs::remove_dir_all(&ws.cwd);
    std::fs::create_dir_all(&ws.cwd).expect("cwd");
    result?;
    if stray.is_empty() {
        Ok(())
    } else {
        Err(Finding::new(format!("{name} wrote outside its output folder"), stray.join(", ")))
    }
}

/// ` (panicked at src/x.rs:1:2)` from a binary's standard error, or nothing.
fn panic_location(stderr: &str) -> String {
    stderr
        .split("panicked at ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .map_or(String::new(), |at| format!(" (panicked at {})", at.trim_end_matches(':')))
}

/// The binary checks of `input`, given what the parser said of it.
pub fn binary(ws: &Workspace, input: &Input, verdict: &Verdict, limit: Duration) -> Result<(), Finding> {
    let file = ws.fixture.join("experiments").join(format!("case.{}.toml", input.kind.name()));
    std::fs::write(&file, &input.bytes).expect("write the case");
    let path = file.to_str().expect("a UTF-8 temp path");
    let expect = Some(if verdict.valid { 0 } else { 2 });
    let outcome = match input.kind {
        // `validate` checks a file as the format its keys say (`validate_kind`).
        Kind::Scenario if validate_kind(&input.bytes, input.kind) != Kind::Scenario => {
            validate_expects(input, verdict, limit)
                .and_then(|code| command(ws, &["validate", path], limit, Some(code), None))
        }
        Kind::Scenario => command(ws, &["validate", path], limit, expect, None).and_then(|()| {
            let Some(short) = &verdict.short_scenario else { return Ok(()) };
            let short_file = ws.fixture.join("experiments").join("case-short.scenario.toml");
            std::fs::write(&short_file, short).expect("write the short case");
            let out = ws.cwd.join("out");
            let args = ["run", short_file.to_str().expect("UTF-8"), "--out", out.to_str().expect("UTF-8")];
            let outcome = command(ws, &args, limit, Some(0), Some(&out));
            let _ = std::fs::remove_file(&short_file);
            outcome
        }),
        Kind::Experiment => command(ws, &["sweep", path, "--dry-run"], limit, expect, None),
        Kind::Optimization => command(ws, &["optimize", path, "--dry-run"], limit, expect, None).and_then(|()| {
            let code = validate_expects(input, verdict, limit)?;
            command(ws, &["validate", path], limit, Some(code), None)
        }),
        Kind::Ingest(format) => {
            let out = ws.cwd.join("out");
            let csv = out.join("observed.csv");
            let args = ["ingest", format.name(), path, "--year", "2026", "--out", csv.to_str().expect("UTF-8")];
            command(ws, &args, limit, expect, Some(&out))
        }
    };
    let _ = std::fs::remove_file(&file);
    outcome
}
