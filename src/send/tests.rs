//! The whole catalog through the request builder: every fixture renders, is
//! valid for its content type, and verifies with its provider's scheme.

use std::collections::BTreeSet;
use std::sync::Arc;

use http::HeaderMap;

use super::request::{BodySource, RequestPlan, content_problem};
use crate::catalog::{Catalog, EventSpec, normalize_name};
use crate::provider::{self, Field, Provider, VerifyInput};
use crate::secret::Secret;

/// Valid for every scheme: Standard Webhooks needs `whsec_` + base64; the rest take any bytes.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A plan that sends `spec` from the catalog as it is, signed with [`SECRET`].
fn catalog_plan(p: &Arc<dyn Provider>, spec: &EventSpec) -> RequestPlan {
    RequestPlan {
        provider: p.clone(),
        secret: Secret::new(SECRET),
        event: Some(spec.name.clone()),
        body: BodySource::Event(spec.clone()),
        edits: Vec::new(),
        content_type: spec.content_type.clone(),
        auth: None,
        extra: HeaderMap::new(),
    }
}

#[test]
fn every_catalog_provider_has_a_signing_scheme() {
    let catalog = Catalog::builtin();
    let schemes: BTreeSet<String> = provider::builtins().iter().map(|p| p.info().name.clone()).collect();
    for name in catalog.providers() {
        assert!(schemes.contains(name), "fixtures/{name} has no provider to sign it");
    }
}

#[test]
fn every_fixture_signs_and_verifies_with_its_provider() {
    let catalog = Catalog::builtin();
    let secret = Secret::new(SECRET);
    let mut checked = 0;
    for p in provider::builtins() {
        let info = p.info();
        let events: Vec<_> = catalog.events(Some(&info.name)).collect();
        assert!(!events.is_empty(), "provider {} has no catalog", info.name);
        for spec in events {
            let what = format!("{} {}", info.name, spec.name);
            let plan = catalog_plan(&p, spec);
            let sent = plan.build().unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(content_problem(&spec.content_type, &sent.body), None, "{what}");
            assert_eq!(sent.headers["content-type"], spec.content_type.as_str(), "{what}");
            let verified = p.verify(&VerifyInput {
                headers: &sent.headers,
                body: &sent.body,
                secret: &secret,
                now: sent.timestamp,
                tolerance: None,
            });
            assert!(verified.is_ok(), "{what}: {verified:?}");
            // A receiver must find the event type and delivery id where the provider puts them.
            // Not every fixture carries an event type where the provider's
            // usual envelope has it (Slack's slash commands and handshake), but
            // one that is found must be this event.
            if let Some(found) = p.event_type(&sent.headers, &sent.body) {
                assert_eq!(normalize_name(&found), normalize_name(&spec.name), "{what}");
            }
            // The id recorded and reported is exactly the one a receiver finds (none
            // when the provider sends none), and a body that repeats it agrees.
            let found = p.delivery_id(&sent.headers, &sent.body);
            assert_eq!(found, sent.provider_id, "{what}");
            if matches!(info.delivery_id, Field::Header(_)) {
                assert!(found.is_some(), "{what}: no delivery id header");
            }
            if spec.template().contains("{{delivery_id}}") {
                let id = found.unwrap_or_else(|| panic!("{what}: the body repeats an id the headers lack"));
                assert!(String::from_utf8_lossy(&sent.body).contains(&id), "{what}: the body's id differs");
            }
            // Tampering with one byte must break the signature.
            let mut tampered = sent.body.to_vec();
            tampered[0] ^= 1;
            let tampered = p.verify(&VerifyInput {
                headers: &sent.headers,
                body: &tampered,
                secret: &secret,
                now: sent.timestamp,
                tolerance: None,
            });
            assert!(tampered.is_err(), "{what}: tampered body verified");
            checked += 1;
        }
    }
    assert_eq!(checked, catalog.events(None).count(), "every fixture was walked");
}

#[test]
fn repeated_builds_are_distinct_deliveries() {
    let catalog = Catalog::builtin();
    for p in provider::builtins() {
        let Some(spec) = catalog.events(Some(&p.info().name)).next() else { continue };
        let plan = catalog_plan(&p, spec);
        let (a, b) = (plan.build().unwrap(), plan.build().unwrap());
        if a.provider_id.is_some() {
            assert_ne!(a.provider_id, b.provider_id, "{}", p.info().name);
        }
        assert_ne!(a.body, b.body, "{}: the fixture should carry fresh ids", p.info().name);
    }
}

