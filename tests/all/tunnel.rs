//! The tunnel end to end, every part a real process on 127.0.0.1: a sender posts
//! to `hooktap serve`, `hooktap listen --tunnel` receives through it and forwards
//! to a target. Killing either end loses nothing acknowledged, and nothing reaches
//! the target twice.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Answer, Env, Receiver, RelayProcess, request, wait_for};
use hooktap::provider::SignInput;
use hooktap::secret::Secret;
use hooktap::store::{Filter, Source, State, Store};
use http::HeaderMap;

const WAIT: Duration = Duration::from_secs(30);

/// A running `hooktap serve`, killed when dropped; its stderr lines are collected.
struct ServeProcess {
    child: std::process::Child,
    url: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl ServeProcess {
    /// `hooktap --db DB serve --port 0 ARGS`, once its banner is out.
    fn start(env: &Env, db: &Path, args: &[&str]) -> ServeProcess {
        use std::io::BufRead;
        let mut child = env
            .std_cmd()
            .arg("--db")
            .arg(db)
            .args(["serve", "--port", "0"])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn hooktap serve");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = stderr.clone();
        let pipe = child.stderr.take().expect("stderr");
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut url = None;
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("hooktap serve listening on ") {
                    url = Some(rest.trim().to_owned());
                }
                let done = line.contains("Ctrl-C");
                lines.lock().unwrap().push(line);
                if done && let Some(u) = url.take() {
                    let _ = url_tx.send(u);
                }
            }
        });
        let Ok(url) = url_rx.recv_timeout(WAIT) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no serve banner; stderr: {:?}", stderr.lock().unwrap());
        };
        ServeProcess { child, url, stderr }
    }

    fn post(&self, path: &str, headers: &HeaderMap, body: &[u8]) -> common::Reply {
        request("POST", &format!("{}{path}", self.url), headers, body)
    }

    /// Deliveries held for clients, from `/healthz`.
    fn held(&self) -> u64 {
        let reply = request("GET", &format!("{}/healthz", self.url), &HeaderMap::new(), b"");
        let v: serde_json::Value = serde_json::from_slice(&reply.body).expect("healthz JSON");
        v["held"].as_u64().expect("held")
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and the exit status.
    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(std::process::Command::new("kill").args(["-s", "TERM", &pid]).status().unwrap().success());
        wait_exit(&mut self.child)
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    wait_for("the process to exit", WAIT, || child.try_wait().expect("try_wait"))
}

/// Makes channel `name` in the serve database `db` and returns its token.
fn token(env: &Env, db: &Path, name: &str) -> String {
    let out = env.cmd().arg("--db").arg(db).args(["serve", "token", "add", name]).output().expect("token add");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8").trim().to_owned()
}

fn serve_db(env: &Env) -> PathBuf {
    env.path("data/serve.db")
}

/// `hooktap listen --tunnel` on `serve`'s channel `dev`, once it is connected.
fn listen(env: &Env, serve: &ServeProcess, token: &str, args: &[&str]) -> RelayProcess {
    let mut all = vec!["--tunnel", serve.url.as_str(), "--channel", "dev"];
    all.extend_from_slice(args);
    let relay = RelayProcess::start(env, &all, &[("HOOKTAP_TUNNEL_TOKEN", token)]);
    wait_line(&relay.stderr, "tunnel connected");
    relay
}

