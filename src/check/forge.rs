//! The deliveries the checks send: valid ones, and each kind of broken one a
//! receiver must refuse, all built from one catalog event with the provider's
//! own signing code.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::{Payload, Setup};
use crate::provider::{Field, Provider};
use crate::secret::Secret;
use crate::send::request::fresh_id;
use crate::send::{BodySource, BuildError, Prepared, RequestPlan};

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

    /// A delivery signed with another secret of the same form.
    pub fn wrong_secret(&self) -> Result<Prepared, BuildError> {
        self.sign(&self.body()?, crate::util::unix_now(), &other_secret(&self.secret))
    }

    /// A valid delivery without its signature header (timestamp and id headers stay).
    pub fn unsigned(&self) -> Result<Prepared, BuildError> {
        let mut prepared = self.valid()?;
        prepared.headers.remove(self.provider.info().signature_header.as_str());
        Ok(prepared)
    }

    /// The tolerance a receiver should hold timestamps to: the profile's, else the
    /// provider's; `None` for schemes that sign no timestamp.
    pub fn tolerance(&self) -> Option<u64> {
        self.provider.info().tolerance.map(|t| self.tolerance.unwrap_or(t))
    }

    /// For timestamped schemes: a correct signature made [`STALE_BY_SECS`] past the
    /// tolerance, with the tolerance; `None` for schemes that sign no timestamp.
    pub fn stale(&self) -> Option<Result<(Prepared, u64), BuildError>> {
        self.off_by(-1)
    }

    /// [`Forge::stale`]'s twin from the future: signed as far ahead as the stale one is behind.
    pub fn future(&self) -> Option<Result<(Prepared, u64), BuildError>> {
        self.off_by(1)
    }

    fn off_by(&self, direction: i64) -> Option<Result<(Prepared, u64), BuildError>> {
        let tolerance = self.tolerance()?;
        let shift = i64::try_from(tolerance).unwrap_or(i64::MAX / 4) + STALE_BY_SECS;
        let then = crate::util::unix_now() + direction * shift;
        Some(self.body().and_then(|b| self.sign(&b, then, &self.secret)).map(|p| (p, tolerance)))
    }

    /// For schemes that carry several signatures while a secret is rotated (Standard
    /// Webhooks' `v1,<a> v1,<b>`, Stripe's `t=…,v1=<a>,v1=<b>`): a correct delivery whose
    /// signature header holds one made with another secret first, then the right one.
    /// `None` for schemes with a single signature.
    pub fn rotated(&self) -> Option<Result<Prepared, BuildError>> {
        let header = self.provider.info().signature_header.clone();
        let build = || -> Result<Option<Prepared>, BuildError> {
            let body = self.body()?;
            let now = crate::util::unix_now();
            let mut right = self.sign(&body, now, &self.secret)?;
            let wrong = self.sign(&body, now, &other_secret(&self.secret))?;
            let text = |p: &Prepared| p.headers.get(&header).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let (Some(good), Some(bad)) = (text(&right), text(&wrong)) else { return Ok(None) };
            let both = if good.starts_with("v1,") {
                format!("{bad} {good}")
            } else if let (Some((t, good_v1)), Some((_, bad_v1))) = (good.split_once(",v1="), bad.split_once(",v1=")) {
                format!("{t},v1={bad_v1},v1={good_v1}")
            } else {
                return Ok(None);
            };
            let value = HeaderValue::from_str(&both).map_err(|_| BuildError::Header(header.clone()))?;
            right.headers.insert(
                HeaderName::from_bytes(header.as_bytes()).map_err(|_| BuildError::Header(header.clone()))?,
                value,
            );
            Ok(Some(right))
        };
        build().transpose()
    }

    /// Whether deliveries carry an `Authorization` (a profile's, the URL's credentials, or `-H`).
    pub fn has_authorization(&self) -> bool {
        self.auth.is_some() || self.headers.contains_key(http::header::AUTHORIZATION)
    }

    /// A correct delivery without its `Authorization`, and one with a wrong one of the same kind.
    pub fn bad_authorizations(&self) -> Result<(Prepared, Prepared), BuildError> {
        let mut without = self.valid()?;
        without.headers.remove(http::header::AUTHORIZATION);
        let mut wrong = self.valid()?;
        let configured = wrong.headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let kind = configured.split_once(' ').map_or("Bearer", |(kind, _)| kind).to_owned();
        let value = format!("{kind} {}", other_secret(&self.secret).expose());
        let value = HeaderValue::from_str(&value).map_err(|_| BuildError::Header("authorization".into()))?;
        wrong.headers.insert(http::header::AUTHORIZATION, value);
        Ok((without, wrong))
    }

    /// This forge with deliveries made from `payload` instead.
    pub fn with_payload(&self, payload: Payload) -> Forge {
        let json = is_json(payload.content_type());
        Forge { payload, json, ..self.clone() }
    }

    /// For JSON: the same pretty-printed body three times, signed over its exact bytes
    /// (as a provider signs), over its compact re-serialisation (what a receiver
    /// verifying `JSON.stringify(req.body)` computes), and over Python's
    /// `json.dumps(json.loads(body))` form. `None` when the body is not JSON.
    pub fn pretty_set(&self) -> Option<Result<PrettySet, BuildError>> {
        if !self.json {
            return None;
        }
        let compact = match self.body() {
            Ok(body) => body,
            Err(e) => return Some(Err(e)),
        };
        let value = self.json_value(&compact.bytes)?;
        let pretty = Body { id: compact.id.clone(), bytes: Bytes::from(serde_json::to_vec_pretty(&value).ok()?) };
        let python = Body { id: compact.id.clone(), bytes: Bytes::from(python_dumps(&value)) };
        // One timestamp and id for all, so that only the signed bytes differ.
        let now = crate::util::unix_now();
        let signed_over = |signed: &Body| -> Result<Prepared, BuildError> {
            let mut prepared = self.sign(signed, now, &self.secret)?;
            prepared.body = pretty.bytes.clone();
            Ok(prepared)
        };
        let set = || -> Result<PrettySet, BuildError> {
            Ok(PrettySet {
                exact: self.sign(&pretty, now, &self.secret)?,
                over_compact: signed_over(&compact)?,
                over_python: signed_over(&python)?,
            })
        };
        Some(set())
    }

    /// A correctly signed body that does not parse: the first half of a valid JSON or
    /// XML body (cut mid-document), or bytes no form or text parser takes. Also says what it is.
    pub fn malformed(&self) -> Result<(Prepared, &'static str), BuildError> {
        let body = self.body()?;
        let structured = self.json || self.payload.content_type().contains("xml");
        let (bytes, what) = if structured && body.bytes.len() >= 2 {
            (body.bytes.slice(..body.bytes.len() / 2), "the first half of a valid body")
        } else {
            (Bytes::from_static(b"\x00\xff\xfe not a body \x00"), "binary junk")
        };
        Ok((self.sign(&Body { id: body.id, bytes }, crate::util::unix_now(), &self.secret)?, what))
    }

    /// A correctly signed body of [`OVERSIZED_BYTES`], well-formed for the content type.
    pub fn oversized(&self) -> Result<Prepared, BuildError> {
        let (open, close): (&[u8], &[u8]) = if self.json {
            (b"{\"hooktap_padding\":\"", b"\"}")
        } else if self.payload.content_type().contains("xml") {
            (b"<hooktap_padding>", b"</hooktap_padding>")
        } else {
            (b"", b"")
        };
        let mut bytes = Vec::with_capacity(OVERSIZED_BYTES);
        bytes.extend_from_slice(open);
        bytes.resize(OVERSIZED_BYTES - close.len(), b'x');
        bytes.extend_from_slice(close);
        let body = Body { id: fresh_id(&self.provider.info().name), bytes: Bytes::from(bytes) };
        self.sign(&body, crate::util::unix_now(), &self.secret)
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

/// `reserialized`'s three deliveries: one pretty-printed body, differently signed.
#[derive(Debug, Clone)]
pub struct PrettySet {
    /// Signed over the bytes sent.
    pub exact: Prepared,
    /// Signed over the compact form.
    pub over_compact: Prepared,
    /// Signed over Python's `json.dumps` form.
    pub over_python: Prepared,
}

/// `bytes` with the JSON field at dotted `path` set to `value`, made compact; as given
/// when it is not JSON or has no such field.
fn set_field(bytes: &Bytes, path: &str, value: serde_json::Value) -> Bytes {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(bytes) else { return bytes.clone() };
    let pointer = format!("/{}", path.replace('~', "~0").replace('/', "~1").replace('.', "/"));
    match doc.pointer_mut(&pointer) {
        Some(slot) => {
            *slot = value;
            serde_json::to_vec(&doc).map_or_else(|_| bytes.clone(), Bytes::from)
        }
        None => bytes.clone(),
    }
}

/// The user's body carrying `id` where the provider keeps its delivery id in the
/// envelope (Nudj's and Stripe's `id`, Slack's `event_id`), if the body has that field.
fn with_id(bytes: &Bytes, field: &Field, id: &str) -> Bytes {
    match field {
        Field::Json(path) => set_field(bytes, path, serde_json::Value::from(id)),
        Field::Any(fields) => fields.iter().fold(bytes.clone(), |b, f| with_id(&b, f, id)),
        Field::Header(_) | Field::Absent => bytes.clone(),
    }
}

/// `json.dumps(value)` as Python writes it by default: `", "` and `": "` between
/// items, everything past ASCII escaped as `\uXXXX` (surrogate pairs beyond the BMP).
pub fn python_dumps(value: &serde_json::Value) -> Vec<u8> {
    use serde::Serialize as _;
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    // Writing to a Vec cannot fail, and a Value always serialises.
    let _ = value.serialize(&mut ser);
    out
}

struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        for ch in fragment.chars() {
            if ch.is_ascii() {
                writer.write_all(&[ch as u8])?;
            } else {
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// Whether a content type is JSON (`application/json`, `…+json`, parameters ignored).
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A secret of the same form as `secret` (a Standard Webhooks `whsec_` key stays one)
/// that is certainly not it.
fn other_secret(secret: &Secret) -> Secret {
    use base64::Engine as _;
    use rand::RngExt;
    let key: [u8; 24] = rand::rng().random();
    let encoded = base64::engine::general_purpose::STANDARD.encode(key);
    let text = if secret.expose().starts_with("whsec_") { format!("whsec_{encoded}") } else { encoded };
    Secret::new(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{VerifyError, VerifyInput};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn forge(provider: &str) -> Forge {
        let catalog = crate::catalog::Catalog::builtin();
        let events: Vec<_> = catalog.events(Some(provider)).collect();
        let event = (*events.iter().find(|e| e.named_by_provider).unwrap_or(&events[0])).clone();
        forge_of(provider, Payload::Event(event))
    }

    fn forge_of(provider: &str, payload: Payload) -> Forge {
        Forge {
            json: is_json(payload.content_type()),
            provider: crate::provider::lookup(provider).unwrap(),
            secret: Secret::new(SECRET),
            payload,
            auth: None,
            headers: HeaderMap::new(),
            tolerance: None,
        }
    }

    fn verify(f: &Forge, p: &Prepared) -> Result<(), VerifyError> {
        let input = VerifyInput {
            headers: &p.headers,
            body: &p.body,
            secret: &f.secret,
            now: crate::util::unix_now(),
            tolerance: None,
        };
        f.provider.verify(&input).map(drop)
    }

    #[test]
    fn valid_deliveries_verify_and_broken_ones_fail_for_the_intended_reason() {
        for name in ["standard", "nexadesk", "nexus", "nudj", "stripe", "slack", "github"] {
            let f = forge(name);
            let valid = f.valid().unwrap();
            assert!(verify(&f, &valid).is_ok(), "{name}");
            assert!(matches!(verify(&f, &f.wrong_secret().unwrap()), Err(VerifyError::NoMatch { .. })), "{name}");
            assert!(matches!(verify(&f, &f.unsigned().unwrap()), Err(VerifyError::MissingHeader { .. })), "{name}");
            let (malformed, _) = f.malformed().unwrap();
            assert!(verify(&f, &malformed).is_ok(), "{name}: the malformed body is correctly signed");
            assert!(serde_json::from_slice::<serde_json::Value>(&malformed.body).is_err(), "{name}");
            let big = f.oversized().unwrap();
            assert_eq!(big.body.len(), OVERSIZED_BYTES);
            assert!(verify(&f, &big).is_ok(), "{name}");
        }
    }

    #[test]
    fn stale_deliveries_are_correctly_signed_but_outside_the_tolerance() {
        let f = forge("standard");
        let (stale, tolerance) = f.stale().unwrap().unwrap();
        assert_eq!(tolerance, 300);
        assert!(matches!(verify(&f, &stale), Err(VerifyError::OutsideTolerance { .. })));
        assert!(forge("nexadesk").stale().is_none(), "nexadesk signs no timestamp");
    }

    #[test]
    fn a_profiles_tolerance_replaces_the_providers() {
        let mut f = forge("nexus");
        f.tolerance = Some(7200);
        let (stale, tolerance) = f.stale().unwrap().unwrap();
        assert_eq!(tolerance, 7200);
        assert!(stale.timestamp < crate::util::unix_now() - 7200 - 3000, "signed past the profile's tolerance");
        let mut f = forge("nexadesk");
        f.tolerance = Some(7200);
        assert!(f.stale().is_none(), "a tolerance does not give nexadesk a timestamp");
    }

    #[test]
    fn pythons_json_dumps_form_has_spaced_separators_and_escapes_past_ascii() {
        let value = serde_json::json!({"a": [1, 2], "b": {"c": "é😀"}, "d": null});
        assert_eq!(
            String::from_utf8(python_dumps(&value)).unwrap(),
            r#"{"a": [1, 2], "b": {"c": "\u00e9\ud83d\ude00"}, "d": null}"#
        );
    }

    #[test]
    fn the_pretty_set_differs_only_in_what_was_signed() {
        let f = forge("nexadesk");
        let PrettySet { exact, over_compact, over_python } = f.pretty_set().unwrap().unwrap();
        assert_eq!(exact.body, over_python.body);
        let value: serde_json::Value = serde_json::from_slice(&exact.body).unwrap();
        let input = VerifyInput {
            headers: &over_python.headers,
            body: &python_dumps(&value),
            secret: &f.secret,
            now: crate::util::unix_now(),
            tolerance: None,
        };
        assert!(f.provider.verify(&input).is_ok(), "what json.dumps(json.loads(body)) computes verifies");
        assert_eq!(exact.body, over_compact.body);
        assert!(exact.body.contains(&b'\n'), "pretty-printed");
        assert!(verify(&f, &exact).is_ok());
        assert!(verify(&f, &over_compact).is_err());
        // What a JSON.stringify receiver computes: the compact form verifies with the second signature.
        let value: serde_json::Value = serde_json::from_slice(&over_compact.body).unwrap();
        let compact = serde_json::to_vec(&value).unwrap();
        let input = VerifyInput {
            headers: &over_compact.headers,
            body: &compact,
            secret: &f.secret,
            now: crate::util::unix_now(),
            tolerance: None,
        };
        assert!(f.provider.verify(&input).is_ok());
        assert!(forge("nexus").pretty_set().is_none(), "XML is not re-serialised");
    }

    #[test]
    fn valid_bodies_are_compact_json_and_carry_their_id_in_the_header() {
        let f = forge("standard");
        let body = f.body().unwrap();
        assert!(!body.bytes.contains(&b'\n'));
        let p = f.sign(&body, 1, &f.secret).unwrap();
        assert_eq!(p.headers["webhook-id"], body.id.as_str());
        assert_eq!(p.provider_id.as_deref(), Some(body.id.as_str()));
        assert!(other_secret(&f.secret).expose().starts_with("whsec_"));
        assert_ne!(other_secret(&f.secret).expose(), SECRET);
    }

    #[test]
    fn redeliveries_carry_the_providers_retry_marks() {
        let nudj = forge("nudj");
        let body = nudj.body().unwrap();
        let count = |p: &Prepared| {
            let v: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
            (v["metadata"]["retryCount"].clone(), v["id"].clone())
        };
        let now = crate::util::unix_now();
        let first = nudj.redelivery(&body, 0, now, "").unwrap();
        let third = nudj.redelivery(&body, 2, now, "http_error").unwrap();
        assert_eq!(count(&first).0, serde_json::json!(0));
        assert_eq!(count(&third), (serde_json::json!(2), count(&first).1), "the same id, a counted retry");
        assert!(verify(&nudj, &third).is_ok(), "re-signed over the counted body");
        let slack = forge("slack");
        let body = slack.body().unwrap();
        let first = slack.redelivery(&body, 0, now - 3, "").unwrap();
        let retry = slack.redelivery(&body, 1, now - 2, "http_timeout").unwrap();
        assert!(first.headers.get("x-slack-retry-num").is_none());
        assert_eq!(retry.headers["x-slack-retry-num"], "1");
        assert_eq!(retry.headers["x-slack-retry-reason"], "http_timeout");
        assert_ne!(first.headers["x-slack-request-timestamp"], retry.headers["x-slack-request-timestamp"]);
        assert_eq!(first.body, retry.body);
        assert!(verify(&slack, &retry).is_ok());
    }

    #[test]
    fn a_users_body_gets_a_fresh_delivery_id_where_the_envelope_has_one() {
        let data = |body: &str| Payload::Data {
            event: None,
            bytes: Bytes::copy_from_slice(body.as_bytes()),
            content_type: "application/json".into(),
        };
        let f = forge_of("nudj", data(r#"{"id":"evt_fixed","type":"user.registered"}"#));
        let (a, b) = (f.body().unwrap(), f.body().unwrap());
        assert_ne!(a.bytes, b.bytes);
        assert!(String::from_utf8_lossy(&a.bytes).contains(&format!("\"id\":\"{}\"", a.id)));
        let f = forge_of("nexadesk", data(r#"{"event":"lead.created"}"#));
        assert_eq!(f.body().unwrap().bytes, f.body().unwrap().bytes, "no id to renew: sent as given");
    }

    #[test]
    fn headers_given_with_h_that_replace_the_schemes_own_are_named() {
        let mut f = forge("nexadesk");
        for (name, value) in [("x-nexadesk-signature", "sha256=00"), ("content-type", "text/plain"), ("x-team", "a")] {
            f.headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        let mut got = f.overrides();
        got.sort();
        assert_eq!(
            got,
            [("content-type".to_string(), "the content type"), ("x-nexadesk-signature".into(), "the signature")]
        );
    }

    #[test]
    fn a_rotation_header_holds_a_wrong_signature_first_and_still_verifies() {
        let standard = forge("standard");
        let p = standard.rotated().unwrap().unwrap();
        let header = p.headers["webhook-signature"].to_str().unwrap().to_owned();
        assert_eq!(header.split(' ').count(), 2, "{header}");
        assert!(verify(&standard, &p).is_ok(), "any match passes");
        let stripe = forge("stripe");
        let p = stripe.rotated().unwrap().unwrap();
        assert_eq!(p.headers["stripe-signature"].to_str().unwrap().matches(",v1=").count(), 2);
        assert!(verify(&stripe, &p).is_ok());
        assert!(forge("nexadesk").rotated().is_none(), "one signature only");
        assert!(forge("slack").rotated().is_none());
    }

    #[test]
    fn bad_authorizations_drop_or_change_the_configured_one() {
        let mut f = forge("nexus");
        assert!(!f.has_authorization());
        f.auth = Some(Secret::new("Basic dXNlcjpwdw=="));
        let (without, wrong) = f.bad_authorizations().unwrap();
        assert!(without.headers.get("authorization").is_none());
        let value = wrong.headers["authorization"].to_str().unwrap();
        assert!(value.starts_with("Basic ") && value != "Basic dXNlcjpwdw==", "{value}");
        assert!(verify(&f, &wrong).is_ok() && verify(&f, &without).is_ok(), "the signatures stay right");
    }
}
