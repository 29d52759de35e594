//! The durable local relay behind `hooktap listen`: receive, verify, store, forward, retry.
//!
//! [`start`] binds the socket, claims the database (one relay per database),
//! resumes its pending work and returns a [`Running`] relay; [`run`] does the same and stops it when a
//! shutdown future resolves. Nothing is acknowledged before it is committed.

pub mod admit;
pub mod attempt;
pub mod config;
pub mod console;
pub mod forwarder;
pub mod health;
pub mod ingest;
pub mod line;
mod printer;
pub mod routes;
mod worker;

// The tunnel client (`crate::tunnel::client`) runs inside the relay and feeds `ingest`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;

pub use config::RelayConfig;
pub use routes::AckMode;

use crate::net::{server, tls};
use crate::signal::{Shutdown, ShutdownTrigger, shutdown_pair};

use crate::store::{Reader, Store, Writer, owner};

/// How many writes may wait for the writer thread before senders feel back-pressure.
const WRITE_QUEUE: usize = 4096;

/// How often retention pruning runs when `retain_days`/`retain_count` are set.
const PRUNE_EVERY: Duration = Duration::from_secs(300);

/// What the request handlers share.
#[derive(Debug)]
pub struct App {
    /// The route table.
    pub routes: routes::RouteTable,
    /// The group-committing writer.
    pub writer: Writer,
    /// Background and inline forwarding.
    pub forwarder: forwarder::Forwarder,
    /// Counters for the health endpoint.
    pub stats: Arc<health::Stats>,
    /// Where delivery lines go.
    pub console: console::Console,
    /// Largest accepted body.
    pub max_body: u64,
    /// Time allowed to read a body once headers are in.
    pub body_timeout: Duration,
    /// Forward deliveries whose signature failed too.
    pub forward_invalid: bool,
    /// The database file, shown by the health endpoint.
    pub db: PathBuf,
}

impl App {
    /// Opens the database (writer thread plus a read connection) and builds the
    /// shared state; the caller joins the returned writer thread after the last
    /// [`Writer`] is dropped.
    pub fn open(config: &RelayConfig, shutdown: Shutdown) -> anyhow::Result<(Arc<App>, crate::store::WriterHandle)> {
        let (writer, writer_thread) =
            Writer::spawn(&config.db, WRITE_QUEUE).map_err(crate::store::StoreError::into_user_error)?;
        let reader = Reader::open(&config.db)?;
        let stats = Arc::new(health::Stats::new());
        let console = console::Console::new(config.output);
        let forwarder = forwarder::Forwarder::new(
            config.forward_settings(),
            writer.clone(),
            reader,
            stats.clone(),
            console.clone(),
            shutdown,
        );
        let app = App {
            routes: routes::RouteTable::new(config.routes.clone())?,
            writer,
            forwarder,
            stats,
            console,
            max_body: config.max_body,
            body_timeout: config.body_timeout,
            forward_invalid: config.forward_invalid,
            db: config.db.clone(),
        };
        Ok((Arc::new(app), writer_thread))
    }
}

/// A relay that is accepting connections.
#[derive(Debug)]
pub struct Running {
    /// The bound address (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// `http://addr` or `https://addr`.
    pub url: String,
    /// SHA-256 fingerprint of the TLS certificate, when serving TLS.
    pub fingerprint: Option<String>,
    /// Counters, for tests and the caller.
    pub stats: Arc<health::Stats>,
    trigger: ShutdownTrigger,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    tunnel_ended: Option<tokio::sync::oneshot::Receiver<anyhow::Error>>,
}

impl Running {
    /// Stops accepting, lets in-flight requests commit and answer, stops the
    /// forwarders at a safe point and waits for the last commit.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.trigger.fire();
        self.task.await.context("relay task failed")?
    }

    /// Resolves when the tunnel client stops for good (a refused token, a newer client
    /// on the channel) with why; never for a relay without a tunnel.
    pub async fn tunnel_ended(&mut self) -> anyhow::Error {
        match self.tunnel_ended.as_mut() {
            Some(ended) => match ended.await {
                Ok(e) => e,
                Err(_) => std::future::pending().await,
            },
            None => std::future::pending().await,
        }
    }
}

/// Points work left pending by an earlier run at its route's target in this one:
/// after a restart with a corrected `--forward-to`, queued deliveries go to the
/// app that now listens, at once, not to the old address after its backoff. A
/// route that is gone or forwards nowhere leaves its deliveries as they were.
/// Returns each new target with how many deliveries it took over.
fn retarget_pending(store: &mut Store, config: &RelayConfig) -> anyhow::Result<Vec<(String, usize)>> {
    let mut moved = Vec::new();
    for route in &config.routes {
        if let Some(target) = &route.target {
            let n = store.retarget_pending(&route.path, target.as_str()).context("re-pointing pending deliveries")?;
            if n > 0 {
                moved.push((target.as_str().to_owned(), n));
            }
        }
    }
    Ok(moved)
}

