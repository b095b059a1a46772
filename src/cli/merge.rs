//! `ipwarm merge DIR... --out DIR`: combine the folders of the shards of one
//! sweep into exactly the files the unsharded sweep writes (Parquet series: part `p` rewritten
//! from the shards' parts `p`, rows in run order).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::Args;
use ipwarm::report::experiment::SeriesFormat;
use ipwarm::sweep::{self, FileDigest, HashingWriter, Manifest, RunCounts};

use super::Failure;
use super::owned::{self, Intent, OwnedDir, open_regular};
use super::report::FormatArg;
use super::series_files;
use super::sweep_dir::{
    Summaries, Written, copy_records, default_threads, finish, read_manifest, report_end, runs_header,
};

/// Arguments of `ipwarm merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (every shard of the sweep, in any order).
    #[arg(required = true, value_name = "DIR")]
    shards: Vec<PathBuf>,
    /// Folder of the merged results (created; must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    format: FormatArg,
}

/// Checks the shards, merges their files and finishes the merged folder.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let manifests: Vec<_> =
        args.shards.iter().map(|d| read_manifest(d)).collect::<Result<_, _>>().map_err(Failure::input)?;
    let first = &manifests[0];
    if let Some((m, dir)) = manifests.iter().zip(&args.shards).find(|(m, _)| m.shard.is_none()) {
        return Err(Failure::input(anyhow!(
            "{} holds all {} runs of experiment `{}`, not a shard: there is nothing to merge",
            dir.display(),
            m.n_runs,
            m.experiment
        )));
    }
    let count = first.shard.map_or(1, |s| s.count);
    let mut seen = vec![false; count];
    let (mut ok, mut failed) = (0, 0);
    for (m, dir) in manifests.iter().zip(&args.shards) {
        let same = m.experiment_hash == first.experiment_hash && m.n_runs == first.n_runs;
        let Some(shard) = m.shard.filter(|s| same && s.count == count) else {
            return Err(Failure::input(anyhow!(
                "{} is not a shard of the same sweep as {}",
                dir.display(),
                args.shards[0].display()
            )));
        };
        if std::mem::replace(&mut seen[shard.index - 1], true) {
            return Err(Failure::input(anyhow!("shard {shard} is given twice")));
        }
        if m.run_counts.pending > 0 {
            return Err(Failure::input(anyhow!("{} (shard {shard}) is not finished: resume it first", dir.display())));
        }
        let scan = verify_shard(dir, m)
            .map_err(|e| Failure::input(e.context(format!("{} (shard {shard})", dir.display()))))?;
        (ok, failed) = (ok + scan.ok, failed + scan.failed);
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(Failure::input(anyhow!("shard {}/{count} is missing", missing + 1)));
    }
    let out = &args.out;
    owned::check_dir(out, Intent::Fresh, false, &[], ": merge into a new or empty folder")?;
    let rt = Failure::runtime;
    // The merged folder is the folder the unsharded command would have written, marker included.
    let command = match OwnedDir::command_of(&args.shards[0]).as_deref() {
        Some("compare") => "compare",
        _ => "sweep",
    };
    let mut owned = OwnedDir::claim(out, command, false, false).map_err(rt)?;
    let mut files = vec!["runs.csv"];
    if first.series && first.series_format == SeriesFormat::Csv {
        files.push("series.csv");
    }
    let mut digests = Vec::new();
    for name in files {
        let mut inputs: Vec<Box<dyn BufRead>> = Vec::new();
        for dir in &args.shards {
            let f = open_regular(dir, name).map_err(rt)?;
            inputs.push(Box::new(BufReader::new(f)));
        }
        let mut w = HashingWriter::new(BufWriter::new(owned.create(name).map_err(rt)?));
        sweep::merge_sorted(&mut inputs, &mut w).with_context(|| format!("cannot merge {name}")).map_err(rt)?;
        w.flush().with_context(|| format!("cannot write {name}")).map_err(rt)?;
        digests.push(w.digest());
    }
    if first.series && first.series_format == SeriesFormat::Parquet {
        let digest = series_files::merge_parts(&args.shards, &manifests, &mut owned, command)
            .context("cannot merge the series parts")
            .map_err(rt)?;
        digests.push(digest);
    }
    copy_records(&args.shards[0], &mut owned).map_err(rt)?;
    let mut merged = first.clone();
    merged.shard = None;
    merged.charts.format = args.format.get().unwrap_or(first.charts.format);
    let mut digests = digests.into_iter();
    let written = Written {
        counts: RunCounts::new(merged.planned_runs().len(), ok, failed),
        digests: (digests.next().ok_or_else(|| rt(anyhow!("runs.csv was not merged")))?, digests.next()),
    };
    let (merged, overloaded) =
        finish(&mut owned, merged, Some(written), Summaries::FromFiles, default_threads()).map_err(rt)?;
    report_end(out, &merged, overloaded)
}

/// Checks a finished shard's files against its manifest: `runs.csv` holds
/// exactly its runs, in order, and both files match the digests recorded.
/// Returns what its `runs.csv` holds.
fn verify_shard(dir: &Path, m: &Manifest) -> anyhow::Result<sweep::RunsScan> {
    let planned = m.planned_runs();
    let header = runs_header(m);
    let scan = sweep::scan_runs(&mut BufReader::new(open_regular(dir, "runs.csv")?), &header, planned, m.status_col())?;
    if scan.done() != planned.len() {
        anyhow::bail!(
            "runs.csv holds {} of the {} runs its manifest says are finished: was it cut short or edited?",
            scan.done(),
            planned.len()
        );
    }
    let series_name = match m.series_format {
        SeriesFormat::Csv => "series.csv",
        SeriesFormat::Parquet => "series/",
    };
    let files = [("runs.csv", m.runs_digest.as_ref()), (series_name, m.series_digest.as_ref())];
    for (name, recorded) in files {
        let Some(recorded) = recorded else { continue };
        let now = match name {
            "runs.csv" => FileDigest::of(&mut BufReader::new(open_regular(dir, name)?))?,
            _ => series_files::digest(dir, m)?,
        };
        if &now != recorded {
            anyhow::bail!(
                "{name} changed since the shard finished ({} lines, {} bytes, checksum {} now; {} lines, {} bytes, \
                 checksum {} recorded in manifest.json)",
                now.lines,
                now.bytes,
                now.fnv1a64,
                recorded.lines,
                recorded.bytes,
                recorded.fnv1a64
            );
        }
    }
    Ok(scan)
}
