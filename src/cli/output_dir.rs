//! Writing a run's outputs all-or-nothing.
//!
//! Files are written into a hidden staging folder next to the destination;
//! only when every file is complete is the staging folder swapped in for the
//! destination. A failure leaves no half-written files and leaves earlier
//! results in the destination untouched.

use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// A staging folder that becomes `dest` on [`Staging::commit`] and is removed otherwise.
pub struct Staging {
    dest: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates a fresh staging folder for `dest`.
    pub fn new(dest: &Path) -> Result<Self> {
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("cannot create folder {}", parent.display()))?;
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
        let dir = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir(&dir).with_context(|| format!("cannot create staging folder {}", dir.display()))?;
        Ok(Self { dest: dest.to_path_buf(), dir, committed: false })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Replaces `dest` with the staged files.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = self.dir.with_extension("old");
        let had_old = self.dest.exists();
        if had_old {
            fs::rename(&self.dest, &old).with_context(|| format!("cannot move aside {}", self.dest.display()))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.dest) {
            if had_old {
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e).with_context(|| format!("cannot move results into {}", self.dest.display()));
        }
        self.committed = true;
        if had_old {
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove previous results {}", old.display()))?;
        }
        Ok(self.dest.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
