//! `hooktap check`'s engine: test one webhook receiver the way its provider will
//! treat it. Each check sends deliveries (valid, forged, stale, repeated,
//! malformed, oversized, many at once) or looks at the URL and its certificate,
//! and is judged pass, fail, warn or skip with a one-line reason and its evidence.
//!
//! The engine takes plain values ([`Setup`]); the command line lives in `cmd::check`.

mod burst;
mod forge;
mod judge;
pub mod junit;
pub mod report;
pub mod retries;
mod runner;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Uri};

use crate::catalog::EventSpec;
use crate::exchange::Exchange as Outcome;
use crate::net::Trust;
use crate::provider::Provider;
use crate::secret::Secret;

pub use burst::{BurstSpec, BurstStats};
pub use forge::{OVERSIZED_BYTES, is_json};
pub use retries::{RetryPlan, RetrySpec, TimeScale, parse_time_scale};
pub use runner::{Progress, run};

/// One check, by its stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckName {
    /// A correctly signed delivery is answered 2xx within the provider's timeout.
    Valid,
    /// The provider's setup handshake (NexaDesk's test ping, Slack's url_verification) is answered.
    Setup,
    /// A delivery signed with the wrong secret is refused.
    BadSignature,
    /// A delivery without its signature header is refused.
    MissingSignature,
    /// A signature header carrying an old secret's signature before the right one is accepted.
    SignatureRotation,
    /// A delivery without the expected `Authorization`, or with a wrong one, is refused.
    Authorization,
    /// The signature is checked over the raw bytes, not over re-serialised JSON.
    Reserialized,
    /// A correctly signed delivery with an old timestamp is refused.
    StaleTimestamp,
    /// The same delivery twice is acknowledged twice.
    Duplicate,
    /// A correctly signed body that does not parse is refused with a 4xx.
    MalformedBody,
    /// A body far larger than any provider sends is refused, not hung on.
    OversizedBody,
    /// Many deliveries at once are all answered within the timeout.
    Burst,
    /// Redeliveries on the provider's retry schedule are acknowledged.
    Retries,
    /// The URL is https, as every provider requires.
    Https,
    /// The certificate is trusted and not about to expire.
    Tls,
}

impl CheckName {
    /// Every check, in the order they run and are reported.
    pub const ALL: [CheckName; 15] = [
        CheckName::Valid,
        CheckName::Setup,
        CheckName::BadSignature,
        CheckName::MissingSignature,
        CheckName::SignatureRotation,
        CheckName::Authorization,
        CheckName::Reserialized,
        CheckName::StaleTimestamp,
        CheckName::Duplicate,
        CheckName::MalformedBody,
        CheckName::OversizedBody,
        CheckName::Burst,
        CheckName::Retries,
        CheckName::Https,
        CheckName::Tls,
    ];

    /// The stable name used by `--only`, `--skip`, JSON and JUnit.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Valid => "valid",
            CheckName::Setup => "setup",
            CheckName::BadSignature => "bad-signature",
            CheckName::MissingSignature => "missing-signature",
            CheckName::SignatureRotation => "signature-rotation",
            CheckName::Authorization => "authorization",
            CheckName::Reserialized => "reserialized",
            CheckName::StaleTimestamp => "stale-timestamp",
            CheckName::Duplicate => "duplicate",
            CheckName::MalformedBody => "malformed-body",
            CheckName::OversizedBody => "oversized-body",
            CheckName::Burst => "burst",
            CheckName::Retries => "retries",
            CheckName::Https => "https",
            CheckName::Tls => "tls",
        }
    }

    /// Looks a check up by name (case and `_`/`-` ignored); the error lists the names,
    /// and names the nearest one when it is near enough to be a typo.
    pub fn parse(text: &str) -> Result<CheckName, UnknownCheck> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        CheckName::ALL.into_iter().find(|c| c.as_str() == wanted).ok_or_else(|| {
            let score = |name: &str| {
                let close = strsim::jaro_winkler(name, &wanted);
                // `bad-sig` for `bad-signature`, `sig` for `missing-signature`: a part of the name.
                if wanted.len() >= 3 && name.contains(wanted.as_str()) { close.max(0.9) } else { close }
            };
            let best = CheckName::ALL
                .iter()
                .map(|c| (c.as_str(), score(c.as_str())))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .filter(|(_, s)| *s >= 0.85)
                .map(|(name, _)| name.to_owned());
            UnknownCheck { name: text.to_owned(), closest: best }
        })
    }

    /// Whether the check sends requests to the endpoint (so cannot run when it is unreachable).
    pub fn delivers(self) -> bool {
        !matches!(self, CheckName::Https | CheckName::Tls)
    }
}

