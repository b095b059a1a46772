//! Output-folder ownership and crash-safe writes: the one place that decides
//! what ipwarm may create, replace or delete on disk.
//!
//! **The ownership rule.** Every folder ipwarm writes holds a marker file,
//! [`MARKER`], naming the tool, version and command that wrote it and every
//! file written there (a name is recorded *before* its file is created, so a
//! kill never leaves a file the marker does not cover). ipwarm replaces or
//! deletes only files a marker lists. A non-empty folder without a marker, or
//! holding files its marker does not list, is refused unless the user passes
//! `--delete-unowned`; even then, `/`, the home folder, the current folder and
//! its ancestors, and any folder holding an input file are never removed.
//! Inside its folders ipwarm opens only regular files (never through a planted
//! symlink).
//!
//! **Crash safety.** Every rewritten file goes to a temporary file in the same
//! folder (`.ipwarm-tmp-*`), is synced and renamed over the old one. `run`
//! stages a whole folder (`.ipwarm-staging-<pid>`) and swaps it in; the folder it
//! replaces is moved to `.ipwarm-old-<pid>` and removed. Leftovers of a killed
//! process carry a marker and are removed by the next call into the same place.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use super::Failure;

/// The marker file in every folder ipwarm writes.
pub const MARKER: &str = ".ipwarm-output.json";
/// Prefix of temporary files and folders inside an owned folder.
const TMP_PREFIX: &str = ".ipwarm-tmp-";
/// Prefix of a `run`'s staging folder, next to its destination.
const STAGING_PREFIX: &str = ".ipwarm-staging-";
/// Prefix of a replaced folder on its way out, next to its destination.
const OLD_PREFIX: &str = ".ipwarm-old-";
/// Largest marker read (it lists file names only).
const MARKER_MAX_BYTES: u64 = 1 << 20;

/// The flag that lets ipwarm delete files it did not write.
pub const DELETE_UNOWNED_FLAG: &str = "--delete-unowned";

/// Help of [`DELETE_UNOWNED_FLAG`], shared by every command that has it.
pub const DELETE_UNOWNED_HELP: &str = "Also delete files in the output folder that ipwarm did not write: with it, \
     every file in the folder is deleted. Without it, a folder holding any such file is refused. Never allowed for \
     /, the home folder, the current folder or its ancestors, or a folder holding an input file";

/// The contents of [`MARKER`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    /// Always `ipwarm`.
    pub tool: String,
    /// Version that wrote the folder.
    pub version: String,
    /// Command that wrote the folder (`run`, `sweep`, ...).
    pub command: String,
    /// While a `run` is staging: the host and process writing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writer: Option<Writer>,
    /// Every file ipwarm wrote in the folder.
    pub files: BTreeSet<String>,
}

/// The process writing a staging folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Writer {
    /// Host name.
    pub host: String,
    /// Process id.
    pub pid: u32,
}

impl Marker {
    fn new(command: &str) -> Self {
        Self {
            tool: "ipwarm".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            writer: None,
            files: BTreeSet::new(),
        }
    }
}

/// What a folder holds, as far as ownership goes.
enum State {
    Missing,
    NotAFolder,
    Empty,
    /// A marker; the entries it does not cover.
    Owned(Marker, Vec<String>),
    /// No marker; its entries.
    Unowned(Vec<String>),
}

/// Reads the marker of `dir`, if it has a readable one.
fn read_marker(dir: &Path) -> Option<Marker> {
    let path = dir.join(MARKER);
    if !fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    File::open(&path).ok()?.take(MARKER_MAX_BYTES).read_to_string(&mut text).ok()?;
    serde_json::from_str::<Marker>(&text).ok().filter(|m| m.tool == "ipwarm")
}

/// Looks at `dir` without changing it; temporary files of ours (`.ipwarm-tmp-*`) are not counted.
fn inspect(dir: &Path) -> Result<State> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    if !meta.is_dir() {
        return Ok(State::NotAFolder);
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with(TMP_PREFIX) {
            names.push(name);
        }
    }
    names.sort();
    if names.is_empty() {
        return Ok(State::Empty);
    }
    match read_marker(dir) {
        Some(marker) => {
            let mut foreign = Vec::new();
            for name in names {
                let ours = name == MARKER
                    || (marker.files.contains(&name)
                        && fs::symlink_metadata(dir.join(&name)).is_ok_and(|m| m.is_file()))
                    || owned_subdir(dir, &marker, &name);
                if !ours {
                    foreign.push(name);
                }
            }
            Ok(State::Owned(marker, foreign))
        }
        None => Ok(State::Unowned(names)),
    }
}