fn wait_line(lines: &Arc<Mutex<Vec<String>>>, text: &str) -> String {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        if let Some(line) = lines.lock().unwrap().iter().find(|l| l.contains(text)) {
            return line.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no line with {text:?} in {:#?}", lines.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn count_lines(lines: &Arc<Mutex<Vec<String>>>, text: &str) -> usize {
    lines.lock().unwrap().iter().filter(|l| l.contains(text)).count()
}

/// The tunnel deliveries `listen` stored in `db`, once there are `n`, all forwarded.
fn forwarded(db: &Path, n: i64) {
    let all = Filter { source: Some(Source::Tunnel), ..Filter::default() };
    let done = Filter { state: Some(State::Forwarded), ..all.clone() };
    wait_for(&format!("{n} tunnel deliveries forwarded"), WAIT, || {
        let store = Store::open(db).ok()?;
        (store.count(&done).ok()? == n).then_some(())
    });
    assert_eq!(Store::open(db).unwrap().count(&all).unwrap(), n, "no more were stored");
}

/// Bodies the target got, sorted, once `n` arrived; and none more were waiting. (The
/// server sends in order; the relay stores and forwards several at once, as it does
/// what its own port receives, so the order at the target is not promised.)
fn bodies(target: &Receiver, n: usize) -> Vec<Vec<u8>> {
    let mut got: Vec<Vec<u8>> = (0..n).map(|_| target.next().body.to_vec()).collect();
    assert!(target.requests.try_recv().is_err(), "the target got more than {n}");
    got.sort();
    got
}

fn github(secret: &str, body: &[u8], delivery: &str) -> HeaderMap {
    hooktap::provider::lookup("github")
        .unwrap()
        .sign(&SignInput { body, secret: &Secret::new(secret), timestamp: 0, id: delivery, event: Some("push") })
        .unwrap()
}

#[test]
fn a_delivery_crosses_byte_for_byte_and_its_signature_verifies_at_the_target() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let secret = "It's a Secret to Everybody";
    let relay = listen(
        &env,
        &serve,
        &token,
        &["--provider", "github", "--secret", secret, "--forward-to", &target.url("/app")],
    );
    assert!(relay.stderr_text().contains(&format!("{}/c/dev/", serve.url)), "the banner gives the public URL");
    let body: &[u8] = b"{\"zen\":\"\x00\x01\xfe\xff raw \xc3\x28\"}\r\n";
    let mut headers = github(secret, body, "d-1");
    headers.append("x-rep", "1".parse().unwrap());
    headers.append("x-rep", "two, 2".parse().unwrap());
    headers.insert("content-type", "application/json".parse().unwrap());
    let reply = serve.post("/c/dev/hooks/gh?a=1&a=2&b=%20", &headers, body);
    assert_eq!(reply.status, 200, "{:?}", reply.body);

    let got = target.next();
    assert_eq!(got.method, "POST");
    // --forward-to with a path is the destination; the delivery's query is kept.
    assert_eq!(got.uri, "/app?a=1&a=2&b=%20");
    assert_eq!(&got.body[..], body, "the body byte for byte");
    assert_eq!(got.headers.get_all("x-rep").iter().collect::<Vec<_>>(), ["1", "two, 2"], "repeats kept, in order");
    assert_eq!(got.headers["x-hooktap-signature"], "valid", "verified by listen");
    // And by the target itself, over the bytes it got.
    let check = hooktap::provider::lookup("github").unwrap();
    let input = hooktap::provider::VerifyInput {
        headers: &got.headers,
        body: &got.body,
        secret: &Secret::new(secret),
        now: 0,
        tolerance: None,
    };
    assert!(check.verify(&input).is_ok(), "the signature verifies at the target");

    let id = got.headers["x-hooktap-delivery"].to_str().unwrap().to_owned();
    let d = Store::open(&env.db()).unwrap().get(&id).unwrap();
    assert_eq!(d.source, Source::Tunnel);
    assert_eq!((d.path.as_str(), d.query.as_deref()), ("/hooks/gh", Some("a=1&a=2&b=%20")));
    assert!(d.remote_addr.as_deref().is_some_and(|r| r.starts_with("127.0.0.1:")), "{:?}", d.remote_addr);
    // The local port keeps working beside the tunnel.
    let local = request("POST", &format!("{}/hooks/local", relay.url), &github(secret, b"{}", "d-2"), b"{}");
    assert_eq!(local.status, 200);
    assert_eq!(target.next().uri, "/app");
    wait_for("serve to let the delivery go", WAIT, || (serve.held() == 0).then_some(()));
}

#[test]
fn what_arrives_while_the_client_is_away_reaches_the_target_once_when_it_returns() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    relay.kill();
    let sent: Vec<Vec<u8>> = (0..5).map(|i| format!("away {i}").into_bytes()).collect();
    for body in &sent {
        assert_eq!(serve.post("/c/dev/in", &HeaderMap::new(), body).status, 200, "accepted with no client");
    }
    assert_eq!(serve.held(), 5);
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    wait_line(&relay.stderr, "tunnel connected to");
    assert!(relay.stderr_text().contains("5 held deliveries"), "{}", relay.stderr_text());
    wait_line(&relay.stderr, "backlog received (5 deliveries)");
    forwarded(&env.db(), 5);
    assert_eq!(bodies(&target, 5), sent, "every one, once");
    wait_for("serve to let them go", WAIT, || (serve.held() == 0).then_some(()));
}

