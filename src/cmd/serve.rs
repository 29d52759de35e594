//! `hooktap serve`: the public end of the tunnel, and `serve token add|list|revoke`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::cli::GlobalArgs;
use crate::error::{Exit, usage, usage_hint};
use crate::relay::AckMode;
use crate::signal::{Signal, Signals};
use crate::tunnel::buffer::{self, Db, Overrides};
use crate::tunnel::channel::Defaults;
use crate::tunnel::protocol::Mode;
use crate::tunnel::server::ServeConfig;
use crate::tunnel::{tokens, valid_channel};

/// Arguments of `hooktap serve`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  hooktap serve token add dev          # prints the channel's token, once
  hooktap serve --port 443 --bind 0.0.0.0 --tls-cert cert.pem --tls-key key.pem
  hooktap serve --port 8080            # plain HTTP, a proxy in front does TLS
Providers post to https://HOST/c/<channel>/…; the developer runs
  HOOKTAP_TUNNEL_TOKEN=htk_… hooktap listen --tunnel wss://HOST --channel dev
The database (--db) defaults to $XDG_DATA_HOME/hooktap/serve.db."
)]
pub struct ServeArgs {
    /// Manage channels and their tokens
    #[command(subcommand)]
    pub command: Option<ServeCommand>,
    /// Port to listen on (0 picks a free one)
    #[arg(long, value_name = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Address to bind (0.0.0.0 for every interface)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// TLS certificate (PEM); without one, serve plain HTTP behind a proxy that does TLS
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Largest body a channel accepts (413 beyond)
    #[arg(long, value_name = "SIZE", default_value = "5MiB", value_parser = super::parse_positive_size)]
    pub max_body: u64,
    /// Most deliveries a channel holds for its client (503 beyond, so providers retry)
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_backlog: u64,
    /// Most bytes a channel holds for its client (503 beyond)
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = super::parse_positive_size)]
    pub max_backlog_size: u64,
    /// Deliveries a channel accepts per second (429 beyond); 0 for no limit
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub rate: u32,
    /// How providers are answered, for channels that do not set it [default: what the channel's client asks for]
    #[arg(long, value_enum, value_name = "MODE")]
    pub ack: Option<AckMode>,
    /// How long a passthrough provider waits for the client's answer (504 after)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = super::parse_positive_duration)]
    pub passthrough_timeout: Duration,
}

/// `serve`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Make, list and revoke channel tokens (the running server picks changes up within a second)
    Token(TokenArgs),
}

/// Arguments of `hooktap serve token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// `serve token`'s subcommands.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a channel (or give a revoked one a new token) and print its token, once
    Add(TokenAddArgs),
    /// List channels: token state, when made and last used, deliveries held (never the token)
    List,
    /// Revoke a channel's token; its client is disconnected and its held deliveries wait for a new token
    Revoke {
        /// The channel
        #[arg(value_name = "CHANNEL")]
        channel: String,
    },
}

/// Arguments of `hooktap serve token add`.
#[derive(Debug, Args)]
pub struct TokenAddArgs {
    /// The channel: providers post to /c/CHANNEL/…
    #[arg(value_name = "CHANNEL")]
    pub channel: String,
    /// Replace the channel's live token (its client is disconnected)
    #[arg(long)]
    pub rotate: bool,
    /// This channel's body limit, instead of serve's --max-body
    #[arg(long, value_name = "SIZE", value_parser = super::parse_positive_size)]
    pub max_body: Option<u64>,
    /// This channel's backlog limit, instead of serve's --max-backlog
    #[arg(long, value_name = "N")]
    pub max_backlog: Option<u64>,
    /// This channel's rate limit per second, instead of serve's --rate (0 for none)
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// How this channel's providers are answered, whatever its client asks
    #[arg(long, value_enum, value_name = "MODE")]
    pub ack: Option<AckMode>,
}

fn mode(ack: AckMode) -> Mode {
    match ack {
        AckMode::Immediate => Mode::Immediate,
        AckMode::Passthrough => Mode::Passthrough,
    }
}

fn db_path(global: &GlobalArgs) -> anyhow::Result<PathBuf> {
    match &global.db {
        Some(p) => Ok(p.clone()),
        None => buffer::default_path()
            .ok_or_else(|| usage_hint("cannot find a home directory for the database", "pass --db PATH")),
    }
}

/// Runs `hooktap serve`.
pub fn run(args: ServeArgs, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let db = db_path(global)?;
    match args.command {
        Some(ServeCommand::Token(t)) => token(t.command, &db, global),
        None => serve(args, db, global),
    }
}

