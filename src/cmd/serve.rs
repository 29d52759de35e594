//! `hooktap serve`: the public end of the tunnel.

use std::path::PathBuf;

use clap::Args;

use crate::cli::GlobalArgs;
use crate::error::Exit;

/// Arguments of `hooktap serve`.
#[derive(Debug, Args)]
#[command(after_help = "Not implemented yet: this command exits 2. Planned usage:
  hooktap serve --port 443 --tls-cert cert.pem --tls-key key.pem")]
pub struct ServeArgs {
    /// Port to listen on
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to bind
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0")]
    pub bind: String,
    /// TLS certificate (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// Runs `hooktap serve`.
pub fn run(_args: ServeArgs, _global: &GlobalArgs) -> anyhow::Result<Exit> {
    Err(super::not_implemented("serve"))
}
