//! Providers: signing schemes plus their conventions, behind one small trait.
//!
//! Most providers are a [`HmacScheme`] value (data); the few whose header
//! format needs code (Stripe's `t=,v1=`, Standard Webhooks' `v1,` list) implement
//! [`Provider`] themselves. Adding a provider is one file plus one line in
//! [`BUILTINS`].

mod check;
mod crypto;
mod custom;
pub mod explain;
mod github;
mod nexadesk;
mod nexudus;
mod nexus;
mod nudj;
mod outcome;
mod scheme;
mod shopify;
mod slack;
mod standard;
mod stripe;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

pub use check::check_authorization;
pub use crypto::{Algorithm, Encoding};
pub use custom::CustomScheme;
pub use outcome::{SecretError, SignatureState, Verified, VerifyError};
pub use scheme::{HmacScheme, LegacyHeader, SignedTemplate};

use crate::secret::Secret;

/// Every built-in provider, by constructor. Adding a provider adds a line here.
const BUILTINS: &[fn() -> Arc<dyn Provider>] = &[
    nexus::provider,
    nexudus::provider,
    nexadesk::provider,
    nudj::provider,
    standard::provider,
    github::provider,
    stripe::provider,
    shopify::provider,
    slack::provider,
];

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
    /// Allowed skew in seconds; `None` uses the provider's default and `Some(0)` turns the check off.
    pub tolerance: Option<u64>,
}

/// Where a provider puts a piece of information in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A header of this name.
    Header(String),
    /// A field of the JSON body, as a dotted path (`data.id`, `0.Id`).
    Json(String),
    /// The first of these that is present (envelopes whose shape depends on the message).
    Any(Vec<Field>),
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
    /// The wait before each retry, in order: the documented waits, or, where the provider
    /// documents only a rule ("exponential"), a representative schedule that follows it
    /// (`schedule` says which). Empty when the provider does not retry by itself.
    pub delays: Vec<Duration>,
    /// Whether a 4xx answer ends a delivery for good, as Nexus documents; when false,
    /// every answer but a 2xx (and every timeout) is retried.
    pub final_on_4xx: bool,
    /// How a redelivery says it is one, beyond its fresh signature.
    pub marks: RetryMarks,
}

/// How a provider marks a redelivery: a counter in its envelope, or headers saying
/// which retry it is and why. Receivers use them (Slack's docs suggest ignoring
/// retries by their header), so a faithful simulation sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetryMarks {
    /// A JSON path in the body counting the earlier attempts (Nudj's `metadata.retryCount`,
    /// 0 on the first attempt); the body, and so the signature, changes with every retry.
    pub count_field: Option<String>,
    /// A header numbering the retry, absent from the first attempt (Slack's `X-Slack-Retry-Num`).
    pub count_header: Option<String>,
    /// A header saying why the previous attempt failed (Slack's `X-Slack-Retry-Reason`:
    /// `http_timeout`, `http_error`, `connection_failed`).
    pub reason_header: Option<String>,
}

impl RetryPolicy {
    /// `retries` waits starting at `first` and doubling: what an undocumented
    /// "exponential backoff" is taken to mean.
    pub fn doubling(first: Duration, retries: u32) -> Vec<Duration> {
        (0..retries).map(|n| first.saturating_mul(1 << n.min(30))).collect()
    }
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

    /// [`Provider::sign`] for a request that arrived with `received`, with the headers
    /// spelled as they arrived where the scheme has more than one spelling, so that
    /// re-signing replaces the original signature rather than adding a second one
    /// beside it. The default is `sign`.
    fn sign_like(&self, input: &SignInput<'_>, received: &HeaderMap) -> Result<HeaderMap, SecretError> {
        let _ = received;
        self.sign(input)
    }

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

    /// Checks, without a request, that `secret` can be this provider's key, as `sign` and
    /// `verify` would use it (Standard Webhooks needs `whsec_` + base64); the error says why
    /// not, never quoting the secret. The default accepts every secret: HMAC takes any bytes.
    fn check_secret(&self, secret: &Secret) -> Result<(), SecretError> {
        let _ = secret;
        Ok(())
    }

    /// Advice when `secret` does not look like this provider's kind of secret (never quoting it),
    /// shown when a signature fails.
    fn secret_hint(&self, secret: &Secret) -> Option<String> {
        let _ = secret;
        None
    }
}

