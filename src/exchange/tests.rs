//! The attempt function as `replay` calls it, without a relay: a recorded request
//! rebuilt, sent to a real socket, and its record made.

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response};
use http_body_util::{BodyExt, Full};
use tokio::sync::mpsc;

use super::*;
use crate::config::Signer;
use crate::provider::{SignatureState, VerifyInput};
use crate::secret::Secret;

/// A target on 127.0.0.1:0 that answers `status` and hands each request it read to the test.
async fn target(status: u16) -> (String, mpsc::UnboundedReceiver<(http::request::Parts, Bytes)>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let tx = tx.clone();
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let tx = tx.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                    let _ = tx.send((parts, body));
                    let mut resp = Response::new(Full::new(Bytes::from_static(b"thanks")));
                    *resp.status_mut() = http::StatusCode::from_u16(status).unwrap();
                    Ok::<_, Infallible>(resp)
                }
            });
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service),
            );
        }
    });
    (url, rx)
}

fn recorded(headers: HeaderMap) -> Recorded {
    Recorded {
        method: Method::POST,
        path: "/hook".into(),
        query: Some("a=1".into()),
        headers,
        body: Bytes::from_static(b"{\"zen\": \"\xffbytes\"}"),
        signature: SignatureState::Valid,
        provider_delivery_id: Some("old-delivery".into()),
    }
}

const LIMITS: Limits = Limits { timeout: std::time::Duration::from_secs(5), max_body: 1024, stale_resends: 1 };

#[tokio::test]
async fn a_kept_request_arrives_byte_for_byte_and_its_record_names_the_kind() {
    let (url, mut got) = target(200).await;
    let mut headers = HeaderMap::new();
    headers.append("x-hub-signature-256", "sha256=recorded".parse().unwrap());
    headers.append("x-rep", "1".parse().unwrap());
    headers.append("x-rep", "2".parse().unwrap());
    let rec = recorded(headers);
    let origin = Origin { id: "01ORIGINAL", provider: Some("github"), event: Some("push") };
    let full = format!("{url}/hook?a=1");
    let client = crate::net::client(1);
    let exchange = attempt(&client, &full, || rebuild(&full, origin, &rec, Resign::Keep), LIMITS, None).await;
    assert!(exchange.is_ok(), "{:?}", exchange.result);
    let (parts, body) = got.recv().await.unwrap();
    assert_eq!(body, rec.body, "the body byte for byte");
    assert_eq!(parts.uri.to_string(), "/hook?a=1");
    assert_eq!(parts.headers["x-hub-signature-256"], "sha256=recorded", "the signature as recorded");
    assert_eq!(parts.headers.get_all("x-rep").iter().collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!(parts.headers[DELIVERY_HEADER], "01ORIGINAL");
    let record = exchange.into_record(AttemptKind::Replay, "01REPLAY".into());
    assert_eq!((record.kind, record.status, record.target.as_str()), ("replay", Some(200), full.as_str()));
    assert_eq!(record.response_body.as_deref(), Some(&b"thanks"[..]));
}

#[tokio::test]
async fn a_fresh_signature_verifies_now_with_the_signers_secret() {
    let (url, mut got) = target(204).await;
    let mut headers = HeaderMap::new();
    headers.append("x-hub-signature-256", "sha256=stale".parse().unwrap());
    headers.append("x-github-delivery", "old-delivery".parse().unwrap());
    let rec = recorded(headers);
    let signer = Signer {
        provider: crate::provider::lookup("github").unwrap(),
        secret: Some(Secret::new("replay-secret")),
        profile: None,
        auth: None,
        tolerance: None,
    };
    let origin = Origin { id: "01ORIGINAL", provider: Some("github"), event: Some("push") };
    let client = crate::net::client(1);
    let exchange = attempt(&client, &url, || rebuild(&url, origin, &rec, Resign::Fresh(&signer)), LIMITS, None).await;
    assert_eq!(exchange.status().map(|s| s.as_u16()), Some(204));
    let (parts, body) = got.recv().await.unwrap();
    assert_eq!(parts.headers.get_all("x-hub-signature-256").iter().count(), 1, "the old signature is replaced");
    assert_ne!(parts.headers["x-github-delivery"], "old-delivery", "a fresh delivery id");
    let secret = Secret::new("replay-secret");
    let input = VerifyInput {
        headers: &parts.headers,
        body: &body,
        secret: &secret,
        now: crate::util::unix_now(),
        tolerance: None,
    };
    signer.provider.verify(&input).expect("the fresh signature verifies");
}

#[tokio::test]
async fn a_request_that_cannot_be_built_or_reach_anyone_is_a_failure_with_a_record() {
    let client = crate::net::client(1);
    let rec = recorded(HeaderMap::new());
    let origin = Origin { id: "01X", provider: None, event: None };
    let bad = attempt(&client, "no url", || rebuild("http://exa mple", origin, &rec, Resign::Keep), LIMITS, None).await;
    assert!(matches!(bad.result, Err(Failure::Request(_))), "{:?}", bad.result);
    let record = bad.into_record(AttemptKind::Replay, "01X".into());
    assert!(record.error.unwrap().starts_with("could not build the request: target URL"));
    // A port nothing listens on: taken, then freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let url = format!("http://{free}/");
    let down = attempt(&client, &url, || rebuild(&url, origin, &rec, Resign::Keep), LIMITS, None).await;
    assert!(matches!(&down.result, Err(Failure::Connect(e)) if e.contains("refused")), "{:?}", down.result);
    assert_eq!(down.result.unwrap_err().kind(), "connect");
}