#[test]
fn a_delivery_sent_again_after_a_lost_acknowledgement_is_not_forwarded_twice() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    for i in 0..3 {
        assert_eq!(serve.post("/c/dev/x", &HeaderMap::new(), format!("held {i}").as_bytes()).status, 200);
    }
    assert_eq!(serve.terminate().code(), Some(0));
    // The file as it is now is what a server that never heard the acknowledgements would hold.
    let copy = env.path("data/serve-before-acks.db");
    std::fs::copy(&db, &copy).unwrap();
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    forwarded(&env.db(), 3);
    assert_eq!(bodies(&target, 3).len(), 3);
    drop(relay);
    drop(serve);
    let serve = ServeProcess::start(&env, &copy, &[]);
    assert_eq!(serve.held(), 3, "all three are sent again");
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    wait_for("three duplicates recognised", WAIT, || {
        (count_lines(&relay.stderr, "not forwarded again") == 3).then_some(())
    });
    wait_for("serve to let them go", WAIT, || (serve.held() == 0).then_some(()));
    forwarded(&env.db(), 3);
    assert!(target.requests.try_recv().is_err(), "nothing reached the target twice");
}

#[test]
fn serve_killed_with_a_backlog_loses_nothing_it_acknowledged() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let sent: Vec<Vec<u8>> = (0..20u8).map(|i| vec![i, 0, 0xff, b'x']).collect();
    for body in &sent {
        assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), body).status, 200);
    }
    serve.kill();
    let serve = ServeProcess::start(&env, &db, &[]);
    assert!(serve.stderr.lock().unwrap().iter().any(|l| l.contains("dev (20 held)")), "the banner counts them");
    let target = Receiver::start(Answer::Status(200, "ok"));
    let _relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    forwarded(&env.db(), 20);
    assert_eq!(bodies(&target, 20), sent);
}

#[test]
fn a_wrong_token_gets_401_and_listen_stops_saying_why() {
    let env = Env::new();
    let db = serve_db(&env);
    let _good = token(&env, &db, "dev");
    let others = token(&env, &db, "other");
    let serve = ServeProcess::start(&env, &db, &[]);
    // The same answer for a wrong token and for a channel that does not exist.
    let upgrade = |channel: &str, token: &str| {
        let mut h = HeaderMap::new();
        h.insert("upgrade", "websocket".parse().unwrap());
        h.insert("connection", "upgrade".parse().unwrap());
        h.insert("sec-websocket-version", "13".parse().unwrap());
        h.insert("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==".parse().unwrap());
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        request("GET", &format!("{}/_hooktap/tunnel?channel={channel}", serve.url), &h, b"")
    };
    let wrong = upgrade("dev", "htk_wrong");
    let unknown = upgrade("nope", "htk_wrong");
    let borrowed = upgrade("dev", &others);
    assert_eq!((wrong.status, unknown.status, borrowed.status), (401, 401, 401), "a token opens its own channel only");
    assert_eq!(wrong.body, unknown.body, "nothing tells a wrong token from an unknown channel");
    assert_eq!(upgrade("other", &others).status, 101, "and does open it");

    let mut relay = RelayProcess::start(
        &env,
        &["--tunnel", &serve.url, "--channel", "dev"],
        &[("HOOKTAP_TUNNEL_TOKEN", "htk_wrong")],
    );
    let status = wait_exit(&mut relay.child);
    assert_eq!(status.code(), Some(2), "a configuration error");
    wait_line(&relay.stderr, "refused the token for channel dev (401)");
    assert!(!relay.stderr_text().contains("htk_wrong"), "the token is never printed");
}

