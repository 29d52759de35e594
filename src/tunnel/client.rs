//! The tunnel's client, run by the relay when `listen --tunnel` asks: connect to
//! `serve`, say hello, take deliveries into the relay's ingest path and
//! acknowledge each once committed; reconnect with backoff and jitter, for ever,
//! until the relay stops or the server says not to (a refused token, a newer
//! client on the channel).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use super::endpoint::Endpoint;
use super::protocol::{Ack, CloseCode, Closing, Frame, Hello, Mode, VERSION, Welcome};
use super::receive::{InFlight, Outcome, Receiver};
use super::{DEAD_AFTER, HELLO_WITHIN, PING_EVERY};
use crate::error::usage_hint;
use crate::relay::App;
use crate::relay::console::TunnelEvent;
use crate::secret::Secret;
use crate::signal::Shutdown;

/// First reconnect delay; it doubles per failed attempt.
const BACKOFF_BASE: Duration = Duration::from_millis(500);

/// Longest reconnect delay.
const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// Time allowed to connect (TCP, TLS and the upgrade).
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

/// How long a stop waits for deliveries being stored, to acknowledge them.
const STOP_DRAIN: Duration = Duration::from_secs(10);

/// Acknowledgements sent in one frame at most.
const MAX_ACKS: usize = 512;

/// Where and how the relay receives through a tunnel.
#[derive(Debug, Clone)]
pub struct TunnelConfig {
    /// The server, as given (`wss://host`).
    pub url: String,
    /// Where it connects and what providers are given.
    pub endpoint: Endpoint,
    /// The channel.
    pub channel: String,
    /// The channel's token.
    pub token: Secret,
    /// How the client asks the server to answer providers.
    pub mode: Mode,
    /// Which server certificates to accept.
    pub trust: crate::net::Trust,
}

