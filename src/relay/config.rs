//! [`RelayConfig`]: every knob of the relay, resolved from flags (which win) and config.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::cli::{GlobalArgs, ProviderArgs};
use crate::cmd::listen::{AckMode, ListenArgs, TlsMode};
use crate::config::{Config, Signer};
use crate::error::{usage, usage_hint};

use super::console::Output;
use super::forwarder::ForwardSettings;
use super::routes::{Route, Target, repeated_path, shared_path};
use super::tls::TlsSource;

/// Connections served at once; further ones wait in the accept queue.
pub const MAX_CONNECTIONS: usize = 1024;

/// In-memory bytes of queued bodies across targets; beyond it queued jobs keep
/// only their id and reload the body from the database when their turn comes.
pub const QUEUE_MEMORY: usize = 32 * 1024 * 1024;

/// Everything the relay needs to run.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Address to bind.
    pub bind: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// Routes; the longest matching path prefix wins.
    pub routes: Vec<Route>,
    /// The database file.
    pub db: PathBuf,
    /// Largest accepted body in bytes (413 beyond).
    pub max_body: u64,
    /// Time allowed to read request headers (and a TLS handshake).
    pub header_timeout: Duration,
    /// Time allowed to read a request body.
    pub body_timeout: Duration,
    /// Timeout of one background forward attempt.
    pub forward_timeout: Duration,
    /// Forward attempts before a delivery is dead.
    pub retries: u32,
    /// First retry delay; doubles per attempt.
    pub retry_base: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Consecutive failures before a target is paused and probed.
    pub pause_after: u32,
    /// Forwards in flight per target.
    pub target_concurrency: usize,
    /// Connections served at once.
    pub max_connections: usize,
    /// Forward deliveries whose signature is invalid or missing too.
    pub forward_invalid: bool,
    /// Accept any TLS certificate from forward targets (`--insecure`).
    pub insecure: bool,
    /// Re-sign forwarded deliveries with this signer.
    pub resign: Option<Signer>,
    /// TLS, when serving https.
    pub tls: Option<TlsSource>,
    /// How delivery lines are printed.
    pub output: Output,
    /// Prune deliveries older than this many days.
    pub retain_days: Option<u32>,
    /// Keep at most this many deliveries.
    pub retain_count: Option<u64>,
}

impl RelayConfig {
    /// A record-only relay on 127.0.0.1 with an ephemeral port and the documented defaults.
    pub fn new(db: PathBuf) -> RelayConfig {
        RelayConfig {
            bind: "127.0.0.1".into(),
            port: 0,
            routes: vec![Route::record_only("/")],
            db,
            max_body: 5 * 1024 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            forward_timeout: Duration::from_secs(10),
            retries: 10,
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(60),
            pause_after: 5,
            target_concurrency: 8,
            max_connections: MAX_CONNECTIONS,
            forward_invalid: false,
            insecure: false,
            resign: None,
            tls: None,
            output: Output::Quiet,
            retain_days: None,
            retain_count: None,
        }
    }

    /// The forwarder's part.
    pub fn forward_settings(&self) -> ForwardSettings {
        ForwardSettings {
            timeout: self.forward_timeout,
            retries: self.retries,
            retry_base: self.retry_base,
            retry_max: self.retry_max,
            pause_after: self.pause_after,
            concurrency: self.target_concurrency,
            max_response: self.max_body as usize,
            memory_cap: QUEUE_MEMORY,
            resign: self.resign.clone(),
            trust: if self.insecure { crate::net::Trust::AnyCertificate } else { crate::net::Trust::WebRoots },
        }
    }

