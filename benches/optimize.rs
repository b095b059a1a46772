//! A timed optimisation (not criterion: one takes seconds): the shipped example
//! `optimizations/optimize.toml`, 4 parameters of a per-provider schedule on the default
//! scenario with a budget of 2,000 runs (search and verification), on 1 and 2 threads.
//! The final comparison is not part of it (`compare`'s speed is `benches/sweep.rs`'s).
//!
//! Run with `cargo bench --bench optimize` (target: under a minute on 2 cores).

use std::time::Instant;

use ipwarm::optimize::parse_optimize;
use ipwarm::optimize::search::{self, Memo};
use ipwarm::sweep::Flow;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("optimizations/optimize.toml");
    let text = std::fs::read_to_string(&path).expect("optimizations/optimize.toml");
    let mut read = |file: &str| -> Result<(String, String), String> {
        let full = root.join("optimizations").join(file);
        std::fs::read_to_string(&full).map(|t| (full.display().to_string(), t)).map_err(|e| e.to_string())
    };
    let spec = parse_optimize(&text, "optimizations/optimize.toml", &mut read).expect("a valid optimisation");
    assert_eq!(spec.space.dims(), 4);
    for threads in [1, 2] {
        let start = Instant::now();
        let optimum = search::optimize(&spec, &Memo::new(), threads, &mut |_| Flow::Continue).expect("optimises");
        let seconds = start.elapsed().as_secs_f64();
        let runs = optimum.search_runs + optimum.verified.iter().map(|v| v.stats.n).sum::<u64>();
        let best = optimum.best.map_or("none safe".to_string(), |b| {
            let v = &optimum.verified[b];
            format!("{} ({:.2} days)", optimum.candidates[v.candidate].label, v.stats.mean)
        });
        println!(
            "4 parameters, {runs} runs ({} generations), {threads} thread(s): {seconds:.1} s ({:.0} runs/s); best {best}",
            optimum.generations.len(),
            runs as f64 / seconds
        );
    }
}