#[test]
fn passthrough_returns_the_local_answer_to_the_sender() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(201, "created here"));
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/"), "--ack", "passthrough"]);
    let reply = serve.post("/c/dev/orders", &HeaderMap::new(), b"{\"id\":1}");
    assert_eq!((reply.status, &reply.body[..]), (201, &b"created here"[..]), "the app's own answer");
    assert_eq!(target.next().body, &b"{\"id\":1}"[..]);
    relay.kill();
    wait_line(&serve.stderr, "disconnected");
    let reply = serve.post("/c/dev/orders", &HeaderMap::new(), b"{\"id\":2}");
    assert_eq!(reply.status, 503, "no client to answer: the provider retries");
    assert_eq!(serve.held(), 0, "nothing held in passthrough");
}

#[test]
fn a_second_client_takes_over_and_the_first_stops_saying_why() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let first_target = Receiver::start(Answer::Status(200, "ok"));
    let second_target = Receiver::start(Answer::Status(200, "ok"));
    let mut first = listen(&env, &serve, &token, &["--forward-to", &first_target.url("/")]);
    let second_db = env.path("data/second.db");
    let second_db = second_db.to_str().unwrap();
    let _second = listen(&env, &serve, &token, &["--db", second_db, "--forward-to", &second_target.url("/")]);
    wait_line(&first.stderr, "taken over");
    assert_eq!(wait_exit(&mut first.child).code(), Some(1), "the first stops instead of taking the channel back");
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"to the second").status, 200);
    assert_eq!(second_target.next().body, &b"to the second"[..]);
    assert!(first_target.requests.try_recv().is_err());
}

#[test]
fn limits_answer_413_429_and_503_and_keep_nothing_they_refuse() {
    let env = Env::new();
    let db = serve_db(&env);
    let _token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &["--max-body", "16", "--max-backlog", "2"]);
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), &[b'x'; 17]).status, 413);
    assert_eq!(serve.post("/c/nope/", &HeaderMap::new(), b"x").status, 404);
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"1").status, 200);
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"2").status, 200);
    let full = serve.post("/c/dev/", &HeaderMap::new(), b"3");
    assert_eq!(full.status, 503, "the backlog is full: the provider retries later");
    assert!(full.headers.contains_key("retry-after"));
    assert_eq!(serve.held(), 2);
    drop(serve);
    let env = Env::new();
    let db = serve_db(&env);
    let out = env.cmd().arg("--db").arg(&db).args(["serve", "token", "add", "slow", "--rate", "1"]).output().unwrap();
    assert!(out.status.success());
    let serve = ServeProcess::start(&env, &db, &[]);
    let statuses: Vec<u16> = (0..3).map(|_| serve.post("/c/slow/", &HeaderMap::new(), b"x").status).collect();
    assert_eq!(statuses[0], 200);
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[test]
fn token_list_shows_channels_but_never_a_token_and_revoke_disconnects_the_client() {
    let env = Env::new();
    let db = serve_db(&env);
    let first = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let mut relay = listen(&env, &serve, &first, &[]);
    let list = env.cmd().arg("--db").arg(&db).args(["serve", "token", "list"]).output().unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    assert!(text.contains("dev") && text.contains("active"), "{text}");
    assert!(!text.contains(&first) && !text.contains("htk_"), "{text}");
    let revoke = env.cmd().arg("--db").arg(&db).args(["serve", "token", "revoke", "dev"]).output().unwrap();
    assert!(revoke.status.success());
    wait_line(&relay.stderr, "revoked");
    assert_eq!(wait_exit(&mut relay.child).code(), Some(2));
    // Providers can still post; what they send waits for a client with a new token.
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"kept").status, 200);
    let fresh = token(&env, &db, "dev");
    let target = Receiver::start(Answer::Status(200, "ok"));
    let _relay = listen(&env, &serve, &fresh, &["--forward-to", &target.url("/")]);
    assert_eq!(target.next().body, &b"kept"[..]);
}

fn signal(pid: u32, sig: &str) {
    let pid = pid.to_string();
    assert!(std::process::Command::new("kill").args(["-s", sig, &pid]).status().unwrap().success());
}

#[test]
fn a_client_that_went_silent_is_dropped_by_heartbeat_and_gets_its_backlog_when_it_wakes() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    // A laptop asleep: the process is there, the connection open, nothing answers.
    signal(relay.child.id(), "STOP");
    let started = std::time::Instant::now();
    wait_line(&serve.stderr, "no heartbeat");
    assert!(started.elapsed() < Duration::from_secs(25), "found out in {:?}", started.elapsed());
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"while asleep").status, 200);
    signal(relay.child.id(), "CONT");
    assert_eq!(target.next().body, &b"while asleep"[..]);
    assert_eq!(count_lines(&relay.stderr, "tunnel connected"), 2, "{}", relay.stderr_text());
}

