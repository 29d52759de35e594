//! Providers: signing schemes plus their conventions, behind one small trait.
//!
//! Most providers are a [`HmacScheme`] value (data); the few whose header
//! format needs code (Stripe's `t=,v1=`, Standard Webhooks' `v1,` list) implement
//! [`Provider`] themselves. Adding a provider is one file plus one line in
//! [`BUILTINS`].

mod crypto;
mod custom;
mod github;
mod scheme;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

pub use crypto::{Algorithm, Encoding};
pub use custom::CustomScheme;
pub use scheme::{HmacScheme, SignedTemplate};

use crate::secret::Secret;

/// Every built-in provider, by constructor. Adding a provider adds a line here.
const BUILTINS: &[fn() -> Arc<dyn Provider>] = &[github::provider];

/// What a provider needs to sign a body.
#[derive(Debug, Clone, Copy)]
pub struct SignInput<'a> {
    /// The exact body bytes that will be sent.
    pub body: &'a [u8],
    /// The signing secret.
    pub secret: &'a Secret,
    /// Unix seconds to sign with (providers that sign a timestamp).
    pub timestamp: i64,
    /// Delivery/message id to send (providers that sign or send one).
    pub id: &'a str,
    /// Event type, for providers that carry it in a header.
    pub event: Option<&'a str>,
}

/// What a provider needs to check a signature.
#[derive(Debug, Clone, Copy)]
pub struct VerifyInput<'a> {
    /// The request's headers.
    pub headers: &'a HeaderMap,
    /// The exact body bytes received.
    pub body: &'a [u8],
    /// The shared secret.
    pub secret: &'a Secret,
    /// The time to check timestamps against (unix seconds).
    pub now: i64,
    /// Allowed skew in seconds; `None` uses the provider's default.
    pub tolerance: Option<u64>,
}

/// A signature that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// How many signatures the request carried (rotation sends several).
    pub candidates: usize,
    /// The signed timestamp, for schemes that sign one.
    pub timestamp: Option<i64>,
}

/// Why a signature did not check out. Callers branch on the kind; the text is for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    #[error("header {header} is missing")]
    MissingHeader {
        /// The header's name.
        header: String,
    },
    /// A header is present but not in the scheme's format.
    #[error("header {header} is malformed: {detail}")]
    MalformedHeader {
        /// The header's name.
        header: String,
        /// What is wrong and what was expected.
        detail: String,
    },
    /// The signed timestamp is further from `now` than the tolerance allows.
    #[error("timestamp {timestamp} is {} (tolerance {tolerance} s)", describe_skew(*now - *timestamp))]
    OutsideTolerance {
        /// The signed timestamp.
        timestamp: i64,
        /// The time it was checked against.
        now: i64,
        /// The allowed skew.
        tolerance: u64,
    },
    /// Signatures were present and well-formed, but none matched.
    #[error("no signature matched ({tried} tried)")]
    NoMatch {
        /// How many candidate signatures were compared.
        tried: usize,
        /// The header value a correct signer would have sent.
        expected: String,
        /// The signature values received.
        received: Vec<String>,
        /// The signed string, body truncated, for explaining what was signed.
        signed_preview: String,
    },
    /// The secret is not in the form the scheme needs (e.g. `whsec_` not base64).
    #[error("the secret is not usable: {detail}")]
    BadSecret {
        /// What is wrong with it (never the secret itself).
        detail: String,
    },
}

impl VerifyError {
    /// The stored signature result for this failure: `missing` or `invalid`.
    pub fn signature_state(&self) -> SignatureState {
        match self {
            VerifyError::MissingHeader { .. } => SignatureState::Missing,
            _ => SignatureState::Invalid,
        }
    }

    /// A stable machine-readable name for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingHeader { .. } => "missing_header",
            VerifyError::MalformedHeader { .. } => "malformed_header",
            VerifyError::OutsideTolerance { .. } => "outside_tolerance",
            VerifyError::NoMatch { .. } => "no_match",
            VerifyError::BadSecret { .. } => "bad_secret",
        }
    }
}

fn describe_skew(skew: i64) -> String {
    let direction = if skew > 0 { "in the past" } else { "in the future" };
    format!("{} s {direction}", skew.unsigned_abs())
}

/// The secret cannot be used to sign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the secret is not usable for {provider}: {detail}")]
pub struct SecretError {
    /// Provider name.
    pub provider: String,
    /// What is wrong (never the secret itself).
    pub detail: String,
}

/// The signature result stored with every delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureState {
    /// A signature matched.
    Valid,
    /// Signatures were present but wrong, stale or malformed.
    Invalid,
    /// The signature header was absent.
    Missing,
    /// No secret to check with.
    Unchecked,
}

impl SignatureState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureState::Valid => "valid",
            SignatureState::Invalid => "invalid",
            SignatureState::Missing => "missing",
            SignatureState::Unchecked => "unchecked",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "valid" => SignatureState::Valid,
            "invalid" => SignatureState::Invalid,
            "missing" => SignatureState::Missing,
            "unchecked" => SignatureState::Unchecked,
            _ => return None,
        })
    }
}

