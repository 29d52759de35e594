//! One HTTP exchange: POST a prepared request, time it, and read a capped
//! answer; [`super::failure`] says what went wrong when there is none.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri};
use http_body_util::Full;
use hyper::body::Body as _;
use hyper::client::conn::http1::SendRequest;
use hyper_util::client::legacy::connect::HttpInfo;
use tracing::Level;

use super::failure::{SendError, cut_off, failed};
use super::request::Prepared;
use crate::net::HttpClient;
use crate::net::{chain, innermost, read_capped};

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

/// POSTs `prepared` to `uri`, giving the whole exchange `timeout`; `stop`
/// resolving first ends it as [`SendError::Interrupted`].
pub async fn deliver(
    client: &HttpClient,
    uri: &Uri,
    prepared: &Prepared,
    timeout: Duration,
    stop: impl Future<Output = ()>,
) -> Outcome {
    let (body, headers) = (prepared.body.clone(), prepared.headers.clone());
    timed(timeout, stop, |start| exchange_pooled(client, uri, body, headers, start)).await
}

/// Runs one exchange under `timeout`, unless `stop` comes first, and times it.
async fn timed<F>(timeout: Duration, stop: impl Future<Output = ()>, exchange: impl FnOnce(Instant) -> F) -> Outcome
where
    F: Future<Output = Result<Answer, SendError>>,
{
    let started_at = crate::util::unix_ms_now();
    let start = Instant::now();
    let result = tokio::select! {
        result = tokio::time::timeout(timeout, exchange(start)) => result.unwrap_or(Err(SendError::Timeout(timeout))),
        () = stop => Err(SendError::Interrupted),
    };
    Outcome { started_at, latency: start.elapsed(), result }
}

/// POSTs `body` with `headers` to `uri` through the pooled client.
async fn exchange_pooled(
    client: &HttpClient,
    uri: &Uri,
    body: Bytes,
    headers: HeaderMap,
    start: Instant,
) -> Result<Answer, SendError> {
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers;
    empty_body_length(&mut request);
    let response = client.request(request).await.map_err(|e| {
        if e.is_connect() {
            tracing::debug!("could not connect to {uri}: {}", chain(&e));
            SendError::Connect(innermost(&e))
        } else {
            failed(&e)
        }
    })?;
    let (parts, body) = response.into_parts();
    if tracing::enabled!(Level::DEBUG) {
        let remote =
            parts.extensions.get::<HttpInfo>().map_or_else(|| "?".to_string(), |i| i.remote_addr().to_string());
        let tls = if uri.scheme_str() == Some("https") { " with TLS" } else { "" };
        tracing::debug!(
            "answer from {remote} over {:?}{tls}: {} after {:.1} ms; reading its body",
            parts.version,
            parts.status,
            ms(start.elapsed()),
        );
    }
    let (body, size) = read_capped(body, KEEP_BODY).await.map_err(|(e, size)| cut_off(&parts, size, &e))?;
    Ok(Answer { status: parts.status, headers: parts.headers, body, size })
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
    /// exchange `timeout`; `stop` resolving first ends it as [`SendError::Interrupted`].
    /// (A link of its own always sends to the `uri` it was made for.) The headers are
    /// borrowed: the caller records them afterwards, and a request sent again after a
    /// stale connection needs them twice.
    pub async fn send(
        &mut self,
        uri: &Uri,
        body: Bytes,
        headers: &HeaderMap,
        timeout: Duration,
        stop: impl Future<Output = ()>,
    ) -> Outcome {
        let own = match self {
            Link::Pooled(client) => {
                return timed(timeout, stop, |start| exchange_pooled(client, uri, body, headers.clone(), start)).await;
            }
            Link::Own(own) => own,
        };
        let outcome = timed(timeout, stop, |_| exchange_own(own, body, headers)).await;
        if outcome.result.is_err() {
            // The connection's state is unknown after a failure: start afresh next time.
            own.sender = None;
        }
        outcome
    }
}

async fn exchange_own(own: &mut Own, body: Bytes, headers: &HeaderMap) -> Result<Answer, SendError> {
    match exchange_once(own, body.clone(), headers).await {
        // The server closed a kept-alive connection as the request went out (it may
        // close an idle one at any time without saying so): the request reached no
        // application, so it goes again, once, on a fresh connection, as curl does.
        Err(Exchange::Stale(e)) => {
            tracing::debug!(
                "the server closed a kept-alive connection as the request went out ({e}); sending it again on a new one"
            );
            own.sender = None;
            exchange_once(own, body, headers).await.map_err(Exchange::into_error)
        }
        result => result.map_err(Exchange::into_error),
    }
}

/// How one try on a worker's connection failed.
enum Exchange {
    /// A reused connection was found closed before any answer came: safe to try again.
    Stale(SendError),
    /// Anything else: reported as it is.
    Failed(SendError),
}

impl Exchange {
    fn into_error(self) -> SendError {
        match self {
            Exchange::Stale(e) | Exchange::Failed(e) => e,
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
    s.ready().await.map_err(|e| Exchange::Stale(failed(&e)))?;
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = own.target.clone();
    *request.headers_mut() = headers.clone();
    empty_body_length(&mut request);
    if let Some(host) = &own.host
        && !request.headers().contains_key(http::header::HOST)
    {
        request.headers_mut().insert(http::header::HOST, host.clone());
    }
    let response = s.send_request(request).await.map_err(|e| {
        if e.is_canceled() || (reused && crate::net::client::peer_closed(&e)) {
            Exchange::Stale(failed(&e))
        } else {
            Exchange::Failed(failed(&e))
        }
    })?;
    own.served += 1;
    let (parts, body) = response.into_parts();
    let (body, size) =
        read_capped(body, KEEP_BODY).await.map_err(|(e, size)| Exchange::Failed(cut_off(&parts, size, &e)))?;
    Ok(Answer { status: parts.status, headers: parts.headers, body, size })
}

/// Gives an empty POST its `Content-Length: 0`, which hyper leaves out: curl and the
/// providers send it, and servers such as nginx answer a POST without it 411.
fn empty_body_length(request: &mut Request<Full<Bytes>>) {
    if request.body().size_hint().exact() == Some(0) {
        request.headers_mut().insert(http::header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
}

/// Opens an HTTP/1.1 connection to `addr` and drives it on its own task.
async fn connect(addr: &str) -> Result<SendRequest<Full<Bytes>>, SendError> {
    let start = Instant::now();
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| {
        tracing::debug!("could not connect to {addr}: {e}");
        SendError::Connect(e.to_string())
    })?;
    if tracing::enabled!(Level::DEBUG) {
        // The address it resolved to, when the name was not one already.
        let peer = match stream.peer_addr() {
            Ok(p) if p.to_string() != addr => format!(" ({p})"),
            _ => String::new(),
        };
        tracing::debug!("connected to {addr}{peer} in {:.1} ms", ms(start.elapsed()));
    }
    let _ = stream.set_nodelay(true);
    let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| SendError::Connect(chain(&e)))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
