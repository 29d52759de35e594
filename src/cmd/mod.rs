//! One module per subcommand; `run` dispatches to them.

pub mod check;
pub mod completions;
pub mod config;
pub mod listen;
pub mod replay;
pub mod send;
pub mod serve;
pub mod tail;
pub mod verify;

use crate::cli::{Cli, Command};
use crate::error::Exit;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let global = cli.global;
    match cli.command {
        Command::Config(args) => config::run(args, &global),
        Command::Send(args) => send::run(*args, &global),
        Command::Verify(args) => verify::run(args, &global),
        Command::Listen(args) => listen::run(*args, &global),
        Command::Replay(args) => replay::run(args, &global),
        Command::Tail(args) => tail::run(args, &global),
        Command::Serve(args) => serve::run(args, &global),
        Command::Check(args) => check::run(*args, &global),
        Command::Completions(args) => completions::run(args),
    }
}

/// A duration flag that must be more than zero: a timeout of 0 would fail every request.
pub fn parse_positive_duration(s: &str) -> Result<std::time::Duration, String> {
    match crate::util::parse_duration(s)? {
        d if d.is_zero() => Err(format!("{s:?} is zero; give a length of time such as 5s or 250ms")),
        d => Ok(d),
    }
}

/// A size flag that must be more than zero.
pub fn parse_positive_size(s: &str) -> Result<u64, String> {
    match crate::util::parse_size(s)? {
        0 => Err(format!("{s:?} is zero; give a size such as 5MiB")),
        n => Ok(n),
    }
}
