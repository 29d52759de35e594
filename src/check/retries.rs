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
    /// How fast the schedule runs.
    pub scale: TimeScale,
}

impl Default for RetrySpec {
    fn default() -> Self {
        RetrySpec { inject: 1, scale: TimeScale::Fit }
    }
}

/// `--time-scale`: how much faster than real time the retry schedule runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimeScale {
    /// `auto`: fast enough that the whole schedule's waits take about [`FIT`], and never
    /// slower than 1000x.
    Fit,
    /// Real time per scheduled time: 0.001 turns a 1 m wait into 60 ms.
    Factor(f64),
}

/// How long `auto` lets a whole schedule's waits take.
pub const FIT: Duration = Duration::from_secs(5);

/// `auto`'s slowest speed-up: short schedules (Slack's) still run at 1000x.
const FIT_SLOWEST: f64 = 0.001;

impl TimeScale {
    /// The factor for `policy`: real time per scheduled time.
    pub fn factor(self, policy: &RetryPolicy) -> f64 {
        match self {
            TimeScale::Factor(f) => f,
            TimeScale::Fit => {
                let total = policy.delays.iter().sum::<Duration>().as_secs_f64();
                if total <= 0.0 { FIT_SLOWEST } else { (FIT.as_secs_f64() / total).min(FIT_SLOWEST) }
            }
        }
    }
}

/// `--time-scale`: `auto`, `1000x` (a thousand times faster) or the factor itself (`0.001`).
pub fn parse_time_scale(text: &str) -> Result<TimeScale, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("auto") {
        return Ok(TimeScale::Fit);
    }
    let (number, faster) = match t.strip_suffix(['x', 'X']) {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let value: f64 = number.parse().map_err(|_| format!("{text:?} is not a time scale (e.g. auto, 1000x or 0.001)"))?;
    match (faster, value) {
        (_, v) if !v.is_finite() || v <= 0.0 => Err(format!("{text:?} must be more than zero")),
        (true, v) if v < 1.0 => Err(format!("{text:?} would slow the schedule down; use 1x or more")),
        (true, v) => Ok(TimeScale::Factor(1.0 / v)),
        (false, v) if v > 1.0 => Err(format!("{text:?} would slow the schedule down; to speed it up write {v}x")),
        (false, v) => Ok(TimeScale::Factor(v)),
    }
}

/// What a simulation will cost, said before it starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPlan {
    /// Attempts at most: the first and every retry.
    pub attempts: usize,
    /// The whole schedule, as the provider runs it.
    pub schedule: Duration,
    /// Real time per scheduled time.
    pub factor: f64,
    /// The real time spent waiting between attempts, if every one is made.
    pub waits: Duration,
    /// The longest the simulation can take: the waits plus every attempt's full timeout.
    pub worst: Duration,
}

impl RetryPlan {
    /// The plan for `policy` under `spec`, each attempt waited for up to `timeout`.
    pub fn of(policy: &RetryPolicy, spec: RetrySpec, timeout: Duration) -> RetryPlan {
        let factor = spec.scale.factor(policy);
        let schedule: Duration = policy.delays.iter().sum();
        let attempts = policy.delays.len() + 1;
        let waits = schedule.mul_f64(factor);
        let worst = waits + timeout.saturating_mul(u32::try_from(attempts).unwrap_or(u32::MAX));
        RetryPlan { attempts, schedule, factor, waits, worst }
    }

    /// `1000x`, `19152x`.
    pub fn speed(&self) -> String {
        format!("{:.0}x", 1.0 / self.factor)
    }

