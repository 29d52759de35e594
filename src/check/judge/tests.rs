//! The judging's unit tests, and the outcome builders other checks' tests share.

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