    /// Resolves `hooktap listen` flags and the configuration into a relay config.
    pub fn from_args(args: &ListenArgs, global: &GlobalArgs, config: &Config) -> anyhow::Result<RelayConfig> {
        if args.tunnel.is_some() || args.channel.is_some() {
            return Err(usage_hint(
                "`listen --tunnel` is not implemented yet",
                "run the relay on a reachable host, or expose it with another tunnel for now",
            ));
        }
        let duration = |key: &str| -> anyhow::Result<Duration> {
            let raw = config.get_str(key).ok_or_else(|| usage(format!("setting {key} has no value")))?;
            crate::util::parse_duration(raw).map_err(|e| usage(format!("setting {key}: {e}")))
        };
        let int = |key: &str| config.get_int(key).ok_or_else(|| usage(format!("setting {key} has no value")));
        let port = match args.port {
            Some(p) => p,
            None => u16::try_from(int("listen.port")?).map_err(|_| usage("listen.port is out of range"))?,
        };
        let bind = args.bind.clone().or_else(|| config.get_str("listen.bind").map(str::to_owned));
        let default_ack = match (args.ack, config.get_str("listen.ack")) {
            (Some(a), _) => a,
            (None, Some("passthrough")) => AckMode::Passthrough,
            _ => AckMode::Immediate,
        };
        // The passthrough bound, where one was asked for: the flag, else the setting when a
        // file or variable sets it (its built-in default leaves each provider's own).
        let flag_timeout = match (args.forward_timeout, config.settings.get("listen.forward_timeout")) {
            (Some(t), _) => Some(t),
            (None, Some((_, crate::config::Origin::Default)) | None) => None,
            (None, Some(_)) => Some(duration("listen.forward_timeout")?),
        };
        let mut routes = Vec::new();
        // Built only if some route filters events: it renders every fixture.
        let catalog = OnceCell::new();
        // A problem with a `[[routes]]` entry names the file and line, as `config validate` does.
        let at = |e: anyhow::Error, place: Option<crate::config::Place>| match place {
            Some(place) => e.context(format!("config {place}")),
            None => e,
        };
        for (i, r) in config.routes.iter().enumerate() {
            // A profile's own problem (its secret) points at the profile; an unknown one at the route.
            let signer = route_signer(config, i, r).map_err(|e| {
                let place = match r.profile.as_deref().filter(|name| config.profiles.contains_key(*name)) {
                    Some(name) => config.profile_place(name, None),
                    None => config.route_place(i, "profile"),
                };
                at(e, place)
            })?;
            // A route's own `ack` is kept; --ack, like `listen.ack`, is the default of the others.
            let ack = r.ack.unwrap_or(default_ack);
            routes.push(
                config_route(i, r, signer, ack, flag_timeout, &catalog)
                    .map_err(|(field, e)| at(e, config.route_place(i, field)))?,
            );
        }
        if let Some((i, prefix)) = repeated_path(config.routes.iter().map(|r| r.path.as_str())) {
            return Err(at(shared_path(&prefix), config.route_place(i, "path")));
        }
        let named = args.provider.profile.is_some() || args.provider.provider.is_some();
        // HOOKTAP_SECRET alone is a default, not a request to verify.
        let secret_flag = args.provider.secret.is_some();
        if !named && (args.provider.secret_env.is_some() || args.provider.secret_file.is_some() || secret_flag) {
            return Err(usage_hint(
                "a secret was given but no provider to check it with",
                "add --provider P (e.g. --provider github) or --profile NAME",
            ));
        }
        let cli_route = args.forward_to.is_some()
            || args.provider.profile.is_some()
            || args.provider.provider.is_some()
            || !args.events.is_empty();
        if cli_route || routes.is_empty() {
            let signer = config.signer(&args.provider)?;
            let target = args.forward_to.as_deref().map(Target::parse).transpose()?;
            // Flags describe the catch-all route; they replace a configured "/" route.
            routes.retain(|r| r.path != "/");
            let provider = signer.as_ref().map(|s| s.provider.info().name.as_str());
            check_events(&catalog, provider, &args.events, "--events")?;
            routes.push(Route::new("/", signer, target, &args.events, default_ack, None, flag_timeout)?);
        }
        for route in routes.iter().filter(|r| !r.events.is_empty() && r.target.is_none()) {
            let what = if route.path == "/" && !args.events.is_empty() { "--events" } else { "its events" };
            tracing::warn!(
                "route {}: {what} filters only what is forwarded, and it forwards nothing (no target): every \
                 delivery is recorded",
                route.path
            );
        }
        for route in &routes {
            if let Some(signer) = &route.signer {
                usable_secret(signer).map_err(|e| e.context(format!("route {}", route.path)))?;
            }
        }

        let resign = match &args.resign {
            Some(profile) => {
                let signer = config
                    .signer(&ProviderArgs { profile: Some(profile.clone()), ..ProviderArgs::default() })?
                    .ok_or_else(|| usage(format!("--resign {profile}: the profile has no provider")))?;
                usable_secret(&signer).map_err(|e| e.context(format!("--resign {profile}")))?;
                let provider = signer.provider.info().name.as_str();
                // Unverified routes record whatever comes, which may include this provider.
                if !routes.iter().any(|r| r.provider_name().is_none_or(|p| p == provider)) {
                    tracing::warn!(
                        "--resign {profile} re-signs only {provider} deliveries, and every route verifies another \
                         provider: nothing will be re-signed"
                    );
                }
                Some(signer)
            }
            None => None,
        };
        let tls = match (&args.tls_cert, &args.tls_key, args.tls) {
            (Some(cert), Some(key), _) => Some(TlsSource::Files { cert: cert.clone(), key: key.clone() }),
            (_, _, Some(TlsMode::SelfSigned)) => Some(TlsSource::self_signed_for(&config.db_path()?)),
            _ => None,
        };
        let output = if global.quiet {
            Output::Quiet
        } else if global.json {
            Output::Json
        } else {
            Output::Human
        };
        let retries = u32::try_from(int("listen.retries")?).map_err(|_| usage("listen.retries is out of range"))?;
        let pause_after =
            u32::try_from(int("listen.pause_after")?).map_err(|_| usage("listen.pause_after is out of range"))?;
        let concurrency = usize::try_from(int("listen.target_concurrency")?)
            .map_err(|_| usage("listen.target_concurrency is out of range"))?;
        let max_body = match args.max_body {
            Some(n) => n,
            None => u64::try_from(int("listen.max_body")?).map_err(|_| usage("listen.max_body is out of range"))?,
        };
        if max_body == 0 {
            return Err(usage_hint("--max-body must be more than 0 bytes", "e.g. --max-body 5MiB"));
        }
        Ok(RelayConfig {
            bind: bind.unwrap_or_else(|| "127.0.0.1".into()),
            port,
            routes,
            db: config.db_path()?,
            max_body,
            header_timeout: duration("listen.header_timeout")?,
            body_timeout: duration("listen.body_timeout")?,
            forward_timeout: flag_timeout.map_or_else(|| duration("listen.forward_timeout"), Ok)?,
            retries,
            retry_base: duration("listen.retry_base")?,
            retry_max: duration("listen.retry_max")?,
            pause_after,
            target_concurrency: concurrency,
            max_connections: MAX_CONNECTIONS,
            forward_invalid: args.forward_invalid,
            insecure: args.insecure,
            resign,
            tls,
            output,
            retain_days: config.get_int("retain_days").and_then(|d| u32::try_from(d).ok()),
            retain_count: config.get_int("retain_count").and_then(|c| u64::try_from(c).ok()),
        })
    }
}

