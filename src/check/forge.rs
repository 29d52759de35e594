//! The deliveries the checks send: valid ones, and each kind of broken one a
//! receiver must refuse, all built from one catalog event with the provider's
//! own signing code.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::Setup;
use crate::catalog::EventSpec;
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
    event: EventSpec,
    auth: Option<Secret>,
    headers: HeaderMap,
    /// Whether the event's content type is JSON (so it can be re-serialised).
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
        let json = is_json(&setup.event.content_type)
            && serde_json::from_slice::<serde::de::IgnoredAny>(&setup.event.render("id")?).is_ok();
        let forge = Forge {
            provider: setup.provider.clone(),
            secret: setup.secret.clone(),
            event: setup.event.clone(),
            auth: setup.auth.clone(),
            headers: setup.headers.clone(),
            json,
        };
        forge.valid()?;
        Ok(forge)
    }

    /// A fresh body: the event rendered with a new id, made compact when it is JSON.
    ///
    /// Providers sign the bytes they send, and most send compact JSON; sending compact
    /// bytes everywhere but in `reserialized` means a receiver that re-serialises is
    /// reported once, by that check, instead of by every check at once.
    pub fn body(&self) -> Result<Body, BuildError> {
        let id = fresh_id(&self.provider.info().name);
        let rendered = self.event.render(&id)?;
        let bytes = match self.json_value(&rendered) {
            Some(value) => serde_json::to_vec(&value).map_or_else(|_| Bytes::from(rendered), Bytes::from),
            None => Bytes::from(rendered),
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
            event: Some(self.event.name.clone()),
            body: BodySource::Fixed(body.bytes.clone()),
            edits: Vec::new(),
            content_type: self.event.content_type.clone(),
            auth: self.auth.clone(),
            extra,
        };
        plan.build_at(timestamp)
    }

    /// A fresh, correctly signed delivery.
    pub fn valid(&self) -> Result<Prepared, BuildError> {
        self.sign(&self.body()?, crate::util::unix_now(), &self.secret)
    }

    /// `body` correctly signed now (a redelivery re-signs with a fresh timestamp).
    pub fn resign(&self, body: &Body) -> Result<Prepared, BuildError> {
        self.sign(body, crate::util::unix_now(), &self.secret)
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

    /// For timestamped schemes: a correct signature made [`STALE_BY_SECS`] past the
    /// tolerance, with the tolerance; `None` for schemes that sign no timestamp.
    pub fn stale(&self) -> Option<Result<(Prepared, u64), BuildError>> {
        let tolerance = self.provider.info().tolerance?;
        let then = crate::util::unix_now() - i64::try_from(tolerance).unwrap_or(i64::MAX / 2) - STALE_BY_SECS;
        Some(self.body().and_then(|b| self.sign(&b, then, &self.secret)).map(|p| (p, tolerance)))
    }

    /// For JSON: the same pretty-printed body twice, first signed over its exact
    /// bytes (as a provider signs), then signed over its compact re-serialisation
    /// (what a receiver verifying `JSON.stringify(req.body)` computes). `None` when
    /// the body is not JSON.
    pub fn pretty_pair(&self) -> Option<Result<(Prepared, Prepared), BuildError>> {
        if !self.json {
            return None;
        }
        let compact = match self.body() {
            Ok(body) => body,
            Err(e) => return Some(Err(e)),
        };
        let pretty = serde_json::to_vec_pretty(&self.json_value(&compact.bytes)?).ok()?;
        let pretty = Body { id: compact.id.clone(), bytes: Bytes::from(pretty) };
        // One timestamp and id for both, so that only the signed bytes differ.
        let now = crate::util::unix_now();
        let pair = || -> Result<(Prepared, Prepared), BuildError> {
            let exact = self.sign(&pretty, now, &self.secret)?;
            let mut over_compact = self.sign(&compact, now, &self.secret)?;
            over_compact.body = pretty.bytes.clone();
            Ok((exact, over_compact))
        };
        Some(pair())
    }

    /// A correctly signed body that does not parse: the first half of a valid JSON or
    /// XML body (cut mid-document), or bytes no form or text parser takes. Also says what it is.
    pub fn malformed(&self) -> Result<(Prepared, &'static str), BuildError> {
        let body = self.body()?;
        let structured = self.json || self.event.content_type.contains("xml");
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
        } else if self.event.content_type.contains("xml") {
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

    fn json_value(&self, bytes: &[u8]) -> Option<serde_json::Value> {
        if self.json { serde_json::from_slice(bytes).ok() } else { None }
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
        let p = crate::provider::lookup(provider).unwrap();
        let catalog = crate::catalog::Catalog::builtin();
        let event = catalog.events(Some(provider)).next().unwrap().clone();
        Forge {
            json: is_json(&event.content_type),
            provider: p,
            secret: Secret::new(SECRET),
            event,
            auth: None,
            headers: HeaderMap::new(),
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
    fn the_pretty_pair_differs_only_in_what_was_signed() {
        let f = forge("nexadesk");
        let (exact, over_compact) = f.pretty_pair().unwrap().unwrap();
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
        assert!(forge("nexus").pretty_pair().is_none(), "XML is not re-serialised");
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
}
