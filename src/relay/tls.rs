//! TLS for the relay: a PEM certificate and key, or a fresh self-signed localhost
//! certificate, served by rustls with h2 and http/1.1 offered through ALPN.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;

use crate::error::usage_hint;

/// Where the certificate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsSource {
    /// PEM files.
    Files {
        /// Certificate chain, leaf first.
        cert: PathBuf,
        /// Private key (PKCS#8, PKCS#1 or SEC1).
        key: PathBuf,
    },
    /// Generate a certificate for localhost, 127.0.0.1 and ::1 at start-up.
    SelfSigned,
}

/// A ready TLS acceptor and what to tell the user about it.
#[derive(Clone)]
pub struct Tls {
    /// Accepts TLS connections.
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the leaf certificate, colon-separated uppercase hex.
    pub fingerprint: String,
    /// The leaf certificate, DER.
    pub leaf: CertificateDer<'static>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("fingerprint", &self.fingerprint).finish()
    }
}

/// Builds the acceptor for `source`.
pub fn load(source: &TlsSource) -> anyhow::Result<Tls> {
    crate::net::client::install_crypto_provider();
    let (chain, key) = match source {
        TlsSource::Files { cert, key } => load_pem(cert, key)?,
        TlsSource::SelfSigned => self_signed()?,
    };
    let leaf = chain[0].clone();
    let mut config =
        rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key).map_err(|e| {
            usage_hint(
                format!("the TLS certificate and key do not work together: {e}"),
                "check that the key belongs to the certificate",
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(config)), fingerprint: fingerprint(&leaf), leaf })
}

fn load_pem(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let hint = "pass PEM files, e.g. from `mkcert localhost`, or use --tls self-signed";
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| usage_hint(format!("cannot read TLS certificate {}: {e}", cert.display()), hint))?;
    if chain.is_empty() {
        return Err(usage_hint(format!("{} holds no PEM certificate", cert.display()), hint));
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| usage_hint(format!("cannot read TLS private key {}: {e}", key.display()), hint))?;
    Ok((chain, key))
}

fn self_signed() -> anyhow::Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names)
        .map_err(|e| anyhow::anyhow!("generating a self-signed certificate: {e}"))?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    Ok((vec![certified.cert.der().clone()], key))
}

/// SHA-256 of a DER certificate as `AB:CD:...`, the form browsers and `openssl x509 -fingerprint` show.
pub fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_signed_certificates_are_fresh_and_fingerprinted() {
        let a = load(&TlsSource::SelfSigned).unwrap();
        let b = load(&TlsSource::SelfSigned).unwrap();
        assert_ne!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint.len(), 32 * 3 - 1);
        assert_eq!(a.fingerprint, fingerprint(&a.leaf));
    }

    #[test]
    fn unreadable_pem_files_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("c.pem");
        std::fs::write(&cert, "not pem").unwrap();
        let err = load(&TlsSource::Files { cert: cert.clone(), key: dir.path().join("k.pem") }).unwrap_err();
        assert!(format!("{err:#}").contains("c.pem"), "{err:#}");
    }
}