#[test]
fn dash_h_replaces_computed_headers_and_auth_is_sensitive() {
    let p = provider::lookup("github").unwrap();
    let mut extra = HeaderMap::new();
    extra.append("x-hub-signature-256", "sha256=wrong".parse().unwrap());
    extra.append("x-extra", "1".parse().unwrap());
    extra.append("x-extra", "2".parse().unwrap());
    let plan = RequestPlan {
        provider: p,
        secret: Secret::new("s"),
        event: Some("push".into()),
        body: BodySource::Fixed(bytes::Bytes::from_static(b"{}")),
        edits: vec![super::Edit::parse("a=1").unwrap()],
        content_type: "application/json".into(),
        auth: Some(Secret::new("Bearer t0k3n")),
        extra,
    };
    let sent = plan.build().unwrap();
    assert_eq!(sent.body.as_ref(), br#"{"a":1}"#);
    assert_eq!(sent.headers.get_all("x-hub-signature-256").iter().count(), 1);
    assert_eq!(sent.headers["x-hub-signature-256"], "sha256=wrong");
    assert_eq!(sent.headers.get_all("x-extra").iter().count(), 2);
    assert_eq!(sent.headers["authorization"], "Bearer t0k3n");
    assert!(sent.headers["authorization"].is_sensitive());
    assert_eq!(sent.headers["x-github-event"], "push");
}

#[test]
fn nexus_bodies_repeat_the_delivery_id_of_their_header() {
    let catalog = Catalog::builtin();
    let p = provider::lookup("nexus").unwrap();
    for spec in catalog.events(Some("nexus")) {
        let plan = catalog_plan(&p, spec);
        let sent = plan.build().unwrap();
        let header = sent.headers["x-nexus-delivery-id"].to_str().unwrap();
        let body = String::from_utf8_lossy(&sent.body);
        assert!(body.contains(&format!("<deliveryId>{header}</deliveryId>")), "{}: {body}", spec.name);
    }
}

#[test]
fn a_dash_h_timestamp_or_id_is_the_one_signed_over() {
    let catalog = Catalog::builtin();
    let secret = Secret::new(SECRET);
    let old = crate::util::unix_now() - 3600;
    let cases: [(&str, &[(&str, &str)]); 4] = [
        ("standard", &[("webhook-timestamp", "{old}"), ("webhook-id", "msg_fixed")]),
        ("standard", &[("webhook-id", "msg_again")]),
        ("slack", &[("x-slack-request-timestamp", "{old}")]),
        ("nexus", &[("x-nexus-timestamp", "{old}")]),
    ];
    for (name, given) in cases {
        let p = provider::lookup(name).unwrap();
        let spec = catalog.events(Some(name)).next().unwrap();
        let mut plan = catalog_plan(&p, spec);
        for (header, value) in given {
            plan.extra.append(*header, value.replace("{old}", &old.to_string()).parse().unwrap());
        }
        let sent = plan.build().unwrap();
        let check = |now: i64| {
            p.verify(&VerifyInput { headers: &sent.headers, body: &sent.body, secret: &secret, now, tolerance: None })
        };
        let what = format!("{name} with {given:?}");
        let old_given = given.iter().any(|(_, v)| *v == "{old}");
        if old_given {
            assert_eq!(sent.timestamp, old, "{what}");
            // Authentic but stale: a receiver's tolerance check, not its signature check, refuses it.
            assert!(check(old).is_ok(), "{what}: {:?}", check(old));
            assert!(matches!(check(crate::util::unix_now()), Err(provider::VerifyError::OutsideTolerance { .. })));
        } else {
            assert!(check(crate::util::unix_now()).is_ok(), "{what}: {:?}", check(crate::util::unix_now()));
        }
        for (header, value) in given {
            assert_eq!(sent.headers.get_all(*header).iter().count(), 1, "{what}");
            assert_eq!(sent.headers[*header], value.replace("{old}", &old.to_string()), "{what}");
        }
        if let Some((_, id)) = given.iter().find(|(h, _)| *h == "webhook-id") {
            assert_eq!(sent.provider_id.as_deref(), Some(*id), "{what}: the id recorded is the one sent");
        }
    }
}