/// Reads a [`Field`] from a request.
pub fn extract(field: &Field, headers: &HeaderMap, body: &[u8]) -> Option<String> {
    match field {
        Field::Absent => None,
        Field::Any(fields) => fields.iter().find_map(|f| extract(f, headers, body)),
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
#[error("{}", self.message())]
pub struct UnknownProvider {
    /// What was asked for.
    pub name: String,
    /// Known names, closest first (ties in alphabetical order).
    pub known: Vec<String>,
}

impl UnknownProvider {
    /// Whether the name was `custom`, which is a kind of profile rather than a provider of its own.
    pub fn is_custom(&self) -> bool {
        self.name.trim().eq_ignore_ascii_case("custom")
    }

    fn message(&self) -> String {
        if self.is_custom() {
            return "provider \"custom\" has no scheme of its own: a custom scheme is defined in a profile \
                    (provider = \"custom\" plus a [profiles.NAME.scheme] table)"
                .into();
        }
        format!("unknown provider {:?}; known: {}", self.name, self.known.join(", "))
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        if self.is_custom() {
            "describe the scheme in a profile (docs/configuration.md shows one), then pass --profile NAME".into()
        } else {
            format!(
                "did you mean {}? a scheme of your own is a profile with provider = \"custom\"",
                self.known.first().map_or("", String::as_str)
            )
        }
    }
}

/// Every built-in provider, built once and shared.
pub fn builtins() -> Vec<Arc<dyn Provider>> {
    static REGISTRY: std::sync::OnceLock<Vec<Arc<dyn Provider>>> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| BUILTINS.iter().map(|make| make()).collect()).clone()
}

/// Looks up a built-in provider by name or alias, ignoring case.
pub fn lookup(name: &str) -> Result<Arc<dyn Provider>, UnknownProvider> {
    let wanted = name.trim().to_ascii_lowercase();
    let all = builtins();
    if let Some(p) = all.iter().find(|p| p.info().name == wanted || p.info().aliases.contains(&wanted)) {
        return Ok(p.clone());
    }
    let mut known: Vec<String> = all.iter().map(|p| p.info().name.clone()).collect();
    known.push("custom".into());
    known.sort_by(|a, b| {
        strsim::jaro_winkler(b, &wanted).total_cmp(&strsim::jaro_winkler(a, &wanted)).then_with(|| a.cmp(b))
    });
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
    fn unknown_names_list_known_ones_by_closeness_then_alphabetically() {
        for name in ["githib", "x", "zzzz", "nex"] {
            let known = lookup(name).unwrap_err().known;
            let score = |k: &String| strsim::jaro_winkler(k, name);
            for pair in known.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                assert!(score(a) > score(b) || (score(a) == score(b) && a < b), "{name}: {known:?}");
            }
        }
    }

    #[test]
    fn custom_is_explained_as_a_kind_of_profile_not_listed_as_unknown() {
        let err = lookup("Custom").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("defined in a profile") && !message.contains("unknown"), "{message}");
        assert!(err.hint().contains("--profile"), "{}", err.hint());
    }

    #[test]
    fn any_takes_the_first_field_present() {
        let field = Field::Any(vec![Field::Json("event.type".into()), Field::Json("type".into())]);
        let h = HeaderMap::new();
        let wrapped = br#"{"type": "event_callback", "event": {"type": "app_mention"}}"#;
        assert_eq!(extract(&field, &h, wrapped).as_deref(), Some("app_mention"));
        let bare = br#"{"type": "url_verification", "challenge": "x"}"#;
        assert_eq!(extract(&field, &h, bare).as_deref(), Some("url_verification"));
        assert_eq!(extract(&field, &h, b"command=%2Fweather"), None);
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
    fn every_builtin_is_registered_once_and_found_by_name_and_alias() {
        let names: Vec<String> = builtins().iter().map(|p| p.info().name.clone()).collect();
        for want in ["nexus", "nexudus", "nexadesk", "nudj", "standard", "github", "stripe", "shopify", "slack"] {
            assert_eq!(names.iter().filter(|n| *n == want).count(), 1, "{want} in {names:?}");
            assert_eq!(lookup(want).unwrap().info().name, want);
        }
        assert_eq!(lookup("svix").unwrap().info().name, "standard");
        assert_eq!(lookup(" NexaDesk ").unwrap().info().name, "nexadesk");
    }

    #[test]
    fn check_secret_refuses_exactly_the_secrets_sign_refuses() {
        let secrets =
            ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "bad secret", "whsec_"];
        for p in builtins() {
            for text in secrets {
                let secret = Secret::new(text);
                let input = SignInput { body: b"{}", secret: &secret, timestamp: 1, id: "msg_1", event: None };
                let (checked, signed) = (p.check_secret(&secret), p.sign(&input).map(drop));
                assert_eq!(checked, signed, "{} with {text:?}", p.info().name);
            }
        }
        assert!(lookup("standard").unwrap().check_secret(&Secret::new("bad secret")).is_err());
    }

    #[test]
    fn retry_delays_match_the_documented_attempts_and_grow() {
        for p in builtins() {
            let retry = &p.info().retry;
            if let Some(attempts) = retry.attempts {
                assert_eq!(retry.delays.len() + 1, attempts as usize, "{}", p.info().name);
            }
            assert!(retry.delays.windows(2).all(|w| w[0] <= w[1]), "{}: {:?}", p.info().name, retry.delays);
        }
        assert_eq!(RetryPolicy::doubling(Duration::from_secs(60), 3), [60, 120, 240].map(Duration::from_secs));
        assert!(lookup("nexus").unwrap().info().retry.final_on_4xx);
    }

    #[test]
    fn every_builtin_signature_header_is_a_lowercase_header_name() {
        for p in builtins() {
            let h = &p.info().signature_header;
            assert_eq!(h, &h.to_ascii_lowercase());
            assert!(http::HeaderName::from_bytes(h.as_bytes()).is_ok(), "{h}");
        }
    }
}
