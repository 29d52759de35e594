//! The relay's side of an attempt: what a queued delivery is ([`Job`]), and the
//! rules that follow an attempt (retry with backoff, fail, or give up). The attempt
//! itself is [`crate::exchange::attempt()`], which `replay` and `send` share.

use std::sync::Arc;
use std::time::Duration;

use crate::exchange::{Answer, Failure, Recorded};
use crate::store::State;

pub use crate::exchange::{DELIVERY_HEADER, SIGNATURE_HEADER};

/// What identifies a delivery in the queue: small, always in memory.
#[derive(Debug)]
pub struct Meta {
    /// Delivery id.
    pub id: String,
    /// The route's target URL: the worker that forwards it, pauses and probes.
    pub target: String,
    /// Whether the target is the exact destination (`--forward-to` with a path)
    /// rather than a base the delivery's path joins.
    pub exact: bool,
    /// Route prefix the delivery arrived on.
    pub route: String,
    /// Provider name.
    pub provider: Option<String>,
    /// Event type.
    pub event: Option<String>,
}

/// A delivery waiting to be forwarded.
#[derive(Debug, Clone)]
pub struct Job {
    /// Identity.
    pub meta: Arc<Meta>,
    /// The request, unless it must be reloaded.
    pub payload: Option<Arc<Recorded>>,
    /// Attempts that count towards the retry limit so far.
    pub attempts: u32,
}

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 2xx: done.
    Forwarded,
    /// A final answer that is not 2xx (4xx, or a redirect): done, failed.
    Failed,
    /// Connect error, timeout or 5xx with attempts left: try again after the delay.
    Retry(Duration),
    /// Retries exhausted.
    Dead,
}

impl Verdict {
    /// The stored state this verdict leads to.
    pub fn state(self) -> State {
        match self {
            Verdict::Forwarded => State::Forwarded,
            Verdict::Failed => State::Failed,
            Verdict::Retry(_) => State::Pending,
            Verdict::Dead => State::Dead,
        }
    }
}

/// Whether the outcome means the target is unwell (counts towards pausing it).
pub fn is_retryable(result: &Result<Answer, Failure>) -> bool {
    match result {
        Ok(a) => a.status.is_server_error(),
        Err(f) => f.is_retryable(),
    }
}

/// Judges an outcome after `attempts` counted attempts out of `max_attempts`.
pub fn judge(result: &Result<Answer, Failure>, attempts: u32, max_attempts: u32, delay: Duration) -> Verdict {
    match result {
        Ok(a) if a.status.is_success() => Verdict::Forwarded,
        r if !is_retryable(r) => Verdict::Failed,
        _ if attempts >= max_attempts => Verdict::Dead,
        _ => Verdict::Retry(delay),
    }
}

/// Exponential backoff with jitter: `base * 2^(attempt-1)` capped at `max`, then
/// a random point in its upper half so retries from many deliveries spread out.
pub fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exp = attempt.saturating_sub(1).min(30);
    let full = base.saturating_mul(1u32 << exp).min(max);
    let half = full / 2;
    let jitter_us = rand::random_range(0..=half.as_micros().min(u128::from(u64::MAX)) as u64);
    half + Duration::from_micros(jitter_us)
}

#[cfg(test)]
mod tests {
    use super::*;

    use bytes::Bytes;
    use http::{HeaderMap, StatusCode};

    fn answer(code: u16) -> Result<Answer, Failure> {
        Ok(Answer {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            size: 0,
        })
    }

    #[test]
    fn verdicts_follow_the_retry_rules() {
        let d = Duration::from_secs(1);
        assert_eq!(judge(&answer(204), 1, 3, d), Verdict::Forwarded);
        assert_eq!(judge(&answer(404), 1, 3, d), Verdict::Failed);
        assert_eq!(judge(&answer(503), 1, 3, d), Verdict::Retry(d));
        assert_eq!(judge(&answer(503), 3, 3, d), Verdict::Dead);
        assert_eq!(judge(&Err(Failure::Timeout(d)), 2, 3, d), Verdict::Retry(d));
        assert_eq!(judge(&Err(Failure::Connect("refused".into())), 3, 3, d), Verdict::Dead);
    }

    #[test]
    fn backoff_doubles_is_capped_and_jittered_within_the_upper_half() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (5, 1000), (40, 1000)] {
            for _ in 0..20 {
                let d = backoff(attempt, base, max).as_millis();
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d} ms not in [{}, {full}]", full / 2);
            }
        }
    }
}
