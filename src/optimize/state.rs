//! What makes an optimisation resumable: `evaluations.csv`, every finished
//! run in the order the search reports them, appended as they finish, and the
//! hash of what the runs depend on.
//!
//! `--resume` truncates the file to its last complete row ([`read_evaluations`]
//! says how many bytes to keep) and reads the rows back into a [`Memo`]; the
//! optimisation is then replayed from the start, taking each run found in the
//! memo instead of simulating it. Because the search reports runs in a fixed
//! order, the file after a resume is the file an uninterrupted optimisation
//! writes, and so is every other output. Values are written in Rust's shortest
//! exact form, so a replayed run is the run that was simulated, bit for bit.
//!
//! Nothing here touches files: the CLI passes readers and writers.

use std::io::BufRead;

use super::OptimizeSpec;
use super::search::rank::RunScore;
use super::search::{Evaluation, Memo};
use crate::engine::{parse_seed, seed_text};
use crate::report::experiment::csv_field;

/// The file name of the evaluations.
pub const EVALUATIONS: &str = "evaluations.csv";

/// The columns of `evaluations.csv` for `spec`: `candidate, phase, replicate,
/// seed, objective`, then per constraint `i` (from 1) `constraint_<i>_<metric>`
/// (its value, empty when missing) and `constraint_<i>_violated` (0 or 1).
pub fn evaluations_header(spec: &OptimizeSpec) -> Vec<String> {
    let mut columns: Vec<String> =
        ["candidate", "phase", "replicate", "seed", "objective"].iter().map(|s| s.to_string()).collect();
    for (i, c) in spec.constraints.iter().enumerate() {
        columns.push(format!("constraint_{}_{}", i + 1, c.metric.name()));
        columns.push(format!("constraint_{}_violated", i + 1));
    }
    columns
}

/// The header line (without newline).
pub fn header_line(spec: &OptimizeSpec) -> String {
    evaluations_header(spec).iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(",")
}

/// One row of `evaluations.csv` (with its newline).
pub fn evaluation_row(evaluation: &Evaluation) -> String {
    let s = &evaluation.score;
    let mut fields = vec![
        csv_field(&evaluation.key),
        evaluation.phase.name().to_string(),
        evaluation.replicate.to_string(),
        seed_text(evaluation.seed),
        exact(s.objective),
    ];
    for (value, violated) in s.values.iter().zip(&s.violated) {
        fields.push(value.map(exact).unwrap_or_default());
        fields.push(if *violated { "1" } else { "0" }.to_string());
    }
    fields.join(",") + "\n"
}

/// `v` in Rust's shortest form that reads back to the same bits.
fn exact(v: f64) -> String {
    format!("{v:?}")
}

/// What `--resume` finds in `evaluations.csv`.
#[derive(Debug, Default)]
pub struct Resumed {
    /// The runs read back.
    pub memo: Memo,
    /// Rows read.
    pub rows: usize,
    /// Bytes to keep (the header and every complete row); the rest is truncated.
    pub keep_bytes: u64,
}

/// Reads `evaluations.csv` back: its header must be `header` (else `Err`); rows
/// are read up to the first incomplete or unreadable one (a process killed while
/// writing), which is dropped with everything after it. An empty file keeps nothing.
pub fn read_evaluations(input: &mut dyn BufRead, header: &str) -> Result<Resumed, String> {
    let mut resumed = Resumed::default();
    let mut line = String::new();
    let mut first = true;
    loop {
        line.clear();
        let n = input.read_line(&mut line).map_err(|e| format!("cannot read {EVALUATIONS}: {e}"))?;
        if n == 0 || !line.ends_with('\n') {
            break;
        }
        let text = line.trim_end_matches('\n');
        if first {
            if text != header {
                return Err(format!(
                    "{EVALUATIONS} has other columns than this optimisation's (another objective or constraints)"
                ));
            }
            first = false;
        } else {
            let Some((key, seed, score)) = parse_row(text) else { break };
            resumed.memo.insert((key, seed), score);
            resumed.rows += 1;
        }
        resumed.keep_bytes += n as u64;
    }
    Ok(resumed)
}

