//! Which signer re-signs a delivery. `--profile` (with any secret flag) signs them
//! all. Otherwise each is signed as it was verified or sent: with the profile it
//! recorded (a route's, or `send --profile`'s), else for its own provider with the
//! secret flags, `HOOKTAP_SECRET`, or the default profile when that is for the same
//! provider. Each answer is worked out once per profile and provider and kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Skip;
use crate::config::{Config, Signer, SignerRequest};
use crate::store::Delivery;

/// Resolves and keeps the signers a run re-signs with.
#[derive(Debug)]
pub struct Signing {
    config: Config,
    /// `--profile` and the secret flags; its provider is never set (`--provider`
    /// selects deliveries, and each delivery names its own).
    flags: SignerRequest,
    known: Mutex<HashMap<Key, Result<Arc<Signer>, Skip>>>,
}

/// A delivery's profile and provider: deliveries alike in both share a signer.
type Key = (Option<String>, Option<String>);

impl Signing {
    /// Signers from `config`, as `flags` (`--profile`, `--secret-env`, … and `HOOKTAP_SECRET`) ask.
    pub fn new(config: Config, flags: SignerRequest) -> Signing {
        Signing { config, flags: SignerRequest { provider: None, ..flags }, known: Mutex::default() }
    }

    /// Whether `--profile` names one signer for every delivery.
    pub fn one_for_all(&self) -> bool {
        self.flags.profile.is_some()
    }

    /// The signer for `d`, or why there is none.
    pub fn signer_for(&self, d: &Delivery) -> Result<Arc<Signer>, Skip> {
        let key = if self.one_for_all() { (None, None) } else { (d.profile.clone(), d.provider.clone()) };
        let mut known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        known
            .entry(key.clone())
            .or_insert_with(|| self.resolve(key.0.as_deref(), key.1.as_deref()).map(Arc::new))
            .clone()
    }

    fn resolve(&self, profile: Option<&str>, provider: Option<&str>) -> Result<Signer, Skip> {
        let given = |request: &SignerRequest| self.config.signer(request).map_err(|e| Skip::from_error(&e));
        let signer = if let Some(name) = &self.flags.profile {
            given(&self.flags)?
                .ok_or_else(|| Skip::new(format!("profile {name:?} has no provider"), "check the profile"))?
        } else if let Some(name) = profile {
            let request = SignerRequest { profile: Some(name.to_owned()), ..self.flags.clone() };
            given(&request).map_err(|e| e.context(&format!("its profile {name:?}")))?.ok_or_else(|| {
                Skip::new(
                    format!("its profile {name:?} has no provider"),
                    "pass --profile NAME to re-sign with another",
                )
            })?
        } else if let Some(provider) = provider {
            let request = SignerRequest { provider: Some(provider.to_owned()), ..self.flags.clone() };
            let signer = given(&request)?.ok_or_else(|| no_secret(provider))?;
            let f = &self.flags;
            if f.secret_env.is_none() && f.secret_file.is_none() && f.secret.is_none() && f.env_secret.is_none() {
                // The development secret: right for a relay started with no secret, wrong for a
                // receiver that knows the provider's real one, so the choice is said aloud.
                tracing::warn!(
                    "--resign: re-signing {provider} deliveries with hooktap's development secret for {provider} \
                     (`hooktap config path` shows where it is kept); pass --secret-env VAR or --profile NAME if \
                     your receiver checks another"
                );
            }
            match signer.secret {
                Some(_) => signer,
                None => self.default_profile_for(provider).ok_or_else(|| no_secret(provider))?,
            }
        } else {
            return Err(Skip::new(
                "it has no provider to re-sign for",
                "pass --profile NAME, or drop --resign to send it as recorded",
            ));
        };
        signer.require_secret().map_err(|e| Skip::from_error(&e))?;
        Ok(signer)
    }

    /// The default profile (the `profile` setting) when it signs for `provider` and has a secret.
    fn default_profile_for(&self, provider: &str) -> Option<Signer> {
        let signer = self.config.signer(&SignerRequest::default()).ok()??;
        (signer.provider.info().name == provider && signer.secret.is_some()).then_some(signer)
    }
}

fn no_secret(provider: &str) -> Skip {
    Skip::new(
        format!("no secret to re-sign it for {provider}"),
        "pass --secret-env VAR (or --secret-file, --secret, HOOKTAP_SECRET) or --profile NAME",
    )
}