/// Where a provider puts a piece of information in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A header of this name.
    Header(String),
    /// A field of the JSON body, as a dotted path (`data.id`, `0.Id`).
    Json(String),
    /// The provider does not send it.
    Absent,
}

/// A provider's documented delivery behaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delivery attempts in all, including the first, where documented.
    pub attempts: Option<u32>,
    /// The documented schedule or rule, in words.
    pub schedule: String,
}

/// A provider's conventions: everything but the signing code.
#[derive(Debug, Clone)]
pub struct ProviderInfo {
    /// Registry name (`nexadesk`).
    pub name: String,
    /// Other accepted names (`svix` for `standard`).
    pub aliases: Vec<String>,
    /// Human name (`NexaDesk`).
    pub title: String,
    /// Header carrying the signature.
    pub signature_header: String,
    /// Content type of the provider's payloads.
    pub content_type: String,
    /// How long the provider waits for an answer.
    pub timeout: Duration,
    /// Default timestamp tolerance in seconds, for schemes that sign a timestamp.
    pub tolerance: Option<u64>,
    /// Documented retry behaviour.
    pub retry: RetryPolicy,
    /// Where the event type is.
    pub event: Field,
    /// Where the provider's delivery id is.
    pub delivery_id: Field,
    /// The catalog event used by `send --ping`, if the provider has a test ping.
    pub ping_event: Option<String>,
}

/// A signing scheme plus conventions. Implementations are stateless and shared.
pub trait Provider: Send + Sync + fmt::Debug {
    /// The provider's conventions.
    fn info(&self) -> &ProviderInfo;

    /// Computes the headers that sign `input.body`: the signature plus any
    /// timestamp, id and event headers the provider sends.
    fn sign(&self, input: &SignInput<'_>) -> Result<HeaderMap, SecretError>;

    /// Checks the request's signature.
    fn verify(&self, input: &VerifyInput<'_>) -> Result<Verified, VerifyError>;

    /// The event type of a request, from wherever this provider puts it.
    fn event_type(&self, headers: &HeaderMap, body: &[u8]) -> Option<String> {
        extract(&self.info().event, headers, body)
    }

    /// The provider's own delivery id of a request.
    fn delivery_id(&self, headers: &HeaderMap, body: &[u8]) -> Option<String> {
        extract(&self.info().delivery_id, headers, body)
    }
}

/// Reads a [`Field`] from a request.
pub fn extract(field: &Field, headers: &HeaderMap, body: &[u8]) -> Option<String> {
    match field {
        Field::Absent => None,
        Field::Header(name) => headers.get(name.as_str())?.to_str().ok().map(str::to_owned),
        Field::Json(path) => {
            let value: serde_json::Value = serde_json::from_slice(body).ok()?;
            let found = path.split('.').try_fold(&value, |v, key| match v {
                serde_json::Value::Array(items) => items.get(key.parse::<usize>().ok()?),
                _ => v.get(key),
            })?;
            match found {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        }
    }
}

/// An unknown provider name, with the nearest known names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider {name:?}; known: {}", .known.join(", "))]
pub struct UnknownProvider {
    /// What was asked for.
    pub name: String,
    /// Known names, closest first.
    pub known: Vec<String>,
}

/// Every built-in provider.
pub fn builtins() -> Vec<Arc<dyn Provider>> {
    BUILTINS.iter().map(|make| make()).collect()
}

/// Looks up a built-in provider by name or alias, ignoring case.
pub fn lookup(name: &str) -> Result<Arc<dyn Provider>, UnknownProvider> {
    let wanted = name.trim().to_ascii_lowercase();
    let all = builtins();
    if let Some(p) = all.iter().find(|p| p.info().name == wanted || p.info().aliases.iter().any(|a| *a == wanted)) {
        return Ok(p.clone());
    }
    let mut known: Vec<String> = all.iter().map(|p| p.info().name.clone()).collect();
    known.push("custom".into());
    known.sort_by(|a, b| strsim::jaro_winkler(b, &wanted).total_cmp(&strsim::jaro_winkler(a, &wanted)));
    Err(UnknownProvider { name: name.to_string(), known })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_and_suggests_the_closest() {
        assert_eq!(lookup("GitHub").unwrap().info().name, "github");
        let err = lookup("githib").unwrap_err();
        assert_eq!(err.known[0], "github");
    }

    #[test]
    fn json_fields_follow_dotted_paths_through_arrays() {
        let body = br#"[{"Id": 42, "Name": "x"}]"#;
        let h = HeaderMap::new();
        assert_eq!(extract(&Field::Json("0.Id".into()), &h, body).as_deref(), Some("42"));
        assert_eq!(extract(&Field::Json("0.Name".into()), &h, body).as_deref(), Some("x"));
        assert_eq!(extract(&Field::Json("1.Id".into()), &h, body), None);
    }

    #[test]
    fn tolerance_message_says_direction_and_amount() {
        let past = VerifyError::OutsideTolerance { timestamp: 1000, now: 1400, tolerance: 300 };
        assert_eq!(past.to_string(), "timestamp 1000 is 400 s in the past (tolerance 300 s)");
        let future = VerifyError::OutsideTolerance { timestamp: 2000, now: 1400, tolerance: 300 };
        assert!(future.to_string().contains("600 s in the future"));
    }
}
