//! GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body; the legacy SHA-1 `X-Hub-Signature` is recognised, never accepted.

use std::sync::Arc;
use std::time::Duration;

use super::{Algorithm, Encoding, Field, HmacScheme, LegacyHeader, Provider, ProviderInfo, RetryMarks, RetryPolicy};

/// The GitHub provider.
pub fn provider() -> Arc<dyn Provider> {
    let mut scheme = HmacScheme::over_body(
        ProviderInfo {
            name: "github".into(),
            aliases: vec![],
            title: "GitHub".into(),
            signature_header: "x-hub-signature-256".into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(10),
            tolerance: None,
            retry: RetryPolicy {
                attempts: Some(1),
                schedule: "no automatic retries; redeliver by hand".into(),
                delays: Vec::new(),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            event: Field::Header("x-github-event".into()),
            delivery_id: Field::Header("x-github-delivery".into()),
            ping_event: Some("ping".into()),
        },
        "sha256=",
        Encoding::Hex,
    );
    // GitHub sends the SHA-1 header beside the SHA-256 one for old receivers. A request with only
    // the SHA-1 one is named for what it is; SHA-1 alone is never accepted.
    scheme.legacy = Some(LegacyHeader {
        header: "x-hub-signature".into(),
        prefix: "sha1=".into(),
        algorithm: Algorithm::Sha1,
        encoding: Encoding::Hex,
    });
    Arc::new(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyError, VerifyInput};
    use crate::secret::Secret;

    #[test]
    fn known_answer_from_the_spec() {
        let secret = Secret::new("It's a Secret to Everybody");
        let p = provider();
        let headers = p
            .sign(&SignInput { body: b"Hello, World!", secret: &secret, timestamp: 0, id: "d1", event: Some("push") })
            .unwrap();
        assert_eq!(
            headers["x-hub-signature-256"],
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        assert_eq!(headers["x-github-event"], "push");
        assert_eq!(headers["x-github-delivery"], "d1");
        let ok = p.verify(&VerifyInput {
            headers: &headers,
            body: b"Hello, World!",
            secret: &secret,
            now: 0,
            tolerance: None,
        });
        assert!(ok.is_ok());
        let bad = p.verify(&VerifyInput {
            headers: &headers,
            body: b"Hello, World?",
            secret: &secret,
            now: 0,
            tolerance: None,
        });
        assert!(matches!(bad, Err(VerifyError::NoMatch { tried: 1, .. })));
    }

    /// HMAC-SHA1 of `Hello, World!` under the spec's secret (python3 hmac/hashlib and openssl dgst -sha1 agree).
    const LEGACY: &str = "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59";

    fn check(headers: &[(&str, &str)], secret: &str) -> Result<crate::provider::Verified, VerifyError> {
        let mut h = http::HeaderMap::new();
        for (name, value) in headers {
            h.append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        let secret = Secret::new(secret);
        provider().verify(&VerifyInput {
            headers: &h,
            body: b"Hello, World!",
            secret: &secret,
            now: 0,
            tolerance: None,
        })
    }

    #[test]
    fn only_the_legacy_sha1_header_is_named_as_such_and_never_passes() {
        // Regression: this was reported only as "header x-hub-signature-256 is missing".
        let err = check(&[("x-hub-signature", LEGACY)], "It's a Secret to Everybody").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("only x-hub-signature, the legacy HMAC-SHA1 signature, which is not accepted"), "{text}");
        assert!(matches!(err, VerifyError::LegacyOnly { legacy_matches: true, .. }), "{err:?}");
        assert_eq!(err.signature_state("x-hub-signature-256"), crate::provider::SignatureState::Missing);
        let err = check(&[("x-hub-signature", LEGACY)], "another secret").unwrap_err();
        assert!(matches!(err, VerifyError::LegacyOnly { legacy_matches: false, .. }), "{err:?}");
        // Beside a correct SHA-256 signature it changes nothing; beside a wrong one it rescues nothing.
        let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        let secret = "It's a Secret to Everybody";
        assert!(check(&[("x-hub-signature", LEGACY), ("x-hub-signature-256", good)], secret).is_ok());
        let wrong = format!("sha256={}", "0".repeat(64));
        let err = check(&[("x-hub-signature", LEGACY), ("x-hub-signature-256", &wrong)], secret).unwrap_err();
        assert!(matches!(err, VerifyError::NoMatch { .. }), "{err:?}");
    }

    #[test]
    fn a_sha1_value_in_the_sha256_header_is_recognised() {
        let err = check(&[("x-hub-signature-256", LEGACY)], "It's a Secret to Everybody").unwrap_err().to_string();
        assert!(
            err.contains("the prefix is sha1=, not sha256=, and what follows is 20 bytes, the length of an HMAC-SHA1"),
            "{err}"
        );
        let bare = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        let err = check(&[("x-hub-signature-256", bare)], "It's a Secret to Everybody").unwrap_err().to_string();
        assert!(err.contains("got a bare signature: the sha256= prefix is missing"), "{err}");
    }

    #[test]
    fn uppercase_hex_passes_with_a_note_and_lowercase_without() {
        let secret = "It's a Secret to Everybody";
        let upper = "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17";
        let ok = check(&[("x-hub-signature-256", upper)], secret).unwrap();
        assert_eq!(ok.notes.len(), 1);
        assert!(
            ok.notes[0].starts_with("the signature matched only ignoring case: GitHub writes sha256=<64 lowercase")
        );
        let lower = upper.to_ascii_lowercase();
        assert!(check(&[("x-hub-signature-256", &lower)], secret).unwrap().notes.is_empty());
    }
}
