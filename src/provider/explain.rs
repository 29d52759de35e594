//! Explanations for failed verifications: what most likely went wrong and what to try next.
//!
//! The reasons in [`VerifyError`] say *what* failed; these hints test a few common causes
//! (a body re-serialised after it arrived, a trailing newline added or lost, the wrong provider,
//! a secret with whitespace or a `whsec_` prefix too many or too few) against the same headers,
//! and say which one it is; otherwise they say what else the signature covers.

use serde_json::Value;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

use super::{Provider, VerifyError, VerifyInput, builtins};
use crate::secret::Secret;

/// Hints for a failure, most specific first. Never includes the secret.
pub fn hints(provider: &dyn Provider, input: &VerifyInput<'_>, err: &VerifyError) -> Vec<String> {
    let mut out = Vec::new();
    match err {
        VerifyError::MissingHeader { header } if *header == provider.info().signature_header => {
            out.extend(other_providers(provider, input));
        }
        VerifyError::OutsideTolerance { timestamp, now, .. } => {
            if *timestamp > 100_000_000_000 {
                out.push("the timestamp looks like milliseconds; this scheme signs unix seconds".into());
            } else if timestamp > now {
                out.push("the timestamp is ahead of the clock it was checked against: check both clocks".into());
            } else {
                out.push(
                    "the signature matched but is old: a replay, a delayed retry, or a recording judged now".into(),
                );
            }
        }
        VerifyError::LegacyOnly { header, legacy, legacy_matches, .. } => {
            out.push(format!(
                "hooktap checks {header}, which {} sends beside {legacy} on every delivery: check with the {header} \
                 value of the same delivery; a sender that sends only {legacy} must be changed to send {header}",
                provider.info().title
            ));
            out.push(if *legacy_matches {
                format!("the {legacy} value matches this body and secret, so both are right; only {header} is missing")
            } else {
                format!("the {legacy} value does not match this body and secret either")
            });
        }
        VerifyError::NoMatch { signed_with, stale, .. } => {
            if input.body.is_empty() {
                out.push(
                    "the body is empty (0 bytes): check that the request's body was passed (--body FILE, or on \
                     stdin) and that it was captured with the request"
                        .into(),
                );
            }
            // A variant of the body or the secret that matches is the cause; nothing else to say.
            match body_cause(provider, input).or_else(|| secret_cause(provider, input)) {
                Some((_, cause)) => out.push(cause),
                None => {
                    out.extend(secret_hints(provider, input));
                    out.push(differs(signed_with));
                    out.extend(json_advice(input.body));
                }
            }
            if let Some(stale) = stale {
                out.push(format!(
                    "the {stale}, so even a matching signature would be refused: re-sign it with a current \
                     timestamp, or pass --now UNIX to judge as of when it was sent"
                ));
            }
        }
        VerifyError::BadSecret { .. } => out.extend(provider.secret_hint(input.secret)),
        _ => {}
    }
    out
}

/// The most likely cause of a failure in one short clause, for places with room for no
/// more (the relay's console line and its 401 answer). It comes from the same tests as
/// [`hints`], which `hooktap verify` prints, so the two never disagree.
pub fn diagnosis(provider: &dyn Provider, input: &VerifyInput<'_>, err: &VerifyError) -> String {
    match err {
        VerifyError::MissingHeader { header } if *header == provider.info().signature_header => {
            match others_present(provider, input).first() {
                Some(other) => format!("it carries another provider's signature header ({})", other.info().name),
                None => "it is not signed, or signed for another scheme".into(),
            }
        }
        VerifyError::LegacyOnly { legacy, .. } => format!("it carries only the legacy {legacy} signature"),
        VerifyError::MissingHeader { header } => format!("the signed header {header} was not sent"),
        VerifyError::MalformedHeader { .. } => "its signature header is not in the scheme's format".into(),
        VerifyError::OutsideTolerance { timestamp, .. } if *timestamp > 100_000_000_000 => {
            "the timestamp is in milliseconds, not seconds".into()
        }
        VerifyError::OutsideTolerance { timestamp, now, .. } if timestamp > now => {
            "the timestamp is ahead of the clock".into()
        }
        VerifyError::OutsideTolerance { .. } => "the timestamp is stale".into(),
        VerifyError::NoMatch { stale, .. } => {
            let cause = if input.body.is_empty() {
                "the body is empty"
            } else {
                match body_cause(provider, input).or_else(|| secret_cause(provider, input)) {
                    Some((clause, _)) => clause,
                    None => "the secret differs from the sender's (or the body was changed)",
                }
            };
            match stale {
                Some(_) => format!("{cause}, and the timestamp is stale"),
                None => cause.into(),
            }
        }
        VerifyError::BadSecret { .. } => "the secret is not usable for this scheme".into(),
        VerifyError::Unauthorized { .. } => "the Authorization header carries other credentials".into(),
    }
}

