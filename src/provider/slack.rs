//! Slack: `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`, timestamp in `X-Slack-Request-Timestamp`.

use std::sync::Arc;
use std::time::Duration;

use super::{Algorithm, Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy, SignedTemplate};

/// The Slack provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme {
        info: ProviderInfo {
            name: "slack".into(),
            aliases: vec![],
            title: "Slack".into(),
            signature_header: "x-slack-signature".into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(3),
            tolerance: Some(300),
            retry: RetryPolicy {
                attempts: Some(4),
                schedule: "3 retries: nearly immediately, after 1 minute, after 5 minutes".into(),
                delays: [1, 60, 300].map(Duration::from_secs).to_vec(),
                final_on_4xx: false,
                marks: RetryMarks {
                    count_field: None,
                    count_header: Some("x-slack-retry-num".into()),
                    reason_header: Some("x-slack-retry-reason".into()),
                },
            },
            // Events API: the wrapped event's type, else the envelope's own (url_verification);
            // slash commands are form-encoded and carry neither.
            event: Field::Any(vec![Field::Json("event.type".into()), Field::Json("type".into())]),
            delivery_id: Field::Json("event_id".into()),
            ping_event: None,
        },
        prefix: "v0=".into(),
        template: SignedTemplate::parse("v0:{timestamp}:{body}").expect("static template"),
        encoding: Encoding::Hex,
        algorithm: Algorithm::Sha256,
        timestamp_header: Some("x-slack-request-timestamp".into()),
        id_header: None,
        legacy: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyError, VerifyInput};
    use crate::secret::Secret;

    const BODY: &[u8] = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    #[test]
    fn known_answer_from_the_spec() {
        let secret = Secret::new("8f742231b10e8888abcd99yyyzzz85a5");
        let p = provider();
        let headers =
            p.sign(&SignInput { body: BODY, secret: &secret, timestamp: 1531420618, id: "", event: None }).unwrap();
        assert_eq!(headers["x-slack-signature"], "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
        assert_eq!(headers["x-slack-request-timestamp"], "1531420618");
        let check =
            |now| p.verify(&VerifyInput { headers: &headers, body: BODY, secret: &secret, now, tolerance: None });
        assert!(check(1531420618).is_ok());
        let err = check(1531420618 + 3600).unwrap_err();
        assert_eq!(err.to_string(), "timestamp 1531420618 is 3600 s in the past (tolerance 300 s)");
    }

    #[test]
    fn the_preview_shows_the_signed_string_with_the_body_cut() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-slack-signature", format!("v0={}", "0".repeat(64)).parse().unwrap());
        headers.insert("x-slack-request-timestamp", "1531420618".parse().unwrap());
        let secret = Secret::new("8f742231b10e8888abcd99yyyzzz85a5");
        let err = provider()
            .verify(&VerifyInput { headers: &headers, body: BODY, secret: &secret, now: 1531420618, tolerance: None })
            .unwrap_err();
        let VerifyError::NoMatch { signed_preview, expected, signed_with, .. } = err else { panic!("{err:?}") };
        // The timestamp is signed too, so a mismatch may lie there as well as in body or secret.
        assert_eq!(&*signed_with, ["header x-slack-request-timestamp"]);
        assert!(signed_preview.starts_with("v0:1531420618:token=xyzz0WbapA4vBCDEFasx0q6G&"), "{signed_preview}");
        assert!(signed_preview.ends_with("bytes)"), "{signed_preview}");
        assert_eq!(expected, "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
    }
}
