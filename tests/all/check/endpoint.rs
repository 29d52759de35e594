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
}

/// A running receiver.
pub struct Endpoint {
    pub addr: SocketAddr,
    /// Requests received, in full or not.
    pub received: Arc<Mutex<usize>>,
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
        let receiver = Arc::new(Receiver {
            provider: provider.to_owned(),
            secret: Secret::new(secret),
            flaws,
            seen: Mutex::new(HashSet::new()),
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
        Endpoint { addr, received, stop: Some(stop), thread: Some(thread) }
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
}

impl Receiver {
    async fn answer(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if let Some(delay) = self.flaws.delay {
            tokio::time::sleep(delay).await;
        }
        let declared = req.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > LIMIT) {
            return reply(413, "too large");
        }
        let (parts, body) = req.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else { return reply(400, "broken body") };
        let p = provider::lookup(&self.provider).expect("provider");
        let parsed = serde_json::from_slice::<serde_json::Value>(&body);
        if !self.flaws.accepts_bad_signatures {
            let compact = match (&parsed, self.flaws.reserializes) {
                (Ok(value), true) => Bytes::from(serde_json::to_vec(value).expect("json")),
                _ => body.clone(),
            };
            let input = VerifyInput {
                headers: &parts.headers,
                body: &compact,
                secret: &self.secret,
                now: hooktap::util::unix_now(),
                tolerance: self.flaws.ignores_timestamps.then_some(0),
            };
            if let Err(e) = p.verify(&input) {
                return reply(401, &e.to_string());
            }
        }
        let json = p.info().content_type.contains("json");
        if json && parsed.is_err() {
            return if self.flaws.crashes_on_malformed { reply(500, "crashed") } else { reply(400, "not JSON") };
        }
        let id = p.delivery_id(&parts.headers, &body).unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
        let fresh = self.seen.lock().expect("lock").insert(id);
        if !fresh && self.flaws.conflicts_on_duplicates {
            return reply(409, "already processed");
        }
        reply(200, "")
    }
}

fn reply(status: u16, text: &str) -> Response<Full<Bytes>> {
    Response::builder().status(status).body(Full::new(Bytes::copy_from_slice(text.as_bytes()))).expect("response")
}
