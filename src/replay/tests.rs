//! Unit tests of the replay engine: targets, request building and selection, on
//! deliveries stored in a temporary database.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};

use super::*;
use crate::config::{Config, SignerRequest};
use crate::provider::{SignatureState, VerifyInput};
use crate::secret::Secret;
use crate::store::{Delivery, Filter, NewDelivery, Source, Store};

const SECRET: &str = "replay-secret";

/// A github delivery as `send` records it, or as `listen` does on `route` when given.
fn stored(store: &mut Store, route: Option<&str>, target: Option<&str>) -> Delivery {
    let body = Bytes::from_static(br#"{"zen":"keep it logically awesome","n":1}"#);
    let signed = crate::provider::lookup("github")
        .unwrap()
        .sign(&crate::provider::SignInput {
            body: &body,
            secret: &Secret::new(SECRET),
            timestamp: 0,
            id: "gh-1",
            event: Some("push"),
        })
        .unwrap();
    let mut headers = signed;
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.append("x-rep", HeaderValue::from_static("1"));
    headers.append("x-rep", HeaderValue::from_static("2"));
    let source = if route.is_some() { Source::Listen } else { Source::Send };
    let mut d = NewDelivery::request(source, "POST", "/in/github/push", headers, body);
    d.query = Some("a=1".into());
    d.provider = Some("github".into());
    d.event = Some("push".into());
    d.provider_delivery_id = Some("gh-1".into());
    d.signature = SignatureState::Valid;
    d.route = route.map(str::to_owned);
    d.target = target.map(str::to_owned);
    store.insert(&d).unwrap();
    store.get(&d.id).unwrap()
}

fn plan(resign: bool, body: BodyChange, headers: HeaderMap, to: Option<&str>) -> Plan {
    let flags = SignerRequest { secret: Some(SECRET.into()), ..SignerRequest::default() };
    Plan {
        to: to.map(|t| crate::send::input::parse_url(t).unwrap()),
        routes: target::Routes::default(),
        resign,
        body,
        headers,
        signing: Arc::new(Signing::new(Config::default(), flags)),
    }
}

fn verifies(ready: &Ready) -> bool {
    let input = VerifyInput {
        headers: &ready.headers,
        body: &ready.body,
        secret: &Secret::new(SECRET),
        now: crate::util::unix_now(),
        tolerance: None,
    };
    crate::provider::lookup("github").unwrap().verify(&input).is_ok()
}

#[test]
fn targets_follow_the_route_the_exact_url_or_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let listened = stored(&mut store, Some("/in/github"), Some("http://app:3000/gh"));
    let sent = stored(&mut store, None, Some("http://app:3000/exact?a=1"));
    let recorded = stored(&mut store, Some("/"), None);
    let routes = target::Routes::default();
    let url = |d: &Delivery, to: Option<&str>| {
        target::url_for(d, to.map(|t| crate::send::input::parse_url(t).unwrap()).as_ref(), &routes)
    };
    assert_eq!(url(&listened, None).unwrap(), "http://app:3000/gh/push?a=1", "as the relay forwarded it");
    assert_eq!(url(&sent, None).unwrap(), "http://app:3000/exact?a=1", "where send sent it");
    assert_eq!(url(&sent, Some("localhost:4000")).unwrap(), "http://localhost:4000/in/github/push?a=1");
    assert_eq!(url(&sent, Some("http://h/")).unwrap(), "http://h/in/github/push?a=1");
    assert_eq!(url(&sent, Some("http://h/x")).unwrap(), "http://h/x?a=1", "a path is exact");
    assert_eq!(url(&sent, Some("http://h/x?k=v")).unwrap(), "http://h/x?k=v&a=1");
    let skip = url(&recorded, None).unwrap_err();
    assert!(skip.reason.contains("no target") && skip.hint.as_deref() == Some("pass --to URL"), "{skip:?}");
    // On the catch-all route, a target with a path came from --forward-to, which is exact,
    // unless the configuration's own catch-all route names it.
    let flagged = stored(&mut store, Some("/"), Some("http://app:3000/gh"));
    assert_eq!(url(&flagged, None).unwrap(), "http://app:3000/gh?a=1");
    let mut config = Config::default();
    config.routes = vec![crate::config::Route {
        path: "/".into(),
        profile: None,
        forward_to: Some("app:3000/gh".into()),
        events: Vec::new(),
        ack: None,
        event: None,
    }];
    let configured = target::url_for(&flagged, None, &target::Routes::of(&config)).unwrap();
    assert_eq!(configured, "http://app:3000/gh/in/github/push?a=1");
}

