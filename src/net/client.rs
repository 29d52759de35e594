//! One pooled HTTP client: HTTP/1.1 keep-alive, HTTPS through rustls (ring), h2 when offered via ALPN.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Request body type used for every outgoing request: the bytes are known up front.
pub type Body = Full<Bytes>;

/// A pooled client for `http://` and `https://` URLs.
pub type HttpClient = Client<HttpsConnector<HttpConnector>, Body>;

/// Builds a client. `max_idle_per_host` bounds the keep-alive pool per target.
pub fn client(max_idle_per_host: usize) -> HttpClient {
    install_crypto_provider();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle_per_host)
        .pool_idle_timeout(Duration::from_secs(30))
        .build(https)
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
