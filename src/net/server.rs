//! An HTTP server any hooktap command can serve through: an accept loop with a
//! connection limit, optional TLS, HTTP/1.1 and h2 on one port, a header read
//! timeout and a graceful drain. What each request gets is its [`Handler`]'s.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Body;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::preface::{Prefixed, read_preface};
use crate::signal::Shutdown;
use crate::util::BindHost;

/// How long connections get to finish their requests once shutdown starts.
const DRAIN: Duration = Duration::from_secs(15);

/// How long a connection with no request in service may still take once the relay stops.
const HEAD_GRACE: Duration = Duration::from_secs(2);

/// Streams per h2 connection.
const H2_STREAMS: u32 = 256;

/// Largest h2 header block, about what hyper's HTTP/1.1 reading takes (h2's default is 16 KiB).
const H2_HEADER_LIST: u32 = 400 * 1024;

/// How often an h2 connection is pinged to check that its peer is still there.
const H2_PING_EVERY: Duration = Duration::from_secs(30);

/// What a server does with requests: answers them, and hears of those refused
/// before they reached it (malformed, or plain HTTP on a TLS port).
pub trait Handler: Send + Sync + 'static {
    /// The answer to `req`, and its body when that was refused unread: the server
    /// drops it only once the answer is sent (see [`Held`]).
    fn respond(
        &self,
        req: Request<hyper::body::Incoming>,
        remote: Option<SocketAddr>,
    ) -> impl Future<Output = (Response<Full<Bytes>>, Option<hyper::body::Incoming>)> + Send;

    /// A request refused before it reached [`Handler::respond`].
    fn refused(&self, refused: &Refused<'_>);
}

/// A request refused without being read in full, so nothing was stored.
#[derive(Debug)]
pub struct Refused<'a> {
    /// Method, when the request got as far as naming one.
    pub method: Option<&'a str>,
    /// Path, likewise.
    pub path: Option<&'a str>,
    /// Who sent it.
    pub remote: Option<std::net::SocketAddr>,
    /// The status it was answered.
    pub answered: u16,
    /// Why, as the sender was told.
    pub reason: &'a str,
    /// What the person running the server can do about it.
    pub hint: Option<&'a str>,
}

/// Connection-level limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for request headers (and the TLS handshake).
    pub header_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

/// Binds the relay's socket on `host` (`--bind`: an IP address, or a name such as
/// `localhost`) and `port`; a failure is a usage error whose hint fits its cause.
pub async fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let shown = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let addrs: Vec<SocketAddr> = match crate::util::bind_host(host) {
        Ok(BindHost::Ip(ip)) => vec![SocketAddr::new(ip, port)],
        Err(why) => return Err(bind_error(&shown, &format!("{host} {why}"), io::ErrorKind::InvalidInput, port)),
        Ok(BindHost::Name(host)) => match tokio::net::lookup_host((host, port)).await {
            Ok(found) => found.collect(),
            Err(e) => return Err(bind_error(&shown, &e.to_string(), io::ErrorKind::InvalidInput, port)),
        },
    };
    let mut last = None;
    for addr in &addrs {
        match TcpListener::bind(addr).await {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("{host} has no address")));
    Err(bind_error(&shown, &e.to_string(), e.kind(), port))
}

fn bind_error(addr: &str, why: &str, kind: io::ErrorKind, port: u16) -> anyhow::Error {
    crate::error::usage_hint(format!("cannot listen on {addr}: {why}"), bind_hint(kind, port))
}

/// What to do about a socket that would not bind, by the kind of failure.
fn bind_hint(kind: io::ErrorKind, port: u16) -> String {
    const CHECK_BIND: &str =
        "check --bind: an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)";
    match kind {
        io::ErrorKind::AddrInUse => {
            format!("another process uses port {port}; stop it, or pass another --port (0 picks a free one)")
        }
        io::ErrorKind::PermissionDenied if (1..1024).contains(&port) => {
            "ports below 1024 need privileges; pass --port 1024 or above (0 picks a free one)".into()
        }
        io::ErrorKind::PermissionDenied => {
            "the system refused this address and port; check --bind and --port, or a sandbox or firewall policy".into()
        }
        io::ErrorKind::AddrNotAvailable | io::ErrorKind::InvalidInput => CHECK_BIND.into(),
        _ => format!("{CHECK_BIND}; and --port (0 picks a free one)"),
    }
}

