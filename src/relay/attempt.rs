//! One forward attempt: build the faithful request, send it with a timeout, judge the answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::Full;

use crate::config::Signer;
use crate::net::client::{Answered, HttpClient};
use crate::provider::{SignInput, SignatureState};
use crate::store::{Delivery, State};

use super::routes::forward_url;

/// Header naming the stored delivery on every forwarded request.
pub const DELIVERY_HEADER: &str = "x-hooktap-delivery";
/// Header carrying the relay's signature verdict on every forwarded request.
pub const SIGNATURE_HEADER: &str = "x-hooktap-signature";

/// Headers that describe one hop, not the message; never forwarded.
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"];

/// What identifies a delivery in the queue: small, always in memory.
#[derive(Debug)]
pub struct Meta {
    /// Delivery id.
    pub id: String,
    /// Target base URL.
    pub target: String,
    /// Route prefix the delivery arrived on.
    pub route: String,
    /// Provider name.
    pub provider: Option<String>,
    /// Event type.
    pub event: Option<String>,
}

/// The request to replay at the target; dropped from memory under pressure and reloaded.
#[derive(Debug)]
pub struct Payload {
    /// Method.
    pub method: Method,
    /// Request path as received.
    pub path: String,
    /// Query string.
    pub query: Option<String>,
    /// Headers as received.
    pub headers: HeaderMap,
    /// Body bytes as received.
    pub body: Bytes,
    /// The relay's verdict.
    pub signature: SignatureState,
    /// Provider's delivery id, reused when re-signing.
    pub provider_delivery_id: Option<String>,
}

impl Payload {
    /// Roughly the bytes this payload holds, for the queue's memory budget.
    pub fn weight(&self) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 32).sum();
        self.body.len() + headers + self.path.len() + self.query.as_ref().map_or(0, String::len) + 128
    }
}

/// A delivery waiting to be forwarded.
#[derive(Debug, Clone)]
pub struct Job {
    /// Identity.
    pub meta: Arc<Meta>,
    /// The request, unless it must be reloaded.
    pub payload: Option<Arc<Payload>>,
    /// Attempts that count towards the retry limit so far.
    pub attempts: u32,
}

/// Rebuilds the payload from a stored row.
pub fn payload_from(d: &Delivery) -> Option<Payload> {
    Some(Payload {
        method: Method::from_bytes(d.method.as_bytes()).ok()?,
        path: d.path.clone(),
        query: d.query.clone(),
        headers: d.headers.clone(),
        body: d.body.clone(),
        signature: d.signature,
        provider_delivery_id: d.provider_delivery_id.clone(),
    })
}

/// The target's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body, up to the response limit (`--max-body`).
    pub body: Bytes,
    /// The body's full size, which is more than `body` holds when it was cut.
    pub size: usize,
}

impl Answer {
    /// Whether the body was longer than the response limit, and cut.
    pub fn cut(&self) -> bool {
        self.size > self.body.len()
    }
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Could not connect.
    Connect(String),
    /// No answer within the timeout.
    Timeout(Duration),
    /// The target closed a kept-alive connection that had answered before, as this
    /// request went out on it: no application read it, so it may go again at once.
    Closed(String),
    /// The connection broke while sending or reading.
    Other(String),
    /// The request could not be built (a bad target URL); retrying cannot help.
    Request(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "connect: {e}"),
            Failure::Timeout(d) => write!(f, "no answer within {} ms", d.as_millis()),
            Failure::Closed(e) | Failure::Other(e) => f.write_str(e),
            Failure::Request(e) => write!(f, "request: {e}"),
        }
    }
}

/// One attempt's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The full URL tried.
    pub url: String,
    /// Unix ms at the start.
    pub started_at: i64,
    /// How long it took.
    pub duration: Duration,
    /// The answer or why there was none.
    pub result: Result<Answer, Failure>,
}

