//! The relay in process on 127.0.0.1:0: forwarding, verification, retries, pausing, resuming.

use crate::common;

use std::time::Duration;

use bytes::Bytes;
use common::{Answer, Captured, Receiver, request_async};
use hooktap::config::Signer;
use hooktap::provider::SignInput;
use hooktap::relay::AckMode;
use hooktap::relay::routes::{Route, Target};
use hooktap::relay::{self, RelayConfig, Running};
use hooktap::secret::Secret;
use hooktap::store::Store;
use http::HeaderMap;

const SECRET: &str = "listen-test-secret";

fn github() -> Signer {
    Signer {
        provider: hooktap::provider::lookup("github").unwrap(),
        secret: Some(Secret::new(SECRET)),
        profile: Some("gh".into()),
        auth: None,
        tolerance: None,
    }
}

fn signed(body: &[u8], delivery: &str, event: &str) -> HeaderMap {
    github()
        .provider
        .sign(&SignInput { body, secret: &Secret::new(SECRET), timestamp: 0, id: delivery, event: Some(event) })
        .unwrap()
}

fn route(path: &str, target: &Receiver, target_path: &str, ack: AckMode) -> Route {
    let target = Target::parse(&target.url(target_path)).unwrap();
    Route::new(path, Some(github()), Some(target), &[], ack, None, None).unwrap()
}

/// A relay config with fast retries on a temp database.
fn config(dir: &tempfile::TempDir, routes: Vec<Route>) -> RelayConfig {
    let mut c = RelayConfig::new(dir.path().join("relay.db"));
    c.routes = routes;
    c.retry_base = Duration::from_millis(10);
    c.retry_max = Duration::from_millis(40);
    c.forward_timeout = Duration::from_secs(5);
    c
}

async fn post(relay: &Running, path: &str, headers: &HeaderMap, body: &[u8]) -> common::Reply {
    request_async("POST", &format!("{}{path}", relay.url), headers, Bytes::copy_from_slice(body), false).await
}

fn id_of(reply: &common::Reply) -> String {
    reply.headers["x-hooktap-delivery"].to_str().unwrap().to_string()
}

/// The next request the receiver got, without blocking the runtime.
fn next(rx: &Receiver) -> Captured {
    tokio::task::block_in_place(|| rx.next())
}

