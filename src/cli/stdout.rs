//! Writing to standard output without panicking when the reader goes away
//! (`ipwarm run | head`): a closed pipe ends the process quietly, with success,
//! since everything the command writes to files is complete by then.

use std::fmt;
use std::io::{ErrorKind, Write};

/// Writes `args` to standard output; exits with status 0 if the pipe is closed.
pub fn write(args: fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    // Other errors (a full disk behind a redirection) are not worth failing a finished command for.
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush())
        && e.kind() == ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Writes a whole generated document (a starting file, completions, a manual
/// page) to standard output. A closed pipe ends the process quietly as
/// [`write`] does; any other error is returned, since the output is the
/// command's product (`ipwarm init scenario > my.toml` on a full disk must not
/// leave a truncated file unnoticed).
pub fn write_document(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        other => other,
    }
}

/// `print!` that tolerates a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::stdout::write(format_args!($($arg)*)) };
}

/// `println!` that tolerates a closed pipe.
macro_rules! outln {
    () => { $crate::cli::stdout::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::stdout::write(format_args!("{}\n", format_args!($($arg)*))) };
}
