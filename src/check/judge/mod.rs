//! The judging: what each check's answers mean for a receiver, as a verdict
//! and a reason. Pure functions of the outcomes, so every rule is unit-tested.
//!
//! This file holds what every judgement shares and the `valid` check that the
//! others are read against; the rest live by topic in the submodules.

mod refusals;
mod repeats;
mod setup;
#[cfg(test)]
pub(crate) mod tests;

use std::time::Duration;

use http::StatusCode;

use super::{Verdict, say};
use crate::exchange::{Exchange as Outcome, Failure};

pub use refusals::{Refuse, inconclusive, malformed, oversized, proves_nothing, refusal};
pub use repeats::{Reserialized, duplicate, reserialized};
pub use setup::{authorization, handshake, rotation};

/// A verdict and the one line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// How the check came out.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
}

impl Judgement {
    fn new(verdict: Verdict, reason: impl Into<String>) -> Judgement {
        Judgement { verdict, reason: reason.into() }
    }
}

/// What judging needs to know of the run and the provider.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// What the reasons call the provider.
    pub provider: &'a str,
    /// The provider's own timeout: answers are judged by it.
    pub limit: Duration,
    /// How long each delivery was waited for (`--timeout`, else `limit`).
    pub wait: Duration,
    /// Whether the provider retries a failed delivery by itself.
    pub retries: bool,
    /// Whether a 4xx ends a delivery for good (Nexus).
    pub final_on_4xx: bool,
}

impl Ctx<'_> {
    /// What the provider does about a failed delivery.
    fn after_failure(&self) -> &'static str {
        if self.retries { "counts a failure and retries" } else { "counts a failed delivery" }
    }

    /// `nexadesk's 5 s timeout`.
    fn limit_text(&self) -> String {
        format!("{}'s {} timeout", self.provider, say(self.limit))
    }

    /// Said when the wait was not the provider's timeout.
    fn waited(&self) -> String {
        if self.wait == self.limit { String::new() } else { format!(" (waited up to the {} you set)", say(self.wait)) }
    }
}

/// An outcome reduced to what judging branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// An answer with this status.
    Answer(StatusCode),
    /// No answer within the timeout.
    Timeout(Duration),
    /// No connection at all.
    Unreachable(&'a str),
    /// Connected, but the exchange ended without a (whole) answer.
    Dropped(&'a str),
    /// Ctrl-C.
    Interrupted,
}

/// What an outcome comes to.
pub fn seen(outcome: &Outcome) -> Seen<'_> {
    match &outcome.result {
        Ok(answer) => Seen::Answer(answer.status),
        Err(Failure::Timeout(t)) => Seen::Timeout(*t),
        Err(Failure::Connect(e)) => Seen::Unreachable(e),
        Err(Failure::Interrupted) => Seen::Interrupted,
        Err(
            Failure::NoAnswer(e)
            | Failure::NotHttp(e)
            | Failure::CutOff(e)
            | Failure::Closed(e)
            | Failure::Other(e)
            | Failure::Request(e),
        ) => Seen::Dropped(e),
    }
}

/// An outcome in a word or two: `401`, `no answer`, `a closed connection`.
pub fn brief(outcome: &Outcome) -> String {
    match seen(outcome) {
        Seen::Answer(s) => s.as_u16().to_string(),
        Seen::Timeout(t) => format!("no answer within {}", say(t)),
        Seen::Unreachable(_) => "no connection".into(),
        Seen::Dropped(_) => "a closed connection".into(),
        Seen::Interrupted => "interrupted".into(),
    }
}

/// The judgement for outcomes every check reads the same way: no connection, no
/// answer in time, Ctrl-C. `None` for an answer or a dropped exchange.
fn no_answer(outcome: &Outcome, ctx: Ctx<'_>) -> Option<Judgement> {
    match (seen(outcome), &outcome.result) {
        (Seen::Timeout(t), _) => Some(Judgement::new(Verdict::Fail, timed_out(t, ctx))),
        // With the fix when there is a flag for it (a certificate no public authority signed: -k).
        (Seen::Unreachable(_), Err(failure)) => Some(Judgement::new(Verdict::Fail, failure.with_fix())),
        (Seen::Interrupted, _) => Some(Judgement::new(Verdict::Skip, "interrupted before an answer came")),
        _ => None,
    }
}

