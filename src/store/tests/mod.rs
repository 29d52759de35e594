//! Store tests: migrations, refusal of newer schemas, inserts, queries, the writer.
//!
//! One file a topic; this one holds the rows they build.

mod inserts;
mod open;
mod paging;
mod prune;
mod queries;
mod writer;

use bytes::Bytes;
use http::HeaderMap;

use super::*;
use crate::provider::SignatureState;

fn delivery(provider: &str, pid: Option<&str>, event: &str) -> NewDelivery {
    let mut headers = HeaderMap::new();
    headers.append("x-a", "1".parse().unwrap());
    headers.append("x-a", "2".parse().unwrap());
    let mut d = NewDelivery::request(Source::Listen, "POST", "/hook", headers, Bytes::from_static(b"\x00\xffbody"));
    d.provider = Some(provider.into());
    d.provider_delivery_id = pid.map(Into::into);
    d.event = Some(event.into());
    d.signature = SignatureState::Valid;
    d
}

/// A forward attempt for delivery `id` that got a 200.
fn answered_200(id: &str) -> NewAttempt {
    NewAttempt {
        delivery_id: id.to_string(),
        kind: "forward",
        target: "http://t".into(),
        started_at: 1,
        duration_us: 2,
        status: Some(200),
        response_headers: None,
        response_body: None,
        response_size: 0,
        error: None,
    }
}
