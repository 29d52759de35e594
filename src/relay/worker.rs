//! One target's worker: a schedule of due jobs, attempts up to the target's
//! concurrency, retries at their time, and pause-and-probe when the target is down.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::attempt::{Job, Verdict};
use super::forwarder::{Done, Inner, Msg, TargetHandle, run_attempt};

/// Extra time in-flight attempts get to finish and be recorded at shutdown.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Shortest probe interval, so a zero retry base cannot spin.
const MIN_PROBE: Duration = Duration::from_millis(10);

struct Entry {
    due: Instant,
    seq: u64,
    job: Job,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: BinaryHeap is a max-heap and the soonest due must come out first.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        other.due.cmp(&self.due).then_with(|| other.seq.cmp(&self.seq))
    }
}

struct Worker {
    inner: Arc<Inner>,
    target: Arc<TargetHandle>,
    heap: BinaryHeap<Entry>,
    seq: u64,
    running: JoinSet<Done>,
    paused: bool,
    probing: bool,
    probe_due: Instant,
    /// The wait before the last probe, kept for when a probe's delivery is dead and
    /// has no backoff of its own to give.
    probe_interval: Duration,
    consecutive: u32,
}

/// Runs until shutdown, then lets in-flight attempts finish (bounded) so their outcome is recorded.
pub(crate) async fn run(inner: Arc<Inner>, target: Arc<TargetHandle>, mut rx: mpsc::Receiver<Msg>) {
    let shutdown = inner.shutdown.clone();
    let mut w = Worker {
        inner,
        target,
        heap: BinaryHeap::new(),
        seq: 0,
        running: JoinSet::new(),
        paused: false,
        probing: false,
        probe_due: Instant::now(),
        probe_interval: MIN_PROBE,
        consecutive: 0,
    };
    loop {
        w.launch();
        let wake = w.next_wake();
        tokio::select! {
            biased;
            _ = shutdown.wait() => break,
            msg = rx.recv() => match msg {
                Some(Msg::Job(job, due)) => {
                    w.target.queued.fetch_add(1, Ordering::Relaxed);
                    w.push(job, due);
                }
                Some(Msg::Done(done)) => w.finished(done),
                None => break,
            },
            Some(joined) = w.running.join_next(), if !w.running.is_empty() => match joined {
                Ok(done) => w.finished(done),
                Err(e) => {
                    // The row is still pending in the database; the next start resumes it.
                    tracing::warn!("forward task failed: {e}");
                    w.target.queued.fetch_sub(1, Ordering::Relaxed);
                }
            },
            _ = sleep_until(wake) => {}
        }
    }
    let deadline = w.inner.settings.timeout + DRAIN_GRACE;
    let drained = tokio::time::timeout(deadline, async { while w.running.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        w.running.abort_all();
    }
}

async fn sleep_until(when: Option<Instant>) {
    match when {
        Some(t) => tokio::time::sleep_until(t.into()).await,
        None => std::future::pending().await,
    }
}

impl Worker {
    fn push(&mut self, mut job: Job, due: Instant) {
        if let Some(p) = &job.payload {
            let len = p.weight();
            let cap = self.inner.settings.memory_cap;
            if self.inner.memory.fetch_add(len, Ordering::Relaxed) + len > cap {
                // Over the budget: keep only the id; the body is reloaded from the database when due.
                self.inner.memory.fetch_sub(len, Ordering::Relaxed);
                job.payload = None;
            }
        }
        self.seq += 1;
        self.heap.push(Entry { due, seq: self.seq, job });
    }

    fn pop(&mut self) -> Option<Job> {
        let entry = self.heap.pop()?;
        if let Some(p) = &entry.job.payload {
            self.inner.memory.fetch_sub(p.weight(), Ordering::Relaxed);
        }
        Some(entry.job)
    }

    /// The job of the oldest delivery, whenever it is due: a probe tries deliveries in
    /// the order they arrived, not those that came during the outage (due at once)
    /// before those waiting out a backoff. Ids are ULIDs, which sort by arrival.
    fn pop_oldest(&mut self) -> Option<Job> {
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        let oldest =
            entries.iter().enumerate().min_by(|(_, a), (_, b)| a.job.meta.id.cmp(&b.job.meta.id)).map(|(i, _)| i);
        let entry = oldest.map(|i| entries.swap_remove(i));
        self.heap = BinaryHeap::from(entries);
        let entry = entry?;
        if let Some(p) = &entry.job.payload {
            self.inner.memory.fetch_sub(p.weight(), Ordering::Relaxed);
        }
        Some(entry.job)
    }

    fn launch(&mut self) {
        let now = Instant::now();
        if self.paused {
            if self.probing || now < self.probe_due || self.heap.is_empty() {
                return;
            }
            let Ok(permit) = self.target.permits.clone().try_acquire_owned() else { return };
            if let Some(job) = self.pop_oldest() {
                self.probing = true;
                self.spawn(job, true, permit);
            }
            return;
        }
        while self.heap.peek().is_some_and(|e| e.due <= now) {
            let Ok(permit) = self.target.permits.clone().try_acquire_owned() else { return };
            if let Some(job) = self.pop() {
                self.spawn(job, false, permit);
            }
        }
    }

    /// Starts an attempt; a `probe` tries a paused target with its oldest delivery.
    fn spawn(&mut self, mut job: Job, probe: bool, permit: tokio::sync::OwnedSemaphorePermit) {
        let inner = self.inner.clone();
        let timeout = inner.settings.timeout;
        self.running.spawn(async move {
            let (verdict, outcome) = run_attempt(&inner, &mut job, timeout, false).await;
            drop(permit);
            let retryable = outcome.as_ref().is_none_or(|o| super::attempt::is_retryable(&o.result));
            Done { job, verdict, retryable, probe }
        });
    }

    /// When a paused target is next probed after a failure whose verdict is `verdict`:
    /// once the failed delivery's own backoff has passed (the wait its console line
    /// announced), so a pause never spends a delivery's attempts faster than its schedule.
    fn schedule_probe(&mut self, now: Instant, verdict: Option<Verdict>) {
        if let Some(Verdict::Retry(delay)) = verdict {
            self.probe_interval = delay.max(MIN_PROBE);
        }
        self.probe_due = now + self.probe_interval;
    }

    fn next_wake(&self) -> Option<Instant> {
        if self.paused {
            return (!self.probing && !self.heap.is_empty()).then_some(self.probe_due);
        }
        if self.target.permits.available_permits() == 0 {
            return None;
        }
        self.heap.peek().map(|e| e.due)
    }

    fn finished(&mut self, done: Done) {
        let now = Instant::now();
        if done.probe {
            self.probing = false;
        }
        let settings = &self.inner.settings;
        if done.verdict.is_some() && done.retryable {
            self.consecutive += 1;
            if done.probe {
                self.schedule_probe(now, done.verdict);
            } else if !self.paused && self.consecutive >= settings.pause_after {
                self.paused = true;
                self.probe_interval = settings.retry_base.max(MIN_PROBE);
                self.schedule_probe(now, done.verdict);
                self.inner.console.target(&self.target.url, true, self.consecutive);
            }
        } else if done.verdict.is_some() {
            self.consecutive = 0;
            if self.paused {
                self.paused = false;
                self.inner.console.target(&self.target.url, false, 0);
            }
        }
        self.target.paused.store(self.paused, Ordering::Relaxed);
        self.target.consecutive.store(self.consecutive, Ordering::Relaxed);
        match done.verdict {
            Some(Verdict::Retry(delay)) => {
                // A failed probe goes back due at once: the next probe takes the oldest anyway.
                let due = if done.probe { now } else { now + delay };
                self.push(done.job, due);
            }
            _ => {
                self.target.queued.fetch_sub(1, Ordering::Relaxed);
            }
        }
    }
}
