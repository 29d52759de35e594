//! One delivery's replay request: where it goes, its body (as recorded, edited by
//! `--set`, or replaced by `--edit`), its signature (kept byte for byte, or fresh)
//! and the `-H` headers; or why it cannot be replayed ([`Skip`]).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, HOST};
use http::{HeaderMap, HeaderValue, Method, Request, Uri};
use http_body_util::Full;

use super::Signing;
use crate::exchange::{Exchange, Origin, Recorded, Resign, rebuild};
use crate::provider::SignatureState;
use crate::send::edit::{Edit, apply_all};
use crate::send::input::Target;
use crate::store::{Delivery, NewDelivery, SentDelivery, State};

/// Why a delivery is not replayed, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The reason, completing "cannot replay ID: ".
    pub reason: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Skip {
    /// A reason and a hint (an empty hint is none).
    pub fn new(reason: impl Into<String>, hint: impl Into<String>) -> Skip {
        let hint = hint.into();
        Skip { reason: reason.into(), hint: (!hint.is_empty()).then_some(hint) }
    }

    /// An error's one-line message and hint, as the top level would show them.
    pub fn from_error(err: &anyhow::Error) -> Skip {
        let classified = crate::error::classify(err);
        Skip { reason: classified.message.unwrap_or_else(|| err.to_string()), hint: classified.hint }
    }

    /// The same with `what` said first.
    pub fn context(mut self, what: &str) -> Skip {
        self.reason = format!("{what}: {}", self.reason);
        self
    }
}

/// What becomes of each delivery's body.
#[derive(Debug, Clone)]
pub enum BodyChange {
    /// Sent as recorded.
    Keep,
    /// `--set` edits of a JSON or form body.
    Edits(Vec<Edit>),
    /// `--edit`: what the editor saved (one delivery only).
    Replace(Bytes),
}

/// How every selected delivery is replayed.
#[derive(Debug)]
pub struct Plan {
    /// `--to`; `None` sends each delivery where it went before.
    pub to: Option<Target>,
    /// A fresh timestamp and signature (`--resign`, implied by edits).
    pub resign: bool,
    /// The body.
    pub body: BodyChange,
    /// `-H`: each name given replaces the request's headers of that name, a fresh
    /// signature's included.
    pub headers: HeaderMap,
    /// Who re-signs.
    pub signing: Arc<Signing>,
    /// The configured catch-all routes, to replay a delivery where the relay sent it.
    pub routes: super::target::Routes,
}

/// One replay request, built once (a fresh signature must not change if the request
/// goes again on a new connection), and what its record needs.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The full URL.
    pub url: String,
    /// Method.
    pub method: Method,
    /// The URL, parsed.
    pub uri: Uri,
    /// The headers hooktap sends (hyper adds `Host` and the body's length).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// What the record says of the signature: the original's check when sent as
    /// recorded, `valid` when re-signed, `unchecked` when edited or `-H` replaced it.
    pub signature: SignatureState,
    /// The provider delivery id the request carries.
    pub provider_delivery_id: Option<String>,
    /// The profile that signed it.
    pub profile: Option<String>,
    /// The provider's documented timeout, the default for this replay.
    pub timeout: Option<Duration>,
    /// Whether it was re-signed.
    pub resigned: bool,
}

