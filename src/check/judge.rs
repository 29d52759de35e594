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

/// What judging needs to know of the run.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The provider's name, for the reasons.
    pub provider: &'a str,
    /// How long each delivery may take.
    pub timeout: Duration,
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

/// The judgement for outcomes every check reads the same way: no connection, no
/// answer in time, Ctrl-C. `None` for an answer or a dropped exchange.
fn no_answer(outcome: &Outcome) -> Option<Judgement> {
    match seen(outcome) {
        Seen::Timeout(t) => Some(Judgement::new(
            Verdict::Fail,
            format!("no answer within {}: the provider gives up then, counts a failure and retries", say(t)),
        )),
        Seen::Unreachable(e) => Some(Judgement::new(Verdict::Fail, format!("could not connect: {e}"))),
        Seen::Interrupted => Some(Judgement::new(Verdict::Skip, "interrupted before an answer came")),
        Seen::Answer(_) | Seen::Dropped(_) => None,
    }
}

/// `valid`: a correctly signed delivery must be answered 2xx within the timeout; an
/// answer in the last fifth of it is a warning (a slow day turns it into a failure).
pub fn valid(outcome: &Outcome, ctx: Ctx<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome) {
        return j;
    }
    let took = say(outcome.duration);
    let limit = format!("{}'s {} timeout", ctx.provider, say(ctx.timeout));
    match seen(outcome) {
        Seen::Answer(s) if s.is_success() && outcome.duration * 5 > ctx.timeout * 4 => Judgement::new(
            Verdict::Warn,
            format!("answered {} in {took}, close to {limit}: answer first, do the work afterwards", s.as_u16()),
        ),
        Seen::Answer(s) if s.is_success() => {
            Judgement::new(Verdict::Pass, format!("answered {} in {took}, within {limit}", s.as_u16()))
        }
        Seen::Answer(s) if s.is_redirection() => Judgement::new(
            Verdict::Fail,
            format!("answered {}: providers do not follow redirects; give them the final URL", s.as_u16()),
        ),
        Seen::Answer(s) if s.is_client_error() => Judgement::new(
            Verdict::Fail,
            format!(
                "refused a correctly signed delivery with {}: check the secret, and that the signature is \
                 verified over the raw body bytes",
                s.as_u16()
            ),
        ),
        Seen::Answer(s) => Judgement::new(
            Verdict::Fail,
            format!("answered {} to a correctly signed delivery: the provider would retry it", s.as_u16()),
        ),
        _ => dropped("a correctly signed delivery", Verdict::Fail, outcome),
    }
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
pub fn refusal(outcome: &Outcome, refuse: Refuse<'_>) -> Judgement {
    if let Some(j) = no_answer(outcome) {
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

/// `duplicate`: the same delivery twice must be acknowledged twice. Whether the second
/// one had side effects cannot be seen from outside, so the reason says how to dedupe.
pub fn duplicate(first: &Outcome, second: &Outcome, ctx: Ctx<'_>, dedupe_on: &str) -> Judgement {
    if let Some(j) = no_answer(first) {
        return j;
    }
    match seen(first) {
        Seen::Answer(s) if s.is_success() => {}
        Seen::Answer(s) => {
            return Judgement::new(
                Verdict::Fail,
                format!("the first delivery was answered {}, so repeats could not be tried (see valid)", s.as_u16()),
            );
        }
        _ => return dropped("the first delivery", Verdict::Fail, first),
    }
    if let Some(j) = no_answer(second) {
        return j;
    }
    let after = format!("{} resends a delivery whenever it misses the 2xx", ctx.provider);
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
        Seen::Answer(s) => Judgement::new(
            Verdict::Fail,
            format!(
                "answered the repeat {}: {after} and reads this as a failed delivery; acknowledge a duplicate \
                 with 2xx and skip the work (dedupe on {dedupe_on})",
                s.as_u16()
            ),
        ),
        _ => dropped("the repeated delivery", Verdict::Fail, second),
    }
}

/// `reserialized`: pretty-printed JSON signed over its exact bytes must be accepted,
/// and the same bytes signed over their compact form refused. A receiver that
/// verifies `JSON.stringify(req.body)` does the opposite.
pub fn reserialized(exact: &Outcome, over_compact: &Outcome) -> Judgement {
    for o in [exact, over_compact] {
        if let Some(j) = no_answer(o) {
            return j;
        }
    }
    let (a, b) = (seen(exact), seen(over_compact));
    let code = |s: Seen<'_>| match s {
        Seen::Answer(s) => s.as_u16().to_string(),
        _ => "no answer".into(),
    };
    let evidence = format!("(signed over its bytes: {}; over the compact form: {})", code(a), code(b));
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
pub fn malformed(outcome: &Outcome, what: &str) -> Judgement {
    if let Some(j) = no_answer(outcome) {
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
pub fn oversized(outcome: &Outcome, size: &str) -> Judgement {
    if let Some(j) = no_answer(outcome) {
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
        Seen::Dropped(e) => Judgement::new(
            Verdict::Pass,
            format!(
                "closed the connection before taking the whole {size} body, which counts as a refusal \
                 (a 413 would say why): {e}"
            ),
        ),
        _ => Judgement::new(Verdict::Fail, "no answer"),
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
        format!(
            "closed the connection on {what} without answering ({detail}): the provider counts a failure and retries"
        ),
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

    const CTX: Ctx<'static> = Ctx { provider: "nexadesk", timeout: Duration::from_secs(5) };
    const FORGED: Refuse<'static> = Refuse { what: "a forgery", accepted_means: "anyone can forge events" };

    fn verdict(j: Judgement) -> Verdict {
        j.verdict
    }

    #[test]
    fn valid_needs_a_2xx_in_time_and_warns_near_the_limit() {
        assert_eq!(verdict(valid(&answered(200, 10), CTX)), Verdict::Pass);
        assert_eq!(verdict(valid(&answered(204, 4500), CTX)), Verdict::Warn);
        for status in [301, 401, 500] {
            assert_eq!(verdict(valid(&answered(status, 10), CTX)), Verdict::Fail, "{status}");
        }
        let late = valid(&failed(Failure::Timeout(Duration::from_secs(5))), CTX);
        assert_eq!(late.verdict, Verdict::Fail);
        assert!(late.reason.starts_with("no answer within 5 s"), "{}", late.reason);
        assert_eq!(verdict(valid(&failed(Failure::Connect("refused".into())), CTX)), Verdict::Fail);
    }

    #[test]
    fn forgeries_must_get_a_4xx_and_a_5xx_only_warns() {
        assert_eq!(verdict(refusal(&answered(401, 1), FORGED)), Verdict::Pass);
        let other = refusal(&answered(400, 1), FORGED);
        assert_eq!((other.verdict, other.reason.contains("401 or 403")), (Verdict::Pass, true));
        let accepted = refusal(&answered(200, 1), FORGED);
        assert_eq!(accepted.verdict, Verdict::Fail);
        assert!(accepted.reason.contains("anyone can forge events"), "{}", accepted.reason);
        assert_eq!(verdict(refusal(&answered(500, 1), FORGED)), Verdict::Warn);
        assert_eq!(verdict(refusal(&failed(Failure::NoAnswer("eof".into())), FORGED)), Verdict::Warn);
        assert_eq!(verdict(refusal(&failed(Failure::Timeout(Duration::from_secs(1))), FORGED)), Verdict::Fail);
    }

    #[test]
    fn duplicates_must_be_acknowledged_both_times() {
        let pass = duplicate(&answered(200, 1), &answered(200, 1), CTX, "the id");
        assert_eq!(pass.verdict, Verdict::Pass);
        assert!(pass.reason.contains("cannot be seen from outside"), "{}", pass.reason);
        let conflict = duplicate(&answered(200, 1), &answered(409, 1), CTX, "the id");
        assert_eq!(conflict.verdict, Verdict::Fail);
        assert!(conflict.reason.starts_with("answered the repeat 409"), "{}", conflict.reason);
        assert_eq!(verdict(duplicate(&answered(401, 1), &answered(401, 1), CTX, "x")), Verdict::Fail);
        assert_eq!(verdict(duplicate(&answered(200, 1), &answered(500, 1), CTX, "x")), Verdict::Fail);
    }

    #[test]
    fn reserialization_is_told_apart_from_raw_byte_verification() {
        assert_eq!(verdict(reserialized(&answered(200, 1), &answered(401, 1))), Verdict::Pass);
        let stringify = reserialized(&answered(401, 1), &answered(200, 1));
        assert_eq!(stringify.verdict, Verdict::Fail);
        assert!(stringify.reason.contains("JSON.stringify"), "{}", stringify.reason);
        assert!(stringify.reason.contains("over its bytes: 401; over the compact form: 200"), "{}", stringify.reason);
        let unchecked = reserialized(&answered(200, 1), &answered(200, 1));
        assert!(unchecked.reason.contains("other bytes than were sent"), "{}", unchecked.reason);
        assert_eq!(verdict(reserialized(&answered(401, 1), &answered(401, 1))), Verdict::Fail);
        assert_eq!(verdict(reserialized(&answered(200, 1), &answered(500, 1))), Verdict::Warn);
    }

    #[test]
    fn malformed_bodies_want_a_4xx_and_fail_on_a_5xx_or_a_hang() {
        assert_eq!(verdict(malformed(&answered(400, 1), "junk")), Verdict::Pass);
        assert_eq!(verdict(malformed(&answered(500, 1), "junk")), Verdict::Fail);
        assert_eq!(verdict(malformed(&answered(200, 1), "junk")), Verdict::Warn);
        assert_eq!(verdict(malformed(&failed(Failure::Timeout(Duration::from_secs(1))), "junk")), Verdict::Fail);
        assert_eq!(verdict(malformed(&failed(Failure::NoAnswer("crash".into())), "junk")), Verdict::Fail);
    }

    #[test]
    fn oversized_bodies_may_be_refused_by_closing_but_not_by_hanging() {
        assert_eq!(verdict(oversized(&answered(413, 1), "10 MiB")), Verdict::Pass);
        assert_eq!(verdict(oversized(&answered(400, 1), "10 MiB")), Verdict::Pass);
        let closed = oversized(&failed(Failure::Other("connection reset".into())), "10 MiB");
        assert_eq!(closed.verdict, Verdict::Pass);
        assert!(closed.reason.contains("counts as a refusal"), "{}", closed.reason);
        assert_eq!(verdict(oversized(&answered(200, 1), "10 MiB")), Verdict::Warn);
        assert_eq!(verdict(oversized(&failed(Failure::Timeout(Duration::from_secs(1))), "10 MiB")), Verdict::Fail);
    }
}
