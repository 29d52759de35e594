//! One attempt at a delivery, however it came to be made — the relay forwarding,
//! `replay` re-delivering, `send` firing: build the request, send it (once more at
//! once if a kept-alive connection turned out closed), and make the attempt's record.
//! What follows the attempt (a retry, a state) is each caller's own rule.

use std::time::Duration;

use bytes::Bytes;
use http::Request;
use http_body_util::Full;

use super::{Exchange, Failure};
use crate::net::client::HttpClient;
use crate::signal::Shutdown;
use crate::store::NewAttempt;

/// Which kind of attempt a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptKind {
    /// The relay forwarding a received delivery.
    Forward,
    /// `replay` re-delivering a recorded one.
    Replay,
    /// `send` firing a test event.
    Send,
}

impl AttemptKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptKind::Forward => "forward",
            AttemptKind::Replay => "replay",
            AttemptKind::Send => "send",
        }
    }
}

/// The bounds of one attempt.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole exchange, connecting to the last body byte.
    pub timeout: Duration,
    /// Answer body bytes kept (the rest is counted).
    pub max_body: usize,
    /// How many times a request met by a kept-alive connection closed under it goes
    /// again at once: no application read it, as curl reasons too. The app cannot be
    /// told apart from one that read and then closed, so this stays small.
    pub stale_resends: usize,
}

/// Sends the request `build` makes through `client`, within `limits`, until `stop`.
/// `build` is called again for a resend (a body cannot be sent twice); `url` names the
/// target when the request cannot be built at all.
pub async fn attempt(
    client: &HttpClient,
    url: &str,
    build: impl Fn() -> Result<Request<Full<Bytes>>, String>,
    limits: Limits,
    stop: Option<&Shutdown>,
) -> Exchange {
    let send = |req| async move {
        let stopped = async {
            match stop {
                Some(s) => s.wait().await,
                None => std::future::pending().await,
            }
        };
        super::send(client, req, limits.timeout, limits.max_body, stopped).await
    };
    let mut exchange = match build() {
        Ok(req) => send(req).await,
        Err(why) => return Exchange::unsent(url, why),
    };
    for _ in 0..limits.stale_resends {
        if !matches!(exchange.result, Err(Failure::Closed(_))) {
            break;
        }
        let Ok(again) = build() else { break };
        exchange = send(again).await;
    }
    exchange
}

impl Exchange {
    /// The stored record of this exchange as an attempt of `kind` at `delivery_id`;
    /// moves the answer's headers and body rather than copying them.
    pub fn into_record(self, kind: AttemptKind, delivery_id: String) -> NewAttempt {
        let (status, response_headers, response_body, response_size, error) = match self.result {
            Ok(a) => (Some(a.status.as_u16()), Some(a.headers), Some(a.body), a.size, None),
            Err(f) => (None, None, None, 0, Some(f.with_fix())),
        };
        NewAttempt {
            delivery_id,
            kind: kind.as_str(),
            target: self.url,
            started_at: self.started_at,
            duration_us: i64::try_from(self.duration.as_micros()).unwrap_or(i64::MAX),
            status,
            response_headers,
            response_body,
            response_size,
            error,
        }
    }

    /// [`Exchange::into_record`] for a caller that keeps the exchange.
    pub fn record(&self, kind: AttemptKind, delivery_id: String) -> NewAttempt {
        self.clone().into_record(kind, delivery_id)
    }
}
