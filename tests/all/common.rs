//! Helpers for end-to-end tests: the real binary in a temp HOME, and a capturing HTTP receiver.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tempfile::TempDir;

/// A temp HOME with XDG dirs and a working directory, isolated from the user's environment.
pub struct Env {
    pub root: TempDir,
}

impl Env {
    pub fn new() -> Env {
        let root = tempfile::tempdir().expect("tempdir");
        for d in ["home", "config", "data", "work"] {
            std::fs::create_dir_all(root.path().join(d)).expect("mkdir");
        }
        Env { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    /// The working directory commands run in (where `./hooktap.toml` is read).
    pub fn work(&self) -> PathBuf {
        self.path("work")
    }

    /// The user config file.
    pub fn user_config(&self) -> PathBuf {
        self.path("config/hooktap/config.toml")
    }

    /// The default database.
    pub fn db(&self) -> PathBuf {
        self.path("data/hooktap/hooktap.db")
    }

    pub fn write_user_config(&self, text: &str) {
        write(&self.user_config(), text);
    }

    pub fn write_project_config(&self, text: &str) {
        write(&self.work().join("hooktap.toml"), text);
    }

    /// `hooktap` with HOME, XDG dirs and cwd pointing into the temp dir and no HOOKTAP_* leaking in.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::cargo_bin("hooktap").expect("binary");
        for k in leaking_vars() {
            cmd.env_remove(k);
        }
        cmd.envs(self.vars()).current_dir(self.work());
        cmd
    }

    /// The same environment for a `std::process::Command` (long-running processes).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("hooktap"));
        for k in leaking_vars() {
            cmd.env_remove(k);
        }
        cmd.envs(self.vars()).current_dir(self.work());
        cmd
    }

    fn vars(&self) -> [(&'static str, PathBuf); 4] {
        [
            ("HOME", self.path("home")),
            ("XDG_CONFIG_HOME", self.path("config")),
            ("XDG_DATA_HOME", self.path("data")),
            ("NO_COLOR", PathBuf::from("1")),
        ]
    }
}

/// Variables of the developer's own environment that would change hooktap's behaviour.
fn leaking_vars() -> Vec<String> {
    std::env::vars().map(|(k, _)| k).filter(|k| k.starts_with("HOOKTAP_") || k == "NO_COLOR").collect()
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A request the receiver captured.
#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    pub uri: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// How the receiver answers.
#[derive(Clone)]
pub enum Answer {
    /// This status with this body.
    Status(u16, &'static str),
    /// Never answer (for timeouts).
    Hang,
}

/// A server that answers one request per connection with `HTTP/1.1 200`, without
/// `Connection: close`, then closes the connection as soon as the next request
/// arrives on it, unanswered: what a server closing an idle kept-alive connection
/// looks like to a client whose request crossed the close. Counts the requests it
/// read in full and answered.
pub fn closing_server(path: &str) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let counter = counter.clone();
            std::thread::spawn(move || {
                if read_request(&mut stream).is_none() {
                    return;
                }
                if stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").is_ok() {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                // Wait for the next request (or the client's own close), then drop it.
                let _ = stream.read(&mut [0u8; 8192]);
            });
        }
    });
    (url, answered)
}

/// Reads one HTTP/1.1 request (head, then a `Content-Length` body) from `stream`;
/// `None` when the connection ends first.
pub fn read_request(stream: &mut impl std::io::Read) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
    while data.len() < head_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    Some(data)
}

