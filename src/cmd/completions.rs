//! `hooktap completions`: shell completions (and the man page) generated from the CLI definition.

use std::io::Write;

use clap::{Args, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Exit;

/// Arguments of `hooktap completions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap completions bash > ~/.local/share/bash-completion/completions/hooktap
  hooktap completions zsh > ~/.zfunc/_hooktap
  hooktap completions man > hooktap.1")]
pub struct CompletionsArgs {
    /// Shell to generate for (or `man` for the man page)
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Target,
}

/// What `completions` can generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// bash
    Bash,
    /// zsh
    Zsh,
    /// fish
    Fish,
    /// PowerShell
    Powershell,
    /// elvish
    Elvish,
    /// The roff man page
    Man,
}

/// Every target with the file name it is committed under in `completions/`.
pub const FILES: [(Target, &str); 6] = [
    (Target::Bash, "hooktap.bash"),
    (Target::Zsh, "_hooktap"),
    (Target::Fish, "hooktap.fish"),
    (Target::Powershell, "_hooktap.ps1"),
    (Target::Elvish, "hooktap.elv"),
    (Target::Man, "hooktap.1"),
];

/// Renders completions (or the man page) for `target`.
pub fn generate(target: Target) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    let shell = match target {
        Target::Bash => Shell::Bash,
        Target::Zsh => Shell::Zsh,
        Target::Fish => Shell::Fish,
        Target::Powershell => Shell::PowerShell,
        Target::Elvish => Shell::Elvish,
        Target::Man => {
            // Rendering into a Vec cannot fail.
            let _ = clap_mangen::Man::new(cmd).render(&mut out);
            return out;
        }
    };
    clap_complete::generate(shell, &mut cmd, "hooktap", &mut out);
    out
}

/// Runs `hooktap completions`.
pub fn run(args: CompletionsArgs) -> anyhow::Result<Exit> {
    std::io::stdout().write_all(&generate(args.shell))?;
    Ok(Exit::Success)
}
