//! What the experiment charts are drawn from: the statistics read back from
//! `summary.csv` and `series_summary.csv`, the design points' names, and which
//! charts to draw. (The warm times, read back from `warm_times.csv` and
//! `warm_curves.csv`, come apart, as [`WarmData`](super::WarmData).)

use super::run_lines::RunLine;
use super::summary::StatRow;
use super::warm_times::{is_warm_metric, summary_metric};

/// Which experiment charts to draw.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChartSpec {
    /// `inbox.png`: daily inbox-delivered messages per provider and for every provider together,
    /// a line per design point with its 95% CI band over its single runs.
    pub inbox: bool,
    /// `reputation.png`: daily reputation per provider and the lowest of them, as `inbox.png`.
    pub reputation: bool,
    /// `outcomes.png`: a bar per design point with its 95% CI, one panel per metric (empty: no chart).
    pub outcomes: Vec<String>,
    /// `heatmap-<metric>.png`: the mean of each metric over the first two axes, with the half
    /// width of its 95% CI (empty: none).
    pub heatmaps: Vec<String>,
    /// `warm_by_day.png`: the share of runs warm by each day (Kaplan–Meier), a panel per
    /// provider and one for every provider, a step line per design point with its 95% band.
    /// Absent from the manifests of earlier versions (whose folders have no warm times).
    #[serde(default)]
    pub warm_by_day: bool,
    /// `sensitivity-<metric>.png` (and `scatter-<metric>.png` for a Latin hypercube) for each
    /// metric, in a sampled design (lhs, morris, sobol); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitivity: Vec<String>,
    /// The format of the chart files (`--format`): recorded so that `ipwarm plot` redraws
    /// in it; absent for PNG, the default (and in folders of earlier versions).
    #[serde(default, skip_serializing_if = "crate::report::ChartFormat::is_png")]
    pub format: crate::report::ChartFormat,
}

/// Largest number of design points drawn as lines or bars by default.
pub const MAX_DEFAULT_POINTS: usize = 8;

/// Metrics of the bar chart unless the experiment names others: when every provider is warm
/// (the bottleneck) and how many are by the end, which still tells strategies apart when the
/// slowest provider is warm in no run; the inbox share; the peak complaint rate.
pub const DEFAULT_OUTCOMES: [&str; 4] = ["days_to_warm_all", "providers_warm", "inbox_share", "peak_complaint_rate"];

/// Metrics of the heatmaps unless the experiment names others.
pub const DEFAULT_HEATMAPS: [&str; 2] = ["days_to_warm_all", "blocked_share"];

impl ChartSpec {
    /// The default charts for `n_points` design points over `n_axes` axes, of
    /// which `grid2` says whether there are exactly two axes crossed in a grid:
    /// lines, bars and the share warm by day for up to [`MAX_DEFAULT_POINTS`]
    /// points, heatmaps for a two-axis grid.
    pub fn default_for(n_points: usize, grid2: bool) -> Self {
        let few = n_points <= MAX_DEFAULT_POINTS;
        Self {
            inbox: few,
            reputation: few,
            outcomes: if few { DEFAULT_OUTCOMES.map(String::from).to_vec() } else { Vec::new() },
            heatmaps: if grid2 { DEFAULT_HEATMAPS.map(String::from).to_vec() } else { Vec::new() },
            warm_by_day: few,
            sensitivity: Vec::new(),
            format: crate::report::ChartFormat::Png,
        }
    }
}

/// How a metric is shown: a title with its unit and the factor applied to
/// values, from [`RUN_METRIC_TABLE`](super::RUN_METRIC_TABLE) (a per-provider
/// days-to-warm column, or an unknown name, is titled here). A days-to-warm
/// column's title says that its statistics are of restricted times.
pub fn metric_display(metric: &str) -> (String, f64) {
    let (title, scale) =
        match (super::metrics::run_metric(metric), metric.strip_prefix(super::metrics::DAYS_TO_WARM_PREFIX)) {
            (Some(m), _) => (m.title.to_string(), m.scale),
            (None, Some(p)) => (format!("days until {p} is warm"), 1.0),
            (None, None) => (metric.to_string(), 1.0),
        };
    if is_warm_metric(metric) { (format!("{title} (restricted: never warm = horizon)"), scale) } else { (title, scale) }
}

