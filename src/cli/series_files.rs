//! The series files of an experiment folder, in the format its manifest records
//! ([`SeriesFormat`]): `series.csv`, or the Parquet parts of `series/` (a subfolder with its
//! own marker, every part written crash-safely). Opening them for the summaries and charts,
//! their digest, writing parts during a sweep, where a resumed sweep starts, and merging the
//! parts of shards.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use ipwarm::report::ReportError;
use ipwarm::report::experiment::series_store::{self as store, CsvSeries, PartSeries, SERIES_CSV, SERIES_DIR};
use ipwarm::report::experiment::{SeriesFormat, SeriesSource};
use ipwarm::sweep::{self, DigestState, FileDigest, Manifest, Shard, ShardRuns};

use super::Failure;
use super::owned::{OwnedDir, open_regular};

/// `--series-format`: the values of [`SeriesFormat`] on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SeriesFormatArg {
    /// CSV text.
    Csv,
    /// Parquet, compressed with zstd.
    Parquet,
}

impl From<SeriesFormatArg> for SeriesFormat {
    fn from(arg: SeriesFormatArg) -> Self {
        match arg {
            SeriesFormatArg::Csv => SeriesFormat::Csv,
            SeriesFormatArg::Parquet => SeriesFormat::Parquet,
        }
    }
}

/// Runs per part of `manifest`'s Parquet series.
pub fn part_runs(manifest: &Manifest) -> usize {
    manifest.series_part_runs.unwrap_or(store::PART_RUNS)
}

/// The bytes of part `part` in the series folder `dir`, if it has it.
fn read_part(dir: &Path, part: usize) -> Result<Option<Vec<u8>>> {
    let name = store::part_name(part);
    if std::fs::symlink_metadata(dir.join(&name)).is_err() {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    open_regular(dir, &name)?.read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    Ok(Some(bytes))
}

/// The series of the experiment folder `dir` (`None` without series), whatever their format.
pub fn open_source<'a>(dir: &'a Path, manifest: &Manifest) -> Result<Option<Box<dyn SeriesSource + 'a>>> {
    if !manifest.series {
        return Ok(None);
    }
    Ok(Some(match manifest.series_format {
        SeriesFormat::Csv => {
            let file = BufReader::new(open_regular(dir, SERIES_CSV)?);
            Box::new(CsvSeries::new(file).with_context(|| format!("cannot read {SERIES_CSV}"))?)
        }
        SeriesFormat::Parquet => {
            let parts = dir.join(SERIES_DIR);
            let n = store::n_parts(manifest.n_runs, part_runs(manifest));
            Box::new(PartSeries::new(n, move |p| {
                read_part(&parts, p).map_err(|e| ReportError::Format(format!("{SERIES_DIR}: {e:#}")))
            }))
        }
    }))
}

/// The digest of the series of `dir`: of `series.csv`, or of the parts present, in order, as one file.
pub fn digest(dir: &Path, manifest: &Manifest) -> Result<FileDigest> {
    match manifest.series_format {
        SeriesFormat::Csv => Ok(FileDigest::of(&mut BufReader::new(open_regular(dir, SERIES_CSV)?))?),
        SeriesFormat::Parquet => {
            let n = store::n_parts(manifest.n_runs, part_runs(manifest));
            Ok(parts_digest(&dir.join(SERIES_DIR), 0..n)?.digest())
        }
    }
}

/// The digest state after the parts of `parts` present in `dir`, in order.
fn parts_digest(dir: &Path, parts: std::ops::Range<usize>) -> Result<DigestState> {
    let mut state = DigestState::default();
    for p in parts {
        if let Some(bytes) = read_part(dir, p)? {
            state.update(&bytes);
        }
    }
    Ok(state)
}

/// The parts of a sweep being written, and the digest of the parts so far.
pub struct PartFiles {
    dir: OwnedDir,
    digest: DigestState,
}

impl PartFiles {
    /// Takes the folder `series/` of `out` for `command`, to write the parts (of `part_runs`
    /// runs) of the `planned` runs after the first `done`; the parts before are kept (a resumed
    /// sweep) and digested.
    pub fn open(out: &mut OwnedDir, command: &str, planned: ShardRuns, done: usize, part_runs: usize) -> Result<Self> {
        let first_part = match planned.len() {
            0 => 0,
            n if done < n => store::part_of(planned.get(done), part_runs),
            n => store::part_of(planned.get(n - 1), part_runs) + 1,
        };
        Self::open_from(out, command, first_part)
    }

    /// Takes the folder `series/` of `out`; the parts before `first_part` are kept and digested.
    fn open_from(out: &mut OwnedDir, command: &str, first_part: usize) -> Result<Self> {
        let path = out.subdir(SERIES_DIR)?;
        let dir = OwnedDir::claim(&path, command, false, false)?;
        let digest = parts_digest(&path, 0..first_part)?;
        Ok(Self { dir, digest })
    }