fn serve(args: ServeArgs, db: PathBuf, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(crate::net::tls::TlsSource::Files { cert: cert.clone(), key: key.clone() }),
        _ => None,
    };
    let config = ServeConfig {
        bind: args.bind,
        port: args.port,
        db,
        tls,
        defaults: Defaults {
            max_body: args.max_body,
            max_backlog: args.max_backlog.max(1),
            max_backlog_bytes: args.max_backlog_size,
            rate: args.rate,
            mode: args.ack.map(mode),
        },
        header_timeout: Duration::from_secs(10),
        body_timeout: Duration::from_secs(30),
        passthrough_timeout: args.passthrough_timeout,
        max_connections: crate::relay::config::MAX_CONNECTIONS,
        quiet: global.quiet,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("hooktap-serve")
        .build()
        .context("starting the async runtime")?;
    let signal = runtime.block_on(async move {
        let mut signals = Signals::install()?;
        crate::tunnel::server::run(config, async move { signals.recv().await }).await
    })?;
    Ok(match signal {
        Signal::Interrupt => Exit::Interrupted,
        Signal::Terminate => Exit::Success,
    })
}

fn token(command: TokenCommand, path: &std::path::Path, global: &GlobalArgs) -> anyhow::Result<Exit> {
    let db = Db::open(path)?;
    match command {
        TokenCommand::Add(a) => {
            if !valid_channel(&a.channel) {
                return Err(usage_hint(
                    format!("{:?} cannot name a channel", a.channel),
                    "use 1 to 64 letters, digits, '.', '_' or '-'",
                ));
            }
            let token = tokens::generate();
            let overrides =
                Overrides { max_body: a.max_body, max_backlog: a.max_backlog, rate: a.rate, mode: a.ack.map(mode) };
            let existed = db.add_channel(&a.channel, &tokens::hash(token.expose()), &overrides, a.rotate)?;
            println!("{}", token.expose());
            if !global.quiet {
                let what = if existed { "has a new token" } else { "is made" };
                eprintln!(
                    "channel {} {what}; its token is printed above, once (only its hash is kept).\n\
                     On the developer's machine: HOOKTAP_TUNNEL_TOKEN=<token> hooktap listen --tunnel wss://<this server> --channel {}\n\
                     Providers post to https://<this server>/c/{}/…",
                    a.channel, a.channel, a.channel
                );
            }
            Ok(Exit::Success)
        }
        TokenCommand::List => {
            let channels = db.channels()?;
            if global.json {
                let rows: Vec<serde_json::Value> = channels.iter().map(channel_json).collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if channels.is_empty() {
                if !global.quiet {
                    eprintln!("no channels yet: `hooktap serve token add NAME` makes one");
                }
            } else {
                println!(
                    "{:<20} {:<8} {:<17} {:<17} {:>6}  LIMITS",
                    "CHANNEL", "TOKEN", "CREATED", "LAST USED", "HELD"
                );
                for c in &channels {
                    println!(
                        "{:<20} {:<8} {:<17} {:<17} {:>6}  {}",
                        c.name,
                        if c.token_hash.is_some() { "active" } else { "revoked" },
                        when(Some(c.created_at)),
                        when(c.last_used_at),
                        c.backlog,
                        limits(&c.overrides)
                    );
                }
            }
            Ok(Exit::Success)
        }
        TokenCommand::Revoke { channel } => {
            let Some(found) = db.channels()?.into_iter().find(|c| c.name == channel) else {
                return Err(usage(format!("there is no channel {channel} in {}", path.display())));
            };
            let revoked = db.revoke(&channel)?;
            if !global.quiet {
                let held = found.backlog;
                if revoked {
                    eprintln!(
                        "channel {channel}: token revoked; a connected client is disconnected within a second. \
                         Providers can still post; the {held} held and later deliveries wait for a client with a new \
                         token (`hooktap serve token add {channel}`)"
                    );
                } else {
                    eprintln!("channel {channel} had no token to revoke");
                }
            }
            Ok(Exit::Success)
        }
    }
}

fn when(ms: Option<i64>) -> String {
    use chrono::TimeZone as _;
    match ms.and_then(|ms| chrono::Local.timestamp_millis_opt(ms).single()) {
        Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
        None => "never".into(),
    }
}

fn limits(o: &Overrides) -> String {
    let mut parts = Vec::new();
    if let Some(b) = o.max_body {
        parts.push(format!("body ≤ {}", crate::tunnel::size(b)));
    }
    if let Some(n) = o.max_backlog {
        parts.push(format!("backlog ≤ {n}"));
    }
    if let Some(r) = o.rate {
        parts.push(if r == 0 { "no rate limit".into() } else { format!("{r}/s") });
    }
    if let Some(m) = o.mode {
        parts.push(format!("ack {}", if m == Mode::Passthrough { "passthrough" } else { "immediate" }));
    }
    if parts.is_empty() { "serve's".into() } else { parts.join(", ") }
}

fn channel_json(c: &buffer::Channel) -> serde_json::Value {
    let o = &c.overrides;
    serde_json::json!({
        "channel": c.name,
        "token": if c.token_hash.is_some() { "active" } else { "revoked" },
        "created_at_ms": c.created_at,
        "last_used_at_ms": c.last_used_at,
        "held": c.backlog,
        "max_body": o.max_body,
        "max_backlog": o.max_backlog,
        "rate": o.rate,
        "ack": o.mode.map(|m| if m == Mode::Passthrough { "passthrough" } else { "immediate" }),
    })
}
