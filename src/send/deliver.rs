//! Sending `send`'s requests: one through the shared attempt function, or many
//! under load, each worker on an HTTP/1.1 connection of its own.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Uri};
use http_body_util::Full;
use hyper::body::Body as _;
use hyper::client::conn::http1::SendRequest;
use tracing::Level;

use super::request::Prepared;
use crate::exchange::{Answer, Exchange, Failure, Limits, cut_off, failed, timed};
use crate::net::HttpClient;
use crate::net::{chain, read_capped};
use crate::signal::Shutdown;

/// Most response-body bytes kept; the rest is read (so the connection can be
/// reused) and counted, not stored.
pub const KEEP_BODY: usize = crate::store::RESPONSE_BODY_CAP;

/// POSTs `prepared` to `uri`, giving the whole exchange `timeout`; `stop`
/// firing first ends it as [`Failure::Interrupted`].
pub async fn deliver(
    client: &HttpClient,
    uri: &Uri,
    prepared: &Prepared,
    timeout: Duration,
    stop: &Shutdown,
) -> Exchange {
    let url = uri.to_string();
    let limits = Limits { timeout, max_body: KEEP_BODY, stale_resends: 0 };
    let build = || Ok(post(uri.clone(), prepared.body.clone(), prepared.headers.clone()));
    crate::exchange::attempt(client, &url, build, limits, Some(stop)).await
}

/// A POST of `body` with `headers` to `uri`, with the `Content-Length: 0` an empty one needs.
fn post(uri: Uri, body: Bytes, headers: HeaderMap) -> Request<Full<Bytes>> {
    let mut request = Request::new(Full::new(body));
    *request.method_mut() = http::Method::POST;
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    empty_body_length(&mut request);
    request
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
    /// The URL every request goes to, for the record.
    url: String,
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
        Some(Own { url: uri.to_string(), sender: None, served: 0, addr, target, host })
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
    /// exchange `timeout`; `stop` resolving first ends it as [`Failure::Interrupted`].
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
    ) -> Exchange {
        let own = match self {
            Link::Pooled(client) => {
                let request = post(uri.clone(), body, headers.clone());
                return crate::exchange::send(client, request, timeout, KEEP_BODY, stop).await;
            }
            Link::Own(own) => own,
        };
        let url = own.url.clone();
        let outcome = timed(&url, timeout, stop, |_| exchange_own(own, body, headers)).await;
        if outcome.result.is_err() {
            // The connection's state is unknown after a failure: start afresh next time.
            own.sender = None;
        }
        outcome
    }
}

async fn exchange_own(own: &mut Own, body: Bytes, headers: &HeaderMap) -> Result<Answer, Failure> {
    match exchange_once(own, body.clone(), headers).await {
        // The server closed a kept-alive connection as the request went out (it may
        // close an idle one at any time without saying so): the request reached no
        // application, so it goes again, once, on a fresh connection, as curl does.
        Err(Try::Stale(e)) => {
            tracing::debug!(
                "the server closed a kept-alive connection as the request went out ({e}); sending it again on a new one"
            );
            own.sender = None;
            exchange_once(own, body, headers).await.map_err(Try::into_error)
        }
        result => result.map_err(Try::into_error),
    }
}

/// How one try on a worker's connection failed.
enum Try {
    /// A reused connection was found closed before any answer came: safe to try again.
    Stale(Failure),
    /// Anything else: reported as it is.
    Failed(Failure),
}

impl Try {
    fn into_error(self) -> Failure {
        match self {
            Try::Stale(e) | Try::Failed(e) => e,
        }
    }
}

async fn exchange_once(own: &mut Own, body: Bytes, headers: &HeaderMap) -> Result<Answer, Try> {
    if own.sender.as_ref().is_none_or(|s| s.is_closed()) {
        own.sender = Some(connect(&own.addr).await.map_err(Try::Failed)?);
        own.served = 0;
    }
    let reused = own.served > 0;
    let Some(s) = own.sender.as_mut() else { return Err(Try::Failed(Failure::Other("no connection".into()))) };
    // Not ready means closed, and nothing has been written yet.
    s.ready().await.map_err(|e| Try::Stale(failed(&e)))?;
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
            Try::Stale(failed(&e))
        } else {
            Try::Failed(failed(&e))
        }
    })?;
    own.served += 1;
    let (parts, body) = response.into_parts();
    let (body, size) =
        read_capped(body, KEEP_BODY).await.map_err(|(e, size)| Try::Failed(cut_off(&parts, size, &e)))?;
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
async fn connect(addr: &str) -> Result<SendRequest<Full<Bytes>>, Failure> {
    let start = Instant::now();
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| {
        tracing::debug!("could not connect to {addr}: {e}");
        Failure::Connect(e.to_string())
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
        .map_err(|e| Failure::Connect(chain(&e)))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