impl std::fmt::Display for CheckName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check {name:?}; the checks are {}", CheckName::ALL.map(CheckName::as_str).join(", "))]
pub struct UnknownCheck {
    /// What was asked for.
    pub name: String,
    /// The nearest real name, when one is near enough to be what was meant.
    pub closest: Option<String>,
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The endpoint behaves as its provider needs.
    Pass,
    /// It does not: the provider would lose, repeat or accept forged deliveries.
    Fail,
    /// It works, with a caveat worth fixing.
    Warn,
    /// Not applicable (or not run), with the reason.
    Skip,
}

impl Verdict {
    /// `pass`, `fail`, `warn` or `skip`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Warn => "warn",
            Verdict::Skip => "skip",
        }
    }

    /// The table's mark: ✓ ✗ ! -.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Pass => "✓",
            Verdict::Fail => "✗",
            Verdict::Warn => "!",
            Verdict::Skip => "-",
        }
    }
}

/// One request a check made and what came of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What was sent, in a few words (`pretty JSON signed over its bytes`).
    pub sent: String,
    /// The answer or the failure, timed.
    pub outcome: Outcome,
}

/// A check's result: the verdict, why, and the evidence.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// Which check.
    pub name: CheckName,
    /// How it came out.
    pub verdict: Verdict,
    /// One line saying why, in terms a receiver's author can act on.
    pub reason: String,
    /// Every request it made, in order (the burst keeps only its statistics).
    pub exchanges: Vec<Exchange>,
    /// Which exchange the verdict rests on, for the status and time shown.
    pub evidence: Option<usize>,
    /// The burst's statistics.
    pub burst: Option<BurstStats>,
    /// How long the check took.
    pub took: Duration,
    /// Whether Ctrl-C stopped it (or kept it from running): not a verdict on the endpoint.
    pub interrupted: bool,
}

impl CheckResult {
    /// A result without requests.
    pub fn bare(name: CheckName, verdict: Verdict, reason: impl Into<String>) -> CheckResult {
        CheckResult {
            name,
            verdict,
            reason: reason.into(),
            exchanges: Vec::new(),
            evidence: None,
            burst: None,
            took: Duration::ZERO,
            interrupted: false,
        }
    }

    /// A check Ctrl-C kept from running.
    pub fn interrupted(name: CheckName) -> CheckResult {
        CheckResult { interrupted: true, ..CheckResult::bare(name, Verdict::Skip, "not run: interrupted") }
    }

    /// The status of the evidence's answer, if it had one.
    pub fn status(&self) -> Option<u16> {
        self.evidence_outcome().and_then(|o| o.status()).map(|s| s.as_u16())
    }

    /// The evidence's time; the p95 for a burst; else how long the check took (zero for a skip).
    pub fn time(&self) -> Duration {
        match (self.evidence_outcome(), &self.burst) {
            (Some(o), _) => o.duration,
            (None, Some(b)) => b.p95,
            (None, None) => self.took,
        }
    }

    fn evidence_outcome(&self) -> Option<&Outcome> {
        self.evidence.and_then(|i| self.exchanges.get(i)).map(|e| &e.outcome)
    }
}

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

/// A whole run: what was checked and every result.
#[derive(Debug, Clone)]
pub struct Report {
    /// The URL as shown.
    pub url: String,
    /// The provider's name.
    pub provider: String,
    /// What reasons call it: the provider's name, or a custom scheme's profile name.
    pub label: String,
    /// The event the deliveries were made from.
    pub event: String,
    /// How long each delivery was waited for.
    pub timeout: Duration,
    /// The provider's own timeout, which answers were judged by.
    pub provider_timeout: Duration,
    /// One result per selected check, in order.
    pub results: Vec<CheckResult>,
    /// How long the whole run took.
    pub elapsed: Duration,
    /// Whether Ctrl-C cut the run short (the remaining checks are skipped).
    pub interrupted: bool,
}