#[test]
fn a_server_that_went_silent_is_found_out_by_the_client_which_reconnects() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let relay = listen(&env, &serve, &token, &["--forward-to", &target.url("/")]);
    signal(serve.child.id(), "STOP");
    let started = std::time::Instant::now();
    let line = wait_line(&relay.stderr, "tunnel reconnecting (attempt 1, next in");
    assert!(line.contains("nothing heard from the server for 15 s"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(25), "found out in {:?}", started.elapsed());
    signal(serve.child.id(), "CONT");
    wait_for("a second connection", WAIT, || (count_lines(&relay.stderr, "tunnel connected") == 2).then_some(()));
    assert_eq!(serve.post("/c/dev/", &HeaderMap::new(), b"after").status, 200);
    assert_eq!(target.next().body, &b"after"[..]);
}

#[test]
fn serve_speaks_tls_itself_and_the_client_checks_its_certificate() {
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().self_signed(&key).unwrap();
    let (cert_file, key_file) = (env.path("cert.pem"), env.path("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let serve = ServeProcess::start(
        &env,
        &db,
        &["--tls-cert", cert_file.to_str().unwrap(), "--tls-key", key_file.to_str().unwrap()],
    );
    assert!(serve.url.starts_with("https://"), "{}", serve.url);
    let wss = serve.url.replace("https://", "wss://");
    let untrusted =
        RelayProcess::start(&env, &["--tunnel", &wss, "--channel", "dev"], &[("HOOKTAP_TUNNEL_TOKEN", &token)]);
    let line = wait_line(&untrusted.stderr, "tunnel reconnecting");
    assert!(line.contains("TLS"), "a certificate nobody vouches for is refused: {line}");
    drop(untrusted);
    let target = Receiver::start(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(
        &env,
        &["--tunnel", &wss, "--channel", "dev", "-k", "--forward-to", &target.url("/")],
        &[("HOOKTAP_TUNNEL_TOKEN", &token)],
    );
    wait_line(&relay.stderr, "tunnel connected");
    let to = format!("{}/c/dev/over-tls", serve.url);
    env.cmd()
        .args(["send", "--provider", "github", "--secret", "s", "--data", "over tls", "-k", "--to", &to])
        .assert()
        .success();
    let got = target.next();
    assert_eq!((got.uri.as_str(), &got.body[..]), ("/over-tls", &b"over tls"[..]));
}

#[test]
fn a_client_of_another_protocol_version_is_told_so_in_words() {
    use futures_util::{SinkExt, StreamExt};
    use hooktap::tunnel::protocol::{CloseCode, Frame, VERSION};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let env = Env::new();
    let db = serve_db(&env);
    let token = token(&env, &db, "dev");
    let serve = ServeProcess::start(&env, &db, &[]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let closing = rt.block_on(async {
        let addr = serve.url.trim_start_matches("http://").to_owned();
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let mut req = format!("ws://{addr}/_hooktap/tunnel?channel=dev").into_client_request().unwrap();
        req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (mut ws, _) = tokio_tungstenite::client_async(req, tcp).await.expect("the token is right");
        // A hello from a future version: kind, version, then fields this build cannot know.
        let future = VERSION + 1;
        let mut hello = vec![1u8];
        hello.extend_from_slice(&future.to_be_bytes());
        hello.extend_from_slice(b"\x07whatever comes next");
        ws.send(Message::Binary(hello.into())).await.unwrap();
        loop {
            match tokio::time::timeout(WAIT, ws.next()).await.expect("an answer") {
                Some(Ok(Message::Binary(b))) => break Frame::decode(b).unwrap(),
                Some(Ok(_)) => continue,
                other => panic!("no closing frame: {other:?}"),
            }
        }
    });
    let Frame::Closing(c) = closing else { panic!("{closing:?}") };
    assert_eq!(c.code, CloseCode::Version);
    assert!(c.message.contains(&format!("speaks tunnel protocol {}", VERSION + 1)), "{}", c.message);
    assert!(c.message.contains("run the same hooktap version on both ends"), "{}", c.message);
}
