//! `r` in the viewer: the selected delivery's recorded bytes sent again to its
//! route's target, and the replay recorded as a delivery of its own (source
//! `replay`, `replay_of` the original) with its attempt, as `hooktap replay` records.
//!
//! This is the viewer's small interim replay; when the `replay` command's engine
//! lands, `r` should call it instead (it adds `--resign` and edits).

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request};
use http_body_util::Full;

use crate::store::{NewAttempt, NewDelivery, SentDelivery, Source, State, Store};

/// How long a replay waits for the target.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Replays delivery `id` of the database at `db`; the message for the status line, and whether it failed.
pub async fn replay(db: &Path, id: &str) -> (String, bool) {
    match run(db, id).await {
        Ok((text, ok)) => (text, !ok),
        Err(e) => (format!("replay of {id} failed: {}", crate::error::render(&e)), true),
    }
}

async fn run(db: &Path, id: &str) -> anyhow::Result<(String, bool)> {
    let (path, wanted) = (db.to_path_buf(), id.to_owned());
    let original = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let store = Store::open(&path)?;
        Ok(store.get(&wanted)?)
    })
    .await??;
    let target = original.target.clone().ok_or_else(|| anyhow::anyhow!("it has no route target to replay to"))?;
    let url = crate::relay::routes::forward_url(
        &target,
        original.route.as_deref().unwrap_or("/"),
        &original.path,
        original.query.as_deref(),
    );
    let mut headers = original.headers.clone();
    for name in ["host", "content-length", "connection", "transfer-encoding", "keep-alive"] {
        headers.remove(name);
    }
    let mut request = Request::new(Full::new(original.body.clone()));
    *request.method_mut() = original.method.parse()?;
    *request.uri_mut() = url.parse()?;
    *request.headers_mut() = headers.clone();
    let client = crate::net::client(1);
    let started_at = crate::util::unix_ms_now();
    let start = Instant::now();
    let answer = tokio::time::timeout(TIMEOUT, async {
        let response = client.request(request).await.map_err(|e| crate::net::chain(&e))?;
        let (parts, body) = response.into_parts();
        let (kept, size) = crate::net::read_capped(body, crate::store::RESPONSE_BODY_CAP)
            .await
            .map_err(|(e, _)| crate::net::chain(&e))?;
        Ok::<_, String>((parts.status, parts.headers, kept, size))
    })
    .await
    .unwrap_or_else(|_| Err(format!("no answer within {} s", TIMEOUT.as_secs())));
    let took = start.elapsed();
    let mut copy =
        NewDelivery::request(Source::Replay, &original.method, &original.path, headers, original.body.clone());
    copy.query = original.query.clone();
    copy.provider = original.provider.clone();
    copy.profile = original.profile.clone();
    copy.route = original.route.clone();
    copy.event = original.event.clone();
    copy.provider_delivery_id = original.provider_delivery_id.clone();
    copy.signature = original.signature;
    copy.signature_reason = original.signature_reason.clone();
    copy.target = Some(target);
    copy.replay_of = Some(original.id.clone());
    let new_id = copy.id.clone();
    let (status, response_headers, body, size, error): (_, Option<HeaderMap>, Option<Bytes>, usize, _) = match &answer {
        Ok((status, h, kept, size)) => (Some(status.as_u16()), Some(h.clone()), Some(kept.clone()), *size, None),
        Err(e) => (None, None, None, 0, Some(e.clone())),
    };
    let ok = status.is_some_and(|s| (200..300).contains(&s));
    let attempt = NewAttempt {
        delivery_id: new_id.clone(),
        kind: "replay",
        target: url.clone(),
        started_at,
        duration_us: took.as_micros() as i64,
        status,
        response_headers,
        response_body: body,
        response_size: size,
        error,
    };
    let sent = SentDelivery { delivery: copy, attempt, state: if ok { State::Forwarded } else { State::Failed } };
    let path = db.to_path_buf();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        Store::open(&path)?.insert_sent(&[sent])?;
        Ok(())
    })
    .await??;
    let ms = took.as_secs_f64() * 1000.0;
    let text = match answer {
        Ok((status, ..)) => format!("replayed {id} → {url}: {status} in {ms:.1} ms; recorded as {new_id}"),
        Err(e) => format!("replayed {id} → {url}: {e} after {ms:.1} ms; recorded as {new_id}"),
    };
    Ok((text, ok))
}
