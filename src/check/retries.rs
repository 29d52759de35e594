//! `--simulate-retries`: one delivery sent again on the provider's retry
//! schedule (compressed by `--time-scale`) after failures injected on the
//! provider's side (its ack lost), to see how the endpoint treats redeliveries:
//! the same id and body every attempt, re-signed as providers re-sign them.

use std::time::Duration;

use http::Uri;

use super::forge::Forge;
use super::judge::{Judgement, Seen, seen};
use super::{Exchange, Verdict, say};
use crate::exchange::Exchange as Outcome;
use crate::net::HttpClient;
use crate::provider::RetryPolicy;
use crate::send::deliver;
use crate::signal::Shutdown;

/// How the simulation runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetrySpec {
    /// How many attempts, from the first, count as failed whatever the endpoint answers
    /// (the provider never saw the answer); at most the number of retries.
    pub inject: u32,
    /// Real time per scheduled time: 0.001 turns a 1 m wait into 60 ms.
    pub scale: f64,
}

impl Default for RetrySpec {
    fn default() -> Self {
        RetrySpec { inject: 1, scale: 0.001 }
    }
}

/// `--time-scale`: `1000x` (a thousand times faster) or the factor itself (`0.001`).
pub fn parse_time_scale(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (number, faster) = match t.strip_suffix(['x', 'X']) {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let value: f64 = number.parse().map_err(|_| format!("{text:?} is not a time scale (e.g. 1000x or 0.001)"))?;
    match (faster, value) {
        (_, v) if !v.is_finite() || v <= 0.0 => Err(format!("{text:?} must be more than zero")),
        (true, v) if v < 1.0 => Err(format!("{text:?} would slow the schedule down; use 1x or more")),
        (true, v) => Ok(1.0 / v),
        (false, v) if v > 1.0 => Err(format!("{text:?} would slow the schedule down; to speed it up write {v}x")),
        (false, v) => Ok(v),
    }
}

/// What the provider does after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Tries again after the next wait.
    Retry,
    /// Done: the delivery got its 2xx.
    Delivered,
    /// Done: a 4xx ends it for good (Nexus).
    Dropped,
    /// Done: the schedule ran out.
    Exhausted,
    /// Ctrl-C.
    Interrupted,
}

/// The provider's decision after `outcome`; `last` when no retry is left.
pub fn next(outcome: &Outcome, injected: bool, policy: &RetryPolicy, last: bool) -> Next {
    let next = match seen(outcome) {
        Seen::Interrupted => return Next::Interrupted,
        _ if injected => Next::Retry,
        Seen::Answer(s) if s.is_success() => return Next::Delivered,
        Seen::Answer(s) if s.is_client_error() && policy.final_on_4xx => return Next::Dropped,
        _ => Next::Retry,
    };
    if last { Next::Exhausted } else { next }
}

/// Runs the simulation for a fresh delivery; the exchanges are its attempts.
pub(super) async fn simulate(
    client: &HttpClient,
    uri: &Uri,
    forge: &Forge,
    policy: &RetryPolicy,
    spec: RetrySpec,
    timeout: Duration,
    stop: &Shutdown,
) -> (Vec<Exchange>, Next) {
    let mut exchanges = Vec::new();
    let body = match forge.body() {
        Ok(body) => body,
        Err(_) => return (exchanges, Next::Interrupted),
    };
    let inject = spec.inject.min(u32::try_from(policy.delays.len()).unwrap_or(u32::MAX)) as usize;
    let mut at = Duration::ZERO;
    let mut end = Next::Exhausted;
    for n in 0..=policy.delays.len() {
        if n > 0 {
            let wait = policy.delays[n - 1];
            at += wait;
            tokio::select! {
                () = tokio::time::sleep(wait.mul_f64(spec.scale)) => {}
                () = stop.wait() => return (exchanges, Next::Interrupted),
            }
        }
        // Providers re-sign each attempt: the same id and body with a fresh timestamp.
        let Ok(prepared) = forge.resign(&body) else { return (exchanges, Next::Interrupted) };
        let outcome = deliver(client, uri, &prepared, timeout, stop).await;
        let injected = n < inject;
        let lost = if injected { " (injected: the provider never sees the answer)" } else { "" };
        let when = if n == 0 { String::new() } else { format!(" at +{}", say(at)) };
        let sent = format!("attempt {}{when}{lost}", n + 1);
        end = next(&outcome, injected, policy, n == policy.delays.len());
        exchanges.push(Exchange { sent, outcome });
        if end != Next::Retry {
            break;
        }
    }
    (exchanges, end)
}

