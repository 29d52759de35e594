//! What a run is given: the setup as plain values, the payload deliveries are
//! made from, and the setup handshake each provider sends.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Uri};

use super::{BurstSpec, CheckName, RetrySpec};
use crate::catalog::EventSpec;
use crate::net::Trust;
use crate::provider::Provider;
use crate::secret::Secret;

/// What the deliveries are made from: a catalog event rendered afresh for each
/// one, or the user's own body (`--data`).
#[derive(Debug, Clone)]
pub enum Payload {
    /// A catalog event.
    Event(EventSpec),
    /// The user's bytes, sent as given but for a fresh delivery id where the
    /// provider carries it in the JSON envelope.
    Data {
        /// The event it is (`--event`, or what the body names), if known.
        event: Option<String>,
        /// The bytes.
        bytes: Bytes,
        /// The `Content-Type` to send them with.
        content_type: String,
    },
}

impl Payload {
    /// The event's name as the report shows it.
    pub fn name(&self) -> &str {
        match self {
            Payload::Event(spec) => &spec.name,
            Payload::Data { event, .. } => event.as_deref().unwrap_or("--data"),
        }
    }

    /// The `Content-Type` deliveries carry.
    pub fn content_type(&self) -> &str {
        match self {
            Payload::Event(spec) => &spec.content_type,
            Payload::Data { content_type, .. } => content_type,
        }
    }
}

/// Everything a run needs, as plain values.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The signing scheme and its conventions.
    pub provider: Arc<dyn Provider>,
    /// What reasons call the provider: its name, or a custom scheme's profile name.
    pub label: String,
    /// The signing secret.
    pub secret: Secret,
    /// What deliveries are made from.
    pub payload: Payload,
    /// The provider's setup handshake, from the catalog, when it has one the payload's
    /// kind of receiver answers (see [`handshake`]).
    pub handshake: Option<EventSpec>,
    /// The URL as shown.
    pub url: String,
    /// Where to send.
    pub uri: Uri,
    /// An `Authorization` value every delivery carries (a profile's, or the URL's credentials).
    pub auth: Option<Secret>,
    /// Extra headers every delivery carries (`-H`).
    pub headers: HeaderMap,
    /// How long to wait for each answer (`--timeout`, else the provider's own timeout).
    /// Answers are judged by the provider's timeout whatever this is.
    pub timeout: Duration,
    /// A profile's timestamp tolerance, which `stale-timestamp` uses instead of the provider's.
    pub tolerance: Option<u64>,
    /// Which certificates deliveries accept (`--insecure`); the `tls` check always uses the web's roots.
    pub trust: Trust,
    /// The checks to run, in [`CheckName::ALL`] order.
    pub checks: Vec<CheckName>,
    /// The burst's size.
    pub burst: BurstSpec,
    /// The retry simulation's settings.
    pub retries: RetrySpec,
}

impl Setup {
    /// The provider's own timeout, which answers are judged by.
    pub fn provider_timeout(&self) -> Duration {
        self.provider.info().timeout
    }
}

/// A provider's setup handshake: the catalog event it sends when a webhook URL is set
/// up, whether the setup fails without a 2xx, and whether the answer must echo the
/// body's `challenge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake {
    /// The catalog event.
    pub event: &'static str,
    /// Whether the setup fails without a 2xx (NexaDesk: "must respond with a 200").
    pub required: bool,
    /// Whether the answer must carry the body's `challenge` back (Slack).
    pub echo: bool,
}

/// The setup handshake `provider` sends, if any; `json` says whether the receiver
/// takes JSON (Slack's url_verification comes to Events API receivers, not to
/// slash-command ones).
pub fn handshake(provider: &str, json: bool) -> Option<Handshake> {
    match provider {
        // Seed 002: a test ping on setup, which must get a 200.
        "nexadesk" => Some(Handshake { event: "ping", required: true, echo: false }),
        // GitHub pings a new hook; a failed ping shows, but the hook is made.
        "github" => Some(Handshake { event: "ping", required: false, echo: false }),
        // Slack enables an Events API Request URL only once it echoes the challenge.
        "slack" if json => Some(Handshake { event: "url_verification", required: true, echo: true }),
        _ => None,
    }
}
