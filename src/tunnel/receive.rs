//! One delivery the tunnel brought: recognised if it was stored before (sent
//! again after a lost acknowledgement), else taken through the relay's one ingest
//! path like a local request; acknowledged once committed, with the local answer
//! when the provider waits for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use http_body_util::BodyExt;

use super::protocol::{Ack, Answer, Delivery};
use crate::relay::App;
use crate::relay::console::TunnelEvent;
use crate::relay::ingest::{Incoming, ingest_stored};
use crate::store::{Reader, Source};

/// What a delivery's handling sends back to its connection: an acknowledgement, or
/// why the delivery could not be stored (the connection is then closed, so that the
/// server sends it again).
pub type Outcome = Result<Ack, String>;

/// Deliveries being stored now, by tunnel id: a copy sent again meanwhile waits for
/// the first to be committed, then finds it.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>);

/// Holds a tunnel id as being stored; see [`InFlight`].
struct Entered {
    map: InFlight,
    id: String,
    lock: Arc<tokio::sync::Mutex<()>>,
    _guard: tokio::sync::OwnedMutexGuard<()>,
}

impl InFlight {
    async fn enter(&self, id: &str) -> Entered {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(id.to_owned()).or_default().clone()
        };
        let guard = lock.clone().lock_owned().await;
        Entered { map: self.clone(), id: id.to_owned(), lock, _guard: guard }
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let mut map = self.map.0.lock().unwrap_or_else(|p| p.into_inner());
        // The map's handle and ours: nobody else waits for this id.
        if Arc::strong_count(&self.lock) <= 2 {
            map.remove(&self.id);
        }
    }
}

/// What handling a delivery needs.
#[derive(Debug, Clone)]
pub struct Receiver {
    /// The relay.
    pub app: Arc<App>,
    /// Reads the relay's database, to recognise deliveries stored before.
    pub reader: Reader,
    /// Deliveries being stored.
    pub in_flight: InFlight,
}

impl Receiver {
    /// Stores (or recognises) `d` and says how to acknowledge it; `origin` names the server's buffer.
    pub async fn receive(&self, origin: &str, d: Delivery) -> Outcome {
        let seq = d.seq;
        // A passthrough delivery is never sent again (its provider retries instead), and
        // its number is the server's for this run only.
        let tunnel_id = (!d.wants_answer).then(|| format!("{origin}:{seq}"));
        let _entered = match &tunnel_id {
            Some(id) => Some(self.in_flight.enter(id).await),
            None => None,
        };
        if let (Some(id), true) = (&tunnel_id, d.redelivered) {
            let lookup = id.clone();
            match self.reader.with(move |store| Ok(store.tunnel_delivery(&lookup)?)).await {
                Ok(Some(stored_as)) => {
                    self.app.console.tunnel(&TunnelEvent::Duplicate { tunnel_id: id, stored_as: &stored_as });
                    return Ok(Ack { seq, answer: None });
                }
                Ok(None) => {}
                Err(e) => return Err(format!("could not look the delivery up: {e:#}")),
            }
        }
        let wants_answer = d.wants_answer;
        let incoming = Incoming {
            source: Source::Tunnel,
            method: http::Method::from_bytes(d.method.as_bytes()).map_err(|_| format!("bad method {:?}", d.method))?,
            path: d.path,
            query: d.query,
            headers: header_map(d.headers),
            body: d.body,
            remote: d.remote,
            tunnel_id,
        };
        let ingested = ingest_stored(&self.app, incoming).await;
        match (ingested.stored, wants_answer) {
            (_, true) => Ok(Ack { seq, answer: Some(answer_of(ingested.response).await) }),
            (Some(_), false) => Ok(Ack { seq, answer: None }),
            (None, false) => Err("the relay could not store a delivery".into()),
        }
    }
}

/// The wire's headers as a map, in order; a name or value HTTP cannot carry (none
/// that a server read can be) is left out.
fn header_map(headers: Vec<(Bytes, Bytes)>) -> HeaderMap {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        match (HeaderName::from_bytes(&name), HeaderValue::from_maybe_shared(value)) {
            (Ok(name), Ok(value)) => {
                map.append(name, value);
            }
            _ => tracing::warn!("a tunnel delivery carried a header HTTP cannot carry; it was left out"),
        }
    }
    map
}

async fn answer_of(response: http::Response<http_body_util::Full<Bytes>>) -> Answer {
    let (parts, body) = response.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(never) => match never {},
    };
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| (Bytes::copy_from_slice(n.as_str().as_bytes()), Bytes::copy_from_slice(v.as_bytes())))
        .collect();
    Answer { status: parts.status.as_u16(), headers, body }
}
