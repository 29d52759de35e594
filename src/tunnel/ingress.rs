//! A provider's request to `/c/<channel>/<rest>`: read within the channel's body
//! limit, counted against its rate and backlog, then committed and held for the
//! client (immediate), or handed to the client and its answer returned (passthrough).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;

use super::channel::Refusal;
use super::protocol::{Answer, Delivery};
use super::server::{Hub, text};
use crate::net::body::{BodyError, read_limited};

/// The channel a path names and the rest of the path (`/` at least), for
/// `/c/<channel>` and `/c/<channel>/<rest>`.
pub fn channel_of(path: &str) -> Option<(&str, String)> {
    let after = path.strip_prefix(super::INGRESS_PREFIX)?;
    let (name, rest) = match after.find('/') {
        Some(i) => (&after[..i], &after[i..]),
        None => (after, "/"),
    };
    (!name.is_empty()).then(|| (name, rest.to_owned()))
}

/// Answers a provider's request.
pub async fn receive(
    hub: &Hub,
    req: Request<hyper::body::Incoming>,
    remote: Option<SocketAddr>,
) -> (Response<Full<Bytes>>, Option<hyper::body::Incoming>) {
    let Some((name, rest)) = channel_of(req.uri().path()).map(|(n, rest)| (n.to_owned(), rest)) else {
        return (text(StatusCode::NOT_FOUND, "not found\n"), None);
    };
    let name = name.as_str();
    let Some(channel) = hub.channel(name) else {
        return (text(StatusCode::NOT_FOUND, &format!("no channel {name} on this server\n")), None);
    };
    let limits = channel.limits();
    let declared = req
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let too_large = || {
        let why = format!("the body is larger than channel {name}'s limit of {} bytes\n", limits.max_body);
        text(StatusCode::PAYLOAD_TOO_LARGE, &why)
    };
    let (parts, mut body) = req.into_parts();
    if declared.is_some_and(|n| n > limits.max_body) {
        return (too_large(), Some(body));
    }
    let limit = usize::try_from(limits.max_body).unwrap_or(usize::MAX);
    let read = tokio::time::timeout(hub.body_timeout, read_limited(&mut body, limit));
    let bytes = match read.await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(BodyError::TooLarge)) => return (too_large(), Some(body)),
        Ok(Err(BodyError::Read(e))) => {
            return (text(StatusCode::BAD_REQUEST, &format!("could not read the body: {e}\n")), Some(body));
        }
        Err(_) => {
            let why = format!("the body did not arrive within {} s\n", hub.body_timeout.as_secs_f64());
            return (text(StatusCode::REQUEST_TIMEOUT, &why), Some(body));
        }
    };
    let delivery = Delivery {
        seq: 0,
        redelivered: false,
        wants_answer: false,
        received_at: crate::util::unix_ms_now(),
        method: parts.method.to_string(),
        path: rest,
        query: parts.uri.query().map(str::to_owned),
        headers: headers_of(&parts),
        remote: remote.map(|a| a.to_string()),
        body: bytes,
    };
    let size = delivery.body.len() as u64
        + delivery.path.len() as u64
        + delivery.headers.iter().map(|(n, v)| (n.len() + v.len()) as u64).sum::<u64>();
    let answer = match channel.admit(size) {
        Err(refusal) => refused(name, &refusal),
        Ok(None) => pass(hub, &channel, delivery).await,
        Ok(Some(reservation)) => {
            let delivery = Arc::new(delivery);
            match hub.committer.insert(name, delivery.clone()).await {
                Ok(seq) => {
                    channel.hold(reservation, seq, delivery);
                    hub.received.fetch_add(1, Ordering::Relaxed);
                    let mut resp = Response::new(Full::new(Bytes::new()));
                    if let Ok(v) = http::HeaderValue::from_str(&format!("{}:{seq}", hub.origin)) {
                        resp.headers_mut().insert(super::DELIVERY_HEADER, v);
                    }
                    resp
                }
                Err(e) => {
                    tracing::error!("channel {name}: {e}; answered 503");
                    text(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the tunnel server could not store this delivery; retry later\n",
                    )
                }
            }
        }
    };
    (answer, None)
}

