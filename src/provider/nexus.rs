//! NiCE KM "Nexus" (seed 000): `X-Nexus-Signature-256: sha256=<hex>` over `{timestamp}.{body}`.

use std::sync::Arc;
use std::time::Duration;

use super::{Algorithm, Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy, SignedTemplate};

/// The Nexus provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme {
        info: ProviderInfo {
            name: "nexus".into(),
            aliases: vec!["nicekm".into()],
            title: "NiCE KM (Nexus)".into(),
            signature_header: "x-nexus-signature-256".into(),
            content_type: "text/xml".into(),
            timeout: Duration::from_secs(1),
            // The seed documents no window; the timestamp is signed, so hold it to the usual 5 minutes.
            tolerance: Some(300),
            retry: RetryPolicy {
                attempts: None,
                schedule: "exponential backoff on 5xx and timeouts only; 4xx is permanent; \
                           disabled after repeated consecutive failures"
                    .into(),
                // Representative: the seed documents the rule, not the delays.
                delays: RetryPolicy::doubling(Duration::from_secs(60), 5),
                final_on_4xx: true,
                marks: RetryMarks::default(),
            },
            event: Field::Header("x-nexus-event-type".into()),
            delivery_id: Field::Header("x-nexus-delivery-id".into()),
            ping_event: None,
        },
        prefix: "sha256=".into(),
        template: SignedTemplate::parse("{timestamp}.{body}").expect("static template"),
        encoding: Encoding::Hex,
        algorithm: Algorithm::Sha256,
        timestamp_header: Some("x-nexus-timestamp".into()),
        id_header: None,
        legacy: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyError, VerifyInput};
    use crate::secret::Secret;

    const BODY: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><event type="Page_Create"><page id="4711"><title>Onboarding</title></page></event>"#;

    #[test]
    fn known_answer_from_the_seed_code_sample() {
        // Derived by running seed 000's own verification code under node:
        //   crypto.createHmac('sha256', 'nexus_whk_3f9a2c').update(`${timestamp}.${payload}`).digest('hex')
        // with timestamp '1718035200' and BODY, and cross-checked with
        //   printf '%s' '1718035200.<BODY>' | openssl dgst -sha256 -hmac nexus_whk_3f9a2c
        let expected = "sha256=9a26af49c4659b5b008c3e3fe1bb2dd4acdbd0069499ba3b9e14957040db48de";
        let secret = Secret::new("nexus_whk_3f9a2c");
        let p = provider();
        let input = SignInput {
            body: BODY,
            secret: &secret,
            timestamp: 1718035200,
            id: "0b8f8a5e-2f0c-4d7b-9a51-3c1d2e4f5a6b",
            event: Some("Page_Create"),
        };
        let headers = p.sign(&input).unwrap();
        assert_eq!(headers["x-nexus-signature-256"], expected);
        assert_eq!(headers["x-nexus-timestamp"], "1718035200");
        assert_eq!(headers["x-nexus-event-type"], "Page_Create");
        assert_eq!(headers["x-nexus-delivery-id"], "0b8f8a5e-2f0c-4d7b-9a51-3c1d2e4f5a6b");
        let check =
            |now| p.verify(&VerifyInput { headers: &headers, body: BODY, secret: &secret, now, tolerance: None });
        assert_eq!(check(1718035200 + 300).unwrap().timestamp, Some(1718035200));
        assert!(matches!(check(1718035200 + 301), Err(VerifyError::OutsideTolerance { tolerance: 300, .. })));
        assert_eq!(p.event_type(&headers, BODY).as_deref(), Some("Page_Create"));
    }

    #[test]
    fn a_missing_timestamp_is_named() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-nexus-signature-256", "sha256=00".parse().unwrap());
        let secret = Secret::new("s");
        let err = provider()
            .verify(&VerifyInput { headers: &headers, body: BODY, secret: &secret, now: 0, tolerance: None })
            .unwrap_err();
        assert_eq!(err, VerifyError::MissingHeader { header: "x-nexus-timestamp".into() });
    }
}
