//! Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=…][,v0=…]` over `{t}.{body}`, keyed by the whole `whsec_…` string.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};

use super::check::{self, malformed};
use super::crypto::Encoding;
use super::{
    Algorithm, Field, Provider, ProviderInfo, RetryMarks, RetryPolicy, SecretError, SignInput, SignedTemplate,
    Verified, VerifyError, VerifyInput,
};
use crate::secret::Secret;

const HEADER: &str = "stripe-signature";

/// The Stripe scheme.
#[derive(Debug)]
struct Stripe {
    info: ProviderInfo,
    template: SignedTemplate,
}

/// The Stripe provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(Stripe {
        info: ProviderInfo {
            name: "stripe".into(),
            aliases: vec![],
            title: "Stripe".into(),
            signature_header: HEADER.into(),
            content_type: "application/json; charset=utf-8".into(),
            // Stripe publishes no figure; answer fast anyway.
            timeout: Duration::from_secs(10),
            tolerance: Some(300),
            retry: RetryPolicy {
                attempts: None,
                schedule: "exponential backoff for up to 3 days (live mode); 3 times over a few hours (test mode)"
                    .into(),
                // Representative: doubling from an hour stays within the 3 days.
                delays: RetryPolicy::doubling(Duration::from_secs(3600), 6),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            event: Field::Json("type".into()),
            delivery_id: Field::Json("id".into()),
            ping_event: None,
        },
        template: SignedTemplate::parse("{timestamp}.{body}").expect("static template"),
    })
}

impl Provider for Stripe {
    fn info(&self) -> &ProviderInfo {
        &self.info
    }

    fn sign(&self, input: &SignInput<'_>) -> Result<HeaderMap, SecretError> {
        let ts = input.timestamp.to_string();
        let mac = Algorithm::Sha256.mac(input.secret.as_bytes(), &self.template.pieces("", &ts, input.body));
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&format!("t={ts},v1={}", hex::encode(mac))) {
            headers.insert(HEADER, v);
        }
        Ok(headers)
    }

    fn verify(&self, input: &VerifyInput<'_>) -> Result<Verified, VerifyError> {
        let values: Vec<&HeaderValue> = input.headers.get_all(HEADER).iter().collect();
        if values.is_empty() {
            return Err(VerifyError::MissingHeader { header: HEADER.into() });
        }
        let elements = Elements::parse(&values)?;
        let raw_ts = elements.timestamp()?;
        let t = check::parse_timestamp(HEADER, raw_ts)?;
        if elements.v1.is_empty() {
            return Err(malformed(
                HEADER,
                format!("no v1=<hex> signature (found {}; v0 and other schemes are not checked)", elements.keys()),
            ));
        }
        let mac = Algorithm::Sha256.mac(input.secret.as_bytes(), &self.template.pieces("", raw_ts, input.body));
        let mut signatures = check::Signatures::default();
        for sig in &elements.v1 {
            let bytes = check::decode_signature(Encoding::Hex, sig, mac.len());
            signatures.push(&format!("v1={sig}"), bytes);
        }
        if let Some(err) = signatures.nothing_to_compare(HEADER) {
            return Err(err);
        }
        let canonical = format!("v1={}", hex::encode(&mac));
        let window = check::check_window(t, input.now, input.tolerance.or(self.info.tolerance));
        let Some(at) = signatures.position_of(&mac) else {
            let preview = self.template.preview("", raw_ts, input.body);
            let err = signatures.no_match(format!("t={raw_ts},{canonical}"), preview, vec!["the t= element".into()]);
            return Err(check::no_match_at(err, window));
        };
        window?;
        Ok(signatures.verified(at, Some((&canonical, "Stripe writes v1=<64 lowercase hex digits>")), Some(t)))
    }

    fn secret_hint(&self, secret: &Secret) -> Option<String> {
        let s = secret.expose().trim();
        if s.starts_with("whsec_") {
            return None;
        }
        let api_key = ["sk_", "rk_", "pk_"].iter().any(|p| s.starts_with(p));
        Some(format!(
            "Stripe webhook signing secrets start with whsec_ and the whole string is the key{}; \
             find it under Developers > Webhooks, or in `stripe listen` output",
            if api_key { " (this looks like an API key, not a webhook secret)" } else { "" }
        ))
    }
}

