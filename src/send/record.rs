//! Recording sent deliveries: senders hand records to a bounded channel; one
//! task drains it in batches into the store's group-committing writer, so
//! requests never wait for an fsync (only for room, if the disk falls behind).

use std::path::Path;

use http::header::{CONTENT_LENGTH, HOST};
use http::{HeaderValue, Uri};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::request::Prepared;
use crate::exchange::Exchange as Outcome;
use crate::provider::SignatureState;
use crate::store::{
    Durability, NewAttempt, NewDelivery, SentDelivery, Source, State, StoreError, Writer, WriterHandle,
};

/// Records waiting for the recorder task; bounds memory if the disk is slow.
const QUEUE: usize = 8192;
/// Most records handed to the writer at once.
const BATCH: usize = 2048;

/// The recorder task and the writer thread behind it.
#[derive(Debug)]
pub struct Recorder {
    tx: mpsc::Sender<SentDelivery>,
    task: JoinHandle<Recorded>,
    writer: WriterHandle,
}

/// How recording went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Deliveries committed.
    pub stored: u64,
    /// Deliveries that could not be stored (the error was logged).
    pub failed: u64,
}

/// A cloneable handle for handing records to the [`Recorder`].
#[derive(Debug, Clone)]
pub struct Sink(mpsc::Sender<SentDelivery>);

impl Sink {
    /// Queues a record, waiting for room when the queue is full.
    pub async fn record(&self, sent: SentDelivery) {
        // The recorder only stops after every sink is dropped, so this cannot fail
        // unless it panicked; the summary's count shows the loss then.
        let _ = self.0.send(sent).await;
    }
}

impl Recorder {
    /// Opens the database and starts recording. Must run inside a tokio runtime.
    pub fn open(path: &Path) -> Result<Recorder, StoreError> {
        Recorder::open_with(path, QUEUE, BATCH)
    }

    /// [`Recorder::open`] holding at most `queue` records waiting and `batch` per write:
    /// less memory (and fewer rows per commit) for a caller whose records are larger or
    /// many more (`replay` keeps its memory flat however many deliveries it replays).
    pub fn open_with(path: &Path, queue: usize, batch: usize) -> Result<Recorder, StoreError> {
        // Nothing was acknowledged on the strength of these rows, so a commit need not
        // wait for the disk: a crash of hooktap still loses nothing committed.
        let (writer, handle) = Writer::spawn_with(path, 4, Durability::ProcessCrash)?;
        let (tx, rx) = mpsc::channel(queue.max(1));
        let task = tokio::spawn(drain(writer, rx, batch.max(1)));
        Ok(Recorder { tx, task, writer: handle })
    }

    /// A handle senders use.
    pub fn sink(&self) -> Sink {
        Sink(self.tx.clone())
    }

    /// Waits until everything queued is committed (drop every [`Sink`] first).
    pub async fn finish(self) -> Recorded {
        drop(self.tx);
        let recorded = self.task.await.unwrap_or_default();
        // The writer thread exits once the task dropped its Writer; joining is blocking.
        let writer = self.writer;
        let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        recorded
    }
}

async fn drain(writer: Writer, mut rx: mpsc::Receiver<SentDelivery>, most: usize) -> Recorded {
    let mut recorded = Recorded::default();
    let mut batch = Vec::with_capacity(most);
    let mut warned = false;
    while rx.recv_many(&mut batch, most).await > 0 {
        let n = batch.len() as u64;
        match writer.record_sent(std::mem::take(&mut batch)).await {
            Ok(_) => recorded.stored += n,
            Err(e) => {
                recorded.failed += n;
                if !warned {
                    tracing::warn!("could not record sent deliveries: {e}");
                    warned = true;
                }
            }
        }
        batch.reserve(most);
    }
    recorded
}

/// What every record of one run shares.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The target URL as given.
    pub url: String,
    /// Its parsed form (path and query are stored).
    pub uri: Uri,
    /// The `Host` hyper sends for it, made once for every record.
    pub host: Option<HeaderValue>,
    /// Provider name.
    pub provider: String,
    /// Profile name.
    pub profile: Option<String>,
    /// Event type asked for (each request records the one it carries).
    pub event: Option<String>,
    /// `valid` when we signed it; `unchecked` when `-H` replaced the signature.
    pub signature: SignatureState,
}

/// The record of one request and its outcome; takes both by value so the
/// hot path moves headers and bodies instead of copying them.
pub fn sent_delivery(run: &RunInfo, prepared: Prepared, outcome: Outcome) -> SentDelivery {
    let Prepared { mut headers, body, provider_id, event, .. } = prepared;
    // Recorded as they went on the wire: hyper adds these two after ours.
    if !headers.contains_key(HOST)
        && let Some(host) = &run.host
    {
        headers.insert(HOST, host.clone());
    }
    headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    let mut delivery = NewDelivery::request(Source::Send, "POST", run.uri.path(), headers, body);
    delivery.received_at = outcome.started_at;
    delivery.query = run.uri.query().map(str::to_owned);
    delivery.provider = Some(run.provider.clone());
    delivery.profile = run.profile.clone();
    delivery.event = event;
    delivery.provider_delivery_id = provider_id;
    delivery.signature = run.signature;
    delivery.target = Some(run.url.clone());
    let state = if outcome.is_ok() { State::Forwarded } else { State::Failed };
    delivery.state = state;
    let (status, response_headers, response_body, response_size, error) = match outcome.result {
        Ok(a) => (Some(a.status.as_u16()), Some(a.headers), Some(a.body), a.size, None),
        Err(e) => (None, None, None, 0, Some(e.to_string())),
    };
    let attempt = NewAttempt {
        delivery_id: delivery.id.clone(),
        kind: "send",
        target: run.url.clone(),
        started_at: outcome.started_at,
        duration_us: i64::try_from(outcome.duration.as_micros()).unwrap_or(i64::MAX),
        status,
        response_headers,
        response_body,
        response_size,
        error,
    };
    SentDelivery { delivery, attempt, state }
}
