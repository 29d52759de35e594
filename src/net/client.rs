//! One pooled HTTP client: HTTP/1.1 keep-alive, HTTPS through rustls (ring), h2 when offered via ALPN.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{CaptureConnection, Connected, Connection, HttpConnector};
use hyper_util::rt::TokioExecutor;
use rustls::DigitallySignedStruct;
use rustls::SignatureScheme;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// Request body type used for every outgoing request: the bytes are known up front.
pub type Body = Full<Bytes>;

/// A pooled client for `http://` and `https://` URLs.
pub type HttpClient = Client<Tracked<HttpsConnector<HttpConnector>>, Body>;

/// Which server certificates the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Trust {
    /// Those that chain to the public web's roots (webpki-roots) and name the host.
    #[default]
    WebRoots,
    /// Any certificate, as `curl -k` does (`--insecure`): for local servers with a
    /// self-signed one, such as `listen --tls self-signed`. The handshake's
    /// signatures are still checked; who the server is is not.
    AnyCertificate,
}

/// Builds a client that trusts the web's roots. `max_idle_per_host` bounds the keep-alive pool per target.
pub fn client(max_idle_per_host: usize) -> HttpClient {
    client_with(max_idle_per_host, Trust::WebRoots)
}

/// Builds a client with a chosen [`Trust`].
pub fn client_with(max_idle_per_host: usize, trust: Trust) -> HttpClient {
    install_crypto_provider();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    let builder = hyper_rustls::HttpsConnectorBuilder::new();
    let builder = match trust {
        Trust::WebRoots => builder.with_webpki_roots(),
        Trust::AnyCertificate => builder.with_tls_config(any_certificate()),
    };
    let https = builder.https_or_http().enable_http1().enable_http2().wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle_per_host)
        .pool_idle_timeout(Duration::from_secs(30))
        .build(Tracked(https))
}

/// TLS for a connection made by hand (the tunnel's WebSocket) with a chosen
/// [`Trust`]; it offers HTTP/1.1 only, which a WebSocket upgrade needs.
pub fn tls_config(trust: Trust) -> rustls::ClientConfig {
    use hyper_rustls::ConfigBuilderExt as _;
    install_crypto_provider();
    let mut config = match trust {
        Trust::WebRoots => {
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("ring supports the default protocol versions")
                .with_webpki_roots()
                .with_no_client_auth()
        }
        Trust::AnyCertificate => any_certificate(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// A connector whose connections remember whether they have carried an answer, so a
/// caller can tell a kept-alive connection the server closed under a new request (the
/// request reached no application) from a fresh one it closed after reading it.
#[derive(Debug, Clone)]
pub struct Tracked<C>(C);

/// A connection that knows whether an answer has come over it; see [`Tracked`].
#[derive(Debug)]
pub struct TrackedIo<T> {
    io: T,
    answered: Answered,
}

/// Set once a connection has carried an answer; found in the [`Connected`] extras.
#[derive(Debug, Clone, Default)]
pub struct Answered(Arc<AtomicBool>);

impl Answered {
    /// Marks the connection as having carried an answer.
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it has.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// The flag of the connection `capture` saw a request go out on, if any.
    pub fn of(capture: &CaptureConnection) -> Option<Answered> {
        let connected = capture.connection_metadata();
        let mut extras = http::Extensions::new();
        connected.as_ref()?.get_extras(&mut extras);
        extras.get::<Answered>().cloned()
    }
}

impl<C> tower_service::Service<Uri> for Tracked<C>
where
    C: tower_service::Service<Uri>,
    C::Future: Send + 'static,
    C::Response: Connection,
{
    type Response = TrackedIo<C::Response>;
    type Error = C::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.0.call(uri);
        Box::pin(async move { Ok(TrackedIo { io: connecting.await?, answered: Answered::default() }) })
    }
}

impl<T: Connection> Connection for TrackedIo<T> {
    fn connected(&self) -> Connected {
        self.io.connected().extra(self.answered.clone())
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for TrackedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for TrackedIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

/// A TLS client configuration that accepts any server certificate.
fn any_certificate() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth()
}

/// Accepts every certificate, but checks that the server holds its key.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Makes ring rustls's process-wide crypto provider; safe to call more than once.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether an exchange failed because the peer had closed the connection under it:
/// the request was never taken (cancelled), the connection ended before any answer,
/// or it was reset or broken. On a kept-alive connection this is the server closing
/// it as the request crossed, so no application read the request.
pub fn peer_closed(err: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset};
    let mut at = Some(err);
    while let Some(e) = at {
        if let Some(h) = e.downcast_ref::<hyper::Error>()
            && (h.is_canceled() || h.is_incomplete_message())
        {
            return true;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && matches!(io.kind(), ConnectionReset | BrokenPipe | ConnectionAborted)
        {
            return true;
        }
        at = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::peer_closed;

    #[derive(Debug, thiserror::Error)]
    #[error("client error")]
    struct Wrapper(#[source] std::io::Error);

    #[test]
    fn resets_anywhere_in_the_chain_mean_the_peer_closed() {
        let reset = Wrapper(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(peer_closed(&reset));
        let refused = Wrapper(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(!peer_closed(&refused), "a refused connect never carried a request");
        assert!(!peer_closed(&std::io::Error::other("bad chunk size")));
    }
}
