//! Webhook receivers for `check`'s tests: a correct one, verifying with hooktap's
//! own provider code over the raw bytes, and the same with one flaw switched on.
//! Each runs on 127.0.0.1:0 in its own thread and runtime and stops when dropped.

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use bytes::Bytes;
use hooktap::provider::{self, VerifyInput};
use hooktap::secret::Secret;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};

/// Bodies past this are refused with 413 unread.
const LIMIT: u64 = 1024 * 1024;

/// What a receiver gets wrong; the default gets nothing wrong.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flaws {
    /// Never checks the signature.
    pub accepts_bad_signatures: bool,
    /// Verifies the compact re-serialisation of the parsed body (`JSON.stringify(req.body)`).
    pub reserializes: bool,
    /// Checks the signature but not how old its timestamp is.
    pub ignores_timestamps: bool,
    /// Answers only after this long.
    pub delay: Option<Duration>,
    /// Answers 500 to a body it cannot parse.
    pub crashes_on_malformed: bool,
    /// Answers 409 to a delivery id it has seen.
    pub conflicts_on_duplicates: bool,
    /// Verifies Python's `json.dumps(json.loads(body))` (`", "` and `": "` separators) instead of the body.
    pub python_dumps: bool,
    /// Reads every body, however large (no 413).
    pub no_body_limit: bool,
    /// Answers this status to every request, whatever it is.
    pub always: Option<u16>,
    /// Answers this status the first time it sees a delivery id (or body), then as it should.
    pub first_sight: Option<u16>,
    /// Answers 400 to NexaDesk's and GitHub's setup ping (an event it does not know).
    pub refuses_ping: bool,
    /// Answers Slack's url_verification 200 without echoing its challenge.
    pub no_challenge_echo: bool,
    /// Checks only the first of several Standard Webhooks signatures.
    pub first_signature_only: bool,
    /// Requires this Authorization value (401 otherwise).
    pub requires_auth: Option<&'static str>,
}

/// A running receiver.
pub struct Endpoint {
    pub addr: SocketAddr,
    /// Requests received, in full or not.
    pub received: Arc<Mutex<usize>>,
    /// The headers and body of each request read in full, in order.
    pub requests: Arc<Mutex<Vec<(http::HeaderMap, Bytes)>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Endpoint {
    /// A receiver for `provider` with `secret`, over plain HTTP.
    pub fn start(provider: &str, secret: &str, flaws: Flaws) -> Endpoint {
        Endpoint::start_with(provider, secret, flaws, None)
    }

    /// The same over TLS with `acceptor`.
    pub fn start_with(provider: &str, secret: &str, flaws: Flaws, tls: Option<tokio_rustls::TlsAcceptor>) -> Endpoint {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let receiver = Arc::new(Receiver {
            provider: provider.to_owned(),
            secret: Secret::new(secret),
            flaws,
            seen: Mutex::new(HashSet::new()),
            first_seen: Mutex::new(HashSet::new()),
            requests: requests.clone(),
        });
        let received = Arc::new(Mutex::new(0));
        let counter = received.clone();
        let (addr_tx, addr_rx) = mpsc::channel();
        let (stop, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                addr_tx.send(listener.local_addr().expect("addr")).expect("send addr");
                loop {
                    let (tcp, _) = tokio::select! {
                        _ = &mut stop_rx => break,
                        accepted = listener.accept() => match accepted { Ok(a) => a, Err(_) => continue },
                    };
                    let (receiver, counter, tls) = (receiver.clone(), counter.clone(), tls.clone());
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                            *counter.lock().expect("lock") += 1;
                            let receiver = receiver.clone();
                            async move { Ok::<_, Infallible>(receiver.answer(req).await) }
                        });
                        let server = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                        let _ = match tls {
                            Some(tls) => match tls.accept(tcp).await {
                                Ok(stream) => server.serve_connection(TokioIo::new(stream), service).await,
                                Err(_) => return,
                            },
                            None => server.serve_connection(TokioIo::new(tcp), service).await,
                        };
                    });
                }
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).expect("endpoint started");
        Endpoint { addr, received, requests, stop: Some(stop), thread: Some(thread) }
    }

    pub fn url(&self) -> String {
        format!("http://{}/webhooks", self.addr)
    }
}