// D: owned subfolders (`optimize`'s `comparison/`), an additive rule.
/// Whether `name` in `dir` is a subfolder ipwarm wrote: listed in `marker` as `name/`, a real
/// folder (not a link), with a marker of its own covering everything in it.
fn owned_subdir(dir: &Path, marker: &Marker, name: &str) -> bool {
    marker.files.contains(&format!("{name}/"))
        && fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.is_dir())
        && match inspect(&dir.join(name)) {
            Ok(State::Empty) => true,
            Ok(State::Owned(_, foreign)) => foreign.is_empty(),
            _ => false,
        }
}

/// `a, b, c and 4 more`.
fn list(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = names.len().saturating_sub(shown.len());
    if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
}

/// Refuses to remove `dir` as a whole if it is `/`, the home folder, the
/// current folder or one of its ancestors, or holds one of `inputs`.
pub fn check_removable(dir: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    let Ok(dir_abs) = dir.canonicalize() else { return Ok(()) };
    let refuse = |why: &str| Err(Failure::input(anyhow!("refusing to delete {}: it {why}", dir.display())));
    if dir_abs.parent().is_none() {
        return refuse("is the root folder");
    }
    if let Some(home) = std::env::var_os("HOME").and_then(|h| PathBuf::from(h).canonicalize().ok())
        && home == dir_abs
    {
        return refuse("is the home folder");
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize())
        && cwd.starts_with(&dir_abs)
    {
        return refuse("is the current folder or one of its ancestors");
    }
    for input in inputs {
        if let Ok(input_abs) = input.canonicalize()
            && input_abs.starts_with(&dir_abs)
        {
            return refuse(&format!("holds the input file {}", input.display()));
        }
    }
    Ok(())
}

/// What a command intends to do with its output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Write into a missing or empty folder, or replace what an earlier ipwarm call wrote there.
    Replace,
    /// Continue or update what an earlier ipwarm call wrote there.
    Continue,
    /// Write into a missing or empty folder only.
    Fresh,
}

/// Checks that `dir` may receive the outputs of `intent`; nothing is changed.
/// `delete_unowned` allows replacing a folder holding files ipwarm did not write
/// (never one [`check_removable`] protects). `hint` ends the refusal of a
/// non-empty folder (which flag would allow it).
pub fn check_dir(
    dir: &Path,
    intent: Intent,
    delete_unowned: bool,
    inputs: &[PathBuf],
    hint: &str,
) -> Result<(), Failure> {
    let shown = dir.display();
    let foreign = match inspect(dir).map_err(Failure::runtime)? {
        State::Missing | State::Empty => return Ok(()),
        State::NotAFolder => {
            return Err(Failure::input(anyhow!("{shown} exists and is not a folder: give --out a folder")));
        }
        State::Owned(marker, foreign) => {
            if intent == Intent::Fresh && !(marker.files.is_empty() && foreign.is_empty()) {
                return Err(Failure::input(anyhow!("{shown} is not empty{hint}")));
            }
            foreign
        }
        State::Unowned(foreign) => foreign,
    };
    match intent {
        _ if foreign.is_empty() => Ok(()),
        // Continuing touches only our own files: foreign ones stay as they are.
        Intent::Continue => Ok(()),
        Intent::Fresh => Err(Failure::input(anyhow!("{shown} is not empty{hint}"))),
        Intent::Replace if delete_unowned => check_removable(dir, inputs),
        Intent::Replace => Err(Failure::input(anyhow!(
            "{shown} holds files ipwarm did not write ({}): move them away, choose another --out, or pass \
             {DELETE_UNOWNED_FLAG} to delete everything in it",
            list(&foreign)
        ))),
    }
}

/// Writes `bytes` to `dir/name` through a synced temporary file renamed over it.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let dest = dir.join(name);
    if fs::symlink_metadata(&dest).is_ok_and(|m| m.is_dir()) {
        bail!("cannot write {}: it is a folder", dest.display());
    }
    let tmp = write_temp(dir, name, bytes)?;
    super::test_hooks::abort_point(&format!("before-rename:{name}"));
    fs::rename(&tmp, &dest).with_context(|| format!("cannot replace {}", dest.display()))?;
    sync_dir(dir);
    Ok(())
}

/// Writes `bytes` to a new synced temporary file in `dir` for `name`, and returns its path.
fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let tmp = dir.join(format!("{TMP_PREFIX}{}-{name}", std::process::id()));
    let _ = fs::remove_file(&tmp);
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    if let Err(e) = f.write_all(bytes).and_then(|()| f.sync_all()) {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", tmp.display()));
    }
    Ok(tmp)
}

