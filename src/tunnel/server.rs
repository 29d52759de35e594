//! `hooktap serve`, the public end: providers post to `/c/<channel>/…`, each
//! channel's client connects to [`super::TUNNEL_PATH`] with its token, and
//! `GET /healthz` says the server is up. Every channel's deliveries are
//! committed to the server's own file before the provider hears 2xx and kept
//! until the client acknowledges its own commit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;

use super::buffer::{Db, claim};
use super::channel::{Channel, Defaults};
use super::committer::{Committer, CommitterHandle};
use crate::net::server::{self, Handler, Refused};
use crate::net::tls::{self, TlsSource};
use crate::signal::{Shutdown, ShutdownTrigger, shutdown_pair};

/// How often the channels are read again, for what `serve token` changed meanwhile.
const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// How long connections get to close once the server stops.
const SESSION_DRAIN: Duration = Duration::from_secs(5);

/// Writes that may wait for the buffer's thread.
const WRITE_QUEUE: usize = 4096;

/// Everything `serve` needs to run.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to bind.
    pub bind: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// The buffer's file.
    pub db: PathBuf,
    /// TLS, when serving https itself.
    pub tls: Option<TlsSource>,
    /// Per-channel limits.
    pub defaults: Defaults,
    /// Time allowed for request headers (and a TLS handshake).
    pub header_timeout: Duration,
    /// Time allowed for a request body.
    pub body_timeout: Duration,
    /// How long a passthrough provider waits for the client's answer (504 after).
    pub passthrough_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// Print only errors.
    pub quiet: bool,
}

/// What the request handlers and connections share.
#[derive(Debug)]
pub struct Hub {
    channels: RwLock<HashMap<String, Arc<Channel>>>,
    /// Per-channel limits.
    pub defaults: Defaults,
    /// Writes the buffer.
    pub committer: Committer,
    /// Reads the buffer (held deliveries too large to keep in memory).
    pub reader: Arc<Mutex<Db>>,
    /// Names this buffer's deliveries apart from any other's.
    pub origin: String,
    /// Fires when the server stops.
    pub shutdown: Shutdown,
    /// Time allowed for a request body.
    pub body_timeout: Duration,
    /// How long a passthrough provider waits.
    pub passthrough_timeout: Duration,
    quiet: bool,
    sessions: Mutex<tokio::task::JoinSet<()>>,
    /// Deliveries accepted since start.
    pub received: AtomicU64,
}

impl Hub {
    /// The channel called `name`, if there is one.
    pub fn channel(&self, name: &str) -> Option<Arc<Channel>> {
        self.channels.read().unwrap_or_else(|p| p.into_inner()).get(name).cloned()
    }

    /// A notice for the person running the server (stderr), never a body or a token.
    pub fn notice(&self, text: &str) {
        if !self.quiet {
            eprintln!("hooktap serve: {text}");
        }
    }

    /// Whether notices are silenced (`-q`).
    pub fn notice_quiet(&self) -> bool {
        self.quiet
    }

    /// Runs a client connection as a task the stop waits for.
    pub fn spawn_session(&self, session: impl Future<Output = ()> + Send + 'static) {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).spawn(session);
    }

    /// Reads the channels from the file now: a token made or revoked a moment ago counts.
    pub async fn reload(&self) {
        let reader = self.reader.clone();
        let read =
            tokio::task::spawn_blocking(move || reader.lock().unwrap_or_else(|p| p.into_inner()).channels()).await;
        match read {
            Ok(Ok(channels)) => self.refresh(channels),
            Ok(Err(e)) => tracing::warn!("reading the channels failed: {e:#}"),
            Err(e) => tracing::warn!("reading the channels failed: {e}"),
        }
    }

    /// Reads the channels again: new ones appear, changed tokens close their connections.
    fn refresh(&self, stored: Vec<super::buffer::Channel>) {
        let mut map = self.channels.write().unwrap_or_else(|p| p.into_inner());
        for row in stored {
            match map.get(&row.name) {
                Some(channel) => channel.refresh(row, &self.defaults),
                None => {
                    map.insert(row.name.clone(), Arc::new(Channel::new(row, &self.defaults)));
                }
            }
        }
    }

