//! Running a replay: a reader thread streams the selection a page at a time; up to
//! `concurrency` workers (paced together by `rate`) each take the next delivery, send
//! its request through the shared attempt function, hand its record to `send`'s
//! recorder, print the result and count it. Ctrl-C stops them taking more; replays in
//! flight end as interrupted and are recorded too (they may have arrived).

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;
use tokio::sync::{Mutex, mpsc};

use super::report::{Event, Output, Printed, Printer, Replayed};
use super::{Plan, Selection};
use crate::exchange::{Limits, attempt};
use crate::net::{self, HttpClient, Trust};
use crate::send::deliver::KEEP_BODY;
use crate::send::load::Limiter;
use crate::send::record::{Recorder, Sink};
use crate::send::stats::{Summary, Tally};
use crate::signal::Shutdown;
use crate::store::{Delivery, NewDelivery, Source, Store, StoreError};

/// Replays waiting to be recorded, and most recorded per commit: few enough that memory
/// stays flat whatever the selection holds (`send`'s bounds are larger, its records smaller).
const RECORD_QUEUE: usize = 64;
const RECORD_BATCH: usize = 64;

/// Pages read ahead of the workers.
const PAGES_AHEAD: usize = 2;

/// The timeout of a replay whose provider documents none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// Replays in flight at once.
    pub concurrency: usize,
    /// Most replays started per second.
    pub rate: Option<f64>,
    /// Each replay's timeout; `None`: its provider's documented timeout.
    pub timeout: Option<Duration>,
    /// Which certificates to accept.
    pub trust: Trust,
    /// Print the requests instead of sending them; record nothing.
    pub dry_run: bool,
}

/// How a run went.
#[derive(Debug)]
pub struct Outcome {
    /// Replays counted, recorded, timed.
    pub summary: Summary,
    /// What was printed besides.
    pub printed: Printed,
    /// The selection could not be read to its end.
    pub read_error: Option<rusqlite::Error>,
}

/// What every worker shares.
struct Shared {
    plan: Arc<Plan>,
    options: Options,
    client: HttpClient,
    sink: Option<Sink>,
    printer: Printer,
    limiter: Option<Limiter>,
    /// Pages from the reader, and the rest of the page being worked through.
    queue: Mutex<(mpsc::Receiver<Vec<Delivery>>, VecDeque<Delivery>)>,
    shutdown: Shutdown,
}

/// Replays `selection`, read from `store`, as `plan` says; records to the database at
/// `db` unless it is a dry run. Must run inside a multi-thread tokio runtime.
pub async fn run(
    db: &Path,
    store: Store,
    selection: Selection,
    plan: Arc<Plan>,
    options: Options,
    output: Output,
    shutdown: Shutdown,
) -> anyhow::Result<Outcome> {
    let recorder = (!options.dry_run)
        .then(|| Recorder::open_with(db, RECORD_QUEUE, RECORD_BATCH))
        .transpose()
        .map_err(StoreError::into_user_error)?;
    let concurrency = options.concurrency.max(1);
    let (tx, pages) = mpsc::channel::<Vec<Delivery>>(PAGES_AHEAD);
    let stop = shutdown.clone();
    let reader = std::thread::spawn(move || selection.stream(&store, &tx, &stop));
    let shared = Arc::new(Shared {
        client: net::client_with(concurrency, options.trust),
        sink: recorder.as_ref().map(Recorder::sink),
        printer: Printer::new(output),
        limiter: options.rate.map(Limiter::new),
        queue: Mutex::new((pages, VecDeque::new())),
        plan,
        options,
        shutdown: shutdown.clone(),
    });
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency).map(|_| tokio::spawn(work(shared.clone()))).collect();
    let mut tally = Tally::default();
    for worker in workers {
        match worker.await {
            Ok(t) => tally.merge(t),
            Err(e) => tracing::error!("a replay worker failed: {e}"),
        }
    }
    let elapsed = start.elapsed();
    // Closing the queue lets a reader waiting for room see that no one reads any more.
    shared.queue.lock().await.0.close();
    let read_error = tokio::task::spawn_blocking(move || reader.join()).await.ok().and_then(|r| r.ok()?.err());
    let Ok(shared) = Arc::try_unwrap(shared) else { anyhow::bail!("a replay worker outlived the run") };
    let printed = shared.printer.finish(tally.sent > 0);
    drop(shared.sink);
    let mut summary = Summary::new(tally, elapsed);
    summary.interrupted = shutdown.is_set();
    if let Some(recorder) = recorder {
        let recorded = recorder.finish().await;
        summary.recorded = Some(recorded.stored);
        summary.not_recorded = recorded.failed;
    }
    Ok(Outcome { summary, printed, read_error })
}