/// Every header in order, raw; an HTTP/2 request's `:authority` as `host`, first.
fn headers_of(parts: &http::request::Parts) -> Vec<(Bytes, Bytes)> {
    let mut out = Vec::with_capacity(parts.headers.len() + 1);
    if !parts.headers.contains_key(http::header::HOST)
        && let Some(authority) = parts.uri.authority()
    {
        out.push((Bytes::from_static(b"host"), Bytes::copy_from_slice(authority.as_str().as_bytes())));
    }
    for (name, value) in &parts.headers {
        out.push((Bytes::copy_from_slice(name.as_str().as_bytes()), Bytes::copy_from_slice(value.as_bytes())));
    }
    out
}

fn refused(name: &str, refusal: &Refusal) -> Response<Full<Bytes>> {
    let (status, retry, why) = match refusal {
        Refusal::Rate(rate) => (
            StatusCode::TOO_MANY_REQUESTS,
            "1",
            format!("channel {name} takes at most {rate} deliveries a second; retry later"),
        ),
        Refusal::Backlog { held, limit } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "60",
            format!("channel {name} holds {held} deliveries for its client, its limit ({limit}); retry later"),
        ),
        Refusal::BacklogBytes { limit } => (
            StatusCode::SERVICE_UNAVAILABLE,
            "60",
            format!("channel {name} holds {limit} bytes for its client, its limit; retry later"),
        ),
        Refusal::NoClient => (
            StatusCode::SERVICE_UNAVAILABLE,
            "10",
            format!("channel {name} passes its client's answer back, and no client is connected; retry later"),
        ),
    };
    tracing::info!(channel = name, status = status.as_u16(), "refused: {why}");
    let mut resp = text(status, &format!("{why}\n"));
    resp.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_static(retry));
    resp
}

/// Hands the delivery to the client and waits for its local answer.
async fn pass(hub: &Hub, channel: &super::channel::Channel, delivery: Delivery) -> Response<Full<Bytes>> {
    let (seq, answer) = match channel.pass(delivery) {
        Ok(pair) => pair,
        Err(refusal) => return refused(&channel.name, &refusal),
    };
    hub.received.fetch_add(1, Ordering::Relaxed);
    let waited = tokio::select! {
        waited = tokio::time::timeout(hub.passthrough_timeout, answer) => waited,
        () = hub.shutdown.wait() => {
            channel.forget(seq);
            return text(StatusCode::SERVICE_UNAVAILABLE, "the tunnel server is stopping; retry later\n");
        }
    };
    match waited {
        Ok(Ok(answer)) => passed_back(answer),
        Ok(Err(_)) => text(
            StatusCode::BAD_GATEWAY,
            "the tunnel's client went away before answering; the delivery may have reached it, retry later\n",
        ),
        Err(_) => {
            channel.forget(seq);
            let ms = hub.passthrough_timeout.as_millis();
            text(StatusCode::GATEWAY_TIMEOUT, &format!("the tunnel's client did not answer within {ms} ms\n"))
        }
    }
}

/// The client's local answer as the provider's.
fn passed_back(answer: Answer) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(answer.body));
    *resp.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (name, value) in answer.headers {
        let (Ok(name), Ok(value)) = (http::HeaderName::from_bytes(&name), http::HeaderValue::from_maybe_shared(value))
        else {
            continue;
        };
        if matches!(
            name.as_str(),
            "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "upgrade" | "te" | "trailer"
        ) {
            continue;
        }
        resp.headers_mut().append(name, value);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_channel_and_the_rest_of_the_path_come_from_the_ingress_path() {
        assert_eq!(channel_of("/c/dev/webhooks/gh"), Some(("dev", "/webhooks/gh".to_owned())));
        assert_eq!(channel_of("/c/dev/"), Some(("dev", "/".to_owned())));
        assert_eq!(channel_of("/c/dev"), Some(("dev", "/".to_owned())));
        assert_eq!(channel_of("/c/"), None);
        assert_eq!(channel_of("/d/dev"), None);
    }
}
