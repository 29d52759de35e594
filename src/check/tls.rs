//! The `https` and `tls` checks: every provider requires an https URL, and
//! verifies the certificate behind it against the public web's roots.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::Uri;
use rustls::RootCertStore;
use rustls::pki_types::ServerName;

use super::judge::Judgement;
use super::{Verdict, say};

/// How close to expiry a certificate may be before it is a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// `https`: https passes; plain http warns, unless the host is this machine or a
/// private network, which no provider can reach anyway (skipped, with a note).
pub fn https(uri: &Uri) -> Judgement {
    let host = uri.host().unwrap_or_default();
    match uri.scheme_str() {
        Some("https") => Judgement { verdict: Verdict::Pass, reason: "the URL is https".into() },
        _ if is_local(host) => Judgement {
            verdict: Verdict::Skip,
            reason: format!(
                "{host} is local, so plain http is fine while developing; the URL you give the provider must be https"
            ),
        },
        _ => Judgement {
            verdict: Verdict::Warn,
            reason: format!(
                "plain http to {host}: every provider here requires an https endpoint, and anyone on the path \
                 can read the deliveries"
            ),
        },
    }
}

/// Whether `host` names this machine or a private network: `localhost` (and
/// `*.localhost`), loopback, private, link-local and unspecified addresses.
pub fn is_local(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Ok(IpAddr::V6(ip)) => {
            let first = ip.segments()[0];
            // fc00::/7 unique local, fe80::/10 link-local.
            ip.is_loopback() || ip.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// `tls`: a handshake as a provider makes it (the web's roots, the URL's host name),
/// then the certificate's expiry; `None` when the URL is not https. `insecure` (`-k`)
/// turns an untrusted certificate on a local address into a warning: the user has said
/// they accept it while developing, and no provider can reach the address anyway.
pub async fn certificate(uri: &Uri, timeout: Duration, insecure: bool) -> Option<Judgement> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let (judgement, untrusted) = certificate_with(uri, timeout, roots).await?;
    Some(if untrusted && insecure { accepted_untrusted(judgement, uri) } else { judgement })
}

/// An untrusted certificate the user accepted with `-k`: a warning on a local address
/// (a development setup, which no provider reaches), still a failure on a public one.
pub fn accepted_untrusted(j: Judgement, uri: &Uri) -> Judgement {
    if is_local(uri.host().unwrap_or_default()) {
        Judgement {
            verdict: Verdict::Warn,
            reason: format!(
                "{}; accepted with -k while developing on a local address, but the URL you give the provider \
                 needs a certificate from a public authority",
                j.reason
            ),
        }
    } else {
        Judgement {
            verdict: j.verdict,
            reason: format!("{} (--insecure lets the other checks through; providers do not)", j.reason),
        }
    }
}

/// [`certificate`] trusting `roots`, without `-k`; also says whether it failed because
/// the certificate is not trusted (as opposed to no connection or no handshake).
async fn certificate_with(uri: &Uri, timeout: Duration, roots: RootCertStore) -> Option<(Judgement, bool)> {
    if uri.scheme_str() != Some("https") {
        return None;
    }
    let host = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = uri.port_u16().unwrap_or(443);
    let fail = |reason: String| Some((Judgement { verdict: Verdict::Fail, reason }, false));
    let name = match ServerName::try_from(host.clone()) {
        Ok(name) => name,
        Err(e) => return fail(format!("{host:?} cannot be a TLS server name: {e}")),
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = match rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions() {
        Ok(builder) => builder.with_root_certificates(roots).with_no_client_auth(),
        Err(e) => return fail(format!("cannot set up TLS: {e}")),
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let handshake = async {
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| (false, e))?;
        connector.connect(name, tcp).await.map_err(|e| (true, e))
    };
    let stream = match tokio::time::timeout(timeout, handshake).await {
        Err(_) => return fail(format!("no TLS handshake within {}", say(timeout))),
        Ok(Err((false, e))) => return fail(format!("could not connect: {e}")),
        Ok(Err((true, e))) => {
            let (reason, untrusted) = handshake_failure(&e);
            return Some((Judgement { verdict: Verdict::Fail, reason }, untrusted));
        }
        Ok(Ok(stream)) => stream,
    };
    let (_, session) = stream.get_ref();
    let version = session.protocol_version().and_then(|v| v.as_str()).unwrap_or("TLS").replace('_', ".");
    let Some(leaf) = session.peer_certificates().and_then(|chain| chain.first()) else {
        return fail("the server sent no certificate".into());
    };
    match x509_parser::parse_x509_certificate(leaf) {
        Ok((_, cert)) => Some((
            expiry(cert.validity().not_after.timestamp(), crate::util::unix_now(), &host, version.as_str()),
            false,
        )),
        Err(e) => fail(format!("the certificate does not parse: {e}")),
    }
}

/// Why a handshake failed, in a provider's terms, and whether the certificate was the reason.
fn handshake_failure(e: &std::io::Error) -> (String, bool) {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(why)) => (
            format!(
                "the certificate is not valid for a provider ({why:?}): providers verify it against the public \
                 roots and will not deliver"
            ),
            true,
        ),
        Some(other) => (format!("the TLS handshake failed: {other}"), false),
        None => (format!("the TLS handshake failed: {e}"), false),
    }
}