/// The signer of `[[routes]]` entry `index`: its profile resolved, secret included.
pub fn route_signer(config: &Config, index: usize, entry: &crate::config::Route) -> anyhow::Result<Option<Signer>> {
    let Some(name) = &entry.profile else { return Ok(None) };
    let signer = config
        .signer(&ProviderArgs { profile: Some(name.clone()), ..ProviderArgs::default() })
        .map_err(|e| e.context(format!("routes[{index}] ({})", entry.path)))?
        .ok_or_else(|| usage(format!("routes[{index}]: profile {name:?} has no provider")))?;
    Ok(Some(signer))
}

/// The relay's route for `[[routes]]` entry `index`, built and checked as `listen`
/// builds it (`config validate` runs the same code): its target, its event filter
/// against the provider's catalog (built in `catalog` when first needed) and its path.
/// `signer` is [`route_signer`]'s and `ack` the route's answer mode. An error comes
/// with the key of the entry at fault, for a caller that points at its line.
pub fn config_route(
    index: usize,
    entry: &crate::config::Route,
    signer: Option<Signer>,
    ack: AckMode,
    flag_timeout: Option<Duration>,
    catalog: &OnceCell<Catalog>,
) -> Result<Route, (&'static str, anyhow::Error)> {
    let what = format!("routes[{index}] ({})", entry.path);
    let target = entry
        .forward_to
        .as_deref()
        .map(Target::parse)
        .transpose()
        .map_err(|e| ("forward_to", e.context(what.clone())))?;
    let provider = signer.as_ref().map(|s| s.provider.info().name.as_str());
    check_events(catalog, provider, &entry.events, &what).map_err(|e| ("events", e))?;
    Route::new(&entry.path, signer, target, &entry.events, ack, entry.event.clone(), flag_timeout)
        .map_err(|e| ("path", e.context(what)))
}

/// Checks an event filter against the provider's catalog: a name the catalog lacks
/// is an error where the catalog lists every event the provider sends, and a
/// warning where it lists a sample; both name the closest events.
fn check_events(
    catalog: &OnceCell<Catalog>,
    provider: Option<&str>,
    events: &[String],
    what: &str,
) -> anyhow::Result<()> {
    let Some(provider) = provider.filter(|_| !events.is_empty()) else { return Ok(()) };
    let catalog = catalog.get_or_init(Catalog::builtin);
    for event in events {
        let Err(unknown) = catalog.find(provider, event) else { continue };
        if unknown.unknown_provider {
            return Ok(());
        }
        if catalog.is_complete(provider) {
            return Err(usage_hint(
                format!("{what}: {unknown}"),
                format!("`hooktap send --list --provider {provider}` lists every event {provider} sends"),
            ));
        }
        tracing::warn!("{what}: {unknown}; deliveries of other events are recorded but not forwarded");
    }
    Ok(())
}

/// Checks that `signer` has a secret its provider can use as a key: a relay started
/// with one it cannot use would answer 401 to every delivery.
fn usable_secret(signer: &Signer) -> anyhow::Result<()> {
    let secret = signer.require_secret()?;
    signer.provider.check_secret(secret).map_err(|e| {
        let hint = signer.provider.secret_hint(secret).unwrap_or_else(|| "check where the secret comes from".into());
        crate::error::usage_hint(e.to_string(), hint)
    })
}