/// The elements of `Stripe-Signature` headers: `t`, every `v1`, and every other key seen.
struct Elements<'h> {
    t: Vec<&'h str>,
    v1: Vec<&'h str>,
    others: Vec<&'h str>,
}

impl<'h> Elements<'h> {
    fn parse(values: &[&'h HeaderValue]) -> Result<Self, VerifyError> {
        let mut out = Elements { t: Vec::new(), v1: Vec::new(), others: Vec::new() };
        for value in values {
            let text = value.to_str().map_err(|_| malformed(HEADER, "the value is not visible ASCII"))?;
            for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                let (key, val) = item.split_once('=').ok_or_else(|| {
                    let got = crate::util::preview(item.as_bytes(), 24);
                    malformed(HEADER, format!("expected t=<unix>,v1=<hex>, found {got:?}"))
                })?;
                if let Some(sep) = val.find([';', ' ', '\t']) {
                    let before = crate::util::preview(&val.as_bytes()[..sep], 24);
                    let found = &val[sep..=sep];
                    return Err(malformed(
                        HEADER,
                        format!("elements are separated by ',', but {found:?} follows {key}={before}"),
                    ));
                }
                match key {
                    "t" => out.t.push(val),
                    "v1" => out.v1.push(val),
                    // v0 is Stripe's test-mode legacy scheme; other keys may come later. Neither is checked.
                    other => out.others.push(other),
                }
            }
        }
        Ok(out)
    }