/// Builds the request the target sees: same method, path suffix, query, headers
/// (hop-by-hop dropped, Host from the URL) and body, plus the hooktap headers.
pub fn build_request(meta: &Meta, payload: &Payload, resign: Option<&Signer>) -> Result<Request<Full<Bytes>>, String> {
    let url = forward_url(&meta.target, &meta.route, &payload.path, payload.query.as_deref());
    let uri: http::Uri = url.parse().map_err(|e| format!("forward URL {url:?} is invalid: {e}"))?;
    let mut headers = HeaderMap::with_capacity(payload.headers.len() + 2);
    let named_in_connection: Vec<String> = payload
        .headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect();
    for (name, value) in &payload.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n)
            || n.starts_with("proxy-")
            || n == "content-length"
            || n == DELIVERY_HEADER
            || n == SIGNATURE_HEADER
            || named_in_connection.iter().any(|c| c == n)
        {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    if let Some(signer) = resign.filter(|s| resigns(s, meta, payload)) {
        resign_headers(&mut headers, meta, payload, signer)?;
    }
    headers.insert(
        HeaderName::from_static(DELIVERY_HEADER),
        HeaderValue::from_str(&meta.id).map_err(|_| "delivery id is not a header value".to_string())?,
    );
    headers.insert(
        HeaderName::from_static(SIGNATURE_HEADER),
        HeaderValue::from_static(signature_value(payload.signature)),
    );
    // hyper sends no length for an empty body; an app reading Content-Length (or a
    // server answering 411 without it) gets the 0 the sender gave, or that a body-carrying method implies.
    let declared = payload.headers.contains_key(http::header::CONTENT_LENGTH);
    let carries_body = matches!(payload.method, http::Method::POST | http::Method::PUT | http::Method::PATCH);
    if payload.body.is_empty() && (declared || carries_body) {
        headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    let mut req = Request::builder()
        .method(payload.method.clone())
        .uri(uri)
        .body(Full::new(payload.body.clone()))
        .map_err(|e| format!("building the forward request: {e}"))?;
    *req.headers_mut() = headers;
    Ok(req)
}

/// `X-Hooktap-Signature`'s value: `valid`, `invalid` or `unchecked`. A missing signature
/// failed the check too, and an app that refuses `invalid` must refuse it as well; the
/// stored record keeps the difference.
fn signature_value(state: SignatureState) -> &'static str {
    match state {
        SignatureState::Missing => SignatureState::Invalid.as_str(),
        other => other.as_str(),
    }
}

/// Whether `--resign`'s `signer` applies to a delivery: one of its own provider (another
/// provider's delivery would gain a second, foreign set of signature headers), and not one
/// that failed its check (`--forward-invalid`), which the app must still be able to refuse.
fn resigns(signer: &Signer, meta: &Meta, payload: &Payload) -> bool {
    let failed = matches!(payload.signature, SignatureState::Invalid | SignatureState::Missing);
    !failed && meta.provider.as_deref() == Some(signer.provider.info().name.as_str())
}

/// Replaces the signature headers with fresh ones from `signer` (a local dev secret).
fn resign_headers(headers: &mut HeaderMap, meta: &Meta, payload: &Payload, signer: &Signer) -> Result<(), String> {
    let secret = signer.secret.as_ref().ok_or("the --resign profile has no secret")?;
    let id = payload.provider_delivery_id.as_deref().unwrap_or(&meta.id);
    let input =
        SignInput { body: &payload.body, secret, timestamp: crate::util::unix_now(), id, event: meta.event.as_deref() };
    let fresh = signer.provider.sign_like(&input, headers).map_err(|e| e.to_string())?;
    headers.remove(signer.provider.info().signature_header.as_str());
    for name in fresh.keys() {
        headers.remove(name);
    }
    for (name, value) in &fresh {
        headers.append(name.clone(), value.clone());
    }
    if let Some(auth) = &signer.auth {
        let value = HeaderValue::from_str(auth.expose()).map_err(|_| "the auth value is not a header value")?;
        headers.insert(http::header::AUTHORIZATION, value);
    }
    Ok(())
}

