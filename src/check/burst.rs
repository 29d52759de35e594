//! The `burst` check: many fresh deliveries at once, as a provider sends after
//! an outage or during a bulk import, timed and judged by their percentiles.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use http::Uri;
use tokio::sync::Semaphore;

use super::judge::{Ctx, Judgement};
use super::{Verdict, say};
use crate::exchange::{Exchange as Outcome, Failure};
use crate::net::HttpClient;
use crate::send::stats::percentile;
use crate::send::{Prepared, deliver};
use crate::signal::Shutdown;

/// How many deliveries, and how many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstSpec {
    /// Deliveries in all.
    pub count: usize,
    /// Deliveries in flight at once.
    pub concurrency: usize,
}

impl Default for BurstSpec {
    fn default() -> Self {
        BurstSpec { count: 50, concurrency: 10 }
    }
}

/// What a burst came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurstStats {
    /// Deliveries sent.
    pub sent: usize,
    /// How many were answered 2xx within the provider's timeout.
    pub ok: usize,
    /// Median time to an answer (a timeout counts as the timeout).
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// The slowest.
    pub max: Duration,
    /// What the others got, with how many: a status (`503`), `timed out` (no answer
    /// within the wait), `late` (a 2xx after the provider's timeout, when `--timeout`
    /// waited longer), `could not connect`, or `dropped` (closed without an answer).
    pub failures: BTreeMap<String, usize>,
    /// Whether Ctrl-C cut it short.
    pub interrupted: bool,
}

impl BurstStats {
    /// Sums up outcomes; a 2xx after `limit`, the provider's timeout, is `late`.
    pub fn of(outcomes: &[Outcome], limit: Duration) -> BurstStats {
        let mut micros: Vec<u32> =
            outcomes.iter().map(|o| u32::try_from(o.duration.as_micros()).unwrap_or(u32::MAX)).collect();
        micros.sort_unstable();
        let at = |p| Duration::from_micros(percentile(&micros, p).map_or(0, u64::from));
        let mut failures = BTreeMap::new();
        let mut interrupted = false;
        let in_time = |o: &Outcome| o.is_ok() && o.duration <= limit;
        for o in outcomes.iter().filter(|o| !in_time(o)) {
            let label = match &o.result {
                Ok(a) if a.status.is_success() => "late".into(),
                Ok(a) => a.status.as_u16().to_string(),
                Err(Failure::Timeout(_)) => "timed out".into(),
                Err(Failure::Connect(_)) => "could not connect".into(),
                Err(Failure::Interrupted) => {
                    interrupted = true;
                    continue;
                }
                Err(_) => "dropped".into(),
            };
            *failures.entry(label).or_insert(0) += 1;
        }
        BurstStats {
            sent: outcomes.len(),
            ok: outcomes.iter().filter(|o| in_time(o)).count(),
            p50: at(50.0),
            p95: at(95.0),
            max: at(100.0),
            failures,
            interrupted,
        }
    }

    /// `3 × 503, 2 × no answer within 5 s`.
    fn failure_text(&self, ctx: Ctx<'_>) -> String {
        let say_it = |what: &str| match what {
            "timed out" => format!("no answer within {}", say(ctx.wait)),
            "late" => format!("2xx after {}'s {}", ctx.provider, say(ctx.limit)),
            other => other.to_owned(),
        };
        self.failures.iter().map(|(what, n)| format!("{n} × {}", say_it(what))).collect::<Vec<_>>().join(", ")
    }
}

/// Sends `requests` with at most `concurrency` in flight, each under `timeout`.
pub async fn send_all(
    client: &HttpClient,
    uri: &Uri,
    requests: Vec<Prepared>,
    concurrency: usize,
    timeout: Duration,
    stop: &Shutdown,
) -> Vec<Outcome> {
    let slots = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for prepared in requests {
        let (client, uri, slots, stop) = (client.clone(), uri.clone(), slots.clone(), stop.clone());
        tasks.spawn(async move {
            // Never closed, so acquiring only waits.
            let _slot = slots.acquire_owned().await.ok();
            deliver(&client, &uri, &prepared, timeout, &stop).await
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) => tracing::debug!("a burst delivery's task ended abnormally: {e}"),
        }
    }
    outcomes
}

