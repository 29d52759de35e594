//! A dedicated thread that owns a [`Store`] and group-commits writes for async callers.
//!
//! Callers await a reply that arrives only after their row is committed, so the
//! relay can promise "durable before ack"; everything queued while one commit is
//! running goes into the next transaction together, so durability costs one
//! fsync per batch, not per delivery.

use std::path::Path;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::{
    Durability, Inserted, NewAttempt, NewDelivery, SentDelivery, State, Store, StoreError, attempt_in, insert_in,
    sent_in,
};

/// Most operations committed in one transaction.
const MAX_BATCH: usize = 512;

enum Op {
    Insert(Box<NewDelivery>, oneshot::Sender<Result<Inserted, String>>),
    Attempt(Box<NewAttempt>, State, Option<i64>, oneshot::Sender<Result<i64, String>>),
    SetState(String, State, Option<i64>, oneshot::Sender<Result<bool, String>>),
    Sent(Vec<SentDelivery>, oneshot::Sender<Result<usize, String>>),
}

/// A cloneable handle that sends writes to the writer thread. Writes fail with
/// an error (never hang) once the thread is gone.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Op>,
}

/// The writer thread; [`WriterHandle::join`] waits for it to commit what is queued.
#[derive(Debug)]
pub struct WriterHandle {
    thread: JoinHandle<()>,
}

impl WriterHandle {
    /// Waits until every queued write is committed; call after dropping all [`Writer`]s.
    pub fn join(self) {
        let _ = self.thread.join();
    }
}

/// Why a write did not commit.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not store: {0}")]
pub struct WriteError(pub String);

impl Writer {
    /// Opens the database and starts the writer thread. `queue` bounds how many
    /// writes may wait; senders beyond it wait for room (back-pressure).
    pub fn spawn(path: &Path, queue: usize) -> Result<(Writer, WriterHandle), StoreError> {
        Self::spawn_with(path, queue, Durability::PowerLoss)
    }

    /// [`Writer::spawn`] with a chosen durability for this connection's commits.
    pub fn spawn_with(path: &Path, queue: usize, durability: Durability) -> Result<(Writer, WriterHandle), StoreError> {
        let store = Store::open(path)?;
        store.set_durability(durability).map_err(|source| StoreError::Sqlite { path: path.to_path_buf(), source })?;
        let (tx, rx) = mpsc::channel(queue.max(1));
        let thread = std::thread::Builder::new()
            .name("hooktap-writer".into())
            .spawn(move || run(store, rx))
            .map_err(|source| StoreError::CreateDir { path: path.to_path_buf(), source })?;
        Ok((Writer { tx }, WriterHandle { thread }))
    }

    /// Stores a delivery; returns once it is committed.
    pub async fn insert(&self, delivery: NewDelivery) -> Result<Inserted, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Insert(Box::new(delivery), reply)).await?;
        rx.await.map_err(|_| gone())?.map_err(WriteError)
    }

    /// Stores an attempt and moves its delivery to `state`; returns once committed.
    pub async fn record_attempt(
        &self,
        attempt: NewAttempt,
        state: State,
        next_attempt_at: Option<i64>,
    ) -> Result<i64, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Attempt(Box::new(attempt), state, next_attempt_at, reply)).await?;
        rx.await.map_err(|_| gone())?.map_err(WriteError)
    }

    /// Moves a delivery to `state`; returns once committed.
    pub async fn set_state(&self, id: &str, state: State, next_attempt_at: Option<i64>) -> Result<bool, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::SetState(id.to_string(), state, next_attempt_at, reply)).await?;
        rx.await.map_err(|_| gone())?.map_err(WriteError)
    }

    /// Queues a delivery behind every write queued before it and returns once it
    /// is queued, not committed: await [`Queued::committed`] for that. Lets a caller
    /// overlap the commit with other work while keeping writes in order.
    pub async fn queue_insert(&self, delivery: NewDelivery) -> Result<Queued<Inserted>, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Insert(Box::new(delivery), reply)).await?;
        Ok(Queued(rx))
    }

    /// Queues an attempt (and the delivery's new state) in order; see [`Writer::queue_insert`].
    /// Dropping the returned [`Queued`] detaches the write: it still commits, and a
    /// failure is logged by the writer.
    pub async fn queue_attempt(
        &self,
        attempt: NewAttempt,
        state: State,
        next_attempt_at: Option<i64>,
    ) -> Result<Queued<i64>, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Attempt(Box::new(attempt), state, next_attempt_at, reply)).await?;
        Ok(Queued(rx))
    }

    /// Stores sent deliveries, each with its attempt, in one operation; returns
    /// once committed. One call per batch keeps `send` under load from paying a
    /// round trip per request.
    pub async fn record_sent(&self, sent: Vec<SentDelivery>) -> Result<usize, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.send(Op::Sent(sent, reply)).await?;
        rx.await.map_err(|_| gone())?.map_err(WriteError)
    }

    async fn send(&self, op: Op) -> Result<(), WriteError> {
        self.tx.send(op).await.map_err(|_| gone())
    }
}

