//! The outputs of a small optimisation: every file's columns, the front's
//! non-domination, the comparison read back, and the charts drawn with and
//! without a best plan.

use super::*;
use crate::optimize::search::{self, Memo, Optimum};
use crate::optimize::{OptimizeSpec, parse_optimize};
use crate::scenario::DEFAULT_SCENARIO_TOML;
use crate::sweep::Flow;

fn spec(max_probability: f64) -> OptimizeSpec {
    let base = DEFAULT_SCENARIO_TOML
        .replace("horizon_days = 56", "horizon_days = 20")
        .replace("size = 200000 #", "size = 20000 #")
        .replace("daily_volume = 100000 #", "daily_volume = 10000 #");
    let text = format!(
        r#"name = "small"
scenario = "base.toml"
seed = 5
budget = 300
[strategy]
kind = "exponential"
[search]
start = {{ min = 100, max = 5000, scale = "log" }}
growth = {{ min = 1.1, max = 2.0 }}
[objective]
minimise = "inbox_share"
[[constraint]]
metric = "blocked_share"
above = 0.001
max_probability = {max_probability}
[optimizer]
population = 4
initial_replicates = 2
max_replicates = 8
verify_replicates = 40
verify_candidates = 2
"#
    );
    let mut read = |_: &str| Ok(("base.toml".to_string(), base.clone()));
    parse_optimize(&text, "o.toml", &mut read).expect("valid")
}

fn optimum(spec: &OptimizeSpec) -> Optimum {
    search::optimize(spec, &Memo::new(), 2, &mut |_| Flow::Continue).expect("optimises")
}

fn text(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writes");
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn files_have_their_columns_and_the_front_is_not_dominated() {
    let spec = spec(0.2);
    let opt = optimum(&spec);
    assert!(opt.search_runs <= spec.search_budget() && !opt.generations.is_empty());
    let candidates = text(|w| write_candidates(&spec, &opt, w));
    let header = candidates.lines().next().expect("header");
    assert!(header.starts_with("generation,candidate,label,start_messages_per_day,growth,replicates,inbox_share_mean"));
    assert!(header.contains("constraint_1_blocked_share_upper_bound") && header.ends_with(",safe"));
    assert_eq!(candidates.lines().count(), opt.candidates.len() + 1);
    let convergence = text(|w| write_convergence(&spec, &opt, w));
    assert_eq!(convergence.lines().count(), opt.generations.len() + 1);
    let front_rows = front(&spec, &opt);
    assert!(!front_rows.is_empty());
    let nc = spec.constraints.len();
    for &a in &front_rows {
        let sa = opt.candidates[a].stats(None, nc).expect("runs");
        for (b, cand) in opt.candidates.iter().enumerate() {
            let Some(sb) = cand.stats(None, nc).filter(|s| s.n == sa.n) else { continue };
            let dominates =
                sb.mean <= sa.mean && sb.share(0) <= sa.share(0) && (sb.mean < sa.mean || sb.share(0) < sa.share(0));
            assert!(!dominates, "front candidate {a} is dominated by {b}");
        }
    }
    let outcomes = text(|w| write_best_outcomes(&spec, &opt, w));
    let expected = opt.best.map_or(0, |b| opt.verified[b].runs.len());
    assert_eq!(outcomes.lines().count(), expected + 1);
    // The comparison's runs.csv read back: the objective censored, violations counted.
    let runs = "run,point,replicate,seed,plan,status,message,days_observed,inbox_share,blocked_share\n\
                0,0,0,0x1,a,ok,,20,0.5,0\n1,1,0,0x1,b,ok,,20,0.4,0.01\n\
                2,0,1,0x2,a,ok,,20,0.7,0.002\n3,1,1,0x2,b,ok,,20,0.5,0\n";
    let labels = vec!["a".to_string(), "b".to_string()];
    let read = read_contenders(&spec, &labels, &mut runs.as_bytes()).expect("reads");
    assert_eq!(read[0].objective, [0.5, 0.7]);
    assert_eq!((read[0].violations[0], read[1].violations[0]), (1, 1));
    let (mean, lo, hi) = paired_difference(&read[0], &read[1]).expect("two pairs");
    assert!((mean + 0.15).abs() < 1e-12 && lo < mean && mean < hi);
    let summary = summary_json(&spec, &opt, &read, 4);
    assert_eq!(summary["runs"]["comparison"], 4);
    assert_eq!(summary["comparison"][1]["plan"], "b");
    // Charts, with and without a best plan.
    let dir = tempfile::tempdir().expect("tempdir");
    let drawn = front_data(&spec, &opt, &read);
    let paths =
        crate::optimize::charts::write_charts(&drawn, &convergence_data(&spec, &opt), dir.path()).expect("draws");
    assert_eq!(paths.len(), 2);
    let mut none = opt.clone();
    none.best = None;
    none.verified.iter_mut().for_each(|v| v.safe = false);
    let data = front_data(&spec, &none, &[]);
    assert!(data.verified.iter().all(|v| !v.best));
    crate::optimize::charts::write_charts(&data, &convergence_data(&spec, &none), dir.path()).expect("draws");
}