/// Whether the request verifies with another body or secret, timestamps aside.
fn matches_with(provider: &dyn Provider, input: &VerifyInput<'_>, body: &[u8], secret: &Secret) -> bool {
    let attempt = VerifyInput { body, secret, ..*input };
    matches!(provider.verify(&attempt), Ok(_) | Err(VerifyError::OutsideTolerance { .. }))
}

/// Whether a variant of the body (not the body itself) verifies.
fn matches(provider: &dyn Provider, input: &VerifyInput<'_>, body: &[u8]) -> bool {
    matches_with(provider, input, body, input.secret)
}

/// Tests the body-side causes of a mismatch: a newline added or lost at the end, or JSON that was re-serialised.
/// The cause comes as a short clause (for [`diagnosis`]) and as the full hint.
fn body_cause(provider: &dyn Provider, input: &VerifyInput<'_>) -> Option<(&'static str, String)> {
    let body = input.body;
    for (cut, name) in [(&b"\r\n"[..], "CRLF"), (b"\n", "newline")] {
        if let Some(trimmed) = body.strip_suffix(cut)
            && matches(provider, input, trimmed)
        {
            return Some((
                "a trailing newline was added to the body",
                format!(
                    "the body matches without its trailing {name}: the sender did not sign it (an editor or `echo` \
                     may have added it); pass the exact bytes"
                ),
            ));
        }
    }
    for (end, name) in [(&b"\n"[..], "newline"), (b"\r\n", "CRLF")] {
        if matches(provider, input, &[body, end].concat()) {
            return Some((
                "the body lost its trailing newline",
                format!(
                    "the body matches with a trailing {name} added: the sender signed one, and it was lost on the \
                     way (a shell's $(...) or a copy and paste drops it); pass the exact bytes"
                ),
            ));
        }
    }
    let value: Value = serde_json::from_slice(body).ok()?;
    // Files and most serialisers end the text with a newline, so each form is tried with one too.
    let forms = reserialisations(&value).into_iter().flat_map(|(form, bytes)| {
        let ended = [&bytes[..], b"\n"].concat();
        [(form, "", bytes), (form, ", with a final newline", ended)]
    });
    forms.into_iter().find(|(_, _, bytes)| bytes != body && matches(provider, input, bytes)).map(
        |(form, newline, _)| {
            let hint = format!(
                "the body was re-serialised after it was signed: it matches once written as {form}{newline}. \
                 Signatures cover the raw bytes as received; verify those, not a parsed and re-printed \
                 body (e.g. JSON.stringify(req.body))"
            );
            ("the body was re-serialised after it was signed", hint)
        },
    )
}

/// What was ruled out for a JSON body that matched in none of the rewritten forms.
fn json_advice(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).ok()?;
    Some(
        "the body is JSON, and none of the usual re-serialisations of it matches either (compact, sorted keys, \
         json.dumps, 2-space pretty; each with and without a final newline)"
            .into(),
    )
}

/// Tests the secret-side causes of a mismatch: whitespace around it, a `whsec_` prefix too many or too few.
/// The cause comes as a short clause (for [`diagnosis`]) and as the full hint.
fn secret_cause(provider: &dyn Provider, input: &VerifyInput<'_>) -> Option<(&'static str, String)> {
    let s = input.secret.expose();
    let variants = [
        (s.trim() != s).then(|| {
            (
                s.trim().to_string(),
                "with the secret's leading and trailing whitespace removed: secrets are used byte for byte",
            )
        }),
        s.strip_prefix("whsec_").map(|rest| {
            (rest.to_string(), "with the secret's whsec_ prefix removed: the sender signs with the part after whsec_")
        }),
        (!s.starts_with("whsec_")).then(|| {
            (format!("whsec_{s}"), "with whsec_ in front of the secret: the sender's key is the whole whsec_... string")
        }),
    ];
    variants
        .into_iter()
        .flatten()
        .find(|(variant, _)| matches_with(provider, input, input.body, &Secret::new(variant.as_str())))
        .map(|(_, why)| ("the secret is written differently from the sender's", format!("the signature matches {why}")))
}

