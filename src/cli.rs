//! The command-line surface: global flags and the subcommand tree.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cmd;

const AFTER_HELP: &str = "\
Examples:
  hooktap listen --forward-to http://localhost:3000/webhooks
  hooktap send lead.created --provider nexadesk --secret-env NEXADESK_SECRET \\
      --to http://localhost:3000/hook
  hooktap verify --provider github --secret-env GH_SECRET \\
      -H 'X-Hub-Signature-256: sha256=...' --body body.json
  hooktap config profile add desk --provider nexadesk \\
      --secret-env NEXADESK_SECRET

Exit codes: 0 success, 1 negative result, 2 usage/config/input error,
130 interrupted.";

/// Send, verify, relay, record and replay webhooks, for any provider, from your terminal.
#[derive(Debug, Parser)]
#[command(name = "hooktap", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// Flags every subcommand accepts.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags shared by every subcommand.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Use this config file instead of the user and project files
    #[arg(long, global = true, env = "HOOKTAP_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// SQLite database to record to and read from
    #[arg(long, global = true, env = "HOOKTAP_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// When to use colour (NO_COLOR is honoured with `auto`)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print results as JSON where a command prints results
    #[arg(long, global = true)]
    pub json: bool,
    /// Only print errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More logging (-v info, -vv debug, -vvv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

pub use crate::logging::ColorChoice;

impl GlobalArgs {
    /// Where the config and the database are, as the engine takes them.
    pub fn paths(&self) -> crate::config::Paths {
        crate::config::Paths { config: self.config.clone(), db: self.db.clone() }
    }

    /// How to log, as the engine takes it.
    pub fn log_options(&self) -> crate::logging::LogOptions {
        crate::logging::LogOptions { color: self.color, quiet: self.quiet, verbose: self.verbose }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage profiles, routes and defaults (TOML)
    Config(cmd::config::ConfigArgs),
    /// Fire realistic, correctly signed test events at an endpoint
    Send(Box<cmd::send::SendArgs>),
    /// Check a webhook signature offline and explain why it fails
    Verify(cmd::verify::VerifyArgs),
    /// Run the local relay: receive, verify, record, forward with retries
    Listen(Box<cmd::listen::ListenArgs>),
    /// Re-deliver recorded deliveries: as recorded, re-signed, or edited
    Replay(cmd::replay::ReplayArgs),
    /// Show the delivery log live: the viewer on a terminal, records on a pipe
    Tail(cmd::tail::TailArgs),
    /// Run the public end of the tunnel, and manage its channel tokens
    Serve(cmd::serve::ServeArgs),
    /// Test a webhook receiver the way its provider will treat it
    Check(Box<cmd::check::CheckArgs>),
    /// Print shell completions
    Completions(cmd::completions::CompletionsArgs),
}

impl Cli {
    /// The clap command, for completions and the man page.
    pub fn command() -> clap::Command {
        <Cli as clap::CommandFactory>::command()
    }
}

/// Which provider and secret a command signs or verifies with.
#[derive(Debug, Clone, Default, Args)]
pub struct ProviderArgs {
    /// Profile from the config (provider + secret) [default: the `profile` setting, or HOOKTAP_PROFILE]
    // HOOKTAP_PROFILE is the `profile` setting's variable (see `config`), a default that
    // --provider overrides; it is not this flag's, or it would conflict with --provider.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Provider scheme (nexus, nexudus, nexadesk, nudj, standard, github, stripe, shopify, slack)
    #[arg(long, value_name = "P", value_parser = ProviderName, hide_possible_values = true)]
    pub provider: Option<String>,
    /// Read the secret from this environment variable
    #[arg(long, value_name = "VAR", conflicts_with_all = ["secret", "secret_file"])]
    pub secret_env: Option<String>,
    /// Read the secret from this file (trailing newline ignored)
    #[arg(long, value_name = "FILE", conflicts_with = "secret")]
    pub secret_file: Option<PathBuf>,
    /// The secret itself (visible in `ps`; prefer --secret-env) [default: HOOKTAP_SECRET]
    #[arg(long, value_name = "S")]
    pub secret: Option<String>,
    /// HOOKTAP_SECRET, read apart from --secret so that any secret flag overrides it
    /// instead of conflicting with it.
    #[arg(skip = env_secret())]
    pub env_secret: Option<String>,
}

impl ProviderArgs {
    /// The flags as the plain request `Config::signer` resolves.
    pub fn request(&self) -> crate::config::SignerRequest {
        crate::config::SignerRequest {
            profile: self.profile.clone(),
            provider: self.provider.clone(),
            secret_env: self.secret_env.clone(),
            secret_file: self.secret_file.clone(),
            secret: self.secret.clone(),
            env_secret: self.env_secret.clone(),
        }
    }
}

/// HOOKTAP_SECRET when set and not empty.
fn env_secret() -> Option<String> {
    std::env::var("HOOKTAP_SECRET").ok().filter(|s| !s.is_empty())
}

/// Which recorded deliveries `replay` and `tail` act on.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Selection")]
pub struct FilterArgs {
    /// Only the newest N deliveries (of those the other options select)
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// Only deliveries received since then: a length of time back (10m, 2h, 1d) or a time (2026-11-01T10:00)
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only deliveries received before then (same forms as --since)
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only this event type (lenient: `Coworker Update` = `coworker-update`)
    #[arg(long, value_name = "TYPE")]
    pub event: Option<String>,
    /// Only this state (recorded, pending, forwarded, failed, dead, rejected) or last response status (500, 5xx)
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Only this provider
    #[arg(long = "provider", value_name = "P", value_parser = ProviderName, hide_possible_values = true)]
    pub provider: Option<String>,
    /// Only deliveries that arrived on this route (its path prefix, e.g. /webhooks/nexadesk)
    #[arg(long, value_name = "PATH")]
    pub route: Option<String>,
    /// Only deliveries from here: listen, tunnel, send or replay
    #[arg(long, value_name = "SOURCE", value_parser = ["listen", "tunnel", "send", "replay"])]
    pub source: Option<String>,
}

impl FilterArgs {
    /// The store's filter for these options and the delivery `ids` (or prefixes) given;
    /// a value that does not parse is a usage error naming the option.
    pub fn filter(&self, ids: &[String]) -> anyhow::Result<crate::store::Filter> {
        use crate::error::usage;
        use crate::store::{Filter, Source, StatusSpec, parse_when};
        let now = crate::util::unix_ms_now();
        let when = |flag: &str, value: &Option<String>| -> anyhow::Result<Option<i64>> {
            value.as_deref().map(|v| parse_when(v, now).map_err(|e| usage(format!("{flag}: {e}")))).transpose()
        };
        let mut filter = Filter {
            ids: ids.to_vec(),
            since: when("--since", &self.since)?,
            until: when("--until", &self.until)?,
            event: self.event.clone(),
            provider: self.provider.clone(),
            route: self.route.clone(),
            source: self.source.as_deref().and_then(Source::parse),
            last: self.last,
            ..Filter::default()
        };
        if let Some(status) = &self.status {
            StatusSpec::parse(status).map_err(|e| usage(format!("--status: {e}")))?.apply(&mut filter);
        }
        Ok(filter)
    }
}

/// A provider name: any text, checked (leniently, with suggestions) where it is
/// used; the built-in names are offered to shell completion.
#[derive(Debug, Clone, Copy)]
pub struct ProviderName;

impl clap::builder::TypedValueParser for ProviderName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = crate::provider::builtins().into_iter().map(|p| p.info().name.clone());
        Some(Box::new(names.map(clap::builder::PossibleValue::new)))
    }
}
