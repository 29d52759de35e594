//! One pooled HTTP client: HTTP/1.1 keep-alive, HTTPS through rustls (ring), h2 when offered via ALPN.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::DigitallySignedStruct;
use rustls::SignatureScheme;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// Request body type used for every outgoing request: the bytes are known up front.
pub type Body = Full<Bytes>;

/// A pooled client for `http://` and `https://` URLs.
pub type HttpClient = Client<HttpsConnector<HttpConnector>, Body>;

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
        .build(https)
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
