//! The detail pane's signature tab: what was recorded, and what `hooktap verify
//! --delivery ID` says now, with the same explanations; or why it cannot say
//! (no provider recorded, no secret available here).

use crate::config::{Config, SignerRequest};
use crate::provider::{VerifyError, VerifyInput};
use crate::store::Delivery;

/// The tab's lines; `HOOKTAP_SECRET` is the secret for a provider without a profile, as for verify.
pub fn explain(d: &Delivery, config: &Config) -> Vec<String> {
    explain_with(d, config, std::env::var("HOOKTAP_SECRET").ok().filter(|s| !s.is_empty()))
}

fn explain_with(d: &Delivery, config: &Config, env_secret: Option<String>) -> Vec<String> {
    let mut out = vec![match &d.signature_reason {
        Some(reason) => format!("recorded: {} — {reason}", d.signature.as_str()),
        None => format!("recorded: {}", d.signature.as_str()),
    }];
    out.push(String::new());
    out.extend(recheck(d, config, env_secret));
    out.push(String::new());
    out.push(format!("the same check on the command line: hooktap verify --delivery {}", d.id));
    out
}

/// What verify would say, as lines.
fn recheck(d: &Delivery, config: &Config, env_secret: Option<String>) -> Vec<String> {
    // As verify does: the recorded profile when the config still has it, else the provider.
    let request = match (&d.profile, &d.provider) {
        (Some(profile), _) if config.profiles.contains_key(profile) => SignerRequest::profile(profile),
        (_, Some(provider)) => {
            SignerRequest { provider: Some(provider.clone()), env_secret, ..SignerRequest::default() }
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, SignatureState};
    use crate::secret::Secret;
    use crate::store::{Source, State};

    fn signed(secret: &str) -> Delivery {
        let body = br#"{"zen":"Keep it logically awesome."}"#;
        let provider = crate::provider::lookup("github").unwrap();
        let input =
            SignInput { body, secret: &Secret::new(secret), timestamp: 1_700_000_000, id: "d-1", event: Some("ping") };
        let headers = provider.sign(&input).unwrap();
        Delivery {
            seq: 1,
            id: "01JAAAAAAAAAAAAAAAAAAAAAAA".into(),
            received_at: 1_700_000_000_000,
            source: Source::Listen,
            method: "POST".into(),
            path: "/".into(),
            query: None,
            headers,
            body: bytes::Bytes::from_static(body),
            body_size: body.len() as i64,
            remote_addr: None,
            provider: Some("github".into()),
            profile: None,
            route: None,
            event: Some("ping".into()),
            provider_delivery_id: None,
            signature: SignatureState::Unchecked,
            signature_reason: None,
            duplicate_of: None,
            state: State::Recorded,
            target: None,
            attempts: 0,
            next_attempt_at: None,
            last_status: None,
            last_duration_us: None,
            last_error: None,
            replay_of: None,
        }
    }

    #[test]
    fn with_the_secret_it_says_what_verify_says() {
        let d = signed("right");
        let lines = explain_with(&d, &Config::default(), Some("right".into()));
        assert_eq!(lines[0], "recorded: unchecked");
        assert!(lines.iter().any(|l| l == "verify says: valid (github, 1 signature checked)"), "{lines:#?}");
        let lines = explain_with(&d, &Config::default(), Some("wrong".into()));
        assert!(
            lines.iter().any(|l| l.starts_with("verify says: invalid (github): no signature matched")),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.starts_with("  expected: sha256=")), "{lines:#?}");
        assert!(lines.iter().any(|l| l.starts_with("  hint: ")), "verify's hints too: {lines:#?}");
    }

    #[test]
    fn without_a_secret_or_a_provider_it_says_why_it_cannot_check() {
        let mut d = signed("right");
        let lines = explain_with(&d, &Config::default(), None);
        assert!(lines[2].starts_with("re-checking needs a secret that is not available"), "{lines:#?}");
        d.provider = None;
        let lines = explain_with(&d, &Config::default(), Some("right".into()));
        assert!(lines[2].starts_with("no provider was recorded"), "{lines:#?}");
    }
}
