//! [`RelayConfig`]: every knob of the relay, and the checks that build its routes
//! from the configuration (`listen` and `config validate` share them).

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::config::{Config, Finding, Signer};
use crate::error::usage_hint;

use super::AckMode;

use super::console::Output;
use super::forwarder::ForwardSettings;
use super::routes::{Route, Target, repeated_path, shared_path};
use crate::net::tls::TlsSource;

/// Connections served at once; further ones wait in the accept queue.
pub const MAX_CONNECTIONS: usize = 1024;

/// In-memory bytes of queued bodies across targets; beyond it queued jobs keep
/// only their id and reload the body from the database when their turn comes.
pub const QUEUE_MEMORY: usize = 32 * 1024 * 1024;

/// A development secret made (or kept) for a provider named with no secret.
#[derive(Debug, Clone)]
pub struct DevSecret {
    /// The provider it is for.
    pub provider: String,
    /// The secret.
    pub secret: crate::secret::Secret,
    /// The file it is kept in.
    pub file: std::path::PathBuf,
}

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
    /// The development secret the flags' route verifies with, to print in the banner.
    pub dev_secret: Option<DevSecret>,
    /// TLS, when serving https.
    pub tls: Option<TlsSource>,
    /// How delivery lines are printed.
    pub output: Output,
    /// Prune deliveries older than this many days.
    pub retain_days: Option<u32>,
    /// Keep at most this many deliveries.
    pub retain_count: Option<u64>,
    /// Receive through a tunnel server too.
    pub tunnel: Option<crate::tunnel::client::TunnelConfig>,
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
            dev_secret: None,
            tls: None,
            output: Output::Quiet,
            retain_days: None,
            retain_count: None,
            tunnel: None,
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
}

/// The signer of `[[routes]]` entry `index`: its profile resolved, secret included.
pub fn route_signer(config: &Config, index: usize, entry: &crate::config::Route) -> anyhow::Result<Option<Signer>> {
    let Some(name) = &entry.profile else { return Ok(None) };
    let signer = config.profile_signer(name).map_err(|e| e.context(format!("routes[{index}] ({})", entry.path)))?;
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
pub fn check_events(
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
pub fn usable_secret(signer: &Signer) -> anyhow::Result<()> {
    let secret = signer.require_secret()?;
    signer.provider.check_secret(secret).map_err(|e| {
        let hint = signer.provider.secret_hint(secret).unwrap_or_else(|| "check where the secret comes from".into());
        crate::error::usage_hint(e.to_string(), hint)
    })
}

/// What `listen` would refuse in the routes: each `[[routes]]` entry built by the
/// relay's own code, then the route table it would serve. A profile that cannot be
/// resolved was reported with the profile; its route is still checked.
pub fn route_findings(cfg: &Config) -> Vec<Finding> {
    let mut problems = Vec::new();
    let catalog = std::cell::OnceCell::new();
    let default_ack = AckMode::default_for(None, cfg);
    for (i, entry) in cfg.routes.iter().enumerate() {
        let signer = match route_signer(cfg, i, entry) {
            Ok(signer) => signer,
            Err(e) => match entry.profile.as_deref().and_then(|name| Some((name, cfg.profiles.get(name)?))) {
                Some((name, profile)) => profile.provider().ok().map(|provider| crate::config::Signer {
                    provider,
                    secret: None,
                    profile: Some(name.to_string()),
                    auth: None,
                    tolerance: profile.tolerance,
                }),
                None => {
                    problems.push(Finding::from_error(cfg.route_place(i, "profile"), &e));
                    None
                }
            },
        };
        if let Err((field, e)) = config_route(i, entry, signer, entry.ack.unwrap_or(default_ack), None, &catalog) {
            problems.push(Finding::from_error(cfg.route_place(i, field), &e));
        }
    }
    // Every entry takes part, built or not; the one that repeats an earlier path is the one to point at.
    if let Some((i, prefix)) = repeated_path(cfg.routes.iter().map(|r| r.path.as_str())) {
        problems.push(Finding::from_error(cfg.route_place(i, "path"), &shared_path(&prefix)));
    }
    problems
}
