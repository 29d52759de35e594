//! A client's connection to `serve`: the upgrade (the token checked before
//! anything else is said), the hello, then one loop that sends the channel's
//! deliveries in order within a window, takes acknowledgements, pings, and
//! closes with a reason when the client is replaced, revoked or silent.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

use super::buffer::Db;
use super::channel::{Channel, Defaults, Outgoing};
use super::committer::Committer;
use super::protocol::{CloseCode, Closing, Delivery, Frame, VERSION, Welcome, hello_version};
use super::server::{Hub, text};
use super::{DEAD_AFTER, HELLO_WITHIN, PING_EVERY, WINDOW, tokens};
use crate::signal::Shutdown;

type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Largest message a client may send (an acknowledgement carrying a passthrough answer).
const MAX_CLIENT_MESSAGE: usize = 64 * 1024 * 1024;

/// What a connection needs from the server.
struct Ctx {
    channel: Arc<Channel>,
    committer: Committer,
    reader: Arc<Mutex<Db>>,
    origin: String,
    shutdown: Shutdown,
    defaults: Defaults,
    quiet: bool,
}

impl Ctx {
    fn notice(&self, text: &str) {
        if !self.quiet {
            eprintln!("hooktap serve: channel {}: {text}", self.channel.name);
        }
    }
}

/// Answers a client's upgrade request: 401 for a wrong, revoked or unknown
/// channel's token (the same answer for each), else 101 and the connection.
pub fn upgrade(
    hub: &Hub,
    mut req: Request<hyper::body::Incoming>,
    remote: Option<SocketAddr>,
) -> Response<Full<Bytes>> {
    let header = |name: http::header::HeaderName| req.headers().get(name).and_then(|v| v.to_str().ok());
    let wants_ws = header(http::header::UPGRADE).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
        && header(http::header::SEC_WEBSOCKET_VERSION) == Some("13");
    let Some(key) = header(http::header::SEC_WEBSOCKET_KEY).filter(|_| wants_ws && req.method() == http::Method::GET)
    else {
        return text(
            StatusCode::BAD_REQUEST,
            "this is hooktap's tunnel endpoint: connect with `hooktap listen --tunnel`\n",
        );
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let name = req.uri().query().into_iter().flat_map(|q| q.split('&')).find_map(|kv| kv.strip_prefix("channel="));
    let token = header(http::header::AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("").trim();
    let channel = name.and_then(|n| hub.channel(n));
    let stored = channel.as_ref().and_then(|c| c.token_hash());
    let (Some(channel), Some(token_hash), true) = (channel, stored, tokens::matches(token, stored.as_ref())) else {
        tracing::info!(remote = ?remote, "refused a tunnel client: wrong token or channel");
        let mut resp = text(StatusCode::UNAUTHORIZED, "the token is not valid for this channel\n");
        resp.headers_mut().insert(http::header::WWW_AUTHENTICATE, http::HeaderValue::from_static("Bearer"));
        return resp;
    };
    let ctx = Ctx {
        channel,
        committer: hub.committer.clone(),
        reader: hub.reader.clone(),
        origin: hub.origin.clone(),
        shutdown: hub.shutdown.clone(),
        defaults: hub.defaults.clone(),
        quiet: hub.notice_quiet(),
    };
    let remote = remote.map_or_else(|| "?".to_owned(), |a| a.to_string());
    let upgrading = hyper::upgrade::on(&mut req);
    hub.spawn_session(async move {
        let upgraded = tokio::select! {
            up = upgrading => up,
            () = ctx.shutdown.wait() => return,
        };
        let Ok(upgraded) = upgraded else { return };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_CLIENT_MESSAGE))
            .max_frame_size(Some(MAX_CLIENT_MESSAGE));
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
        serve(ctx, ws, token_hash, remote).await;
    });
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = resp.headers_mut();
    h.insert(http::header::UPGRADE, http::HeaderValue::from_static("websocket"));
    h.insert(http::header::CONNECTION, http::HeaderValue::from_static("upgrade"));
    if let Ok(v) = http::HeaderValue::from_str(&accept) {
        h.insert(http::header::SEC_WEBSOCKET_ACCEPT, v);
    }
    resp
}

/// Closes with a reason the client can show.
async fn close(ws: &mut Socket, code: CloseCode, message: String) {
    let _ = ws.send(Message::Binary(Frame::Closing(Closing { code, message }).encode())).await;
    let _ = ws.close(None).await;
}