/// An HTTP/1.1 server on 127.0.0.1:0 in its own thread and runtime; stops when dropped.
pub struct Receiver {
    pub addr: SocketAddr,
    pub requests: mpsc::Receiver<Captured>,
    answer: Arc<Mutex<Answer>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    pub fn start(answer: Answer) -> Receiver {
        let (addr_tx, addr_rx) = mpsc::channel();
        let (req_tx, requests) = mpsc::channel();
        let (stop, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let answer = Arc::new(Mutex::new(answer));
        let shared = answer.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                addr_tx.send(listener.local_addr().expect("addr")).expect("send addr");
                let mut stop_rx = stop_rx;
                loop {
                    tokio::select! {
                        _ = &mut stop_rx => break,
                        accepted = listener.accept() => {
                            let Ok((stream, _)) = accepted else { continue };
                            let req_tx = req_tx.clone();
                            let shared = shared.clone();
                            tokio::spawn(async move {
                                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                                    let req_tx = req_tx.clone();
                                    let shared = shared.clone();
                                    async move {
                                        let (parts, body) = req.into_parts();
                                        let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                                        let _ = req_tx.send(Captured {
                                            method: parts.method.to_string(),
                                            uri: parts.uri.to_string(),
                                            headers: parts.headers,
                                            body,
                                        });
                                        let answer = shared.lock().expect("lock").clone();
                                        match answer {
                                            Answer::Status(code, text) => Ok::<_, Infallible>(
                                                Response::builder()
                                                    .status(code)
                                                    .body(Full::new(Bytes::from_static(text.as_bytes())))
                                                    .expect("response"),
                                            ),
                                            Answer::Hang => std::future::pending().await,
                                        }
                                    }
                                });
                                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                                    .serve_connection(TokioIo::new(stream), service)
                                    .await;
                            });
                        }
                    }
                }
            });
        });
        let addr = addr_rx.recv_timeout(Duration::from_secs(10)).expect("receiver started");
        Receiver { addr, requests, answer, stop: Some(stop), thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Changes the answer for later requests.
    pub fn set_answer(&self, answer: Answer) {
        *self.answer.lock().expect("lock") = answer;
    }

    /// The next captured request, waiting up to 10 s.
    pub fn next(&self) -> Captured {
        self.requests.recv_timeout(Duration::from_secs(10)).expect("a request within 10 s")
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Connections that hang are dropped with the runtime.
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Relay (`listen`) helpers: an HTTP client for tests, the relay binary as a
// child process, and polling with a deadline.
// ---------------------------------------------------------------------------

/// An answer as a test sees it.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// Sends one request over HTTP/1.1 (or h2 with `h2_only`) and reads the whole answer.
pub async fn request_async(method: &str, url: &str, headers: &http::HeaderMap, body: Bytes, h2_only: bool) -> Reply {
    let mut builder = hyper_util::client::legacy::Client::builder(TokioExecutor::new());
    builder.http2_only(h2_only);
    let client: hyper_util::client::legacy::Client<_, Full<Bytes>> =
        builder.build(hyper_util::client::legacy::connect::HttpConnector::new());
    let mut req = Request::builder().method(method).uri(url).body(Full::new(body)).expect("request");
    for (name, value) in headers {
        req.headers_mut().append(name.clone(), value.clone());
    }
    let resp = tokio::time::timeout(Duration::from_secs(20), client.request(req))
        .await
        .expect("an answer within 20 s")
        .expect("request sent");
    let (parts, body) = resp.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply { status: parts.status.as_u16(), headers: parts.headers, body }
}

/// [`request_async`] for synchronous tests.
pub fn request(method: &str, url: &str, headers: &http::HeaderMap, body: &[u8]) -> Reply {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt");
    rt.block_on(request_async(method, url, headers, Bytes::copy_from_slice(body), false))
}

/// Polls `check` until it returns `Some` or `timeout` passes.
pub fn wait_for<T>(what: &str, timeout: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(v) = check() {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `hooktap listen`, killed when dropped. Its stderr and stdout lines are collected.
pub struct RelayProcess {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT` (or https) from the banner.
    pub url: String,
    pub stderr: Arc<Mutex<Vec<String>>>,
    pub stdout: Arc<Mutex<Vec<String>>>,
}

impl RelayProcess {
    /// Starts `hooktap listen --port 0 ARGS` in `env` and waits for the banner.
    pub fn start(env: &Env, args: &[&str], envs: &[(&str, &str)]) -> RelayProcess {
        use std::io::BufRead;
        let mut cmd = env.std_cmd();
        cmd.arg("listen").args(["--port", "0"]).args(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn hooktap listen");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let (url_tx, url_rx) = mpsc::channel();
        let err_pipe = child.stderr.take().expect("stderr");
        let err_lines = stderr.clone();
        std::thread::spawn(move || {
            let mut url = None;
            for line in std::io::BufReader::new(err_pipe).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    url = Some(rest.trim().to_string());
                }
                // The banner ends with the Ctrl-C line; report only once all of it is in.
                let done = url.is_some() && line.contains("Ctrl-C");
                err_lines.lock().expect("lock").push(line);
                if done && let Some(u) = url.take() {
                    let _ = url_tx.send(u);
                }
            }
        });
        let out_pipe = child.stdout.take().expect("stdout");
        let out_lines = stdout.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out_pipe).lines().map_while(Result::ok) {
                out_lines.lock().expect("lock").push(line);
            }
        });
        let url = match url_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no banner within 30 s; stderr: {:?}", stderr.lock().expect("lock"));
            }
        };
        RelayProcess { child, url, stderr, stdout }
    }

    /// The stderr lines so far.
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().expect("lock").join("\n")
    }

    /// Sends SIGKILL and waits: a crash, nothing flushed.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends a signal (unix) without waiting for anything.
    #[cfg(unix)]
    pub fn send_signal(&self, sig: &str) {
        let pid = self.child.id().to_string();
        let ok = std::process::Command::new("kill").args(["-s", sig, &pid]).status().expect("kill");
        assert!(ok.success());
    }

    /// Sends a signal (unix) and waits for the exit status.
    #[cfg(unix)]
    pub fn signal(mut self, sig: &str) -> std::process::ExitStatus {
        self.send_signal(sig);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(std::time::Instant::now() < deadline, "relay did not exit within 30 s of SIG{sig}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