/// A verified certificate expiring at `not_after` (unix seconds), judged at `now`:
/// within [`EXPIRY_WARNING_DAYS`] is a warning.
pub fn expiry(not_after: i64, now: i64, host: &str, version: &str) -> Judgement {
    let days = (not_after - now).div_euclid(86_400);
    let date = chrono::DateTime::from_timestamp(not_after, 0)
        .map_or_else(|| not_after.to_string(), |d| d.format("%Y-%m-%d").to_string());
    if days < EXPIRY_WARNING_DAYS {
        Judgement {
            verdict: Verdict::Warn,
            reason: format!(
                "the certificate for {host} expires on {date}, in {days} days: renew it before providers stop delivering"
            ),
        }
    } else {
        Judgement {
            verdict: Verdict::Pass,
            reason: format!("trusted certificate for {host} over {version}, valid until {date} ({days} days)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

    #[test]
    fn local_hosts_are_told_apart_from_public_ones() {
        for local in ["localhost", "api.localhost", "127.0.0.1", "[::1]", "10.1.2.3", "192.168.0.5", "0.0.0.0"] {
            assert!(is_local(local), "{local}");
        }
        for public in ["example.com", "8.8.8.8", "[2001:db8::1]", "localhost.example.com"] {
            assert!(!is_local(public), "{public}");
        }
        let verdict = |url: &str| https(&url.parse().unwrap()).verdict;
        assert_eq!(verdict("https://example.com/hook"), Verdict::Pass);
        assert_eq!(verdict("http://127.0.0.1:3000/hook"), Verdict::Skip);
        assert_eq!(verdict("http://example.com/hook"), Verdict::Warn);
    }

    #[test]
    fn certificates_near_expiry_warn() {
        let now = 1_700_000_000;
        let soon = expiry(now + 9 * 86_400 + 60, now, "example.com", "TLSv1.3");
        assert_eq!(soon.verdict, Verdict::Warn);
        assert!(soon.reason.contains("in 9 days"), "{}", soon.reason);
        let later = expiry(now + 90 * 86_400, now, "example.com", "TLSv1.3");
        assert_eq!(later.verdict, Verdict::Pass);
        assert!(later.reason.contains("2024-02-12 (90 days)"), "{}", later.reason);
    }

    /// A CA-signed certificate for localhost, expiring in `days`, served on 127.0.0.1:0
    /// for one handshake; the CA is what the client trusts.
    async fn serve_one(days: i64) -> (u16, RootCertStore) {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, ca_key).unwrap();
        let leaf_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let end = chrono::Utc::now() + chrono::Duration::days(days);
        use chrono::Datelike;
        params.not_after = rcgen::date_time_ymd(end.year(), end.month() as u8, end.day() as u8);
        let leaf = params.signed_by(&leaf_key, &ca).unwrap();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        crate::net::client::install_crypto_provider();
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            if let Ok((tcp, _)) = listener.accept().await {
                let _ = acceptor.accept(tcp).await;
            }
        });
        let mut roots = RootCertStore::empty();
        roots.add(ca.der().clone()).unwrap();
        (port, roots)
    }

    #[tokio::test]
    async fn a_trusted_certificate_passes_and_one_expiring_soon_warns() {
        let (port, roots) = serve_one(200).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        let (j, _) = certificate_with(&uri, Duration::from_secs(5), roots).await.unwrap();
        assert_eq!(j.verdict, Verdict::Pass, "{}", j.reason);
        assert!(j.reason.starts_with("trusted certificate for localhost over TLSv1.3"), "{}", j.reason);
        let (port, roots) = serve_one(5).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        let (j, _) = certificate_with(&uri, Duration::from_secs(5), roots).await.unwrap();
        assert_eq!(j.verdict, Verdict::Warn, "{}", j.reason);
    }

    #[tokio::test]
    async fn an_untrusted_certificate_fails_and_http_is_not_judged() {
        let (port, _) = serve_one(200).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        let j = certificate(&uri, Duration::from_secs(5), false).await.unwrap();
        assert_eq!(j.verdict, Verdict::Fail);
        assert!(j.reason.contains("UnknownIssuer"), "{}", j.reason);
        assert!(certificate(&"http://localhost/".parse().unwrap(), Duration::from_secs(1), false).await.is_none());
        // With -k on a local address: accepted while developing, with what the provider will need.
        let (port, _) = serve_one(200).await;
        let uri: Uri = format!("https://localhost:{port}/hook").parse().unwrap();
        let j = certificate(&uri, Duration::from_secs(5), true).await.unwrap();
        assert_eq!(j.verdict, Verdict::Warn, "{}", j.reason);
        assert!(j.reason.contains("UnknownIssuer") && j.reason.contains("public authority"), "{}", j.reason);
    }

    #[test]
    fn insecure_relaxes_only_local_addresses() {
        let untrusted = Judgement { verdict: Verdict::Fail, reason: "not valid".into() };
        let local = accepted_untrusted(untrusted.clone(), &"https://127.0.0.1:8443/".parse().unwrap());
        assert_eq!(local.verdict, Verdict::Warn);
        let public = accepted_untrusted(untrusted, &"https://staging.example.com/".parse().unwrap());
        assert_eq!(public.verdict, Verdict::Fail);
        assert!(public.reason.contains("providers do not"), "{}", public.reason);
    }
}
