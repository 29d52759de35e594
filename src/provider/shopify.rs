//! Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the body; topic and webhook id in headers.

use std::sync::Arc;
use std::time::Duration;

use super::{Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy};

/// The Shopify provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme::over_body(
        ProviderInfo {
            name: "shopify".into(),
            aliases: vec![],
            title: "Shopify".into(),
            signature_header: "x-shopify-hmac-sha256".into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(5),
            tolerance: None,
            retry: RetryPolicy {
                attempts: Some(9),
                schedule: "8 retries over 4 hours".into(),
                // Representative: doubling from a minute, the last wait closing the 4 hours.
                delays: [60, 120, 240, 480, 960, 1920, 3840, 6780].map(Duration::from_secs).to_vec(),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            event: Field::Header("x-shopify-topic".into()),
            delivery_id: Field::Header("x-shopify-webhook-id".into()),
            ping_event: None,
        },
        "",
        Encoding::Base64,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyInput};
    use crate::secret::Secret;

    #[test]
    fn known_answer_is_base64_of_the_body_hmac() {
        // Derived with python3: base64.b64encode(hmac.new(b"shpss_test", b'{"id":820982911946154508}',
        // hashlib.sha256).digest()) and  openssl dgst -sha256 -hmac shpss_test -binary | base64
        let body = br#"{"id":820982911946154508}"#;
        let secret = Secret::new("shpss_test");
        let p = provider();
        let headers = p
            .sign(&SignInput { body, secret: &secret, timestamp: 0, id: "w-1", event: Some("orders/create") })
            .unwrap();
        assert_eq!(headers["x-shopify-hmac-sha256"], "3JxXO8Lul52iD5+qb1FHtoXK8vDwPbXpi8eB+yETk5I=");
        assert_eq!(headers["x-shopify-topic"], "orders/create");
        assert_eq!(headers["x-shopify-webhook-id"], "w-1");
        assert!(p.verify(&VerifyInput { headers: &headers, body, secret: &secret, now: 0, tolerance: None }).is_ok());
    }

    #[test]
    fn a_hex_signature_is_called_hex_not_a_wrong_length() {
        let mut headers = http::HeaderMap::new();
        // The same HMAC as the known answer, written in hex (python3: hmac.new(...).hexdigest()).
        let hex = "dc9c573bc2ee979da20f9faa6f5147b685caf2f0f03db5e98bc781fb21139392";
        headers.insert("x-shopify-hmac-sha256", hex.parse().unwrap());
        let secret = Secret::new("shpss_test");
        let err = provider()
            .verify(&VerifyInput { headers: &headers, body: b"{}", secret: &secret, now: 0, tolerance: None })
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("the signature is written in hex (64 characters); expected 44 base64 characters"),
            "{err}"
        );
    }
}
