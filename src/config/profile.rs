//! Profiles: a provider plus where its secret comes from, resolved into a [`Signer`].

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{UsageError, usage, usage_hint};
pub use crate::provider::CustomScheme;
use crate::provider::Provider;
use crate::secret::Secret;

/// `[profiles.NAME]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Provider name, or `custom` with a `scheme` table.
    pub provider: String,
    /// Environment variable holding the secret.
    pub secret_env: Option<String>,
    /// File holding the secret.
    pub secret_file: Option<PathBuf>,
    /// The secret inline (the file is then kept 0600).
    pub secret: Option<Secret>,
    /// Environment variable holding the expected `Authorization` value (Nexus Bearer/Basic).
    pub auth_env: Option<String>,
    /// Timestamp tolerance in seconds (default: the provider's).
    pub tolerance: Option<u64>,
    /// The signing scheme of a `custom` provider.
    pub scheme: Option<CustomScheme>,
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl Profile {
    /// The fields `config set`/`config get` take as `profiles.NAME.FIELD`, and whether each is a number.
    pub const FIELDS: &[(&str, bool)] = &[
        ("provider", false),
        ("secret_env", false),
        ("secret_file", false),
        ("secret", false),
        ("auth_env", false),
        ("tolerance", true),
    ];

    /// A field of [`Profile::FIELDS`] as `config get` prints it; an inline
    /// secret is `(redacted)`, as everywhere else. `None` when it is not set.
    pub fn shown_field(&self, field: &str) -> Option<String> {
        match field {
            "provider" => Some(self.provider.clone()),
            "secret_env" => self.secret_env.clone(),
            "secret_file" => self.secret_file.as_ref().map(|p| p.display().to_string()),
            "secret" => self.secret.as_ref().map(|_| "(redacted)".to_string()),
            "auth_env" => self.auth_env.clone(),
            "tolerance" => self.tolerance.map(|t| t.to_string()),
            _ => None,
        }
    }

    /// What an unset field of [`Profile::FIELDS`] means, for `config get`.
    pub fn field_when_unset(field: &str) -> &'static str {
        match field {
            "tolerance" => "the provider's tolerance",
            "auth_env" => "no Authorization value is expected",
            "secret_env" | "secret_file" | "secret" => "the secret comes from one of the other secret fields",
            _ => "unset",
        }
    }

    /// Checks what can be checked without the environment: provider known, one secret
    /// source, custom scheme valid. An error comes with the field at fault.
    pub fn check(&self) -> Result<(), (&'static str, UsageError)> {
        let set: Vec<&str> = [
            ("secret_env", self.secret_env.is_some()),
            ("secret_file", self.secret_file.is_some()),
            ("secret", self.secret.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, set)| set.then_some(field))
        .collect();
        if let [_, second, ..] = set[..] {
            return Err((
                second,
                UsageError::new(format!(
                    "set only one of secret_env, secret_file, secret (this profile sets {})",
                    set.join(", ")
                ))
                .hint("keep the one the secret should come from and delete the others"),
            ));
        }
        self.checked_provider().map(drop)
    }

    /// The provider this profile signs with.
    pub fn provider(&self) -> anyhow::Result<Arc<dyn Provider>> {
        self.checked_provider().map_err(|(_, e)| e.into())
    }

    /// [`Profile::provider`], with the field at fault on error.
    fn checked_provider(&self) -> Result<Arc<dyn Provider>, (&'static str, UsageError)> {
        if self.provider.eq_ignore_ascii_case("custom") {
            let scheme = self.scheme.as_ref().ok_or_else(|| {
                let e = UsageError::new("provider \"custom\" needs a [profiles.NAME.scheme] table")
                    .hint("see docs/configuration.md, Custom schemes");
                ("provider", e)
            })?;
            return scheme.build().map_err(|e| {
                ("scheme", UsageError::new(e).hint("docs/configuration.md, Custom schemes, shows one that works"))
            });
        }
        if self.scheme.is_some() {
            let e = UsageError::new("a scheme table is only allowed with provider = \"custom\"")
                .hint(format!("delete the scheme table, or set provider = \"custom\" (now {:?})", self.provider));
            return Err(("scheme", e));
        }
        crate::provider::lookup(&self.provider).map_err(|e| ("provider", UsageError::new(e.to_string()).hint(e.hint())))
    }

    /// The field the secret comes from (`secret_env`, `secret_file`, `secret`), if any.
    pub fn secret_field(&self) -> Option<&'static str> {
        match (&self.secret_env, &self.secret_file, &self.secret) {
            (Some(_), _, _) => Some("secret_env"),
            (_, Some(_), _) => Some("secret_file"),
            (_, _, Some(_)) => Some("secret"),
            _ => None,
        }
    }

    /// Reads the expected `Authorization` value from `auth_env`; `Ok(None)` when the profile has none.
    pub fn read_auth(&self, what: &str) -> anyhow::Result<Option<Secret>> {
        self.auth_env.as_deref().map(|var| secret_from_env(var, &format!("{what} auth_env"))).transpose()
    }

    /// Reads the profile's secret from where it comes from; `Ok(None)` when it names no source.
    /// `what` names the profile in errors (`profile desk`).
    pub fn read_secret(&self, what: &str) -> anyhow::Result<Option<Secret>> {
        Ok(match (&self.secret_env, &self.secret_file, &self.secret) {
            (Some(var), _, _) => Some(secret_from_env(var, what)?),
            (_, Some(file), _) => Some(secret_from_file(&super::expand_home(&file.to_string_lossy()), what)?),
            (_, _, Some(s)) => Some(secret_from_text(
                s.expose(),
                &format!("{what}: secret"),
                "put the secret in the profile's `secret`, or use secret_env / secret_file",
            )?),
            _ => None,
        })
    }

    /// Where the secret comes from, for display (never the value).
    pub fn secret_source(&self) -> String {
        match (&self.secret_env, &self.secret_file, &self.secret) {
            (Some(var), _, _) => format!("env {var}"),
            (_, Some(file), _) => format!("file {}", file.display()),
            (_, _, Some(_)) => "inline (redacted)".into(),
            _ => "none".into(),
        }
    }
}

