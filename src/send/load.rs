//! The load loop: C workers share a request counter, an optional rate limiter
//! and deadline; each builds a freshly signed request per send, records the
//! outcome without waiting for the disk, and keeps its own tally.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http::Uri;
use indicatif::ProgressBar;
use tracing::Level;

use super::deliver::Link;
use super::record::{RunInfo, Sink, sent_delivery};
use super::request::RequestPlan;
use super::stats::Tally;
use super::verbose;
use crate::exchange::Failure;
use crate::net::HttpClient;
use crate::signal::Shutdown;

/// How much load to make.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// Requests in all; `None` means until `duration` runs out.
    pub count: Option<u64>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Most requests started per second.
    pub rate: Option<f64>,
    /// Stop starting requests after this long.
    pub duration: Option<Duration>,
    /// Timeout of each request.
    pub timeout: Duration,
}

/// What every worker shares.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The pooled client.
    pub client: HttpClient,
    /// Where to send.
    pub uri: Uri,
    /// How to build each request.
    pub plan: Arc<RequestPlan>,
    /// What records share.
    pub run: Arc<RunInfo>,
    /// Where records go; `None` with `--no-record`.
    pub sink: Option<Sink>,
    /// The progress bar, on a terminal.
    pub progress: Option<ProgressBar>,
}

/// What a load run produced.
#[derive(Debug)]
pub struct LoadResult {
    /// Every worker's tally, merged.
    pub tally: Tally,
    /// From the start to the last answer.
    pub elapsed: Duration,
    /// Stopped by the shutdown signal.
    pub interrupted: bool,
}

/// Runs the load until the count or duration is reached, or `shutdown` turns true.
pub async fn run(spec: &LoadSpec, shared: Shared, shutdown: Shutdown) -> LoadResult {
    let start = Instant::now();
    let claimed = Arc::new(AtomicU64::new(0));
    let limiter = spec.rate.map(|r| Arc::new(Limiter::new(r)));
    let deadline = spec.duration.map(|d| start + d);
    let mut workers = Vec::with_capacity(spec.concurrency);
    for _ in 0..spec.concurrency.max(1) {
        let worker = Worker {
            shared: shared.clone(),
            claimed: claimed.clone(),
            count: spec.count,
            limiter: limiter.clone(),
            deadline,
            timeout: spec.timeout,
            shutdown: shutdown.clone(),
        };
        workers.push(tokio::spawn(worker.run()));
    }
    drop(shared);
    let mut tally = Tally::default();
    for w in workers {
        match w.await {
            Ok(t) => tally.merge(t),
            Err(e) => tracing::error!("a send worker failed: {e}"),
        }
    }
    LoadResult { tally, elapsed: start.elapsed(), interrupted: shutdown.is_set() }
}

struct Worker {
    shared: Shared,
    claimed: Arc<AtomicU64>,
    count: Option<u64>,
    limiter: Option<Arc<Limiter>>,
    deadline: Option<Instant>,
    timeout: Duration,
    shutdown: Shutdown,
}

impl Worker {
    async fn run(self) -> Tally {
        let mut tally = Tally::default();
        let mut link = Link::for_uri(&self.shared.client, &self.shared.uri);
        let mut warned = false;
        loop {
            if self.shutdown.is_set() || self.deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            if let Some(count) = self.count
                && self.claimed.fetch_add(1, Ordering::Relaxed) >= count
            {
                break;
            }
            if let Some(limiter) = &self.limiter {
                // A slot past the deadline is not waited for: the run ends on time even
                // when the rate allows less than one more request before it.
                let slot = limiter.slot();
                let past_deadline = self.deadline.filter(|d| slot >= *d);
                tokio::select! {
                    _ = tokio::time::sleep_until(past_deadline.unwrap_or(slot).into()) => {}
                    () = self.shutdown.wait() => break,
                }
                if past_deadline.is_some() {
                    break;
                }
            }
            let prepared = match self.shared.plan.build() {
                Ok(p) => p,
                Err(e) => {
                    // The first request was built before the run started, so this
                    // is not expected; count it rather than stop everything.
                    if !warned {
                        tracing::warn!("could not build a request: {e}");
                        warned = true;
                    }
                    tally.fail("other", format!("could not build the request: {e}"));
                    continue;
                }
            };
            if tracing::enabled!(Level::TRACE) {
                verbose::request_headers(&prepared, &self.shared.plan.provider.info().signature_header);
            }
            let stop = self.shutdown.wait();
            let outcome =
                link.send(&self.shared.uri, prepared.body.clone(), &prepared.headers, self.timeout, stop).await;
            if tracing::enabled!(Level::DEBUG) {
                verbose::outcome(&outcome, prepared.provider_id.as_deref());
            }
            tally.add(&outcome);
            // A request cut short by Ctrl-C is counted and recorded too: it may have arrived.
            let interrupted = matches!(outcome.result, Err(Failure::Interrupted));
            if let Some(sink) = &self.shared.sink {
                sink.record(sent_delivery(&self.shared.run, prepared, outcome)).await;
            }
            if let Some(progress) = &self.shared.progress {
                progress.inc(1);
            }
            if interrupted {
                break;
            }
        }
        tally
    }
}

/// Hands out start times `1/rate` apart. After a stall it does not bank the
/// missed slots, so the rate is never exceeded by a catch-up burst. `replay --rate`
/// paces with it too.
#[derive(Debug)]
pub struct Limiter {
    period: Duration,
    next: std::sync::Mutex<Option<Instant>>,
}

impl Limiter {
    /// A limiter for `rate` starts per second.
    pub fn new(rate: f64) -> Limiter {
        Limiter { period: Duration::from_secs_f64(1.0 / rate), next: std::sync::Mutex::new(None) }
    }

    /// When the next start may be; each call takes one slot.
    pub fn slot(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = match *next {
            Some(at) if at + self.period >= now => at,
            _ => now,
        };
        *next = Some(slot + self.period);
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_spaces_slots_and_does_not_bank_after_a_stall() {
        let limiter = Limiter::new(100.0);
        let a = limiter.slot();
        let b = limiter.slot();
        let c = limiter.slot();
        assert_eq!(b - a, Duration::from_millis(10));
        assert_eq!(c - b, Duration::from_millis(10));
        // A stall: the next slot is pretended to be long past.
        *limiter.next.lock().unwrap() = Some(Instant::now() - Duration::from_secs(5));
        let d = limiter.slot();
        let e = limiter.slot();
        assert!(d + Duration::from_secs(1) > Instant::now(), "no slot from the stalled past");
        assert_eq!(e - d, Duration::from_millis(10));
    }
}