    fn health(&self) -> serde_json::Value {
        let map = self.channels.read().unwrap_or_else(|p| p.into_inner());
        serde_json::json!({
            "status": "ok",
            "channels": map.len(),
            "clients": map.values().filter(|c| c.connected()).count(),
            "held": map.values().map(|c| c.backlog()).sum::<u64>(),
            "received": self.received.load(Ordering::Relaxed),
        })
    }
}

impl Handler for Hub {
    async fn respond(
        &self,
        req: Request<hyper::body::Incoming>,
        remote: Option<SocketAddr>,
    ) -> (Response<Full<Bytes>>, Option<hyper::body::Incoming>) {
        let path = req.uri().path();
        if path == "/healthz" {
            let mut resp = Response::new(Full::new(Bytes::from(self.health().to_string())));
            resp.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
            return (resp, None);
        }
        if path == super::TUNNEL_PATH {
            // A token made or revoked a moment ago is the one that counts.
            self.reload().await;
            return (super::session::upgrade(self, req, remote), None);
        }
        match super::ingress::channel_of(path) {
            Some(_) => super::ingress::receive(self, req, remote).await,
            None => (text(StatusCode::NOT_FOUND, "not found: providers post to /c/<channel>/…\n"), None),
        }
    }

    fn refused(&self, refused: &Refused<'_>) {
        tracing::info!(answered = refused.answered, remote = ?refused.remote, "refused: {}", refused.reason);
    }
}

/// A short plain-text answer.
pub fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    crate::relay::ingest::text(status, body)
}

/// A server that is accepting connections.
#[derive(Debug)]
pub struct Running {
    /// The bound address.
    pub addr: SocketAddr,
    /// `http://addr` or `https://addr`.
    pub url: String,
    trigger: ShutdownTrigger,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops accepting, closes client connections (they reconnect to the next run),
    /// and waits for the last commit.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.trigger.fire();
        self.task.await.context("serve task failed")?
    }
}

/// Opens the buffer, binds and starts serving; prints the banner.
pub async fn start(config: ServeConfig) -> anyhow::Result<Running> {
    crate::net::client::install_crypto_provider();
    let (trigger, shutdown) = shutdown_pair();
    let tls = config.tls.as_ref().map(tls::load).transpose()?;
    let owner = claim(&config.db)?;
    let db = Db::open(&config.db)?;
    let origin = db.origin()?;
    let stored = db.channels()?;
    let held = db.held()?;
    let reader = Db::open(&config.db)?;
    let listener = server::bind(&config.bind, config.port).await?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let (committer, committer_thread) = Committer::spawn(db, WRITE_QUEUE)?;
    let hub = Arc::new(Hub {
        channels: RwLock::new(HashMap::new()),
        defaults: config.defaults.clone(),
        committer,
        reader: Arc::new(Mutex::new(reader)),
        origin,
        shutdown: shutdown.clone(),
        body_timeout: config.body_timeout,
        passthrough_timeout: config.passthrough_timeout,
        quiet: config.quiet,
        sessions: Mutex::new(tokio::task::JoinSet::new()),
        received: AtomicU64::new(0),
    });
    hub.refresh(stored.clone());
    let mut by_channel: HashMap<String, Vec<super::buffer::Held>> = HashMap::new();
    for (name, h) in held {
        by_channel.entry(name).or_default().push(h);
    }
    for (name, held) in by_channel {
        if let Some(channel) = hub.channel(&name) {
            channel.resume(held);
        }
    }
    let url = format!("{}://{addr}", if tls.is_some() { "https" } else { "http" });
    banner(&config, &url, tls.as_ref().map(|t| t.fingerprint.as_str()), &stored);
    let limits = server::Limits { header_timeout: config.header_timeout, max_connections: config.max_connections };
    let refresher = tokio::spawn(refresh_loop(hub.clone(), config.db.clone()));
    let task = tokio::spawn(async move {
        let served = server::serve(listener, tls.map(|t| t.acceptor), hub.clone(), limits, shutdown).await;
        let _ = refresher.await;
        let mut sessions = std::mem::take(&mut *hub.sessions.lock().unwrap_or_else(|p| p.into_inner()));
        if tokio::time::timeout(SESSION_DRAIN, async { while sessions.join_next().await.is_some() {} }).await.is_err() {
            sessions.abort_all();
        }
        drop(hub);
        join(committer_thread).await;
        drop(owner);
        served
    });
    Ok(Running { addr, url, trigger, task })
}