/// What else must hold for a mismatch to mean the secret is wrong.
fn differs(signed_with: &[String]) -> String {
    match signed_with {
        [] => "if the body is the exact bytes received, the secret differs from the sender's".into(),
        [only] => format!("if the body and {only} are exactly as received, the secret differs from the sender's"),
        [rest @ .., last] => format!(
            "if the body, {} and {last} are exactly as received, the secret differs from the sender's",
            rest.join(", ")
        ),
    }
}

/// The usual ways a JSON body gets rewritten, named for the message.
fn reserialisations(value: &Value) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Ok(compact) = serde_json::to_vec(value) {
        out.push(("compact JSON (as JSON.stringify writes it)", compact));
    }
    if let Ok(sorted) = serde_json::to_vec(&sort_keys(value.clone())) {
        out.push(("compact JSON with sorted keys", sorted));
    }
    out.push(("JSON with \", \" and \": \" separators (as Python's json.dumps writes it)", write(value, Spaced)));
    out.push(("pretty-printed JSON (2-space indent)", write(value, PrettyFormatter::with_indent(b"  "))));
    out
}

fn write<F: Formatter>(value: &Value, formatter: F) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = Serializer::with_formatter(&mut out, formatter);
    // Writing a Value into a Vec cannot fail.
    let _ = serde::Serialize::serialize(value, &mut ser);
    out
}

/// Python's default `json.dumps` layout: one line, `", "` between items and `": "` after keys.
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// Other built-in providers whose signature header the request carries.
fn other_providers(provider: &dyn Provider, input: &VerifyInput<'_>) -> Vec<String> {
    let found: Vec<String> = others_present(provider, input)
        .iter()
        .map(|p| format!("{} (header {})", p.info().name, p.info().signature_header))
        .collect();
    if found.is_empty() {
        return Vec::new();
    }
    vec![format!("the request carries the signature header of {}; is that the provider?", found.join(", "))]
}

/// The other built-in providers whose signature header the request carries.
fn others_present(provider: &dyn Provider, input: &VerifyInput<'_>) -> Vec<std::sync::Arc<dyn Provider>> {
    let me = &provider.info().name;
    let mut all = builtins();
    all.retain(|p| p.info().name != *me && input.headers.contains_key(p.info().signature_header.as_str()));
    all
}

