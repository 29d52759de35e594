//! The selection as one HAR 1.2 document (`tail --format har`, and the viewer's
//! export): each delivery is an entry whose request is what the sender sent and
//! whose response is its last forward's answer. Written a page at a time, so a
//! large selection is never held in memory.

use std::io::Write;

use http::HeaderMap;
use serde_json::{Value, json};

use super::record::rfc3339;
use crate::store::{Attempt, Delivery, Filter, Page, Store};

/// Deliveries read per page while writing.
const PAGE: usize = 200;

/// Writes every delivery `filter` selects, oldest first, as one HAR document; returns how many.
/// `keep_going` is asked between pages, so a long export can be stopped.
pub fn write(
    store: &Store,
    filter: &Filter,
    out: &mut dyn Write,
    keep_going: &mut dyn FnMut() -> bool,
) -> anyhow::Result<usize> {
    let creator = json!({ "name": "hooktap", "version": env!("CARGO_PKG_VERSION") });
    write!(out, "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":[")?;
    let mut after = 0;
    let mut written = 0;
    loop {
        let page = store.deliveries(filter, &Page::after(after, PAGE))?;
        for d in &page {
            let attempts = store.attempts(&d.id)?;
            out.write_all(if written == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &entry(d, &attempts))?;
            written += 1;
        }
        match page.last() {
            Some(last) if page.len() == PAGE && keep_going() => after = last.seq,
            _ => break,
        }
    }
    out.write_all(b"\n]}}\n")?;
    out.flush()?;
    Ok(written)
}

/// One delivery as a HAR entry.
pub fn entry(d: &Delivery, attempts: &[Attempt]) -> Value {
    let last = attempts.last();
    let wait = last.and_then(|a| a.duration_us).map_or(0.0, |us| us as f64 / 1000.0);
    json!({
        "startedDateTime": rfc3339(d.received_at),
        "time": wait,
        "request": request(d),
        "response": last.map_or_else(no_response, response),
        "cache": {},
        "timings": { "send": 0, "wait": wait, "receive": 0 },
        "comment": format!("hooktap delivery {}", d.id),
        "_hooktap": {
            "id": d.id,
            "source": d.source.as_str(),
            "provider": d.provider,
            "event": d.event,
            "signature": d.signature.as_str(),
            "signature_reason": d.signature_reason,
            "state": d.state.as_str(),
            "replay_of": d.replay_of,
            "attempts": attempts.iter().map(attempt).collect::<Vec<_>>(),
        },
    })
}

/// The URL the sender used, as far as the recording knows it: its `Host`, the path and query.
pub fn request_url(d: &Delivery) -> String {
    let host = d.headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    match &d.query {
        Some(q) => format!("http://{host}{}?{q}", d.path),
        None => format!("http://{host}{}", d.path),
    }
}

fn request(d: &Delivery) -> Value {
    let mime = content_type(&d.headers).unwrap_or("application/octet-stream");
    let mut post = match std::str::from_utf8(&d.body) {
        Ok(text) => json!({ "mimeType": mime, "text": text, "params": [] }),
        // HAR has no way to say a request body is binary; base64 with `encoding`
        // is how its content objects say it, and what readers of HAR expect.
        Err(_) => json!({ "mimeType": mime, "text": base64(&d.body), "encoding": "base64", "params": [] }),
    };
    if d.body.is_empty() {
        post = Value::Null;
    }
    let mut request = json!({
        "method": d.method,
        "url": request_url(d),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": headers(&d.headers),
        "queryString": query_string(d.query.as_deref().unwrap_or("")),
        "headersSize": -1,
        "bodySize": d.body.len(),
    });
    if !post.is_null() {
        request["postData"] = post;
    }
    request
}

fn response(a: &Attempt) -> Value {
    let status = a.status.unwrap_or(0);
    let reason = u16::try_from(status)
        .ok()
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mime = content_type(&a.response_headers).unwrap_or("x-unknown");
    let mut content = json!({ "size": a.response_size.unwrap_or(a.response_body.len() as i64), "mimeType": mime });
    if !a.response_body.is_empty() {
        match std::str::from_utf8(&a.response_body) {
            Ok(text) => content["text"] = text.into(),
            Err(_) => {
                content["text"] = base64(&a.response_body).into();
                content["encoding"] = "base64".into();
            }
        }
    }
    let location = a.response_headers.get(http::header::LOCATION).and_then(|h| h.to_str().ok()).unwrap_or("");
    let mut out = json!({
        "status": status,
        "statusText": reason,
        "httpVersion": if a.status.is_some() { "HTTP/1.1" } else { "" },
        "cookies": [],
        "headers": headers(&a.response_headers),
        "content": content,
        "redirectURL": location,
        "headersSize": -1,
        "bodySize": a.response_size.unwrap_or(-1),
    });
    if let Some(error) = &a.error {
        out["_error"] = error.as_str().into();
    }
    out
}

/// A delivery nothing was forwarded for: HAR requires a response, and status 0 is
/// how HAR writers say there was none.
fn no_response() -> Value {
    json!({
        "status": 0,
        "statusText": "",
        "httpVersion": "",
        "cookies": [],
        "headers": [],
        "content": { "size": 0, "mimeType": "x-unknown" },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": -1,
        "comment": "not forwarded",
    })
}

fn attempt(a: &Attempt) -> Value {
    json!({
        "kind": a.kind,
        "target": a.target,
        "started": rfc3339(a.started_at),
        "status": a.status,
        "time": a.duration_us.map(|us| us as f64 / 1000.0),
        "error": a.error,
    })
}

fn headers(h: &HeaderMap) -> Vec<Value> {
    h.iter()
        .map(|(name, value)| json!({ "name": name.as_str(), "value": String::from_utf8_lossy(value.as_bytes()) }))
        .collect()
}

fn query_string(query: &str) -> Vec<Value> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            json!({ "name": decode(name), "value": decode(value) })
        })
        .collect()
}

/// Percent-decodes a query or form component (`+` is a space).
pub fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

fn content_type(h: &HeaderMap) -> Option<&str> {
    h.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
