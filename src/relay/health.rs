//! Counters since start and the `GET /_hooktap/health` JSON built from them.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::App;
use super::attempt::Verdict;
use crate::exchange::{Answer, Failure};

/// The health endpoint's path; requests to it are not recorded.
pub const HEALTH_PATH: &str = "/_hooktap/health";

/// How many recent forward attempts the error rate looks at.
const RATE_WINDOW: usize = 100;

/// How many of the latest forward attempts decide whether forwarding is failing: few
/// enough that a recovered target reads `ok` again soon, enough that one failed
/// attempt among successes does not.
pub const FAILING_WINDOW: usize = 20;

/// The share of [`FAILING_WINDOW`] attempts without a 2xx at or above which the relay
/// is `degraded`, while the latest attempt failed too: half, so a target failing most
/// deliveries is not called healthy. A success after them reads `ok` again at once, so a
/// quiet relay whose app has come back does not stay `degraded` until enough new
/// deliveries dilute the old failures (`error_rate` still shows them).
pub const FAILING_SHARE: f64 = 0.5;

/// How long a storage error keeps the relay `degraded`: long enough for a poll to
/// see it, short enough that one transient failure does not mark the rest of the run.
pub const STORAGE_ERROR_WINDOW: Duration = Duration::from_secs(60);

/// Counters the relay keeps while it runs.
#[derive(Debug)]
pub struct Stats {
    started: Instant,
    received: AtomicU64,
    forwarded: AtomicU64,
    failed: AtomicU64,
    rejected: AtomicU64,
    /// Requests answered 4xx before a delivery could be stored (oversize, slow or broken bodies).
    refused: AtomicU64,
    storage_errors: AtomicU64,
    /// When the last storage error happened, in ms since `started` plus one; 0 for never.
    last_storage_error: AtomicU64,
    last_delivery_ms: AtomicI64,
    recent: Mutex<VecDeque<bool>>,
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

impl Stats {
    /// Zeroed counters, started now.
    pub fn new() -> Stats {
        Stats {
            started: Instant::now(),
            received: AtomicU64::new(0),
            forwarded: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            storage_errors: AtomicU64::new(0),
            last_storage_error: AtomicU64::new(0),
            last_delivery_ms: AtomicI64::new(0),
            recent: Mutex::new(VecDeque::with_capacity(RATE_WINDOW)),
        }
    }

    /// A delivery was stored.
    pub fn received(&self, rejected: bool) {
        self.received.fetch_add(1, Ordering::Relaxed);
        if rejected {
            self.rejected.fetch_add(1, Ordering::Relaxed);
        }
        self.last_delivery_ms.store(crate::util::unix_ms_now(), Ordering::Relaxed);
    }

    /// A request was refused before it could be stored (413, 408, 400).
    pub fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// A delivery could not be stored (the sender got 503).
    pub fn storage_error(&self) {
        self.storage_error_at(Instant::now());
    }

    /// A delivery could not be stored at `at`.
    pub fn storage_error_at(&self, at: Instant) {
        self.storage_errors.fetch_add(1, Ordering::Relaxed);
        let since_start = at.saturating_duration_since(self.started).as_millis();
        let stamp = u64::try_from(since_start).unwrap_or(u64::MAX - 1) + 1;
        self.last_storage_error.fetch_max(stamp, Ordering::Relaxed);
    }

    /// Whether a delivery failed to be stored less than `window` before `now`.
    pub fn storage_failing(&self, now: Instant, window: Duration) -> bool {
        match self.last_storage_error.load(Ordering::Relaxed) {
            0 => false,
            stamp => {
                let at = self.started + Duration::from_millis(stamp - 1);
                now.saturating_duration_since(at) < window
            }
        }
    }

    /// A forward attempt finished.
    pub fn attempt(&self, result: &Result<Answer, Failure>, verdict: Verdict) {
        match verdict {
            Verdict::Forwarded => {
                self.forwarded.fetch_add(1, Ordering::Relaxed);
            }
            Verdict::Failed | Verdict::Dead => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
            Verdict::Retry(_) => {}
        }
        let ok = matches!(result, Ok(a) if a.status.is_success());
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == RATE_WINDOW {
            recent.pop_front();
        }
        recent.push_back(ok);
    }

