//! "Durable before ack" under a hard kill: many signed deliveries in flight, the
//! relay SIGKILLed among them (several times over one database), then every
//! delivery that got a 2xx must be in the database and, after a restart, must
//! reach the app.

use crate::common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{Answer, Env, Receiver, RelayProcess, wait_for};
use hooktap::provider::SignInput;
use hooktap::secret::Secret;
use hooktap::store::Store;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

const SECRET: &str = "crash-test-secret";

/// Deliveries the sender tries per run; far more than get through before the kill.
const DELIVERIES: usize = 20_000;

/// Runs of the relay killed in turn. A kill lands between an answer and its commit
/// only sometimes even when the relay answers first, so one run is not enough to
/// catch that; each later run also resumes the work the earlier ones left.
const CRASHES: usize = 4;

/// Connections sending at once.
const SENDERS: usize = 32;

/// Acknowledgements to wait for before the kill, so it lands mid-load.
const ACKED_BEFORE_KILL: usize = 150;

/// The provider's delivery id (`X-GitHub-Delivery`) of the `n`th delivery.
fn github_id(n: usize) -> String {
    format!("crash-{n:05}")
}

/// The `n`th delivery's body: distinct, so a stored row can be matched byte for byte.
fn body(n: usize) -> Bytes {
    Bytes::from(format!(r#"{{"ref":"refs/heads/main","n":{n},"pad":"{}"}}"#, "x".repeat(n % 97)))
}

/// One delivery the relay answered with a 2xx.
#[derive(Debug, Clone)]
struct Acked {
    n: usize,
    /// The stored delivery's id, from the `X-Hooktap-Delivery` answer header.
    id: String,
}

/// Signed GitHub deliveries sent from `SENDERS` keep-alive connections until all
/// are sent or [`Load::finish`] is called; records every acknowledgement and
/// reports the running count on a channel the moment it grows.
struct Load {
    acked: Arc<Mutex<Vec<Acked>>>,
    failed: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    runtime: tokio::runtime::Runtime,
}

impl Load {
    /// Sends deliveries `first..first + DELIVERIES` to the relay at `url`.
    fn start(url: &str, first: usize, acks: std::sync::mpsc::Sender<usize>) -> Load {
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let acked = Arc::new(Mutex::new(Vec::new()));
        let failed = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(first));
        let github = hooktap::provider::lookup("github").expect("github provider");
        let tasks = (0..SENDERS)
            .map(|_| {
                let (acked, failed, stop, next) = (acked.clone(), failed.clone(), stop.clone(), next.clone());
                let acks = acks.clone();
                let github = github.clone();
                let addr = url.trim_start_matches("http://").to_owned();
                runtime.spawn(async move {
                    let secret = Secret::new(SECRET);
                    // One connection per sender, kept alive, made again after a failure. No pool:
                    // a request must fail the moment its connection does, not wait for another.
                    let mut connection = None;
                    loop {
                        let n = next.fetch_add(1, Ordering::SeqCst);
                        if n >= first + DELIVERIES || stop.load(Ordering::SeqCst) {
                            return;
                        }
                        let body = body(n);
                        let delivery = github_id(n);
                        let input = SignInput {
                            body: &body,
                            secret: &secret,
                            timestamp: 0,
                            id: &delivery,
                            event: Some("push"),
                        };
                        let mut req =
                            http::Request::post("/webhooks/github").body(Full::new(body.clone())).expect("request");
                        req.headers_mut().insert(http::header::HOST, http::HeaderValue::from_str(&addr).expect("host"));
                        req.headers_mut().extend(github.sign(&input).expect("sign"));
                        let sent = tokio::time::timeout(Duration::from_secs(20), async {
                            if connection.is_none() {
                                connection = Some(connect(&addr).await?);
                            }
                            let sender = connection.as_mut()?;
                            sender.ready().await.ok()?;
                            let resp = sender.send_request(req).await.ok()?;
                            let id = resp.headers().get("x-hooktap-delivery").and_then(|v| v.to_str().ok());
                            let answer = (resp.status().is_success(), id.map(str::to_owned));
                            // The answer counts only once it has arrived in full.
                            resp.into_body().collect().await.ok()?;
                            Some(answer)
                        })
                        .await;
                        match sent {
                            Ok(Some((true, Some(id)))) => {
                                let count = {
                                    let mut acked = acked.lock().expect("lock");
                                    acked.push(Acked { n, id });
                                    acked.len()
                                };
                                let _ = acks.send(count);
                            }
                            Ok(Some((true, None))) => panic!("a 2xx without X-Hooktap-Delivery for {delivery}"),
                            _ => {
                                connection = None;
                                failed.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    }
                })
            })
            .collect();
        Load { acked, failed, stop, tasks, runtime }
    }

    /// Stops sending, waits for every request in flight to end and returns the acknowledged ones.
    fn finish(self) -> (Vec<Acked>, usize) {
        self.stop.store(true, Ordering::SeqCst);
        let tasks = self.tasks;
        self.runtime.block_on(async {
            for t in tasks {
                tokio::time::timeout(Duration::from_secs(30), t).await.expect("sender ends").expect("sender task");
            }
        });
        let acked = std::mem::take(&mut *self.acked.lock().expect("lock"));
        (acked, self.failed.load(Ordering::SeqCst))
    }
}

/// An HTTP/1.1 connection to `addr`, driven on its own task.
async fn connect(addr: &str) -> Option<http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(connection);
    Some(sender)
}

/// Adds to `seen` the relay's ids of the deliveries that reached `app` since the last call.
fn drain_arrivals(app: &Receiver, seen: &mut HashSet<String>) {
    while let Ok(req) = app.requests.try_recv() {
        let id = req.headers.get("x-hooktap-delivery").and_then(|v| v.to_str().ok()).expect("forwarded with an id");
        seen.insert(id.to_owned());
    }
}

/// Sends deliveries from `first` on, waits until `ready` holds and enough were
/// acknowledged, then stops the relay with `stop` (a kill or a signal); returns
/// the acknowledged deliveries.
fn stop_mid_load(
    relay: RelayProcess,
    first: usize,
    mut ready: impl FnMut() -> bool,
    stop: impl FnOnce(RelayProcess),
) -> Vec<Acked> {
    let (acks, count) = std::sync::mpsc::channel();
    let load = Load::start(&relay.url, first, acks);
    // Stopped the moment an acknowledgement arrives, not at a polling tick: had the
    // relay answered before committing, that delivery would still be uncommitted now.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut acked = 0;
    while acked < ACKED_BEFORE_KILL || !ready() {
        assert!(Instant::now() < deadline, "only {acked} deliveries acknowledged (or the app saw none) in 20 s");
        match count.recv_timeout(Duration::from_millis(20)) {
            Ok(n) => acked = acked.max(n),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("every sender stopped after {acked} acknowledgements"),
        }
    }
    stop(relay);
    let (acked, failed) = load.finish();
    assert!(failed > 0, "the relay stopped after the last request; nothing was in flight");
    assert!(acked.len() < DELIVERIES);
    acked
}

/// Every acknowledged delivery is stored, byte for byte, with its verdict.
fn assert_stored(db: &std::path::Path, acked: &[Acked], states: &[&str]) {
    let store = Store::open(db).expect("open the database after the kill");
    for a in acked {
        let d = store.get(&a.id).unwrap_or_else(|e| panic!("acknowledged {} ({}) is not stored: {e}", a.id, a.n));
        assert_eq!(&d.body[..], &body(a.n)[..], "{}: stored body", a.id);
        assert_eq!(d.provider_delivery_id.as_deref(), Some(github_id(a.n).as_str()), "{}", a.id);
        assert_eq!(d.signature.as_str(), "valid", "{}", a.id);
        assert!(states.contains(&d.state.as_str()), "{}: state {} not one of {states:?}", a.id, d.state);
    }
}

#[test]
fn acknowledged_deliveries_survive_sigkills_and_reach_the_app_after_a_restart() {
    let env = Env::new();
    // The app takes requests and never answers: when a kill lands, forwards are in flight too.
    let app = Receiver::start(Answer::Hang);
    let target = app.url("/app");
    let args = ["--provider", "github", "--secret-env", "S", "--forward-to", &target];
    let mut acked = Vec::new();
    for run in 0..CRASHES {
        let relay = RelayProcess::start(&env, &args, &[("S", SECRET)]);
        if run > 0 {
            let banner = relay.stderr_text();
            assert!(banner.contains("resuming"), "run {run}: pending work was not resumed:\n{banner}");
        }
        let mut forwarding = false;
        let stopped = stop_mid_load(
            relay,
            run * DELIVERIES,
            || {
                forwarding |= app.requests.try_recv().is_ok();
                forwarding
            },
            RelayProcess::kill,
        );
        acked.extend(stopped);
        // No forward was ever answered: every acknowledged delivery is still owed to the app.
        assert_stored(&env.db(), &acked, &["pending"]);
    }
    while app.requests.try_recv().is_ok() {}

    app.set_answer(Answer::Status(200, "ok"));
    let banner = restart_and_deliver(&env, &args, &app, &acked, HashSet::new());
    assert!(banner.contains("resuming"), "pending work was not resumed:\n{banner}");
}

#[cfg(unix)]
#[test]
fn sigterm_under_load_stores_every_acknowledged_delivery_and_the_rest_is_forwarded_after_a_restart() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let target = app.url("/app");
    let args = ["--provider", "github", "--secret-env", "S", "--forward-to", &target];
    let relay = RelayProcess::start(&env, &args, &[("S", SECRET)]);
    let acked = stop_mid_load(
        relay,
        0,
        || true,
        |relay| assert_eq!(relay.signal("TERM").code(), Some(0), "SIGTERM is a requested stop"),
    );
    assert_stored(&env.db(), &acked, &["pending", "forwarded"]);
    let mut first_run = HashSet::new();
    drain_arrivals(&app, &mut first_run);
    restart_and_deliver(&env, &args, &app, &acked, first_run);
}

/// Starts the relay again and waits until every acknowledged delivery has reached
/// `app` (in this run, or in an earlier one as `arrived` says) and is stored as
/// forwarded; returns the banner.
fn restart_and_deliver(
    env: &Env,
    args: &[&str],
    app: &Receiver,
    acked: &[Acked],
    mut arrived: HashSet<String>,
) -> String {
    let relay = RelayProcess::start(env, args, &[("S", SECRET)]);
    let banner = relay.stderr_text();
    let wanted: HashSet<&str> = acked.iter().map(|a| a.id.as_str()).collect();
    wait_for("every acknowledged delivery at the app", Duration::from_secs(30), || {
        drain_arrivals(app, &mut arrived);
        wanted.iter().all(|id| arrived.contains(*id)).then_some(())
    });
    let store = Store::open(&env.db()).expect("open");
    wait_for("every acknowledged delivery forwarded", Duration::from_secs(10), || {
        acked.iter().all(|a| store.get(&a.id).is_ok_and(|d| d.state.as_str() == "forwarded")).then_some(())
    });
    for a in acked {
        assert_eq!(store.get(&a.id).expect("stored").last_status, Some(200), "{}", a.id);
    }
    relay.kill();
    banner
}

#[test]
fn record_only_acknowledged_deliveries_survive_sigkills() {
    let env = Env::new();
    let mut acked = Vec::new();
    for run in 0..CRASHES {
        let relay = RelayProcess::start(&env, &["--provider", "github", "--secret-env", "S"], &[("S", SECRET)]);
        acked.extend(stop_mid_load(relay, run * DELIVERIES, || true, RelayProcess::kill));
        assert_stored(&env.db(), &acked, &["recorded"]);
    }
}
