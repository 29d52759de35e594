//! A dedicated thread that owns a [`Store`] and group-commits writes for async callers.
//!
//! Callers await a reply that arrives only after their row is committed, so the
//! relay can promise "durable before ack"; everything queued while one commit is
//! running goes into the next transaction together, so durability costs one
//! sync per batch, not per delivery. With [`Durability::PowerLoss`] that sync runs
//! on a second thread (see [`super::wal_sync`]), so the next batch is built while
//! the disk writes the last one, and replies wait for both.

use std::path::Path;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::wal_sync::WalFile;
use super::{
    Durability, Inserted, NewAttempt, NewDelivery, SentDelivery, State, Store, StoreError, attempt_in, insert_in,
    sent_in,
};

/// Most operations committed in one transaction.
const MAX_BATCH: usize = 512;

/// Where a write's outcome goes.
type Reply<T> = oneshot::Sender<Result<T, String>>;

enum Op {
    Insert(Box<NewDelivery>, Reply<Inserted>),
    Attempt(Box<NewAttempt>, State, Option<i64>, Reply<i64>),
    SetState(String, State, Option<i64>, Reply<bool>),
    Sent(Vec<SentDelivery>, Reply<usize>),
}

/// A write's outcome, held until its commit is durable.
enum Answer {
    Insert(Reply<Inserted>, Result<Inserted, String>),
    Attempt(Reply<i64>, Result<i64, String>),
    SetState(Reply<bool>, Result<bool, String>),
    Sent(Reply<usize>, Result<usize, String>),
}

impl Answer {
    /// Tells the caller; `unsynced` turns a committed write into a failure when
    /// the commit could not be made durable.
    fn give(self, unsynced: Option<&str>) {
        match self {
            Answer::Insert(reply, r) => answer(reply, r, unsynced),
            Answer::Attempt(reply, r) => answer(reply, r, unsynced),
            Answer::SetState(reply, r) => answer(reply, r, unsynced),
            Answer::Sent(reply, r) => answer(reply, r, unsynced),
        }
    }
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
        let sqlite = |source| StoreError::Sqlite { path: path.to_path_buf(), source };
        // The log is synced on a thread of its own (see `wal_sync`), so SQLite need
        // not sync on commit; that only holds in WAL mode, which `open` asks for.
        let wal = durability == Durability::PowerLoss && store.journal_mode().map_err(sqlite)? == "wal";
        store.set_durability(if wal { Durability::ProcessCrash } else { durability }).map_err(sqlite)?;
        let (tx, rx) = mpsc::channel(queue.max(1));
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(f)
                .map_err(|source| StoreError::CreateDir { path: path.to_path_buf(), source })
        };
        let syncer = if wal {
            let (sync_tx, sync_rx) = std_mpsc::channel();
            let mut log = WalFile::of(path);
            let thread = spawn("hooktap-sync", Box::new(move || sync_batches(sync_rx, move || log.sync())))?;
            Some((sync_tx, thread))
        } else {
            None
        };
        let thread = spawn("hooktap-writer", Box::new(move || run(store, rx, syncer)))?;
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

fn run(mut store: Store, mut rx: mpsc::Receiver<Op>, syncer: Option<(std_mpsc::Sender<Vec<Answer>>, JoinHandle<()>)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let answers = commit(&mut store, &mut batch);
        match &syncer {
            Some((to_sync, _)) => {
                if let Err(std_mpsc::SendError(answers)) = to_sync.send(answers) {
                    answers.into_iter().for_each(|a| a.give(Some("the database sync thread has stopped")));
                }
            }
            None => answers.into_iter().for_each(|a| a.give(None)),
        }
    }
    if let Some((to_sync, thread)) = syncer {
        drop(to_sync);
        let _ = thread.join();
    }
}

/// The sync thread: waits for committed batches, makes them durable with one
/// `sync` for all that are waiting, then answers them.
fn sync_batches(rx: std_mpsc::Receiver<Vec<Answer>>, mut sync: impl FnMut() -> std::io::Result<()>) {
    while let Ok(first) = rx.recv() {
        let mut waiting = vec![first];
        waiting.extend(rx.try_iter());
        let failed = sync().err().map(|e| {
            tracing::error!(error = %e, "could not sync the database log; the writes it held are reported as failed");
            format!("committed, but the database log could not be synced to disk: {e}")
        });
        waiting.into_iter().flatten().for_each(|a| a.give(failed.as_deref()));
    }
}

