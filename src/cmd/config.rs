//! `hooktap config`.
use crate::cli::GlobalArgs;
use crate::error::Exit;
use clap::Args;
/// Arguments of `hooktap config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {}
/// Runs `hooktap config`.
pub fn run(_args: ConfigArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("config"))
}