/// No answer within `waited`, said against the provider's own timeout.
fn timed_out(waited: Duration, ctx: Ctx<'_>) -> String {
    let (p, limit) = (ctx.provider, say(ctx.limit));
    if waited < ctx.limit {
        format!("no answer within {} (the --timeout you set; {p} itself waits {limit})", say(waited))
    } else if waited == ctx.limit {
        format!("no answer within {limit}: {p} gives up then, {}", ctx.after_failure())
    } else {
        format!("no answer within {}: {p} gives up after {limit}, {}", say(waited), ctx.after_failure())
    }
}

/// `valid`: a correctly signed delivery must be answered 2xx within the provider's
/// timeout (whatever `--timeout` waited for); an answer in the last fifth of it is a
/// warning (a slow day turns it into a failure). A refusal's reason depends on its
/// status: only 401 and 403 point at the secret.
pub fn valid(outcome: &Outcome, ctx: Ctx<'_>, event: &str) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    let took = say(outcome.duration);
    let limit = ctx.limit_text();
    let p = ctx.provider;
    let Seen::Answer(s) = seen(outcome) else { return dropped("a correctly signed delivery", Verdict::Fail, outcome) };
    let code = s.as_u16();
    let (verdict, reason) = match code {
        _ if s.is_success() && outcome.duration > ctx.limit => (
            Verdict::Fail,
            format!(
                "answered {code} in {took}, past {limit}{}: {p} would have given up and {}; answer first, do \
                 the work afterwards",
                ctx.waited(),
                ctx.after_failure()
            ),
        ),
        _ if s.is_success() && outcome.duration * 5 > ctx.limit * 4 => (
            Verdict::Warn,
            format!("answered {code} in {took}, close to {limit}: answer first, do the work afterwards"),
        ),
        _ if s.is_success() => (Verdict::Pass, format!("answered {code} in {took}, within {limit}")),
        _ if s.is_redirection() => {
            (Verdict::Fail, format!("answered {code}: providers do not follow redirects; give them the final URL"))
        }
        401 | 403 => (
            Verdict::Fail,
            format!(
                "refused a correctly signed delivery with {code}: check the secret, and that the signature is \
                 verified over the raw body bytes"
            ),
        ),
        404 | 410 => (
            Verdict::Fail,
            format!("answered {code} to a correctly signed delivery: is the path right? No route seems to take it"),
        ),
        405 => (Verdict::Fail, "answered 405: the route does not take POST, which is how deliveries come".into()),
        400 | 422 => (
            Verdict::Fail,
            format!(
                "refused a correctly signed {event} delivery with {code}: the receiver's own validation rejects \
                 the provider's payload; accept what {p} sends (and answer 2xx to events you ignore)"
            ),
        ),
        413 => (
            Verdict::Fail,
            "refused an ordinary delivery with 413: the body size limit is below what the provider sends".into(),
        ),
        429 => (
            Verdict::Fail,
            format!(
                "answered 429 to a single delivery: {p} {}; rate limits must let deliveries through",
                ctx.after_failure()
            ),
        ),
        _ if s.is_client_error() && ctx.final_on_4xx => (
            Verdict::Fail,
            format!("refused a correctly signed delivery with {code}: {p} takes a 4xx as final and drops the delivery"),
        ),
        _ if s.is_client_error() => {
            (Verdict::Fail, format!("refused a correctly signed delivery with {code}: {p} {}", ctx.after_failure()))
        }
        _ => (Verdict::Fail, format!("answered {code} to a correctly signed delivery: {p} {}", ctx.after_failure())),
    };
    Judgement::new(verdict, reason)
}

/// An exchange that ended without an answer once connected.
fn dropped(what: &str, verdict: Verdict, outcome: &Outcome) -> Judgement {
    let detail = match seen(outcome) {
        Seen::Dropped(e) => e.to_owned(),
        _ => "no answer".into(),
    };
    Judgement::new(
        verdict,
        format!("closed the connection without answering {what} ({detail}): the provider counts a failed delivery"),
    )
}
