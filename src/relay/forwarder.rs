//! Forwarding: one worker per target, a concurrency limit per target, retries,
//! pause-and-probe, inline attempts for passthrough, and resuming stored work.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use crate::config::Signer;
use crate::net::client::HttpClient;
use crate::store::{State, Writer};

use super::attempt::{self, Job, Meta, Verdict};
use super::console::Console;
use super::health::Stats;
use super::worker;
use crate::exchange::{self, Answer, AttemptKind, Exchange, Failure, Limits, Origin, Recorded, Resign, rebuild};
use crate::signal::Shutdown;
use crate::store::Reader;

/// Jobs waiting to enter one target's worker.
const TARGET_QUEUE: usize = 1024;

/// Pending rows loaded per query when resuming.
const RESUME_PAGE: usize = 1000;

/// How many times an attempt that met a kept-alive connection the target had closed
/// is sent again at once. Once: the client cannot tell a close that crossed the request
/// from an app that read it and then closed, so more would hand such an app the
/// request again and again within one attempt.
const STALE_RESENDS: usize = 1;

/// The longest app answer passthrough passes on whole, when `--max-body` is less.
pub(crate) const PASSTHROUGH_ANSWER: usize = 16 * 1024 * 1024;

/// How long a passthrough request may still wait on the app once shutdown starts.
const PASSTHROUGH_GRACE: Duration = Duration::from_secs(2);

/// How the forwarder behaves.
#[derive(Debug, Clone)]
pub struct ForwardSettings {
    /// Timeout of one background attempt.
    pub timeout: Duration,
    /// Attempts before a delivery is dead.
    pub retries: u32,
    /// First retry delay.
    pub retry_base: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Consecutive failures before a target is paused and probed.
    pub pause_after: u32,
    /// Attempts in flight per target.
    pub concurrency: usize,
    /// Largest response body read.
    pub max_response: usize,
    /// Bytes of queued bodies kept in memory across targets.
    pub memory_cap: usize,
    /// Re-sign with this signer.
    pub resign: Option<Signer>,
    /// Which targets' certificates are accepted.
    pub trust: crate::net::Trust,
}

/// Cheap-to-clone handle on the forwarding machinery.
#[derive(Debug, Clone)]
pub struct Forwarder {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub settings: ForwardSettings,
    pub client: HttpClient,
    pub writer: Writer,
    pub reader: Reader,
    pub stats: Arc<Stats>,
    pub console: Console,
    pub shutdown: Shutdown,
    /// Bytes of bodies held by queued jobs.
    pub memory: AtomicUsize,
    targets: Mutex<HashMap<String, Arc<TargetHandle>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

/// One target's mailbox, permits and visible state.
#[derive(Debug)]
pub(crate) struct TargetHandle {
    pub url: String,
    pub tx: mpsc::Sender<Msg>,
    pub permits: Arc<Semaphore>,
    pub paused: AtomicBool,
    pub consecutive: AtomicU32,
    pub queued: AtomicUsize,
}

/// What a worker is told.
#[derive(Debug)]
pub(crate) enum Msg {
    /// Schedule this job at this time.
    Job(Job, Instant),
    /// An attempt made elsewhere (passthrough) finished.
    Done(Done),
}

/// How an attempt ended, for the worker's bookkeeping.
#[derive(Debug)]
pub(crate) struct Done {
    pub job: Job,
    pub verdict: Option<Verdict>,
    pub retryable: bool,
    pub probe: bool,
}

/// One target as the health endpoint shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetSnapshot {
    /// Target URL.
    pub url: String,
    /// Paused after consecutive failures, being probed.
    pub paused: bool,
    /// Consecutive failures.
    pub consecutive_failures: u32,
    /// Deliveries queued or in flight.
    pub queued: usize,
}

