//! `hooktap listen`: the durable local relay.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::cli::{GlobalArgs, ProviderArgs};
use crate::error::Exit;
use crate::net::tls::TlsMode;
use crate::relay::AckMode;
use crate::relay::console::Output;
use crate::signal::{Signal, Signals};

mod settings;

pub use settings::relay_config;

/// Arguments of `hooktap listen`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  hooktap listen              # record everything, answer 200
  hooktap listen --profile desk \\
      --forward-to http://localhost:3000/webhooks/nexadesk
  hooktap listen --provider github --secret-env GH_SECRET \\
      --forward-to http://localhost:3000 --ack passthrough
  hooktap listen --tls self-signed --port 8443
  HOOKTAP_TUNNEL_TOKEN=htk_... hooktap listen --tunnel wss://hooks.example.com \\
      --channel dev --forward-to http://localhost:3000/webhooks")]
pub struct ListenArgs {
    /// Port to listen on
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Address to bind
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Forward verified deliveries to this URL (more routes via config)
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Provider, profile and secret used to verify
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Only forward these event types (comma-separated)
    #[arg(long, value_name = "a,b", value_delimiter = ',')]
    pub events: Vec<String>,
    /// When to answer the provider
    #[arg(long, value_enum, value_name = "MODE")]
    pub ack: Option<AckMode>,
    /// Timeout for each forward attempt
    #[arg(long, value_name = "DURATION", value_parser = super::parse_positive_duration)]
    pub forward_timeout: Option<Duration>,
    /// Largest body accepted (e.g. 5MiB); larger gets 413
    #[arg(long, value_name = "SIZE", value_parser = super::parse_positive_size)]
    pub max_body: Option<u64>,
    /// Forward deliveries whose signature is invalid or missing too
    #[arg(long)]
    pub forward_invalid: bool,
    /// Accept any TLS certificate from forward targets (a local app's self-signed one) and the tunnel server
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Re-sign forwarded deliveries with this profile's secret
    #[arg(long, value_name = "PROFILE")]
    pub resign: Option<String>,
    /// TLS certificate (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_key", conflicts_with = "tls")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve a self-signed certificate for localhost (made once, kept beside the database) and print its fingerprint
    #[arg(long, value_enum, value_name = "MODE")]
    pub tls: Option<TlsMode>,
    /// Also receive through a `hooktap serve` tunnel server (wss://host) [default: the tunnel.url setting]
    #[arg(long, value_name = "URL")]
    pub tunnel: Option<String>,
    /// The tunnel channel to receive [default: the tunnel.channel setting]
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// Read the tunnel token from this environment variable [default: the tunnel.token setting, or HOOKTAP_TUNNEL_TOKEN]
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
}

/// How the relay came to stop.
enum Stopped {
    /// After the first signal, once in-flight work was committed.
    Gracefully(Signal),
    /// A second signal cut the graceful stop short.
    AtOnce(Signal),
}

/// Runs `hooktap listen` until Ctrl-C or SIGTERM.
pub fn run(args: ListenArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let config = crate::config::load(&global.paths())?;
    let output = if global.quiet {
        Output::Quiet
    } else if global.json {
        Output::Json
    } else {
        Output::Human
    };
    let relay_config = relay_config(&args, output, &config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("hooktap-relay")
        .build()
        .context("starting the async runtime")?;
    let stopped = runtime.block_on(async move {
        // Handlers go in before the banner, so a signal right after it is never the default (kill).
        let mut signals = Signals::install()?;
        let (first_tx, first_rx) = tokio::sync::oneshot::channel();
        let signals_seen = async move {
            let _ = first_tx.send(signals.recv().await);
            // A second signal during the graceful stop is someone who will not wait.
            signals.recv().await
        };
        let first = async move { first_rx.await.unwrap_or(Signal::Terminate) };
        tokio::select! {
            stopped = crate::relay::run(relay_config, first) => stopped.map(Stopped::Gracefully),
            again = signals_seen => Ok(Stopped::AtOnce(again)),
        }
    })?;
    let signal = match stopped {
        Stopped::Gracefully(signal) => {
            tracing::info!(?signal, "stopped");
            signal
        }
        Stopped::AtOnce(signal) => {
            eprintln!(
                "stopping at once: everything acknowledged is stored; requests still in flight get no \
                 answer and their senders retry them"
            );
            // Nothing waits for the tasks still running: the process ends with this command.
            runtime.shutdown_background();
            signal
        }
    };
    Ok(match signal {
        Signal::Interrupt => Exit::Interrupted,
        Signal::Terminate => Exit::Success,
    })
}