    /// Deliveries stored since start.
    pub fn received_count(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Deliveries forwarded (2xx) since start.
    pub fn forwarded_count(&self) -> u64 {
        self.forwarded.load(Ordering::Relaxed)
    }

    /// How many of the last `window` attempts (or fewer, early on) got no 2xx, of how
    /// many, and whether the latest one did.
    pub fn recent_failures(&self, window: usize) -> Recent {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        let last = recent.iter().rev().take(window);
        Recent {
            of: last.len(),
            failed: last.filter(|ok| !**ok).count(),
            latest_failed: recent.back().is_some_and(|ok| !ok),
        }
    }

    /// Share of the last attempts that did not get a 2xx.
    pub fn error_rate(&self) -> f64 {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.is_empty() {
            return 0.0;
        }
        recent.iter().filter(|ok| !**ok).count() as f64 / recent.len() as f64
    }
}

/// The outcome of the latest forward attempts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recent {
    /// Attempts without a 2xx.
    pub failed: usize,
    /// Attempts looked at.
    pub of: usize,
    /// The latest attempt got no 2xx.
    pub latest_failed: bool,
}

/// The health document.
pub fn report(app: &App) -> serde_json::Value {
    let s = &app.stats;
    let last = s.last_delivery_ms.load(Ordering::Relaxed);
    let last_delivery_at = (last > 0)
        .then(|| chrono::DateTime::from_timestamp_millis(last))
        .flatten()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let targets = app.forwarder.snapshot();
    let storage_failing = s.storage_failing(Instant::now(), STORAGE_ERROR_WINDOW);
    let paused: Vec<&str> = targets.iter().filter(|t| t.paused).map(|t| t.url.as_str()).collect();
    let reasons = degraded_because(&paused, storage_failing, s.recent_failures(FAILING_WINDOW));
    let status = if reasons.is_empty() { "ok" } else { "degraded" };
    let error_rate = (s.error_rate() * 1000.0).round() / 1000.0;
    serde_json::json!({
        "status": status,
        "degraded_because": reasons,
        "received": s.received.load(Ordering::Relaxed),
        "forwarded": s.forwarded.load(Ordering::Relaxed),
        "failed": s.failed.load(Ordering::Relaxed),
        "rejected": s.rejected.load(Ordering::Relaxed),
        "refused": s.refused.load(Ordering::Relaxed),
        "storage_errors": s.storage_errors.load(Ordering::Relaxed),
        "queue_depth": app.forwarder.queue_depth(),
        "last_delivery_at": last_delivery_at,
        "error_rate": error_rate,
        "uptime_secs": s.started.elapsed().as_secs(),
        "db": app.db.display().to_string(),
        "targets": targets,
    })
}

/// Why the relay is not `ok`, one reason a string; empty when it is. `recent` is
/// [`Stats::recent_failures`] over [`FAILING_WINDOW`].
fn degraded_because(paused: &[&str], storage_failing: bool, recent: Recent) -> Vec<String> {
    let mut out: Vec<String> = paused.iter().map(|url| format!("target {url} is paused")).collect();
    let Recent { failed, of, latest_failed } = recent;
    if latest_failed && failed as f64 >= FAILING_SHARE * of as f64 {
        out.push(format!("{failed} of the last {of} forward attempts failed"));
    }
    if storage_failing {
        out.push("a delivery could not be stored in the last minute".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempts(stats: &Stats, oks: &[bool]) {
        let answer = |ok| Answer {
            status: if ok { http::StatusCode::OK } else { http::StatusCode::INTERNAL_SERVER_ERROR },
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::new(),
            size: 0,
        };
        for &ok in oks {
            stats.attempt(&Ok(answer(ok)), if ok { Verdict::Forwarded } else { Verdict::Failed });
        }
    }

    #[test]
    fn half_the_recent_forwards_failing_degrades_and_recovering_reads_ok_again() {
        let stats = Stats::new();
        let status = |s: &Stats| degraded_because(&[], false, s.recent_failures(FAILING_WINDOW));
        assert!(status(&stats).is_empty(), "no attempts yet is not a failure");
        attempts(&stats, &[true, true, true, false]);
        assert!(status(&stats).is_empty(), "one in four failing is below the threshold");
        attempts(&stats, &[false, false, false]);
        assert_eq!(status(&stats), ["4 of the last 7 forward attempts failed"]);
        attempts(&stats, &[false; FAILING_WINDOW]);
        assert_eq!(status(&stats), ["20 of the last 20 forward attempts failed"]);
        // The app is back: one success reads ok, however many failures came before it.
        attempts(&stats, &[true]);
        assert!(status(&stats).is_empty());
        assert!(stats.error_rate() > 0.5, "the error rate still shows them");
        // One failure among recent successes is not a failing relay.
        attempts(&stats, &[true; FAILING_WINDOW]);
        attempts(&stats, &[false]);
        assert!(status(&stats).is_empty());
    }

    #[test]
    fn every_paused_target_and_a_recent_storage_error_is_named() {
        let got =
            degraded_because(&["http://a/", "http://b/"], true, Recent { failed: 0, of: 5, latest_failed: false });
        assert_eq!(
            got,
            [
                "target http://a/ is paused",
                "target http://b/ is paused",
                "a delivery could not be stored in the last minute"
            ]
        );
    }

    #[test]
    fn one_storage_error_degrades_only_while_it_is_recent() {
        let stats = Stats::new();
        let window = Duration::from_secs(60);
        let at = stats.started + Duration::from_secs(5);
        assert!(!stats.storage_failing(at, window));
        stats.storage_error_at(at);
        assert!(stats.storage_failing(at, window));
        assert!(stats.storage_failing(at + Duration::from_secs(59), window));
        assert!(!stats.storage_failing(at + window, window));
        assert!(!stats.storage_failing(at + Duration::from_secs(3600), window));
        // The count stays for the record.
        assert_eq!(stats.storage_errors.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_later_storage_error_restarts_the_window_and_an_earlier_one_does_not_shorten_it() {
        let stats = Stats::new();
        let window = Duration::from_secs(60);
        let first = stats.started + Duration::from_secs(1);
        stats.storage_error_at(first);
        stats.storage_error_at(first + Duration::from_secs(50));
        assert!(stats.storage_failing(first + Duration::from_secs(100), window));
        // Errors may be counted out of order by concurrent requests.
        stats.storage_error_at(first);
        assert!(stats.storage_failing(first + Duration::from_secs(100), window));
        assert!(!stats.storage_failing(first + Duration::from_secs(110), window));
        assert_eq!(stats.storage_errors.load(Ordering::Relaxed), 3);
    }
}
