//! The repeat judgements: the same delivery twice (`duplicate`) and the same
//! body signed over other bytes (`reserialized`).

use super::{Ctx, Judgement, Seen, Verdict, dropped, no_answer, seen};
use crate::exchange::Exchange as Outcome;

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
