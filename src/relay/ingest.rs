//! One received request: verify with the route's profile, store it (committed
//! before any 2xx), then answer according to the route's ack mode.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http::{HeaderMap, Response, StatusCode};
use http_body_util::Full;

use crate::provider::{Provider, SignatureState, VerifyInput};
use crate::store::{NewDelivery, Source, State};

use super::attempt::{Job, Meta};
use super::console::Received;
use super::routes::{Route, Target, suffix};
use super::{AckMode, App};
use crate::exchange::{Failure, Recorded};

/// What verification found out about a request.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Provider name.
    pub provider: Option<String>,
    /// Profile name.
    pub profile: Option<String>,
    /// Event type.
    pub event: Option<String>,
    /// The provider's delivery id.
    pub delivery_id: Option<String>,
    /// Signature result.
    pub signature: Option<SignatureState>,
    /// Why it failed.
    pub reason: Option<String>,
    /// The most likely cause of the failure, in one clause (`hooktap verify --delivery` explains it in full).
    pub diagnosis: Option<String>,
}

/// A request read in full, however it arrived: over the relay's own HTTP port,
/// or through the tunnel. [`ingest`] takes it the same way whatever carried it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// What carried it: `listen` or `tunnel`.
    pub source: Source,
    /// Method.
    pub method: http::Method,
    /// Path, as sent.
    pub path: String,
    /// Query string without `?`.
    pub query: Option<String>,
    /// Every header in order, repeats kept; the host it was sent to as `host`.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Bytes,
    /// Who sent it, as far as the carrier knows.
    pub remote: Option<String>,
    /// The tunnel server's id for it, when the tunnel carried it (a copy sent again is found by it).
    pub tunnel_id: Option<String>,
}

impl Incoming {
    /// A request hyper read: its parts and its body.
    pub fn from_parts(
        source: Source,
        parts: http::request::Parts,
        body: Bytes,
        remote: Option<SocketAddr>,
    ) -> Incoming {
        Incoming {
            source,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_owned),
            headers: with_authority(parts.headers, &parts.uri),
            method: parts.method,
            body,
            remote: remote.map(|a| a.to_string()),
            tunnel_id: None,
        }
    }
}

/// What [`ingest_stored`] did with a request.
#[derive(Debug)]
pub struct Ingested {
    /// The answer for whoever sent it.
    pub response: Response<Full<Bytes>>,
    /// The stored delivery's id; `None` when it could not be stored (the answer is a 503).
    pub stored: Option<String>,
}

/// Stores the request and answers it.
pub async fn ingest(app: &App, incoming: Incoming) -> Response<Full<Bytes>> {
    ingest_stored(app, incoming).await.response
}