/// Writes a file the user named (`ipwarm init --out`, `ipwarm man --out`), outside
/// any output folder: refused (exit 2) if `path` exists, unless `replace`. The
/// bytes go to a synced temporary file beside it, which is then renamed over it
/// (with `replace`) or linked into place (without: the link fails if a file
/// appeared meanwhile, so an existing file is never overwritten). A process
/// killed at any instant leaves the old file or the whole new one. Missing
/// parent folders are created.
pub fn write_user_file(path: &Path, bytes: &[u8], replace: bool) -> Result<(), Failure> {
    let shown = path.display();
    let exists = || Failure::input(anyhow!("{shown} exists: pass --force to replace it"));
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(Failure::input(anyhow!("{shown} is not a file name")));
    };
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => return Err(Failure::input(anyhow!("{shown} is a folder: give a file name"))),
        Ok(_) if !replace => return Err(exists()),
        _ => {}
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))
        .map_err(Failure::runtime)?;
    let tmp = write_temp(dir, &name, bytes).map_err(Failure::runtime)?;
    let placed = if replace {
        fs::rename(&tmp, path).with_context(|| format!("cannot replace {shown}")).map_err(Failure::runtime)
    } else {
        match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            // A file system without hard links: check again, then rename (a race here is the user's own).
            Err(_) if fs::symlink_metadata(path).is_ok() => Err(exists()),
            Err(_) => fs::rename(&tmp, path).with_context(|| format!("cannot write {shown}")).map_err(Failure::runtime),
        }
    };
    let _ = fs::remove_file(&tmp);
    placed?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable (best effort: not every platform can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// An output folder ipwarm owns: every write is recorded in its marker first.
pub struct OwnedDir {
    dir: PathBuf,
    marker: Marker,
}

impl OwnedDir {
    /// Takes `dir` for `command` after [`check_dir`] allowed it: creates it if
    /// missing, adopts its marker (or writes one), removes our temporary files,
    /// and with `replace` deletes the files the marker lists (with
    /// `delete_unowned` also every other file).
    pub fn claim(dir: &Path, command: &str, replace: bool, delete_unowned: bool) -> Result<Self> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut owned =
            Self { dir: dir.to_path_buf(), marker: read_marker(dir).unwrap_or_else(|| Marker::new(command)) };
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with(TMP_PREFIX)
                || (replace && owned.marker.files.contains(&name))
                || (replace && owned.marker.files.contains(&format!("{name}/")))
                || (replace && delete_unowned && name != MARKER);
            if ours {
                remove_entry(&entry.path())?;
            }
        }
        if replace {
            owned.marker = Marker::new(command);
        }
        owned.save_marker()?;
        Ok(owned)
    }

    /// Takes an experiment folder written by ipwarm before markers existed,
    /// proven by a `manifest.json` that the caller has checked: the files an
    /// experiment writes that are present become ours.
    pub fn adopt_legacy(dir: &Path, command: &str, names: &[&str]) -> Result<Self> {
        let mut marker = Marker::new(command);
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let known = names.contains(&name.as_str()) || name.ends_with(".png") || name.ends_with(".svg");
            if known && entry.file_type()?.is_file() {
                marker.files.insert(name);
            }
        }
        let owned = Self { dir: dir.to_path_buf(), marker };
        owned.save_marker()?;
        Ok(owned)
    }

    /// The command that wrote `dir`, if it has a marker.
    pub fn command_of(dir: &Path) -> Option<String> {
        read_marker(dir).map(|m| m.command)
    }

    /// Whether `dir` holds anything but temporary files of ours.
    pub fn occupied(dir: &Path) -> bool {
        !matches!(inspect(dir), Ok(State::Missing | State::Empty))
    }

    /// Whether `dir` has a marker.
    pub fn has_marker(dir: &Path) -> bool {
        read_marker(dir).is_some()
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    fn save_marker(&self) -> Result<()> {
        let text = serde_json::to_string_pretty(&self.marker)? + "\n";
        write_atomic(&self.dir, MARKER, text.as_bytes())
    }

    /// Records `name` as ours (before its file is created) and checks that it
    /// is absent or a regular file we wrote.
    fn record(&mut self, name: &str) -> Result<PathBuf> {
        let path = self.dir.join(name);
        if let Ok(meta) = fs::symlink_metadata(&path) {
            if !meta.is_file() {
                bail!("{} is not a regular file: ipwarm does not write through links or into folders", path.display());
            }
            if !self.marker.files.contains(name) {
                bail!("{} was not written by ipwarm: not replacing it", path.display());
            }
        }
        if self.marker.files.insert(name.to_string()) {
            self.save_marker()?;
        }
        Ok(path)
    }

    // D: owned subfolders (`optimize`'s `comparison/`).
    /// Records the subfolder `name` as ours (as `name/`, before it is created) and returns its
    /// path; the subfolder holds its own marker (whoever writes it claims it), and is ours only
    /// while that marker covers everything in it. Refused if `name` exists and is not a folder.
    pub fn subdir(&mut self, name: &str) -> Result<PathBuf> {
        let path = self.dir.join(name);
        if let Ok(meta) = fs::symlink_metadata(&path)
            && !meta.is_dir()
        {
            bail!("{} is not a folder: ipwarm does not write through links", path.display());
        }
        if self.marker.files.insert(format!("{name}/")) {
            self.save_marker()?;
        }
        Ok(path)
    }

    /// Replaces `name` with `bytes`, crash-safely.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        self.record(name)?;
        write_atomic(&self.dir, name, bytes)
    }

    /// Deletes `name` if it is a file ipwarm wrote here (listed in the marker), and unlists it;
    /// does nothing otherwise. Returns whether it was deleted.
    pub fn remove(&mut self, name: &str) -> Result<bool> {
        let path = self.dir.join(name);
        let ours = self.marker.files.contains(name) && fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        if !ours {
            return Ok(false);
        }
        fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        self.marker.files.remove(name);
        self.save_marker()?;
        sync_dir(&self.dir);
        Ok(true)
    }

    /// Opens `name` for reading and appending (created if missing).
    pub fn open_append(&mut self, name: &str) -> Result<File> {
        let path = self.record(name)?;
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))
    }

    /// Creates `name` empty (or truncates it) for writing.
    pub fn create(&mut self, name: &str) -> Result<File> {
        let path = self.record(name)?;
        File::create(&path).with_context(|| format!("cannot create {}", path.display()))
    }

    /// Opens `name` for reading if it is a regular file (not a link).
    pub fn open_read(&self, name: &str) -> Result<File> {
        open_regular(&self.dir, name)
    }

    /// Lets `draw` write files into a temporary folder, then moves each into
    /// place (recorded first, renamed over the old one). Returns the final paths.
    pub fn write_via(&mut self, draw: impl FnOnce(&Path) -> Result<Vec<PathBuf>>) -> Result<Vec<PathBuf>> {
        let tmp = self.dir.join(format!("{TMP_PREFIX}{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).with_context(|| format!("cannot clear {}", tmp.display()))?;
        }
        fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let drawn = draw(&tmp);
        let result = drawn.and_then(|paths| {
            let mut out = Vec::with_capacity(paths.len());
            for p in paths {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let dest = self.record(&name)?;
                File::open(&p).and_then(|f| f.sync_all()).with_context(|| format!("cannot sync {}", p.display()))?;
                super::test_hooks::abort_point(&format!("before-rename:{name}"));
                fs::rename(&p, &dest).with_context(|| format!("cannot replace {}", dest.display()))?;
                out.push(dest);
            }
            sync_dir(&self.dir);
            Ok(out)
        });
        let _ = fs::remove_dir_all(&tmp);
        result
    }
}

