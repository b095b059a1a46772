//! PNG charts of a run: `outcomes.png`, `reputation.png` and `rates.png`.
//!
//! Each chart has its own file; [`style`] holds the embedded font, colours,
//! the title band and the legend row they share.

mod outcomes;
mod rates;
mod reputation;
pub(crate) mod style;

use std::path::{Path, PathBuf};

use super::ReportError;
use super::aggregate::Aggregates;
use crate::sim::RunResult;

/// Draws one chart into a PNG file.
type DrawFn = fn(&RunResult, &Aggregates, &Path) -> Result<(), ReportError>;

/// Writes the three PNG charts of `result` (1280x800 pixels) into `dir`,
/// creating it if needed, and returns their paths in this order:
///
/// 1. `outcomes.png`: final outcomes per day (inbox, junk, bounced, blocked,
///    expired) stacked, over all providers with the messages sent as a line,
///    then one panel per provider as a share of the messages finished each day;
/// 2. `reputation.png`: each provider's reputation score over the days
///    (averaged over the [reference IPs](crate::sim::ReferenceIps)) on the
///    Bad/Low/Medium/High bands, each provider's warm day marked;
/// 3. `rates.png`: daily complaint rate (% of inbox, log scale, with 0.1% and
///    0.3% reference lines) and deferral rate (% of delivery attempts) per provider.
///
/// Existing files of these names are overwritten. Titles include the scenario name.
pub fn write_charts(result: &RunResult, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    style::ensure_font()?;
    std::fs::create_dir_all(dir)?;
    let agg = Aggregates::new(result);
    let charts: [(&str, DrawFn); 3] =
        [("outcomes.png", outcomes::draw), ("reputation.png", reputation::draw), ("rates.png", rates::draw)];
    let mut paths = Vec::with_capacity(charts.len());
    for (name, draw) in charts {
        let path = dir.join(name);
        draw(result, &agg, &path)?;
        paths.push(path);
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata;

    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    fn assert_pngs(paths: &[PathBuf], dir: &Path) {
        let names: Vec<String> =
            paths.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["outcomes.png", "reputation.png", "rates.png"]);
        for path in paths {
            assert!(path.starts_with(dir));
            let bytes = std::fs::read(path).unwrap_or_default();
            assert_eq!(bytes.get(..8), Some(&PNG_SIGNATURE[..]), "{}", path.display());
            assert!(bytes.len() > 10_000, "{} is only {} bytes", path.display(), bytes.len());
        }
    }

    #[test]
    fn writes_three_valid_pngs() {
        let dir = tempfile::tempdir().unwrap();
        let paths = write_charts(&testdata::small(), dir.path()).unwrap();
        assert_pngs(&paths, dir.path());
    }

    #[test]
    fn creates_missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        let paths = write_charts(&testdata::realistic(), &nested).unwrap();
        assert_pngs(&paths, &nested);
    }

    #[test]
    fn degenerate_results_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mut empty = testdata::small();
        empty.records.clear();
        empty.totals = Default::default();
        empty.horizon_days = 0;
        assert!(write_charts(&empty, dir.path()).is_ok());
        let mut one_day = testdata::small();
        one_day.records.retain(|r| r.day == 1);
        one_day.horizon_days = 1;
        assert!(write_charts(&one_day, dir.path()).is_ok());
        let mut no_providers = testdata::small();
        no_providers.records.clear();
        no_providers.provider_names.clear();
        no_providers.warm_day.clear();
        assert!(write_charts(&no_providers, dir.path()).is_ok());
    }

    #[test]
    fn unwritable_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        assert!(write_charts(&testdata::small(), &file).is_err());
    }

    /// Writes the charts of a realistic run to `/tmp/report-preview/` (and of the
    /// small test run to `/tmp/report-preview/small/`) for a visual check:
    /// `cargo test --lib report::charts::tests::preview -- --ignored`.
    #[test]
    #[ignore]
    fn preview() {
        let dir = Path::new("/tmp/report-preview");
        let paths = write_charts(&testdata::realistic(), dir).unwrap();
        assert_pngs(&paths, dir);
        let small = dir.join("small");
        let paths = write_charts(&testdata::small(), &small).unwrap();
        assert_pngs(&paths, &small);
        // Stress: 8 providers, a long scenario name, no dedicated IP.
        let mut stress = testdata::realistic();
        stress.scenario = "a rather long scenario name: aggressive ramp with shared pool and list hygiene off".into();
        stress.ip_dedicated = vec![false, false];
        let extra: Vec<_> = stress.records.iter().filter(|r| r.provider < 3).cloned().collect();
        stress.records.extend(extra.into_iter().map(|mut r| {
            r.provider += 5;
            r
        }));
        stress.provider_names.extend(["comcast", "gmx", "web.de"].map(String::from));
        stress.warm_day.extend([None, Some(3), None]);
        let dir = dir.join("stress");
        let paths = write_charts(&stress, &dir).unwrap();
        assert_pngs(&paths, &dir);
    }
}