/// A write that is queued on the writer thread; [`Queued::committed`] waits for its commit.
#[derive(Debug)]
pub struct Queued<T>(oneshot::Receiver<Result<T, String>>);

impl<T> Queued<T> {
    /// Waits until the write is committed (or failed).
    pub async fn committed(self) -> Result<T, WriteError> {
        self.0.await.map_err(|_| gone())?.map_err(WriteError)
    }
}

fn gone() -> WriteError {
    WriteError("the database writer has stopped".into())
}

fn run(mut store: Store, mut rx: mpsc::Receiver<Op>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        commit(&mut store, &mut batch);
    }
}

enum Done {
    Insert(Inserted),
    Attempt(i64),
    SetState(bool),
    Sent(usize),
}

fn commit(store: &mut Store, batch: &mut Vec<Op>) {
    let result = (|| -> rusqlite::Result<Vec<Done>> {
        let tx = store.conn.transaction()?;
        let mut done = Vec::with_capacity(batch.len());
        for op in batch.iter() {
            done.push(match op {
                Op::Insert(d, _) => Done::Insert(insert_in(&tx, d)?),
                Op::Attempt(a, state, next, _) => Done::Attempt(attempt_in(&tx, a, *state, *next)?),
                Op::SetState(id, state, next, _) => Done::SetState(
                    tx.prepare_cached("UPDATE deliveries SET state = ?2, next_attempt_at = ?3 WHERE id = ?1")?
                        .execute(rusqlite::params![id, state.as_str(), next])?
                        == 1,
                ),
                Op::Sent(sent, _) => {
                    for s in sent {
                        sent_in(&tx, s)?;
                    }
                    Done::Sent(sent.len())
                }
            });
        }
        tx.commit()?;
        Ok(done)
    })();
    match result {
        Ok(done) => {
            for (op, d) in batch.drain(..).zip(done) {
                match (op, d) {
                    (Op::Insert(_, reply), Done::Insert(v)) => drop(reply.send(Ok(v))),
                    (Op::Attempt(.., reply), Done::Attempt(v)) => drop(reply.send(Ok(v))),
                    (Op::SetState(.., reply), Done::SetState(v)) => drop(reply.send(Ok(v))),
                    (Op::Sent(_, reply), Done::Sent(v)) => drop(reply.send(Ok(v))),
                    _ => unreachable!("results are produced in batch order"),
                }
            }
        }
        Err(e) => {
            // One bad row must not take the others down: retry each on its own so
            // only the failing one gets the error.
            tracing::warn!(error = %e, size = batch.len(), "batch commit failed; retrying one by one");
            for op in batch.drain(..) {
                match op {
                    Op::Insert(d, reply) => answer(reply, store.insert(&d)),
                    Op::Attempt(a, s, n, reply) => answer(reply, store.record_attempt(&a, s, n)),
                    Op::SetState(id, s, n, reply) => answer(reply, store.set_state(&id, s, n)),
                    Op::Sent(sent, reply) => answer(reply, store.insert_sent(&sent)),
                }
            }
        }
    }
}

/// Sends a write's result to whoever waits for it; a failure nobody waits for
/// (a detached write) is logged instead of lost.
fn answer<T>(reply: oneshot::Sender<Result<T, String>>, result: rusqlite::Result<T>) {
    if let Err(Err(e)) = reply.send(result.map_err(|e| e.to_string())) {
        tracing::warn!("a write nobody waited for failed: {e}");
    }
}