impl Drop for Endpoint {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Receiver {
    provider: String,
    secret: Secret,
    flaws: Flaws,
    seen: Mutex<HashSet<String>>,
    first_seen: Mutex<HashSet<String>>,
    requests: Arc<Mutex<Vec<(http::HeaderMap, Bytes)>>>,
}

impl Receiver {
    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if let Some(delay) = self.flaws.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(status) = self.flaws.always {
            return reply(status, "always");
        }
        let declared = req.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > LIMIT) && !self.flaws.no_body_limit {
            return reply(413, "too large");
        }
        let (parts, body) = req.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else { return reply(400, "broken body") };
        self.requests.lock().expect("lock").push((parts.headers.clone(), body.clone()));
        let p = provider::lookup(&self.provider).expect("provider");
        let id = p.delivery_id(&parts.headers, &body).unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        if let Some(status) = self.flaws.first_sight
            && self.first_seen.lock().expect("lock").insert(id.clone())
        {
            return reply(status, "not yet");
        }
        if let Some(expected) = self.flaws.requires_auth
            && parts.headers.get("authorization").is_none_or(|v| v != expected)
        {
            return reply(401, "wrong authorization");
        }
        let mut headers = parts.headers.clone();
        if self.flaws.first_signature_only
            && let Some(first) = headers.get("webhook-signature").and_then(|v| v.to_str().ok()?.split(' ').next())
        {
            let first = http::HeaderValue::from_str(first).expect("header");
            headers.insert("webhook-signature", first);
        }
        let parsed = serde_json::from_slice::<serde_json::Value>(&body);
        if !self.flaws.accepts_bad_signatures {
            let compact = match (&parsed, self.flaws.reserializes, self.flaws.python_dumps) {
                (Ok(value), true, _) => Bytes::from(serde_json::to_vec(value).expect("json")),
                (Ok(value), _, true) => Bytes::from(python_dumps(value)),
                _ => body.clone(),
            };
            let input = VerifyInput {
                headers: &headers,
                body: &compact,
                secret: &self.secret,
                now: hooktap::util::unix_now(),
                tolerance: self.flaws.ignores_timestamps.then_some(0),
            };
            if let Err(e) = p.verify(&input) {
                return reply(401, &e.to_string());
            }
        }
        // What the request says it is (a Slack slash command is a form, whatever Slack's JSON default).
        let json = parts.headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|t| t.contains("json"));
        if json && parsed.is_err() {
            return if self.flaws.crashes_on_malformed { reply(500, "crashed") } else { reply(400, "not JSON") };
        }
        if let Ok(value) = &parsed {
            if self.flaws.refuses_ping && value["event"] == "ping" {
                return reply(400, "unknown event");
            }
            if value["type"] == "url_verification" && !self.flaws.no_challenge_echo {
                return reply(200, value["challenge"].as_str().unwrap_or_default());
            }
        }
        let fresh = self.seen.lock().expect("lock").insert(id);
        if !fresh && self.flaws.conflicts_on_duplicates {
            return reply(409, "already processed");
        }
        reply(200, "")
    }
}

/// `json.dumps(value)` with Python's defaults: `", "` and `": "`, non-ASCII escaped.
fn python_dumps(value: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = |s: &str| {
        let quoted = serde_json::to_string(s).expect("json");
        let mut out = String::from('"');
        for ch in quoted[1..quoted.len() - 1].chars() {
            if ch.is_ascii() {
                out.push(ch);
            } else {
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        out.push('"');
        out
    };
    match value {
        Value::Object(map) => {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", text(k), python_dumps(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(python_dumps).collect::<Vec<_>>().join(", ")),
        Value::String(s) => text(s),
        other => other.to_string(),
    }
}

fn reply(status: u16, text: &str) -> Response<Full<Bytes>> {
    Response::builder().status(status).body(Full::new(Bytes::copy_from_slice(text.as_bytes()))).expect("response")
}
