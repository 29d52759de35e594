//! Request admission for the relay: the health endpoint, the body limit and
//! timeouts, a refused body held until its answer is sent; a request read in full
//! becomes an [`Incoming`] for [`ingest`].

use std::net::SocketAddr;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Body;

use super::App;
use super::health::HEALTH_PATH;
use super::ingest::{Incoming, ingest, text};
use crate::net::body::{BodyError, read_limited};
use crate::net::server::{Handler, Refused};
use crate::store::Source;

impl Handler for App {
    async fn respond(
        &self,
        req: Request<hyper::body::Incoming>,
        remote: Option<SocketAddr>,
    ) -> (Response<Full<Bytes>>, Option<hyper::body::Incoming>) {
        respond(self, req, remote).await
    }

    fn refused(&self, refused: &Refused<'_>) {
        self.stats.refused();
        self.console.refused(refused);
    }
}

/// Answers one request; callable without a socket.
pub async fn handle<B>(app: &App, req: Request<B>, remote: Option<SocketAddr>) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    respond(app, req, remote).await.0
}

/// The answer to a request, and its body when that was refused unread (too large, too
/// slow): the caller drops it only once the answer is sent, see [`Held`].
async fn respond<B>(app: &App, req: Request<B>, remote: Option<SocketAddr>) -> (Response<Full<Bytes>>, Option<B>)
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if req.uri().path() == HEALTH_PATH {
        return (health(app, req.method()), None);
    }
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (parts, mut body) = req.into_parts();
    if declared.is_some_and(|n| n > app.max_body) {
        // A sender waiting for `100 Continue` has sent nothing yet: it hears the 413 first.
        let waiting =
            parts.headers.get(http::header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
        let answer = too_large(app, &parts.method, parts.uri.path(), remote);
        let unread = if waiting { Some(body) } else { drain_or_keep(body, declared, app).await };
        return (answer, unread);
    }
    let limit = usize::try_from(app.max_body).unwrap_or(usize::MAX);
    let read = tokio::time::timeout(app.body_timeout, read_limited(&mut body, limit));
    // A body still arriving when the relay stops could not be acknowledged anyway:
    // the sender hears so shortly into the stop instead of holding it up.
    let read = tokio::select! {
        read = read => read,
        () = app.forwarder.stop_grace_over() => {
            let why = "hooktap is stopping; the request was not stored";
            let hint = Some("the sender sends it again once the relay runs");
            let answer = refuse(app, StatusCode::SERVICE_UNAVAILABLE, &parts.method, parts.uri.path(), remote, why, hint);
            return (answer, Some(body));
        }
    };
    let answer = match read {
        Err(_) => {
            let why = format!("the body did not arrive within {} s", app.body_timeout.as_secs_f64());
            refuse(app, StatusCode::REQUEST_TIMEOUT, &parts.method, parts.uri.path(), remote, &why, None)
        }
        Ok(Err(BodyError::TooLarge)) => {
            let answer = too_large(app, &parts.method, parts.uri.path(), remote);
            let unread = drain_or_keep(body, declared, app).await;
            return (answer, unread);
        }
        Ok(Err(BodyError::Read(e))) => {
            let why = format!("could not read the body: {e}");
            refuse(app, StatusCode::BAD_REQUEST, &parts.method, parts.uri.path(), remote, &why, None)
        }
        Ok(Ok(bytes)) => return (ingest(app, Incoming::from_parts(Source::Listen, parts, bytes, remote)).await, None),
    };
    (answer, Some(body))
}

/// Most of a refused body read and thrown away so that its sender hears the answer.
const DRAIN_MAX: u64 = 16 * 1024 * 1024;

/// Reads a refused body (`declared` bytes long, if the sender said) to its end and throws it away,
/// when it is small enough and arrives in time (the body timeout, and no later than a
/// stop lets requests finish): a sender still sending when the answer comes may miss it
/// (HTTP/2 clients such as curl's take the stream's end for an error). Otherwise gives
/// the body back, to be held until the answer is sent.
async fn drain_or_keep<B>(mut body: B, declared: Option<u64>, app: &App) -> Option<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    if declared.is_some_and(|n| n > DRAIN_MAX) {
        return Some(body);
    }
    let mut read = 0u64;
    let drain = async {
        while let Some(Ok(frame)) = body.frame().await {
            if let Ok(data) = frame.into_data() {
                read += data.len() as u64;
                if read > DRAIN_MAX {
                    return false;
                }
            }
        }
        true
    };
    let drained = tokio::select! {
        read = tokio::time::timeout(app.body_timeout, drain) => matches!(read, Ok(true)),
        () = app.forwarder.stop_grace_over() => false,
    };
    (!drained).then_some(body)
}

fn too_large(app: &App, method: &Method, path: &str, remote: Option<SocketAddr>) -> Response<Full<Bytes>> {
    let why = format!("the body is larger than {} bytes", app.max_body);
    refuse(app, StatusCode::PAYLOAD_TOO_LARGE, method, path, remote, &why, Some("raise --max-body"))
}

/// Answers a request that could not be read in full, so nothing was stored: the
/// sender gets the reason, and the person watching and the health counts see it.
fn refuse(
    app: &App,
    status: StatusCode,
    method: &Method,
    path: &str,
    remote: Option<SocketAddr>,
    why: &str,
    hint: Option<&str>,
) -> Response<Full<Bytes>> {
    app.refused(&Refused {
        method: Some(method.as_str()),
        path: Some(path),
        remote,
        answered: status.as_u16(),
        reason: why,
        hint,
    });
    text(status, &format!("{why}\n"))
}

fn health(app: &App, method: &Method) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        let mut resp = text(StatusCode::METHOD_NOT_ALLOWED, "use GET\n");
        resp.headers_mut().insert(http::header::ALLOW, http::HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let body = super::health::report(app).to_string();
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    resp.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    resp
}
