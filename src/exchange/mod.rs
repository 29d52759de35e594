//! One HTTP exchange — a request sent and its answer, or why there is none — as
//! the one model `send`, the relay's forwarder and `replay` share, and the one
//! attempt function they send through.
//!
//! [`Exchange`] is what happened; [`Failure`] says why no answer came in words a
//! user can act on; [`rebuild`] turns a recorded delivery back into the request
//! its target sees; [`attempt()`] sends one and makes the attempt's record.

pub mod attempt;
mod failure;
pub mod rebuild;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::Full;

pub use attempt::{AttemptKind, Limits, attempt};
pub use failure::{Failure, cut_off, failed};
pub use rebuild::{DELIVERY_HEADER, Origin, Recorded, Resign, SIGNATURE_HEADER, rebuild};

use crate::net::client::{Answered, HttpClient};

/// The target's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body, up to the exchange's limit.
    pub body: Bytes,
    /// The body's full size, which is more than `body` holds when it was cut.
    pub size: usize,
}

impl Answer {
    /// Whether the body was longer than the limit, and cut.
    pub fn cut(&self) -> bool {
        self.size > self.body.len()
    }
}

/// What happened to one request.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The full URL the request went to.
    pub url: String,
    /// When it started (unix ms).
    pub started_at: i64,
    /// From sending to the last body byte, or to the failure.
    pub duration: Duration,
    /// The answer, or why there was none.
    pub result: Result<Answer, Failure>,
}

impl Exchange {
    /// An exchange that never started: the request could not be built.
    pub fn unsent(url: &str, why: String) -> Exchange {
        Exchange {
            url: url.to_owned(),
            started_at: crate::util::unix_ms_now(),
            duration: Duration::ZERO,
            result: Err(Failure::Request(why)),
        }
    }

    /// A 2xx answer.
    pub fn is_ok(&self) -> bool {
        matches!(&self.result, Ok(a) if a.status.is_success())
    }

    /// The status, if there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.result.as_ref().ok().map(|a| a.status)
    }
}

/// Runs one exchange under `timeout`, unless `stop` comes first, and times it.
pub async fn timed<F>(
    url: &str,
    timeout: Duration,
    stop: impl Future<Output = ()>,
    exchange: impl FnOnce(Instant) -> F,
) -> Exchange
where
    F: Future<Output = Result<Answer, Failure>>,
{
    let started_at = crate::util::unix_ms_now();
    let start = Instant::now();
    let result = tokio::select! {
        result = tokio::time::timeout(timeout, exchange(start)) => result.unwrap_or(Err(Failure::Timeout(timeout))),
        () = stop => Err(Failure::Interrupted),
    };
    Exchange { url: url.to_owned(), started_at, duration: start.elapsed(), result }
}

/// Sends `req` through the pooled client and reads the answer, all within `timeout`;
/// answer bodies beyond `max_body` are counted, not kept. `stop` resolving first ends
/// it as [`Failure::Interrupted`].
pub async fn send(
    client: &HttpClient,
    req: Request<Full<Bytes>>,
    timeout: Duration,
    max_body: usize,
    stop: impl Future<Output = ()>,
) -> Exchange {
    let url = req.uri().to_string();
    let mut req = req;
    let capture = hyper_util::client::legacy::connect::capture_connection(&mut req);
    let https = url.starts_with("https:");
    let target = url.clone();
    timed(&url, timeout, stop, |start| async move {
        let resp = client.request(req).await.map_err(|e| {
            if e.is_connect() {
                tracing::debug!("could not connect to {target}: {}", crate::net::chain(&e));
                Failure::connect(crate::net::innermost(&e))
            } else if crate::net::client::peer_closed(&e) && Answered::of(&capture).is_some_and(|a| a.get()) {
                // A kept-alive connection that had answered before was closed as this
                // request went out on it: no application read it.
                Failure::Closed(crate::net::chain(&e))
            } else {
                // On a fresh connection a close may come after the app read the request.
                failed(&e)
            }
        })?;
        if let Some(answered) = Answered::of(&capture) {
            answered.set();
        }
        let (parts, body) = resp.into_parts();
        if tracing::enabled!(tracing::Level::DEBUG) {
            let remote = parts
                .extensions
                .get::<hyper_util::client::legacy::connect::HttpInfo>()
                .map_or_else(|| "?".to_string(), |i| i.remote_addr().to_string());
            let tls = if https { " with TLS" } else { "" };
            tracing::debug!(
                "answer from {remote} over {:?}{tls}: {} after {:.1} ms; reading its body",
                parts.version,
                parts.status,
                start.elapsed().as_secs_f64() * 1000.0,
            );
        }
        // A long answer is still an answer: its status decides, and the body is kept cut.
        let (body, size) =
            crate::net::read_capped(body, max_body).await.map_err(|(e, size)| cut_off(&parts, size, &e))?;
        Ok(Answer { status: parts.status, headers: parts.headers, body, size })
    })
    .await
}

#[cfg(test)]
mod tests;
