//! The tunnel's wire format: one frame per binary WebSocket message, a kind byte
//! then length-prefixed fields (integers big-endian, strings and bytes as a `u32`
//! length and the raw bytes), so bodies and header values travel byte for byte.
//!
//! Two frames keep their layout in every version, so that ends of different
//! versions can tell each other so: [`Hello`] starts with its kind and the `u16`
//! version, and [`Closing`] is a kind, a `u16` code and a message. See `docs/tunnel.md`.

use bytes::{BufMut, Bytes, BytesMut};

use super::wire::{Reader, put_bytes, put_mode, put_option};
pub use super::wire::{decode_headers, put_headers};

/// The protocol version this build speaks.
pub const VERSION: u16 = 1;

const HELLO: u8 = 1;
const WELCOME: u8 = 2;
const DELIVERY: u8 = 3;
const ACKS: u8 = 4;
const CLOSING: u8 = 5;

const REDELIVERED: u8 = 1;
const WANTS_ANSWER: u8 = 2;

/// When the provider hears back about a channel's deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `serve` answers once the delivery is committed on its side.
    Immediate,
    /// `serve` waits for the client's local answer and passes it back.
    Passthrough,
}

/// A frame of either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// Client → server, first: who speaks which version.
    Hello(Hello),
    /// Server → client, answer to the hello.
    Welcome(Welcome),
    /// Server → client: one delivery.
    Delivery(Delivery),
    /// Client → server: deliveries committed (and answered).
    Acks(Vec<Ack>),
    /// Either way: the sender closes the tunnel, and why.
    Closing(Closing),
}

/// The client's opening frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hello {
    /// Protocol version.
    pub version: u16,
    /// How the client wants the provider answered.
    pub mode: Mode,
    /// The client's software, e.g. `hooktap 0.1.0`.
    pub agent: String,
}

/// The server's answer to a [`Hello`] it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Welcome {
    /// Protocol version.
    pub version: u16,
    /// Names the server's buffer: with a delivery's `seq` it makes an id no other delivery has.
    pub origin: String,
    /// The channel.
    pub channel: String,
    /// How the server answers this channel's providers.
    pub mode: Mode,
    /// Deliveries waiting for this client.
    pub backlog: u64,
}

/// One delivery as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The server's number for it, acknowledged by the client.
    pub seq: u64,
    /// Sent before, perhaps to an earlier connection: the client may have it already.
    pub redelivered: bool,
    /// The provider waits for the local answer (passthrough); nothing is buffered.
    pub wants_answer: bool,
    /// When the server received it, unix ms.
    pub received_at: i64,
    /// Method.
    pub method: String,
    /// Path after the channel's prefix, starting with `/`.
    pub path: String,
    /// Query without `?`.
    pub query: Option<String>,
    /// Every header in order, repeats kept, raw bytes.
    pub headers: Vec<(Bytes, Bytes)>,
    /// Who sent it to the server.
    pub remote: Option<String>,
    /// The body.
    pub body: Bytes,
}

/// The client committed delivery `seq` (and, when asked, how the local side answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// The delivery.
    pub seq: u64,
    /// The local answer, for a delivery that wants one.
    pub answer: Option<Answer>,
}

/// An HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Vec<(Bytes, Bytes)>,
    /// Body.
    pub body: Bytes,
}

/// Why a side closes the tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseCode {
    /// The two ends speak different protocol versions.
    Version,
    /// A newer client connected to the channel.
    TakenOver,
    /// The channel's token was revoked or replaced.
    Revoked,
    /// The server is stopping; reconnect later.
    Stopping,
    /// The peer sent something this end cannot read.
    Protocol,
    /// The client could not store a delivery; it reconnects to be sent it again.
    Storage,
    /// A code this build does not know.
    Other(u16),
}

impl CloseCode {
    fn to_wire(self) -> u16 {
        match self {
            CloseCode::Version => 1,
            CloseCode::TakenOver => 2,
            CloseCode::Revoked => 3,
            CloseCode::Stopping => 4,
            CloseCode::Protocol => 5,
            CloseCode::Storage => 6,
            CloseCode::Other(n) => n,
        }
    }

    fn from_wire(n: u16) -> CloseCode {
        match n {
            1 => CloseCode::Version,
            2 => CloseCode::TakenOver,
            3 => CloseCode::Revoked,
            4 => CloseCode::Stopping,
            5 => CloseCode::Protocol,
            6 => CloseCode::Storage,
            n => CloseCode::Other(n),
        }
    }
}

/// A closing frame's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// Why.
    pub code: CloseCode,
    /// For the person at the other end.
    pub message: String,
}