async fn serve(ctx: Ctx, mut ws: Socket, token_hash: tokens::TokenHash, remote: String) {
    let first = tokio::time::timeout(HELLO_WITHIN, ws.next()).await;
    let Ok(Some(Ok(Message::Binary(first)))) = first else { return };
    match hello_version(&first) {
        Some(VERSION) => {}
        Some(theirs) => {
            let message = format!(
                "the client speaks tunnel protocol {theirs} and this server speaks {VERSION}: run the same hooktap \
                 version on both ends"
            );
            ctx.notice(&format!("refused a client from {remote}: {message}"));
            return close(&mut ws, CloseCode::Version, message).await;
        }
        None => return close(&mut ws, CloseCode::Protocol, "expected a hello first".into()).await,
    }
    let hello = match Frame::decode(first) {
        Ok(Frame::Hello(h)) => h,
        _ => return close(&mut ws, CloseCode::Protocol, "the hello is malformed".into()).await,
    };
    let attached = ctx.channel.attach(token_hash, hello.mode, &remote, &ctx.defaults);
    ctx.committer.connected(&ctx.channel.name, hello.mode).await;
    let welcome = Welcome {
        version: VERSION,
        origin: ctx.origin.clone(),
        channel: ctx.channel.name.clone(),
        mode: attached.mode,
        backlog: attached.backlog,
    };
    if ws.send(Message::Binary(Frame::Welcome(welcome).encode())).await.is_err() {
        ctx.channel.detach(attached.id);
        return;
    }
    let held = match attached.backlog {
        0 => "nothing held for it".to_owned(),
        1 => "1 held delivery goes to it".to_owned(),
        n => format!("{n} held deliveries go to it"),
    };
    ctx.notice(&format!("client connected from {remote} ({}); {held}", hello.agent));
    let why = session(&ctx, &mut ws, attached.id, attached.kicked).await;
    ctx.channel.detach(attached.id);
    ctx.notice(&format!("client from {remote} disconnected: {why}"));
}

/// The connection's loop; returns why it ended.
async fn session(ctx: &Ctx, ws: &mut Socket, id: u64, mut kicked: tokio::sync::oneshot::Receiver<Closing>) -> String {
    let mut sent: HashSet<u64> = HashSet::new();
    let mut heard = Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let room = WINDOW.saturating_sub(sent.len());
        if room > 0 {
            let out = ctx.channel.take(id, room.min(256));
            if !out.is_empty() {
                match send(ctx, ws, out, &mut sent).await {
                    Ok(()) => continue,
                    Err(e) => return format!("could not send: {e}"),
                }
            }
        }
        tokio::select! {
            closing = &mut kicked => {
                let why = closing.as_ref().map_or_else(|_| "replaced".to_owned(), |c| c.message.clone());
                if let Ok(c) = closing {
                    close(ws, c.code, c.message).await;
                }
                return why;
            }
            () = ctx.shutdown.wait() => {
                close(ws, CloseCode::Stopping, "the tunnel server is stopping".into()).await;
                return "the server is stopping".into();
            }
            msg = ws.next() => {
                heard = Instant::now();
                match msg {
                    Some(Ok(Message::Binary(bytes))) => match Frame::decode(bytes) {
                        Ok(Frame::Acks(acks)) => {
                            for ack in &acks {
                                sent.remove(&ack.seq);
                            }
                            let forget = ctx.channel.ack(acks);
                            ctx.committer.delete(forget).await;
                        }
                        Ok(Frame::Closing(c)) => return format!("the client closed: {}", c.message),
                        Ok(other) => {
                            let why = format!("unexpected {} frame from the client", kind(&other));
                            close(ws, CloseCode::Protocol, why.clone()).await;
                            return why;
                        }
                        Err(e) => {
                            close(ws, CloseCode::Protocol, format!("malformed frame: {e}")).await;
                            return format!("malformed frame: {e}");
                        }
                    },
                    Some(Ok(Message::Close(_))) | None => return "the client closed the connection".into(),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return format!("connection error: {e}"),
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > DEAD_AFTER {
                    return format!("nothing heard for {} s (no heartbeat)", DEAD_AFTER.as_secs());
                }
                if let Err(e) = ws.send(Message::Ping(Bytes::new())).await {
                    return format!("could not ping: {e}");
                }
            }
            () = ctx.channel.wake.notified(), if room > 0 => {}
        }
    }
}

fn kind(frame: &Frame) -> &'static str {
    match frame {
        Frame::Hello(_) => "hello",
        Frame::Welcome(_) => "welcome",
        Frame::Delivery(_) => "delivery",
        Frame::Acks(_) => "acks",
        Frame::Closing(_) => "closing",
    }
}

/// Sends `out` in order, reading from the file the deliveries not kept in memory.
async fn send(
    ctx: &Ctx,
    ws: &mut Socket,
    out: Vec<Outgoing>,
    sent: &mut HashSet<u64>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let to_load: Vec<u64> =
        out.iter().filter_map(|o| if let Outgoing::Load(seq, _) = o { Some(*seq) } else { None }).collect();
    let mut loaded: HashMap<u64, Delivery> = HashMap::new();
    if !to_load.is_empty() {
        let reader = ctx.reader.clone();
        let read =
            tokio::task::spawn_blocking(move || reader.lock().unwrap_or_else(|p| p.into_inner()).load(&to_load)).await;
        match read {
            Ok(Ok(found)) => loaded.extend(found.into_iter().map(|d| (d.seq, d))),
            Ok(Err(e)) => tracing::error!("channel {}: reading held deliveries failed: {e:#}", ctx.channel.name),
            Err(e) => tracing::error!("channel {}: reading held deliveries failed: {e}", ctx.channel.name),
        }
    }
    for item in out {
        let delivery = match item {
            Outgoing::Ready(d) => d,
            // Gone: acknowledged meanwhile.
            Outgoing::Load(seq, redelivered) => match loaded.remove(&seq) {
                Some(d) => Delivery { redelivered, ..d },
                None => continue,
            },
        };
        sent.insert(delivery.seq);
        ws.feed(Message::Binary(Frame::Delivery(delivery).encode())).await?;
    }
    ws.flush().await
}
