//! `ipwarm completions SHELL`: the shell's completion script for every command
//! and option, generated from the clap definitions by `clap_complete`.

use anyhow::Context;
use clap::Args;
use clap_complete::Shell;

use super::Failure;

/// `--help` examples: where each shell looks for its completions.
pub const EXAMPLES: &str = "\
Examples:
  ipwarm completions bash > ~/.local/share/bash-completion/completions/ipwarm
  ipwarm completions zsh > ~/.zfunc/_ipwarm     with `fpath+=(~/.zfunc)` before `compinit` in ~/.zshrc
  ipwarm completions fish > ~/.config/fish/completions/ipwarm.fish
  ipwarm completions elvish > ~/.config/elvish/lib/ipwarm.elv   then `use ipwarm` in rc.elv
  ipwarm completions powershell >> $PROFILE
(`mkdir -p` the folder first where it does not exist yet.)

Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.";

/// Arguments of `ipwarm completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    shell: Shell,
}

/// The completion script of `shell` for the whole command line.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut cmd = super::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut cmd, "ipwarm", &mut bytes);
    bytes
}

/// Prints the completion script.
pub fn completions(args: CompletionsArgs) -> Result<(), Failure> {
    super::stdout::write_document(&script(args.shell)).context("cannot write the completions").map_err(Failure::runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn every_shell_gets_a_script_naming_every_command() {
        for shell in Shell::value_variants() {
            let text = String::from_utf8(script(*shell)).expect("utf-8");
            for command in ["run", "validate", "sweep", "compare", "init", "completions", "man"] {
                assert!(text.contains(command), "{shell}: no `{command}`");
            }
            assert!(!text.contains("test-hook"), "{shell}: the hidden test flag is not completed");
        }
    }
}
