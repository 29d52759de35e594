//! `hooktap verify`: offline signature checks with an explanation of every failure.

use std::path::PathBuf;

use clap::Args;

use crate::cli::{GlobalArgs, ProviderArgs};
use crate::error::Exit;

/// Arguments of `hooktap verify`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap verify --provider github --secret-env GH_SECRET -H 'X-Hub-Signature-256: sha256=...' --body body.json
  curl ... | hooktap verify --profile desk -H 'X-NexaDesk-Signature: sha256=...'
  hooktap verify --delivery 01JD3K...  # re-check a recorded delivery")]
pub struct VerifyArgs {
    /// Provider, profile and secret
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// File holding the raw body (default: stdin)
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// A request header, `Name: value` (repeatable)
    #[arg(short = 'H', long = "header", value_name = "K: V")]
    pub headers: Vec<String>,
    /// Allowed clock skew in seconds (default: the provider's)
    #[arg(long, value_name = "SECS")]
    pub tolerance: Option<u64>,
    /// Check as if the time were this unix timestamp
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Re-check a recorded delivery by id
    #[arg(long, value_name = "ID", conflicts_with_all = ["body", "headers"])]
    pub delivery: Option<String>,
}

/// Runs `hooktap verify`.
pub fn run(_args: VerifyArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("verify"))
}
