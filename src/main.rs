//! The `ipwarm` binary: parses the command line, runs the command, and maps
//! errors to exit codes (0 success, 1 runtime failure, 2 bad input or usage).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