async fn join(thread: CommitterHandle) {
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
}

/// Runs the server until `shutdown` resolves, then stops it.
pub async fn run<T>(config: ServeConfig, shutdown: impl Future<Output = T>) -> anyhow::Result<T> {
    let quiet = config.quiet;
    let running = start(config).await?;
    let value = shutdown.await;
    if !quiet {
        eprintln!(
            "hooktap serve: stopping; clients reconnect to the next run and are sent what they have not acknowledged"
        );
    }
    running.stop().await?;
    Ok(value)
}

async fn refresh_loop(hub: Arc<Hub>, db: PathBuf) {
    let mut reader = None;
    loop {
        tokio::select! {
            () = hub.shutdown.wait() => return,
            () = tokio::time::sleep(REFRESH_EVERY) => {}
        }
        let path = db.clone();
        let opened = reader.take();
        let read = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let db = match opened {
                Some(db) => db,
                None => Db::open(&path)?,
            };
            let channels = db.channels()?;
            Ok((db, channels))
        })
        .await;
        match read {
            Ok(Ok((db, channels))) => {
                reader = Some(db);
                hub.refresh(channels);
            }
            Ok(Err(e)) => tracing::warn!("reading the channels failed: {e:#}"),
            Err(e) => tracing::warn!("reading the channels failed: {e}"),
        }
    }
}

fn banner(config: &ServeConfig, url: &str, fingerprint: Option<&str>, channels: &[super::buffer::Channel]) {
    let mut out = format!("hooktap serve listening on {url}\n");
    if config.quiet {
        eprint!("{out}");
        return;
    }
    if let Some(fp) = fingerprint {
        out.push_str(&format!("  TLS certificate SHA-256 fingerprint: {fp}\n"));
    }
    out.push_str(&format!(
        "  providers post to {url}/c/<channel>/… (behind a proxy: its public https:// URL in place of {url})\n"
    ));
    out.push_str(&format!(
        "  clients: hooktap listen --tunnel {url} --channel <channel> (token in HOOKTAP_TUNNEL_TOKEN)\n"
    ));
    if channels.is_empty() {
        out.push_str(
            "  no channels yet: `hooktap serve token add NAME` makes one (this server picks it up within a second)\n",
        );
    } else {
        let names: Vec<String> = channels
            .iter()
            .map(|c| match (c.token_hash.is_some(), c.backlog) {
                (true, 0) => c.name.clone(),
                (true, n) => format!("{} ({n} held)", c.name),
                (false, n) => format!("{} (token revoked, {n} held)", c.name),
            })
            .collect();
        out.push_str(&format!("  channels: {}\n", names.join(", ")));
    }
    let d = &config.defaults;
    let rate = if d.rate == 0 { "no rate limit".to_owned() } else { format!("{}/s", d.rate) };
    out.push_str(&format!(
        "  per channel: body ≤ {}, backlog ≤ {} deliveries and {}, {rate}\n",
        super::size(d.max_body),
        d.max_backlog,
        super::size(d.max_backlog_bytes)
    ));
    out.push_str(&format!("  health: {url}/healthz\n"));
    out.push_str(&format!("  database: {}\n", config.db.display()));
    out.push_str("  Ctrl-C stops after committing what was received\n");
    eprint!("{out}");
}