/// [`ingest`], also saying whether the delivery was stored: the tunnel acknowledges
/// only what is committed.
pub async fn ingest_stored(app: &App, incoming: Incoming) -> Ingested {
    let Incoming { source, method, path, query, headers, body, remote, tunnel_id } = incoming;
    let route = app.routes.find(&path).cloned();
    let checked = match &route {
        Some(r) => verify(r, &headers, &body, &path),
        None => detect(&headers, &body),
    };
    let signature = checked.signature.unwrap_or(SignatureState::Unchecked);
    let refused = matches!(signature, SignatureState::Invalid | SignatureState::Missing) && !app.forward_invalid;
    let wanted = route.as_ref().is_some_and(|r| r.wants(checked.event.as_deref()));
    let filtered = !refused && !wanted && route.as_ref().is_some_and(|r| r.target.is_some());
    let target =
        route.as_ref().filter(|_| !refused && wanted).and_then(|r| r.target.as_ref()).map(|t| t.as_str().to_string());
    // A pending delivery is shown once its forward is tried; at a paused target that
    // can be much later, so it is shown now as well.
    let waits = target.as_deref().is_some_and(|t| app.forwarder.is_paused(t));
    let state = match (&route, refused, &target) {
        (_, true, _) => State::Rejected,
        (_, false, Some(_)) => State::Pending,
        _ => State::Recorded,
    };
    let mut d = NewDelivery::request(source, method.as_str(), &path, headers, body);
    d.query = query;
    d.remote_addr = remote;
    d.tunnel_id = tunnel_id;
    d.route = route.as_ref().map(|r| r.path.clone());
    d.provider = checked.provider.clone();
    d.profile = checked.profile;
    d.event = checked.event.clone();
    d.provider_delivery_id = checked.delivery_id.clone();
    d.signature = signature;
    d.signature_reason = checked.reason.clone();
    d.state = state;
    d.target = target.clone();
    d.next_attempt_at = target.as_ref().map(|_| d.received_at);
    let job = target.map(|target| Job {
        meta: Arc::new(Meta {
            id: d.id.clone(),
            target,
            exact: route.as_ref().and_then(|r| r.target.as_ref()).is_some_and(Target::is_exact),
            route: route.as_ref().map_or_else(|| "/".into(), |r| r.path.clone()),
            provider: checked.provider.clone(),
            event: checked.event.clone(),
        }),
        payload: Some(Arc::new(Recorded {
            method: method.clone(),
            path: path.clone(),
            query: d.query.clone(),
            headers: d.headers.clone(),
            body: d.body.clone(),
            signature,
            provider_delivery_id: checked.delivery_id.clone(),
        })),
        attempts: 0,
    });
    let id = d.id.clone();
    let inserted = match app.writer.insert(d).await {
        Ok(i) => i,
        Err(e) => {
            app.stats.storage_error();
            app.console.storage_error(method.as_str(), &path, &e.to_string());
            let response =
                text(StatusCode::SERVICE_UNAVAILABLE, "hooktap could not store this delivery; retry later\n");
            return Ingested { response, stored: None };
        }
    };
    app.stats.received(state == State::Rejected);
    let received = |shown: State, answered: StatusCode| Received {
        id: &id,
        method: method.as_str(),
        path: &path,
        provider: checked.provider.as_deref(),
        event: checked.event.as_deref(),
        signature,
        reason: checked.reason.as_deref(),
        diagnosis: checked.diagnosis.as_deref(),
        state: shown.as_str(),
        answered: answered.as_u16(),
        duplicate_of: inserted.duplicate_of.as_deref(),
        filtered,
        // A pending delivery's forward lines show it; one at a paused target may wait long
        // for its first, and a duplicate's line says what it repeats, so those show now too.
        forwards_show_it: state == State::Pending && inserted.duplicate_of.is_none() && !waits,
    };
    // The state the console shows: a passthrough has already forwarded when its line is printed.
    let mut shown = state;
    let mut printed = false;
    let response = match (state, job, &route) {
        (State::Rejected, _, _) => {
            let reason = checked.reason.as_deref().unwrap_or("signature check failed");
            let next = next_step(checked.diagnosis.as_deref(), &id);
            text(StatusCode::UNAUTHORIZED, &format!("signature check failed: {reason}{next}\n"))
        }
        (State::Pending, Some(job), Some(r)) if r.ack == AckMode::Passthrough => tokio::select! {
            (result, now) = app.forwarder.passthrough(job, r.passthrough_timeout) => {
                shown = now;
                passthrough(result, r.passthrough_timeout)
            }
            // The row stays pending and is forwarded after the next start; the sender retries meanwhile.
            () = app.forwarder.stop_grace_over() => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "hooktap is stopping; the delivery is stored and is forwarded when it starts again\n",
            ),
        },
        (State::Pending, Some(job), _) => {
            // Printed before it is queued, so its `received` record comes before its `forward` ones.
            app.console.received(&received(shown, StatusCode::OK));
            printed = true;
            app.forwarder.enqueue(job).await;
            empty(StatusCode::OK)
        }
        _ if route.is_none() => text(StatusCode::NOT_FOUND, &format!("no hooktap route matches {path}\n")),
        _ => empty(StatusCode::OK),
    };
    let mut response = response;
    if let Ok(value) = http::HeaderValue::from_str(&id) {
        // Lets whoever sent it find the stored delivery (`hooktap replay ID`).
        response.headers_mut().insert(super::attempt::DELIVERY_HEADER, value);
    }
    if !printed {
        app.console.received(&received(shown, response.status()));
    }
    Ingested { response, stored: Some(id) }
}

/// What a failed signature most likely means and where the whole explanation is:
/// `; the timestamp is stale; hooktap verify --delivery ID explains`. Shared by the
/// 401 answer and the console line, so the sender and the person watching read the same.
pub fn next_step(diagnosis: Option<&str>, id: &str) -> String {
    match diagnosis {
        Some(d) => format!("; {d}; `hooktap verify --delivery {id}` explains"),
        None => String::new(),
    }
}

/// An HTTP/2 request names its host in the `:authority` pseudo-header, which is not
/// among the headers; it is recorded as the `host` header it stands for, first, where
/// HTTP/1.1 carries it, so every delivery's record names the host it was sent to.
fn with_authority(headers: HeaderMap, uri: &http::Uri) -> HeaderMap {
    let Some(value) = uri.authority().and_then(|a| http::HeaderValue::from_str(a.as_str()).ok()) else {
        return headers;
    };
    if headers.contains_key(http::header::HOST) {
        return headers;
    }
    let mut with = HeaderMap::with_capacity(headers.len() + 1);
    with.insert(http::header::HOST, value);
    with.extend(headers);
    with
}

