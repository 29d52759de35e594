//! The deliveries that differ from a valid one on purpose: signed with a wrong secret,
//! unsigned, stale or from the future, carrying a rotation's two signatures, a wrong or
//! missing Authorization, pretty-printed JSON signed three ways, malformed, oversized.

use bytes::Bytes;
use http::{HeaderName, HeaderValue};

use super::json::python_dumps;
use super::{Body, Forge, OVERSIZED_BYTES, STALE_BY_SECS};
use crate::secret::Secret;
use crate::send::request::fresh_id;
use crate::send::{BuildError, Prepared};

impl Forge {
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

/// A secret of the same form as `secret` (a Standard Webhooks `whsec_` key stays one)
/// that is certainly not it.
pub(super) fn other_secret(secret: &Secret) -> Secret {
    use base64::Engine as _;
    use rand::RngExt;
    let key: [u8; 24] = rand::rng().random();
    let encoded = base64::engine::general_purpose::STANDARD.encode(key);
    let text = if secret.expose().starts_with("whsec_") { format!("whsec_{encoded}") } else { encoded };
    Secret::new(text)
}
