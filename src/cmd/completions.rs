//! `hooktap completions`: shell completions (and the man pages) generated from the CLI definition.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Exit;

/// Arguments of `hooktap completions`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap completions bash > ~/.local/share/bash-completion/completions/hooktap
  hooktap completions zsh > ~/.zfunc/_hooktap
  hooktap completions man > hooktap.1
  hooktap completions man --dir ~/.local/share/man/man1  # a page per command")]
pub struct CompletionsArgs {
    /// Shell to generate for (or `man` for the man page)
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Target,
    /// With `man`: write a page for every command (hooktap-send.1, ...) into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
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

/// Renders completions (or the top-level man page) for `target`.
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
            let pages = man_pages();
            return pages.into_iter().find(|(name, _)| name == "hooktap.1").map(|(_, page)| page).unwrap_or_default();
        }
    };
    clap_complete::generate(shell, &mut cmd, "hooktap", &mut out);
    out
}

/// A man page for every command, `hooktap.1` and `hooktap-send.1` to
/// `hooktap-config-profile-add.1`, as (file name, roff) pairs.
pub fn man_pages() -> Vec<(String, Vec<u8>)> {
    fn walk(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, pages);
        }
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        // Rendering into a Vec cannot fail.
        let _ = man.render(&mut page);
        pages.push((man.get_filename(), page));
    }
    // Building gives each subcommand its display name (`hooktap-send`).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages);
    pages
}

/// Runs `hooktap completions`.
pub fn run(args: CompletionsArgs) -> anyhow::Result<Exit> {
    match (&args.dir, args.shell) {
        (None, shell) => std::io::stdout().write_all(&generate(shell))?,
        (Some(dir), Target::Man) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, page) in man_pages() {
                let path = dir.join(&name);
                std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        (Some(_), _) => {
            return Err(crate::error::usage_hint(
                "--dir only applies to man pages",
                "redirect the output instead: hooktap completions bash > FILE",
            ));
        }
    }
    Ok(Exit::Success)
}
