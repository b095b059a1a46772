//! The sweep's progress bar on stderr (runs done out of total, runs per second,
//! ETA); hidden when stderr is not a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A progress bar, or nothing when stderr is not a terminal.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar over `total` runs of which `already` are done.
    pub fn new(total: usize, already: usize) -> Self {
        if !std::io::stderr().is_terminal() || total == 0 {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("[{bar:40}] {pos}/{len} runs  {rate}  ETA {eta}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} runs/s", state.per_sec());
            })
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_position(already as u64);
        bar.reset_eta();
        Self(Some(bar))
    }

    /// Sets the runs done and the number failed so far.
    pub fn set(&self, done: usize, failed: usize) {
        if let Some(bar) = &self.0 {
            bar.set_position(done as u64);
            if failed > 0 {
                bar.set_message(format!("{failed} failed"));
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
