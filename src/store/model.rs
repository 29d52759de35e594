//! The rows the store keeps, as Rust values.

use bytes::Bytes;
use http::HeaderMap;

use crate::provider::SignatureState;

/// Where a delivery came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Received by `listen`.
    Listen,
    /// Received through the tunnel.
    Tunnel,
    /// Fired by `send`.
    Send,
    /// Re-delivered by `replay`.
    Replay,
}

impl Source {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Listen => "listen",
            Source::Tunnel => "tunnel",
            Source::Send => "send",
            Source::Replay => "replay",
        }
    }

    /// Every source.
    pub const ALL: [Source; 4] = [Source::Listen, Source::Tunnel, Source::Send, Source::Replay];

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|src| src.as_str() == s)
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a stored spelling back as its type; an unknown one (a newer hooktap's) is an error.
fn from_stored<T>(
    value: rusqlite::types::ValueRef<'_>,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::types::FromSqlResult<T> {
    let text = value.as_str()?;
    parse(text).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown stored value {text:?}").into()))
}

impl rusqlite::types::FromSql for Source {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        from_stored(value, Source::parse)
    }
}

impl rusqlite::types::FromSql for State {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        from_stored(value, State::parse)
    }
}

impl rusqlite::types::FromSql for SignatureState {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        from_stored(value, SignatureState::parse)
    }
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Stored; nothing to forward it to.
    Recorded,
    /// Waiting to be forwarded (or retried).
    Pending,
    /// The target answered 2xx.
    Forwarded,
    /// The target answered with a final failure (4xx) or a send failed.
    Failed,
    /// Retries ran out.
    Dead,
    /// Signature invalid or missing; not forwarded.
    Rejected,
}

impl State {
    /// Every state, in life order.
    pub const ALL: [State; 6] =
        [State::Recorded, State::Pending, State::Forwarded, State::Failed, State::Dead, State::Rejected];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Recorded => "recorded",
            State::Pending => "pending",
            State::Forwarded => "forwarded",
            State::Failed => "failed",
            State::Dead => "dead",
            State::Rejected => "rejected",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// A delivery about to be stored.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// Time-sortable id; [`new_id`] makes one.
    pub id: String,
    /// When it arrived (or was sent), unix milliseconds.
    pub received_at: i64,
    /// What carried it in, or made it.
    pub source: Source,
    /// The request's method, as sent.
    pub method: String,
    /// The request's path, as sent.
    pub path: String,
    /// Query string without `?`.
    pub query: Option<String>,
    /// Every header in order, repeats kept.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Bytes,
    /// The sender's address as the carrier saw it.
    pub remote_addr: Option<String>,
    /// The provider whose scheme checked it, when one did.
    pub provider: Option<String>,
    /// The configured profile that checked it.
    pub profile: Option<String>,
    /// Route path prefix that matched.
    pub route: Option<String>,
    /// Its event type, when known.
    pub event: Option<String>,
    /// The provider's own id for the delivery.
    pub provider_delivery_id: Option<String>,
    /// What the signature check found.
    pub signature: SignatureState,
    /// Why the signature failed.
    pub signature_reason: Option<String>,
    /// The state it starts in.
    pub state: State,
    /// The URL it is to be forwarded to.
    pub target: Option<String>,
    /// When to first try forwarding (unix ms), for pending deliveries.
    pub next_attempt_at: Option<i64>,
    /// The delivery this one replays.
    pub replay_of: Option<String>,
    /// The tunnel server's id for it, when the tunnel carried it.
    pub tunnel_id: Option<String>,
}

impl NewDelivery {
    /// A delivery with only the request parts set; the rest defaulted (unchecked, recorded).
    pub fn request(source: Source, method: &str, path: &str, headers: HeaderMap, body: Bytes) -> Self {
        let (id, received_at) = new_id_now();
        NewDelivery {
            id,
            received_at,
            source,
            method: method.to_string(),
            path: path.to_string(),
            query: None,
            headers,
            body,
            remote_addr: None,
            provider: None,
            profile: None,
            route: None,
            event: None,
            provider_delivery_id: None,
            signature: SignatureState::Unchecked,
            signature_reason: None,
            state: State::Recorded,
            target: None,
            next_attempt_at: None,
            replay_of: None,
            tunnel_id: None,
        }
    }
}

/// What storing a delivery found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    /// The earliest delivery with the same provider delivery id, if any.
    pub duplicate_of: Option<String>,
}