/// A provider ready to sign or verify, with the secret resolved.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The scheme.
    pub provider: Arc<dyn Provider>,
    /// The secret, when one was given.
    pub secret: Option<Secret>,
    /// The profile it came from.
    pub profile: Option<String>,
    /// Expected/added `Authorization` value.
    pub auth: Option<Secret>,
    /// Tolerance override.
    pub tolerance: Option<u64>,
}

impl Signer {
    /// The secret, or an error telling how to give one.
    pub fn require_secret(&self) -> anyhow::Result<&Secret> {
        let provider = &self.provider.info().name;
        self.secret.as_ref().ok_or_else(|| match &self.profile {
            // The fix is in the profile, not in flags the command may not even take.
            Some(name) => usage_hint(
                format!("profile {name} ({provider}) has no secret"),
                format!("add secret_env = \"VAR\" (or secret_file) to [profiles.{name}] in the config file"),
            ),
            None => usage_hint(
                format!("no secret for provider {provider}"),
                "pass --secret-env VAR (or --secret, HOOKTAP_SECRET, or a profile with a secret)",
            ),
        })
    }
}

/// Reads a secret from the environment; an unset or empty variable is an error.
pub fn secret_from_env(var: &str, what: &str) -> anyhow::Result<Secret> {
    match std::env::var_os(var) {
        None => Err(usage_hint(
            format!("{what}: environment variable {var} is not set"),
            format!("export {var}=..., or choose another secret source"),
        )),
        Some(v) if v.is_empty() => Err(usage_hint(
            format!("{what}: environment variable {var} is empty"),
            format!("export {var} with the secret as its value, or choose another secret source"),
        )),
        Some(v) => v.into_string().map(Secret::new).map_err(|_| {
            usage_hint(format!("{what}: environment variable {var} is not valid UTF-8"), "export the secret as text")
        }),
    }
}

/// Reads a secret from a file, ignoring one trailing newline; an empty file is an error.
pub fn secret_from_file(path: &std::path::Path, what: &str) -> anyhow::Result<Secret> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = match (e.kind(), what.strip_prefix("profile ")) {
            (std::io::ErrorKind::NotFound, Some(name)) => format!(
                "write the secret into that file (one line, chmod 600), or point the profile elsewhere: \
                 hooktap config set profiles.{name}.secret_file PATH"
            ),
            (std::io::ErrorKind::NotFound, None) => "check the path, or write the secret into that file".into(),
            (std::io::ErrorKind::PermissionDenied, _) => "this user may not read it; check its owner and mode".into(),
            _ => "check the path".into(),
        };
        usage_hint(format!("{what}: cannot read secret file {}: {e}", path.display()), hint)
    })?;
    if super::is_shared_readable(path) {
        tracing::warn!("secret file {} is readable by other users; run: chmod 600 {}", path.display(), path.display());
    }
    let secret = text.strip_suffix('\n').unwrap_or(&text).trim_end_matches('\r');
    if secret.is_empty() {
        return Err(usage_hint(
            format!("{what}: secret file {} is empty", path.display()),
            "write the secret into the file (one line), or choose another secret source",
        ));
    }
    Ok(Secret::new(secret))
}

