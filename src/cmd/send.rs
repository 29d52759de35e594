//! `hooktap send`: realistic signed test events, once or under load.

use std::time::Duration;

use clap::Args;

use crate::cli::{GlobalArgs, ProviderArgs};
use crate::error::Exit;

/// Arguments of `hooktap send`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap send --list --provider nexudus
  hooktap send 'Coworker Update' --provider nexudus --secret-env NEXUDUS_SECRET --to http://localhost:3000/hook
  hooktap send lead.created --profile desk --set data.pipeline_stage='\"won\"' --to http://localhost:3000/hook
  hooktap send push --provider github --secret s3cr3t --to http://localhost:3000/gh --count 1000 --concurrency 32")]
pub struct SendArgs {
    /// Event from the catalog (lenient: `Coworker Update` = `coworker-update`)
    #[arg(value_name = "EVENT")]
    pub event: Option<String>,
    /// Provider, profile and secret
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Where to POST the event
    #[arg(long, value_name = "URL")]
    pub to: Option<String>,
    /// List the event catalog instead of sending
    #[arg(long)]
    pub list: bool,
    /// Send your own body: `@file` or `-` for stdin
    #[arg(long, value_name = "@FILE|-")]
    pub data: Option<String>,
    /// Edit the JSON payload: `a.b=value` (numbers, true/false, null, '"str"'; repeatable)
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Extra request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// Send the provider's test ping (e.g. NexaDesk's setup check)
    #[arg(long)]
    pub ping: bool,
    /// Request timeout (default: the provider's documented timeout)
    #[arg(long, value_name = "DURATION", value_parser = crate::util::parse_duration)]
    pub timeout: Option<Duration>,
    /// Print the exact request as a curl command instead of sending it
    #[arg(long)]
    pub dry_run: bool,
    /// Show secrets in --dry-run output
    #[arg(long, requires = "dry_run")]
    pub show_secrets: bool,
    /// How many requests to send
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub count: u64,
    /// How many requests in flight at once
    #[arg(long, value_name = "C", default_value_t = 1)]
    pub concurrency: usize,
    /// Cap the rate (requests per second, e.g. 200 or 200/s)
    #[arg(long, value_name = "R/s")]
    pub rate: Option<String>,
    /// Keep sending for this long (instead of stopping at --count)
    #[arg(long, value_name = "DURATION", value_parser = crate::util::parse_duration)]
    pub duration: Option<Duration>,
    /// Do not record sent deliveries in the database
    #[arg(long)]
    pub no_record: bool,
}

/// Runs `hooktap send`.
pub fn run(_args: SendArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("send"))
}
