//! `hooktap tail`: the delivery log, live.

use clap::{Args, ValueEnum};

use crate::cli::{FilterArgs, GlobalArgs};
use crate::error::Exit;

/// Arguments of `hooktap tail`.
#[derive(Debug, Args)]
#[command(after_help = "Not implemented yet: this command exits 2. Planned usage:
  hooktap tail                       # the live viewer on a terminal
  hooktap tail --format csv --no-follow --since 1d > deliveries.csv
  hooktap tail --format json --provider nexadesk | jq .event")]
pub struct TailArgs {
    /// Which deliveries
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format when not using the viewer
    #[arg(long, value_enum, value_name = "FMT")]
    pub format: Option<TailFormat>,
    /// Print what matches and exit instead of following
    #[arg(long)]
    pub no_follow: bool,
}

/// Line formats for `tail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TailFormat {
    /// One human-readable line per delivery
    Line,
    /// One JSON object per line
    Json,
    /// CSV with a header row
    Csv,
}

/// Runs `hooktap tail`.
pub fn run(_args: TailArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("tail"))
}
