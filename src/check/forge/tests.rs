//! The forge's unit tests: every delivery checked with the provider's own verifier.

use super::json::python_dumps;
use super::variants::other_secret;
use super::*;
use crate::provider::{VerifyError, VerifyInput};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn forge(provider: &str) -> Forge {
    let catalog = crate::catalog::Catalog::builtin();
    let events: Vec<_> = catalog.events(Some(provider)).collect();
    let event = (*events.iter().find(|e| e.named_by_provider).unwrap_or(&events[0])).clone();
    forge_of(provider, Payload::Event(event))
}

fn forge_of(provider: &str, payload: Payload) -> Forge {
    Forge {
        json: is_json(payload.content_type()),
        provider: crate::provider::lookup(provider).unwrap(),
        secret: Secret::new(SECRET),
        payload,
        auth: None,
        headers: HeaderMap::new(),
        tolerance: None,
    }
}

fn verify(f: &Forge, p: &Prepared) -> Result<(), VerifyError> {
    let input = VerifyInput {
        headers: &p.headers,
        body: &p.body,
        secret: &f.secret,
        now: crate::util::unix_now(),
        tolerance: None,
    };
    f.provider.verify(&input).map(drop)
}

#[test]
fn valid_deliveries_verify_and_broken_ones_fail_for_the_intended_reason() {
    for name in ["standard", "nexadesk", "nexus", "nudj", "stripe", "slack", "github"] {
        let f = forge(name);
        let valid = f.valid().unwrap();
        assert!(verify(&f, &valid).is_ok(), "{name}");
        assert!(matches!(verify(&f, &f.wrong_secret().unwrap()), Err(VerifyError::NoMatch { .. })), "{name}");
        assert!(matches!(verify(&f, &f.unsigned().unwrap()), Err(VerifyError::MissingHeader { .. })), "{name}");
        let (malformed, _) = f.malformed().unwrap();
        assert!(verify(&f, &malformed).is_ok(), "{name}: the malformed body is correctly signed");
        assert!(serde_json::from_slice::<serde_json::Value>(&malformed.body).is_err(), "{name}");
        let big = f.oversized().unwrap();
        assert_eq!(big.body.len(), OVERSIZED_BYTES);
        assert!(verify(&f, &big).is_ok(), "{name}");
    }
}

#[test]
fn stale_deliveries_are_correctly_signed_but_outside_the_tolerance() {
    let f = forge("standard");
    let (stale, tolerance) = f.stale().unwrap().unwrap();
    assert_eq!(tolerance, 300);
    assert!(matches!(verify(&f, &stale), Err(VerifyError::OutsideTolerance { .. })));
    assert!(forge("nexadesk").stale().is_none(), "nexadesk signs no timestamp");
}

#[test]
fn a_profiles_tolerance_replaces_the_providers() {
    let mut f = forge("nexus");
    f.tolerance = Some(7200);
    let (stale, tolerance) = f.stale().unwrap().unwrap();
    assert_eq!(tolerance, 7200);
    assert!(stale.timestamp < crate::util::unix_now() - 7200 - 3000, "signed past the profile's tolerance");
    let mut f = forge("nexadesk");
    f.tolerance = Some(7200);
    assert!(f.stale().is_none(), "a tolerance does not give nexadesk a timestamp");
}

#[test]
fn pythons_json_dumps_form_has_spaced_separators_and_escapes_past_ascii() {
    let value = serde_json::json!({"a": [1, 2], "b": {"c": "é😀"}, "d": null});
    assert_eq!(
        String::from_utf8(python_dumps(&value)).unwrap(),
        r#"{"a": [1, 2], "b": {"c": "\u00e9\ud83d\ude00"}, "d": null}"#
    );
}

#[test]
fn the_pretty_set_differs_only_in_what_was_signed() {
    let f = forge("nexadesk");
    let PrettySet { exact, over_compact, over_python } = f.pretty_set().unwrap().unwrap();
    assert_eq!(exact.body, over_python.body);
    let value: serde_json::Value = serde_json::from_slice(&exact.body).unwrap();
    let input = VerifyInput {
        headers: &over_python.headers,
        body: &python_dumps(&value),
        secret: &f.secret,
        now: crate::util::unix_now(),
        tolerance: None,
    };
    assert!(f.provider.verify(&input).is_ok(), "what json.dumps(json.loads(body)) computes verifies");
    assert_eq!(exact.body, over_compact.body);
    assert!(exact.body.contains(&b'\n'), "pretty-printed");
    assert!(verify(&f, &exact).is_ok());
    assert!(verify(&f, &over_compact).is_err());
    // What a JSON.stringify receiver computes: the compact form verifies with the second signature.
    let value: serde_json::Value = serde_json::from_slice(&over_compact.body).unwrap();
    let compact = serde_json::to_vec(&value).unwrap();
    let input = VerifyInput {
        headers: &over_compact.headers,
        body: &compact,
        secret: &f.secret,
        now: crate::util::unix_now(),
        tolerance: None,
    };
    assert!(f.provider.verify(&input).is_ok());
    assert!(forge("nexus").pretty_set().is_none(), "XML is not re-serialised");
}

