//! Building one signed request: the body (a fresh catalog render or the user's
//! bytes), `--set` edits, the provider's signature headers, content type,
//! profile `Authorization` and `-H` headers.

use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, Entry, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use super::edit::{self, Edit, EditError};
use crate::catalog::{EventSpec, TemplateError};
use crate::provider::{Field, Provider, SecretError, SignInput};
use crate::secret::Secret;

/// The `User-Agent` every request carries.
pub const USER_AGENT_VALUE: &str = concat!("hooktap/", env!("CARGO_PKG_VERSION"));

/// Where the body comes from.
#[derive(Debug, Clone)]
pub enum BodySource {
    /// A catalog event, rendered afresh for every request (new ids and times).
    Event(EventSpec),
    /// The user's bytes (`--data`), sent as given.
    Fixed(Bytes),
}

/// Everything needed to build requests; [`RequestPlan::build`] makes one.
#[derive(Debug, Clone)]
pub struct RequestPlan {
    /// The signing scheme.
    pub provider: Arc<dyn Provider>,
    /// The signing secret.
    pub secret: Secret,
    /// Event type, for providers that send it in a header.
    pub event: Option<String>,
    /// The body.
    pub body: BodySource,
    /// `--set` edits, applied in order.
    pub edits: Vec<Edit>,
    /// `Content-Type` of the body.
    pub content_type: String,
    /// A profile's `Authorization` value.
    pub auth: Option<Secret>,
    /// `-H` headers; each name given replaces the computed headers of that name,
    /// so a test can send a deliberately wrong signature. A replaced timestamp or
    /// id header is signed over, so a test can send an old but authentic request.
    pub extra: HeaderMap,
}

/// One request, ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Every header to send (hyper adds `Host` and `Content-Length`).
    pub headers: HeaderMap,
    /// The exact body bytes that were signed.
    pub body: Bytes,
    /// The provider delivery id the request carries: in the provider's header (a
    /// fresh one, or the one `-H` gave), or found in the body's envelope. `None` when the provider sends
    /// none (Nexudus, NexaDesk) or the body does not carry one.
    pub provider_id: Option<String>,
    /// The event the request names where the provider puts it (a `-H` included), else the one asked for.
    pub event: Option<String>,
    /// The unix time signed with.
    pub timestamp: i64,
}

/// Why a request could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The fixture's template is broken.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// A `--set` edit cannot be applied.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The secret cannot sign for this provider.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The provider produced a header hyper cannot send (a bug in the provider).
    #[error("header {0} has an invalid value")]
    Header(String),
}

impl RequestPlan {
    /// The `--set` paths the body does not have yet (see [`edit::new_paths`]); a form body has none.
    pub fn new_paths(&self) -> Result<Vec<edit::NewPath>, BuildError> {
        if self.edits.is_empty() || self.content_type().to_ascii_lowercase().contains("x-www-form-urlencoded") {
            return Ok(Vec::new());
        }
        let body = match &self.body {
            BodySource::Event(spec) => Bytes::from(spec.render(&fresh_id(&self.provider.info().name))?),
            BodySource::Fixed(bytes) => bytes.clone(),
        };
        Ok(edit::new_paths(&body, &self.edits))
    }

    /// Builds a request signed now, with a fresh delivery id.
    pub fn build(&self) -> Result<Prepared, BuildError> {
        self.build_at(crate::util::unix_now())
    }