/// How the endpoint treated the attempts. `inject` is how many were failed on purpose.
pub fn judge(attempts: &[Exchange], end: Next, inject: usize, provider: &str) -> Judgement {
    let statuses: Vec<String> = attempts
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let what = match seen(&e.outcome) {
                Seen::Answer(s) => s.as_u16().to_string(),
                Seen::Timeout(_) => "timeout".into(),
                _ => "no answer".into(),
            };
            if i < inject { format!("{what} (lost)") } else { what }
        })
        .collect();
    let list = statuses.join(", ");
    let n = attempts.len();
    let own_failures = attempts.iter().skip(inject).filter(|e| !e.outcome.is_ok()).count();
    let reason = |verdict, text: String| Judgement { verdict, reason: text };
    match end {
        Next::Delivered if own_failures == 0 => reason(
            Verdict::Pass,
            format!(
                "acknowledged the redelivery ({list}): the endpoint saw the same delivery {n} times; whether \
                 each had side effects cannot be seen from outside"
            ),
        ),
        Next::Delivered => reason(
            Verdict::Warn,
            format!(
                "delivered on attempt {n} ({list}): the endpoint saw the same delivery {n} times, and preventing \
                 duplicate side effects of the failed attempts is the receiver's job"
            ),
        ),
        Next::Dropped => reason(
            Verdict::Fail,
            format!(
                "answered a redelivery with a 4xx ({list}): {provider} treats a 4xx as final and drops the delivery"
            ),
        ),
        Next::Exhausted | Next::Retry => reason(
            Verdict::Fail,
            format!(
                "no attempt was acknowledged ({list}): after {n} attempts {provider} gives up on the delivery; \
                 acknowledge a redelivery with 2xx"
            ),
        ),
        Next::Interrupted => reason(Verdict::Skip, format!("interrupted after {n} attempts ({list})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::judge::tests::{answered, failed};
    use crate::exchange::Failure;

    fn attempts(statuses: &[u16]) -> Vec<Exchange> {
        statuses.iter().map(|&s| Exchange { sent: String::new(), outcome: answered(s, 1) }).collect()
    }

    #[test]
    fn time_scales_read_as_speed_ups_or_factors() {
        assert_eq!(parse_time_scale("1000x"), Ok(0.001));
        assert_eq!(parse_time_scale("0.001"), Ok(0.001));
        assert_eq!(parse_time_scale("1x"), Ok(1.0));
        assert!(parse_time_scale("1000").unwrap_err().contains("write 1000x"));
        assert!(parse_time_scale("0.5x").is_err());
        assert!(parse_time_scale("0").is_err());
        assert!(parse_time_scale("fast").is_err());
    }

    #[test]
    fn the_provider_retries_until_a_2xx_and_nexus_stops_at_a_4xx() {
        let nexus = crate::provider::lookup("nexus").unwrap().info().retry.clone();
        let desk = crate::provider::lookup("nexadesk").unwrap().info().retry.clone();
        assert_eq!(next(&answered(200, 1), true, &desk, false), Next::Retry, "an injected failure is retried");
        assert_eq!(next(&answered(200, 1), false, &desk, false), Next::Delivered);
        assert_eq!(next(&answered(409, 1), false, &desk, false), Next::Retry);
        assert_eq!(next(&answered(409, 1), false, &nexus, false), Next::Dropped);
        assert_eq!(next(&answered(503, 1), false, &nexus, false), Next::Retry);
        let timeout = failed(Failure::Timeout(Duration::from_secs(1)));
        assert_eq!(next(&timeout, false, &nexus, false), Next::Retry);
        assert_eq!(next(&answered(503, 1), false, &desk, true), Next::Exhausted);
    }

    #[test]
    fn redeliveries_must_be_acknowledged() {
        let pass = judge(&attempts(&[200, 200]), Next::Delivered, 1, "nexadesk");
        assert_eq!(pass.verdict, Verdict::Pass);
        assert!(pass.reason.contains("(200 (lost), 200)"), "{}", pass.reason);
        let flaky = judge(&attempts(&[200, 500, 200]), Next::Delivered, 1, "nexadesk");
        assert_eq!(flaky.verdict, Verdict::Warn);
        assert!(flaky.reason.contains("duplicate side effects"), "{}", flaky.reason);
        let dropped = judge(&attempts(&[200, 409]), Next::Dropped, 1, "nexus");
        assert_eq!(dropped.verdict, Verdict::Fail);
        assert!(dropped.reason.contains("nexus treats a 4xx as final"), "{}", dropped.reason);
        let exhausted = judge(&attempts(&[200, 409, 409]), Next::Exhausted, 1, "nudj");
        assert_eq!(exhausted.verdict, Verdict::Fail);
    }
}
