//! The detail pane's signature tab: what was recorded, and what `hooktap verify
//! --delivery ID` says now, with the same explanations; or why it cannot say
//! (no provider recorded, no secret available here).

use crate::config::{Config, SignerRequest};
use crate::provider::{VerifyError, VerifyInput};
use crate::store::Delivery;

/// The tab's lines.
pub fn explain(d: &Delivery, config: &Config) -> Vec<String> {
    let mut out = vec![match &d.signature_reason {
        Some(reason) => format!("recorded: {} — {reason}", d.signature.as_str()),
        None => format!("recorded: {}", d.signature.as_str()),
    }];
    out.push(String::new());
    out.extend(recheck(d, config));
    out.push(String::new());
    out.push(format!("the same check on the command line: hooktap verify --delivery {}", d.id));
    out
}

/// What verify would say, as lines.
fn recheck(d: &Delivery, config: &Config) -> Vec<String> {
    // As verify does: the recorded profile when the config still has it, else the provider.
    let request = match (&d.profile, &d.provider) {
        (Some(profile), _) if config.profiles.contains_key(profile) => SignerRequest::profile(profile),
        (_, Some(provider)) => SignerRequest { provider: Some(provider.clone()), ..SignerRequest::default() },
        _ => return vec!["no provider was recorded for this delivery, so there is nothing to check it against".into()],
    };
    let signer = match config.signer(&request) {
        Ok(Some(signer)) => signer,
        Ok(None) => return vec!["no provider was recorded for this delivery".into()],
        Err(e) => return vec![format!("cannot re-check it here: {}", crate::error::render(&e))],
    };
    let Some(secret) = signer.secret.as_ref() else {
        let why = signer.require_secret().err().map(|e| crate::error::render(&e)).unwrap_or_default();
        let hint = match &signer.profile {
            Some(name) => format!("give profile {name} a secret (secret_env or secret_file) to check it here"),
            None => {
                "set HOOKTAP_SECRET, or add a profile for this provider with its secret, to check it here".to_owned()
            }
        };
        return vec![format!("re-checking needs a secret that is not available: {why}"), hint];
    };
    let provider = signer.provider.as_ref();
    let input = VerifyInput {
        headers: &d.headers,
        body: &d.body,
        secret,
        now: d.received_at.div_euclid(1000),
        tolerance: signer.tolerance,
    };
    let by = match &signer.profile {
        Some(p) => format!("{} (profile {p})", provider.info().name),
        None => provider.info().name.clone(),
    };
    let mut out = match provider.verify(&input) {
        Ok(v) if v.present > 1 => {
            vec![format!("verify says: valid ({by}, signature {} of {} matched)", v.matched, v.present)]
        }
        Ok(v) => {
            let mut lines = vec![format!("verify says: valid ({by}, 1 signature checked)")];
            lines.extend(v.notes.iter().map(|n| format!("  note: {n}")));
            lines
        }
        Err(err) => {
            let mut lines = vec![format!("verify says: invalid ({by}): {err}")];
            if let VerifyError::NoMatch { expected, received, signed_preview, .. } = &err {
                lines.push(format!("  expected: {expected}"));
                lines.extend(received.iter().map(|r| format!("  received: {r}")));
                lines.push(format!("  signed:   {signed_preview}"));
            }
            lines.extend(
                crate::provider::explain::hints(provider, &input, &err).into_iter().map(|h| format!("  hint: {h}")),
            );
            lines
        }
    };
    out.push(format!(
        "  judged as of {} UTC, when it was received",
        chrono::DateTime::from_timestamp_millis(d.received_at).unwrap_or_default().format("%Y-%m-%d %H:%M:%S")
    ));
    out
}