/// A message that is not a well-formed frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// It ended inside a field.
    #[error("frame ends inside its {0}")]
    Truncated(&'static str),
    /// Its kind byte names no frame.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// A text field is not UTF-8.
    #[error("frame field {0} is not UTF-8")]
    NotUtf8(&'static str),
    /// A field holds a value no frame has.
    #[error("frame field {0} is out of range")]
    OutOfRange(&'static str),
    /// Bytes follow the last field.
    #[error("{0} bytes follow the frame's last field")]
    Trailing(usize),
}

impl Frame {
    /// The frame as one message.
    pub fn encode(&self) -> Bytes {
        let mut out = BytesMut::with_capacity(self.size_hint());
        match self {
            Frame::Hello(h) => {
                out.put_u8(HELLO);
                out.put_u16(h.version);
                put_mode(&mut out, h.mode);
                put_bytes(&mut out, h.agent.as_bytes());
            }
            Frame::Welcome(w) => {
                out.put_u8(WELCOME);
                out.put_u16(w.version);
                put_bytes(&mut out, w.origin.as_bytes());
                put_bytes(&mut out, w.channel.as_bytes());
                put_mode(&mut out, w.mode);
                out.put_u64(w.backlog);
            }
            Frame::Delivery(d) => {
                out.put_u8(DELIVERY);
                out.put_u64(d.seq);
                let flags = if d.redelivered { REDELIVERED } else { 0 } | if d.wants_answer { WANTS_ANSWER } else { 0 };
                out.put_u8(flags);
                out.put_i64(d.received_at);
                put_bytes(&mut out, d.method.as_bytes());
                put_bytes(&mut out, d.path.as_bytes());
                put_option(&mut out, d.query.as_deref());
                put_headers(&mut out, &d.headers);
                put_option(&mut out, d.remote.as_deref());
                put_bytes(&mut out, &d.body);
            }
            Frame::Acks(acks) => {
                out.put_u8(ACKS);
                out.put_u32(acks.len() as u32);
                for ack in acks {
                    out.put_u64(ack.seq);
                    match &ack.answer {
                        None => out.put_u8(0),
                        Some(a) => {
                            out.put_u8(1);
                            out.put_u16(a.status);
                            put_headers(&mut out, &a.headers);
                            put_bytes(&mut out, &a.body);
                        }
                    }
                }
            }
            Frame::Closing(c) => {
                out.put_u8(CLOSING);
                out.put_u16(c.code.to_wire());
                put_bytes(&mut out, c.message.as_bytes());
            }
        }
        out.freeze()
    }

    fn size_hint(&self) -> usize {
        let headers = |h: &[(Bytes, Bytes)]| h.iter().map(|(n, v)| n.len() + v.len() + 8).sum::<usize>();
        match self {
            Frame::Delivery(d) => {
                64 + d.path.len() + d.query.as_ref().map_or(0, String::len) + headers(&d.headers) + d.body.len()
            }
            Frame::Acks(acks) => {
                8 + acks
                    .iter()
                    .map(|a| 16 + a.answer.as_ref().map_or(0, |a| 8 + headers(&a.headers) + a.body.len()))
                    .sum::<usize>()
            }
            _ => 64,
        }
    }

    /// Reads one message; any malformed input is an error, never a panic. Bodies and
    /// header values are slices of `message`, not copies.
    pub fn decode(message: Bytes) -> Result<Frame, FrameError> {
        let mut r = Reader::new(message);
        let frame = match r.u8("kind")? {
            HELLO => Frame::Hello(Hello { version: r.u16("version")?, mode: r.mode()?, agent: r.string("agent")? }),
            WELCOME => Frame::Welcome(Welcome {
                version: r.u16("version")?,
                origin: r.string("origin")?,
                channel: r.string("channel")?,
                mode: r.mode()?,
                backlog: r.u64("backlog")?,
            }),
            DELIVERY => {
                let seq = r.u64("seq")?;
                let flags = r.u8("flags")?;
                if flags & !(REDELIVERED | WANTS_ANSWER) != 0 {
                    return Err(FrameError::OutOfRange("flags"));
                }
                Frame::Delivery(Delivery {
                    seq,
                    redelivered: flags & REDELIVERED != 0,
                    wants_answer: flags & WANTS_ANSWER != 0,
                    received_at: r.i64("received_at")?,
                    method: r.string("method")?,
                    path: r.string("path")?,
                    query: r.option("query")?,
                    headers: r.headers()?,
                    remote: r.option("remote")?,
                    body: r.bytes("body")?,
                })
            }
            ACKS => {
                let n = r.u32("ack count")?;
                // Each ack takes at least 9 bytes: a count beyond that is a lie, not an allocation.
                if n as usize > r.remaining() / 9 {
                    return Err(FrameError::Truncated("acks"));
                }
                let mut acks = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    let seq = r.u64("ack seq")?;
                    let answer = match r.u8("ack answer flag")? {
                        0 => None,
                        1 => Some(Answer {
                            status: r.u16("status")?,
                            headers: r.headers()?,
                            body: r.bytes("answer body")?,
                        }),
                        _ => return Err(FrameError::OutOfRange("ack answer flag")),
                    };
                    acks.push(Ack { seq, answer });
                }
                Frame::Acks(acks)
            }
            CLOSING => Frame::Closing(Closing {
                code: CloseCode::from_wire(r.u16("close code")?),
                message: r.string("close message")?,
            }),
            kind => return Err(FrameError::UnknownKind(kind)),
        };
        match r.remaining() {
            0 => Ok(frame),
            n => Err(FrameError::Trailing(n)),
        }
    }
}

/// The version a hello frame announces, read without the rest of the frame (whose
/// layout may differ in another version); `None` when `message` is not a hello.
pub fn hello_version(message: &[u8]) -> Option<u16> {
    match message {
        [HELLO, hi, lo, ..] => Some(u16::from_be_bytes([*hi, *lo])),
        _ => None,
    }
}

#[cfg(test)]
#[path = "protocol_tests.rs"]
mod tests;
