//! Relay tests through [`admit::handle`], without a socket.

use std::sync::Arc;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Frame};

use super::*;
use crate::config::Signer;
use crate::provider::{SignInput, SignatureState};
use crate::relay::AckMode;
use crate::secret::Secret;
use crate::store::State;

struct Fixture {
    app: Arc<App>,
    trigger: ShutdownTrigger,
    _writer: crate::store::WriterHandle,
    _dir: tempfile::TempDir,
}

impl Fixture {
    fn new(edit: impl FnOnce(&mut RelayConfig)) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut config = RelayConfig::new(dir.path().join("relay.db"));
        edit(&mut config);
        let (trigger, shutdown) = shutdown_pair();
        let (app, writer) = App::open(&config, shutdown).unwrap();
        Fixture { app, trigger, _writer: writer, _dir: dir }
    }

    async fn send(&self, req: Request<Full<Bytes>>) -> (StatusCode, http::HeaderMap, Bytes) {
        let resp = admit::handle(&self.app, req, None).await;
        let (parts, body) = resp.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes())
    }

    fn store(&self) -> Store {
        Store::open(&self.app.db).unwrap()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.trigger.fire();
    }
}

fn github_signer() -> Signer {
    Signer {
        provider: crate::provider::lookup("github").unwrap(),
        secret: Some(Secret::new("relay-test-secret")),
        profile: Some("gh".into()),
        auth: None,
        tolerance: None,
    }
}

fn post(path: &str) -> http::request::Builder {
    Request::builder().method("POST").uri(path)
}

/// A body of chunks with no declared length, like a chunked upload.
struct Chunks(std::collections::VecDeque<Bytes>);

impl Body for Chunks {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }
}

#[tokio::test]
async fn record_only_stores_everything_and_answers_an_empty_200() {
    let f = Fixture::new(|_| {});
    let (status, headers, body) =
        f.send(post("/any/path?x=1").body(Full::new(Bytes::from_static(b"\x00\xffraw"))).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty(), "seed 000 expects an empty 200");
    let id = headers[attempt::DELIVERY_HEADER].to_str().unwrap().to_string();
    let d = f.store().get(&id).unwrap();
    assert_eq!((d.state.as_str(), d.signature.as_str()), ("recorded", "unchecked"));
    assert_eq!((d.path.as_str(), d.query.as_deref()), ("/any/path", Some("x=1")));
    assert_eq!(&d.body[..], b"\x00\xffraw");
}

#[tokio::test]
async fn oversize_bodies_get_413_whether_declared_or_streamed() {
    let f = Fixture::new(|c| c.max_body = 16);
    let declared = post("/h").header("content-length", "17").body(Full::new(Bytes::from_static(&[b'x'; 17]))).unwrap();
    assert_eq!(f.send(declared).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    // No length up front: the limit applies while reading.
    let chunks = Chunks((0..4).map(|_| Bytes::from_static(b"12345678")).collect());
    let resp = admit::handle(&f.app, post("/h").body(chunks).unwrap(), None).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let exact = post("/h").body(Full::new(Bytes::from_static(&[b'x'; 16]))).unwrap();
    assert_eq!(f.send(exact).await.0, StatusCode::OK);
    assert_eq!(f.store().count_by_state().unwrap(), vec![("recorded".to_string(), 1)]);
    // Nothing of the refused ones was stored, so health is where they show.
    let health = health::report(&f.app);
    assert_eq!((health["received"].as_u64(), health["refused"].as_u64()), (Some(1), Some(2)));
}

/// A body whose first chunk never comes.
struct Stalled;

impl Body for Stalled {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Pending
    }
}

#[tokio::test]
async fn a_body_that_never_arrives_gets_408_and_counts_as_refused() {
    let f = Fixture::new(|c| c.body_timeout = std::time::Duration::from_millis(50));
    let resp = admit::handle(&f.app, post("/slow").body(Stalled).unwrap(), None).await;
    assert_eq!(resp.status(), StatusCode::REQUEST_TIMEOUT);
    let text = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&text).contains("did not arrive within 0.05 s"), "{text:?}");
    assert_eq!(health::report(&f.app)["refused"], 1);
    assert!(f.store().count_by_state().unwrap().is_empty());
}

