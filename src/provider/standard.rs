//! Standard Webhooks (and Svix): `webhook-signature: v1,<base64> …` over `{id}.{timestamp}.{body}`,
//! keyed by the base64 part of a `whsec_` secret.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};

use super::check::{self, malformed};
use super::crypto::{Encoding, decode_base64, encode_base64};
use super::{
    Algorithm, Field, Provider, ProviderInfo, RetryMarks, RetryPolicy, SecretError, SignInput, SignedTemplate,
    Verified, VerifyError, VerifyInput,
};
use crate::secret::Secret;

/// One spelling of the three headers: the standard's `webhook-*` or Svix's `svix-*`.
struct Names {
    id: &'static str,
    timestamp: &'static str,
    signature: &'static str,
}

const WEBHOOK: Names = Names { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" };
const SVIX: Names = Names { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" };

/// The Standard Webhooks scheme.
#[derive(Debug)]
struct Standard {
    info: ProviderInfo,
    template: SignedTemplate,
}

/// The Standard Webhooks provider (alias `svix`).
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(Standard {
        info: ProviderInfo {
            name: "standard".into(),
            aliases: vec!["svix".into(), "standard-webhooks".into()],
            title: "Standard Webhooks".into(),
            signature_header: WEBHOOK.signature.into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(15),
            tolerance: Some(300),
            retry: RetryPolicy {
                attempts: Some(8),
                schedule: "immediately, then after 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h (Svix)".into(),
                delays: [5, 300, 1800, 7200, 18_000, 36_000, 36_000].map(Duration::from_secs).to_vec(),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            event: Field::Json("type".into()),
            delivery_id: Field::Header(WEBHOOK.id.into()),
            ping_event: None,
        },
        template: SignedTemplate::parse("{id}.{timestamp}.{body}").expect("static template"),
    })
}

/// The HMAC key: the base64 after `whsec_` (the prefix is optional, as in the reference libraries).
fn key(secret: &Secret) -> Result<Vec<u8>, String> {
    let text = secret.expose().trim();
    let encoded = text.strip_prefix("whsec_").unwrap_or(text);
    match decode_base64(encoded) {
        Some(key) if !key.is_empty() => Ok(key),
        Some(_) => Err("the secret is empty after whsec_".into()),
        // `whsec_whsec_…`: pasted after a prefix that was already typed; say so, not "URL-safe '_'".
        None if encoded.starts_with("whsec_") && decode_base64(&encoded["whsec_".len()..]).is_some() => {
            Err("the secret starts with whsec_ twice; remove one".into())
        }
        None => Err(format!(
            "a Standard Webhooks secret is whsec_ followed by base64, and the {} is not base64: {}",
            if text.starts_with("whsec_") { "part after whsec_" } else { "secret" },
            why_not_base64(encoded)
        )),
    }
}

/// What makes `text` unreadable as base64, without quoting it (it is a secret).
fn why_not_base64(text: &str) -> String {
    let standard = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    if text.chars().any(char::is_whitespace) {
        "it contains whitespace".into()
    } else if text.chars().any(|c| !standard(c) && !matches!(c, '-' | '_')) {
        "it contains characters base64 does not use".into()
    } else if text.contains(['-', '_']) {
        "it contains '-' or '_', the URL-safe alphabet; these secrets use '+' and '/'".into()
    } else {
        let core = text.trim_end_matches('=');
        let padding = text.len() - core.len();
        if core.contains('=') || (padding > 0 && !text.len().is_multiple_of(4)) {
            "its '=' padding does not fit its length".into()
        } else if core.len() % 4 == 1 {
            format!("it is {} characters long, a length no base64 has: a character lost or added?", core.len())
        } else {
            // Base64 of whole bytes ends on a character whose unused bits are zero: this text was cut or added to.
            format!("it is {} characters long and does not end on a whole byte: a character lost or added?", core.len())
        }
    }
}

/// The bytes of one `v1,` entry's signature, or why not.
fn v1_signature(sig: &str, mac_len: usize) -> Result<Vec<u8>, String> {
    if sig.contains(',') {
        // `v1,a,v1,b`: a list written with commas, which the standard separates with spaces.
        return Err("entries are separated by spaces (v1,<base64> v1,<base64>), and this one holds a ','".into());
    }
    check::decode_signature(Encoding::Base64, sig, mac_len)
}

/// Why an entry without a `version,` label is not a signature.
fn unlabelled(entry: &str, mac_len: usize) -> String {
    let got = crate::util::preview(entry.as_bytes(), 24);
    if Encoding::Base64.decode(entry).is_some_and(|b| b.len() == mac_len) {
        return "expected v1,<base64>, got a bare signature: the v1, label is missing".into();
    }
    match entry.split_once('=') {
        Some(("v1", _)) => format!("expected v1,<base64>, got {got:?}: the version is followed by ',', not '='"),
        _ => format!("expected v1,<base64>, got {got:?}"),
    }
}

impl Provider for Standard {
    fn info(&self) -> &ProviderInfo {
        &self.info
    }

    fn sign(&self, input: &SignInput<'_>) -> Result<HeaderMap, SecretError> {
        let key = key(input.secret).map_err(|detail| SecretError { provider: self.info.name.clone(), detail })?;
        let ts = input.timestamp.to_string();
        let mac = Algorithm::Sha256.mac(&key, &self.template.pieces(input.id, &ts, input.body));
        let mut headers = HeaderMap::new();
        for (name, value) in [(WEBHOOK.id, input.id.to_string()), (WEBHOOK.timestamp, ts)] {
            // An id with control characters cannot be sent; leaving it out makes verify say so.
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(name, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(&format!("v1,{}", encode_base64(&mac))) {
            headers.insert(WEBHOOK.signature, v);
        }
        Ok(headers)
    }

    /// Svix sends `svix-*` headers; a request that came with them gets them back
    /// (and `webhook-*` too if it had those as well).
    fn sign_like(&self, input: &SignInput<'_>, received: &HeaderMap) -> Result<HeaderMap, SecretError> {
        let fresh = self.sign(input)?;
        let svix = received.contains_key(SVIX.signature);
        let webhook = received.contains_key(WEBHOOK.signature) || !svix;
        let mut out = HeaderMap::new();
        for (standard, alias) in
            [(WEBHOOK.id, SVIX.id), (WEBHOOK.timestamp, SVIX.timestamp), (WEBHOOK.signature, SVIX.signature)]
        {
            if let Some(value) = fresh.get(standard) {
                if webhook {
                    out.insert(standard, value.clone());
                }
                if svix {
                    out.insert(alias, value.clone());
                }
            }
        }
        Ok(out)
    }

    fn verify(&self, input: &VerifyInput<'_>) -> Result<Verified, VerifyError> {
        let names = if input.headers.contains_key(WEBHOOK.signature) {
            &WEBHOOK
        } else if input.headers.contains_key(SVIX.signature) {
            &SVIX
        } else {
            return Err(VerifyError::MissingHeader { header: WEBHOOK.signature.into() });
        };
        let id = check::header_str(input.headers, names.id)?;
        let raw_ts = check::header_str(input.headers, names.timestamp)?;
        let ts = check::parse_timestamp(names.timestamp, raw_ts)?;
        let key = key(input.secret).map_err(|detail| VerifyError::BadSecret { detail })?;
        let mac = Algorithm::Sha256.mac(&key, &self.template.pieces(id, raw_ts, input.body));

        let mut signatures = check::Signatures::default();
        let mut versions = Vec::new();
        for value in input.headers.get_all(names.signature) {
            let Ok(text) = value.to_str() else {
                let sent = String::from_utf8_lossy(value.as_bytes());
                signatures.push(sent.trim(), Err("the value is not visible ASCII".into()));
                continue;
            };
            // A space-separated list; entries of other versions (v1a, signed asymmetrically) are skipped.
            for entry in text.split_whitespace() {
                match entry.split_once(',') {
                    Some(("v1", sig)) => signatures.push(entry, v1_signature(sig, mac.len())),
                    Some((version, _)) => versions.push(version.to_string()),
                    None => signatures.push(entry, Err(unlabelled(entry, mac.len()))),
                }
            }
        }
        if let Some(err) = signatures.nothing_to_compare(names.signature) {
            // Nothing at all to compare means only other versions (or nothing) were listed.
            return Err(match err {
                VerifyError::MissingHeader { .. } => {
                    let found = if versions.is_empty() { "none".to_string() } else { versions.join(", ") };
                    malformed(names.signature, format!("no v1,<base64> signature (versions found: {found})"))
                }
                other => other,
            });
        }
        let canonical = format!("v1,{}", encode_base64(&mac));
        let window = check::check_window(ts, input.now, input.tolerance.or(self.info.tolerance));
        let Some(at) = signatures.position_of(&mac) else {
            let preview = self.template.preview(id, raw_ts, input.body);
            let signed_with = vec![format!("header {}", names.id), format!("header {}", names.timestamp)];
            return Err(check::no_match_at(signatures.no_match(canonical, preview, signed_with), window));
        };
        window?;
        // Base64 is case-sensitive, so a match is already the exact text.
        Ok(signatures.verified(at, None, Some(ts)))
    }

    fn check_secret(&self, secret: &Secret) -> Result<(), SecretError> {
        key(secret).map(drop).map_err(|detail| SecretError { provider: self.info.name.clone(), detail })
    }

    fn delivery_id(&self, headers: &HeaderMap, _body: &[u8]) -> Option<String> {
        [WEBHOOK.id, SVIX.id].iter().find_map(|h| headers.get(*h)?.to_str().ok().map(str::to_owned))
    }

    fn secret_hint(&self, secret: &Secret) -> Option<String> {
        (!secret.expose().trim().starts_with("whsec_")).then(|| {
            "Standard Webhooks secrets look like whsec_<base64>; the key is the base64 part, decoded".to_string()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn headers(prefix: &str, signature: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            http::HeaderName::from_bytes(format!("{prefix}-id").as_bytes()).unwrap(),
            "msg_p5jXN8AQM9LWM0D4loKWxJek".parse().unwrap(),
        );
        h.insert(
            http::HeaderName::from_bytes(format!("{prefix}-timestamp").as_bytes()).unwrap(),
            "1614265330".parse().unwrap(),
        );
        h.insert(
            http::HeaderName::from_bytes(format!("{prefix}-signature").as_bytes()).unwrap(),
            signature.parse().unwrap(),
        );
        h
    }

    fn verify(h: &HeaderMap, secret: &str, now: i64) -> Result<Verified, VerifyError> {
        let secret = Secret::new(secret);
        provider().verify(&VerifyInput { headers: h, body: BODY, secret: &secret, now, tolerance: None })
    }

    #[test]
    fn known_answer_from_the_spec() {
        let secret = Secret::new(SECRET);
        let signed = provider()
            .sign(&SignInput {
                body: BODY,
                secret: &secret,
                timestamp: 1614265330,
                id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
                event: None,
            })
            .unwrap();
        assert_eq!(signed, headers("webhook", SIG));
        assert!(verify(&signed, SECRET, 1614265330).is_ok());
    }

    #[test]
    fn svix_header_names_are_accepted() {
        let h = headers("svix", SIG);
        assert!(verify(&h, SECRET, 1614265330).is_ok());
        assert_eq!(provider().delivery_id(&h, BODY).as_deref(), Some("msg_p5jXN8AQM9LWM0D4loKWxJek"));
    }

    #[test]
    fn re_signing_keeps_the_spelling_the_request_came_with() {
        let secret = Secret::new(SECRET);
        let input = SignInput {
            body: BODY,
            secret: &secret,
            timestamp: 1614265330,
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
            event: None,
        };
        let p = provider();
        assert_eq!(p.sign_like(&input, &headers("svix", "v1,old")).unwrap(), headers("svix", SIG));
        assert_eq!(p.sign_like(&input, &headers("webhook", "v1,old")).unwrap(), headers("webhook", SIG));
        assert_eq!(p.sign_like(&input, &HeaderMap::new()).unwrap(), headers("webhook", SIG));
        let mut both = headers("svix", "v1,old");
        both.extend(headers("webhook", "v1,old"));
        let mut expected = headers("webhook", SIG);
        expected.extend(headers("svix", SIG));
        assert_eq!(p.sign_like(&input, &both).unwrap(), expected);
    }

    #[test]
    fn any_signature_in_the_list_may_match_and_other_versions_are_skipped() {
        let other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        let h = headers("webhook", &format!("{other} v1a,c2lnbmF0dXJl {SIG}"));
        let ok = verify(&h, SECRET, 1614265330).unwrap();
        assert_eq!((ok.present, ok.matched), (2, 2));
        let h = headers("webhook", other);
        assert!(matches!(verify(&h, SECRET, 1614265330), Err(VerifyError::NoMatch { tried: 1, .. })));
        let h = headers("webhook", "v1a,c2lnbmF0dXJl");
        let err = verify(&h, SECRET, 1614265330).unwrap_err().to_string();
        assert!(err.contains("no v1,<base64> signature (versions found: v1a)"), "{err}");
    }

    #[test]
    fn a_malformed_entry_beside_the_match_is_counted_and_noted() {
        // Regression: `v1,AAAA v1,<good>` was reported as one signature checked.
        let h = headers("webhook", &format!("v1,AAAA {SIG}"));
        let ok = verify(&h, SECRET, 1614265330).unwrap();
        assert_eq!((ok.present, ok.compared, ok.matched), (2, 1, 2));
        assert!(ok.notes[0].starts_with("signature 1 is malformed: the signature is 3 bytes long"), "{:?}", ok.notes);
    }

    #[test]
    fn entries_in_the_wrong_shape_say_how_they_differ() {
        let bare = SIG.trim_start_matches("v1,");
        let cases = [
            (format!("{SIG},v1,AAAA"), "separated by spaces"),
            (bare.to_string(), "a bare signature: the v1, label is missing"),
            (format!("v1={bare}"), "the version is followed by ',', not '='"),
            (format!("v1,{}", bare.trim_end_matches('=')), "without the '=' padding"),
        ];
        for (value, want) in cases {
            let err = verify(&headers("webhook", &value), SECRET, 1614265330).unwrap_err().to_string();
            assert!(err.contains(want), "{value}: {err}");
        }
    }

    #[test]
    fn an_unusable_secret_says_why_without_quoting_it() {
        let key = SECRET.trim_start_matches("whsec_");
        let cases = [
            (format!("whsec_{}", &key[..31]), "31 characters long and does not end on a whole byte"),
            (format!("whsec_{}", &key[..29]), "29 characters long, a length no base64 has"),
            (format!("whsec_{key}=="), "padding does not fit"),
            (format!("whsec_{}-{}", &key[..10], &key[11..]), "URL-safe"),
            (format!("whsec_{} {}", &key[..10], &key[11..]), "whitespace"),
            (format!("whsec_whsec_{key}"), "starts with whsec_ twice"),
        ];
        for (secret, want) in cases {
            let err = verify(&headers("webhook", SIG), &secret, 1614265330).unwrap_err();
            assert!(matches!(&err, VerifyError::BadSecret { detail } if detail.contains(want)), "{want}: {err}");
            assert!(!err.to_string().contains(&key[11..]), "{err}");
        }
    }

    #[test]
    fn a_secret_that_is_not_base64_is_a_bad_secret_not_a_mismatch() {
        let h = headers("webhook", SIG);
        let err = verify(&h, "whsec_not*base64!", 1614265330).unwrap_err();
        assert!(matches!(err, VerifyError::BadSecret { ref detail } if detail.contains("part after whsec_")), "{err}");
        assert!(!err.to_string().contains("not*base64"), "the secret must not be quoted: {err}");
        // Without the prefix the base64 is still the key, as in the reference libraries.
        assert!(verify(&h, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1614265330).is_ok());
        let secret = Secret::new("whsec_%%%");
        let err = provider().sign(&SignInput { body: BODY, secret: &secret, timestamp: 0, id: "m", event: None });
        assert!(err.is_err());
    }

    #[test]
    fn stale_and_future_timestamps_fail_with_the_skew() {
        let h = headers("webhook", SIG);
        let err = verify(&h, SECRET, 1614265330 + 301).unwrap_err();
        assert_eq!(err, VerifyError::OutsideTolerance { timestamp: 1614265330, now: 1614265631, tolerance: 300 });
        assert!(verify(&h, SECRET, 1614265330 - 301).unwrap_err().to_string().contains("301 s in the future"));
    }
}
