//! Tests of the warm times: censored runs are counted, not dropped, in every output.

use super::*;
use crate::report::experiment::{SummaryOutputs, read_stats, read_warm_curves, read_warm_times, summarize};

/// Two design points of three replicates, horizon 30, providers gmail and yahoo:
///
/// ```text
/// run point rep  gmail yahoo all
/// 0   a     0    5     20    20
/// 1   b     0    6     -     -      yahoo never warm
/// 2   a     1    7     10    10
/// 3   b     1    8     NA    8      no yahoo in this run's scenario
/// 4   a     2    9     -     -      yahoo never warm
/// 5   b     2    failed
/// ```
const RUNS: &str = "run,point,replicate,seed,g,status,message,days_to_warm_gmail,days_to_warm_yahoo,\
    days_to_warm_all,days_observed,inbox\n\
    0,0,0,0x1,a,ok,,5,20,20,30,1\n\
    1,1,0,0x1,b,ok,,6,,,30,1\n\
    2,0,1,0x2,a,ok,,7,10,10,30,1\n\
    3,1,1,0x2,b,ok,,8,NA,8,30,1\n\
    4,0,2,0x3,a,ok,,9,,,30,1\n\
    5,1,2,0x3,b,failed,boom,,,,,\n";

struct Outputs {
    summary: String,
    differences: String,
    times: String,
    curves: String,
}

