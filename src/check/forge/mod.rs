//! The deliveries the checks send: valid ones, and each kind of broken one a
//! receiver must refuse, all built from one catalog event with the provider's
//! own signing code.
//!
//! This file holds the forge and the valid deliveries (and their redeliveries);
//! the deliberately different ones are in `variants`, the JSON editing in `json`.

mod json;
#[cfg(test)]
mod tests;
mod variants;

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{Payload, Setup};
use crate::provider::{Field, Provider};
use crate::secret::Secret;
use crate::send::request::fresh_id;
use crate::send::{BodySource, BuildError, Prepared, RequestPlan};

pub use json::is_json;
use json::{set_field, with_id};
pub use variants::PrettySet;

/// The size of the `oversized-body` delivery: 10 MiB, twice `listen`'s default
/// limit and far past any provider's payloads.
pub const OVERSIZED_BYTES: usize = 10 * 1024 * 1024;

/// How far past the provider's tolerance the `stale-timestamp` delivery was signed.
pub const STALE_BY_SECS: i64 = 3600;

/// Builds every delivery a run sends.
#[derive(Debug, Clone)]
pub struct Forge {
    provider: Arc<dyn Provider>,
    secret: Secret,
    payload: Payload,
    auth: Option<Secret>,
    headers: HeaderMap,
    /// A profile's tolerance, used instead of the provider's.
    tolerance: Option<u64>,
    /// Whether the payload's content type is JSON (so it can be re-serialised).
    json: bool,
}

/// One body and the id it carries, to sign and send (perhaps more than once).
#[derive(Debug, Clone)]
pub struct Body {
    /// The provider delivery id the body (and its headers) carry.
    pub id: String,
    /// The bytes.
    pub bytes: Bytes,
}

impl Forge {
    /// A forge for `setup`, checked by building one delivery: a broken fixture or a
    /// secret the scheme cannot use is an error before anything is sent.
    pub fn new(setup: &Setup) -> Result<Forge, BuildError> {
        // A user's fixture labelled JSON that does not parse is sent as it is, like any other body.
        let mut forge = Forge {
            provider: setup.provider.clone(),
            secret: setup.secret.clone(),
            payload: setup.payload.clone(),
            auth: setup.auth.clone(),
            headers: setup.headers.clone(),
            tolerance: setup.tolerance,
            json: false,
        };
        forge.json = is_json(forge.payload.content_type())
            && serde_json::from_slice::<serde::de::IgnoredAny>(&forge.render("id")?).is_ok();
        forge.valid()?;
        Ok(forge)
    }

    /// The payload's bytes carrying delivery id `id`: a catalog event rendered with it, or
    /// the user's body with it in the provider's envelope field (when the body has that
    /// field), so that every delivery is a new one, as the provider's are.
    fn render(&self, id: &str) -> Result<Bytes, BuildError> {
        match &self.payload {
            Payload::Event(spec) => Ok(Bytes::from(spec.render(id)?)),
            Payload::Data { bytes, .. } => Ok(with_id(bytes, &self.provider.info().delivery_id, id)),
        }
    }

    /// The event the payload is, where the provider names it in a header.
    fn event(&self) -> Option<String> {
        match &self.payload {
            Payload::Event(spec) => Some(spec.name.clone()),
            Payload::Data { event, .. } => event.clone(),
        }
    }

    /// The `-H` headers that replace one the scheme sets on every delivery (the signature,
    /// its timestamp or id, the event, the content type, the profile's Authorization),
    /// each with what it replaces. `User-Agent` is nobody's concern.
    pub fn overrides(&self) -> Vec<(String, &'static str)> {
        let bare = Forge { headers: HeaderMap::new(), ..self.clone() };
        let Ok(own) = bare.valid() else { return Vec::new() };
        let signature = self.provider.info().signature_header.as_str();
        self.headers
            .keys()
            .filter(|name| own.headers.contains_key(*name) && **name != http::header::USER_AGENT)
            .map(|name| {
                let what = match name.as_str() {
                    n if n.eq_ignore_ascii_case(signature) => "the signature",
                    "content-type" => "the content type",
                    "authorization" => "the Authorization",
                    _ => "a header the scheme sets",
                };
                (name.as_str().to_owned(), what)
            })
            .collect()
    }