/// Commits `batch` in one transaction and returns each write's outcome, in order.
fn commit(store: &mut Store, batch: &mut Vec<Op>) -> Vec<Answer> {
    let result = (|| -> rusqlite::Result<Vec<Done>> {
        let tx = store.conn.transaction()?;
        let mut done = Vec::with_capacity(batch.len());
        for op in batch.iter() {
            done.push(match op {
                Op::Insert(d, _) => Done::Insert(insert_in(&tx, &mut store.seen, d)?),
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
        Ok(done) => batch
            .drain(..)
            .zip(done)
            .map(|pair| match pair {
                (Op::Insert(_, reply), Done::Insert(v)) => Answer::Insert(reply, Ok(v)),
                (Op::Attempt(.., reply), Done::Attempt(v)) => Answer::Attempt(reply, Ok(v)),
                (Op::SetState(.., reply), Done::SetState(v)) => Answer::SetState(reply, Ok(v)),
                (Op::Sent(_, reply), Done::Sent(v)) => Answer::Sent(reply, Ok(v)),
                _ => unreachable!("results are produced in batch order"),
            })
            .collect(),
        Err(e) if is_busy(&e) => {
            // Another connection holds the database: every row would wait out the busy
            // timeout again, one after another, while its sender waits. Fail them now,
            // so the relay answers 503 and the senders retry later.
            tracing::warn!(error = %e, size = batch.len(), "batch commit failed: the database is locked");
            let why = format!("the database is locked by another connection: {e}");
            batch
                .drain(..)
                .map(|op| match op {
                    Op::Insert(_, reply) => Answer::Insert(reply, Err(why.clone())),
                    Op::Attempt(.., reply) => Answer::Attempt(reply, Err(why.clone())),
                    Op::SetState(.., reply) => Answer::SetState(reply, Err(why.clone())),
                    Op::Sent(_, reply) => Answer::Sent(reply, Err(why.clone())),
                })
                .collect()
        }
        Err(e) => {
            // One bad row must not take the others down: retry each on its own so
            // only the failing one gets the error.
            tracing::warn!(error = %e, size = batch.len(), "batch commit failed; retrying one by one");
            batch
                .drain(..)
                .map(|op| match op {
                    Op::Insert(d, reply) => Answer::Insert(reply, text(store.insert(&d))),
                    Op::Attempt(a, s, n, reply) => Answer::Attempt(reply, text(store.record_attempt(&a, s, n))),
                    Op::SetState(id, s, n, reply) => Answer::SetState(reply, text(store.set_state(&id, s, n))),
                    Op::Sent(sent, reply) => Answer::Sent(reply, text(store.insert_sent(&sent))),
                })
                .collect()
        }
    }
}

/// Whether SQLite gave up waiting for a lock another connection holds.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn text<T>(result: rusqlite::Result<T>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}

enum Done {
    Insert(Inserted),
    Attempt(i64),
    SetState(bool),
    Sent(usize),
}

/// Sends a write's result to whoever waits for it; a failure nobody waits for
/// (a detached write) is logged instead of lost.
fn answer<T>(reply: Reply<T>, result: Result<T, String>, unsynced: Option<&str>) {
    let result = match (result, unsynced) {
        (Ok(_), Some(why)) => Err(why.to_owned()),
        (result, _) => result,
    };
    if let Err(Err(e)) = reply.send(result) {
        tracing::warn!("a write nobody waited for failed: {e}");
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, mpsc};

    use super::*;

    /// A sync that reports when it starts, then blocks until the test says how it ends.
    struct HeldSync {
        started: mpsc::Receiver<()>,
        finish: mpsc::Sender<io::Result<()>>,
        calls: Arc<AtomicUsize>,
        to_sync: mpsc::Sender<Vec<Answer>>,
        thread: std::thread::JoinHandle<()>,
    }

    fn held_sync() -> HeldSync {
        let (to_sync, batches) = mpsc::channel();
        let (started_tx, started) = mpsc::channel();
        let (finish, finish_rx) = mpsc::channel::<io::Result<()>>();
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let thread = std::thread::spawn(move || {
            sync_batches(batches, move || {
                counted.fetch_add(1, Ordering::SeqCst);
                started_tx.send(()).unwrap();
                finish_rx.recv().unwrap()
            })
        });
        HeldSync { started, finish, calls, to_sync, thread }
    }

    impl HeldSync {
        /// Ends the sync thread the way the writer does: by dropping its sender.
        fn stop(self) {
            drop(self.to_sync);
            self.thread.join().unwrap();
        }
    }

    fn set_state() -> (Answer, oneshot::Receiver<Result<bool, String>>) {
        let (reply, rx) = oneshot::channel();
        (Answer::SetState(reply, Ok(true)), rx)
    }

    #[test]
    fn a_batch_meeting_a_lock_fails_at_once_instead_of_row_by_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.db");
        let mut store = Store::open(&path).unwrap();
        store.conn.busy_timeout(std::time::Duration::from_millis(20)).unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN EXCLUSIVE").unwrap();
        let mut batch = Vec::new();
        let mut replies = Vec::new();
        for _ in 0..3 {
            let (reply, rx) = oneshot::channel();
            let d =
                NewDelivery::request(super::super::Source::Listen, "POST", "/", Default::default(), Default::default());
            batch.push(Op::Insert(Box::new(d), reply));
            replies.push(rx);
        }
        commit(&mut store, &mut batch).into_iter().for_each(|a| a.give(None));
        for mut rx in replies {
            let err = rx.try_recv().unwrap().unwrap_err();
            assert!(err.starts_with("the database is locked by another connection"), "{err}");
        }
        other.execute_batch("ROLLBACK").unwrap();
        assert_eq!(store.conn.query_row("SELECT count(*) FROM deliveries", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    }

    #[test]
    fn a_committed_write_is_answered_only_after_its_sync() {
        let s = held_sync();
        let (a, mut got) = set_state();
        s.to_sync.send(vec![a]).unwrap();
        s.started.recv().unwrap();
        assert!(got.try_recv().is_err(), "answered while the log was still being synced");
        s.finish.send(Ok(())).unwrap();
        assert_eq!(got.blocking_recv().unwrap(), Ok(true));
        s.stop();
    }

    #[test]
    fn batches_committed_during_a_sync_share_the_next_one() {
        let s = held_sync();
        let (first, got_first) = set_state();
        s.to_sync.send(vec![first]).unwrap();
        s.started.recv().unwrap();
        let (second, got_second) = set_state();
        let (third, got_third) = set_state();
        s.to_sync.send(vec![second]).unwrap();
        s.to_sync.send(vec![third]).unwrap();
        s.finish.send(Ok(())).unwrap();
        assert_eq!(got_first.blocking_recv().unwrap(), Ok(true));
        s.started.recv().unwrap();
        s.finish.send(Ok(())).unwrap();
        assert_eq!(got_second.blocking_recv().unwrap(), Ok(true));
        assert_eq!(got_third.blocking_recv().unwrap(), Ok(true));
        assert_eq!(s.calls.load(Ordering::SeqCst), 2, "three batches, two syncs");
        s.stop();
    }

    #[test]
    fn a_failed_sync_fails_the_writes_it_covered() {
        let s = held_sync();
        let (a, got) = set_state();
        let (reply, got_failed) = oneshot::channel();
        s.to_sync.send(vec![a, Answer::SetState(reply, Err("constraint failed".into()))]).unwrap();
        s.started.recv().unwrap();
        s.finish.send(Err(io::Error::other("disk on fire"))).unwrap();
        let err = got.blocking_recv().unwrap().unwrap_err();
        assert!(err.contains("could not be synced") && err.contains("disk on fire"), "{err}");
        assert_eq!(got_failed.blocking_recv().unwrap(), Err("constraint failed".into()), "its own error stays");
        s.stop();
    }
}
