//! GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body.

use std::sync::Arc;
use std::time::Duration;

use super::{Encoding, Field, HmacScheme, Provider, ProviderInfo, RetryPolicy};

/// The GitHub provider.
pub fn provider() -> Arc<dyn Provider> {
    Arc::new(HmacScheme::over_body(
        ProviderInfo {
            name: "github".into(),
            aliases: vec![],
            title: "GitHub".into(),
            signature_header: "x-hub-signature-256".into(),
            content_type: "application/json".into(),
            timeout: Duration::from_secs(10),
            tolerance: None,
            retry: RetryPolicy { attempts: Some(1), schedule: "no automatic retries; redeliver by hand".into() },
            event: Field::Header("x-github-event".into()),
            delivery_id: Field::Header("x-github-delivery".into()),
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
}
