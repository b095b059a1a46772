//! Summary statistics over replicates: mean, standard deviation, a t-based
//! 95% confidence interval of the mean, minimum, maximum and count.
//!
//! Values are accumulated one at a time (Welford's algorithm) in file order,
//! so the result is the same bytes whatever the number of threads that ran
//! the experiment.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;

/// A running summary of a sample.
///
/// Welford's algorithm by hand on purpose: a few stable lines that take one value at a time in file
/// order (same bytes whatever the threads), where statistics crates want the whole sample in memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accumulator {
    /// The count, as a float (exact below 2^53): the mean's update then needs no conversion.
    n: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Accumulator {
    fn default() -> Self {
        Self { n: 0.0, mean: 0.0, m2: 0.0, min: f64::INFINITY, max: f64::NEG_INFINITY }
    }
}

impl Accumulator {
    /// Adds one value; non-finite values are ignored.
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
        // `x` is finite and so are the bounds once a value is in: plain comparisons do.
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
    }

    /// The summary of the values added so far.
    pub fn summary(&self) -> Summary {
        let n = self.n as u64;
        if n == 0 {
            return Summary { n, mean: None, sd: None, ci_low: None, ci_high: None, min: None, max: None };
        }
        let sd = (n >= 2).then(|| (self.m2 / (n - 1) as f64).max(0.0).sqrt());
        let half = sd.and_then(|sd| Some(t_quantile(n - 1)? * sd / (n as f64).sqrt()));
        Summary {
            n,
            mean: Some(self.mean),
            sd,
            ci_low: half.map(|h| self.mean - h),
            ci_high: half.map(|h| self.mean + h),
            min: Some(self.min),
            max: Some(self.max),
        }
    }
}

/// The `(1 + CONFIDENCE) / 2` quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile(df: u64) -> Option<f64> {
    // Summaries ask for the same degrees of freedom row after row (every metric, day and provider
    // of a design point), and the quantile is costly: the last one is kept, per thread.
    thread_local! {
        static LAST: std::cell::Cell<Option<(u64, Option<f64>)>> = const { std::cell::Cell::new(None) };
    }
    if let Some((_, q)) = LAST.get().filter(|(last, _)| *last == df) {
        return q;
    }
    let q = StudentsT::new(0.0, 1.0, df as f64).ok().map(|t| t.inverse_cdf(0.5 + CONFIDENCE / 2.0));
    LAST.set(Some((df, q)));
    q
}

/// Statistics of one sample; `None` where undefined (no value, or one value for sd and CI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of finite values.
    pub n: u64,
    /// Mean.
    pub mean: Option<f64>,
    /// Sample standard deviation (n - 1 in the denominator).
    pub sd: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean: `mean - t(0.975, n-1) sd / sqrt(n)`.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: Option<f64>,
    /// Smallest value.
    pub min: Option<f64>,
    /// Largest value.
    pub max: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_textbook_values() {
        let mut acc = Accumulator::default();
        for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
            acc.add(x);
        }
        acc.add(f64::NAN);
        let s = acc.summary();
        assert_eq!(s.n, 8);
        assert_eq!(s.mean, Some(5.0));
        let sd = s.sd.unwrap();
        assert!((sd - 2.138089935).abs() < 1e-9);
        // t(0.975, 7) = 2.364624252
        let half = 2.364624252 * sd / 8f64.sqrt();
        assert!((s.ci_high.unwrap() - 5.0 - half).abs() < 1e-6);
        assert_eq!((s.min, s.max), (Some(2.0), Some(9.0)));
    }

    #[test]
    fn small_samples() {
        let empty = Accumulator::default().summary();
        assert_eq!((empty.n, empty.mean, empty.sd), (0, None, None));
        let mut one = Accumulator::default();
        one.add(3.0);
        let s = one.summary();
        assert_eq!((s.mean, s.sd, s.ci_low), (Some(3.0), None, None));
        assert!((t_quantile(1).unwrap() - 12.7062047).abs() < 1e-6);
    }
}
