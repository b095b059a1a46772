//! One outcome per design point, as the bar charts and the heatmaps show it: a run
//! metric's mean from `summary.csv` (a days-to-warm column's restricted mean from
//! `warm_times.csv`) with its 95% interval, in display units, the interval kept among
//! the values the metric can take.
//!
//! A t interval of a mean is symmetric, so the mean of values at or near a bound (a
//! share of blocked messages near 0, every run warm at 4 of 4 providers) gets an
//! interval reaching past it; such an interval is cut at the bound and says so
//! ([`Outcome::clipped`]), and the charts state it next to the panel.

use super::chart_data::{ChartData, metric_display};
use super::metrics::{Better, DAYS_TO_WARM_PREFIX, Domain, run_metric};
use super::warm_rows::WarmData;
use super::warm_times::ALL_PROVIDERS;
use crate::report::charts::style::finite;

/// How a metric reads on a chart: title (with its unit), display factor, the better
/// direction, and the values one run can have.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricInfo {
    /// Title with its unit, from [`RUN_METRIC_TABLE`](super::RUN_METRIC_TABLE).
    pub title: String,
    /// Factor from the files' values to the chart's (100 for a share shown in %).
    pub scale: f64,
    /// Which way is better.
    pub better: Better,
    /// The values one run can have; `None`: any (a drawn provider parameter, an unknown name).
    pub domain: Option<Domain>,
}

/// How `metric` (a `runs.csv` column) reads on a chart. A `days_to_warm_<provider>`
/// column is days, fewer better; a column the tables do not know is shown as it is.
pub fn metric_info(metric: &str) -> MetricInfo {
    let (title, scale) = metric_display(metric);
    match (run_metric(metric), metric.strip_prefix(DAYS_TO_WARM_PREFIX)) {
        (Some(m), _) => MetricInfo { title, scale, better: m.better, domain: Some(m.domain) },
        (None, Some(_)) => MetricInfo { title, scale, better: Better::Lower, domain: Some(Domain::NonNegative) },
        (None, None) => MetricInfo { title, scale, better: Better::Neither, domain: None },
    }
}

/// The unit of `metric`'s values on a chart, from its title: `%` for a share, `days` for days
/// to warm, `messages` for a total, `count`; `outcome units` where the title gives none.
pub fn metric_unit(metric: &str) -> String {
    if metric.starts_with(DAYS_TO_WARM_PREFIX) {
        return "days".into();
    }
    let title = metric_info(metric).title;
    let unit = title.strip_suffix(')').and_then(|t| t.rsplit_once('(')).map(|(_, unit)| unit);
    unit.map_or("outcome units", |u| u.split(',').next().unwrap_or(u).trim()).to_string()
}

/// The smallest and largest mean of a metric in `domain` (in the files' units), if bounded;
/// `n_providers` bounds [`Domain::Providers`].
pub fn domain_bounds(domain: Option<Domain>, n_providers: Option<usize>) -> (Option<f64>, Option<f64>) {
    match domain {
        None => (None, None),
        Some(Domain::NonNegative) => (Some(0.0), None),
        Some(Domain::Share) => (Some(0.0), Some(1.0)),
        Some(Domain::Providers) => (Some(0.0), n_providers.map(|n| n as f64)),
    }
}

/// The interval `[lo, hi]` cut to `[min, max]` (either optional), and whether it was cut.
/// An interval wholly outside (values read from an edited file) ends at the bound.
pub fn clip_interval(lo: f64, hi: f64, (min, max): (Option<f64>, Option<f64>)) -> (f64, f64, bool) {
    let (mut l, mut h) = (lo, hi);
    if let Some(m) = min {
        (l, h) = (l.max(m), h.max(m));
    }
    if let Some(m) = max {
        (l, h) = (l.min(m), h.min(m));
    }
    (l, h, l != lo || h != hi)
}

/// One design point's outcome, in display units.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Design point.
    pub point: usize,
    /// The mean (days to warm: the restricted mean).
    pub value: f64,
    /// Lower end of its 95% interval (the value itself without one).
    pub lo: f64,
    /// Upper end of its 95% interval.
    pub hi: f64,
    /// Whether the interval was cut at a bound of the metric.
    pub clipped: bool,
    /// Half the width of the interval before any cut (0 without one).
    pub half_width: f64,
    /// Runs counted.
    pub n: u64,
    /// Runs never warm (a days-to-warm outcome only).
    pub never_warm: Option<u64>,
    /// The horizon at which runs never warm are counted (a days-to-warm outcome only).
    pub horizon: Option<u32>,
}

impl Outcome {
    /// Whether every run of the point was never warm: its value is the horizon, a lower bound.
    pub fn all_censored(&self) -> bool {
        self.never_warm.is_some_and(|k| k > 0 && k == self.n)
    }
}

/// The number of providers of the experiment (the largest at any design point), from the warm
/// times or, in folders without them, from the daily series; `None` if neither has any.
pub fn n_providers(data: &ChartData, warm: &WarmData) -> Option<usize> {
    let mut names: Vec<&str> = warm.times.iter().map(|r| r.provider.as_str()).collect();
    if names.is_empty() {
        names = data.series.iter().map(|r| r.provider.as_str()).collect();
    }
    names.retain(|p| *p != ALL_PROVIDERS);
    names.sort_unstable();
    names.dedup();
    (!names.is_empty()).then_some(names.len())
}