/// Accepts connections until shutdown, then drains them.
pub async fn serve<H: Handler>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Arc<H>,
    limits: Limits,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    // An idle h2 connection is normal, but one whose peer no longer answers pings holds a slot for nothing.
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(H2_STREAMS)
        .max_header_list_size(H2_HEADER_LIST)
        .keep_alive_interval(Some(H2_PING_EVERY))
        .keep_alive_timeout(limits.header_timeout);
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
        let stopping = shutdown.clone();
        conns.spawn(async move {
            let _permit = permit;
            let service_app = app.clone();
            // Requests of this connection being answered: at a stop, one with none has
            // nothing to finish (idle, or a request head still arriving).
            let busy = Arc::new(AtomicUsize::new(0));
            let in_service = busy.clone();
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let app = service_app.clone();
                let busy = Busy::enter(&in_service);
                async move {
                    let (answer, unread) = app.respond(req, Some(remote)).await;
                    drop(busy);
                    Ok::<_, Infallible>(answer.map(|body| Held { body, _unread: unread }))
                }
            });
            let deadline = tokio::time::Instant::now() + limits.header_timeout;
            let served = match tls {
                Some(acceptor) => {
                    // Until a request begins there is nothing to finish: a stop drops the connection.
                    let opened = until_stop(&stopping, async {
                        let mut first = [0u8; 1];
                        match tokio::time::timeout_at(deadline, stream.peek(&mut first)).await {
                            Ok(Ok(1)) if first[0] != TLS_HANDSHAKE => return Some(Err(stream)),
                            Ok(Ok(1)) => {}
                            _ => return None,
                        }
                        let mut stream = tokio::time::timeout_at(deadline, acceptor.accept(stream)).await.ok()?.ok()?;
                        let first = read_preface(&mut stream, deadline).await?;
                        Some(Ok(Prefixed::new(first, stream)))
                    });
                    match opened.await {
                        Some(Ok(io)) => {
                            let conn = watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(io), service));
                            until_idle_at_stop(conn, &stopping, &busy).await
                        }
                        Some(Err(plain)) => return refuse_plain_http(plain, app.as_ref(), remote, deadline).await,
                        None => return,
                    }
                }
                None => {
                    let mut stream = stream;
                    let Some(first) = until_stop(&stopping, read_preface(&mut stream, deadline)).await else { return };
                    let io = TokioIo::new(Prefixed::new(first, stream));
                    let conn = watcher.watch(builder.serve_connection_with_upgrades(io, service));
                    until_idle_at_stop(conn, &stopping, &busy).await
                }
            };
            if let Err(e) = served {
                refused_by_parser(app.as_ref(), remote, e.as_ref());
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

/// Counts a request in service while it lives.
struct Busy(Arc<AtomicUsize>);

impl Busy {
    fn enter(count: &Arc<AtomicUsize>) -> Busy {
        count.fetch_add(1, Ordering::Relaxed);
        Busy(count.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Serves a connection; once the relay stops, one with no request in service gets
/// [`HEAD_GRACE`] to finish (an answer still being written is flushed) and is then
/// dropped, instead of waiting out the header timeout for a request head that is
/// still arriving; one with a request in service lets it finish.
async fn until_idle_at_stop<F, E>(conn: F, shutdown: &Shutdown, busy: &AtomicUsize) -> Result<(), E>
where
    F: Future<Output = Result<(), E>>,
{
    tokio::pin!(conn);
    tokio::select! {
        served = &mut conn => return served,
        () = shutdown.wait() => {}
    }
    if busy.load(Ordering::Relaxed) > 0 {
        return conn.await;
    }
    tokio::time::timeout(HEAD_GRACE, conn).await.unwrap_or(Ok(()))
}

/// `fut`'s answer, or `None` once the relay starts stopping.
async fn until_stop<T>(shutdown: &Shutdown, fut: impl Future<Output = Option<T>>) -> Option<T> {
    tokio::select! {
        answer = fut => answer,
        () = shutdown.wait() => None,
    }
}

/// A request hyper could not parse was answered 400 (or 431) by hyper itself, with
/// nothing stored: the person watching and the health counts hear of it too.
fn refused_by_parser<H: Handler>(app: &H, remote: SocketAddr, e: &(dyn std::error::Error + Send + Sync + 'static)) {
    let Some(e) = e.downcast_ref::<hyper::Error>().filter(|e| e.is_parse() || e.is_parse_too_large()) else {
        return;
    };
    let (answered, hint) = if e.is_parse_too_large() {
        (431, "the request's headers are too many or too large")
    } else {
        (400, "the request is not well-formed HTTP; check the sender's headers, URL and Content-Length")
    };
    app.refused(&Refused {
        method: None,
        path: None,
        remote: Some(remote),
        answered,
        reason: &format!("could not parse the request: {e}"),
        hint: Some(hint),
    });
}

/// An answer's body that holds the request's unread body until the answer is sent.
/// Dropped first, an HTTP/2 request stream is reset with CANCEL ahead of the answer,
/// and the sender sees a stream error instead of, say, its 413; dropped after, h2 ends
/// it with NO_ERROR, which RFC 9113 (8.1) provides for an answer sent before the request
/// ended. Some clients (curl 7.88) take even that for an error, which is why a refused
/// body is first read to its end where it can be ([`drain_or_keep`]).
pub struct Held<B> {
    body: Full<Bytes>,
    _unread: Option<B>,
}

impl<B: Unpin> Body for Held<B> {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// The first byte of every TLS connection (a handshake record).
const TLS_HANDSHAKE: u8 = 0x16;

/// Answers plain HTTP sent to the TLS port with a readable 400 instead of a
/// dropped connection, so whoever typed `http://` learns to type `https://`.
async fn refuse_plain_http<H: Handler>(
    mut stream: tokio::net::TcpStream,
    app: &H,
    remote: SocketAddr,
    deadline: tokio::time::Instant,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut head = [0u8; 1024];
    let n = match tokio::time::timeout_at(deadline, stream.read(&mut head)).await {
        Ok(Ok(n)) => n,
        _ => return,
    };
    let line = String::from_utf8_lossy(&head[..n]);
    let mut words = line.lines().next().unwrap_or_default().split(' ');
    let (method, path) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    let why = "this port speaks HTTPS only; the request was plain HTTP";
    app.refused(&Refused {
        method: Some(method).filter(|m| !m.is_empty()),
        path: Some(path).filter(|p| !p.is_empty()),
        remote: Some(remote),
        answered: 400,
        reason: why,
        hint: Some("the sender's URL must start with https://"),
    });
    let body = format!("{why}: use https:// in the URL\n");
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
    // Reading what is left lets the answer arrive instead of a reset from unread input.
    let mut rest = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while matches!(stream.read(&mut rest).await, Ok(n) if n > 0) {}
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hint_of(host: &str, port: u16) -> (String, String) {
        let err = bind(host, port).await.expect_err("bind should fail");
        let c = crate::error::classify(&err);
        assert_eq!(c.code, crate::error::USAGE_CODE, "{err:#}");
        (c.message.unwrap_or_default(), c.hint.unwrap_or_default())
    }

    #[tokio::test]
    async fn a_port_in_use_points_at_another_process() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let (message, hint) = hint_of("127.0.0.1", port).await;
        assert!(message.starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")), "{message}");
        assert!(hint.starts_with("another process uses port"), "{hint}");
    }

    #[tokio::test]
    async fn an_invalid_address_points_at_bind_not_at_the_port() {
        let (message, hint) = hint_of("999.1.1.1", 0).await;
        assert_eq!(message, "cannot listen on 999.1.1.1:0: 999.1.1.1 is not an IP address");
        assert!(hint.starts_with("check --bind"), "{hint}");
    }

    #[tokio::test]
    async fn an_address_of_another_machine_points_at_bind() {
        // TEST-NET-1 (RFC 5737): documentation only, never an address of this machine.
        let (_, hint) = hint_of("192.0.2.1", 0).await;
        assert!(hint.starts_with("check --bind"), "{hint}");
    }

    #[tokio::test]
    async fn a_name_or_an_ip_address_binds() {
        for host in ["localhost", "127.0.0.1"] {
            let listener = bind(host, 0).await.unwrap();
            assert!(listener.local_addr().unwrap().ip().is_loopback());
        }
    }

    #[test]
    fn a_privileged_port_says_so() {
        assert!(bind_hint(io::ErrorKind::PermissionDenied, 80).starts_with("ports below 1024 need privileges"));
        assert!(!bind_hint(io::ErrorKind::PermissionDenied, 8080).contains("1024"));
        assert!(bind_hint(io::ErrorKind::AddrNotAvailable, 8080).starts_with("check --bind"));
    }
}
