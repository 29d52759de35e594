//! NexaDesk (seed 002): `X-NexaDesk-Signature: sha256=<hex>` over the body; envelope `{event, timestamp, workspace_id, data}`.

use std::sync::Arc;
use std::time::Duration;

use super::{Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryMarks, RetryPolicy};

/// The NexaDesk provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme::over_body(
        ProviderInfo {
            name: "nexadesk".into(),
            aliases: vec![],
            title: "NexaDesk".into(),
            signature_header: "x-nexadesk-signature".into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(5),
            tolerance: None,
            retry: RetryPolicy {
                attempts: Some(6),
                schedule: "retries after 1 m, 5 m, 30 m, 2 h, 24 h, then marked failed".into(),
                delays: [60, 300, 1800, 7200, 86_400].map(Duration::from_secs).to_vec(),
                final_on_4xx: false,
                marks: RetryMarks::default(),
            },
            event: Field::Json("event".into()),
            // NexaDesk sends no delivery id. `data.id` names the resource (a lead, a contact), which
            // every event about it shares, so treating it as one would flag distinct events as duplicates.
            delivery_id: Field::Absent,
            ping_event: Some("ping".into()),
        },
        "sha256=",
        Encoding::Hex,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, VerifyError, VerifyInput};
    use crate::secret::Secret;

    /// Seed 002's sample payload as `JSON.stringify` writes it (the doc's obfuscated e-mail replaced).
    const BODY: &[u8] = br#"{"event":"lead.created","timestamp":"2026-03-20T14:00:00.000Z","workspace_id":"ws_xxxxxxxxxxxx","data":{"id":"550e8400-e29b-41d4-a716-446655440000","visitor_name":"John Doe","visitor_email":"john@example.com","pipeline_stage":"new","source":"widget","created_at":"2026-03-20T14:00:00.000Z"}}"#;

    #[test]
    fn known_answer_from_the_seed_code_sample() {
        // Derived by running seed 002's own code under node:
        //   "sha256=" + crypto.createHmac("sha256", "nd_secret_2026").update(JSON.stringify(sample), "utf-8").digest("hex")
        // where JSON.stringify(sample) is BODY; cross-checked with python3 hmac/hashlib.
        let expected = "sha256=8820f51c88ea9fbe8280a71d701d478ecfd5b4a2195dd79af330033ac4fefcf3";
        let secret = Secret::new("nd_secret_2026");
        let p = provider();
        let headers = p.sign(&SignInput { body: BODY, secret: &secret, timestamp: 0, id: "x", event: None }).unwrap();
        assert_eq!(headers["x-nexadesk-signature"], expected);
        let verify =
            |body: &[u8]| p.verify(&VerifyInput { headers: &headers, body, secret: &secret, now: 0, tolerance: None });
        assert!(verify(BODY).is_ok());
        // The same JSON re-serialised with spaces is different bytes, hence a different signature.
        let pretty = serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(BODY).unwrap()).unwrap();
        assert!(matches!(verify(&pretty), Err(VerifyError::NoMatch { .. })));
        assert_eq!(p.event_type(&headers, BODY).as_deref(), Some("lead.created"));
        assert_eq!(p.delivery_id(&headers, BODY), None);
    }
}