fn summarise(runs: &str) -> Outputs {
    let (mut s, mut d, mut t, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let out = SummaryOutputs {
        summary: &mut s,
        series_summary: None,
        differences: Some(&mut d),
        warm_times: &mut t,
        warm_curves: &mut c,
    };
    summarize(&mut runs.as_bytes(), None, out).unwrap();
    let text = |v: Vec<u8>| String::from_utf8(v).unwrap();
    Outputs { summary: text(s), differences: text(d), times: text(t), curves: text(c) }
}

#[test]
fn a_run_never_warm_is_censored_not_dropped() {
    let out = summarise(RUNS);
    let times: Vec<&str> = out.times.lines().collect();
    assert_eq!(
        times[0],
        "point,g,provider,days_observed,n_runs,n_warm,n_censored,share_never_warm,median_days,median_ci_low,\
         median_ci_high,restricted_mean_days,restricted_mean_ci_low,restricted_mean_ci_high"
    );
    // Point a, every provider: warm on 20 and 10, never in one run. Ŝ = 2/3 after day 10, 1/3
    // after day 20, median 20; restricted mean = mean(20, 10, 30) = 20, variance = population
    // variance / n = (0 + 100 + 100)/3/3, interval 20 ± 1.959964 · 4.714045 = (10.76064, 29.23936).
    // The median's interval: the band's lower end is under 0.5 from day 10; its upper end
    // (0.774 on day 20) never is.
    assert_eq!(times[3], "0,a,all,30,3,2,1,0.3333333,20,10,,20,10.76064,29.23936");
    assert_eq!(times[1], "0,a,gmail,30,3,3,0,0,7,5,9,7,5.152128,8.847872");
    // Point b: the failed run counts nowhere; the run without yahoo counts only for gmail and all.
    assert_eq!(times[4], "1,b,gmail,30,2,2,0,0,6,6,8,7,5.614096,8.385904");
    assert_eq!(times[5], "1,b,yahoo,30,1,0,1,1,,,,30,,");
    // 19 ± 1.959964 · 7.778175: the upper end is cut to the horizon.
    assert_eq!(times[6], "1,b,all,30,2,1,1,0.5,8,8,,19,3.755058,30");
    assert_eq!(times.len(), 7);

    // summary.csv: restricted means, the run never warm counted at the horizon (30), so
    // mean(20, 10, 30) = 20 where the observed runs alone would give 15.
    assert!(!out.summary.contains(",days_to_warm_"), "no mean of observed warm days only:\n{}", out.summary);
    let summary = read_stats(&mut out.summary.as_bytes(), false).unwrap();
    let stat = |point: usize, metric: &str| {
        summary.iter().find(|r| r.point == point && r.metric == metric).map(|r| (r.stats.n, r.stats.mean))
    };
    assert_eq!(stat(0, "restricted_days_to_warm_all"), Some((3, Some(20.0))));
    assert_eq!(stat(0, "restricted_days_to_warm_yahoo"), Some((3, Some(20.0))));
    assert_eq!(stat(1, "restricted_days_to_warm_all"), Some((2, Some(19.0))));
    assert_eq!(stat(1, "restricted_days_to_warm_yahoo"), Some((1, Some(30.0))), "NA is not censored");
    assert_eq!(stat(1, "inbox"), Some((2, Some(1.0))));

    // differences.csv: replicate r of b minus replicate r of a, restricted times:
    // all: (30 - 20) and (8 - 10), mean 4; yahoo: 30 - 20 only (no yahoo in b's replicate 1).
    let diffs = read_stats(&mut out.differences.as_bytes(), false).unwrap();
    let diff = |metric: &str| diffs.iter().find(|r| r.metric == metric).map(|r| (r.stats.n, r.stats.mean));
    assert_eq!(diff("restricted_days_to_warm_all"), Some((2, Some(4.0))));
    assert_eq!(diff("restricted_days_to_warm_yahoo"), Some((1, Some(10.0))));
    assert_eq!(diff("restricted_days_to_warm_gmail"), Some((2, Some(1.0))));

    // warm_curves.csv: a row per day to the horizon for each (point, provider).
    let curves: Vec<&str> = out.curves.lines().collect();
    assert_eq!(curves[0], "point,provider,day,at_risk,events,censored,share_warm,ci_low,ci_high");
    assert_eq!(curves.len(), 1 + 6 * 30);
    assert!(out.curves.contains("\n0,all,9,3,0,0,0,0,0\n"), "before the first event: no band");
    assert!(out.curves.contains("\n0,all,10,3,1,0,0.3333333,"), "{}", out.curves);
    assert!(out.curves.contains("\n0,all,30,1,0,1,0.6666667,"), "{}", out.curves);
    assert!(out.curves.contains("\n1,yahoo,30,1,0,1,0,0,0\n"), "{}", out.curves);
    // Every run of a at gmail warm by day 9: Ŝ = 0, the band is (0, 0).
    assert!(out.curves.contains("\n0,gmail,9,1,1,0,1,1,1\n"), "{}", out.curves);

    // Read back as written.
    let rows = read_warm_times(&mut out.times.as_bytes()).unwrap();
    let all_a = &rows[2];
    assert_eq!((all_a.point, all_a.labels.as_slice(), all_a.provider.as_str()), (0, &["a".to_string()][..], "all"));
    assert_eq!((all_a.n_runs, all_a.n_warm, all_a.n_censored, all_a.days_observed), (3, 2, 1, 30));
    assert_eq!((all_a.median_days, all_a.median_ci_low, all_a.median_ci_high), (Some(20), Some(10), None));
    assert_eq!(all_a.restricted_mean_days, Some(20.0));
    assert_eq!(rows[4].restricted_mean_ci_low, None);
    let curves = read_warm_curves(&mut out.curves.as_bytes()).unwrap();
    assert_eq!(curves.len(), 180);
    let c = curves.iter().find(|r| r.point == 0 && r.provider == "all" && r.day == 20).unwrap();
    assert_eq!((c.at_risk, c.events, c.censored, c.share_warm), (2, 1, 0, 0.6666667));
    assert!(c.ci_low.unwrap() < 0.6666667 && c.ci_high.unwrap() > 0.6666667);
}

#[test]
fn readers_refuse_values_that_are_not_finite_numbers() {
    let out = summarise(RUNS);
    let times = out.times.replace("0,a,all,30,3,2,1,0.3333333,20,10,,20,", "0,a,all,30,3,2,1,0.3333333,20,10,,inf,");
    let err = read_warm_times(&mut times.as_bytes()).unwrap_err().to_string();
    assert!(err.starts_with("line 4, column `restricted_mean_days`: `inf` is not a finite number"), "{err}");
    let curves = out.curves.replace("\n0,all,10,3,1,0,0.3333333,", "\n0,all,10,3,x,0,0.3333333,");
    let err = read_warm_curves(&mut curves.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("column `events`: `x` is not a count"), "{err}");
    let err = read_warm_curves(&mut "point,day\n".as_bytes()).unwrap_err().to_string();
    assert!(err.contains("unexpected header"), "{err}");
}

#[test]
fn runs_without_a_horizon_column_are_refused() {
    let runs = "run,point,replicate,seed,status,message,days_to_warm_all\n0,0,0,0x1,ok,,3\n";
    let (mut s, mut t, mut c) = (Vec::new(), Vec::new(), Vec::new());
    let out = SummaryOutputs {
        summary: &mut s,
        series_summary: None,
        differences: None,
        warm_times: &mut t,
        warm_curves: &mut c,
    };
    let err = summarize(&mut runs.as_bytes(), None, out).unwrap_err().to_string();
    assert!(err.contains("no days_observed column"), "{err}");
}

#[test]
fn restricted_names_and_values() {
    assert_eq!(summary_metric("days_to_warm_all"), "restricted_days_to_warm_all");
    assert_eq!(summary_metric("inbox_share"), "inbox_share");
    assert_eq!(restrict(f64::INFINITY, 30.0), 30.0);
    assert_eq!(restrict(12.0, 30.0), 12.0);
    assert!(restrict(f64::NAN, 30.0).is_nan() && restrict(3.0, f64::NAN).is_nan());
    assert_eq!((warm_field(""), warm_field("7")), (f64::INFINITY, 7.0));
    assert!(warm_field(NOT_APPLICABLE).is_nan());
}
