//! The thread that writes `serve`'s buffer: everything queued while one commit
//! runs goes into the next transaction, so a synced commit costs one sync per
//! batch, not per delivery; a provider hears 2xx only after its delivery's batch
//! is on disk. As the relay's writer does, the log is synced on a second thread,
//! so the next batch is built while the disk writes the last.

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use super::buffer::{Db, connected_in, delete_in, insert_in};
use super::protocol::{Delivery, Mode};
use crate::store::wal_sync::WalFile;

/// An insert's answer, given once its commit is durable.
type Reply = (oneshot::Sender<Result<u64, String>>, Result<u64, String>);

/// Most operations in one transaction.
const MAX_BATCH: usize = 512;

enum Op {
    Insert(String, Arc<Delivery>, oneshot::Sender<Result<u64, String>>),
    Delete(Vec<u64>),
    Connected(String, Mode, i64),
}

/// Sends writes to the thread; cheap to clone. Writes fail (never hang) once it is gone.
#[derive(Clone, Debug)]
pub struct Committer {
    tx: mpsc::Sender<Op>,
}

/// The thread; [`CommitterHandle::join`] waits for what is queued to be committed.
#[derive(Debug)]
pub struct CommitterHandle(JoinHandle<()>);

impl CommitterHandle {
    /// Waits for the thread, once every [`Committer`] is dropped.
    pub fn join(self) {
        let _ = self.0.join();
    }
}

impl Committer {
    /// Starts the thread on `db`; at most `queue` writes wait for it.
    pub fn spawn(db: Db, queue: usize) -> anyhow::Result<(Committer, CommitterHandle)> {
        let (tx, rx) = mpsc::channel(queue.max(1));
        let syncer = if db.sync_log_apart()? {
            let (to_sync, batches) = std_mpsc::channel::<Vec<Reply>>();
            let mut log = WalFile::of(db.path());
            let thread = std::thread::Builder::new()
                .name("hooktap-buffer-sync".into())
                .spawn(move || sync_batches(batches, move || log.sync()))?;
            Some((to_sync, thread))
        } else {
            None
        };
        let thread = std::thread::Builder::new().name("hooktap-buffer".into()).spawn(move || run(db, rx, syncer))?;
        Ok((Committer { tx }, CommitterHandle(thread)))
    }

    /// Stores `delivery` for `channel`; returns its number once committed and synced.
    pub async fn insert(&self, channel: &str, delivery: Arc<Delivery>) -> Result<u64, String> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Op::Insert(channel.to_owned(), delivery, reply)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }

    /// Forgets deliveries their client has committed. A delete lost in a crash only
    /// means the client is sent that delivery again, and recognises it.
    pub async fn delete(&self, seqs: Vec<u64>) {
        if !seqs.is_empty() && self.tx.send(Op::Delete(seqs)).await.is_err() {
            tracing::warn!("the buffer writer has stopped; acknowledged deliveries are sent again after a restart");
        }
    }

    /// Notes that a client connected to `channel` asking for `mode`.
    pub async fn connected(&self, channel: &str, mode: Mode) {
        let _ = self.tx.send(Op::Connected(channel.to_owned(), mode, crate::util::unix_ms_now())).await;
    }
}

fn gone() -> String {
    "the buffer writer has stopped".into()
}

fn run(mut db: Db, mut rx: mpsc::Receiver<Op>, syncer: Option<(std_mpsc::Sender<Vec<Reply>>, JoinHandle<()>)>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        let replies = commit(&mut db, &mut batch);
        match &syncer {
            Some((to_sync, _)) => {
                if let Err(std_mpsc::SendError(replies)) = to_sync.send(replies) {
                    give(replies, Some("the buffer's sync thread has stopped"));
                }
            }
            None => give(replies, None),
        }
    }
    if let Some((to_sync, thread)) = syncer {
        drop(to_sync);
        let _ = thread.join();
    }
}

/// Answers inserts; `unsynced` fails those committed whose commit could not be made durable.
fn give(replies: Vec<Reply>, unsynced: Option<&str>) {
    for (reply, result) in replies {
        let result = match (result, unsynced) {
            (Ok(_), Some(why)) => Err(format!("committed, but the log could not be synced to disk: {why}")),
            (result, _) => result,
        };
        let _ = reply.send(result);
    }
}

/// The sync thread: waits for committed batches, makes every one waiting durable
/// with one sync, then answers them.
fn sync_batches(rx: std_mpsc::Receiver<Vec<Reply>>, mut sync: impl FnMut() -> std::io::Result<()>) {
    while let Ok(first) = rx.recv() {
        let mut waiting = vec![first];
        waiting.extend(rx.try_iter());
        let failed = sync().err().map(|e| {
            tracing::error!(error = %e, "could not sync the buffer's log; the deliveries it held are answered 503");
            e.to_string()
        });
        for replies in waiting {
            give(replies, failed.as_deref());
        }
    }
}

/// Commits `batch` in one transaction and returns each insert's answer; when the
/// batch fails, each write is tried alone so that only the failing one fails.
fn commit(db: &mut Db, batch: &mut Vec<Op>) -> Vec<Reply> {
    let mut replies = Vec::new();
    let together = (|| -> rusqlite::Result<Vec<Option<u64>>> {
        let tx = db.conn_mut().transaction()?;
        let seqs = batch.iter().map(|op| apply(&tx, op)).collect::<rusqlite::Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(seqs)
    })();
    match together {
        Ok(seqs) => {
            for (op, seq) in batch.drain(..).zip(seqs) {
                if let (Op::Insert(.., reply), Some(seq)) = (op, seq) {
                    replies.push((reply, Ok(seq)));
                }
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, size = batch.len(), "buffer commit failed; trying each write alone");
            for op in batch.drain(..) {
                let alone = (|| -> rusqlite::Result<Option<u64>> {
                    let tx = db.conn_mut().transaction()?;
                    let seq = apply(&tx, &op)?;
                    tx.commit()?;
                    Ok(seq)
                })();
                match (op, alone) {
                    (Op::Insert(.., reply), Ok(Some(seq))) => replies.push((reply, Ok(seq))),
                    (Op::Insert(.., reply), Err(e)) => {
                        replies.push((reply, Err(format!("could not store the delivery: {e}"))));
                    }
                    (_, Err(e)) => tracing::warn!(error = %e, "a buffer write failed"),
                    _ => {}
                }
            }
        }
    }
    replies
}

fn apply(tx: &rusqlite::Transaction<'_>, op: &Op) -> rusqlite::Result<Option<u64>> {
    match op {
        Op::Insert(channel, d, _) => insert_in(tx, channel, d).map(Some),
        Op::Delete(seqs) => {
            for &seq in seqs {
                delete_in(tx, seq)?;
            }
            Ok(None)
        }
        Op::Connected(channel, mode, at) => connected_in(tx, channel, *mode, *at).map(|()| None),
    }
}