/// The outcomes of `metric` at every design point that has one, with the caption of its
/// chart: a run metric's mean from `summary.csv`, or a days-to-warm column's restricted
/// mean from `warm` (its interval cut at 0 and at the horizon).
pub fn outcomes(data: &ChartData, warm: &WarmData, metric: &str) -> (Vec<Outcome>, String) {
    let info = metric_info(metric);
    let build = |point, m: f64, lo: Option<f64>, hi: Option<f64>, n, bounds, warm_counts: Option<(u64, u32)>| {
        let s = info.scale;
        let (lo0, hi0) = (lo.unwrap_or(m), hi.unwrap_or(m));
        let (l, h, clipped) = clip_interval(lo0, hi0, bounds);
        let (m, l, h) = (finite(m * s), finite(l * s), finite(h * s));
        let half_width = finite((hi0 / 2.0 - lo0 / 2.0) * s);
        [m, l, h].iter().all(|v| v.is_finite()).then_some(Outcome {
            point,
            value: m,
            lo: l,
            hi: h,
            clipped,
            half_width: if half_width.is_finite() { half_width } else { 0.0 },
            n,
            never_warm: warm_counts.map(|w| w.0),
            horizon: warm_counts.map(|w| w.1),
        })
    };
    let n_points = data.n_points();
    if let Some(provider) = metric.strip_prefix(DAYS_TO_WARM_PREFIX) {
        let values = (0..n_points)
            .filter_map(|p| warm.time(p, provider))
            .filter_map(|r| {
                let bounds = (Some(0.0), Some(f64::from(r.days_observed)));
                let (lo, hi) = (r.restricted_mean_ci_low, r.restricted_mean_ci_high);
                let counts = Some((r.n_censored, r.days_observed));
                build(r.point, r.restricted_mean_days?, lo, hi, r.n_runs, bounds, counts)
            })
            .collect();
        return (values, warm.caption(provider, n_points));
    }
    let bounds = domain_bounds(info.domain, n_providers(data, warm));
    let values = (0..n_points)
        .filter_map(|p| {
            let s = data.stat(p, metric)?.stats;
            build(p, s.mean?, s.ci_low, s.ci_high, s.n, bounds, None)
        })
        .collect();
    (values, info.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::experiment::RUN_METRIC_TABLE;

    #[test]
    fn intervals_of_bounded_metrics_stay_within_their_bounds() {
        // A t interval of a mean of shares near 0 reaches below 0: cut, and said so.
        assert_eq!(clip_interval(-0.2, 0.5, (Some(0.0), Some(1.0))), (0.0, 0.5, true));
        assert_eq!(clip_interval(0.9, 1.1, (Some(0.0), Some(1.0))), (0.9, 1.0, true));
        assert_eq!(clip_interval(0.2, 0.5, (Some(0.0), Some(1.0))), (0.2, 0.5, false));
        assert_eq!(clip_interval(-3.0, 2.0, (None, None)), (-3.0, 2.0, false));
        assert_eq!(clip_interval(-3.0, -1.0, (Some(0.0), None)), (0.0, 0.0, true));
        // Every metric of the table is a count, a share, a rate or days: none below 0.
        for m in &RUN_METRIC_TABLE {
            let (min, _) = domain_bounds(Some(m.domain), Some(5));
            assert_eq!(min, Some(0.0), "{}", m.name);
        }
        assert_eq!(domain_bounds(metric_info("providers_warm").domain, Some(5)), (Some(0.0), Some(5.0)));
        assert_eq!(domain_bounds(metric_info("inbox_share").domain, None), (Some(0.0), Some(1.0)));
        assert_eq!(metric_info("days_to_warm_gmail").domain, Some(Domain::NonNegative));
        assert_eq!(metric_info("gmail.trust_gain_per_day").domain, None);
        // Read from the files: a blocked share whose t interval reaches below 0.
        let s = |mean, lo, hi| crate::report::experiment::Summary {
            n: 10,
            mean: Some(mean),
            sd: None,
            ci_low: Some(lo),
            ci_high: Some(hi),
            min: None,
            max: None,
        };
        let row = |point, stats| crate::report::experiment::StatRow {
            point,
            day: 0,
            provider: String::new(),
            labels: Vec::new(),
            metric: "blocked_share".into(),
            stats,
        };
        let data = ChartData {
            name: "t".into(),
            replicates: 10,
            axes: vec!["a".into()],
            point_values: vec![vec!["x".into()], vec!["y".into()]],
            summary: vec![row(0, s(1e-7, -2e-7, 4e-7)), row(1, s(0.2, 0.1, 0.3))],
            series: Vec::new(),
            runs: Vec::new(),
        };
        let (values, title) = outcomes(&data, &WarmData::default(), "blocked_share");
        assert_eq!(title, "blocked, share of messages sent (%)");
        assert_eq!((values[0].lo, values[0].clipped), (0.0, true), "no interval below 0");
        assert!((values[0].hi - 4e-5).abs() < 1e-12 && (values[0].half_width - 3e-5).abs() < 1e-12);
        assert!(!values[1].clipped && (values[1].lo - 10.0).abs() < 1e-9, "in % on the chart");
        let units = ["inbox_share", "days_to_warm_all", "days_to_warm_gmail", "sent", "providers_warm", "x.y"];
        assert_eq!(units.map(metric_unit), ["%", "days", "days", "messages", "count", "outcome units"]);
    }
}
