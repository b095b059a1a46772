//! `ipwarm man [--out DIR]`: manual pages generated from the clap definitions
//! by `clap_mangen`. Without `--out`, the page of `ipwarm` itself (every
//! command listed) goes to standard output; with it, one page per command
//! (`ipwarm.1`, `ipwarm-run.1`, ...) is written into the folder, as packagers
//! and `man` expect them.
//!
//! Each page has the sections clap_mangen renders (name, synopsis,
//! description, options, commands, version) and an EXAMPLES section from the
//! command's `--help` examples, kept as preformatted lines: clap_mangen would
//! put them under "EXTRA" and refill them into one paragraph.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueHint};

use super::Failure;
use super::owned::write_user_file;

/// `--help` examples.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm man | man -l -                       read the manual page now
  ipwarm man --out ~/.cargo/share/man/man1    install a page per command beside `cargo install`'s ~/.cargo/bin,
                                              then `man ipwarm-run`
  ipwarm man --out man --force                regenerate the pages in ./man

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// Arguments of `ipwarm man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (ipwarm.1, ipwarm-run.1, ...) into this folder instead of printing
    /// the page of ipwarm; existing pages are refused unless --force.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    out: Option<PathBuf>,
    /// Replace pages that already exist in --out.
    #[arg(long, requires = "out")]
    force: bool,
}

/// One manual page: its file name and its roff text.
pub struct Page {
    /// `ipwarm.1`, `ipwarm-run.1`, ...
    pub file: String,
    /// The page, in roff.
    pub roff: Vec<u8>,
}

/// The page of `ipwarm`, then one per command (the hidden ones and `help` aside).
pub fn pages() -> Result<Vec<Page>, std::io::Error> {
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = vec![page(&cmd)?];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push(page(sub)?);
    }
    Ok(pages)
}

/// The page of `cmd` (built, so that a subcommand's name is `ipwarm-NAME`):
/// clap_mangen's page without its EXTRA section, and the `--help` examples as
/// EXAMPLES and EXIT STATUS sections before VERSION.
fn page(cmd: &clap::Command) -> Result<Page, std::io::Error> {
    let after = cmd.get_after_help().map(ToString::to_string);
    let man = clap_mangen::Man::new(cmd.clone().after_help(None::<&'static str>))
        .source(concat!("ipwarm ", env!("CARGO_PKG_VERSION")));
    let mut roff = Vec::new();
    man.render(&mut roff)?;
    if let Some(after) = after {
        let roff_text = String::from_utf8_lossy(&roff).into_owned();
        let at = roff_text.find(".SH VERSION\n").unwrap_or(roff_text.len());
        roff = format!("{}{}{}", &roff_text[..at], literal_section(&after), &roff_text[at..]).into_bytes();
    }
    Ok(Page { file: man.get_filename(), roff })
}

/// `text` (the `--help` examples, starting with `Examples:`, and ending with
/// the exit codes) as roff EXAMPLES and EXIT STATUS sections, the examples'
/// lines printed as they are.
fn literal_section(text: &str) -> String {
    let body = text.strip_prefix("Examples:").unwrap_or(text);
    let (examples, exit) = body.split_once("\nExit codes: ").unwrap_or((body, ""));
    let mut out = String::from(".SH EXAMPLES\n.nf\n");
    for line in examples.trim_matches('\n').lines() {
        out.push_str(&escape(line));
        out.push('\n');
    }
    out.push_str(".fi\n");
    if !exit.is_empty() {
        out.push_str(&format!(".SH \"EXIT STATUS\"\n{}\n", escape(exit.trim())));
    }
    out
}

/// `line` safe as roff text: backslashes are roff's escape, `-` a hyphen
/// rather than the minus of options, and a leading `.` or `'` would start a request.
fn escape(line: &str) -> String {
    let line = line.replace('\\', "\\e").replace('-', "\\-");
    if line.starts_with(['.', '\'']) { format!("\\&{line}") } else { line }
}

/// Prints the page of ipwarm, or writes every page into `--out`.
pub fn man(args: ManArgs) -> Result<(), Failure> {
    let pages = pages().context("cannot render the manual pages").map_err(Failure::runtime)?;
    let Some(dir) = args.out else {
        return super::stdout::write_document(&pages[0].roff)
            .context("cannot write the manual page")
            .map_err(Failure::runtime);
    };
    // Refuse before writing anything, so that a refusal leaves the folder as it was.
    if !args.force
        && let Some(existing) = pages.iter().map(|p| dir.join(&p.file)).find(|p| p.symlink_metadata().is_ok())
    {
        return Err(Failure::input(anyhow::anyhow!("{} exists: pass --force to replace it", existing.display())));
    }
    for page in &pages {
        write_user_file(&dir.join(&page.file), &page.roff, args.force)?;
    }
    outln!("wrote {} manual pages into {}: {}", pages.len(), dir.display(), list(&pages));
    Ok(())
}

fn list(pages: &[Page]) -> String {
    pages.iter().map(|p| p.file.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_per_command_with_its_examples() {
        let pages = pages().expect("rendered");
        let files: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
        assert_eq!(files[0], "ipwarm.1");
        for command in ["run", "validate", "init", "sweep", "compare", "merge", "plot", "completions", "man"] {
            assert!(files.contains(&format!("ipwarm-{command}.1").as_str()), "{files:?}");
        }
        assert!(!files.iter().any(|f| f.contains("help")), "{files:?}");
        let main = String::from_utf8(pages[0].roff.clone()).expect("utf-8");
        assert!(main.contains("\n.TH ipwarm 1 ") && main.contains("\n.SH SYNOPSIS\n"), "{main}");
        assert!(main.contains("ipwarm\\-run(1)") && main.contains(".SH EXAMPLES\n.nf\n"), "{main}");
        assert!(main.contains("ipwarm run scenarios/blast.toml \\-\\-seed 7"), "{main}");
        assert!(!main.contains("test\\-hook") && !main.contains("EXTRA"), "{main}");
        assert!(main.contains(".fi\n.SH \"EXIT STATUS\"\n0 success"), "{main}");
        assert!(main.ends_with(&format!(".SH VERSION\nv{}\n", env!("CARGO_PKG_VERSION"))), "{main}");
        let run = String::from_utf8(pages[1].roff.clone()).expect("utf-8");
        assert!(
            run.contains(&format!("\n.TH ipwarm-run 1  \"ipwarm {}\"", env!("CARGO_PKG_VERSION")))
                && run.contains("\\-\\-strategy"),
            "{run}"
        );
    }

    #[test]
    fn literal_lines_are_escaped() {
        assert_eq!(literal_section("Examples:\n.a \\b -c\n"), ".SH EXAMPLES\n.nf\n\\&.a \\eb \\-c\n.fi\n");
        assert_eq!(
            literal_section("Examples:\n  x\n\nExit codes: 0 success.\n"),
            ".SH EXAMPLES\n.nf\n  x\n.fi\n.SH \"EXIT STATUS\"\n0 success.\n"
        );
    }
}