/// Opens `dir/name` for reading if it is a regular file (not a link).
pub fn open_regular(dir: &Path, name: &str) -> Result<File> {
    let path = dir.join(name);
    let meta = fs::symlink_metadata(&path).with_context(|| format!("cannot open {}", path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file: ipwarm does not read through links", path.display());
    }
    File::open(&path).with_context(|| format!("cannot open {}", path.display()))
}

fn remove_entry(path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.is_dir() { fs::remove_dir_all(path) } else { fs::remove_file(path) }
        .with_context(|| format!("cannot remove {}", path.display()))
}

/// This host's name, for staging markers (empty if unknown).
fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Whether process `pid` runs on this host (unknown counts as running).
fn pid_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") { Path::new("/proc").join(pid.to_string()).exists() } else { true }
}

/// Removes staging and replaced folders of dead ipwarm processes in `parent`:
/// only entries with our prefixes, a marker, and no file the marker does not list.
fn clean_leftovers(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let host = host_name();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let staging = name.starts_with(STAGING_PREFIX);
        if !(staging || name.starts_with(OLD_PREFIX)) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let Ok(State::Owned(marker, foreign)) = inspect(&path) else { continue };
        let live =
            marker.writer.as_ref().is_some_and(|w| w.host != host || (w.pid != std::process::id() && pid_alive(w.pid)));
        // A staging folder is ours as a whole (created fresh by its writer); a replaced one only if
        // its marker covers everything in it.
        if (staging && !live) || (!staging && foreign.is_empty()) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A `run`'s staging folder: written in full, then swapped in for `dest`.
pub struct Staging {
    dest: PathBuf,
    owned: OwnedDir,
    committed: bool,
    delete_unowned: bool,
}

impl Staging {
    /// Creates a staging folder next to `dest` (cleaning leftovers of killed runs there).
    pub fn new(dest: &Path, command: &str, delete_unowned: bool) -> Result<Self> {
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("cannot create folder {}", parent.display()))?;
        clean_leftovers(parent);
        let dir = parent.join(format!("{STAGING_PREFIX}{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir(&dir).with_context(|| format!("cannot create staging folder {}", dir.display()))?;
        let mut marker = Marker::new(command);
        marker.writer = Some(Writer { host: host_name(), pid: std::process::id() });
        let owned = OwnedDir { dir, marker };
        owned.save_marker()?;
        Ok(Self { dest: dest.to_path_buf(), owned, committed: false, delete_unowned })
    }

    /// The folder to write into.
    pub fn path(&self) -> &Path {
        self.owned.path()
    }

    /// Creates `name` in the staging folder (recorded in its marker first).
    pub fn create(&mut self, name: &str) -> Result<File> {
        let path = self.owned.record(name)?;
        File::create(&path).with_context(|| format!("cannot create {name}"))
    }

    /// Records files that a library call wrote into the staging folder.
    pub fn adopt(&mut self, paths: &[PathBuf]) -> Result<()> {
        for p in paths {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            self.owned.marker.files.insert(name);
        }
        self.owned.save_marker()
    }

    /// Replaces `dest` with the staged files: the old folder is checked again,
    /// moved aside and removed (only what its marker lists, unless `delete_unowned`).
    pub fn commit(mut self) -> Result<PathBuf> {
        self.owned.marker.writer = None;
        self.owned.save_marker()?;
        for name in &self.owned.marker.files {
            File::open(self.owned.dir.join(name))
                .and_then(|f| f.sync_all())
                .with_context(|| format!("cannot sync {name}"))?;
        }
        sync_dir(&self.owned.dir);
        let old = self.owned.dir.with_file_name(format!("{OLD_PREFIX}{}", std::process::id()));
        let had_old = match inspect(&self.dest)? {
            State::Missing => false,
            State::Empty => {
                fs::remove_dir(&self.dest).with_context(|| format!("cannot replace {}", self.dest.display()))?;
                false
            }
            State::Owned(_, foreign) | State::Unowned(foreign) if !foreign.is_empty() && !self.delete_unowned => {
                bail!(
                    "{} changed while the run was going: it holds files ipwarm did not write ({})",
                    self.dest.display(),
                    list(&foreign)
                )
            }
            State::NotAFolder => bail!("{} exists and is not a folder", self.dest.display()),
            State::Owned(..) | State::Unowned(..) => true,
        };
        if had_old {
            fs::rename(&self.dest, &old).with_context(|| format!("cannot move aside {}", self.dest.display()))?;
        }
        super::test_hooks::abort_point("run-between-renames");
        if let Err(e) = fs::rename(&self.owned.dir, &self.dest) {
            if had_old {
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e).with_context(|| format!("cannot move results into {}", self.dest.display()));
        }
        self.committed = true;
        if let Some(parent) = self.dest.parent() {
            sync_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent });
        }
        if had_old {
            remove_old(&old, self.delete_unowned)?;
        }
        Ok(self.dest.clone())
    }
}

/// Removes a replaced folder: the files its marker lists, then the folder if
/// that left it empty; everything with `delete_unowned`.
fn remove_old(old: &Path, delete_unowned: bool) -> Result<()> {
    if delete_unowned {
        return fs::remove_dir_all(old).with_context(|| format!("cannot remove previous results {}", old.display()));
    }
    if let Some(marker) = read_marker(old) {
        for name in marker.files.iter().map(String::as_str).chain([MARKER]) {
            match name.strip_suffix('/') {
                // D: an owned subfolder (checked by `inspect` before the swap).
                Some(sub) => drop(fs::remove_dir_all(old.join(sub))),
                None => drop(fs::remove_file(old.join(name))),
            }
        }
    }
    fs::remove_dir(old).with_context(|| format!("cannot remove previous results {}", old.display()))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.owned.dir);
        }
    }
}
