//! One HTTP exchange: POST a prepared request, time it, read a capped answer,
//! and classify failures (timeout, connect, other).

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};

use super::request::Prepared;
use crate::net::HttpClient;

/// Most response-body bytes kept; the rest is read (so the connection can be
/// reused) and counted, not stored.
pub const KEEP_BODY: usize = crate::store::RESPONSE_BODY_CAP;

/// What happened to one request.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// When it started (unix ms).
    pub started_at: i64,
    /// From sending to the last body byte, or to the failure.
    pub latency: Duration,
    /// The answer, or why there was none.
    pub result: Result<Answer, SendError>,
}

/// The target's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The first [`KEEP_BODY`] bytes of the body.
    pub body: Bytes,
    /// The full body size.
    pub size: usize,
}

impl Outcome {
    /// A 2xx answer.
    pub fn is_ok(&self) -> bool {
        matches!(&self.result, Ok(a) if a.status.is_success())
    }

    /// The status, if there was an answer.
    pub fn status(&self) -> Option<StatusCode> {
        self.result.as_ref().ok().map(|a| a.status)
    }
}

/// Why a request got no answer. Load summaries count these by [`SendError::kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No complete answer within the timeout.
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Timeout(Duration),
    /// The connection could not be made (refused, DNS, TLS handshake).
    #[error("could not connect: {0}")]
    Connect(String),
    /// The connection broke or the answer was malformed.
    #[error("{0}")]
    Other(String),
}

impl SendError {
    /// `timeout`, `connect` or `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            SendError::Timeout(_) => "timeout",
            SendError::Connect(_) => "connect",
            SendError::Other(_) => "other",
        }
    }
}

/// POSTs `prepared` to `uri`, giving the whole exchange `timeout`.
pub async fn deliver(client: &HttpClient, uri: &Uri, prepared: &Prepared, timeout: Duration) -> Outcome {
    let started_at = crate::util::unix_ms_now();
    let start = Instant::now();
    let mut request = Request::new(Full::new(prepared.body.clone()));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = prepared.headers.clone();
    let exchange = async {
        let response = client.request(request).await.map_err(|e| {
            if e.is_connect() { SendError::Connect(innermost(&e)) } else { SendError::Other(chain(&e)) }
        })?;
        let (parts, body) = response.into_parts();
        let (body, size) = read_capped(body).await.map_err(|e| SendError::Other(chain(&e)))?;
        Ok(Answer { status: parts.status, headers: parts.headers, body, size })
    };
    let result = match tokio::time::timeout(timeout, exchange).await {
        Ok(result) => result,
        Err(_) => Err(SendError::Timeout(timeout)),
    };
    Outcome { started_at, latency: start.elapsed(), result }
}

async fn read_capped(mut body: hyper::body::Incoming) -> Result<(Bytes, usize), hyper::Error> {
    let mut kept = BytesMut::new();
    let mut size = 0;
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            size += data.len();
            let room = KEEP_BODY.saturating_sub(kept.len());
            kept.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    Ok((kept.freeze(), size))
}

/// The root cause: for connect errors the OS's words ("Connection refused")
/// say it all, without hyper's wrappers.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut at = err;
    while let Some(next) = at.source() {
        at = next;
    }
    at.to_string()
}

/// An error's causes on one line, skipping the client's generic wrapper and repeats.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = if err.source().is_some() { err.source() } else { Some(err) };
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}