/// Starts the relay described by `config` and prints its banner.
pub async fn start(config: RelayConfig) -> anyhow::Result<Running> {
    crate::net::client::install_crypto_provider();
    let (trigger, shutdown) = shutdown_pair();
    // Everything that can refuse to start comes before the first forward: a start that
    // fails must not have sent (and not recorded) anything, nor re-pointed stored work.
    let tls = config.tls.as_ref().map(tls::load).transpose()?;
    let listener = server::bind(&config.bind, config.port).await?;
    // Opening says best what is wrong with an unusable database; then the claim.
    let mut store = Store::open(&config.db).map_err(crate::store::StoreError::into_user_error)?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{addr}");
    let owner = owner::claim(&config.db, Some(&url))?;
    let retargeted = retarget_pending(&mut store, &config)?;
    drop(store);
    let (app, writer_thread) = App::open(&config, shutdown.clone())?;
    // New databases are made private; an older or copied one may not be.
    if crate::config::is_shared_readable(&config.db) {
        tracing::warn!(
            "database {} stores every header received, credentials included, and is readable by other users; run: chmod 600 {}",
            config.db.display(),
            config.db.display()
        );
    }
    for target in app.routes.iter().filter_map(|r| r.target.as_ref()) {
        app.forwarder.add_target(target.as_str());
    }
    let resumed = app.forwarder.resume(&app.routes).await.context("resuming pending deliveries")?;
    let fingerprint = tls.as_ref().map(|t| t.fingerprint.clone());

    let stats = app.stats.clone();
    let console = app.console.clone();
    console.banner(&config, &app.routes, &url, fingerprint.as_deref(), &resumed, &retargeted);

    let limits = server::Limits { header_timeout: config.header_timeout, max_connections: config.max_connections };
    let acceptor = tls.map(|t| t.acceptor);
    let pruner = (config.retain_days.is_some() || config.retain_count.is_some()).then(|| {
        tokio::spawn(prune_loop(config.db.clone(), config.retain_days, config.retain_count, shutdown.clone()))
    });
    // The tunnel's deliveries take the same path as the port's, beside them.
    let (tunnel, tunnel_ended) = match config.tunnel.clone() {
        Some(t) => {
            let (ended_tx, ended_rx) = tokio::sync::oneshot::channel();
            let (app, shutdown) = (app.clone(), shutdown.clone());
            let task = tokio::spawn(async move {
                if let Err(e) = crate::tunnel::client::run(app, t, shutdown).await {
                    let _ = ended_tx.send(e);
                }
            });
            (Some(task), Some(ended_rx))
        }
        None => (None, None),
    };
    let task = tokio::spawn(async move {
        let served = server::serve(listener, acceptor, app.clone(), limits, shutdown.clone()).await;
        // The tunnel acknowledges what it stored before the forwarder stops.
        if let Some(t) = tunnel {
            let _ = t.await;
        }
        let forwarder = app.forwarder.clone();
        drop(app);
        forwarder.stop().await;
        drop(forwarder);
        if let Some(p) = pruner {
            let _ = p.await;
        }
        // Every writer handle is gone now, so the thread commits what is queued and exits.
        tokio::task::spawn_blocking(move || writer_thread.join()).await.context("joining the database writer")?;
        drop(owner);
        served
    });
    Ok(Running { addr, url, fingerprint, stats, trigger, task, tunnel_ended })
}

/// Runs the relay until `shutdown` resolves, then stops it gracefully; returns what `shutdown` gave.
pub async fn run<T>(config: RelayConfig, shutdown: impl Future<Output = T>) -> anyhow::Result<T> {
    let console = console::Console::new(config.output);
    let mut running = start(config).await?;
    let ended = tokio::select! {
        value = shutdown => Ok(value),
        why = running.tunnel_ended() => Err(why),
    };
    let begun = Instant::now();
    match &ended {
        Ok(_) => console.notice("stopping: finishing in-flight requests and commits (Ctrl-C again stops at once)"),
        Err(why) => console.notice(&format!("stopping: {}", crate::error::render(why))),
    }
    running.stop().await?;
    console.flush();
    console.notice(&format!("stopped in {} ms; everything received is stored", begun.elapsed().as_millis()));
    ended
}

async fn prune_loop(db: PathBuf, days: Option<u32>, count: Option<u64>, shutdown: Shutdown) {
    loop {
        let path = db.clone();
        let pruned = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            let mut store = Store::open(&path).map_err(crate::store::StoreError::into_user_error)?;
            Ok(store.prune(days, count)?)
        })
        .await;
        match pruned {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(removed = n, "pruned old deliveries"),
            Ok(Err(e)) => tracing::warn!("pruning failed: {e:#}"),
            Err(e) => tracing::warn!("pruning task failed: {e}"),
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(PRUNE_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests;
