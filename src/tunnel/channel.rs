//! One channel as the running server holds it: the deliveries it keeps until its
//! client acknowledges them (and which the current connection has not been sent
//! yet), the providers waiting for a passthrough answer, the client connected
//! now, and the limits its providers meet.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::{Notify, oneshot};

use super::buffer::{self, Held};
use super::protocol::{Ack, Answer, CloseCode, Closing, Delivery, Mode};
use super::tokens::TokenHash;

/// Passthrough deliveries are numbered apart from held ones: they are never stored.
const PASSTHROUGH: u64 = 1 << 63;

/// Bodies a channel keeps in memory for sending; beyond, they are read back from the file.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// `serve`'s limits for every channel, which a channel's own settings override.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// Largest body, bytes (413 beyond).
    pub max_body: u64,
    /// Most deliveries a channel holds (503 beyond).
    pub max_backlog: u64,
    /// Most bytes a channel holds (503 beyond).
    pub max_backlog_bytes: u64,
    /// Deliveries accepted per second and channel; 0 for no limit (429 beyond).
    pub rate: u32,
    /// How providers are answered, when neither the channel nor its client says.
    pub mode: Option<Mode>,
}

/// A channel's limits in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest body.
    pub max_body: u64,
    /// Most deliveries held.
    pub max_backlog: u64,
    /// Most bytes held.
    pub max_backlog_bytes: u64,
    /// Per second; 0 for none.
    pub rate: u32,
    /// How providers are answered.
    pub mode: Mode,
}

/// Why a provider's delivery is refused before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Over the rate limit: 429.
    Rate(u32),
    /// The backlog is full: 503.
    Backlog { held: u64, limit: u64 },
    /// The backlog's bytes are at their limit: 503.
    BacklogBytes { limit: u64 },
    /// Passthrough with no client to answer: 503.
    NoClient,
}

/// What a connection sends next.
#[derive(Debug)]
pub enum Outgoing {
    /// A delivery in memory.
    Ready(Delivery),
    /// A held delivery to read back from the file first, and whether it was sent before.
    Load(u64, bool),
}

/// One channel.
#[derive(Debug)]
pub struct Channel {
    /// Its name.
    pub name: String,
    state: Mutex<State>,
    /// Woken when there is something to send.
    pub wake: Notify,
}

#[derive(Debug)]
struct State {
    token_hash: Option<TokenHash>,
    stored: buffer::Channel,
    limits: Limits,
    held: BTreeMap<u64, Entry>,
    unsent: BTreeSet<u64>,
    held_bytes: u64,
    cached_bytes: u64,
    reserved: (u64, u64),
    session: Option<Session>,
    next_session: u64,
    next_passthrough: u64,
    passthrough: VecDeque<Delivery>,
    /// Providers waiting for a passthrough answer, with the connection it was sent to.
    waiting: HashMap<u64, (Option<u64>, oneshot::Sender<Answer>)>,
    bucket: (f64, Instant),
}

#[derive(Debug)]
struct Entry {
    size: u64,
    cached: Option<Arc<Delivery>>,
    sent: bool,
}

#[derive(Debug)]
struct Session {
    id: u64,
    token_hash: Option<TokenHash>,
    kick: oneshot::Sender<Closing>,
}

/// A connection's place on its channel.
#[derive(Debug)]
pub struct Attached {
    /// Its number.
    pub id: u64,
    /// Fires when it must close (a newer client, a revoked token).
    pub kicked: oneshot::Receiver<Closing>,
    /// Deliveries waiting for it.
    pub backlog: u64,
    /// How its providers are answered.
    pub mode: Mode,
}

/// Room taken in a channel's backlog for a delivery being committed; given back if dropped.
#[derive(Debug)]
pub struct Reservation {
    channel: Arc<Channel>,
    size: u64,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut s = self.channel.lock();
        s.reserved.0 -= 1;
        s.reserved.1 -= self.size;
    }
}

fn limits(stored: &buffer::Channel, defaults: &Defaults) -> Limits {
    let o = &stored.overrides;
    Limits {
        max_body: o.max_body.unwrap_or(defaults.max_body),
        max_backlog: o.max_backlog.unwrap_or(defaults.max_backlog),
        max_backlog_bytes: defaults.max_backlog_bytes,
        rate: o.rate.unwrap_or(defaults.rate),
        mode: o.mode.or(defaults.mode).or(stored.client_mode).unwrap_or(Mode::Immediate),
    }
}