/// How one connection ended.
enum Ended {
    /// The relay is stopping.
    Stopped,
    /// For good: the error says why.
    Fatal(anyhow::Error),
    /// Lost; try again. `welcomed`: it had got as far as a working connection.
    Lost { welcomed: bool, why: String },
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

type Socket = WebSocketStream<Box<dyn Io>>;

/// Runs the client until `shutdown`; an error is a reason to stop for good.
pub async fn run(app: Arc<App>, config: TunnelConfig, shutdown: Shutdown) -> anyhow::Result<()> {
    let receiver = Receiver { reader: crate::store::Reader::open(&app.db)?, app, in_flight: InFlight::default() };
    // Deliveries being stored outlive the connection that brought them: a stop in the
    // middle of one would leave it unforwarded until the next start.
    let mut tasks = JoinSet::new();
    let mut attempt = 0u32;
    let ended = loop {
        match connection(&receiver, &config, &shutdown, &mut tasks).await {
            Ended::Stopped => break Ok(()),
            Ended::Fatal(e) => break Err(e),
            Ended::Lost { welcomed, why } => {
                attempt = if welcomed { 1 } else { attempt + 1 };
                let next_in = backoff(attempt);
                receiver.app.console.tunnel(&TunnelEvent::Reconnecting { attempt, next_in, why: &why });
                tokio::select! {
                    () = shutdown.wait() => break Ok(()),
                    () = tokio::time::sleep(next_in) => {}
                }
            }
        }
    };
    let _ = tokio::time::timeout(STOP_DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    ended
}

/// The delay before attempt `n` (from 1): doubling from [`BACKOFF_BASE`] up to
/// [`BACKOFF_MAX`], then a random half to all of it, so that clients cut off together
/// do not come back together.
pub fn backoff(n: u32) -> Duration {
    let full = BACKOFF_BASE.saturating_mul(1u32 << n.saturating_sub(1).min(16)).min(BACKOFF_MAX);
    let half = full / 2;
    half + Duration::from_micros(rand::random_range(0..=half.as_micros() as u64))
}

/// Connects, says hello and serves one connection.
async fn connection(receiver: &Receiver, config: &TunnelConfig, shutdown: &Shutdown, tasks: &mut JoinSet<()>) -> Ended {
    let connected = tokio::select! {
        () = shutdown.wait() => return Ended::Stopped,
        c = tokio::time::timeout(CONNECT_WITHIN, connect(config)) => c,
    };
    let mut ws = match connected {
        Ok(Ok(ws)) => ws,
        Ok(Err(ended)) => return ended,
        Err(_) => return lost(format!("no connection within {} s", CONNECT_WITHIN.as_secs())),
    };
    let hello = Hello { version: VERSION, mode: config.mode, agent: format!("hooktap {}", env!("CARGO_PKG_VERSION")) };
    if let Err(e) = ws.send(Message::Binary(Frame::Hello(hello).encode())).await {
        return lost(format!("could not say hello: {e}"));
    }
    let welcome = match tokio::time::timeout(HELLO_WITHIN, ws.next()).await {
        Ok(Some(Ok(Message::Binary(bytes)))) => match Frame::decode(bytes) {
            Ok(Frame::Welcome(w)) if w.version == VERSION => w,
            Ok(Frame::Welcome(w)) => return version_mismatch(w.version),
            Ok(Frame::Closing(c)) => return closed_by_server(c, config),
            Ok(_) => return lost("the server did not welcome the client".into()),
            Err(e) => return lost(format!("the server's welcome is malformed: {e}")),
        },
        Ok(Some(Ok(_))) => return lost("the server did not welcome the client".into()),
        Ok(Some(Err(e))) => return lost(format!("connection error: {e}")),
        Ok(None) => return lost("the server closed the connection".into()),
        Err(_) => return lost(format!("no welcome within {} s", HELLO_WITHIN.as_secs())),
    };
    let console = &receiver.app.console;
    let ignored = config.mode == Mode::Passthrough && welcome.mode == Mode::Immediate;
    console.tunnel(&TunnelEvent::Connected {
        url: &config.url,
        channel: &config.channel,
        backlog: welcome.backlog,
        passthrough_ignored: ignored,
    });
    match session(receiver, &mut ws, &welcome, shutdown, tasks).await {
        Ended::Lost { why, .. } => Ended::Lost { welcomed: true, why },
        Ended::Fatal(e) => match e.downcast::<Closing>() {
            Ok(c) => closed_by_server(c, config),
            Err(e) => Ended::Fatal(e),
        },
        Ended::Stopped => Ended::Stopped,
    }
}

fn lost(why: String) -> Ended {
    Ended::Lost { welcomed: false, why }
}

fn version_mismatch(theirs: u16) -> Ended {
    Ended::Fatal(usage_hint(
        format!("the tunnel server speaks tunnel protocol {theirs} and this hooktap speaks {VERSION}"),
        "run the same hooktap version on both ends",
    ))
}

/// The server closed the connection for a reason it gave.
fn closed_by_server(c: Closing, config: &TunnelConfig) -> Ended {
    let channel = &config.channel;
    match c.code {
        CloseCode::TakenOver => Ended::Fatal(anyhow::anyhow!(
            "the tunnel was taken over: {}; this listen stops receiving through channel {channel} rather than take it back",
            c.message
        )),
        CloseCode::Revoked => Ended::Fatal(usage_hint(
            format!("the tunnel server closed channel {channel}: {}", c.message),
            format!(
                "make a new token on the server (`hooktap serve token add {channel} --rotate`) and give it to this listen"
            ),
        )),
        CloseCode::Version => Ended::Fatal(usage_hint(c.message, "run the same hooktap version on both ends")),
        CloseCode::Stopping => lost(c.message),
        _ => lost(format!("the server closed the connection: {}", c.message)),
    }
}

/// TCP (and TLS), then the WebSocket upgrade with the token.
async fn connect(config: &TunnelConfig) -> Result<Socket, Ended> {
    let e = &config.endpoint;
    let tcp = tokio::net::TcpStream::connect((e.host.as_str(), e.port))
        .await
        .map_err(|err| lost(format!("could not connect to {}:{}: {err}", e.host, e.port)))?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = if e.tls {
        let name = rustls::pki_types::ServerName::try_from(e.host.clone())
            .map_err(|err| Ended::Fatal(usage_hint(format!("{}: {err}", config.url), "check --tunnel")))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(crate::net::client::tls_config(config.trust)));
        let tls =
            connector.connect(name, tcp).await.map_err(|err| lost(format!("TLS with {} failed: {err}", e.host)))?;
        Box::new(tls)
    } else {
        Box::new(tcp)
    };
    let mut request = e.websocket.clone().into_client_request().map_err(|err| lost(err.to_string()))?;
    let bearer = http::HeaderValue::from_str(&format!("Bearer {}", config.token.expose())).map_err(|_| {
        Ended::Fatal(usage_hint("the tunnel token holds characters a header cannot carry", "check the token"))
    })?;
    request.headers_mut().insert(http::header::AUTHORIZATION, bearer);
    let ws_config = WebSocketConfig::default().max_message_size(Some(1 << 30)).max_frame_size(Some(1 << 30));
    match tokio_tungstenite::client_async_with_config(request, stream, Some(ws_config)).await {
        Ok((ws, _)) => Ok(ws),
        Err(WsError::Http(resp)) if resp.status() == http::StatusCode::UNAUTHORIZED => Err(Ended::Fatal(usage_hint(
            format!("the tunnel server refused the token for channel {} (401)", config.channel),
            format!(
                "check tunnel.token, --token-env or HOOKTAP_TUNNEL_TOKEN; on the server, `hooktap serve token add {} \
                 --rotate` makes a new one",
                config.channel
            ),
        ))),
        Err(WsError::Http(resp)) => Err(lost(format!(
            "the server answered {} instead of opening the tunnel; is {} a hooktap serve?",
            resp.status(),
            config.url
        ))),
        Err(err) => Err(lost(format!("the WebSocket upgrade failed: {err}"))),
    }
}

/// One welcomed connection: deliveries in, acknowledgements out, pings both ways.
async fn session(
    receiver: &Receiver,
    ws: &mut Socket,
    welcome: &Welcome,
    shutdown: &Shutdown,
    tasks: &mut JoinSet<()>,
) -> Ended {
    let (acks_tx, mut acks_rx) = mpsc::channel::<Outcome>(super::WINDOW * 2);
    let origin: Arc<str> = Arc::from(welcome.origin.as_str());
    let mut backlog = welcome.backlog;
    let mut heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        while tasks.try_join_next().is_some() {}
        tokio::select! {
            () = shutdown.wait() => {
                drain(ws, &mut acks_rx, tasks).await;
                let bye = Closing { code: CloseCode::Stopping, message: "the client is stopping".into() };
                let _ = ws.send(Message::Binary(Frame::Closing(bye).encode())).await;
                let _ = ws.close(None).await;
                return Ended::Stopped;
            }
            outcome = acks_rx.recv() => {
                let Some(outcome) = outcome else { continue };
                if let Err(why) = send_acks(ws, outcome, &mut acks_rx).await {
                    return why;
                }
            }
            msg = ws.next() => {
                heard = Instant::now();
                match msg {
                    Some(Ok(Message::Binary(bytes))) => match Frame::decode(bytes) {
                        Ok(Frame::Delivery(d)) => {
                            if backlog > 0 && !d.wants_answer {
                                backlog -= 1;
                                if backlog == 0 {
                                    receiver.app.console.tunnel(&TunnelEvent::Backlog { received: welcome.backlog });
                                }
                            }
                            let (receiver, origin, acks) = (receiver.clone(), origin.clone(), acks_tx.clone());
                            tasks.spawn(async move {
                                let _ = acks.send(receiver.receive(&origin, d).await).await;
                            });
                        }
                        Ok(Frame::Closing(c)) => return Ended::Fatal(anyhow::Error::new(c)),
                        Ok(_) => return lost("the server sent an unexpected frame".into()),
                        Err(e) => return lost(format!("the server sent a malformed frame: {e}")),
                    },
                    Some(Ok(Message::Close(_))) | None => return lost("the server closed the connection".into()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return lost(format!("connection error: {e}")),
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > DEAD_AFTER {
                    return lost(format!("nothing heard from the server for {} s", DEAD_AFTER.as_secs()));
                }
                if let Err(e) = ws.send(Message::Ping(bytes::Bytes::new())).await {
                    return lost(format!("could not ping the server: {e}"));
                }
            }
        }
    }
}

/// Sends `first` and whatever other acknowledgements are ready, in one frame; a
/// delivery that could not be stored ends the connection, so that it is sent again.
async fn send_acks(ws: &mut Socket, first: Outcome, more: &mut mpsc::Receiver<Outcome>) -> Result<(), Ended> {
    let mut acks: Vec<Ack> = Vec::new();
    let mut failed = None;
    let mut next = Some(first);
    while let Some(outcome) = next.take() {
        match outcome {
            Ok(ack) => acks.push(ack),
            Err(why) => failed = Some(why),
        }
        if acks.len() < MAX_ACKS {
            next = more.try_recv().ok();
        }
    }
    if !acks.is_empty() {
        ws.send(Message::Binary(Frame::Acks(acks).encode()))
            .await
            .map_err(|e| lost(format!("could not acknowledge: {e}")))?;
    }
    match failed {
        None => Ok(()),
        Some(why) => {
            let bye = Closing { code: CloseCode::Storage, message: why.clone() };
            let _ = ws.send(Message::Binary(Frame::Closing(bye).encode())).await;
            let _ = ws.close(None).await;
            Err(lost(format!("{why}; reconnecting so that the server sends it again")))
        }
    }
}

/// At a stop: lets the deliveries being stored finish and acknowledges them.
async fn drain(ws: &mut Socket, acks_rx: &mut mpsc::Receiver<Outcome>, tasks: &mut JoinSet<()>) {
    let _ = tokio::time::timeout(STOP_DRAIN, async { while tasks.join_next().await.is_some() {} }).await;
    while let Ok(outcome) = acks_rx.try_recv() {
        if send_acks(ws, outcome, acks_rx).await.is_err() {
            return;
        }
    }
}

impl std::fmt::Display for Closing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Closing {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_with_jitter_below_each_step() {
        for n in 1..40 {
            let full = BACKOFF_BASE.saturating_mul(1 << (n - 1).min(16)).min(BACKOFF_MAX);
            let d = backoff(n);
            assert!(d >= full / 2 && d <= full, "attempt {n}: {d:?} not within [{:?}, {full:?}]", full / 2);
        }
        assert!(backoff(100) <= BACKOFF_MAX);
    }
}