    /// The one signed timestamp. Every `v1` is checked against it, so two different ones cannot both hold.
    fn timestamp(&self) -> Result<&'h str, VerifyError> {
        match self.t.as_slice() {
            [] => Err(malformed(HEADER, format!("no t=<unix seconds> element (found {})", self.keys()))),
            [first, rest @ ..] if rest.iter().any(|t| t != first) => Err(malformed(
                HEADER,
                format!("{} different t= elements; Stripe signs one timestamp per header", self.t.len()),
            )),
            [first, ..] => Ok(first),
        }
    }

    /// The keys present, for messages: `t, v0` or `nothing`.
    fn keys(&self) -> String {
        let mut keys: Vec<&str> = Vec::new();
        let all = self.t.iter().map(|_| "t").chain(self.v1.iter().map(|_| "v1")).chain(self.others.iter().copied());
        for key in all {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        if keys.is_empty() { "nothing".into() } else { keys.join(", ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;
    // Derived with python3: hmac.new(b"whsec_test_secret", b"1700000000." + BODY, hashlib.sha256).hexdigest(),
    // and  printf '%s' '1700000000.<BODY>' | openssl dgst -sha256 -hmac whsec_test_secret
    const V1: &str = "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";

    fn verify(header: &str, now: i64) -> Result<Verified, VerifyError> {
        let mut h = HeaderMap::new();
        h.insert(HEADER, header.parse().unwrap());
        let secret = Secret::new("whsec_test_secret");
        provider().verify(&VerifyInput { headers: &h, body: BODY, secret: &secret, now, tolerance: None })
    }

    #[test]
    fn known_answer_keys_with_the_whole_whsec_string() {
        let secret = Secret::new("whsec_test_secret");
        let h = provider()
            .sign(&SignInput { body: BODY, secret: &secret, timestamp: 1700000000, id: "", event: None })
            .unwrap();
        assert_eq!(h[HEADER], format!("t=1700000000,v1={V1}"));
        assert!(verify(&format!("t=1700000000,v1={V1}"), 1700000000).is_ok());
        let p = provider();
        assert_eq!(p.event_type(&h, BODY).as_deref(), Some("payment_intent.succeeded"));
        assert_eq!(p.delivery_id(&h, BODY).as_deref(), Some("evt_1"));
    }

    #[test]
    fn rotation_any_v1_matches_and_v0_is_ignored() {
        let wrong = "0".repeat(64);
        let ok = verify(&format!("t=1700000000,v1={wrong},v1={V1},v0={wrong}"), 1700000000).unwrap();
        assert_eq!((ok.present, ok.matched, ok.notes.len()), (2, 2, 0));
        // A correct value under v0 does not count.
        let err = verify(&format!("t=1700000000,v0={V1}"), 1700000000).unwrap_err();
        assert!(err.to_string().contains("no v1=<hex> signature (found t, v0;"), "{err}");
        let err = verify(&format!("t=1700000000,v1={wrong}"), 1700000000).unwrap_err();
        assert!(matches!(err, VerifyError::NoMatch { tried: 1, .. }));
    }

    #[test]
    fn the_report_says_which_of_several_matched_and_counts_a_malformed_one() {
        // Regression: the first of two matching, beside an unreadable one, was reported as "1 signature checked".
        let ok = verify(&format!("t=1700000000,v1={V1},v1=zz"), 1700000000).unwrap();
        assert_eq!((ok.present, ok.compared, ok.matched), (2, 1, 1));
        assert_eq!(ok.notes, ["signature 2 is malformed: the signature is not lowercase hex: \"zz\""]);
        let wrong = "0".repeat(64);
        let err = verify(&format!("t=1700000000,v1=zz,v1={wrong}"), 1700000000).unwrap_err();
        assert!(err.to_string().starts_with("no signature matched (1 of 2 tried; signature 1 is malformed: "), "{err}");
        let VerifyError::NoMatch { received, .. } = err else { panic!("{err:?}") };
        assert_eq!(received, ["v1=zz".to_string(), format!("v1={wrong}")]);
        let err = verify("t=1700000000,v1=zz,v1=", 1700000000).unwrap_err().to_string();
        assert!(
            err.contains("none of its 2 signatures is readable (signature 1: ") && err.contains("signature 2: "),
            "{err}"
        );
    }

    #[test]
    fn uppercase_hex_passes_with_a_note_that_text_comparisons_reject_it() {
        let ok = verify(&format!("t=1700000000,v1={}", V1.to_ascii_uppercase()), 1700000000).unwrap();
        assert!(
            ok.notes[0].contains("matched only ignoring case: Stripe writes v1=<64 lowercase hex digits>"),
            "{ok:?}"
        );
        assert!(verify(&format!("t=1700000000,v1={V1}"), 1700000000).unwrap().notes.is_empty());
    }

    #[test]
    fn malformed_headers_say_what_is_missing() {
        assert!(verify(&format!("v1={V1}"), 0).unwrap_err().to_string().contains("no t=<unix seconds>"));
        assert!(verify("garbage", 0).unwrap_err().to_string().contains("expected t=<unix>,v1=<hex>"));
        assert!(verify(&format!("t=soon,v1={V1}"), 0).unwrap_err().to_string().contains("unix seconds"));
        let err = verify(&format!("t=1700000000,v1={V1}"), 1700000000 + 301).unwrap_err();
        assert!(matches!(err, VerifyError::OutsideTolerance { tolerance: 300, .. }));
    }

    #[test]
    fn malformed_headers_name_the_keys_found_and_the_separator() {
        let err = verify(&format!("T=1700000000,V1={V1}"), 0).unwrap_err().to_string();
        assert!(err.contains("no t=<unix seconds> element (found T, V1)"), "{err}");
        let err = verify(&format!("t=1700000000;v1={V1}"), 0).unwrap_err().to_string();
        assert!(err.contains("separated by ',', but \";\" follows t=1700000000"), "{err}");
        // Every v1 is checked against one timestamp, so a second, different t cannot be honoured.
        let err = verify(&format!("t=1700000000,t=1700000001,v1={V1}"), 1700000000).unwrap_err().to_string();
        assert!(err.contains("2 different t= elements"), "{err}");
        assert!(verify(&format!("t=1700000000,t=1700000000,v1={V1}"), 1700000000).is_ok());
    }

    #[test]
    fn a_secret_without_whsec_gets_a_hint() {
        let p = provider();
        assert!(p.secret_hint(&Secret::new("whsec_abc")).is_none());
        assert!(p.secret_hint(&Secret::new("sk_test_123")).unwrap().contains("API key"));
        assert!(p.secret_hint(&Secret::new("abc")).unwrap().contains("start with whsec_"));
    }
}