#[test]
fn valid_bodies_are_compact_json_and_carry_their_id_in_the_header() {
    let f = forge("standard");
    let body = f.body().unwrap();
    assert!(!body.bytes.contains(&b'\n'));
    let p = f.sign(&body, 1, &f.secret).unwrap();
    assert_eq!(p.headers["webhook-id"], body.id.as_str());
    assert_eq!(p.provider_id.as_deref(), Some(body.id.as_str()));
    assert!(other_secret(&f.secret).expose().starts_with("whsec_"));
    assert_ne!(other_secret(&f.secret).expose(), SECRET);
}

#[test]
fn redeliveries_carry_the_providers_retry_marks() {
    let nudj = forge("nudj");
    let body = nudj.body().unwrap();
    let count = |p: &Prepared| {
        let v: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
        (v["metadata"]["retryCount"].clone(), v["id"].clone())
    };
    let now = crate::util::unix_now();
    let first = nudj.redelivery(&body, 0, now, "").unwrap();
    let third = nudj.redelivery(&body, 2, now, "http_error").unwrap();
    assert_eq!(count(&first).0, serde_json::json!(0));
    assert_eq!(count(&third), (serde_json::json!(2), count(&first).1), "the same id, a counted retry");
    assert!(verify(&nudj, &third).is_ok(), "re-signed over the counted body");
    let slack = forge("slack");
    let body = slack.body().unwrap();
    let first = slack.redelivery(&body, 0, now - 3, "").unwrap();
    let retry = slack.redelivery(&body, 1, now - 2, "http_timeout").unwrap();
    assert!(first.headers.get("x-slack-retry-num").is_none());
    assert_eq!(retry.headers["x-slack-retry-num"], "1");
    assert_eq!(retry.headers["x-slack-retry-reason"], "http_timeout");
    assert_ne!(first.headers["x-slack-request-timestamp"], retry.headers["x-slack-request-timestamp"]);
    assert_eq!(first.body, retry.body);
    assert!(verify(&slack, &retry).is_ok());
}

#[test]
fn a_users_body_gets_a_fresh_delivery_id_where_the_envelope_has_one() {
    let data = |body: &str| Payload::Data {
        event: None,
        bytes: Bytes::copy_from_slice(body.as_bytes()),
        content_type: "application/json".into(),
    };
    let f = forge_of("nudj", data(r#"{"id":"evt_fixed","type":"user.registered"}"#));
    let (a, b) = (f.body().unwrap(), f.body().unwrap());
    assert_ne!(a.bytes, b.bytes);
    assert!(String::from_utf8_lossy(&a.bytes).contains(&format!("\"id\":\"{}\"", a.id)));
    let f = forge_of("nexadesk", data(r#"{"event":"lead.created"}"#));
    assert_eq!(f.body().unwrap().bytes, f.body().unwrap().bytes, "no id to renew: sent as given");
}

#[test]
fn headers_given_with_h_that_replace_the_schemes_own_are_named() {
    let mut f = forge("nexadesk");
    for (name, value) in [("x-nexadesk-signature", "sha256=00"), ("content-type", "text/plain"), ("x-team", "a")] {
        f.headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    let mut got = f.overrides();
    got.sort();
    assert_eq!(
        got,
        [("content-type".to_string(), "the content type"), ("x-nexadesk-signature".into(), "the signature")]
    );
}

#[test]
fn a_rotation_header_holds_a_wrong_signature_first_and_still_verifies() {
    let standard = forge("standard");
    let p = standard.rotated().unwrap().unwrap();
    let header = p.headers["webhook-signature"].to_str().unwrap().to_owned();
    assert_eq!(header.split(' ').count(), 2, "{header}");
    assert!(verify(&standard, &p).is_ok(), "any match passes");
    let stripe = forge("stripe");
    let p = stripe.rotated().unwrap().unwrap();
    assert_eq!(p.headers["stripe-signature"].to_str().unwrap().matches(",v1=").count(), 2);
    assert!(verify(&stripe, &p).is_ok());
    assert!(forge("nexadesk").rotated().is_none(), "one signature only");
    assert!(forge("slack").rotated().is_none());
}

#[test]
fn bad_authorizations_drop_or_change_the_configured_one() {
    let mut f = forge("nexus");
    assert!(!f.has_authorization());
    f.auth = Some(Secret::new("Basic dXNlcjpwdw=="));
    let (without, wrong) = f.bad_authorizations().unwrap();
    assert!(without.headers.get("authorization").is_none());
    let value = wrong.headers["authorization"].to_str().unwrap();
    assert!(value.starts_with("Basic ") && value != "Basic dXNlcjpwdw==", "{value}");
    assert!(verify(&f, &wrong).is_ok() && verify(&f, &without).is_ok(), "the signatures stay right");
}