/// Sends `req` and reads the answer, all within `timeout`; response bodies beyond `max_body` are cut.
pub async fn send(client: &HttpClient, req: Request<Full<Bytes>>, timeout: Duration, max_body: usize) -> Outcome {
    let url = req.uri().to_string();
    let started_at = crate::util::unix_ms_now();
    let begun = Instant::now();
    let mut req = req;
    let capture = hyper_util::client::legacy::connect::capture_connection(&mut req);
    let work = async {
        let resp = client.request(req).await.map_err(|e| {
            let detail = crate::net::chain(&e);
            // For a connect error the root cause ("Connection refused (os error 111)") says it all.
            let root = crate::net::innermost(&e);
            if e.is_connect() && detail.contains("certificate") {
                Failure::Connect(format!(
                    "{root}; add --insecure (-k) to accept a certificate no public authority signed"
                ))
            } else if e.is_connect() {
                Failure::Connect(root)
            } else if crate::net::client::peer_closed(&e) && Answered::of(&capture).is_some_and(|a| a.get()) {
                Failure::Closed(detail)
            } else {
                // On a fresh connection a close may come after the app read the request,
                // so it waits out a backoff like any failure.
                Failure::Other(detail)
            }
        })?;
        if let Some(answered) = Answered::of(&capture) {
            answered.set();
        }
        let (parts, body) = resp.into_parts();
        // A long answer is still an answer: its status decides, and the body is kept cut.
        let (body, size) = crate::net::read_capped(body, max_body)
            .await
            .map_err(|(e, _)| Failure::Other(format!("reading the answer: {}", crate::net::chain(&e))))?;
        Ok(Answer { status: parts.status, headers: parts.headers, body, size })
    };
    let result = match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(Failure::Timeout(timeout)),
    };
    Outcome { url, started_at, duration: begun.elapsed(), result }
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
        Err(Failure::Request(_)) => false,
        Err(_) => true,
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

    #[test]
    fn forwarded_headers_keep_repeats_and_drop_hop_by_hop() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", "1".parse().unwrap());
        headers.append("x-a", "2".parse().unwrap());
        headers.append("connection", "keep-alive, x-secret-hop".parse().unwrap());
        headers.append("x-secret-hop", "gone".parse().unwrap());
        headers.append("proxy-authorization", "gone".parse().unwrap());
        headers.append("content-length", "3".parse().unwrap());
        headers.append("host", "public.example".parse().unwrap());
        headers.append(DELIVERY_HEADER, "spoofed".parse().unwrap());
        let payload = Payload {
            method: Method::PUT,
            path: "/hook/x".into(),
            query: Some("a=1&a=2".into()),
            headers,
            body: Bytes::from_static(b"\x00\x01\xff"),
            signature: SignatureState::Valid,
            provider_delivery_id: None,
        };
        let meta = Meta {
            id: "01ID".into(),
            target: "http://127.0.0.1:9/t".into(),
            route: "/hook".into(),
            provider: None,
            event: None,
        };
        let req = build_request(&meta, &payload, None).unwrap();
        assert_eq!(req.method(), Method::PUT);
        assert_eq!(req.uri().to_string(), "http://127.0.0.1:9/t/x?a=1&a=2");
        let h = req.headers();
        assert_eq!(h.get_all("x-a").iter().collect::<Vec<_>>(), ["1", "2"]);
        for gone in ["connection", "x-secret-hop", "proxy-authorization", "content-length", "host"] {
            assert!(h.get(gone).is_none(), "{gone} was forwarded");
        }
        assert_eq!(h[DELIVERY_HEADER], "01ID");
        assert_eq!(h[SIGNATURE_HEADER], "valid");
    }
}