#[tokio::test]
async fn bad_signatures_are_recorded_as_rejected_and_answered_401() {
    let f = Fixture::new(|c| {
        c.routes =
            vec![routes::Route::new("/gh", Some(github_signer()), None, &[], AckMode::Immediate, None, None).unwrap()]
    });
    let body = Bytes::from_static(br#"{"zen":"hi"}"#);
    let wrong = post("/gh").header("x-hub-signature-256", format!("sha256={}", "0".repeat(64)));
    let (status, headers, text) = f.send(wrong.body(Full::new(body.clone())).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(String::from_utf8_lossy(&text).contains("no signature matched"), "{text:?}");
    let d = f.store().get(headers[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!((d.state.as_str(), d.signature.as_str()), ("rejected", "invalid"));
    assert_eq!(d.provider.as_deref(), Some("github"));

    let (status, headers, _) = f.send(post("/gh").body(Full::new(body.clone())).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let d = f.store().get(headers[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!((d.state.as_str(), d.signature.as_str()), ("rejected", "missing"));
    assert!(d.signature_reason.unwrap().contains("x-hub-signature-256"));

    let signer = github_signer();
    let signed = signer
        .provider
        .sign(&SignInput {
            body: &body,
            secret: signer.secret.as_ref().unwrap(),
            timestamp: 0,
            id: "g-1",
            event: Some("ping"),
        })
        .unwrap();
    let mut req = post("/gh/ping").body(Full::new(body)).unwrap();
    req.headers_mut().extend(signed);
    let (status, headers, _) = f.send(req).await;
    assert_eq!(status, StatusCode::OK);
    let d = f.store().get(headers[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!((d.state.as_str(), d.signature.as_str()), ("recorded", "valid"));
    assert_eq!((d.event.as_deref(), d.provider_delivery_id.as_deref()), (Some("ping"), Some("g-1")));
    assert_eq!(d.route.as_deref(), Some("/gh"));
}

#[tokio::test]
async fn an_expected_authorization_value_is_checked_too() {
    let f = Fixture::new(|c| {
        let mut signer = github_signer();
        signer.auth = Some(Secret::new("Bearer good"));
        c.routes = vec![routes::Route::new("/", Some(signer), None, &[], AckMode::Immediate, None, None).unwrap()];
    });
    let signer = github_signer();
    let body = b"{}";
    let signed = signer
        .provider
        .sign(&SignInput { body, secret: signer.secret.as_ref().unwrap(), timestamp: 0, id: "a", event: None })
        .unwrap();
    for (auth, want) in [
        (Some("Bearer bad"), StatusCode::UNAUTHORIZED),
        (None, StatusCode::UNAUTHORIZED),
        (Some("Bearer good"), StatusCode::OK),
    ] {
        let mut req = post("/").body(Full::new(Bytes::from_static(body))).unwrap();
        req.headers_mut().extend(signed.clone());
        if let Some(a) = auth {
            req.headers_mut().insert("authorization", a.parse().unwrap());
        }
        let (status, headers, _) = f.send(req).await;
        assert_eq!(status, want, "auth {auth:?}");
        let d = f.store().get(headers[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
        if want != StatusCode::OK {
            assert!(d.signature_reason.unwrap().to_lowercase().contains("authorization"));
            assert_eq!(d.signature.as_str(), "invalid", "a signed request with a bad or missing credential is invalid");
        }
    }
}

#[tokio::test]
async fn health_answers_json_and_is_not_recorded() {
    let f = Fixture::new(|_| {});
    f.send(post("/x").body(Full::new(Bytes::new())).unwrap()).await;
    let get = Request::get(health::HEALTH_PATH).body(Full::new(Bytes::new())).unwrap();
    let (status, headers, body) = f.send(get).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["received"], 1);
    assert_eq!(v["queue_depth"], 0);
    assert!(v["last_delivery_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(v["db"], f.app.db.display().to_string());
    let post_health = post(health::HEALTH_PATH).body(Full::new(Bytes::new())).unwrap();
    assert_eq!(f.send(post_health).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(f.store().count_by_state().unwrap(), vec![("recorded".to_string(), 1)]);
}

#[tokio::test]
async fn paths_outside_every_route_are_recorded_and_answered_404() {
    let f = Fixture::new(|c| c.routes = vec![routes::Route::record_only("/only")]);
    let (status, headers, _) = f.send(post("/elsewhere").body(Full::new(Bytes::from_static(b"x"))).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let d = f.store().get(headers[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!((d.state.as_str(), d.route), ("recorded", None));
}

#[tokio::test]
async fn storage_failure_answers_503() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ro.db");
    let config = RelayConfig::new(db.clone());
    let (app, writer_thread) = App::open(&config, shutdown_pair().1).unwrap();
    // Pull the table out from under the writer: every insert now fails, and the sender must hear it.
    Store::open(&db).unwrap().conn().execute_batch("DROP TABLE attempts; DROP TABLE deliveries;").unwrap();
    let resp = admit::handle(&app, post("/x").body(Full::new(Bytes::new())).unwrap(), None).await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.stats.received_count(), 0);
    drop(app);
    writer_thread.join();
}

#[tokio::test]
async fn nexudus_events_are_named_by_the_path_or_the_route() {
    let nexudus = Signer {
        provider: crate::provider::lookup("nexudus").unwrap(),
        secret: Some(Secret::new("nx")),
        profile: None,
        auth: None,
        tolerance: None,
    };
    let f = Fixture::new(|c| {
        c.routes = vec![
            routes::Route::new("/nx", Some(nexudus.clone()), None, &[], AckMode::Immediate, None, None).unwrap(),
            routes::Route::new(
                "/fixed",
                Some(nexudus.clone()),
                None,
                &[],
                AckMode::Immediate,
                Some("Team Create".into()),
                None,
            )
            .unwrap(),
        ]
    });
    let body: &'static [u8] = br#"[{"Id":1}]"#;
    let headers = nexudus
        .provider
        .sign(&SignInput { body, secret: nexudus.secret.as_ref().unwrap(), timestamp: 0, id: "x", event: None })
        .unwrap();
    for (path, event) in [("/nx/coworker-update", "coworker-update"), ("/fixed/anything", "Team Create")] {
        let mut req = post(path).body(Full::new(Bytes::from_static(body))).unwrap();
        req.headers_mut().extend(headers.clone());
        let (status, h, _) = f.send(req).await;
        assert_eq!(status, StatusCode::OK);
        let d = f.store().get(h[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
        assert_eq!((d.event.as_deref(), d.signature.as_str()), (Some(event), "valid"));
    }
}

#[tokio::test]
async fn a_provider_that_names_its_events_gets_none_from_the_path() {
    // Regression: `/gh/b` without X-GitHub-Event was recorded as event "b".
    let f = Fixture::new(|c| {
        c.routes =
            vec![routes::Route::new("/gh", Some(github_signer()), None, &[], AckMode::Immediate, None, None).unwrap()];
    });
    let signer = github_signer();
    let body: &'static [u8] = b"{}";
    let signed = signer
        .provider
        .sign(&SignInput { body, secret: signer.secret.as_ref().unwrap(), timestamp: 0, id: "a", event: None })
        .unwrap();
    assert!(!signed.contains_key("x-github-event"));
    let mut req = post("/gh/b").body(Full::new(Bytes::from_static(body))).unwrap();
    req.headers_mut().extend(signed);
    let (status, h, _) = f.send(req).await;
    assert_eq!(status, StatusCode::OK);
    let d = f.store().get(h[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!((d.event, d.signature.as_str()), (None, "valid"));
}

#[tokio::test]
async fn an_incoming_that_never_met_hyper_is_verified_and_stored_like_any_other() {
    let f = Fixture::new(|c| {
        c.routes =
            vec![routes::Route::new("/gh", Some(github_signer()), None, &[], AckMode::Immediate, None, None).unwrap()]
    });
    let signer = github_signer();
    let body = Bytes::from_static(b"{\"zen\":\"\x00\xff raw\"}");
    let mut headers = signer
        .provider
        .sign(&SignInput {
            body: &body,
            secret: signer.secret.as_ref().unwrap(),
            timestamp: 0,
            id: "t-1",
            event: Some("push"),
        })
        .unwrap();
    headers.append("x-rep", "1".parse().unwrap());
    headers.append("x-rep", "2".parse().unwrap());
    // As the tunnel hands it over: parts read off a WebSocket frame, not a hyper request.
    let incoming = ingest::Incoming {
        source: crate::store::Source::Tunnel,
        method: http::Method::PUT,
        path: "/gh/in".into(),
        query: Some("a=1&a=2".into()),
        headers,
        body: body.clone(),
        remote: Some("203.0.113.9:4711".into()),
        tunnel_id: Some("origin:1".into()),
    };
    let resp = ingest::ingest(&f.app, incoming).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let d = f.store().get(resp.headers()[attempt::DELIVERY_HEADER].to_str().unwrap()).unwrap();
    assert_eq!(
        (d.source, d.signature, d.state),
        (crate::store::Source::Tunnel, SignatureState::Valid, State::Recorded)
    );
    assert_eq!((d.method.as_str(), d.path.as_str(), d.query.as_deref()), ("PUT", "/gh/in", Some("a=1&a=2")));
    assert_eq!(d.body, body, "the body byte for byte");
    assert_eq!(d.headers.get_all("x-rep").iter().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!((d.remote_addr.as_deref(), d.provider_delivery_id.as_deref()), (Some("203.0.113.9:4711"), Some("t-1")));
}