/// Polls the database until `id` is in `state`.
fn wait_state(db: &std::path::Path, id: &str, state: &str) -> hooktap::store::Delivery {
    tokio::task::block_in_place(|| {
        let store = Store::open(db).unwrap();
        common::wait_for(&format!("{id} to be {state}"), Duration::from_secs(15), || {
            store.get(id).ok().filter(|d| d.state.as_str() == state)
        })
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn valid_deliveries_are_forwarded_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = relay::start(config(&dir, vec![route("/", &app, "/app", AckMode::Immediate)])).await.unwrap();
    let body: Vec<u8> = (0..=255u8).chain(b"{\"tail\":1}".iter().copied()).collect();
    let mut headers = signed(&body, "d-1", "push");
    headers.append("x-multi", "one".parse().unwrap());
    headers.append("x-multi", "two".parse().unwrap());
    headers.append("content-type", "application/octet-stream".parse().unwrap());
    let reply = request_async(
        "PATCH",
        &format!("{}/hooks/repo?a=1&a=2&b=%20x", relay.url),
        &headers,
        Bytes::from(body.clone()),
        false,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.is_empty());
    let got = next(&app);
    assert_eq!(got.method, "PATCH");
    assert_eq!(got.uri, "/app/hooks/repo?a=1&a=2&b=%20x");
    assert_eq!(&got.body[..], &body[..]);
    assert_eq!(got.headers.get_all("x-multi").iter().collect::<Vec<_>>(), ["one", "two"]);
    for name in ["x-hub-signature-256", "x-github-event", "x-github-delivery", "content-type"] {
        assert_eq!(got.headers[name], headers[name], "{name}");
    }
    assert_eq!(got.headers["host"], app.addr.to_string());
    assert_eq!(got.headers["x-hooktap-signature"], "valid");
    let id = id_of(&reply);
    assert_eq!(got.headers["x-hooktap-delivery"], id.as_str());
    let d = wait_state(&dir.path().join("relay.db"), &id, "forwarded");
    assert_eq!((d.event.as_deref(), d.last_status, d.attempts), (Some("push"), Some(200), 1));
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_empty_body_is_forwarded_with_its_content_length_of_zero() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = relay::start(config(&dir, vec![route("/", &app, "/app", AckMode::Immediate)])).await.unwrap();
    let headers = signed(b"", "d-empty", "ping");
    for method in ["POST", "DELETE"] {
        let mut sent = headers.clone();
        if method == "DELETE" {
            sent.insert("content-length", "0".parse().unwrap());
        }
        let reply = request_async(method, &format!("{}/e", relay.url), &sent, Bytes::new(), false).await;
        assert_eq!(reply.status, 200);
        let got = next(&app);
        assert_eq!((got.method.as_str(), got.body.len()), (method, 0));
        assert_eq!(got.headers.get("content-length").map(|v| v.to_str().unwrap()), Some("0"), "{method}");
    }
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rejected_deliveries_are_not_forwarded_unless_asked_and_duplicates_are_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(204, ""));
    let relay = relay::start(config(&dir, vec![route("/", &app, "/", AckMode::Immediate)])).await.unwrap();
    let db = dir.path().join("relay.db");
    let mut forged = signed(b"{\"a\":1}", "dup-1", "push");
    forged.insert("x-hub-signature-256", format!("sha256={}", "ab".repeat(32)).parse().unwrap());
    let bad = post(&relay, "/", &forged, b"{\"a\":1}").await;
    assert_eq!(bad.status, 401);
    assert_eq!(wait_state(&db, &id_of(&bad), "rejected").signature.as_str(), "invalid");
    // The first request the app sees is the valid one: the forged one never left.
    let first = post(&relay, "/", &signed(b"{\"a\":2}", "dup-1", "push"), b"{\"a\":2}").await;
    assert_eq!(first.status, 200);
    assert_eq!(next(&app).headers["x-hooktap-delivery"], id_of(&first).as_str());
    let again = post(&relay, "/", &signed(b"{\"a\":2}", "dup-1", "push"), b"{\"a\":2}").await;
    assert_eq!(again.status, 200);
    assert_eq!(next(&app).headers["x-hooktap-delivery"], id_of(&again).as_str());
    let store = Store::open(&db).unwrap();
    assert_eq!(store.get(&id_of(&again)).unwrap().duplicate_of, Some(id_of(&bad)));
    relay.stop().await.unwrap();

    // --forward-invalid sends them on, marked.
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    c.forward_invalid = true;
    let relay = relay::start(c).await.unwrap();
    let reply = post(&relay, "/", &HeaderMap::new(), b"unsigned").await;
    assert_eq!(reply.status, 200);
    let got = next(&app);
    // Unsigned failed the check: the app hears `invalid` (the record says `missing`).
    assert_eq!(got.headers["x-hooktap-signature"], "invalid");
    assert_eq!(wait_state(&dir.path().join("relay.db"), &id_of(&reply), "forwarded").signature.as_str(), "missing");
    assert_eq!(&got.body[..], b"unsigned");
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn passthrough_returns_the_local_answer_or_502_504() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(202, "taken by the app"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = Target::parse(&format!("http://{closed}/gone")).unwrap();
    let mut routes = vec![route("/up", &app, "/in", AckMode::Passthrough)];
    routes.push(Route::new("/down", Some(github()), Some(down), &[], AckMode::Passthrough, None, None).unwrap());
    let mut c = config(&dir, routes);
    // Attempts to spare, yet a passthrough failure is its delivery's only attempt: the
    // sender hears it and retries, and a retry of hooktap's own would reach the app twice.
    c.retries = 5;
    // The flag form of --forward-timeout bounds passthrough for every route.
    for r in &mut c.routes {
        r.passthrough_timeout = Duration::from_millis(300);
    }
    let relay = relay::start(c).await.unwrap();
    let body = b"{\"x\":true}";
    let reply = post(&relay, "/up/x", &signed(body, "p-1", "push"), body).await;
    assert_eq!((reply.status, &reply.body[..]), (202, &b"taken by the app"[..]));
    assert_eq!(next(&app).uri, "/in/x");

    app.set_answer(Answer::Status(500, "boom"));
    let reply = post(&relay, "/up", &signed(body, "p-2", "push"), body).await;
    assert_eq!((reply.status, &reply.body[..]), (500, &b"boom"[..]));
    next(&app);
    let d = wait_state(&dir.path().join("relay.db"), &id_of(&reply), "dead");
    assert_eq!((d.attempts, d.last_status), (1, Some(500)));

    app.set_answer(Answer::Hang);
    let reply = post(&relay, "/up", &signed(body, "p-3", "push"), body).await;
    assert_eq!(reply.status, 504);
    // The bound as configured, not what was left of it after the wait for a connection slot.
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    assert!(text.contains("did not answer within 300 ms; the delivery is stored, and the sender's retry"), "{text}");
    next(&app);
    assert_eq!(wait_state(&dir.path().join("relay.db"), &id_of(&reply), "dead").attempts, 1);

    let reply = post(&relay, "/down", &signed(body, "p-4", "push"), body).await;
    assert_eq!(reply.status, 502);
    let d = wait_state(&dir.path().join("relay.db"), &id_of(&reply), "dead");
    // The root cause, without the HTTP client's wrappers around it.
    let error = d.last_error.unwrap();
    assert!(error.starts_with("could not connect: ") && !error.contains("client error"), "{error}");
    relay.stop().await.unwrap();
    assert!(app.requests.try_recv().is_err(), "the app got each delivery once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_end_dead_against_a_500_target_and_4xx_is_final() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(500, "nope"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    c.retries = 3;
    c.pause_after = 100;
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");
    let reply = post(&relay, "/", &signed(b"1", "r-1", "push"), b"1").await;
    for _ in 0..3 {
        assert_eq!(next(&app).headers["x-hooktap-delivery"], id_of(&reply).as_str());
    }
    let d = wait_state(&db, &id_of(&reply), "dead");
    assert_eq!((d.attempts, d.last_status), (3, Some(500)));
    let attempts = Store::open(&db).unwrap().attempts(&d.id).unwrap();
    assert_eq!(attempts.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(500); 3]);
    assert_eq!(&attempts[0].response_body[..], b"nope");

    app.set_answer(Answer::Status(422, "bad"));
    let reply = post(&relay, "/", &signed(b"2", "r-2", "push"), b"2").await;
    next(&app);
    let d = wait_state(&db, &id_of(&reply), "failed");
    assert_eq!((d.attempts, d.last_status), (1, Some(422)));
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_target_is_paused_and_its_queue_delivered_when_it_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(503, "down"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    c.retries = 1000;
    c.pause_after = 3;
    c.target_concurrency = 2;
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");
    let mut ids = Vec::new();
    for i in 0..6 {
        let body = format!("{{\"n\":{i}}}");
        ids.push(id_of(&post(&relay, "/", &signed(body.as_bytes(), &format!("q-{i}"), "push"), body.as_bytes()).await));
    }
    let health_url = format!("{}/_hooktap/health", relay.url);
    let health = || async {
        let r = request_async("GET", &health_url, &HeaderMap::new(), Bytes::new(), false).await;
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let h = health().await;
        if h["targets"][0]["paused"] == true {
            assert_eq!(h["status"], "degraded");
            let paused = format!("target {} is paused", h["targets"][0]["url"].as_str().unwrap());
            assert_eq!(h["degraded_because"][0], paused.as_str(), "{h}");
            // While paused, a probe may hold one delivery at a time, so the queue depth
            // can dip; what matters is that every delivery is still waiting, none lost.
            assert!(h["queue_depth"].as_u64().is_some_and(|d| (5..=6).contains(&d)), "{h}");
            for id in &ids {
                wait_state(&db, id, "pending");
            }
            break;
        }
        assert!(std::time::Instant::now() < deadline, "target never paused: {h}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.set_answer(Answer::Status(200, "back"));
    for id in &ids {
        wait_state(&db, id, "forwarded");
    }
    let h = health().await;
    assert_eq!(
        (h["status"].as_str(), h["queue_depth"].as_u64(), h["forwarded"].as_u64()),
        (Some("ok"), Some(0), Some(6))
    );
    assert_eq!(h["degraded_because"], serde_json::json!([]));
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_paused_target_still_lets_its_deliveries_run_out_of_attempts() {
    // Regression: with more retries than failures before a pause (the defaults, 10 and 5),
    // the delivery that paused the target became its probe, and probes never counted.
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(500, "broken"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    c.retries = 4;
    c.pause_after = 2;
    c.target_concurrency = 1;
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");
    let mut ids = Vec::new();
    for i in 0..2 {
        ids.push(id_of(&post(&relay, "/", &signed(b"{}", &format!("p-{i}"), "push"), b"{}").await));
    }
    for id in &ids {
        let d = wait_state(&db, id, "dead");
        assert_eq!((d.attempts, d.last_status), (4, Some(500)));
    }
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pause_keeps_each_delivery_on_its_own_backoff_schedule() {
    // Regression: pausing restarted the probe interval at retry_base, so the probes spent
    // the oldest delivery's attempts far faster than its backoff (dead after ~43 s of a
    // default outage instead of ~4 min).
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(500, "broken"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    c.retries = 6;
    c.pause_after = 4;
    c.target_concurrency = 1;
    c.retry_base = Duration::from_millis(100);
    c.retry_max = Duration::from_secs(10);
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");
    let id = id_of(&post(&relay, "/", &signed(b"{}", "s-1", "push"), b"{}").await);
    let d = wait_state(&db, &id, "dead");
    assert_eq!(d.attempts, 6);
    let starts: Vec<i64> = Store::open(&db).unwrap().attempts(&id).unwrap().iter().map(|a| a.started_at).collect();
    // Backoff after attempt n is 100 ms × 2^(n-1) with equal jitter: at least half of that.
    // The target pauses after attempt 4; attempts 5 and 6 are probes.
    for (n, gap) in starts.windows(2).map(|w| w[1] - w[0]).enumerate().map(|(i, g)| (i as u32 + 1, g)) {
        let least = 100 * (1i64 << (n - 1)) / 2;
        assert!(gap >= least - 1, "attempt {n} → {}: {gap} ms, its backoff is at least {least} ms: {starts:?}", n + 1);
    }
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_passthrough_request_still_waiting_at_stop_is_answered_503_and_kept_pending() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Hang);
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Passthrough)]);
    c.routes[0].passthrough_timeout = Duration::from_secs(60);
    let relay = relay::start(c).await.unwrap();
    let url = format!("{}/slow", relay.url);
    let waiting = tokio::spawn(async move {
        request_async("POST", &url, &signed(b"{}", "w-1", "push"), Bytes::from_static(b"{}"), false).await
    });
    next(&app);
    let begun = std::time::Instant::now();
    relay.stop().await.unwrap();
    let reply = waiting.await.unwrap();
    assert_eq!(reply.status, 503, "{:?}", reply.body);
    // Well inside the 15 s connections get to drain, which would have ended it with no answer.
    assert!(begun.elapsed() < Duration::from_secs(10), "stop took {:?}", begun.elapsed());
    let d = wait_state(&dir.path().join("relay.db"), &id_of(&reply), "pending");
    assert_eq!(d.attempts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pending_work_resumes_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(503, "later"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    // One quick failure, then a retry far in the future: the work is left pending at stop.
    c.retry_base = Duration::from_secs(3600);
    c.retry_max = Duration::from_secs(3600);
    let relay = relay::start(c.clone()).await.unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let reply = post(&relay, "/", &signed(b"{}", &format!("s-{i}"), "push"), b"{}").await;
        ids.push(id_of(&reply));
        next(&app);
    }
    let db = dir.path().join("relay.db");
    for id in &ids {
        tokio::task::block_in_place(|| {
            let store = Store::open(&db).unwrap();
            common::wait_for("the first attempt to be recorded", Duration::from_secs(10), || {
                store.get(id).ok().filter(|d| d.attempts == 1 && d.state.as_str() == "pending")
            });
        });
    }
    relay.stop().await.unwrap();

    app.set_answer(Answer::Status(200, "ok"));
    // Due times are kept, so pretend the hour has passed.
    rusqlite_set_due_now(&db);
    c.retry_base = Duration::from_millis(10);
    let relay = relay::start(c).await.unwrap();
    for id in &ids {
        let d = wait_state(&db, id, "forwarded");
        assert_eq!(d.attempts, 2);
    }
    relay.stop().await.unwrap();
}

fn rusqlite_set_due_now(db: &std::path::Path) {
    let mut store = Store::open(db).unwrap();
    for d in store.pending_refs(0, 100).unwrap() {
        store.set_state(&d.id, hooktap::store::State::Pending, Some(0)).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sender_waiting_for_100_continue_hears_the_413_before_sending_its_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir, vec![Route::record_only("/")]);
    c.max_body = 1000;
    let relay = relay::start(c).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    let head = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before answering: {:?}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413 "), "no 100 Continue, no wait for the body: {answer}");
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_oversized_body_still_arriving_at_stop_hears_its_413_without_holding_the_stop() {
    // Regression: reading an oversized body to its end did not watch for the stop, which
    // then waited out its 15 s and the sender got no answer.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir, vec![Route::record_only("/")]);
    c.max_body = 1000;
    c.body_timeout = Duration::from_secs(60);
    let relay = relay::start(c).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    stream.write_all(b"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789").await.unwrap();
    // Once the relay counts the refusal it is reading the rest; then stop it.
    let health = format!("{}/_hooktap/health", relay.url);
    loop {
        let h = request_async("GET", &health, &HeaderMap::new(), Bytes::new(), false).await;
        let h: serde_json::Value = serde_json::from_slice(&h.body).unwrap();
        if h["refused"].as_u64() == Some(1) {
            break;
        }
        tokio::task::yield_now().await;
    }
    let begun = std::time::Instant::now();
    relay.stop().await.unwrap();
    assert!(begun.elapsed() < Duration::from_secs(10), "stop took {:?}", begun.elapsed());
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed without an answer: {:?}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn h2_with_prior_knowledge_is_served_on_the_same_port() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay::start(config(&dir, vec![Route::record_only("/")])).await.unwrap();
    let reply =
        request_async("POST", &format!("{}/h2", relay.url), &HeaderMap::new(), Bytes::from_static(b"x"), true).await;
    assert_eq!(reply.status, 200);
    let d = Store::open(&dir.path().join("relay.db")).unwrap().get(&id_of(&reply)).unwrap();
    assert_eq!((d.path.as_str(), &d.body[..]), ("/h2", &b"x"[..]));
    // HTTP/2 names the host in `:authority`; the record carries it as `host`, first.
    let authority = relay.url.trim_start_matches("http://");
    assert_eq!(d.headers.iter().next().map(|(n, v)| (n.as_str(), v.to_str().unwrap())), Some(("host", authority)));
    assert_eq!(d.headers.get_all("host").iter().count(), 1);
    // Regression: h2 refused header blocks over its 16 KiB default, which HTTP/1.1 takes.
    let mut long = HeaderMap::new();
    long.insert("x-long", http::HeaderValue::from_str(&"v".repeat(64 * 1024)).unwrap());
    let reply = request_async("POST", &format!("{}/long", relay.url), &long, Bytes::from_static(b"x"), true).await;
    assert_eq!(reply.status, 200);
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everything_acknowledged_before_stop_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let relay = relay::start(config(&dir, vec![Route::record_only("/")])).await.unwrap();
    let url = relay.url.clone();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            request_async("POST", &format!("{url}/n/{i}"), &HeaderMap::new(), Bytes::from(vec![b'x'; 1024]), false)
                .await
        }));
    }
    let mut acked = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 200);
        acked.push(id_of(&r));
    }
    assert_eq!(relay.stats.received_count(), 200);
    relay.stop().await.unwrap();
    let store = Store::open(&dir.path().join("relay.db")).unwrap();
    for id in acked {
        assert_eq!(store.get(&id).unwrap().body.len(), 1024);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resign_replaces_the_signature_with_one_for_the_local_secret() {
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let mut c = config(&dir, vec![route("/", &app, "/", AckMode::Immediate)]);
    let mut local = github();
    local.secret = Some(Secret::new("local-dev-secret"));
    c.resign = Some(local.clone());
    let relay = relay::start(c).await.unwrap();
    let body = b"{\"resign\":true}";
    let original = signed(body, "rs-1", "push");
    assert_eq!(post(&relay, "/", &original, body).await.status, 200);
    let got = next(&app);
    assert_ne!(got.headers["x-hub-signature-256"], original["x-hub-signature-256"]);
    assert_eq!(got.headers.get_all("x-hub-signature-256").iter().count(), 1);
    let check = hooktap::provider::VerifyInput {
        headers: &got.headers,
        body: &got.body,
        secret: local.secret.as_ref().unwrap(),
        now: hooktap::util::unix_now(),
        tolerance: None,
    };
    assert!(local.provider.verify(&check).is_ok(), "the app's own secret must verify the forwarded request");
    assert_eq!(got.headers["x-github-delivery"], "rs-1");
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resign_leaves_other_providers_and_failed_checks_with_their_own_signature() {
    // Regression: --resign signed every forwarded delivery, so a NexaDesk route's deliveries
    // gained GitHub headers, and with --forward-invalid a forged one reached the app validly signed.
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let desk_secret = Secret::new("desk-secret");
    let desk = Signer {
        provider: hooktap::provider::lookup("nexadesk").unwrap(),
        secret: Some(desk_secret.clone()),
        profile: Some("desk".into()),
        auth: None,
        tolerance: None,
    };
    let desk_route = Route::new(
        "/desk",
        Some(desk.clone()),
        Some(Target::parse(&app.url("/desk")).unwrap()),
        &[],
        AckMode::Immediate,
        None,
        None,
    )
    .unwrap();
    let mut c = config(&dir, vec![route("/gh", &app, "/gh", AckMode::Immediate), desk_route]);
    let mut local = github();
    local.secret = Some(Secret::new("local-dev-secret"));
    c.resign = Some(local);
    c.forward_invalid = true;
    let relay = relay::start(c).await.unwrap();

    let body = b"{\"event\":\"lead.created\"}";
    let headers = desk
        .provider
        .sign(&SignInput {
            body,
            secret: &desk_secret,
            timestamp: hooktap::util::unix_now(),
            id: "d-1",
            event: Some("lead.created"),
        })
        .unwrap();
    assert_eq!(post(&relay, "/desk", &headers, body).await.status, 200);
    let got = next(&app);
    assert_eq!(got.headers["x-hooktap-signature"], "valid");
    assert!(!got.headers.contains_key("x-hub-signature-256"), "no GitHub headers on a NexaDesk delivery: {got:?}");
    for (name, value) in &headers {
        assert_eq!(got.headers.get(name), Some(value), "{name} kept as sent");
    }

    let mut forged = signed(b"{}", "f-1", "push");
    forged.insert("x-hub-signature-256", http::HeaderValue::from_static("sha256=00"));
    assert_eq!(post(&relay, "/gh", &forged, b"{}").await.status, 200);
    let got = next(&app);
    assert_eq!(got.headers["x-hooktap-signature"], "invalid");
    assert_eq!(got.headers["x-hub-signature-256"], "sha256=00", "a failed check is forwarded as it came");
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_longer_than_max_body_is_an_answer_kept_cut_not_a_failure() {
    // Regression: a 200 with a long body failed as "length limit exceeded", so the app
    // handled the delivery once per retry and it still ended dead.
    const LONG: &str = "0123456789012345678901234567890123456789012345678901234567890123456789";
    let dir = tempfile::tempdir().unwrap();
    let app = Receiver::start(Answer::Status(200, LONG));
    let mut c = config(
        &dir,
        vec![route("/bg", &app, "/bg", AckMode::Immediate), route("/pt", &app, "/pt", AckMode::Passthrough)],
    );
    c.max_body = 20;
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");

    let reply = post(&relay, "/bg", &signed(b"{}", "l-1", "push"), b"{}").await;
    assert_eq!(reply.status, 200);
    let id = id_of(&reply);
    let d = wait_state(&db, &id, "forwarded");
    assert_eq!((d.attempts, d.last_status), (1, Some(200)));
    let attempts = Store::open(&db).unwrap().attempts(&id).unwrap();
    assert_eq!((attempts[0].response_body.as_ref(), attempts[0].response_size), (&LONG.as_bytes()[..20], Some(70)));

    // Passthrough passes an answer back whole, up to 16 MiB whatever --max-body says.
    let reply = post(&relay, "/pt", &signed(b"{}", "l-2", "push"), b"{}").await;
    assert_eq!((reply.status, &reply.body[..]), (200, LONG.as_bytes()));
    // Beyond that, the app's status still goes back (a 502 would have the provider send
    // again what the app handled), with why the body does not.
    let huge: &'static str = Box::leak("x".repeat(17 * 1024 * 1024).into_boxed_str());
    app.set_answer(Answer::Status(201, huge));
    let reply = post(&relay, "/pt", &signed(b"{}", "l-3", "push"), b"{}").await;
    assert_eq!(reply.status, 201);
    let text = String::from_utf8_lossy(&reply.body).into_owned();
    assert!(text.contains("the local app's answer (17825792 bytes) is longer than hooktap passes on"), "{text}");
    let d = wait_state(&db, &id_of(&reply), "forwarded");
    assert_eq!(d.attempts, 1);
    for _ in 0..3 {
        next(&app);
    }
    relay.stop().await.unwrap();
    assert!(app.requests.try_recv().is_err(), "the app got each delivery once");
}

/// A target that reads each request in full and closes the connection without
/// answering (a handler that crashes after reading); counts the requests it read.
fn reading_closer() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/crash", listener.local_addr().unwrap());
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = read.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if common::read_request(&mut stream).is_some() {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    (url, read)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_app_that_reads_and_closes_gets_each_attempt_once() {
    // Regression: every close before an answer was taken for a kept-alive connection
    // closed under the request, and sent again at once, so the app read each attempt 4 times.
    let dir = tempfile::tempdir().unwrap();
    let (url, read) = reading_closer();
    let target = Target::parse(&url).unwrap();
    let mut c =
        config(&dir, vec![Route::new("/", Some(github()), Some(target), &[], AckMode::Immediate, None, None).unwrap()]);
    c.retries = 2;
    let relay = relay::start(c).await.unwrap();
    let reply = post(&relay, "/", &signed(b"{}", "c-1", "push"), b"{}").await;
    let d = wait_state(&dir.path().join("relay.db"), &id_of(&reply), "dead");
    assert_eq!(d.attempts, 2);
    assert_eq!(read.load(std::sync::atomic::Ordering::SeqCst), 2, "one request per attempt");
    relay.stop().await.unwrap();
}

/// A target that answers the first request of each connection (once `open` connections
/// have one waiting, so that many stay in the relay's pool), then reads each later one on
/// that connection and closes it unanswered. Counts the requests it read.
fn closing_after_first(open: usize) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = read.clone();
    let gate = std::sync::Arc::new(std::sync::Barrier::new(open));
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let (counter, gate) = (counter.clone(), gate.clone());
            std::thread::spawn(move || {
                if common::read_request(&mut stream).is_none() {
                    return;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                if n < open {
                    gate.wait();
                }
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
                if common::read_request(&mut stream).is_some() {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    (url, read)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_closed_unanswered_on_kept_alive_connections_is_resent_once_per_attempt() {
    // Regression: each resend took another pooled connection, so an app that reads and then
    // closes got one attempt's request up to four times.
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let (url, read) = closing_after_first(4);
    let target = Target::parse(&url).unwrap();
    let mut c =
        config(&dir, vec![Route::new("/", Some(github()), Some(target), &[], AckMode::Immediate, None, None).unwrap()]);
    c.target_concurrency = 4;
    let relay = relay::start(c).await.unwrap();
    let db = dir.path().join("relay.db");
    let mut first = Vec::new();
    for i in 0..4 {
        first.push(id_of(&post(&relay, "/", &signed(b"{}", &format!("w-{i}"), "push"), b"{}").await));
    }
    for id in &first {
        wait_state(&db, id, "forwarded");
    }
    let before = read.load(Ordering::SeqCst);
    let id = id_of(&post(&relay, "/", &signed(b"{}", "w-5", "push"), b"{}").await);
    let d = wait_state(&db, &id, "forwarded");
    let reads = read.load(Ordering::SeqCst) - before;
    assert!(reads <= 2 * d.attempts as usize, "{reads} reads in {} attempts", d.attempts);
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir, vec![Route::record_only("/")]);
    c.header_timeout = Duration::from_millis(200);
    let relay = relay::start(c).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
    stream.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    // The relay closes the connection (after an optional 408); a read that never ends fails the test.
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "connection still open after the header timeout");
    assert!(buf.is_empty() || buf.starts_with(b"HTTP/1.1 408"), "{}", String::from_utf8_lossy(&buf));
    relay.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_that_sends_nothing_or_part_of_the_h2_preface_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir, vec![Route::record_only("/")]);
    c.header_timeout = Duration::from_millis(200);
    let relay = relay::start(c).await.unwrap();
    for first in [&b""[..], b"PRI * HTTP/2"] {
        let mut stream = tokio::net::TcpStream::connect(relay.addr).await.unwrap();
        stream.write_all(first).await.unwrap();
        let mut buf = Vec::new();
        // Before the protocol is known nothing can be answered: the relay just closes.
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "connection that sent {first:?} still open after the header timeout");
        assert!(buf.is_empty(), "{}", String::from_utf8_lossy(&buf));
    }
    // A client that speaks promptly is still served, on HTTP/1.1 and h2 alike.
    for h2 in [false, true] {
        let url = format!("{}/after", relay.url);
        let reply = request_async("POST", &url, &HeaderMap::new(), Bytes::from_static(b"x"), h2).await;
        assert_eq!(reply.status, 200);
    }
    relay.stop().await.unwrap();
}