/// A row's candidate key, seed and score; `None` if it does not read.
fn parse_row(text: &str) -> Option<(String, u64, RunScore)> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    let record = reader.records().next()?.ok()?;
    let fields: Vec<&str> = record.iter().collect();
    if fields.len() < 5 || fields.len().is_multiple_of(2) {
        return None;
    }
    let seed = parse_seed(fields[3]).ok()?;
    let objective: f64 = fields[4].parse().ok()?;
    let mut values = Vec::new();
    let mut violated = Vec::new();
    for pair in fields[5..].chunks(2) {
        values.push(if pair[0].is_empty() { None } else { Some(pair[0].parse().ok()?) });
        violated.push(match pair[1] {
            "1" => true,
            "0" => false,
            _ => return None,
        });
    }
    Some((fields[0].to_string(), seed, RunScore { objective, violated, values }))
}

/// The hash of what an optimisation's runs depend on: the optimisation file's
/// text (its `budget` and `[optimizer]` comparison settings excepted: more budget
/// only adds runs, and the comparison is redone) and its base scenario's text.
pub fn state_hash(file_text: &str, base_text: &str) -> String {
    let canonical = match toml::from_str::<toml::Table>(file_text) {
        Ok(mut table) => {
            table.remove("budget");
            if let Some(toml::Value::Table(opt)) = table.get_mut("optimizer") {
                opt.remove("compare_replicates");
                opt.remove("compare_presets");
            }
            toml::to_string(&table).unwrap_or_else(|_| file_text.to_string())
        }
        Err(_) => file_text.to_string(),
    };
    crate::sweep::content_hash(&[&canonical, base_text])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::search::Phase;

    fn evaluation(key: &str, seed: u64, objective: f64) -> Evaluation {
        let score = RunScore { objective, violated: vec![true, false], values: vec![None, Some(0.1 + 0.2)] };
        Evaluation { key: key.into(), phase: Phase::Search, replicate: 3, seed, score }
    }

    #[test]
    fn rows_read_back_exactly_and_a_torn_row_is_dropped() {
        let header = "candidate,phase,replicate,seed,objective,constraint_1_a,constraint_1_violated,constraint_2_b,constraint_2_violated";
        let a = evaluation("growth=1.5;start=800", u64::MAX, 1.0 / 3.0);
        let b = evaluation("growth=2;start=100", 7, 41.0);
        let mut text = format!("{header}\n{}{}", evaluation_row(&a), evaluation_row(&b));
        let full = text.len() as u64;
        text.push_str("growth=3;st");
        let resumed = read_evaluations(&mut text.as_bytes(), header).expect("reads");
        assert_eq!((resumed.rows, resumed.keep_bytes), (2, full));
        assert_eq!(resumed.memo.get(&(a.key.clone(), a.seed)), Some(&a.score));
        assert_eq!(resumed.memo.get(&(b.key.clone(), 7)), Some(&b.score));
        let err = read_evaluations(&mut text.as_bytes(), "candidate").expect_err("another header");
        assert!(err.contains("other columns"), "{err}");
        let empty = read_evaluations(&mut "".as_bytes(), header).expect("empty");
        assert_eq!((empty.rows, empty.keep_bytes), (0, 0));
    }

    #[test]
    fn the_hash_ignores_the_budget_only() {
        let a = state_hash("name = \"x\"\nbudget = 100\nseed = 1\n", "base");
        assert_eq!(a, state_hash("name = \"x\"\nbudget = 900\nseed = 1\n", "base"));
        assert_ne!(a, state_hash("name = \"x\"\nbudget = 100\nseed = 2\n", "base"));
        assert_ne!(a, state_hash("name = \"x\"\nbudget = 100\nseed = 1\n", "other base"));
    }
}
