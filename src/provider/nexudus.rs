//! Nexudus (seed 001): `X-Nexudus-Hook-Signature: <HEX>` over the body, no prefix, no event field.

use std::sync::Arc;
use std::time::Duration;

use super::{Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy};

/// The Nexudus provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme::over_body(
        ProviderInfo {
            name: "nexudus".into(),
            aliases: vec![],
            title: "Nexudus".into(),
            signature_header: "x-nexudus-hook-signature".into(),
            content_type: "application/json".into(),
            // Not documented by the seed; a common default.
            timeout: Duration::from_secs(10),
            tolerance: None,
            retry: RetryPolicy {
                attempts: Some(11),
                schedule: "up to 10 retries at increasing delays; disabled after 10 consecutive failures".into(),
                // Representative: the seed does not say how the delays increase.
                delays: RetryPolicy::doubling(Duration::from_secs(60), 10),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            // The body (a JSON array holding one record) names no event: the route's `event` or
            // the URL's last path segment does.
            event: Field::Absent,
            // The record's `Id` is the record's, shared by every event about it: using it would
            // flag distinct deliveries as duplicates.
            delivery_id: Field::Absent,
            ping_event: None,
        },
        "",
        Encoding::HexUpper,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyError, VerifyInput};
    use crate::secret::Secret;

    const BODY: &[u8] = br#"[{"Id":1234567,"FullName":"Ada Lovelace","Email":"ada@example.com"}]"#;
    // From seed 001's scheme (HMAC-SHA256 of the body, uppercase hex), derived independently with
    //   node -e "console.log(require('crypto').createHmac('sha256','nexudus-shared-secret')
    //            .update('<BODY>').digest('hex').toUpperCase())"
    // and  printf '%s' '<BODY>' | openssl dgst -sha256 -hmac nexudus-shared-secret  (same digits, lowercase).
    const SIGNATURE: &str = "4B3B8F786750D256D003BC94BEA8720CE4555567AD0FDB0548BE7CC72124B47B";

    fn check(value: &str) -> Result<crate::provider::Verified, VerifyError> {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-nexudus-hook-signature", value.parse().unwrap());
        let secret = Secret::new("nexudus-shared-secret");
        provider().verify(&VerifyInput { headers: &headers, body: BODY, secret: &secret, now: 0, tolerance: None })
    }

    #[test]
    fn known_answer_is_uppercase_without_prefix() {
        let secret = Secret::new("nexudus-shared-secret");
        let headers =
            provider().sign(&SignInput { body: BODY, secret: &secret, timestamp: 0, id: "x", event: None }).unwrap();
        assert_eq!(headers["x-nexudus-hook-signature"], SIGNATURE);
        assert_eq!(headers.len(), 1, "Nexudus sends no other signing headers: {headers:?}");
        assert!(check(SIGNATURE).is_ok());
    }

    #[test]
    fn hex_is_compared_case_insensitively() {
        // The seed documents a case-insensitive comparison, so lowercase earns no note.
        assert!(check(&SIGNATURE.to_ascii_lowercase()).unwrap().notes.is_empty());
        let mut flipped = SIGNATURE.to_string();
        flipped.replace_range(0..1, "5");
        assert!(matches!(check(&flipped), Err(VerifyError::NoMatch { tried: 1, .. })));
    }

    #[test]
    fn a_prefix_nexudus_does_not_write_is_named() {
        let err = check(&format!("sha256={SIGNATURE}")).unwrap_err().to_string();
        assert!(
            err.contains("Nexudus writes the signature with no prefix, and this one starts with \"sha256=\""),
            "{err}"
        );
        assert!(err.ends_with("expected 64 uppercase hex digits"), "{err}");
    }

    #[test]
    fn no_event_or_delivery_id_is_invented() {
        let p = provider();
        assert_eq!(p.event_type(&http::HeaderMap::new(), BODY), None);
        assert_eq!(p.delivery_id(&http::HeaderMap::new(), BODY), None);
    }
}