#[test]
fn kept_requests_carry_the_recorded_bytes_and_fresh_ones_a_new_signature() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let d = stored(&mut store, None, Some("http://app/exact"));
    let kept = plan(false, BodyChange::Keep, HeaderMap::new(), None).prepare(&d, "01NEW").unwrap();
    assert_eq!((kept.body.clone(), kept.signature, kept.resigned), (d.body.clone(), SignatureState::Valid, false));
    assert_eq!(kept.headers["x-hub-signature-256"], d.headers["x-hub-signature-256"]);
    assert_eq!(kept.headers.get_all("x-rep").iter().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(kept.headers["x-hooktap-delivery"], "01NEW");
    assert_eq!(kept.provider_delivery_id.as_deref(), Some("gh-1"));
    assert!(verifies(&kept), "github signs no timestamp: the recorded signature still holds");

    let fresh = plan(true, BodyChange::Keep, HeaderMap::new(), None).prepare(&d, "01NEW").unwrap();
    assert!(verifies(&fresh) && fresh.resigned);
    assert_ne!(fresh.provider_delivery_id.as_deref(), Some("gh-1"), "a fresh delivery id");
    assert_eq!(fresh.headers["x-github-delivery"].to_str().ok(), fresh.provider_delivery_id.as_deref());

    let set = BodyChange::Edits(vec![crate::send::Edit::parse("n=2").unwrap()]);
    let edited = plan(true, set.clone(), HeaderMap::new(), None).prepare(&d, "01NEW").unwrap();
    assert!(verifies(&edited));
    assert_eq!(&edited.body[..], br#"{"zen":"keep it logically awesome","n":2}"#);
    let unsigned = plan(false, set, HeaderMap::new(), None).prepare(&d, "01NEW").unwrap();
    assert!(!verifies(&unsigned));
    assert_eq!(unsigned.signature, SignatureState::Unchecked);
    assert_eq!(unsigned.headers["x-hooktap-signature"], "unchecked");

    let replaced = BodyChange::Replace(Bytes::from_static(b"{}"));
    assert!(verifies(&plan(true, replaced, HeaderMap::new(), None).prepare(&d, "01NEW").unwrap()));
}

#[test]
fn dash_h_wins_over_every_header_and_credentials_in_to_become_basic_auth() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let d = stored(&mut store, None, Some("http://app/exact"));
    let mut extra = HeaderMap::new();
    extra.insert("x-hub-signature-256", HeaderValue::from_static("sha256=forged"));
    extra.insert("x-rep", HeaderValue::from_static("only"));
    let ready = plan(true, BodyChange::Keep, extra, Some("http://u:p@h:1/x")).prepare(&d, "01NEW").unwrap();
    assert_eq!(ready.headers["x-hub-signature-256"], "sha256=forged");
    assert_eq!(ready.headers.get_all("x-rep").iter().collect::<Vec<_>>(), ["only"]);
    assert_eq!(ready.signature, SignatureState::Unchecked, "a -H signature was never checked");
    assert_eq!(ready.headers["authorization"], "Basic dTpw");
    assert_eq!(ready.url, "http://h:1/x?a=1", "the credentials leave the URL");
}

#[test]
fn a_delivery_with_no_provider_cannot_be_re_signed_and_says_what_to_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let mut raw = NewDelivery::request(Source::Listen, "POST", "/x", HeaderMap::new(), Bytes::from_static(b"x"));
    raw.target = Some("http://app/".into());
    store.insert(&raw).unwrap();
    let d = store.get(&raw.id).unwrap();
    let skip = plan(true, BodyChange::Keep, HeaderMap::new(), None).prepare(&d, "01NEW").unwrap_err();
    assert!(skip.reason.contains("no provider to re-sign for"), "{skip:?}");
    assert!(skip.hint.unwrap().contains("--profile NAME"));
}

#[test]
fn a_selection_needs_something_selected_and_known_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db")).unwrap();
    let d = stored(&mut store, None, Some("http://app/"));
    let code = |e: anyhow::Error| crate::error::classify(&e).code;
    assert_eq!(code(Selection::resolve(&store, Filter::default()).unwrap_err()), 2);
    let unknown = Filter { ids: vec!["01NOPE".into()], ..Filter::default() };
    assert_eq!(code(Selection::resolve(&store, unknown).unwrap_err()), 2);
    let by_prefix = Filter { ids: vec![d.id[..20].to_ascii_lowercase()], ..Filter::default() };
    let selection = Selection::resolve(&store, by_prefix).unwrap();
    assert_eq!(selection.count(), 1);
    assert_eq!(selection.first(&store).unwrap().unwrap().id, d.id);
}