impl Plan {
    /// The replay request for `d`; `id` is the new delivery's, which the request names
    /// in `X-Hooktap-Delivery`.
    pub fn prepare(&self, d: &Delivery, id: &str) -> Result<Ready, Skip> {
        let url = super::target::url_for(d, self.to.as_ref(), &self.routes)?;
        let mut recorded = Recorded::from_delivery(d)
            .ok_or_else(|| Skip::new(format!("its method {:?} is not an HTTP method", d.method), ""))?;
        let own_provider = d.provider.as_deref().and_then(|p| crate::provider::lookup(p).ok());
        let edited = match &self.body {
            BodyChange::Keep => false,
            BodyChange::Edits(edits) => {
                let content_type = recorded.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
                let content_type = content_type
                    .or(own_provider.as_ref().map(|p| p.info().content_type.as_str()))
                    .unwrap_or("application/json");
                let body = apply_all(&recorded.body, content_type, edits)
                    .map_err(|e| Skip::new(e.to_string(), "--set edits JSON and form bodies; --edit edits any"))?;
                recorded.body = body.into();
                true
            }
            BodyChange::Replace(body) => {
                recorded.body = body.clone();
                true
            }
        };
        let signer =
            if self.resign { Some(self.signing.signer_for(d).map_err(|s| s.context("re-signing"))?) } else { None };
        if edited && signer.is_none() {
            // The app is told the truth: this body was never checked against the signature it carries.
            recorded.signature = SignatureState::Unchecked;
        }
        let origin = Origin { id, provider: d.provider.as_deref(), event: d.event.as_deref() };
        let resign = signer.as_deref().map_or(Resign::Keep, Resign::Fresh);
        let request = rebuild(&url, origin, &recorded, resign).map_err(|e| Skip::new(e, ""))?;
        let (parts, _) = request.into_parts();
        let mut headers = parts.headers;
        if let Some(basic) = self.to.as_ref().and_then(|t| t.basic.as_ref()) {
            let mut value = HeaderValue::from_str(basic.expose())
                .map_err(|_| Skip::new("the --to URL's credentials are not a header value", ""))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for name in self.headers.keys() {
            headers.remove(name);
            for value in self.headers.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        let provider = signer.as_ref().map(|s| s.provider.clone()).or(own_provider);
        let signature_replaced =
            provider.as_ref().is_some_and(|p| self.headers.contains_key(p.info().signature_header.as_str()));
        let signature = match (&signer, edited) {
            _ if signature_replaced => SignatureState::Unchecked,
            (Some(_), _) => SignatureState::Valid,
            (None, true) => SignatureState::Unchecked,
            (None, false) => d.signature,
        };
        let provider_delivery_id = match (&signer, &provider) {
            (Some(_), Some(p)) => p.delivery_id(&headers, &recorded.body),
            _ => d.provider_delivery_id.clone(),
        };
        Ok(Ready {
            url,
            method: parts.method,
            uri: parts.uri,
            headers,
            body: recorded.body,
            signature,
            provider_delivery_id,
            profile: signer.as_ref().map_or_else(|| d.profile.clone(), |s| s.profile.clone()),
            timeout: provider.map(|p| p.info().timeout),
            resigned: signer.is_some(),
        })
    }
}

impl Ready {
    /// The request, made again for each send of it.
    pub fn request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }

    /// The record of this replay of `original` as `row` (made when its id was) and its attempt.
    pub fn record(self, original: &Delivery, mut row: NewDelivery, exchange: &Exchange) -> SentDelivery {
        let mut headers = self.headers;
        // Recorded as they went on the wire: hyper adds these two after ours.
        if !headers.contains_key(HOST)
            && let Some(host) = self.uri.authority().and_then(|a| HeaderValue::from_str(a.as_str()).ok())
        {
            headers.insert(HOST, host);
        }
        if !self.body.is_empty() && !headers.contains_key(CONTENT_LENGTH) {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
        }
        row.method = self.method.to_string();
        row.path = self.uri.path().to_owned();
        row.query = self.uri.query().map(str::to_owned);
        row.headers = headers;
        row.body = self.body;
        row.provider = original.provider.clone();
        row.profile = self.profile;
        row.event = original.event.clone();
        row.provider_delivery_id = self.provider_delivery_id;
        row.signature = self.signature;
        row.target = Some(self.url);
        row.replay_of = Some(original.id.clone());
        let state = if exchange.is_ok() { State::Forwarded } else { State::Failed };
        row.state = state;
        let attempt = exchange.record(crate::exchange::AttemptKind::Replay, row.id.clone());
        SentDelivery { delivery: row, attempt, state }
    }
}
