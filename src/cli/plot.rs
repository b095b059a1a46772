//! `ipwarm plot DIR`: redraw an experiment's charts and `report.html` from its CSV summaries, without
//! re-running; in the format the folder's charts are in, unless `--format` says otherwise.

use std::path::PathBuf;

use clap::Args;

use super::Failure;
use super::report::FormatArg;
use super::sweep_dir::{draw_charts, existing_dir, write_manifest};

/// Arguments of `ipwarm plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// The folder of a finished sweep, comparison or merge.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    format: FormatArg,
}

/// Redraws the charts.
pub fn plot(args: PlotArgs) -> Result<(), Failure> {
    let (mut out, mut manifest) = existing_dir(&args.dir, "plot")?;
    if manifest.shard.is_some() {
        return Err(Failure::input(anyhow::anyhow!("{} holds one shard: merge the shards first", args.dir.display())));
    }
    // Told another format, the folder switches to it for good: the manifest records it.
    if let Some(format) = args.format.get().filter(|f| *f != manifest.charts.format) {
        manifest.charts.format = format;
        write_manifest(&mut out, &manifest).map_err(Failure::runtime)?;
    }
    let paths = draw_charts(&mut out, &manifest, None).map_err(|e| {
        // A summary holding values no chart can show (inf, NaN) is bad input; anything else is a failure.
        let bad = e.chain().any(|c| c.downcast_ref::<ipwarm::report::ReportError>().is_some_and(|r| r.is_bad_input()));
        if bad { Failure::input(e) } else { Failure::runtime(e) }
    })?;
    outln!("wrote {}:", args.dir.display());
    for p in paths {
        outln!("  {}", p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    }
    Ok(())
}
