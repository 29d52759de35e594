//! Development secrets: `listen --provider P` with no secret configured makes one
//! for P, in the provider's own format, keeps it in the data directory (0600) and
//! prints it; `send`, `verify` and `check` with `--provider P` and no other secret
//! use the same one. So a relay and a sender agree on a secret with no ceremony,
//! as `stripe listen` prints one. A configured secret always wins.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::usage_hint;
use crate::secret::Secret;

/// The directory development secrets live in: `$XDG_DATA_HOME/hooktap/dev-secrets`.
pub fn dir() -> Option<PathBuf> {
    crate::store::default_path().and_then(|db| db.parent().map(|d| d.join("dev-secrets")))
}

/// A development secret for `provider` in `dir`: read from its file, or made and
/// kept there when there is none yet. Returns the secret and its file.
pub fn get_or_make_in(dir: &Path, provider: &str) -> anyhow::Result<(Secret, PathBuf)> {
    let file = dir.join(format!("{provider}.secret"));
    if let Some(secret) = read(&file)? {
        return Ok((secret, file));
    }
    let cannot = |e: std::io::Error| {
        usage_hint(
            format!("cannot keep a development secret in {}: {e}", dir.display()),
            "pass --secret-env VAR, or make that directory writable",
        )
    };
    std::fs::create_dir_all(dir).map_err(cannot)?;
    // Written whole under another name, then linked into place: a second process
    // making one at the same moment finds the first one's, never half of it.
    let text = make(provider);
    let tmp = dir.join(format!(".{provider}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut f| f.write_all(format!("{text}\n").as_bytes()).and(f.sync_all()));
    written.map_err(cannot)?;
    let linked = std::fs::hard_link(&tmp, &file);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok((Secret::new(text), file)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => match read(&file)? {
            Some(secret) => Ok((secret, file)),
            None => Err(cannot(e)),
        },
        Err(e) => Err(cannot(e)),
    }
}

/// The secret in `file`, if it exists and holds one.
fn read(file: &Path) -> anyhow::Result<Option<Secret>> {
    match std::fs::read_to_string(file) {
        Ok(text) if !text.trim().is_empty() => Ok(Some(Secret::new(text.trim()))),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(usage_hint(
            format!("cannot read the development secret {}: {e}", file.display()),
            "check its owner and mode, or remove it to have a new one made",
        )),
    }
}

/// A new secret in `provider`'s own format: `whsec_` and base64 for Standard
/// Webhooks, `whsec_` and hex for Stripe, 64 hex digits for the HMAC schemes.
fn make(provider: &str) -> String {
    use base64::Engine as _;
    let key: [u8; 32] = rand::random();
    match provider {
        "standard" => format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(key)),
        "stripe" => format!("whsec_{}", hex::encode(key)),
        _ => hex::encode(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_made_once_privately_and_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (first, file) = get_or_make_in(dir.path(), "nexadesk").unwrap();
        assert_eq!(first.expose().len(), 64);
        assert!(first.expose().bytes().all(|b| b.is_ascii_hexdigit()));
        let (again, _) = get_or_make_in(dir.path(), "nexadesk").unwrap();
        assert_eq!(again.expose(), first.expose(), "kept, not made again");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let (other, _) = get_or_make_in(dir.path(), "github").unwrap();
        assert_ne!(other.expose(), first.expose(), "one per provider");
    }

    #[test]
    fn every_builtin_provider_accepts_its_own_development_secret() {
        let dir = tempfile::tempdir().unwrap();
        for provider in crate::provider::builtins() {
            let name = &provider.info().name;
            let (secret, _) = get_or_make_in(dir.path(), name).unwrap();
            provider.check_secret(&secret).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let (standard, _) = get_or_make_in(dir.path(), "standard").unwrap();
        assert!(standard.expose().starts_with("whsec_"));
    }
}
