//! `hooktap replay`: re-deliver recorded deliveries.

use clap::Args;

use crate::cli::{FilterArgs, GlobalArgs};
use crate::error::Exit;

/// Arguments of `hooktap replay`.
#[derive(Debug, Args)]
#[command(after_help = "Not implemented yet: this command exits 2. Planned usage:
  hooktap replay 01JD3K9Z4X --to http://localhost:3000/hook
  hooktap replay --last 10 --status dead --resign")]
pub struct ReplayArgs {
    /// Delivery ids (or unique prefixes)
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Which deliveries
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Target URL (default: the original route's target)
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// Fresh timestamp and signature with the profile's secret
    #[arg(long)]
    pub resign: bool,
    /// How many replays in flight at once
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,
    /// Print what would be sent without sending
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `hooktap replay`.
pub fn run(_args: ReplayArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("replay"))
}
