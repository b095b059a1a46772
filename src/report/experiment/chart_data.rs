//! What the experiment charts are drawn from: the statistics read back from
//! `summary.csv` and `series_summary.csv`, the design points' names, and which
//! charts to draw. (The warm times, read back from `warm_times.csv` and
//! `warm_curves.csv`, come apart, as [`WarmData`](super::WarmData).)

use super::summary::StatRow;
use super::warm_times::{is_warm_metric, summary_metric};

/// Which experiment charts to draw.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChartSpec {
    /// `inbox.png`: daily inbox-delivered messages per provider, a line per design point with its 95% CI band.
    pub inbox: bool,
    /// `reputation.png`: daily reputation per provider, a line per design point with its 95% CI band.
    pub reputation: bool,
    /// `outcomes.png`: a bar per design point with its 95% CI, one panel per metric (empty: no chart).
    pub outcomes: Vec<String>,
    /// `heatmap-<metric>.png`: the mean of each metric over the first two axes (empty: none).
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
}

/// Largest number of design points drawn as lines or bars by default.
pub const MAX_DEFAULT_POINTS: usize = 8;

/// Metrics of the bar chart unless the experiment names others.
pub const DEFAULT_OUTCOMES: [&str; 4] = ["days_to_warm_all", "inbox_share", "blocked_share", "peak_complaint_rate"];

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
}

impl ChartData {
    /// Legend name of design point `p`: its value if there is one axis, else
    /// `key=value` pairs (last key of each path).
    pub fn point_name(&self, p: usize) -> String {
        let values = self.point_values.get(p).cloned().unwrap_or_default();
        match values.len() {
            0 => format!("point {p}"),
            1 => values[0].clone(),
            _ => self
                .axes
                .iter()
                .zip(&values)
                .map(|(a, v)| format!("{}={v}", short_key(a)))
                .collect::<Vec<_>>()
                .join(", "),
        }
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
