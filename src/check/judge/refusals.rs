//! The refusal judgements: deliveries a receiver must turn away (forged, stale,
//! malformed, oversized), and when a refusal proves nothing.

use http::StatusCode;

use super::{Ctx, Judgement, Seen, Verdict, brief, dropped, no_answer, seen};
use crate::exchange::Exchange as Outcome;

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