/// Checks the signature (and the expected Authorization value) with the route's signer,
/// and finds the event type and the provider's delivery id.
pub fn verify(route: &Route, headers: &HeaderMap, body: &[u8], path: &str) -> Checked {
    let Some(signer) = &route.signer else {
        let mut checked = detect(headers, body);
        checked.event = route.event.clone().or(checked.event);
        return checked;
    };
    let provider = &signer.provider;
    let (signature, reason, diagnosis) = match &signer.secret {
        None => (SignatureState::Unchecked, None, None),
        Some(secret) => {
            let input =
                VerifyInput { headers, body, secret, now: crate::util::unix_now(), tolerance: signer.tolerance };
            // A profile's expected Authorization (Nexus Bearer/Basic) is checked like the signature.
            let outcome = provider.verify(&input).and_then(|verified| match &signer.auth {
                Some(expected) => crate::provider::check_authorization(headers, expected).map(|()| verified),
                None => Ok(verified),
            });
            match outcome {
                Ok(_) => (SignatureState::Valid, None, None),
                // Tried only on a failure, so a valid delivery costs nothing more; the causes
                // are the ones `hooktap verify` tests, so the console and verify agree.
                Err(e) => (
                    e.signature_state(&provider.info().signature_header),
                    Some(e.to_string()),
                    Some(crate::provider::explain::diagnosis(provider.as_ref(), &input, &e)),
                ),
            }
        }
    };
    // A provider that names no event in the request (Nexudus) is given one URL per
    // event, so the path's last segment names it; for the others, a request without
    // its event header or field has no event.
    let from_path = || {
        let rest = suffix(&route.path, path);
        let named_in_request = !matches!(provider.info().event, crate::provider::Field::Absent);
        rest.rsplit('/').find(|s| !s.is_empty() && !named_in_request).map(str::to_owned)
    };
    Checked {
        provider: Some(provider.info().name.clone()),
        profile: signer.profile.clone(),
        event: route.event.clone().or_else(|| provider.event_type(headers, body)).or_else(from_path),
        delivery_id: provider.delivery_id(headers, body),
        signature: Some(signature),
        reason,
        diagnosis,
    }
}

/// Without a profile: names the provider whose signature header is present, unchecked.
pub fn detect(headers: &HeaderMap, body: &[u8]) -> Checked {
    static BUILTINS: OnceLock<Vec<Arc<dyn Provider>>> = OnceLock::new();
    let builtins = BUILTINS.get_or_init(crate::provider::builtins);
    match builtins.iter().find(|p| headers.contains_key(p.info().signature_header.as_str())) {
        Some(p) => Checked {
            provider: Some(p.info().name.clone()),
            event: p.event_type(headers, body),
            delivery_id: p.delivery_id(headers, body),
            ..Checked::default()
        },
        None => Checked::default(),
    }
}

/// The app's answer, or why there is none; `bound` is the route's whole wait (a
/// timeout names it, not the part left after waiting for a connection slot).
fn passthrough(result: Result<crate::exchange::Answer, Failure>, bound: std::time::Duration) -> Response<Full<Bytes>> {
    match result {
        // The status is the app's and goes back as it is (a 502 would have the provider send
        // again what the app has handled); a cut body would be corrupt, so it says so instead.
        Ok(answer) if answer.cut() => text(
            answer.status,
            &format!(
                "hooktap: the local app's answer ({} bytes) is longer than hooktap passes on ({} bytes); \
                 raise --max-body\n",
                answer.size,
                answer.body.len()
            ),
        ),
        Ok(answer) => {
            let mut resp = Response::new(Full::new(answer.body));
            *resp.status_mut() = answer.status;
            for (name, value) in &answer.headers {
                let n = name.as_str();
                if matches!(n, "connection" | "keep-alive" | "transfer-encoding" | "content-length" | "upgrade" | "te")
                {
                    continue;
                }
                resp.headers_mut().append(name.clone(), value.clone());
            }
            resp
        }
        Err(Failure::Timeout(_)) => text(
            StatusCode::GATEWAY_TIMEOUT,
            &format!(
                "the local app did not answer within {} ms; the delivery is stored, and the sender's retry is \
                 the next attempt\n",
                bound.as_millis()
            ),
        ),
        Err(e) => text(
            StatusCode::BAD_GATEWAY,
            &format!(
                "the local app could not be reached ({e}); the delivery is stored, and the sender's retry is the \
                 next attempt\n"
            ),
        ),
    }
}

/// An empty answer.
pub fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = status;
    resp
}

/// A short plain-text answer.
pub fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}
