//! A case from its seed: a mutated ingest fixture (a log file, [`LOG_SHARE`]
//! of the cases), else a generated document (a quarter of the rest) or a
//! mutated shipped file (an optimisation file, half of the time, by the
//! mutations that know its format), with a line saying how it was made.

use ipwarm::engine::{derive_seed, stream_rng};
use rand::RngExt;

use super::corpus::{Corpus, Kind};
use super::oracle::Input;
use super::{generate, mutate};

/// Share of the cases that are log files for `ipwarm ingest`.
const LOG_SHARE: f64 = 0.15;

/// A mutated ingest fixture, now and then given to another format's reader.
fn log_case(corpus: &Corpus, rng: &mut ipwarm::engine::SimRng) -> (Input, String) {
    let from = &corpus.logs[rng.random_range(0..corpus.logs.len())];
    let mut bytes = from.bytes.clone();
    let ops = mutate::mutate(rng, &mut bytes, corpus);
    let formats = ipwarm::observed::Format::ALL;
    let kind = if rng.random_bool(0.1) { Kind::Ingest(formats[rng.random_range(0..formats.len())]) } else { from.kind };
    (Input { kind, bytes }, format!("{} ({}) as {}", from.name, ops.join(", "), kind.name()))
}

/// The seed of case `index` of a campaign with root seed `root`.
pub fn case_seed(root: u64, index: u64) -> u64 {
    derive_seed(root, &[index])
}

/// The input of the case with seed `seed`, and how it was made.
pub fn make_case(corpus: &Corpus, seed: u64) -> (Input, String) {
    // Log cases draw from a stream of their own, so that the other cases stay as they were.
    let mut log_rng = stream_rng(seed, "fuzz log case");
    if log_rng.random_bool(LOG_SHARE) {
        return log_case(corpus, &mut log_rng);
    }
    let mut rng = stream_rng(seed, "fuzz case");
    if rng.random_bool(0.25) {
        let kind = match rng.random_range(0..6) {
            0..=2 => Kind::Scenario,
            3 | 4 => Kind::Experiment,
            _ => Kind::Optimization,
        };
        let text = generate::draw(corpus, kind, seed);
        (Input { kind, bytes: text.into_bytes() }, format!("generated {}", kind.name()))
    } else {
        let from = &corpus.seeds[rng.random_range(0..corpus.seeds.len())];
        let mut bytes = from.bytes.clone();
        // Optimisation files get, half of the time, mutations that know their format instead.
        let ops = match from.kind {
            Kind::Optimization if rng.random_bool(0.5) => mutate::mutate_optimization(&mut rng, &mut bytes),
            _ => mutate::mutate(&mut rng, &mut bytes, corpus),
        };
        // Now and then, a file of one kind goes to another parser (an optimisation file to the
        // experiment parser, as both name a `scenario`, and an experiment to the optimisation parser).
        let kind = match (from.kind, rng.random_bool(0.05)) {
            (k, false) => k,
            (Kind::Scenario, true) => Kind::Experiment,
            (Kind::Experiment, true) if rng.random_bool(0.5) => Kind::Optimization,
            (Kind::Experiment, true) => Kind::Scenario,
            (Kind::Optimization, true) => Kind::Experiment,
            (Kind::Ingest(_), true) => from.kind,
        };
        (Input { kind, bytes }, format!("{} ({}) as {}", from.name, ops.join(", "), kind.name()))
    }
}