    /// Builds a request signed at `timestamp` (unix seconds).
    ///
    /// A `-H` that replaces a header the signature covers (the timestamp or id of
    /// Standard Webhooks, Slack, Nexus, ...) is signed over, so a test can send an
    /// authentic request with an old timestamp or a repeated id.
    pub fn build_at(&self, timestamp: i64) -> Result<Prepared, BuildError> {
        let info = self.provider.info();
        // The id a header carries; a fixture repeats it in its body with `{{delivery_id}}`,
        // so an id given with -H is the one the body repeats too.
        let given_id = match &info.delivery_id {
            Field::Header(name) => self.given(name),
            _ => None,
        };
        let fresh = given_id.map_or_else(|| fresh_id(&info.name), str::to_owned);
        let rendered = match &self.body {
            BodySource::Event(spec) => Bytes::from(spec.render(&fresh)?),
            BodySource::Fixed(bytes) => bytes.clone(),
        };
        let body = if self.edits.is_empty() {
            rendered
        } else {
            Bytes::from(edit::apply_all(&rendered, self.content_type(), &self.edits)?)
        };
        // A provider whose id is in the envelope (Nudj's `id`) signs that one.
        let mut id = match &info.delivery_id {
            Field::Json(_) | Field::Any(_) => self.provider.delivery_id(&HeaderMap::new(), &body),
            Field::Header(_) | Field::Absent => None,
        }
        .unwrap_or(fresh);
        let mut timestamp = timestamp;
        let mut signed = self.sign(&body, timestamp, &id)?;
        if !self.extra.is_empty() {
            let (given_ts, given_id) = self.signed_overrides(&signed, timestamp, &id);
            if given_ts.is_some() || given_id.is_some() {
                timestamp = given_ts.unwrap_or(timestamp);
                id = given_id.unwrap_or(id);
                signed = self.sign(&body, timestamp, &id)?;
            }
        }
        let mut headers = HeaderMap::with_capacity(signed.len() + self.extra.len() + 3);
        let content_type =
            HeaderValue::from_str(&self.content_type).map_err(|_| BuildError::Header(CONTENT_TYPE.to_string()))?;
        headers.insert(CONTENT_TYPE, content_type);
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        append_all(&mut headers, signed);
        if let Some(auth) = &self.auth {
            let mut value =
                HeaderValue::from_str(auth.expose()).map_err(|_| BuildError::Header(AUTHORIZATION.to_string()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        for name in self.extra.keys() {
            headers.remove(name);
            for value in self.extra.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        // Reported and recorded is what a receiver finds in the request as sent, -H included:
        // the id in the provider's header or envelope, never one that appears nowhere in it.
        let provider_id = self.provider.delivery_id(&headers, &body);
        let event = if self.extra.is_empty() && self.edits.is_empty() && matches!(self.body, BodySource::Event(_)) {
            // A catalog fixture names its own event (the catalog tests hold that); not
            // parsing the body for it again keeps load runs fast.
            self.event.clone()
        } else {
            // What a receiver reads, spelled as the request spells it.
            self.provider.event_type(&headers, &body).or_else(|| self.event.clone())
        };
        Ok(Prepared { headers, body, provider_id, event, timestamp })
    }

    /// The `Content-Type` the body is sent with: a `-H Content-Type`, or the plan's.
    pub fn content_type(&self) -> &str {
        self.extra.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or(&self.content_type)
    }

    /// The text of the one `-H` value given for `name`, if exactly one was.
    fn given(&self, name: &str) -> Option<&str> {
        let mut values = self.extra.get_all(name).iter();
        match (values.next(), values.next()) {
            (Some(value), None) => value.to_str().ok(),
            _ => None,
        }
    }

    /// The timestamp and id that `-H` headers give in place of those the provider
    /// signed into `signed`: a header the provider filled with the timestamp (or id)
    /// is the one that carries it. A timestamp that is not plain unix digits cannot
    /// be signed as written; it is sent as given, and the signature covers the real one.
    fn signed_overrides(&self, signed: &HeaderMap, timestamp: i64, id: &str) -> (Option<i64>, Option<String>) {
        let ts_text = timestamp.to_string();
        let (mut given_ts, mut given_id) = (None, None);
        for (name, value) in signed {
            let Some(given) = self.given(name.as_str()) else { continue };
            if value == ts_text.as_str() {
                given_ts = given.parse::<i64>().ok().filter(|t| t.to_string() == given);
            } else if value == id {
                given_id = Some(given.to_owned());
            }
        }
        (given_ts, given_id)
    }

    fn sign(&self, body: &[u8], timestamp: i64, id: &str) -> Result<HeaderMap, BuildError> {
        Ok(self.provider.sign(&SignInput {
            body,
            secret: &self.secret,
            timestamp,
            id,
            event: self.event.as_deref(),
        })?)
    }
}

/// Moves every header of `from` to the end of `headers`, keeping repeats.
fn append_all(headers: &mut HeaderMap, from: HeaderMap) {
    let mut current = None;
    for (name, value) in from {
        // Iteration yields a name with its first value and `None` with each repeat.
        match name {
            Some(name) => {
                current = Some(match headers.entry(name) {
                    Entry::Occupied(mut entry) => {
                        entry.append(value);
                        entry
                    }
                    Entry::Vacant(entry) => entry.insert_entry(value),
                });
            }
            None => {
                if let Some(entry) = current.as_mut() {
                    entry.append(value);
                }
            }
        }
    }
}

/// A fresh provider delivery id: Standard Webhooks conventionally uses
/// `msg_`-prefixed ids; every other provider we know of sends a UUID. Both are
/// time-ordered (ULID, UUIDv7), so a load test's ids land at the end of the
/// store's id index instead of at random pages of it.
pub fn fresh_id(provider: &str) -> String {
    if provider == "standard" { format!("msg_{}", ulid::Ulid::generate()) } else { uuid_v7() }
}

/// An RFC 9562 version 7 UUID: 48 bits of unix milliseconds, then random bits.
fn uuid_v7() -> String {
    use rand::RngExt;
    let millis = u128::try_from(crate::util::unix_ms_now()).unwrap_or(0) & ((1 << 48) - 1);
    let random: u128 = rand::rng().random();
    let bits = (millis << 80) | (random & ((1 << 80) - 1));
    // Version 7 at bits 76..80, variant 0b10 at bits 62..64.
    let bits = (bits & !(0xf << 76)) | (0x7 << 76);
    let bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let mut id = String::with_capacity(36);
    crate::catalog::push_uuid(&mut id, bits);
    id
}

/// Whether `body` looks valid for `content_type`; `Some(reason)` when it does not.
/// Only the formats providers use are checked (JSON, XML, form encoding).
pub fn content_problem(content_type: &str, body: &[u8]) -> Option<String> {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        return serde_json::from_slice::<serde::de::IgnoredAny>(body)
            .err()
            .map(|e| format!("the body is not valid JSON ({e})"));
    }
    if essence.ends_with("/xml") || essence.ends_with("+xml") {
        let text = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
        let starts_with_tag = text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
        return (!starts_with_tag || std::str::from_utf8(text).is_err())
            .then(|| "the body does not look like XML (it should start with '<' and be UTF-8)".to_string());
    }
    if essence == "application/x-www-form-urlencoded" {
        let ok = body.iter().all(|b| b.is_ascii_graphic());
        return (!ok).then(|| "the body is not form-encoded (spaces, line breaks or non-ASCII bytes)".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_checks_catch_the_usual_mistakes() {
        assert!(content_problem("application/json", br#"{"a":1}"#).is_none());
        assert!(content_problem("application/json; charset=utf-8", b"{oops").is_some());
        assert!(content_problem("text/xml", b"\n <a/>").is_none());
        assert!(content_problem("text/xml", br#"{"a":1}"#).is_some());
        assert!(content_problem("application/x-www-form-urlencoded", b"a=1&b=%20").is_none());
        assert!(content_problem("application/x-www-form-urlencoded", b"a=1 b").is_some());
        assert!(content_problem("application/octet-stream", b"\x00\xff").is_none());
    }

    #[test]
    fn append_all_moves_every_value_after_the_existing_ones() {
        let mut headers = HeaderMap::new();
        headers.insert("a", HeaderValue::from_static("0"));
        let mut from = HeaderMap::new();
        from.append("a", HeaderValue::from_static("1"));
        from.append("b", HeaderValue::from_static("2"));
        from.append("b", HeaderValue::from_static("3"));
        append_all(&mut headers, from);
        let a: Vec<_> = headers.get_all("a").iter().collect();
        let b: Vec<_> = headers.get_all("b").iter().collect();
        assert_eq!(a, ["0", "1"]);
        assert_eq!(b, ["2", "3"]);
    }

    #[test]
    fn fresh_ids_are_distinct_time_ordered_and_standard_ids_are_prefixed() {
        let (a, b) = (fresh_id("github"), fresh_id("github"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "7", "version 7: {a}");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "RFC variant: {a}");
        let millis = i64::from_str_radix(&a.replace('-', "")[..12], 16).unwrap();
        assert!((crate::util::unix_ms_now() - millis).abs() < 60_000, "carries the current time: {a}");
        assert!(fresh_id("standard").starts_with("msg_"));
    }
}
