//! The judgements of what a webhook's setup asks of a receiver: the setup
//! handshake, a header carrying a rotated secret's signature, a configured Authorization.

use super::{Ctx, Judgement, Seen, Verdict, brief, dropped, no_answer, seen};
use crate::check::Handshake;
use crate::exchange::Exchange as Outcome;

/// `setup`: the provider's setup handshake must get a 2xx (and, where the provider
/// asks for it, the body's `challenge` back); without one the setup fails, or, where
/// it is not `required` (GitHub's ping), the webhook shows as failing.
pub fn handshake(outcome: &Outcome, hs: Handshake, challenge: Option<&str>, ctx: Ctx<'_>) -> Judgement {
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