/// All answered 2xx within the provider's timeout passes (a p95 in the last fifth of
/// it warns); any other answer, a late one or none fails.
pub fn judge(stats: &BurstStats, spec: BurstSpec, ctx: Ctx<'_>) -> Judgement {
    let times = format!("p50 {}, p95 {}, slowest {}", say(stats.p50), say(stats.p95), say(stats.max));
    let at_once = format!("{} deliveries, {} at a time", spec.count, spec.concurrency.min(spec.count));
    let limit = format!("{}'s {} timeout", ctx.provider, say(ctx.limit));
    if stats.interrupted {
        return Judgement { verdict: Verdict::Skip, reason: "interrupted".into() };
    }
    if stats.ok < stats.sent {
        return Judgement {
            verdict: Verdict::Fail,
            reason: format!(
                "{} of {at_once} were not acknowledged in time ({}); {times}",
                stats.sent - stats.ok,
                stats.failure_text(ctx)
            ),
        };
    }
    if stats.p95 * 5 > ctx.limit * 4 {
        return Judgement {
            verdict: Verdict::Warn,
            reason: format!("all {at_once} answered 2xx, but {times} is close to {limit}"),
        };
    }
    Judgement { verdict: Verdict::Pass, reason: format!("all {at_once} answered 2xx; {times}, within {limit}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::judge::tests::{answered, failed};

    const CTX: Ctx<'static> = Ctx {
        provider: "nexus",
        limit: Duration::from_secs(1),
        wait: Duration::from_secs(1),
        retries: true,
        final_on_4xx: true,
    };
    const LIMIT: Duration = Duration::from_secs(1);

    #[test]
    fn percentiles_count_timeouts_at_the_timeout() {
        let mut outcomes: Vec<Outcome> = (1..=19).map(|ms| answered(200, ms)).collect();
        outcomes.push(failed(Failure::Timeout(Duration::from_secs(1))));
        let stats = BurstStats::of(&outcomes, LIMIT);
        assert_eq!((stats.sent, stats.ok), (20, 19));
        assert_eq!(stats.p50, Duration::from_millis(10));
        assert_eq!(stats.p95, Duration::from_millis(19));
        assert_eq!(stats.max, Duration::from_secs(1));
        assert_eq!(stats.failures, BTreeMap::from([("timed out".to_string(), 1)]));
    }

    #[test]
    fn every_delivery_must_be_a_timely_2xx() {
        let spec = BurstSpec::default();
        let fast = BurstStats::of(&(0..50).map(|_| answered(200, 5)).collect::<Vec<_>>(), LIMIT);
        assert_eq!(judge(&fast, spec, CTX).verdict, Verdict::Pass);
        let slow = BurstStats::of(&(0..50).map(|_| answered(200, 900)).collect::<Vec<_>>(), LIMIT);
        assert_eq!(judge(&slow, spec, CTX).verdict, Verdict::Warn);
        let mut some_503: Vec<Outcome> = (0..47).map(|_| answered(200, 5)).collect();
        some_503.extend((0..3).map(|_| answered(503, 5)));
        let j = judge(&BurstStats::of(&some_503, LIMIT), spec, CTX);
        assert_eq!(j.verdict, Verdict::Fail);
        assert!(
            j.reason.starts_with("3 of 50 deliveries, 10 at a time were not acknowledged in time (3 × 503)"),
            "{}",
            j.reason
        );
    }

    #[test]
    fn fast_refusals_are_not_called_slow_and_small_bursts_say_their_real_concurrency() {
        let refused = BurstStats::of(&(0..3).map(|_| answered(401, 2)).collect::<Vec<_>>(), LIMIT);
        let j = judge(&refused, BurstSpec { count: 3, concurrency: 10 }, CTX);
        assert!(
            j.reason.starts_with("3 of 3 deliveries, 3 at a time were not acknowledged in time (3 × 401)"),
            "{}",
            j.reason
        );
        assert!(!j.reason.contains("within 1 s"), "{}", j.reason);
        let patient = Ctx { wait: Duration::from_secs(5), ..CTX };
        let mut outcomes = vec![answered(200, 1500), answered(200, 5)];
        outcomes.push(failed(Failure::Timeout(Duration::from_secs(5))));
        let stats = BurstStats::of(&outcomes, LIMIT);
        assert_eq!(stats.failures, BTreeMap::from([("late".to_string(), 1), ("timed out".to_string(), 1)]));
        let j = judge(&stats, BurstSpec { count: 3, concurrency: 3 }, patient);
        assert!(j.reason.contains("1 × 2xx after nexus's 1 s, 1 × no answer within 5 s"), "{}", j.reason);
    }
}
