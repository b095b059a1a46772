//! `ipwarm merge DIR... --out DIR`: combine the folders of the shards of one
//! sweep into exactly the files the unsharded sweep writes.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, anyhow};
use clap::Args;
use ipwarm::sweep::{self, RunStatus};

use super::Failure;
use super::sweep_dir::{finish, read_manifest, report_end};

/// Arguments of `ipwarm merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (every shard of the sweep, in any order).
    #[arg(required = true, value_name = "DIR")]
    shards: Vec<PathBuf>,
    /// Folder of the merged results (created; must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Checks the shards, merges their files and finishes the merged folder.
pub fn merge(args: MergeArgs) -> Result<(), Failure> {
    let manifests: Vec<_> =
        args.shards.iter().map(|d| read_manifest(d)).collect::<Result<_, _>>().map_err(Failure::input)?;
    let first = &manifests[0];
    let count = first.shard.map_or(1, |s| s.count);
    let mut seen = vec![false; count];
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
        if m.runs.iter().any(|r| r.status == RunStatus::Pending) {
            return Err(Failure::input(anyhow!("{} (shard {shard}) is not finished: resume it first", dir.display())));
        }
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(Failure::input(anyhow!("shard {}/{count} is missing", missing + 1)));
    }
    let out = &args.out;
    if std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(false) {
        return Err(Failure::input(anyhow!("{} is not empty", out.display())));
    }
    let rt = Failure::runtime;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display())).map_err(rt)?;
    let mut files = vec!["runs.csv"];
    if first.series {
        files.push("series.csv");
    }
    for name in files {
        let mut inputs: Vec<Box<dyn BufRead>> = Vec::new();
        for dir in &args.shards {
            let f = File::open(dir.join(name))
                .with_context(|| format!("cannot open {}", dir.join(name).display()))
                .map_err(rt)?;
            inputs.push(Box::new(BufReader::new(f)));
        }
        let mut w =
            BufWriter::new(File::create(out.join(name)).with_context(|| format!("cannot create {name}")).map_err(rt)?);
        sweep::merge_sorted(&mut inputs, &mut w).with_context(|| format!("cannot merge {name}")).map_err(rt)?;
        w.flush().with_context(|| format!("cannot write {name}")).map_err(rt)?;
    }
    let experiment = args.shards[0].join("experiment.toml");
    if experiment.exists() {
        std::fs::copy(&experiment, out.join("experiment.toml")).context("cannot copy experiment.toml").map_err(rt)?;
    }
    let mut merged = first.clone();
    merged.shard = None;
    merged.runs = manifests.iter().flat_map(|m| m.runs.iter().cloned()).collect();
    merged.runs.sort_by_key(|r| r.run);
    let merged = finish(out, merged, true).map_err(rt)?;
    report_end(out, &merged)
}