    /// Puts part `part` in place (crash-safely) and digests it.
    pub fn write(&mut self, part: usize, bytes: &[u8]) -> std::io::Result<()> {
        self.dir.write(&store::part_name(part), bytes).map_err(|e| std::io::Error::other(format!("{e:#}")))?;
        self.digest.update(bytes);
        Ok(())
    }

    /// The digest of the parts in place, in order (valid once every part after the kept ones is written).
    pub fn digest(&self) -> FileDigest {
        self.digest.digest()
    }
}

/// The series format and runs per part of a sweep into `dir`: those of the folder resumed
/// (`resumed`, its manifest), else `asked` (`--series-format`), by default Parquet.
pub fn choose(
    asked: Option<SeriesFormat>,
    resumed: Option<&Manifest>,
    dir: &Path,
) -> Result<(SeriesFormat, Option<usize>), Failure> {
    let (format, k) = match resumed {
        Some(old) => {
            if asked.is_some_and(|f| f != old.series_format) {
                return Err(Failure::input(anyhow!(
                    "{} holds series stored as {}: resume it without --series-format (or with {0}), or use \
                     --overwrite to start again",
                    dir.display(),
                    old.series_format
                )));
            }
            (old.series_format, part_runs(old))
        }
        None => {
            (asked.unwrap_or(SeriesFormat::Parquet), super::test_hooks::hooks().part_runs.unwrap_or(store::PART_RUNS))
        }
    };
    Ok((format, (format == SeriesFormat::Parquet).then_some(k)))
}

/// The runs of `manifest`'s folder `out` that a resumed Parquet sweep keeps at most: those of
/// the parts (of `part_runs` runs) complete in `runs.csv` and in place ([`resume_limit`]).
pub fn resumable_runs(out: &OwnedDir, header: &str, manifest: &Manifest, part_runs: usize) -> Result<ShardRuns> {
    let planned = manifest.planned_runs();
    let done = match out.open_read("runs.csv") {
        Ok(file) => sweep::scan_runs(&mut BufReader::new(file), header, planned, manifest.status_col())?.done(),
        Err(_) => 0,
    };
    let limit = resume_limit(&out.path().join(SERIES_DIR), manifest.n_runs, manifest.shard, done, part_runs);
    Ok(sweep::shard_runs(limit, manifest.shard))
}

/// Of the runs of `shard` among `n_runs`, where a resumed Parquet sweep may start: before the
/// first run of the first part that is not complete, given the first `done` planned runs are in
/// `runs.csv`, or whose file is missing. Runs of later parts, in `runs.csv` or not, run again.
pub fn resume_limit(series_dir: &Path, n_runs: usize, shard: Option<Shard>, done: usize, part_runs: usize) -> usize {
    let planned = sweep::shard_runs(n_runs, shard);
    let limit = if done < planned.len() { store::part_of(planned.get(done), part_runs) * part_runs } else { n_runs };
    for part in 0..store::n_parts(limit, part_runs) {
        let range = store::part_range(part, part_runs, limit);
        let has_runs = shard.is_none_or(|s| range.clone().any(|r| s.contains(r)));
        let present = std::fs::symlink_metadata(series_dir.join(store::part_name(part))).is_ok_and(|m| m.is_file());
        if has_runs && !present {
            return range.start;
        }
    }
    limit
}

/// Writes the parts of the merged folder `out`: part `p` from the parts `p` of the `shards`
/// (folders with manifests `manifests`), rows in run order, encoded as one unsharded sweep does.
/// Returns the digest of the parts written.
pub fn merge_parts(
    shards: &[PathBuf],
    manifests: &[Manifest],
    out: &mut OwnedDir,
    command: &str,
) -> Result<FileDigest> {
    let first = &manifests[0];
    let k = part_runs(first);
    if manifests.iter().any(|m| part_runs(m) != k || m.series_format != SeriesFormat::Parquet) {
        return Err(anyhow!("the shards store their series differently (format or runs per part)"));
    }
    let mut files = PartFiles::open_from(out, command, 0)?;
    for part in 0..store::n_parts(first.n_runs, k) {
        let mut columns = Vec::new();
        for dir in shards {
            if let Some(bytes) = read_part(&dir.join(SERIES_DIR), part)? {
                let name = store::part_name(part);
                columns.push(store::decode_part(bytes).with_context(|| format!("{}: {name}", dir.display()))?);
            }
        }
        let bytes = store::encode_part(&store::merge_parts(&columns)?, super::sweep_dir::default_threads())?;
        files.write(part, &bytes)?;
    }
    Ok(files.digest())
}
