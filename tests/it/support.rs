//! Shared helpers: the binary, shipped scenarios, and scenarios built in code.

use ipwarm::model::{Audience, IpKind, IpSpec, PRESET_NAMES, ProviderParams, RetryPolicy, Segment, SendingWindow};
use ipwarm::scenario::Scenario;
use ipwarm::sim::{Counts, RunResult};
use ipwarm::strategy::{StrategyKind, StrategySpec};
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real `ipwarm` binary with `args` in `dir`.
pub fn ipwarm(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipwarm")).args(args).current_dir(dir).output().expect("ipwarm runs")
}

/// What a command run with a deadline did.
#[derive(Debug)]
pub enum Timed {
    /// It ended by itself (with an exit code or a signal).
    Ended {
        /// How it ended.
        status: ExitStatus,
        /// Its standard output.
        stdout: Vec<u8>,
        /// Its standard error.
        stderr: Vec<u8>,
    },
    /// It was still running at the deadline and was killed.
    TimedOut,
}

/// Runs `cmd` with stdin closed, killing it if it is still running after
/// `limit`: polls `try_wait`, so a hung child fails its test instead of
/// hanging it. Its outputs go to anonymous temporary files, so a child that
/// writes much never blocks on a full pipe.
pub fn run_with_deadline(cmd: &mut Command, limit: Duration) -> Timed {
    let (mut out, mut err) = (tempfile::tempfile().expect("temp file"), tempfile::tempfile().expect("temp file"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone file"))
        .stderr(err.try_clone().expect("clone file"))
        .spawn()
        .expect("the command starts");
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Timed::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let read = |f: &mut std::fs::File| {
        let mut v = Vec::new();
        f.rewind().expect("rewind");
        f.read_to_end(&mut v).expect("read output");
        v
    };
    Timed::Ended { status, stdout: read(&mut out), stderr: read(&mut err) }
}

/// Every shipped scenario file, sorted.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "expected shipped scenarios, found {files:?}");
    files
}

/// A shipped scenario by file stem.
pub fn shipped(name: &str) -> Scenario {
    ipwarm::scenario::parse_file(&root().join("scenarios").join(format!("{name}.toml"))).expect("valid scenario")
}

/// A segment with the given rates.
pub fn segment(name: &str, share: f64, open: f64, complaint: f64, invalid: f64) -> Segment {
    Segment {
        name: name.into(),
        share,
        open_rate: open,
        complaint_rate: complaint,
        invalid_rate: invalid,
        trap_rate: 0.0,
    }
}

/// A scenario with all five presets (US B2C mix), a clean list and the given IPs and strategy.
pub fn scenario(ips: Vec<IpSpec>, kind: StrategyKind, horizon_days: u32) -> Scenario {
    Scenario {
        name: "test".into(),
        description: String::new(),
        seed: 1,
        horizon_days,
        window: SendingWindow { start_hour: 8, end_hour: 20, ..SendingWindow::default() },
        audience: Audience {
            size: 1_000_000,
            provider_shares: vec![0.45, 0.2, 0.15, 0.1, 0.1],
            segments: vec![
                segment("active_30d", 0.6, 0.45, 0.0001, 0.002),
                segment("active_90d", 0.4, 0.3, 0.0002, 0.004),
            ],
        },
        providers: PRESET_NAMES.iter().map(|n| ProviderParams::preset(n).expect("preset")).collect(),
        ips,
        retry: RetryPolicy::default(),
        strategy: StrategySpec::new(kind),
        variation: ipwarm::model::Variation::default(),
    }
}

/// A dedicated IP warmed to `trust` with `per_provider` messages/day of history.
pub fn warm_ip(per_provider: f64, trust: f64) -> IpSpec {
    IpSpec::new("warm-1", IpKind::Warm { daily_volume_per_provider: per_provider, trust })
}

/// A filter on the records of a run: which days, IPs and providers to sum.
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    /// First and last day, inclusive.
    pub days: (u32, u32),
    /// IP name, or every IP.
    pub ip: Option<&'a str>,
    /// Provider name, or every provider.
    pub provider: Option<&'a str>,
}

impl<'a> Cells<'a> {
    /// Every IP and provider on days `first..=last`.
    pub fn days(first: u32, last: u32) -> Self {
        Self { days: (first, last), ip: None, provider: None }
    }

    /// One day.
    pub fn day(day: u32) -> Self {
        Self::days(day, day)
    }

    /// Only IP `ip`.
    pub fn ip(self, ip: &'a str) -> Self {
        Self { ip: Some(ip), ..self }
    }

    /// Only provider `provider`.
    pub fn provider(self, provider: &'a str) -> Self {
        Self { provider: Some(provider), ..self }
    }

    /// Sum of `f` over the matching records of `r`.
    pub fn sum(&self, r: &RunResult, f: impl Fn(&Counts) -> u64) -> u64 {
        r.records
            .iter()
            .filter(|x| (self.days.0..=self.days.1).contains(&x.day))
            .filter(|x| self.ip.is_none_or(|ip| r.ip_names[x.ip] == ip))
            .filter(|x| self.provider.is_none_or(|p| r.provider_names[x.provider] == p))
            .map(|x| f(&x.counts))
            .sum()
    }
}

/// Messages accepted (inbox + junk).
pub fn accepted(c: &Counts) -> u64 {
    c.inbox + c.junk
}

/// The warm day of provider `name` in `r`.
pub fn warm_day(r: &RunResult, name: &str) -> Option<u32> {
    let p = r.provider_names.iter().position(|n| n == name).expect("provider");
    r.warm_day[p]
}

/// Asserts that a command succeeded, showing its output if not.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file of an output folder, by name.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = Vec::new();
    for path in std::fs::read_dir(dir).expect("output folder").map(|e| e.expect("entry").path()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            // A subfolder's files as `sub/name` (the Parquet series of an experiment: `series/`).
            v.extend(files(&path).into_iter().map(|(n, bytes)| (format!("{name}/{n}"), bytes)));
        } else {
            v.push((name, std::fs::read(&path).expect("read")));
        }
    }
    v.sort();
    v
}

/// Asserts that two output folders hold the same files, byte for byte.
pub fn assert_same_files(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "same file names");
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(x == y, "{name} differs between {} and {}", a.display(), b.display());
    }
}

/// The body of a small, self-contained scenario (five providers, two segments,
/// one new IP, an exponential ramp), as a literal for `concat!`; a file adds its
/// `name`, `horizon_days` and any tables of its own.
macro_rules! small_world {
    () => {
        r#"[audience]
size = 50000
[audience.providers]
gmail = 0.45
microsoft = 0.2
yahoo = 0.15
apple = 0.1
other = 0.1
[[audience.segments]]
name = "engaged"
share = 0.6
open_rate = 0.4
complaint_rate = 0.0002
invalid_rate = 0.005
[[audience.segments]]
name = "cold"
share = 0.4
open_rate = 0.05
complaint_rate = 0.002
invalid_rate = 0.03
[[ips]]
name = "new-1"
kind = "new"
[strategy]
kind = "exponential"
start = 1000.0
growth = 1.3
target = 50000.0
"#
    };
}
pub(crate) use small_world;

/// The rows of CSV file `path` as (header, rows).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader.headers().expect("header").iter().map(String::from).collect();
    let rows = reader.records().map(|r| r.expect("row").iter().map(String::from).collect()).collect();
    (header, rows)
}