/// One worker: takes deliveries until there are none or Ctrl-C came; returns its tally.
async fn work(shared: Arc<Shared>) -> Tally {
    let mut tally = Tally::default();
    while !shared.shutdown.is_set() {
        let next = tokio::select! {
            biased;
            () = shared.shutdown.wait() => None,
            d = next(&shared) => d,
        };
        let Some(d) = next else { break };
        if let Some(limiter) = &shared.limiter {
            tokio::select! {
                biased;
                () = shared.shutdown.wait() => break,
                () = tokio::time::sleep_until(limiter.slot().into()) => {}
            }
        }
        let event = replay_one(&shared, d).await;
        shared.printer.take(event, &mut tally);
    }
    tally
}

/// The next delivery of the selection, `None` at its end.
async fn next(shared: &Shared) -> Option<Delivery> {
    let mut queue = shared.queue.lock().await;
    loop {
        if let Some(d) = queue.1.pop_front() {
            return Some(d);
        }
        let page = queue.0.recv().await?;
        queue.1.extend(page);
    }
}

/// Builds, sends and records the replay of `d`.
async fn replay_one(shared: &Shared, d: Delivery) -> Event {
    // The row first: its id is in the request, and its time is when the replay was made.
    let row = NewDelivery::request(Source::Replay, &d.method, &d.path, HeaderMap::new(), Bytes::new());
    let ready = match shared.plan.prepare(&d, &row.id) {
        Ok(ready) => ready,
        Err(skip) => return Event::Skipped(d.id, skip),
    };
    if shared.options.dry_run {
        return Event::Planned(d.id, Box::new(ready));
    }
    let timeout = shared.options.timeout.or(ready.timeout).unwrap_or(DEFAULT_TIMEOUT);
    let limits = Limits { timeout, max_body: KEEP_BODY, stale_resends: 1 };
    let url = ready.url.clone();
    let exchange = attempt(&shared.client, &url, || Ok(ready.request()), limits, Some(&shared.shutdown)).await;
    let replayed = replayed(&d, &row.id, &ready, exchange);
    if let Some(sink) = &shared.sink {
        sink.record(ready.record(&d, row, &replayed.exchange)).await;
    }
    Event::Replayed(Box::new(replayed))
}

/// Replays the one delivery `id` of the database at `db` as `plan` says, and records
/// it as a run records each: the viewer's `r`.
pub async fn one(db: &Path, id: &str, plan: &Plan) -> anyhow::Result<Replayed> {
    let (path, wanted) = (db.to_path_buf(), id.to_owned());
    let d = tokio::task::spawn_blocking(move || -> anyhow::Result<Delivery> {
        Ok(Store::open(&path).map_err(StoreError::into_user_error)?.get(&wanted)?)
    })
    .await??;
    let row = NewDelivery::request(Source::Replay, &d.method, &d.path, HeaderMap::new(), Bytes::new());
    let ready = plan.prepare(&d, &row.id).map_err(|skip| match skip.hint {
        Some(hint) => crate::error::usage_hint(skip.reason, hint),
        None => crate::error::usage(skip.reason),
    })?;
    let limits = Limits { timeout: ready.timeout.unwrap_or(DEFAULT_TIMEOUT), max_body: KEEP_BODY, stale_resends: 1 };
    let url = ready.url.clone();
    let exchange = attempt(&net::client(1), &url, || Ok(ready.request()), limits, None).await;
    let replayed = replayed(&d, &row.id, &ready, exchange);
    let sent = ready.record(&d, row, &replayed.exchange);
    let path = db.to_path_buf();
    tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        Ok(Store::open(&path).map_err(StoreError::into_user_error)?.insert_sent(&[sent])?)
    })
    .await??;
    Ok(replayed)
}

/// What a replay of `d` as `ready`, stored as `id`, came to.
fn replayed(d: &Delivery, id: &str, ready: &super::Ready, exchange: crate::exchange::Exchange) -> Replayed {
    Replayed {
        original: d.id.clone(),
        id: id.to_owned(),
        method: ready.method.clone(),
        provider: d.provider.clone(),
        event: d.event.clone(),
        provider_delivery_id: ready.provider_delivery_id.clone(),
        resigned: ready.resigned,
        exchange,
    }
}