/// Advice when the secret does not look like the provider's kind, or carries whitespace.
fn secret_hints(provider: &dyn Provider, input: &VerifyInput<'_>) -> Vec<String> {
    let mut out: Vec<String> = provider.secret_hint(input.secret).into_iter().collect();
    let s = input.secret.expose();
    if s.trim() != s {
        out.push("the secret has leading or trailing whitespace; secrets are used byte for byte".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{SignInput, lookup};

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn explain(provider: &str, signed_body: &[u8], given_body: &[u8]) -> Vec<String> {
        explain_with(provider, (SECRET, signed_body), (SECRET, given_body))
    }

    /// Signs with one secret and body, checks with another, and explains the failure.
    fn explain_with(provider: &str, signed: (&str, &[u8]), given: (&str, &[u8])) -> Vec<String> {
        explain_at(provider, signed, given, 1700000000)
    }

    /// [`explain_with`], checked at `now` (the request is signed at 1700000000).
    fn explain_at(provider: &str, signed: (&str, &[u8]), given: (&str, &[u8]), now: i64) -> Vec<String> {
        let p = lookup(provider).unwrap();
        let (signer, checker) = (Secret::new(signed.0), Secret::new(given.0));
        let headers = p
            .sign(&SignInput { body: signed.1, secret: &signer, timestamp: 1700000000, id: "m1", event: None })
            .unwrap();
        let input = VerifyInput { headers: &headers, body: given.1, secret: &checker, now, tolerance: None };
        let err = p.verify(&input).unwrap_err();
        hints(p.as_ref(), &input, &err)
    }

    /// [`diagnosis`] for the same setup as [`explain_at`].
    fn diagnose_at(provider: &str, signed: (&str, &[u8]), given: (&str, &[u8]), now: i64) -> String {
        let p = lookup(provider).unwrap();
        let (signer, checker) = (Secret::new(signed.0), Secret::new(given.0));
        let headers = p
            .sign(&SignInput { body: signed.1, secret: &signer, timestamp: 1700000000, id: "m1", event: None })
            .unwrap();
        let input = VerifyInput { headers: &headers, body: given.1, secret: &checker, now, tolerance: None };
        diagnosis(p.as_ref(), &input, &p.verify(&input).unwrap_err())
    }

    #[test]
    fn the_short_diagnosis_names_the_cause_the_hints_find() {
        let t = 1700000000;
        let compact = br#"{"a":1,"b":[2]}"#;
        let pretty = serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(compact).unwrap()).unwrap();
        let cases = [
            (
                diagnose_at("github", (SECRET, compact), (SECRET, &pretty), t),
                "the body was re-serialised after it was signed",
            ),
            (
                diagnose_at("github", (SECRET, b"x"), ("other", b"x"), t),
                "the secret differs from the sender's (or the body was changed)",
            ),
            (diagnose_at("stripe", (SECRET, b"x"), (SECRET, b"x"), t + 1000), "the timestamp is stale"),
            (
                diagnose_at("stripe", (SECRET, b"x"), ("whsec_AAAAMfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"x"), t + 1000),
                "the secret differs from the sender's (or the body was changed), and the timestamp is stale",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_pretty_printed_body_is_recognised_as_re_serialised() {
        let compact = br#"{"event":"lead.created","data":{"id":"x","n":[1,2]}}"#;
        let pretty = serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(compact).unwrap()).unwrap();
        let h = explain("nexadesk", compact, &pretty);
        assert!(h[0].contains("re-serialised") && h[0].contains("compact JSON (as JSON.stringify"), "{h:?}");
        assert_eq!(h.len(), 1, "a found cause needs no secret advice: {h:?}");
    }

    #[test]
    fn a_rewrite_that_ends_in_a_newline_is_recognised() {
        // hooktap's fixtures, like most files, end in a newline; a rewrite keeps it.
        let pretty = b"{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}\n";
        let h = explain("nexadesk", pretty, br#"{"a":1,"b":[2]}"#);
        assert!(h[0].contains("matches once written as pretty-printed JSON (2-space indent), with a final newline"));
        assert_eq!(h.len(), 1, "{h:?}");
    }

    #[test]
    fn a_python_spaced_original_is_recognised_from_its_compact_copy() {
        let h = explain("standard", br#"{"test": 2432232314, "b": [1, 2]}"#, br#"{"test":2432232314,"b":[1,2]}"#);
        assert!(h[0].contains("json.dumps"), "{h:?}");
        let h = explain("github", br#"{"a":1,"b":2}"#, br#"{"b":2,"a":1}"#);
        assert!(h[0].contains("sorted keys"), "{h:?}");
    }

    #[test]
    fn json_that_matches_no_rewrite_still_gets_the_raw_bytes_advice() {
        let h = explain("nudj", br#"{"a":1}"#, br#"{"a": 2}"#);
        assert_eq!(h[0], "if the body is the exact bytes received, the secret differs from the sender's");
        assert!(h[1].starts_with("the body is JSON, and none of the usual re-serialisations"), "{h:?}");
        let h = explain("nudj", b"not json", b"not json either");
        assert!(!h.iter().any(|x| x.contains("JSON")), "{h:?}");
    }

    #[test]
    fn an_empty_body_is_pointed_out_first() {
        let h = explain("github", b"{}", b"");
        assert!(h[0].starts_with("the body is empty (0 bytes)"), "{h:?}");
        assert!(!explain("github", b"{}", b"[]").iter().any(|x| x.contains("empty")));
    }

    #[test]
    fn a_trailing_newline_added_to_the_body_is_spotted() {
        let h = explain("slack", b"a=1&b=2", b"a=1&b=2\n");
        assert!(h[0].contains("without its trailing newline"), "{h:?}");
    }

    #[test]
    fn a_trailing_newline_lost_from_the_body_is_spotted() {
        // Regression: a body whose signed trailing newline was dropped (by `$(...)`) got no hint.
        let h = explain("github", b"{\"a\": 1}\n", b"{\"a\": 1}");
        assert_eq!(h.len(), 1, "{h:?}");
        assert!(h[0].starts_with("the body matches with a trailing newline added"), "{h:?}");
        let h = explain("nexus", b"<a/>\r\n", b"<a/>");
        assert!(h[0].starts_with("the body matches with a trailing CRLF added"), "{h:?}");
    }

    #[test]
    fn a_secret_with_whitespace_or_a_whsec_prefix_too_many_or_too_few_is_spotted() {
        let cases = [
            ("stripe", "whsec_abc", "abc", "matches with whsec_ in front of the secret"),
            ("github", "abc", "whsec_abc", "matches with the secret's whsec_ prefix removed"),
            ("slack", "abc", "abc \n", "matches with the secret's leading and trailing whitespace removed"),
        ];
        for (provider, signed, given, want) in cases {
            let h = explain_with(provider, (signed, b"x"), (given, b"x"));
            assert_eq!(h.len(), 1, "{provider}: {h:?}");
            assert!(h[0].contains(want), "{provider}: {h:?}");
            assert!(!h[0].contains("abc"), "the secret is never quoted: {h:?}");
        }
    }

    #[test]
    fn a_mismatch_on_a_timestamped_scheme_names_the_signed_headers_too() {
        // Regression: "the secret differs" was claimed even when only the signed timestamp was changed.
        let h = explain_with("slack", ("a", b"x"), ("b", b"x"));
        assert!(h.contains(&"if the body and header x-slack-request-timestamp are exactly as received, the secret differs from the sender's".to_string()), "{h:?}");
        let h = explain_with("standard", (SECRET, b"x"), ("whsec_AAAAMfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", b"x"));
        assert!(
            h.iter().any(|x| x.starts_with("if the body, header webhook-id and header webhook-timestamp are")),
            "{h:?}"
        );
    }

    #[test]
    fn a_mismatch_whose_timestamp_is_also_stale_says_so() {
        // Regression: only the mismatch was named, so fixing the secret led to a second failure.
        let stale = |h: &[String]| h.iter().any(|x| x.contains("so even a matching signature would be refused"));
        for provider in ["stripe", "standard", "slack", "nexus"] {
            let wrong = ("whsec_AAAAMfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", &b"x"[..]);
            let h = explain_at(provider, (SECRET, b"x"), wrong, 1700000000 + 1000);
            assert!(stale(&h), "{provider}: {h:?}");
            assert!(h.last().unwrap().starts_with("the timestamp 1700000000 is 1000 s in the past"), "{h:?}");
            let h = explain_at(provider, (SECRET, b"x"), wrong, 1700000000 + 10);
            assert!(!stale(&h), "{provider} within the window: {h:?}");
        }
        let h = explain_at("github", (SECRET, b"x"), (SECRET, b"y"), 1700000000 + 100_000);
        assert!(!stale(&h), "github signs no timestamp: {h:?}");
    }

    #[test]
    fn a_legacy_only_github_request_says_what_to_send_and_whether_body_and_secret_are_right() {
        let github = lookup("github").unwrap();
        let secret = Secret::new("It's a Secret to Everybody");
        let mut headers = http::HeaderMap::new();
        // python3: hmac.new(secret, b"Hello, World!", hashlib.sha1).hexdigest()
        headers.insert("x-hub-signature", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59".parse().unwrap());
        let input = VerifyInput { headers: &headers, body: b"Hello, World!", secret: &secret, now: 0, tolerance: None };
        let h = hints(github.as_ref(), &input, &github.verify(&input).unwrap_err());
        assert!(
            h[0].starts_with("hooktap checks x-hub-signature-256, which GitHub sends beside x-hub-signature"),
            "{h:?}"
        );
        assert!(h[0].contains("must be changed to send x-hub-signature-256"), "{h:?}");
        assert!(h[1].contains("matches this body and secret, so both are right"), "{h:?}");
        let tampered = VerifyInput { body: b"Hello, World?", ..input };
        let h = hints(github.as_ref(), &tampered, &github.verify(&tampered).unwrap_err());
        assert!(h[1].contains("does not match this body and secret either"), "{h:?}");
    }

    #[test]
    fn a_missing_header_points_at_the_provider_whose_header_is_there() {
        let github = lookup("github").unwrap();
        let secret = Secret::new("s");
        let headers =
            github.sign(&SignInput { body: b"x", secret: &secret, timestamp: 0, id: "d", event: None }).unwrap();
        let p = lookup("nexadesk").unwrap();
        let input = VerifyInput { headers: &headers, body: b"x", secret: &secret, now: 0, tolerance: None };
        let err = p.verify(&input).unwrap_err();
        let h = hints(p.as_ref(), &input, &err);
        assert!(h[0].contains("github (header x-hub-signature-256)"), "{h:?}");
    }
}