    /// One line for stderr before the simulation starts.
    pub fn describe(&self, provider: &str) -> String {
        format!(
            "retries: simulating {provider}'s schedule ({} attempts over {}) at {}: about {} of waiting, \
             at most {} if no attempt is answered",
            self.attempts,
            say(self.schedule),
            self.speed(),
            say(self.waits),
            say(self.worst)
        )
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
    /// The first attempt could not connect: nothing to learn from the schedule.
    Unreachable,
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

/// Why the previous attempt failed, as Slack's `X-Slack-Retry-Reason` says it; an
/// injected failure is an acknowledgement the provider never received, as after a timeout.
pub fn retry_reason(outcome: &Outcome, injected: bool) -> &'static str {
    match seen(outcome) {
        _ if injected => "http_timeout",
        Seen::Timeout(_) => "http_timeout",
        Seen::Answer(_) => "http_error",
        Seen::Unreachable(_) => "connection_failed",
        Seen::Dropped(_) | Seen::Interrupted => "unknown_error",
    }
}

/// Runs the simulation for a fresh delivery; the exchanges are its attempts.
///
/// Every attempt carries the same delivery id and event, re-signed as the provider
/// re-signs a retry, with its retry marks (a counter in the envelope, retry headers).
/// The signed timestamps are a second apart and end now: as fresh as a real retry's,
/// distinct like them, and never in the future (the schedule's hours are compressed
/// into seconds, so hours-apart timestamps would be stale or from the future).
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
    let retries = policy.delays.len();
    let inject = spec.inject.min(u32::try_from(retries).unwrap_or(u32::MAX)) as usize;
    let factor = spec.scale.factor(policy);
    let mut at = Duration::ZERO;
    let mut end = Next::Exhausted;
    let mut reason = "";
    for n in 0..=retries {
        if n > 0 {
            let wait = policy.delays[n - 1];
            at += wait;
            tokio::select! {
                () = tokio::time::sleep(wait.mul_f64(factor)) => {}
                () = stop.wait() => return (exchanges, Next::Interrupted),
            }
        }
        let timestamp = crate::util::unix_now() - i64::try_from(retries - n).unwrap_or(0);
        let Ok(prepared) = forge.redelivery(&body, n, timestamp, reason) else {
            return (exchanges, Next::Interrupted);
        };
        let outcome = deliver(client, uri, &prepared, timeout, stop).await;
        let injected = n < inject;
        let lost = match (injected, seen(&outcome)) {
            (true, Seen::Answer(_)) => " (injected: the provider never sees the answer)",
            (true, _) => " (injected: counted failed whatever came)",
            _ => "",
        };
        let when = if n == 0 { String::new() } else { format!(" at +{}", say(at)) };
        let sent = format!("attempt {}{when}{lost}", n + 1);
        end = match seen(&outcome) {
            Seen::Unreachable(_) if n == 0 => Next::Unreachable,
            _ => next(&outcome, injected, policy, n == retries),
        };
        reason = retry_reason(&outcome, injected);
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
        .map(|(i, e)| match seen(&e.outcome) {
            Seen::Answer(s) if i < inject => format!("{} (lost)", s.as_u16()),
            Seen::Answer(s) => s.as_u16().to_string(),
            Seen::Timeout(_) => "timeout".into(),
            Seen::Unreachable(_) => "no connection".into(),
            _ => "no answer".into(),
        })
        .collect();
    let list = statuses.join(", ");
    let n = attempts.len();
    let times = if n == 1 { "1 attempt".to_owned() } else { format!("{n} attempts") };
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
        Next::Dropped if n == 1 => reason(
            Verdict::Fail,
            format!("answered the first delivery with a 4xx ({list}): {provider} treats a 4xx as final and drops it"),
        ),
        Next::Dropped => reason(
            Verdict::Fail,
            format!(
                "answered a redelivery (attempt {n}) with a 4xx ({list}): {provider} treats a 4xx as final and \
                 drops the delivery"
            ),
        ),
        Next::Unreachable => {
            let why = attempts.first().and_then(|e| e.outcome.result.as_ref().err()).map(ToString::to_string);
            reason(Verdict::Fail, why.unwrap_or_else(|| "could not connect".into()))
        }
        Next::Exhausted | Next::Retry => reason(
            Verdict::Fail,
            format!(
                "no attempt was acknowledged ({list}): after {times} {provider} gives up on the delivery; \
                 acknowledge a redelivery with 2xx"
            ),
        ),
        Next::Interrupted => reason(Verdict::Skip, format!("interrupted after {times} ({list})")),
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
        assert_eq!(parse_time_scale("1000x"), Ok(TimeScale::Factor(0.001)));
        assert_eq!(parse_time_scale("0.001"), Ok(TimeScale::Factor(0.001)));
        assert_eq!(parse_time_scale("1x"), Ok(TimeScale::Factor(1.0)));
        assert_eq!(parse_time_scale("auto"), Ok(TimeScale::Fit));
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

    #[test]
    fn the_reasons_say_what_happened_to_which_attempt() {
        let first = judge(&attempts(&[422]), Next::Dropped, 0, "nexus");
        assert!(first.reason.starts_with("answered the first delivery with a 4xx (422)"), "{}", first.reason);
        let one = judge(&attempts(&[200]), Next::Interrupted, 1, "nexadesk");
        assert_eq!(one.reason, "interrupted after 1 attempt (200 (lost))");
        let dead = vec![Exchange { sent: String::new(), outcome: failed(Failure::Connect("refused".into())) }];
        let j = judge(&dead, Next::Unreachable, 1, "nexadesk");
        assert_eq!((j.verdict, j.reason.as_str()), (Verdict::Fail, "could not connect: refused"));
        let lost = vec![Exchange { sent: String::new(), outcome: failed(Failure::Timeout(Duration::from_secs(1))) }];
        assert!(judge(&lost, Next::Exhausted, 1, "x").reason.contains("(timeout)"), "no (lost) without an answer");
    }

    #[test]
    fn auto_fits_any_schedule_into_seconds() {
        for name in ["nexadesk", "stripe", "standard", "nexudus", "shopify", "slack", "nudj", "nexus"] {
            let policy = crate::provider::lookup(name).unwrap().info().retry.clone();
            let plan = RetryPlan::of(&policy, RetrySpec::default(), Duration::from_secs(1));
            assert!(plan.waits <= FIT + Duration::from_millis(1), "{name}: {plan:?}");
            assert!(plan.factor <= 0.001, "{name}: never slower than 1000x");
        }
        let desk = crate::provider::lookup("nexadesk").unwrap().info().retry.clone();
        let plan = RetryPlan::of(&desk, RetrySpec::default(), Duration::from_secs(5));
        assert_eq!(plan.worst, plan.waits + Duration::from_secs(30));
        let line = plan.describe("nexadesk");
        assert!(
            line.starts_with("retries: simulating nexadesk's schedule (6 attempts over 26.6 h) at 19152x"),
            "{line}"
        );
        let slack = crate::provider::lookup("slack").unwrap().info().retry.clone();
        assert_eq!(RetryPlan::of(&slack, RetrySpec::default(), Duration::from_secs(3)).speed(), "1000x");
    }

    #[test]
    fn retry_reasons_follow_what_happened() {
        assert_eq!(retry_reason(&answered(200, 1), true), "http_timeout");
        assert_eq!(retry_reason(&answered(500, 1), false), "http_error");
        assert_eq!(retry_reason(&failed(Failure::Timeout(Duration::from_secs(1))), false), "http_timeout");
        assert_eq!(retry_reason(&failed(Failure::Connect("x".into())), false), "connection_failed");
    }
}
