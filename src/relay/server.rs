//! The HTTP side: accept loop with a connection limit, optional TLS, HTTP/1.1 and
//! h2 on one port, header read and body timeouts, body limit, graceful drain.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::health::HEALTH_PATH;
use super::ingest::{ingest, text};
use super::{App, Shutdown};

/// How long connections get to finish their requests once shutdown starts.
const DRAIN: Duration = Duration::from_secs(15);

/// Streams per h2 connection.
const H2_STREAMS: u32 = 256;

/// Connection-level limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for request headers (and the TLS handshake).
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// Accepts connections until shutdown, then drains them.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Arc<App>,
    limits: Limits,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(H2_STREAMS);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut conns = JoinSet::new();
    loop {
        while conns.try_join_next().is_some() {}
        let permit = tokio::select! {
            _ = shutdown.wait() => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            _ = shutdown.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Usually out of file descriptors: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        conns.spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(handle(&app, req, Some(remote)).await) }
            });
            match tls {
                Some(acceptor) => {
                    let Ok(Ok(stream)) = tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await
                    else {
                        return;
                    };
                    let _ = watcher.watch(builder.serve_connection(TokioIo::new(stream), service)).await;
                }
                None => {
                    let _ = watcher.watch(builder.serve_connection(TokioIo::new(stream), service)).await;
                }
            }
        });
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN, async {
        graceful.shutdown().await;
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("connections still open after {} s; closing them", DRAIN.as_secs());
        conns.abort_all();
        while conns.join_next().await.is_some() {}
    }
    Ok(())
}

/// Answers one request; callable without a socket.
pub async fn handle<B>(app: &App, req: Request<B>, remote: Option<SocketAddr>) -> Response<Full<Bytes>>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if req.uri().path() == HEALTH_PATH {
        return health(app, req.method());
    }
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > app.max_body) {
        return too_large(app, req.uri().path(), remote);
    }
    let (parts, body) = req.into_parts();
    let limit = usize::try_from(app.max_body).unwrap_or(usize::MAX);
    match tokio::time::timeout(app.body_timeout, Limited::new(body, limit).collect()).await {
        Err(_) => text(StatusCode::REQUEST_TIMEOUT, "the body did not arrive in time\n"),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => too_large(app, parts.uri.path(), remote),
        Ok(Err(e)) => text(StatusCode::BAD_REQUEST, &format!("could not read the body: {e}\n")),
        Ok(Ok(collected)) => ingest(app, parts, collected.to_bytes(), remote).await,
    }
}

fn too_large(app: &App, path: &str, remote: Option<SocketAddr>) -> Response<Full<Bytes>> {
    let from = remote.map(|r| format!(" from {r}")).unwrap_or_default();
    app.console.notice(&format!("refused a body over {} bytes{from} on {path} (413); raise --max-body", app.max_body));
    text(StatusCode::PAYLOAD_TOO_LARGE, &format!("body larger than {} bytes\n", app.max_body))
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