/// A secret given as text (a flag or a profile's inline `secret`); empty is an error,
/// since signing with an empty key "works" and hides the mistake.
pub fn secret_from_text(text: &str, what: &str, hint: &str) -> anyhow::Result<Secret> {
    if text.is_empty() {
        return Err(usage_hint(format!("{what} is empty"), hint));
    }
    Ok(Secret::new(text))
}

/// What a command asked to sign or verify with, as plain values: the provider and
/// secret flags once the command line is parsed (`cli::ProviderArgs` turns into this).
#[derive(Debug, Clone, Default)]
pub struct SignerRequest {
    /// A profile named on the command line.
    pub profile: Option<String>,
    /// A provider named on the command line.
    pub provider: Option<String>,
    /// Read the secret from this environment variable.
    pub secret_env: Option<String>,
    /// Read the secret from this file.
    pub secret_file: Option<std::path::PathBuf>,
    /// The secret itself, from a flag.
    pub secret: Option<String>,
    /// `HOOKTAP_SECRET`: used only when no other secret source was given.
    pub env_secret: Option<String>,
}

impl SignerRequest {
    /// A request for a configured profile alone, with its own secret.
    pub fn profile(name: &str) -> SignerRequest {
        SignerRequest { profile: Some(name.to_owned()), ..SignerRequest::default() }
    }
}

impl super::Config {
    /// The signer of the configured profile `name`, with the profile's own secret.
    /// An error when the profile does not exist or its secret cannot be read.
    pub fn profile_signer(&self, name: &str) -> anyhow::Result<Signer> {
        self.signer(&SignerRequest::profile(name))?.ok_or_else(|| usage(format!("profile {name:?} has no provider")))
    }

    /// Resolves `--profile`/`--provider`/`--secret*` (and the default profile) into a signer.
    /// `Ok(None)` when neither a profile nor a provider is known.
    pub fn signer(&self, args: &SignerRequest) -> anyhow::Result<Option<Signer>> {
        let (profile_name, profile) = match (&args.profile, &args.provider) {
            (Some(name), _) => (Some(name.clone()), Some(self.profile(name)?)),
            // The default profile applies only when no provider was named on the command line.
            (None, None) => match self.default_profile_resolved()? {
                Some((name, p)) => (Some(name.to_string()), Some(p)),
                None => (None, None),
            },
            (None, Some(_)) => (None, None),
        };
        let provider = match (&args.provider, profile) {
            (Some(p), Some(prof)) if !p.eq_ignore_ascii_case(&prof.provider) => {
                return Err(usage(format!(
                    "--provider {p} conflicts with profile {:?}, whose provider is {}",
                    profile_name.unwrap_or_default(),
                    prof.provider
                )));
            }
            (_, Some(prof)) => prof.provider()?,
            (Some(p), None) => crate::provider::lookup(p).map_err(|e| usage_hint(e.to_string(), e.hint()))?,
            (None, None) => return Ok(None),
        };
        let what = match &profile_name {
            Some(n) => format!("profile {n}"),
            None => "secret".into(),
        };
        let secret = if let Some(var) = &args.secret_env {
            Some(secret_from_env(var, "--secret-env")?)
        } else if let Some(file) = &args.secret_file {
            Some(secret_from_file(file, "--secret-file")?)
        } else if let Some(s) = &args.secret {
            Some(secret_from_text(s, "--secret", "pass the secret, or use --secret-env VAR")?)
        } else if let Some(s) = &args.env_secret {
            Some(Secret::new(s))
        } else if let Some(prof) = profile {
            prof.read_secret(&what)?
        } else {
            // A provider named with no secret at all: the development secret every
            // command shares for it (see `dev_secret`).
            match &self.dev_secrets {
                Some(dir) => Some(super::dev_secret::get_or_make_in(dir, &provider.info().name)?.0),
                None => None,
            }
        };
        let auth = profile.map(|p| p.read_auth(&what)).transpose()?.flatten();
        Ok(Some(Signer { provider, secret, profile: profile_name, auth, tolerance: profile.and_then(|p| p.tolerance) }))
    }
}