/// Everything a chart needs.
#[derive(Debug, Clone)]
pub struct ChartData {
    /// Name of the experiment, for titles.
    pub name: String,
    /// Replicates per design point, for titles.
    pub replicates: u32,
    /// Axis key paths.
    pub axes: Vec<String>,
    /// Per design point, its axis values.
    pub point_values: Vec<Vec<String>>,
    /// Rows of `summary.csv`.
    pub summary: Vec<StatRow>,
    /// Rows of `series_summary.csv` (empty if series were not written).
    pub series: Vec<StatRow>,
    /// Single runs' daily values from `series.csv`, drawn faintly under the means (at most
    /// [`MAX_RUN_LINES`](super::MAX_RUN_LINES) replicates per design point; empty: none drawn).
    pub runs: Vec<RunLine>,
}

impl ChartData {
    /// Legend name of design point `p`: its value if one axis varies, else `key=value`
    /// pairs (last key of each path) of the axes that vary (an axis with a single value,
    /// the same at every point, says nothing about the point).
    pub fn point_name(&self, p: usize) -> String {
        let values = self.point_values.get(p).cloned().unwrap_or_default();
        let varying: Vec<usize> = (0..values.len()).filter(|&a| self.varies(a)).collect();
        let shown = if varying.is_empty() { (0..values.len()).collect() } else { varying };
        match shown.as_slice() {
            [] => format!("point {p}"),
            [a] => values[*a].clone(),
            _ => shown
                .iter()
                .map(|&a| format!("{}={}", short_key(self.axes.get(a).map_or("", String::as_str)), values[a]))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Whether axis `a` takes more than one value over the design points.
    fn varies(&self, a: usize) -> bool {
        let mut values = self.point_values.iter().filter_map(|v| v.get(a));
        values.next().is_some_and(|first| values.any(|v| v != first))
    }

    /// Number of design points.
    pub fn n_points(&self) -> usize {
        self.point_values.len()
    }

    /// The summary of `metric` (a `runs.csv` column) at `point`: for a days-to-warm
    /// column, its `restricted_` row (see [`summary_metric`]).
    pub fn stat(&self, point: usize, metric: &str) -> Option<&StatRow> {
        let name = summary_metric(metric);
        self.summary.iter().find(|r| r.point == point && r.metric == name)
    }
}

/// The last key of a key path: `strategy.growth` -> `growth`, `audience.segments[2].share` -> `share`.
pub fn short_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path).trim_matches('"')
}

/// An axis's key path as a chart title, in words: `audience.segments` -> `audience segments`,
/// `strategy.growth` -> `strategy growth`, `providers.gmail.trust_gain_per_day` -> `gmail trust
/// gain per day`, `audience.segments[2].share` -> `audience segment 3 share`.
pub fn axis_title(path: &str) -> String {
    let parts: Vec<String> = path
        .split('.')
        .map(|part| {
            let part = part.trim_matches('"');
            match part.split_once('[') {
                Some((name, rest)) => {
                    let index =
                        rest.trim_end_matches(']').parse::<usize>().map_or(rest.to_string(), |i| (i + 1).to_string());
                    format!("{} {index}", name.strip_suffix('s').unwrap_or(name))
                }
                None => part.to_string(),
            }
        })
        .collect();
    let words = match parts.as_slice() {
        [first, rest @ ..] if first == "providers" && !rest.is_empty() => rest.join(" "),
        _ => parts.join(" "),
    };
    words.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(axes: &[&str], points: &[&[&str]]) -> ChartData {
        ChartData {
            name: "t".into(),
            replicates: 2,
            axes: axes.iter().map(|a| a.to_string()).collect(),
            point_values: points.iter().map(|p| p.iter().map(|v| v.to_string()).collect()).collect(),
            summary: Vec::new(),
            series: Vec::new(),
            runs: Vec::new(),
        }
    }

    #[test]
    fn point_names_leave_out_the_axes_that_do_not_vary() {
        let d = data(&["horizon_days", "strategy", "providers"], &[&["70", "a", "fixed"], &["70", "b", "priors"]]);
        assert_eq!(d.point_name(1), "strategy=b, providers=priors");
        let d = data(&["horizon_days", "strategy.growth"], &[&["70", "1.3"], &["70", "1.6"]]);
        assert_eq!(d.point_name(0), "1.3");
        let d = data(&["horizon_days"], &[&["70"]]);
        assert_eq!(d.point_name(0), "70");
    }

    #[test]
    fn axis_titles_are_words() {
        assert_eq!(axis_title("audience.segments"), "audience segments");
        assert_eq!(axis_title("strategy.growth"), "strategy growth");
        assert_eq!(axis_title("providers.gmail.trust_gain_per_day"), "gmail trust gain per day");
        assert_eq!(axis_title("audience.segments[2].share"), "audience segment 3 share");
        assert_eq!(axis_title("horizon_days"), "horizon days");
    }
}