/// How many checks came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Passed with a warning.
    pub warned: usize,
    /// Skipped or not run.
    pub skipped: usize,
}

impl Report {
    /// A report of `setup` with no results yet: what a table's head shows before the checks run.
    pub fn start(setup: &Setup) -> Report {
        Report {
            url: setup.url.clone(),
            provider: setup.provider.info().name.clone(),
            label: setup.label.clone(),
            event: setup.payload.name().to_owned(),
            timeout: setup.timeout,
            provider_timeout: setup.provider_timeout(),
            results: Vec::new(),
            elapsed: Duration::ZERO,
            interrupted: false,
        }
    }

    /// The tally of verdicts.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            match r.verdict {
                Verdict::Pass => c.passed += 1,
                Verdict::Fail => c.failed += 1,
                Verdict::Warn => c.warned += 1,
                Verdict::Skip => c.skipped += 1,
            }
        }
        c
    }

    /// True when the run was not interrupted and no check failed (warnings and skips
    /// allowed): an interrupted run verified too little to call the endpoint fine.
    pub fn ok(&self) -> bool {
        !self.interrupted && self.counts().failed == 0
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

/// The `-H` headers of `setup` that replace one its scheme sets on every delivery (the
/// signature, its timestamp or id, the event, the content type, the Authorization),
/// each with what it replaces, for a warning before the run.
pub fn overrides(setup: &Setup) -> Vec<(String, &'static str)> {
    forge::Forge::new(setup).map(|f| f.overrides()).unwrap_or_default()
}

/// "1.2 s", "340 ms", "1 m", "2 h": durations as the report says them.
pub fn say(d: Duration) -> String {
    let secs = d.as_secs_f64();
    match d.as_millis() {
        0 if d.is_zero() => "0 ms".into(),
        0..=9 => format!("{:.1} ms", secs * 1000.0),
        10..=999 => format!("{} ms", d.as_millis()),
        _ if secs < 60.0 => format!("{} s", trim(secs)),
        // Whole hours read as hours; anything else under ten hours reads better in minutes (65 m).
        _ if secs < 36_000.0 && secs % 3600.0 != 0.0 => format!("{} m", trim(secs / 60.0)),
        _ => format!("{} h", trim(secs / 3600.0)),
    }
}

fn trim(v: f64) -> String {
    let text = format!("{v:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_suggest_the_closest() {
        for c in CheckName::ALL {
            assert_eq!(CheckName::parse(c.as_str()), Ok(c));
        }
        assert_eq!(CheckName::parse("Bad_Signature"), Ok(CheckName::BadSignature));
        let err = CheckName::parse("bad-sig").unwrap_err();
        assert_eq!(err.closest.as_deref(), Some("bad-signature"));
        assert!(err.to_string().contains("valid, setup, bad-signature"), "{err}");
        assert_eq!(CheckName::parse("bursts").unwrap_err().closest.as_deref(), Some("burst"));
        assert_eq!(CheckName::parse("stale").unwrap_err().closest.as_deref(), Some("stale-timestamp"));
        // Nothing near: no suggestion rather than a poor one.
        for far in ["bogus", "x", "signature-check"] {
            assert_eq!(CheckName::parse(far).unwrap_err().closest, None, "{far}");
        }
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(say(Duration::from_micros(1500)), "1.5 ms");
        assert_eq!(say(Duration::from_millis(340)), "340 ms");
        assert_eq!(say(Duration::from_millis(1200)), "1.2 s");
        assert_eq!(say(Duration::from_secs(5)), "5 s");
        assert_eq!(say(Duration::from_secs(60)), "1 m");
        assert_eq!(say(Duration::from_secs(7200)), "2 h");
        assert_eq!(say(Duration::from_secs(86_400)), "24 h");
        assert_eq!(say(Duration::from_secs(3900)), "65 m");
        assert_eq!(say(Duration::from_secs(300)), "5 m");
    }
}
