//! The judging: what each check's answers mean for a receiver, as a verdict
//! and a reason. Pure functions of the outcomes, so every rule is unit-tested.

use std::time::Duration;

use http::StatusCode;

use super::{Verdict, say};
use crate::exchange::{Exchange as Outcome, Failure};

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

/// A delivery the receiver must refuse, and what accepting it would mean.
#[derive(Debug, Clone, Copy)]
pub struct Refuse<'a> {
    /// What was sent (`a delivery signed with the wrong secret`).
    pub what: &'a str,
    /// What accepting it means (`anyone who knows the URL can forge events`).
    pub accepted_means: &'a str,
}

/// `bad-signature`, `missing-signature`, `stale-timestamp`: 4xx passes (401/403
/// say why best), 2xx fails, 5xx warns (refused, but the provider would retry it).
pub fn refusal(outcome: &Outcome, refuse: Refuse<'_>, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    let Refuse { what, accepted_means } = refuse;
    match seen(outcome) {
        Seen::Answer(s) if matches!(s.as_u16(), 401 | 403) => {
            Judgement::new(Verdict::Pass, format!("refused {what} with {}", s.as_u16()))
        }
        Seen::Answer(s) if s.is_client_error() => {
            Judgement::new(Verdict::Pass, format!("refused {what} with {} (401 or 403 would say why)", s.as_u16()))
        }
        Seen::Answer(s) if s.is_success() => {
            Judgement::new(Verdict::Fail, format!("accepted {what} ({}): {accepted_means}", s.as_u16()))
        }
        Seen::Answer(s) if s.is_server_error() => Judgement::new(
            Verdict::Warn,
            format!(
                "answered {what} with {}: refused, but a 5xx asks the provider to retry it; answer 401",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => {
            Judgement::new(Verdict::Warn, format!("answered {what} with {}, not a refusal; answer 401", s.as_u16()))
        }
        _ => dropped(what, Verdict::Warn, outcome),
    }
}

/// Whether a refusal check's `outcome` tells nothing because correctly signed
/// deliveries get the same treatment (`valid`'s outcome): the same status, a 4xx
/// like valid's 4xx, or the same closed connection. A 2xx always tells something.
pub fn proves_nothing(valid: &Outcome, outcome: &Outcome) -> bool {
    match (seen(valid), seen(outcome)) {
        (Seen::Answer(v), _) if v.is_success() => false,
        (_, Seen::Answer(t)) if t.is_success() => false,
        // A 413 names the size, which valid's body did not exceed, so it tells even then.
        (Seen::Answer(v), Seen::Answer(t)) => {
            v == t || (v.is_client_error() && t.is_client_error() && t != StatusCode::PAYLOAD_TOO_LARGE)
        }
        (Seen::Dropped(_), Seen::Dropped(_)) => true,
        _ => false,
    }
}

/// The skip for a refusal that [`proves_nothing`].
pub fn inconclusive(valid: &Outcome, outcome: &Outcome) -> Judgement {
    Judgement::new(
        Verdict::Skip,
        format!(
            "inconclusive: the receiver refuses valid deliveries too (valid got {}), so this {} proves nothing; \
             fix valid first",
            brief(valid),
            brief(outcome)
        ),
    )
}

/// `duplicate`: the same delivery twice must be acknowledged twice. The repeat is
/// only sent (`second`) when the first delivery got its 2xx. Whether the second one
/// had side effects cannot be seen from outside, so the reason says how to dedupe.
/// A refused repeat fails where the provider resends by itself, and warns where
/// repeats come only from a redelivery by hand (GitHub).
pub fn duplicate(first: &Outcome, second: Option<&Outcome>, ctx: Ctx<'_>, dedupe_on: &str) -> Judgement {
    if let Some(j) = no_answer(first, ctx) {
        return j;
    }
    let p = ctx.provider;
    match seen(first) {
        Seen::Answer(s) if s.is_success() => {}
        Seen::Answer(s) => {
            return Judgement::new(
                Verdict::Fail,
                format!(
                    "the first, correctly signed delivery was answered {}, so no repeat was sent: {p} {}",
                    s.as_u16(),
                    ctx.after_failure()
                ),
            );
        }
        _ => return dropped("the first delivery", Verdict::Fail, first),
    }
    let Some(second) = second else {
        return Judgement::new(Verdict::Skip, "interrupted before the repeat was sent");
    };
    if let Some(j) = no_answer(second, ctx) {
        return j;
    }
    let fix = format!("acknowledge a duplicate with 2xx and skip the work (dedupe on {dedupe_on})");
    match seen(second) {
        Seen::Answer(s) if s.is_success() => Judgement::new(
            Verdict::Pass,
            format!(
                "acknowledged the same delivery twice ({}, {}); whether the repeat had side effects cannot be \
                 seen from outside: dedupe on {dedupe_on}",
                first.status().map_or(0, |s| s.as_u16()),
                s.as_u16()
            ),
        ),
        Seen::Answer(s) if !ctx.retries => Judgement::new(
            Verdict::Warn,
            format!(
                "answered the repeat {}: {p} does not retry by itself, but a delivery redelivered by hand comes \
                 again and this answer marks it failed; {fix}",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) if ctx.final_on_4xx && s.is_client_error() => Judgement::new(
            Verdict::Fail,
            format!(
                "answered the repeat {}: {p} resends a delivery when it misses the 2xx (a timeout or a 5xx) and \
                 takes a 4xx as final, so the delivery is dropped; {fix}",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => Judgement::new(
            Verdict::Fail,
            format!(
                "answered the repeat {}: {p} resends a delivery whenever it misses the 2xx and reads this as a \
                 failed delivery; {fix}",
                s.as_u16()
            ),
        ),
        _ => dropped("the repeated delivery", Verdict::Fail, second),
    }
}

/// `reserialized`'s answers: the pretty-printed body signed over its exact bytes (as
/// a provider signs), signed over its compact re-serialisation (what a receiver
/// verifying `JSON.stringify(req.body)` computes), and, when neither was accepted,
/// signed over Python's `json.dumps` form (`", "` and `": "` separators, non-ASCII escaped).
#[derive(Debug, Clone, Copy)]
pub struct Reserialized<'a> {
    /// Signed over the bytes sent.
    pub exact: &'a Outcome,
    /// Signed over the compact form.
    pub compact: &'a Outcome,
    /// Signed over `json.dumps`' form, when it was sent.
    pub python: Option<&'a Outcome>,
}

/// `reserialized`: the exact signature must be accepted and the others refused.
/// A receiver that verifies re-serialised JSON does the opposite.
pub fn reserialized(r: Reserialized<'_>, ctx: Ctx<'_>) -> Judgement {
    for o in [Some(r.exact), Some(r.compact), r.python].into_iter().flatten() {
        if let Some(j) = no_answer(o, ctx) {
            return j;
        }
    }
    let (a, b) = (seen(r.exact), seen(r.compact));
    let code = |s: Seen<'_>| match s {
        Seen::Answer(s) => s.as_u16().to_string(),
        _ => "no answer".into(),
    };
    let python = r.python.map(seen);
    let evidence = match python {
        Some(c) => format!(
            "(signed over its bytes: {}; over the compact form: {}; over json.dumps' form: {})",
            code(a),
            code(b),
            code(c)
        ),
        None => format!("(signed over its bytes: {}; over the compact form: {})", code(a), code(b)),
    };
    let accepted = |s: Seen<'_>| matches!(s, Seen::Answer(s) if s.is_success());
    let refused = |s: Seen<'_>| matches!(s, Seen::Answer(s) if s.is_client_error());
    if accepted(a) && refused(b) {
        Judgement::new(Verdict::Pass, format!("the signature is checked over the raw body bytes {evidence}"))
    } else if !accepted(a) && accepted(b) {
        Judgement::new(
            Verdict::Fail,
            format!(
                "verifies re-serialised JSON (like JSON.stringify(req.body)), not the bytes received {evidence}: \
                 any whitespace or key-order change breaks it; verify the raw body before parsing"
            ),
        )
    } else if !accepted(a) && python.is_some_and(accepted) {
        Judgement::new(
            Verdict::Fail,
            format!(
                "verifies re-serialised JSON (like Python's json.dumps(json.loads(body)), which adds spaces after \
                 , and :), not the bytes received {evidence}: it refuses every delivery as the provider sends it; \
                 verify the raw body before parsing"
            ),
        )
    } else if accepted(b) {
        Judgement::new(
            Verdict::Fail,
            format!(
                "accepted a signature made over other bytes than were sent {evidence}: it does not verify the raw body"
            ),
        )
    } else if !accepted(a) {
        Judgement::new(
            Verdict::Fail,
            format!(
                "refused pretty-printed JSON correctly signed over its bytes {evidence}: providers sign the bytes \
                 they send, whitespace included"
            ),
        )
    } else {
        Judgement::new(
            Verdict::Warn,
            format!("refused a signature over the compact form, but not with a 4xx {evidence}; answer 401"),
        )
    }
}

/// `malformed-body`: a correctly signed body that does not parse should get a 4xx;
/// 5xx fails (the provider would resend what never parses), 2xx warns.
pub fn malformed(outcome: &Outcome, what: &str, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    match seen(outcome) {
        Seen::Answer(s) if s.is_client_error() => {
            Judgement::new(Verdict::Pass, format!("refused {what} with {}", s.as_u16()))
        }
        Seen::Answer(s) if s.is_server_error() => Judgement::new(
            Verdict::Fail,
            format!(
                "answered {what} with {}: a 5xx asks the provider to resend a body that will never parse; answer 400",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) if s.is_success() => Judgement::new(
            Verdict::Warn,
            format!(
                "accepted {what} ({}): fine if raw bytes are stored for later, but nothing can be processed \
                 from it and the provider will not resend it",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => Judgement::new(Verdict::Warn, format!("answered {what} with {}; answer 400", s.as_u16())),
        _ => dropped(what, Verdict::Fail, outcome),
    }
}

/// `oversized-body`: 413 (or any 4xx) passes, and so does a connection closed before
/// the whole body was taken (a refusal, if a terse one); a hang fails.
pub fn oversized(outcome: &Outcome, size: &str, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    match seen(outcome) {
        Seen::Answer(s) if s == StatusCode::PAYLOAD_TOO_LARGE => {
            Judgement::new(Verdict::Pass, format!("refused a {size} body with 413"))
        }
        Seen::Answer(s) if s.is_client_error() => {
            Judgement::new(Verdict::Pass, format!("refused a {size} body with {} (413 would say why)", s.as_u16()))
        }
        Seen::Answer(s) if s.is_success() => Judgement::new(
            Verdict::Warn,
            format!(
                "accepted a {size} body ({}): with no size limit a few large requests can exhaust memory; \
                 cap bodies (providers send kilobytes) and answer 413",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => {
            Judgement::new(Verdict::Warn, format!("answered a {size} body with {}; answer 413", s.as_u16()))
        }
        // A server that answers 413 and closes while the body is still coming often has the
        // answer lost with the connection (the reset discards it), so none is asked for here.
        Seen::Dropped(e) => Judgement::new(
            Verdict::Pass,
            format!(
                "closed the connection before taking the whole {size} body, which counts as a refusal (an answer \
                 sent before the close, such as a 413, is lost with the connection): {e}"
            ),
        ),
        _ => Judgement::new(Verdict::Fail, "no answer"),
    }
}

/// `setup`: the provider's setup handshake must get a 2xx (and, where the provider
/// asks for it, the body's `challenge` back); without one the setup fails, or, where
/// it is not `required` (GitHub's ping), the webhook shows as failing.
pub fn handshake(outcome: &Outcome, hs: super::Handshake, challenge: Option<&str>, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    let (p, event) = (ctx.provider, hs.event);
    let missed = if hs.required { Verdict::Fail } else { Verdict::Warn };
    let consequence = if hs.required {
        "without a 2xx the webhook cannot be set up"
    } else {
        "without a 2xx the new webhook shows as failing"
    };
    match (seen(outcome), &outcome.result) {
        (Seen::Answer(s), Ok(answer)) if s.is_success() => match challenge {
            Some(c) if hs.echo && !String::from_utf8_lossy(&answer.body).contains(c) => Judgement::new(
                Verdict::Fail,
                format!(
                    "answered {p}'s {event} with {} but without its challenge: {p} enables the URL only once the \
                     challenge comes back (as the body, or as {{\"challenge\": …}})",
                    s.as_u16()
                ),
            ),
            Some(_) if hs.echo => {
                Judgement::new(Verdict::Pass, format!("answered {p}'s {event} with {} and its challenge", s.as_u16()))
            }
            _ => Judgement::new(Verdict::Pass, format!("answered {p}'s setup {event} with {}", s.as_u16())),
        },
        (Seen::Answer(s), _) => Judgement::new(
            missed,
            format!(
                "answered {p}'s setup {event} with {}: {p} sends it when the webhook is set up, and {consequence}; \
                 answer 2xx to events you do not handle",
                s.as_u16()
            ),
        ),
        _ => dropped(&format!("{p}'s setup {event}"), missed, outcome),
    }
}

/// `signature-rotation`: a correct delivery whose header also carries a signature
/// made with another secret (first) must be accepted: the provider sends one per
/// active secret while a secret is rotated.
pub fn rotation(outcome: &Outcome, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome, ctx) {
        return j;
    }
    let p = ctx.provider;
    match seen(outcome) {
        Seen::Answer(s) if s.is_success() => Judgement::new(
            Verdict::Pass,
            format!(
                "accepted a delivery whose header carries another secret's signature before the right one ({}), as \
                 {p} sends while a secret is rotated",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => Judgement::new(
            Verdict::Fail,
            format!(
                "answered {} to a correctly signed delivery whose header also carries a signature made with another \
                 secret: {p} sends one per active secret while a secret is rotated, so check every signature in \
                 the header, not only the first",
                s.as_u16()
            ),
        ),
        _ => dropped("a delivery signed for a rotation", Verdict::Fail, outcome),
    }
}

/// `authorization`: with an `Authorization` configured, a correct delivery without
/// it, and one with a wrong value, must both be refused.
pub fn authorization(without: &Outcome, wrong: &Outcome, ctx: Ctx<'_>) -> Judgement {
    for o in [without, wrong] {
        if let Some(j) = no_answer(o, ctx) {
            return j;
        }
    }
    let code = |o: &Outcome| brief(o);
    let accepted = |o: &Outcome| o.is_ok();
    let refused = |o: &Outcome| matches!(seen(o), Seen::Answer(s) if s.is_client_error());
    if accepted(without) {
        Judgement::new(
            Verdict::Fail,
            format!(
                "accepted a correctly signed delivery without its Authorization ({}): the Authorization header is \
                 not checked",
                code(without)
            ),
        )
    } else if accepted(wrong) {
        Judgement::new(
            Verdict::Fail,
            format!("accepted a delivery with a wrong Authorization ({}): its value is not checked", code(wrong)),
        )
    } else if refused(without) && refused(wrong) {
        Judgement::new(
            Verdict::Pass,
            format!(
                "refused a delivery without Authorization ({}) and one with a wrong value ({})",
                code(without),
                code(wrong)
            ),
        )
    } else {
        Judgement::new(
            Verdict::Warn,
            format!(
                "answered a delivery without Authorization with {} and one with a wrong value with {}: refused, but \
                 not with a 4xx; answer 401",
                code(without),
                code(wrong)
            ),
        )
    }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::exchange::Answer;

    pub(crate) fn answered(status: u16, ms: u64) -> Outcome {
        Outcome {
            started_at: 0,
            url: String::new(),
            duration: Duration::from_millis(ms),
            result: Ok(Answer {
                status: StatusCode::from_u16(status).unwrap(),
                headers: http::HeaderMap::new(),
                body: bytes::Bytes::new(),
                size: 0,
            }),
        }
    }

    pub(crate) fn failed(e: Failure) -> Outcome {
        Outcome { url: String::new(), started_at: 0, duration: Duration::from_secs(1), result: Err(e) }
    }

    pub(crate) const CTX: Ctx<'static> = Ctx {
        provider: "nexadesk",
        limit: Duration::from_secs(5),
        wait: Duration::from_secs(5),
        retries: true,
        final_on_4xx: false,
    };
    const FORGED: Refuse<'static> = Refuse { what: "a forgery", accepted_means: "anyone can forge events" };

    fn verdict(j: Judgement) -> Verdict {
        j.verdict
    }

    fn valid_(o: &Outcome) -> Judgement {
        valid(o, CTX, "lead.created")
    }

    #[test]
    fn valid_needs_a_2xx_in_time_and_warns_near_the_limit() {
        assert_eq!(verdict(valid_(&answered(200, 10))), Verdict::Pass);
        assert_eq!(verdict(valid_(&answered(204, 4500))), Verdict::Warn);
        for status in [301, 401, 500] {
            assert_eq!(verdict(valid_(&answered(status, 10))), Verdict::Fail, "{status}");
        }
        let late = valid_(&failed(Failure::Timeout(Duration::from_secs(5))));
        assert_eq!(late.verdict, Verdict::Fail);
        assert!(late.reason.starts_with("no answer within 5 s: nexadesk gives up then"), "{}", late.reason);
        assert_eq!(verdict(valid_(&failed(Failure::Connect("refused".into())))), Verdict::Fail);
    }

    #[test]
    fn a_longer_timeout_waits_longer_but_answers_are_judged_by_the_providers() {
        let patient = Ctx { wait: Duration::from_secs(10), ..CTX };
        let warn = valid(&answered(200, 4500), patient, "e");
        assert_eq!(warn.verdict, Verdict::Warn, "{}", warn.reason);
        assert!(warn.reason.contains("close to nexadesk's 5 s timeout"), "{}", warn.reason);
        let late = valid(&answered(200, 6000), patient, "e");
        assert_eq!(late.verdict, Verdict::Fail, "{}", late.reason);
        assert!(late.reason.contains("past nexadesk's 5 s timeout (waited up to the 10 s you set)"), "{}", late.reason);
        let missed = valid(&failed(Failure::Timeout(Duration::from_secs(10))), patient, "e");
        assert!(missed.reason.starts_with("no answer within 10 s: nexadesk gives up after 5 s"), "{}", missed.reason);
        // A shorter --timeout is the user's bound, and said to be.
        let hasty = Ctx { wait: Duration::from_millis(200), ..CTX };
        let cut = valid(&failed(Failure::Timeout(Duration::from_millis(200))), hasty, "e");
        assert!(cut.reason.contains("the --timeout you set; nexadesk itself waits 5 s"), "{}", cut.reason);
    }

    #[test]
    fn only_401_and_403_blame_the_secret() {
        let reason = |status| valid_(&answered(status, 1)).reason;
        for status in [401, 403] {
            assert!(reason(status).contains("check the secret"), "{status}: {}", reason(status));
        }
        for status in [400, 404, 405, 409, 413, 422, 429, 500] {
            assert!(!reason(status).contains("secret"), "{status}: {}", reason(status));
        }
        assert!(reason(404).contains("is the path right?"), "{}", reason(404));
        assert!(reason(422).contains("own validation rejects"), "{}", reason(422));
        assert!(reason(422).contains("lead.created"), "{}", reason(422));
        assert!(reason(500).contains("retries"), "{}", reason(500));
        let nexus = Ctx { provider: "nexus", final_on_4xx: true, ..CTX };
        assert!(valid(&answered(409, 1), nexus, "e").reason.contains("nexus takes a 4xx as final"));
        let github = Ctx { provider: "github", retries: false, ..CTX };
        assert!(!valid(&answered(500, 1), github, "e").reason.contains("retries"));
    }

    #[test]
    fn a_certificate_failure_says_how_to_test_the_rest() {
        let j = valid_(&failed(Failure::Connect("invalid peer certificate: UnknownIssuer".into())));
        assert_eq!(j.verdict, Verdict::Fail);
        assert!(j.reason.contains("UnknownIssuer") && j.reason.contains("--insecure (-k)"), "{}", j.reason);
    }

    #[test]
    fn forgeries_must_get_a_4xx_and_a_5xx_only_warns() {
        assert_eq!(verdict(refusal(&answered(401, 1), FORGED, CTX)), Verdict::Pass);
        let other = refusal(&answered(400, 1), FORGED, CTX);
        assert_eq!((other.verdict, other.reason.contains("401 or 403")), (Verdict::Pass, true));
        let accepted = refusal(&answered(200, 1), FORGED, CTX);
        assert_eq!(accepted.verdict, Verdict::Fail);
        assert!(accepted.reason.contains("anyone can forge events"), "{}", accepted.reason);
        assert_eq!(verdict(refusal(&answered(500, 1), FORGED, CTX)), Verdict::Warn);
        assert_eq!(verdict(refusal(&failed(Failure::NoAnswer("eof".into())), FORGED, CTX)), Verdict::Warn);
        assert_eq!(verdict(refusal(&failed(Failure::Timeout(Duration::from_secs(1))), FORGED, CTX)), Verdict::Fail);
    }

    #[test]
    fn a_refusal_proves_nothing_when_valid_deliveries_are_refused_the_same_way() {
        let refused = answered(401, 1);
        assert!(proves_nothing(&refused, &answered(401, 1)));
        assert!(proves_nothing(&refused, &answered(400, 1)), "a 4xx like valid's 4xx");
        assert!(proves_nothing(&answered(308, 1), &answered(308, 1)));
        assert!(proves_nothing(&answered(500, 1), &answered(500, 1)));
        assert!(!proves_nothing(&answered(500, 1), &answered(401, 1)), "a 401 where valid got 500 tells");
        assert!(!proves_nothing(&refused, &answered(200, 1)), "an accepted forgery always tells");
        assert!(!proves_nothing(&refused, &failed(Failure::NoAnswer("crash".into()))), "a crash tells");
        assert!(!proves_nothing(&answered(200, 1), &answered(401, 1)), "valid accepted: the refusal counts");
        assert!(!proves_nothing(&refused, &answered(413, 1)), "a 413 names the size");
        assert!(proves_nothing(&answered(413, 1), &answered(413, 1)));
        let j = inconclusive(&refused, &answered(401, 1));
        assert_eq!(j.verdict, Verdict::Skip);
        assert!(j.reason.contains("refuses valid deliveries too (valid got 401), so this 401 proves nothing"));
    }

    #[test]
    fn duplicates_must_be_acknowledged_both_times() {
        let ok = answered(200, 1);
        let pass = duplicate(&ok, Some(&answered(200, 1)), CTX, "the id");
        assert_eq!(pass.verdict, Verdict::Pass);
        assert!(pass.reason.contains("cannot be seen from outside"), "{}", pass.reason);
        let conflict = duplicate(&ok, Some(&answered(409, 1)), CTX, "the id");
        assert_eq!(conflict.verdict, Verdict::Fail);
        assert!(conflict.reason.starts_with("answered the repeat 409"), "{}", conflict.reason);
        assert!(conflict.reason.contains("nexadesk resends a delivery whenever it misses the 2xx"));
        assert_eq!(verdict(duplicate(&ok, Some(&answered(500, 1)), CTX, "x")), Verdict::Fail);
    }

    #[test]
    fn a_refused_first_delivery_sends_no_repeat_and_says_so() {
        let j = duplicate(&answered(503, 1), None, CTX, "x");
        assert_eq!(j.verdict, Verdict::Fail);
        assert!(j.reason.contains("answered 503, so no repeat was sent"), "{}", j.reason);
        assert!(!j.reason.contains("see valid"), "{}", j.reason);
    }

    #[test]
    fn a_repeat_refused_by_a_provider_that_never_retries_is_only_a_warning() {
        let github = Ctx { provider: "github", retries: false, ..CTX };
        let j = duplicate(&answered(200, 1), Some(&answered(409, 1)), github, "the X-GitHub-Delivery header");
        assert_eq!(j.verdict, Verdict::Warn, "{}", j.reason);
        assert!(j.reason.contains("github does not retry by itself"), "{}", j.reason);
        assert!(!j.reason.contains("resends"), "{}", j.reason);
        let nexus = Ctx { provider: "nexus", final_on_4xx: true, ..CTX };
        let j = duplicate(&answered(200, 1), Some(&answered(409, 1)), nexus, "x");
        assert!(j.reason.contains("takes a 4xx as final"), "{}", j.reason);
    }

    fn reser(a: u16, b: u16, c: Option<u16>) -> Judgement {
        let (a, b, c) = (answered(a, 1), answered(b, 1), c.map(|c| answered(c, 1)));
        reserialized(Reserialized { exact: &a, compact: &b, python: c.as_ref() }, CTX)
    }

    #[test]
    fn reserialization_is_told_apart_from_raw_byte_verification() {
        assert_eq!(verdict(reser(200, 401, None)), Verdict::Pass);
        let stringify = reser(401, 200, None);
        assert_eq!(stringify.verdict, Verdict::Fail);
        assert!(stringify.reason.contains("JSON.stringify"), "{}", stringify.reason);
        assert!(stringify.reason.contains("over its bytes: 401; over the compact form: 200"), "{}", stringify.reason);
        let unchecked = reser(200, 200, None);
        assert!(unchecked.reason.contains("other bytes than were sent"), "{}", unchecked.reason);
        assert_eq!(verdict(reser(401, 401, None)), Verdict::Fail);
        assert_eq!(verdict(reser(200, 500, None)), Verdict::Warn);
    }

    #[test]
    fn pythons_json_dumps_form_is_recognised() {
        let python = reser(401, 401, Some(200));
        assert_eq!(python.verdict, Verdict::Fail);
        assert!(python.reason.contains("json.dumps(json.loads(body))"), "{}", python.reason);
        assert!(python.reason.contains("over json.dumps' form: 200"), "{}", python.reason);
        let neither = reser(401, 401, Some(401));
        assert!(neither.reason.starts_with("refused pretty-printed JSON"), "{}", neither.reason);
    }

    fn with_body(status: u16, body: &str) -> Outcome {
        let mut o = answered(status, 1);
        if let Ok(answer) = &mut o.result {
            answer.body = bytes::Bytes::copy_from_slice(body.as_bytes());
        }
        o
    }

    #[test]
    fn setup_handshakes_need_a_2xx_and_slacks_its_challenge_back() {
        use crate::check::Handshake;
        let ping = Handshake { event: "ping", required: true, echo: false };
        assert_eq!(handshake(&answered(200, 1), ping, None, CTX).verdict, Verdict::Pass);
        let refused = handshake(&answered(400, 1), ping, None, CTX);
        assert_eq!(refused.verdict, Verdict::Fail);
        assert!(refused.reason.contains("cannot be set up"), "{}", refused.reason);
        let github = Handshake { required: false, ..ping };
        assert_eq!(handshake(&answered(400, 1), github, None, CTX).verdict, Verdict::Warn);
        let slack = Handshake { event: "url_verification", required: true, echo: true };
        assert_eq!(handshake(&with_body(200, "abc123"), slack, Some("abc123"), CTX).verdict, Verdict::Pass);
        let json = with_body(200, r#"{"challenge":"abc123"}"#);
        assert_eq!(handshake(&json, slack, Some("abc123"), CTX).verdict, Verdict::Pass);
        let silent = handshake(&with_body(200, ""), slack, Some("abc123"), CTX);
        assert_eq!(silent.verdict, Verdict::Fail);
        assert!(silent.reason.contains("without its challenge"), "{}", silent.reason);
    }

    #[test]
    fn a_rotation_header_must_be_accepted_and_authorization_enforced() {
        assert_eq!(rotation(&answered(200, 1), CTX).verdict, Verdict::Pass);
        let first_only = rotation(&answered(401, 1), CTX);
        assert_eq!(first_only.verdict, Verdict::Fail);
        assert!(first_only.reason.contains("check every signature"), "{}", first_only.reason);
        assert_eq!(authorization(&answered(401, 1), &answered(403, 1), CTX).verdict, Verdict::Pass);
        let open = authorization(&answered(200, 1), &answered(401, 1), CTX);
        assert!(open.verdict == Verdict::Fail && open.reason.contains("without its Authorization"));
        let value = authorization(&answered(401, 1), &answered(200, 1), CTX);
        assert!(value.verdict == Verdict::Fail && value.reason.contains("wrong Authorization"));
        assert_eq!(authorization(&answered(500, 1), &answered(500, 1), CTX).verdict, Verdict::Warn);
    }

    #[test]
    fn malformed_bodies_want_a_4xx_and_fail_on_a_5xx_or_a_hang() {
        let m = |o: &Outcome| malformed(o, "junk", CTX).verdict;
        assert_eq!(m(&answered(400, 1)), Verdict::Pass);
        assert_eq!(m(&answered(500, 1)), Verdict::Fail);
        assert_eq!(m(&answered(200, 1)), Verdict::Warn);
        assert_eq!(m(&failed(Failure::Timeout(Duration::from_secs(1)))), Verdict::Fail);
        assert_eq!(m(&failed(Failure::NoAnswer("crash".into()))), Verdict::Fail);
    }

    #[test]
    fn oversized_bodies_may_be_refused_by_closing_but_not_by_hanging() {
        let o = |outcome: &Outcome| oversized(outcome, "10 MiB", CTX);
        assert_eq!(o(&answered(413, 1)).verdict, Verdict::Pass);
        assert_eq!(o(&answered(400, 1)).verdict, Verdict::Pass);
        let closed = o(&failed(Failure::Other("connection reset".into())));
        assert_eq!(closed.verdict, Verdict::Pass);
        assert!(closed.reason.contains("counts as a refusal"), "{}", closed.reason);
        // The receiver may well have sent a 413 that the reset lost: no advice to send one.
        assert!(!closed.reason.contains("413 would say why"), "{}", closed.reason);
        assert_eq!(o(&answered(200, 1)).verdict, Verdict::Warn);
        assert_eq!(o(&failed(Failure::Timeout(Duration::from_secs(1)))).verdict, Verdict::Fail);
        // Its longer wait is not the provider's: Nexus gives up after 1 s.
        let nexus = Ctx { provider: "nexus", limit: Duration::from_secs(1), wait: Duration::from_secs(1), ..CTX };
        let hang = oversized(&failed(Failure::Timeout(Duration::from_secs(10))), "10 MiB", nexus);
        assert!(hang.reason.starts_with("no answer within 10 s: nexus gives up after 1 s"), "{}", hang.reason);
    }
}
