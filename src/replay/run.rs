//! Running a replay: a reader thread streams the selection, a dispatcher starts up
//! to `concurrency` replays at once (paced by `rate`), each sends its request through
//! the shared attempt function and hands its record to `send`'s recorder, and the
//! printer counts and prints. Ctrl-C stops the dispatch; replays in flight end as
//! interrupted and are recorded too (they may have arrived).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;
use tokio::sync::{Semaphore, mpsc};

use super::report::{self, Event, Output, Printed, Replayed};
use super::{Plan, Selection};
use crate::exchange::{Limits, attempt};
use crate::net::{self, HttpClient, Trust};
use crate::send::deliver::KEEP_BODY;
use crate::send::load::Limiter;
use crate::send::record::{Recorder, Sink};
use crate::send::stats::Summary;
use crate::signal::Shutdown;
use crate::store::{Delivery, NewDelivery, Source, Store, StoreError};

/// Replays waiting to be recorded, and most recorded per commit: few enough that memory
/// stays flat whatever the selection holds (`send`'s bounds are larger, its records smaller).
const RECORD_QUEUE: usize = 512;
const RECORD_BATCH: usize = 256;

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
    /// What the printer saw besides.
    pub printed: Printed,
    /// The selection could not be read to its end.
    pub read_error: Option<rusqlite::Error>,
}

/// What every replay task shares.
struct Shared {
    plan: Arc<Plan>,
    options: Options,
    client: HttpClient,
    sink: Option<Sink>,
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
    let (events, printer) = report::spawn(output);
    // Room for a few deliveries per worker: enough to keep them busy, few enough
    // that memory does not grow with the selection.
    let (tx, mut deliveries) = mpsc::channel::<Delivery>(concurrency * 2);
    let stop = shutdown.clone();
    let reader = std::thread::spawn(move || selection.stream(&store, &tx, &stop));
    let shared = Arc::new(Shared {
        client: net::client_with(concurrency, options.trust),
        sink: recorder.as_ref().map(Recorder::sink),
        plan,
        options,
        shutdown: shutdown.clone(),
    });
    let limiter = shared.options.rate.map(Limiter::new);
    let permits = Arc::new(Semaphore::new(concurrency));
    let start = Instant::now();
    loop {
        let d = tokio::select! {
            d = deliveries.recv() => d,
            () = shutdown.wait() => None,
        };
        let Some(d) = d else { break };
        let Ok(permit) = permits.clone().acquire_owned().await else { break };
        if shutdown.is_set() {
            break;
        }
        if let Some(limiter) = &limiter {
            tokio::select! {
                () = tokio::time::sleep_until(limiter.slot().into()) => {}
                () = shutdown.wait() => break,
            }
        }
        let (shared, events) = (shared.clone(), events.clone());
        tokio::spawn(async move {
            let event = replay_one(&shared, d).await;
            let _ = events.send(event).await;
            drop(permit);
        });
    }
    // Every replay started has finished once all the permits are back.
    let _ = permits.acquire_many(u32::try_from(concurrency).unwrap_or(u32::MAX)).await;
    let elapsed = start.elapsed();
    drop(deliveries);
    drop(events);
    drop(shared);
    let read_error = tokio::task::spawn_blocking(move || reader.join()).await.ok().and_then(|r| r.ok()?.err());
    let printed = tokio::task::spawn_blocking(move || printer.join().unwrap_or_default()).await.unwrap_or_default();
    let mut summary = Summary::new(printed.tally.clone(), elapsed);
    summary.interrupted = shutdown.is_set();
    if let Some(recorder) = recorder {
        let recorded = recorder.finish().await;
        summary.recorded = Some(recorded.stored);
        summary.not_recorded = recorded.failed;
    }
    Ok(Outcome { summary, printed, read_error })
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
    let replayed = Replayed {
        original: d.id.clone(),
        id: row.id.clone(),
        method: ready.method.clone(),
        provider: d.provider.clone(),
        event: d.event.clone(),
        provider_delivery_id: ready.provider_delivery_id.clone(),
        resigned: ready.resigned,
        exchange,
    };
    if let Some(sink) = &shared.sink {
        sink.record(ready.record(&d, row, &replayed.exchange)).await;
    }
    Event::Replayed(Box::new(replayed))
}
