//! TLS for the relay: a PEM certificate and key, or a self-signed localhost
//! certificate kept beside the database, served by rustls with h2 and http/1.1
//! offered through ALPN.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;

use crate::error::usage_hint;

/// How the relay gets a TLS certificate when no files are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TlsMode {
    /// A certificate for localhost, made at the first start and kept as `<db>-selfsigned.pem`
    SelfSigned,
}

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
    /// A certificate for localhost, 127.0.0.1 and ::1, made at the first start and kept
    /// in `keep` (its key beside it, `.key`, mode 0600), so its fingerprint stays the same
    /// and whatever was told to trust it (`curl --cacert`) goes on trusting it.
    SelfSigned {
        /// The certificate's PEM file.
        keep: PathBuf,
    },
}

impl TlsSource {
    /// The self-signed certificate kept beside the database at `db`.
    pub fn self_signed_for(db: &std::path::Path) -> TlsSource {
        let mut keep = db.as_os_str().to_owned();
        keep.push("-selfsigned.pem");
        TlsSource::SelfSigned { keep: PathBuf::from(keep) }
    }
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
        TlsSource::SelfSigned { keep } => self_signed(keep)?,
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

/// The certificate kept in `keep` with its key beside it (`.key`), or a new pair, then
/// kept there. A file that cannot be read or written costs only the stable fingerprint:
/// the relay still serves TLS.
fn self_signed(keep: &Path) -> anyhow::Result<Pair> {
    let key_file = keep.with_extension("key");
    match kept(keep, &key_file) {
        Ok(Some(pair)) => return Ok(pair),
        Ok(None) => {}
        Err(why) => {
            tracing::warn!("{why}; making a new self-signed certificate in its place");
            let _ = std::fs::remove_file(keep);
            let _ = std::fs::remove_file(&key_file);
        }
    }
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let mut params = rcgen::CertificateParams::new(names)
        .map_err(|e| anyhow::anyhow!("describing a self-signed certificate: {e}"))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "hooktap localhost");
    let signing_key =
        rcgen::KeyPair::generate().map_err(|e| anyhow::anyhow!("generating a key for the certificate: {e}"))?;
    let cert =
        params.self_signed(&signing_key).map_err(|e| anyhow::anyhow!("generating a self-signed certificate: {e}"))?;
    // The key first, readable by its owner only; the certificate is public and may be handed out.
    let written = write_new(&key_file, signing_key.serialize_pem().as_bytes(), 0o600)
        .and_then(|()| write_new(keep, cert.pem().as_bytes(), 0o644));
    match written {
        Ok(()) => {}
        // Another start made them first: serve those, so the files and the relay agree.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if let Ok(Some(pair)) = kept(keep, &key_file) {
                return Ok(pair);
            }
        }
        Err(e) => tracing::warn!(
            "cannot keep the self-signed certificate in {}: {e}; the next start makes another",
            keep.display()
        ),
    }
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(signing_key.serialize_der()));
    Ok((vec![cert.der().clone()], key))
}

/// A certificate chain and its key.
type Pair = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// The kept certificate and key: `None` when there are none yet, an error saying what
/// is wrong when they cannot be used.
fn kept(cert_file: &Path, key_file: &Path) -> Result<Option<Pair>, String> {
    let read = |path: &Path| match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    };
    let (cert, key) = match (read(cert_file)?, read(key_file)?) {
        (None, None) => return Ok(None),
        (Some(cert), Some(key)) => (cert, key),
        _ => return Err(format!("{} and {} must both be there", cert_file.display(), key_file.display())),
    };
    let chain = CertificateDer::pem_slice_iter(&cert).collect::<Result<Vec<_>, _>>().unwrap_or_default();
    let key = PrivateKeyDer::from_pem_slice(&key).ok();
    match (chain.is_empty(), key) {
        (false, Some(key)) => Ok(Some((chain, key))),
        _ => Err(format!("{} holds no usable certificate and key", cert_file.display())),
    }
}

/// Writes `bytes` to `path`, which must not exist yet, with permissions `mode`.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The first start comes here before the database (and its folder) is made.
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
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
    fn a_self_signed_certificate_is_kept_beside_the_database_and_reused() {
        // Regression: each start made a new certificate, so whatever trusted it had to trust it again.
        let dir = tempfile::tempdir().unwrap();
        // In a folder not made yet, as the database's is at the first start.
        let dir_path = dir.path().join("data");
        let source = TlsSource::self_signed_for(&dir_path.join("relay.db"));
        let a = load(&source).unwrap();
        let b = load(&source).unwrap();
        assert_eq!(a.fingerprint, b.fingerprint, "the kept certificate is reused");
        assert_eq!(a.fingerprint.len(), 32 * 3 - 1);
        assert_eq!(a.fingerprint, fingerprint(&a.leaf));
        let keep = dir_path.join("relay.db-selfsigned.pem");
        let key = dir_path.join("relay.db-selfsigned.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&key), 0o600, "the key is private");
            assert_eq!(mode(&keep) & 0o600, 0o600, "the certificate is its owner's to hand out");
        }
        let pem = std::fs::read_to_string(&keep).unwrap();
        assert!(pem.contains("BEGIN CERTIFICATE") && !pem.contains("PRIVATE KEY"), "{pem}");
        let other = load(&TlsSource::self_signed_for(&dir_path.join("other.db"))).unwrap();
        assert_ne!(a.fingerprint, other.fingerprint, "another database, another certificate");
        // A damaged file is replaced, not a reason to refuse to start.
        std::fs::write(&keep, "garbage").unwrap();
        let c = load(&source).unwrap();
        assert_ne!(c.fingerprint, a.fingerprint);
        assert_eq!(load(&source).unwrap().fingerprint, c.fingerprint);
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