    /// A fresh body: the event rendered with a new id, made compact when it is JSON.
    ///
    /// Providers sign the bytes they send, and most send compact JSON; sending compact
    /// bytes everywhere but in `reserialized` means a receiver that re-serialises is
    /// reported once, by that check, instead of by every check at once.
    pub fn body(&self) -> Result<Body, BuildError> {
        let id = fresh_id(&self.provider.info().name);
        let rendered = self.render(&id)?;
        let bytes = match self.json_value(&rendered) {
            Some(value) => serde_json::to_vec(&value).map_or(rendered, Bytes::from),
            None => rendered,
        };
        Ok(Body { id, bytes })
    }

    /// `body` signed with `secret` at `timestamp`, carrying its id where the provider sends one in a header.
    pub fn sign(&self, body: &Body, timestamp: i64, secret: &Secret) -> Result<Prepared, BuildError> {
        let mut extra = self.headers.clone();
        if let Field::Header(name) = &self.provider.info().delivery_id
            && let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&body.id))
            && !extra.contains_key(&name)
        {
            // Given like a `-H`, the id is the one signed over and sent (Standard Webhooks signs it).
            extra.insert(name, value);
        }
        let plan = RequestPlan {
            provider: self.provider.clone(),
            secret: secret.clone(),
            event: self.event(),
            body: BodySource::Fixed(body.bytes.clone()),
            edits: Vec::new(),
            content_type: self.payload.content_type().to_owned(),
            auth: self.auth.clone(),
            extra,
        };
        plan.build_at(timestamp)
    }

    /// A fresh, correctly signed delivery.
    pub fn valid(&self) -> Result<Prepared, BuildError> {
        self.sign(&self.body()?, crate::util::unix_now(), &self.secret)
    }

    /// Attempt `n` (0 is the first) of `body`'s delivery as the provider sends it:
    /// signed at `timestamp`, with the provider's retry marks from the first retry on
    /// (the envelope's counter set to `n`, the retry's number and `reason`, why the
    /// previous attempt failed, in headers). A `-H` of the same name wins.
    pub fn redelivery(&self, body: &Body, n: usize, timestamp: i64, reason: &str) -> Result<Prepared, BuildError> {
        let marks = &self.provider.info().retry.marks;
        let counted = match &marks.count_field {
            Some(path) if self.json => {
                Body { id: body.id.clone(), bytes: set_field(&body.bytes, path, serde_json::Value::from(n)) }
            }
            _ => body.clone(),
        };
        let mut prepared = self.sign(&counted, timestamp, &self.secret)?;
        if n > 0 {
            let marked = [(&marks.count_header, n.to_string()), (&marks.reason_header, reason.to_owned())];
            for (header, value) in marked {
                if let Some(name) = header.as_deref().and_then(|h| HeaderName::from_bytes(h.as_bytes()).ok())
                    && let Ok(value) = HeaderValue::from_str(&value)
                    && !self.headers.contains_key(&name)
                {
                    prepared.headers.insert(name, value);
                }
            }
        }
        Ok(prepared)
    }
    /// The tolerance a receiver should hold timestamps to: the profile's, else the
    /// provider's; `None` for schemes that sign no timestamp.
    pub fn tolerance(&self) -> Option<u64> {
        self.provider.info().tolerance.map(|t| self.tolerance.unwrap_or(t))
    }
    /// This forge with deliveries made from `payload` instead.
    pub fn with_payload(&self, payload: Payload) -> Forge {
        let json = is_json(payload.content_type());
        Forge { payload, json, ..self.clone() }
    }
    /// Whether the payload is JSON.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The provider's content type, as the deliveries carry it.
    pub fn content_type(&self) -> &str {
        self.payload.content_type()
    }

    fn json_value(&self, bytes: &[u8]) -> Option<serde_json::Value> {
        if self.json { serde_json::from_slice(bytes).ok() } else { None }
    }
}