impl Channel {
    /// The channel `stored` describes, holding nothing yet.
    pub fn new(stored: buffer::Channel, defaults: &Defaults) -> Channel {
        let limits = limits(&stored, defaults);
        Channel {
            name: stored.name.clone(),
            state: Mutex::new(State {
                token_hash: stored.token_hash,
                stored,
                limits,
                held: BTreeMap::new(),
                unsent: BTreeSet::new(),
                held_bytes: 0,
                cached_bytes: 0,
                reserved: (0, 0),
                session: None,
                next_session: 1,
                next_passthrough: 1,
                passthrough: VecDeque::new(),
                waiting: HashMap::new(),
                bucket: (f64::from(limits.rate), Instant::now()),
            }),
            wake: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.lock().limits
    }

    /// Its token's hash; `None` once revoked.
    pub fn token_hash(&self) -> Option<TokenHash> {
        self.lock().token_hash
    }

    /// Takes the stored row's changes (`token` commands run beside the server): a
    /// connection whose token is no longer the channel's is closed.
    pub fn refresh(&self, stored: buffer::Channel, defaults: &Defaults) {
        let mut s = self.lock();
        s.limits = limits(&stored, defaults);
        s.token_hash = stored.token_hash;
        let client_mode = s.stored.client_mode;
        s.stored = stored;
        // This run's client said last; the file may not have caught up yet.
        s.stored.client_mode = client_mode.or(s.stored.client_mode);
        if s.session.as_ref().is_some_and(|session| session.token_hash != s.token_hash) {
            let session = s.session.take();
            s.passthrough.clear();
            s.waiting.clear();
            drop(s);
            if let Some(session) = session {
                let message = format!("the token of channel {} was revoked or replaced", self.name);
                let _ = session.kick.send(Closing { code: CloseCode::Revoked, message });
            }
        }
    }

    /// Holds deliveries found in the file at start: sent before, perhaps.
    pub fn resume(&self, held: impl IntoIterator<Item = Held>) {
        let mut s = self.lock();
        for h in held {
            s.held.insert(h.seq, Entry { size: h.size, cached: None, sent: true });
            s.unsent.insert(h.seq);
            s.held_bytes += h.size;
        }
    }

    /// Counts a delivery against the rate limit and, unless the channel answers in
    /// passthrough, takes room for it in the backlog.
    pub fn admit(self: &Arc<Self>, size: u64) -> Result<Option<Reservation>, Refusal> {
        let mut s = self.lock();
        let limits = s.limits;
        if limits.rate > 0 {
            let (tokens, at) = s.bucket;
            let now = Instant::now();
            let rate = f64::from(limits.rate);
            let tokens = (tokens + now.duration_since(at).as_secs_f64() * rate).min(rate);
            if tokens < 1.0 {
                s.bucket = (tokens, now);
                return Err(Refusal::Rate(limits.rate));
            }
            s.bucket = (tokens - 1.0, now);
        }
        if limits.mode == Mode::Passthrough {
            return if s.session.is_some() { Ok(None) } else { Err(Refusal::NoClient) };
        }
        let held = s.held.len() as u64 + s.reserved.0;
        if held >= limits.max_backlog {
            return Err(Refusal::Backlog { held, limit: limits.max_backlog });
        }
        if s.held_bytes + s.reserved.1 + size > limits.max_backlog_bytes {
            return Err(Refusal::BacklogBytes { limit: limits.max_backlog_bytes });
        }
        s.reserved.0 += 1;
        s.reserved.1 += size;
        drop(s);
        Ok(Some(Reservation { channel: self.clone(), size }))
    }

    /// Holds a committed delivery until its client acknowledges it, and sends it
    /// when one is connected.
    pub fn hold(&self, reservation: Reservation, seq: u64, delivery: Arc<Delivery>) {
        let size = reservation.size;
        drop(reservation);
        let mut s = self.lock();
        let cached = (s.cached_bytes + size <= CACHE_BYTES).then_some(delivery);
        if cached.is_some() {
            s.cached_bytes += size;
        }
        s.held.insert(seq, Entry { size, cached, sent: false });
        s.unsent.insert(seq);
        s.held_bytes += size;
        drop(s);
        self.wake.notify_one();
    }

    /// Hands a passthrough delivery to the connected client; the receiver gets its answer.
    pub fn pass(&self, mut delivery: Delivery) -> Result<(u64, oneshot::Receiver<Answer>), Refusal> {
        let mut s = self.lock();
        if s.session.is_none() {
            return Err(Refusal::NoClient);
        }
        let seq = PASSTHROUGH | s.next_passthrough;
        s.next_passthrough += 1;
        delivery.seq = seq;
        delivery.wants_answer = true;
        let (tx, rx) = oneshot::channel();
        s.waiting.insert(seq, (None, tx));
        s.passthrough.push_back(delivery);
        drop(s);
        self.wake.notify_one();
        Ok((seq, rx))
    }

    /// Gives up waiting for passthrough delivery `seq` (its provider was answered 504).
    pub fn forget(&self, seq: u64) {
        let mut s = self.lock();
        s.waiting.remove(&seq);
        s.passthrough.retain(|d| d.seq != seq);
    }

    /// Makes a new connection the channel's client; the one before it is closed.
    pub fn attach(&self, token_hash: TokenHash, mode: Mode, remote: &str, defaults: &Defaults) -> Attached {
        let mut s = self.lock();
        let id = s.next_session;
        s.next_session += 1;
        let (kick, kicked) = oneshot::channel();
        let before = s.session.replace(Session { id, token_hash: Some(token_hash), kick });
        s.stored.client_mode = Some(mode);
        s.limits = limits(&s.stored, defaults);
        // Everything not yet acknowledged goes to the new connection, in order.
        let all: Vec<u64> = s.held.keys().copied().collect();
        s.unsent.extend(all);
        // What the connection before had been sent cannot be answered now; what it had not goes to this one.
        if let Some(before) = &before {
            s.waiting.retain(|_, (owner, _)| *owner != Some(before.id));
        }
        let attached = Attached { id, kicked, backlog: s.held.len() as u64, mode: s.limits.mode };
        drop(s);
        if let Some(before) = before {
            let message = format!("a newer client connected to channel {} from {remote}", self.name);
            let _ = before.kick.send(Closing { code: CloseCode::TakenOver, message });
        }
        self.wake.notify_one();
        attached
    }

    /// Ends connection `id`: providers waiting for its answers hear that it went away.
    pub fn detach(&self, id: u64) {
        let mut s = self.lock();
        s.waiting.retain(|_, (owner, _)| *owner != Some(id));
        if s.session.as_ref().is_some_and(|session| session.id == id) {
            s.session = None;
            s.passthrough.clear();
            s.waiting.clear();
        }
    }

    /// Whether a client is connected.
    pub fn connected(&self) -> bool {
        self.lock().session.is_some()
    }

    /// How many deliveries the channel holds.
    pub fn backlog(&self) -> u64 {
        self.lock().held.len() as u64
    }

    /// Up to `room` deliveries for connection `id` to send next: passthrough ones
    /// first (a provider is waiting), then held ones in order.
    pub fn take(&self, id: u64, room: usize) -> Vec<Outgoing> {
        let mut s = self.lock();
        if s.session.as_ref().is_none_or(|session| session.id != id) {
            return Vec::new();
        }
        let mut out = Vec::new();
        while out.len() < room {
            if let Some(d) = s.passthrough.pop_front() {
                if let Some((owner, _)) = s.waiting.get_mut(&d.seq) {
                    *owner = Some(id);
                }
                out.push(Outgoing::Ready(d));
                continue;
            }
            let Some(seq) = s.unsent.pop_first() else { break };
            let Some(entry) = s.held.get_mut(&seq) else { continue };
            let redelivered = entry.sent;
            entry.sent = true;
            out.push(match &entry.cached {
                Some(d) => Outgoing::Ready(Delivery { seq, redelivered, ..Delivery::clone(d) }),
                None => Outgoing::Load(seq, redelivered),
            });
        }
        out
    }

    /// Takes acknowledgements: passthrough answers go to their providers, and held
    /// deliveries are let go. Returns the held ones, for the file to forget.
    pub fn ack(&self, acks: Vec<Ack>) -> Vec<u64> {
        let mut s = self.lock();
        let mut forget = Vec::new();
        for ack in acks {
            if ack.seq & PASSTHROUGH != 0 {
                if let (Some((_, waiter)), Some(answer)) = (s.waiting.remove(&ack.seq), ack.answer) {
                    let _ = waiter.send(answer);
                }
            } else if let Some(entry) = s.held.remove(&ack.seq) {
                s.unsent.remove(&ack.seq);
                s.held_bytes -= entry.size;
                if entry.cached.is_some() {
                    s.cached_bytes -= entry.size;
                }
                forget.push(ack.seq);
            }
        }
        forget
    }
}

#[cfg(test)]
#[path = "channel_tests.rs"]
mod tests;
