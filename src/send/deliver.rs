//! One HTTP exchange: POST a prepared request, time it, read a capped answer,
//! and classify failures (timeout, connect, other).

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;

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

    /// What to try, for the failures whose cause the user can fix from the command line.
    pub fn hint(&self) -> Option<&'static str> {
        let SendError::Connect(message) = self else { return None };
        if message.contains("certificate") {
            Some(
                "add --insecure (-k) to accept a certificate no public authority signed, such as listen --tls self-signed",
            )
        } else if message.contains("InvalidContentType") || message.contains("corrupt message") {
            Some("the server did not answer in TLS; if it speaks plain HTTP, use an http:// URL")
        } else if message.contains("refused") {
            Some("nothing is listening there; check the host and port, and that the server is running")
        } else {
            None
        }
    }
}

/// POSTs `prepared` to `uri`, giving the whole exchange `timeout`.
pub async fn deliver(client: &HttpClient, uri: &Uri, prepared: &Prepared, timeout: Duration) -> Outcome {
    deliver_parts(client, uri, prepared.body.clone(), prepared.headers.clone(), timeout).await
}

/// POSTs `body` with `headers` to `uri` through the pooled client.
async fn deliver_parts(client: &HttpClient, uri: &Uri, body: Bytes, headers: HeaderMap, timeout: Duration) -> Outcome {
    let started_at = crate::util::unix_ms_now();
    let start = Instant::now();
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers;
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

/// How a load worker reaches its target. For `http://` each worker keeps its own
/// HTTP/1.1 connection, so workers never contend on a shared pool; `https://` (where
/// TLS and h2 negotiation live in the pooled client) uses the shared client.
pub enum Link {
    /// A connection owned by this worker; reconnected after any failure.
    Own(Own),
    /// The shared pooled client (boxed: it is much larger than a connection handle).
    Pooled(Box<HttpClient>),
}

/// A worker's own HTTP/1.1 connection to one origin, with what every request
/// to it shares worked out once.
pub struct Own {
    /// The open connection, if any.
    sender: Option<SendRequest<Full<Bytes>>>,
    /// Answers received on that connection so far.
    served: u32,
    /// `host:port` to connect to.
    addr: String,
    /// The origin-form request target: path and query.
    target: Uri,
    /// The `Host` header, unless the authority cannot be one.
    host: Option<HeaderValue>,
}

impl Own {
    /// Nothing connected yet; `None` if `uri` has no authority.
    fn new(uri: &Uri) -> Option<Own> {
        let authority = uri.authority()?;
        let addr = if authority.port().is_some() { authority.as_str().to_string() } else { format!("{authority}:80") };
        // A connection of our own speaks to the origin: origin-form target plus Host.
        let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/").parse().unwrap_or_default();
        let host = HeaderValue::from_str(authority.as_str()).ok();
        Some(Own { sender: None, served: 0, addr, target, host })
    }
}

impl Link {
    /// The link a worker should use for `uri`.
    pub fn for_uri(client: &HttpClient, uri: &Uri) -> Link {
        match Own::new(uri) {
            Some(own) if uri.scheme_str() == Some("http") => Link::Own(own),
            _ => Link::Pooled(Box::new(client.clone())),
        }
    }

    /// POSTs `body` with `headers` to `uri` over this link, giving the whole
    /// exchange `timeout`. (A link of its own always sends to the `uri` it was made for.)
    /// The headers are borrowed: the caller records them afterwards, and a request
    /// sent again after a stale connection needs them twice.
    pub async fn send(&mut self, uri: &Uri, body: Bytes, headers: &HeaderMap, timeout: Duration) -> Outcome {
        let own = match self {
            Link::Pooled(client) => return deliver_parts(client, uri, body, headers.clone(), timeout).await,
            Link::Own(own) => own,
        };
        let started_at = crate::util::unix_ms_now();
        let start = Instant::now();
        let result = match tokio::time::timeout(timeout, exchange_own(own, body, headers)).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Timeout(timeout)),
        };
        if result.is_err() {
            // The connection's state is unknown after a failure: start afresh next time.
            own.sender = None;
        }
        Outcome { started_at, latency: start.elapsed(), result }
    }
}

async fn exchange_own(own: &mut Own, body: Bytes, headers: &HeaderMap) -> Result<Answer, SendError> {
    match exchange_once(own, body.clone(), headers).await {
        // The server closed a kept-alive connection as the request went out (it may
        // close an idle one at any time without saying so): the request reached no
        // application, so it goes again, once, on a fresh connection, as curl does.
        Err(Exchange::Stale(_)) => {
            own.sender = None;
            exchange_once(own, body, headers).await.map_err(Exchange::into_error)
        }
        result => result.map_err(Exchange::into_error),
    }
}

/// How one try on a worker's connection failed.
enum Exchange {
    /// A reused connection was found closed before any answer came: safe to try again.
    Stale(String),
    /// Anything else: reported as it is.
    Failed(SendError),
}

impl Exchange {
    fn into_error(self) -> SendError {
        match self {
            Exchange::Stale(e) => SendError::Other(e),
            Exchange::Failed(e) => e,
        }
    }
}

async fn exchange_once(own: &mut Own, body: Bytes, headers: &HeaderMap) -> Result<Answer, Exchange> {
    if own.sender.as_ref().is_none_or(|s| s.is_closed()) {
        own.sender = Some(connect(&own.addr).await.map_err(Exchange::Failed)?);
        own.served = 0;
    }
    let reused = own.served > 0;
    let Some(s) = own.sender.as_mut() else { return Err(Exchange::Failed(SendError::Other("no connection".into()))) };
    // Not ready means closed, and nothing has been written yet.
    s.ready().await.map_err(|e| Exchange::Stale(chain(&e)))?;
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = own.target.clone();
    *request.headers_mut() = headers.clone();
    if let Some(host) = &own.host
        && !request.headers().contains_key(http::header::HOST)
    {
        request.headers_mut().insert(http::header::HOST, host.clone());
    }
    let response = s.send_request(request).await.map_err(|e| {
        if e.is_canceled() || (reused && crate::net::client::peer_closed(&e)) {
            Exchange::Stale(chain(&e))
        } else {
            Exchange::Failed(SendError::Other(chain(&e)))
        }
    })?;
    own.served += 1;
    let (parts, body) = response.into_parts();
    let (body, size) = read_capped(body).await.map_err(|e| Exchange::Failed(SendError::Other(chain(&e))))?;
    Ok(Answer { status: parts.status, headers: parts.headers, body, size })
}

/// Opens an HTTP/1.1 connection to `addr` and drives it on its own task.
async fn connect(addr: &str) -> Result<SendRequest<Full<Bytes>>, SendError> {
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| SendError::Connect(e.to_string()))?;
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| SendError::Connect(chain(&e)))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
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
