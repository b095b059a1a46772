//! The posterior predictive check: posterior draws run over the observed days, replaying the
//! observed volumes, and the bands of what the sender would have seen, per provider, day and
//! metric, beside what it saw.

use rayon::prelude::*;

use super::{Fit, PREDICTIVE_STREAM};
use crate::observed::ObservedRow;
use crate::sim::SimError;

/// One metric of the check: its name (a column of `predictive.csv`) and its axis title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metric {
    /// Name.
    pub name: &'static str,
    /// Axis title, with its unit.
    pub title: &'static str,
}

/// The metrics drawn, in panel order.
pub const METRICS: [Metric; 3] = [
    Metric { name: "deferral_share", title: "4xx deferrals (% of attempts)" },
    Metric { name: "block_share", title: "5xx blocks (% of attempts)" },
    Metric { name: "open_rate", title: "opens (% of delivered)" },
];

/// The bands of one (provider, metric, day).
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Provider name.
    pub provider: String,
    /// Index into [`METRICS`].
    pub metric: usize,
    /// Day, 1-based.
    pub day: u32,
    /// The observed value (NaN: not observed).
    pub observed: f64,
    /// 5%, 25%, 50%, 75% and 95% quantiles over the draws (NaN when no draw defines it).
    pub quantiles: [f64; 5],
}

/// The quantile levels of [`Band::quantiles`].
pub const LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The bands of `draws` posterior draws of `fit`, ordered by (provider, metric, day).
pub fn posterior_predictive(fit: &Fit, draws: usize) -> Result<Vec<Band>, SimError> {
    let setup = &fit.setup;
    let n_days = setup.data.n_days as usize;
    let n_providers = setup.layout.providers.len();
    let cells_of = |rows: &mut dyn Iterator<Item = (&ObservedRow, usize, i64)>| -> Vec<[f64; 3]> {
        let mut counts = vec![[0u64; 5]; n_providers * n_days];
        let mut seen = vec![[false; 2]; n_providers * n_days];
        for (row, ip, day) in rows {
            let Some(p) = setup.layout.providers.iter().position(|n| *n == row.provider) else { continue };
            if !setup.layout.reference.get(ip).copied().unwrap_or(false) || day < 1 || day > n_days as i64 {
                continue;
            }
            let i = p * n_days + day as usize - 1;
            let c = &mut counts[i];
            c[0] += row.deferred.unwrap_or(0);
            c[1] += row.blocked.unwrap_or(0);
            c[2] += row.delivered.unwrap_or(0)
                + row.deferred.unwrap_or(0)
                + row.bounced.unwrap_or(0)
                + row.blocked.unwrap_or(0);
            c[3] += row.opens.unwrap_or(0);
            c[4] += row.delivered.unwrap_or(0);
            seen[i][0] = true;
            seen[i][1] |= row.opens.is_some();
        }
        let pct = |k: u64, n: u64| if n > 0 { 100.0 * k as f64 / n as f64 } else { f64::NAN };
        counts
            .iter()
            .zip(&seen)
            .map(|(c, s)| {
                if !s[0] {
                    return [f64::NAN; 3];
                }
                [pct(c[0], c[2]), pct(c[1], c[2]), if s[1] { pct(c[3], c[4]) } else { f64::NAN }]
            })
            .collect()
    };
    let observed = cells_of(&mut setup.data.rows.iter().map(|(r, ip)| (r, *ip, setup.data.day_of(r.date))));
    let simulated: Vec<Vec<[f64; 3]>> = fit
        .draws(draws, PREDICTIVE_STREAM)
        .par_iter()
        .map(|(values, seed)| {
            let (scenario, result) = setup.run(values, setup.data.n_days, None, *seed)?;
            let rows = setup.rows_of(&result, &scenario);
            Ok(cells_of(&mut rows.iter().map(|(r, ip, day)| (r, *ip, *day))))
        })
        .collect::<Result<_, SimError>>()?;
    let mut bands = Vec::with_capacity(n_providers * METRICS.len() * n_days);
    for (p, provider) in setup.layout.providers.iter().enumerate() {
        for metric in 0..METRICS.len() {
            for day in 0..n_days {
                let i = p * n_days + day;
                let mut xs: Vec<f64> = simulated.iter().map(|s| s[i][metric]).filter(|x| x.is_finite()).collect();
                xs.sort_by(f64::total_cmp);
                bands.push(Band {
                    provider: provider.clone(),
                    metric,
                    day: day as u32 + 1,
                    observed: observed[i][metric],
                    quantiles: LEVELS.map(|q| quantile_sorted(&xs, q)),
                });
            }
        }
    }
    Ok(bands)
}

/// The `q` quantile of sorted `xs` (linear interpolation between order statistics); NaN if empty.
pub fn quantile_sorted(xs: &[f64], q: f64) -> f64 {
    match xs.len() {
        0 => f64::NAN,
        1 => xs[0],
        n => {
            let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let (lo, frac) = (h.floor() as usize, h - h.floor());
            xs[lo] + frac * (xs[(lo + 1).min(n - 1)] - xs[lo])
        }
    }
}
