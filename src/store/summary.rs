//! [`Summary`]: a delivery without its headers and body, what a list of many shows.

use rusqlite::Row;

use super::{Source, State};
use crate::provider::SignatureState;

/// The columns [`from_row`] reads, in order.
pub(super) const COLUMNS: &str = "seq, id, received_at, source, method, path, query, body_size, provider, route, event,
    provider_delivery_id, signature, duplicate_of, state, target, attempts, last_status, last_duration_us, last_error,
    replay_of, signature_reason";

/// A stored delivery without its headers and body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Insertion order; increases with every stored delivery.
    pub seq: i64,
    /// The delivery id (a ULID, sortable by time).
    pub id: String,
    /// When it was received or sent, unix milliseconds.
    pub received_at: i64,
    /// Where it came from.
    pub source: Source,
    /// HTTP method.
    pub method: String,
    /// Request path.
    pub path: String,
    /// Query string without `?`.
    pub query: Option<String>,
    /// Body size in bytes.
    pub body_size: i64,
    /// Provider, when known.
    pub provider: Option<String>,
    /// Route prefix it arrived on.
    pub route: Option<String>,
    /// Event type, when known.
    pub event: Option<String>,
    /// The provider's own delivery id.
    pub provider_delivery_id: Option<String>,
    /// What the signature check found.
    pub signature: SignatureState,
    /// The earlier delivery with the same provider delivery id.
    pub duplicate_of: Option<String>,
    /// Where it is in its life.
    pub state: State,
    /// Forward target.
    pub target: Option<String>,
    /// Attempts made so far.
    pub attempts: i64,
    /// The last attempt's response status.
    pub last_status: Option<i64>,
    /// The last attempt's duration in microseconds.
    pub last_duration_us: Option<i64>,
    /// The last attempt's error, when it had no answer.
    pub last_error: Option<String>,
    /// The delivery this one replays.
    pub replay_of: Option<String>,
    /// Why the signature check failed, when it did.
    pub signature_reason: Option<String>,
}

pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Summary> {
    Ok(Summary {
        seq: r.get(0)?,
        id: r.get(1)?,
        received_at: r.get(2)?,
        source: r.get(3)?,
        method: r.get(4)?,
        path: r.get(5)?,
        query: r.get(6)?,
        body_size: r.get(7)?,
        provider: r.get(8)?,
        route: r.get(9)?,
        event: r.get(10)?,
        provider_delivery_id: r.get(11)?,
        signature: r.get(12)?,
        duplicate_of: r.get(13)?,
        state: r.get(14)?,
        target: r.get(15)?,
        attempts: r.get(16)?,
        last_status: r.get(17)?,
        last_duration_us: r.get(18)?,
        last_error: r.get(19)?,
        replay_of: r.get(20)?,
        signature_reason: r.get(21)?,
    })
}