/// A stored delivery, as read back: the request byte for byte, what hooktap made
/// of it, and where its forwarding stands. Lists read [`super::Summary`] instead.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Delivery {
    /// Insertion order; increases with every stored delivery, so a follower asks for higher ones.
    pub seq: i64,
    /// hooktap's id, a ULID: it sorts by time, and a unique prefix finds it.
    pub id: String,
    /// When it arrived (or was sent), unix milliseconds.
    pub received_at: i64,
    /// What carried it in, or made it.
    pub source: Source,
    /// The request's method, as sent.
    pub method: String,
    /// The request's path, as sent (not decoded).
    pub path: String,
    /// The query string without `?`, as sent.
    pub query: Option<String>,
    /// Every request header in order, repeats kept; values are bytes.
    #[serde(skip)]
    pub headers: HeaderMap,
    /// The request body, byte for byte.
    #[serde(skip)]
    pub body: Bytes,
    /// The body's length in bytes.
    pub body_size: i64,
    /// The sender's address as the carrier saw it (`ip:port`).
    pub remote_addr: Option<String>,
    /// The provider whose scheme checked it, or whose signature header it carried.
    pub provider: Option<String>,
    /// The configured profile that checked it.
    pub profile: Option<String>,
    /// The path prefix of the route it arrived on.
    pub route: Option<String>,
    /// Its event type, from a header, the envelope, the route or the path.
    pub event: Option<String>,
    /// The provider's own id for the delivery, which repeats when the provider retries.
    pub provider_delivery_id: Option<String>,
    /// What the signature check found.
    pub signature: SignatureState,
    /// Why the check failed, in `verify`'s words.
    pub signature_reason: Option<String>,
    /// The earliest received delivery with the same provider delivery id.
    pub duplicate_of: Option<String>,
    /// Where it is in its life.
    pub state: State,
    /// The URL it is (or was) forwarded to.
    pub target: Option<String>,
    /// Attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (unix ms), while pending.
    pub next_attempt_at: Option<i64>,
    /// The last attempt's response status, when it got an answer.
    pub last_status: Option<i64>,
    /// How long the last attempt took, in microseconds.
    pub last_duration_us: Option<i64>,
    /// Why the last attempt got no answer.
    pub last_error: Option<String>,
    /// The delivery this one re-delivers (`replay`).
    pub replay_of: Option<String>,
}

/// A forward, replay or send attempt about to be stored.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// The delivery it was an attempt at.
    pub delivery_id: String,
    /// `forward`, `replay` or `send`.
    pub kind: &'static str,
    /// The full URL the request went to.
    pub target: String,
    /// When it started, unix milliseconds.
    pub started_at: i64,
    /// From sending to the last answer byte (or the failure), in microseconds.
    pub duration_us: i64,
    /// The answer's status, when one came.
    pub status: Option<u16>,
    /// The answer's headers, in order.
    pub response_headers: Option<HeaderMap>,
    /// Response body (capped by the store).
    pub response_body: Option<Bytes>,
    /// The response body's full size, which may be more than `response_body` holds
    /// when the client already cut it.
    pub response_size: usize,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// A delivery `send` made, with the one attempt that made it and the state it
/// ends in; stored together so that a load test costs one write per request.
#[derive(Debug, Clone)]
pub struct SentDelivery {
    /// The request as sent.
    pub delivery: NewDelivery,
    /// The answer (or error); its `delivery_id` is `delivery.id`.
    pub attempt: NewAttempt,
    /// `forwarded` on a 2xx, else `failed`.
    pub state: State,
}

/// A stored attempt: one try at delivering, and the answer or why there was none.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Attempt {
    /// Row id; increases with every attempt.
    pub id: i64,
    /// The delivery it was an attempt at.
    pub delivery_id: String,
    /// `forward`, `replay` or `send`.
    pub kind: String,
    /// The full URL the request went to.
    pub target: String,
    /// When it started, unix milliseconds.
    pub started_at: i64,
    /// From sending to the last answer byte (or the failure), in microseconds.
    pub duration_us: Option<i64>,
    /// The answer's status, when one came.
    pub status: Option<i64>,
    /// The answer's headers, in order.
    #[serde(skip)]
    pub response_headers: HeaderMap,
    /// The answer's body, cut at [`super::RESPONSE_BODY_CAP`].
    #[serde(skip)]
    pub response_body: Bytes,
    /// The answer body's full size, before the cut.
    pub response_size: Option<i64>,
    /// Why no answer came.
    pub error: Option<String>,
}

/// A new time-sortable delivery id (a ULID), increasing within this process.
pub fn new_id() -> String {
    new_id_now().0
}

/// A new id and the time (unix ms) it was made for. The id's time part is never
/// earlier than that time, so `id >= id_floor(t)` holds for every delivery received
/// at or after `t`: time ranges can use the id's index.
fn new_id_now() -> (String, i64) {
    static GENERATOR: std::sync::Mutex<ulid::Generator> = std::sync::Mutex::new(ulid::Generator::new());
    let now = std::time::SystemTime::now();
    let ms = now.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    let mut generator = GENERATOR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Overflow needs 2^80 ids in one millisecond; fall back to a random one if it happens.
    let id = generator.generate_from_datetime(now).unwrap_or_else(|_| ulid::Ulid::from_datetime(now));
    (id.to_string(), ms)
}

/// The smallest id a delivery received at `unix_ms` or later can have.
pub fn id_floor(unix_ms: i64) -> String {
    ulid::Ulid::from_parts(u64::try_from(unix_ms).unwrap_or(0), 0).to_string()
}

/// Encodes headers as `name: value\n` lines; values are bytes, so nothing is lost.
pub fn encode_headers(headers: &HeaderMap) -> Vec<u8> {
    let mut out = Vec::with_capacity(headers.len() * 32);
    for (name, value) in headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Decodes what [`encode_headers`] wrote; lines that are not valid headers are skipped.
pub fn decode_headers(bytes: &[u8]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for line in bytes.split(|b| *b == b'\n') {
        let Some(colon) = line.windows(2).position(|w| w == b": ") else { continue };
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(&line[..colon]), http::HeaderValue::from_bytes(&line[colon + 2..]))
        {
            map.append(name, value);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_with_repeats_and_non_utf8_values() {
        let mut h = HeaderMap::new();
        h.append("x-a", "1".parse().unwrap());
        h.append("x-a", "2: with colon".parse().unwrap());
        h.append("x-bin", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let back = decode_headers(&encode_headers(&h));
        assert_eq!(back, h);
    }
}