impl Forwarder {
    /// A forwarder with no targets yet; workers start on first use.
    pub fn new(
        settings: ForwardSettings,
        writer: Writer,
        reader: Reader,
        stats: Arc<Stats>,
        console: Console,
        shutdown: Shutdown,
    ) -> Forwarder {
        let client = crate::net::client_with(settings.concurrency.max(1) * 2, settings.trust);
        Forwarder {
            inner: Arc::new(Inner {
                settings,
                client,
                writer,
                reader,
                stats,
                console,
                shutdown,
                memory: AtomicUsize::new(0),
                targets: Mutex::new(HashMap::new()),
                workers: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Whether the target at `url` is paused: failing, and probed until it answers.
    pub fn is_paused(&self, url: &str) -> bool {
        let targets = self.inner.targets.lock().unwrap_or_else(|p| p.into_inner());
        targets.get(url).is_some_and(|t| t.paused.load(Ordering::Relaxed))
    }

    /// Sets up `url`'s worker before its first delivery, so health lists every route's target from the start.
    pub fn add_target(&self, url: &str) {
        self.target(url);
    }

    fn target(&self, url: &str) -> Arc<TargetHandle> {
        let mut targets = self.inner.targets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = targets.get(url) {
            return t.clone();
        }
        let (tx, rx) = mpsc::channel(TARGET_QUEUE);
        let handle = Arc::new(TargetHandle {
            url: url.to_string(),
            tx,
            permits: Arc::new(Semaphore::new(self.inner.settings.concurrency.max(1))),
            paused: AtomicBool::new(false),
            consecutive: AtomicU32::new(0),
            queued: AtomicUsize::new(0),
        });
        targets.insert(url.to_string(), handle.clone());
        let task = tokio::spawn(worker::run(self.inner.clone(), handle.clone(), rx));
        self.inner.workers.lock().unwrap_or_else(|p| p.into_inner()).push(task);
        handle
    }

    /// Queues a stored, pending delivery for background forwarding now.
    pub async fn enqueue(&self, job: Job) {
        self.enqueue_at(job, Instant::now()).await;
    }

    async fn enqueue_at(&self, job: Job, due: Instant) {
        let target = self.target(&job.meta.target);
        // A closed mailbox means we are shutting down; the row stays pending and resumes next start.
        let _ = target.tx.send(Msg::Job(job, due)).await;
    }

    /// Resolves a short grace after shutdown starts: a passthrough request still
    /// waiting on the app then gets an answer of its own instead of a dropped connection.
    pub async fn stop_grace_over(&self) {
        self.inner.shutdown.wait().await;
        tokio::time::sleep(PASSTHROUGH_GRACE).await;
    }

    /// Forwards now and returns the target's answer, within `timeout` (waiting for a
    /// permit included), and the state the delivery is left in. This is the delivery's
    /// only attempt: a failure is answered 502/504 so that the provider retries, and
    /// hooktap retrying as well would hand the app the event twice. It ends `dead`.
    pub async fn passthrough(&self, job: Job, timeout: Duration) -> (Result<Answer, Failure>, State) {
        let target = self.target(&job.meta.target);
        let begun = Instant::now();
        let permit = match tokio::time::timeout(timeout, target.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            _ => {
                // Every connection to the app stayed busy: it never saw this delivery.
                let state = match self.inner.writer.set_state(&job.meta.id, State::Dead, None).await {
                    Ok(_) => State::Dead,
                    Err(e) => {
                        tracing::warn!(id = %job.meta.id, "recording a passthrough that found no free connection: {e}");
                        State::Pending
                    }
                };
                return (Err(Failure::Timeout(timeout)), state);
            }
        };
        target.queued.fetch_add(1, Ordering::Relaxed);
        let remaining = timeout.saturating_sub(begun.elapsed());
        let mut job = job;
        let (verdict, outcome) = run_attempt(&self.inner, &mut job, remaining, true).await;
        drop(permit);
        let retryable = outcome.as_ref().is_none_or(|o| attempt::is_retryable(&o.result));
        let state = verdict.map_or(State::Pending, Verdict::state);
        let _ = target.tx.send(Msg::Done(Done { job, verdict, retryable, probe: false })).await;
        let result = match outcome {
            Some(o) => o.result,
            None => Err(Failure::Other("the delivery could not be loaded".into())),
        };
        (result, state)
    }

    /// Schedules every delivery left `pending` by an earlier run; returns how many
    /// went to each target, in the order the targets were first seen.
    pub async fn resume(&self, routes: &super::routes::RouteTable) -> anyhow::Result<Vec<(String, usize)>> {
        let mut after = 0i64;
        let mut counts: Vec<(String, usize)> = Vec::new();
        let retries = self.inner.settings.retries;
        loop {
            let refs = self.inner.reader.with(move |s| Ok(s.pending_refs(after, RESUME_PAGE)?)).await?;
            let Some(last) = refs.last() else { break };
            after = last.seq;
            let now_ms = crate::util::unix_ms_now();
            for r in refs {
                let Some(target) = r.target else {
                    tracing::warn!(id = %r.id, "pending delivery has no target; leaving it");
                    continue;
                };
                let wait = r.next_attempt_at.map_or(0, |at| (at - now_ms).max(0));
                let due = Instant::now() + Duration::from_millis(wait as u64);
                // Everyone resumed gets at least one more try, whatever was counted before.
                let attempts = u32::try_from(r.attempts).unwrap_or(u32::MAX).min(retries.saturating_sub(1));
                match counts.iter_mut().find(|(t, _)| *t == target) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((target.clone(), 1)),
                }
                let route = r.route.unwrap_or_else(|| "/".into());
                // Exact as the route that took it is, while that route still sends there.
                let exact = routes
                    .iter()
                    .find(|rt| rt.path == route)
                    .and_then(|rt| rt.target.as_ref())
                    .is_some_and(|t| t.as_str() == target && t.is_exact());
                let meta = Meta { id: r.id, target, exact, route, provider: r.provider, event: r.event };
                self.enqueue_at(Job { meta: Arc::new(meta), payload: None, attempts }, due).await;
            }
        }
        Ok(counts)
    }

    /// Deliveries queued or in flight, across targets.
    pub fn queue_depth(&self) -> usize {
        let targets = self.inner.targets.lock().unwrap_or_else(|p| p.into_inner());
        targets.values().map(|t| t.queued.load(Ordering::Relaxed)).sum()
    }

    /// Every target's state.
    pub fn snapshot(&self) -> Vec<TargetSnapshot> {
        let targets = self.inner.targets.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<TargetSnapshot> = targets
            .values()
            .map(|t| TargetSnapshot {
                url: t.url.clone(),
                paused: t.paused.load(Ordering::Relaxed),
                consecutive_failures: t.consecutive.load(Ordering::Relaxed),
                queued: t.queued.load(Ordering::Relaxed),
            })
            .collect();
        out.sort_by(|a, b| a.url.cmp(&b.url));
        out
    }

    /// Waits for every worker to stop at a safe point (after shutdown was signalled).
    pub async fn stop(&self) {
        let workers: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.inner.workers.lock().unwrap_or_else(|p| p.into_inner()));
        for w in workers {
            let _ = w.await;
        }
    }
}

/// Makes one attempt: loads the body if it was dropped from memory, sends, judges,
/// records the attempt and the new state, reports it. `None` verdict: the row is gone.
/// `last`: no retry follows, whatever attempts are left (passthrough).
pub(crate) async fn run_attempt(
    inner: &Inner,
    job: &mut Job,
    timeout: Duration,
    last: bool,
) -> (Option<Verdict>, Option<Exchange>) {
    let payload = match &job.payload {
        Some(p) => p.clone(),
        None => {
            let id = job.meta.id.clone();
            match inner.reader.with(move |s| Ok(s.get(&id)?)).await.map(|d| Recorded::from_delivery(&d)) {
                Ok(Some(p)) => Arc::new(p),
                Ok(None) => {
                    tracing::warn!(id = %job.meta.id, "stored delivery has an unknown method; not forwarding");
                    return (None, None);
                }
                Err(e) => {
                    tracing::warn!(id = %job.meta.id, "cannot load the delivery to forward it: {e:#}");
                    return (None, None);
                }
            }
        }
    };
    let settings = &inner.settings;
    let meta = &job.meta;
    let url =
        super::routes::destination(&meta.target, meta.exact, &meta.route, &payload.path, payload.query.as_deref());
    let origin = Origin { id: &job.meta.id, provider: job.meta.provider.as_deref(), event: job.meta.event.as_deref() };
    let resign = settings.resign.as_ref().map_or(Resign::Keep, Resign::OwnProvider);
    // A passthrough answer goes back whole, so it may be longer than what a record keeps.
    let max_body = if last { settings.max_response.max(PASSTHROUGH_ANSWER) } else { settings.max_response };
    let limits = Limits { timeout, max_body, stale_resends: STALE_RESENDS };
    let outcome =
        exchange::attempt(&inner.client, &url, || rebuild(&url, origin, &payload, resign), limits, None).await;
    job.attempts += 1;
    let max = if last { job.attempts } else { settings.retries };
    let delay = attempt::backoff(job.attempts, settings.retry_base, settings.retry_max);
    let verdict = attempt::judge(&outcome.result, job.attempts, max, delay);
    let next_at = match verdict {
        Verdict::Retry(delay) => Some(crate::util::unix_ms_now() + delay.as_millis() as i64),
        _ => None,
    };
    let record = outcome.record(AttemptKind::Forward, job.meta.id.clone());
    // Queued in order behind the delivery's insert, but not waited for: holding the
    // target's permit across an fsync would cap forwarding at one commit per attempt.
    // The writer logs a failure; the row then stays pending and a restart forwards it
    // again (at least once).
    if let Err(e) = inner.writer.queue_attempt(record, verdict.state(), next_at).await {
        tracing::warn!(id = %job.meta.id, "recording a forward attempt: {e}");
    }
    inner.stats.attempt(&outcome.result, verdict);
    inner.console.attempt(&job.meta, payload.signature, &outcome, verdict, job.attempts, max);
    (Some(verdict), Some(outcome))
}
