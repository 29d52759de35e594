//! Verdicts that agree with their evidence: refusals that prove nothing when valid
//! deliveries are refused too, checks that depend on `valid`, reasons that say the
//! provider's own facts (timeouts, retries, delivery ids).

use std::time::{Duration, Instant};

use super::endpoint::{Endpoint, Flaws};
use super::{SECRET, check, find, results};

fn reason(report: &serde_json::Value, name: &str) -> String {
    find(report, name)["reason"].as_str().unwrap().to_owned()
}

#[test]
fn a_receiver_verifying_pythons_json_dumps_fails_valid_and_reserialized_and_nothing_passes_vacuously() {
    let flaws = Flaws { python_dumps: true, no_body_limit: true, ..Flaws::default() };
    let endpoint = Endpoint::start("nexadesk", SECRET, flaws);
    let (code, report) = check(&endpoint.url(), "nexadesk", &[]);
    assert_eq!(code, 1);
    let got = results(&report);
    let failed: Vec<&str> = got.iter().filter(|(_, r)| *r == "fail").map(|(n, _)| n.as_str()).collect();
    assert_eq!(failed, ["reserialized", "valid"], "{report:#}");
    assert!(!got.values().any(|r| r == "pass"), "nothing passes against an endpoint that accepts nothing: {report:#}");
    let valid = reason(&report, "valid");
    assert!(valid.contains("refused a correctly signed delivery with 401"), "{valid}");
    // The cause, found: the signature is checked over json.dumps' output.
    let reserialized = reason(&report, "reserialized");
    assert!(reserialized.contains("json.dumps(json.loads(body))"), "{reserialized}");
    for name in ["bad-signature", "missing-signature", "oversized-body"] {
        let r = reason(&report, name);
        assert!(r.contains("refuses valid deliveries too (valid got 401)"), "{name}: {r}");
    }
    assert!(!reason(&report, "oversized-body").contains("refused a 10 MiB body"));
    for name in ["duplicate", "burst"] {
        let r = reason(&report, name);
        assert!(r.starts_with("not run:") && r.contains("valid got 401 (see valid)"), "{name}: {r}");
        assert!(find(&report, name)["exchanges"].as_array().unwrap().is_empty(), "{name} sent nothing");
    }
}

#[test]
fn a_wrong_secret_fails_valid_alone_and_passes_no_refusal() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws::default());
    let other = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCBhdCBhbGw=";
    let out = super::Env::new()
        .cmd()
        .args(["--json", "check", &endpoint.url(), "--provider", "standard", "--secret", other])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (name, result) in results(&report) {
        match name.as_str() {
            "valid" => assert_eq!(result, "fail"),
            // Its 413 names the size, whatever valid got.
            "oversized-body" => assert_eq!(result, "pass", "{}", find(&report, &name)),
            _ => assert_eq!(result, "skip", "{name}: {}", find(&report, &name)),
        }
    }
    assert_eq!(report["summary"]["passed"], 1, "{report:#}");
}

#[test]
fn a_refused_first_delivery_is_not_repeated_and_duplicate_defers_to_valid() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { first_sight: Some(503), ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "standard", &["--only", "duplicate"]);
    assert_eq!(code, 1);
    let duplicate = find(&report, "duplicate");
    assert_eq!(duplicate["exchanges"].as_array().unwrap().len(), 1, "no repeat after a 503: {duplicate}");
    let r = reason(&report, "duplicate");
    assert!(r.contains("answered 503, so no repeat was sent"), "{r}");
    assert!(!r.contains("see valid"), "valid did not run: {r}");
    let (_, report) = check(&endpoint.url(), "standard", &["--only", "valid,duplicate,burst"]);
    assert_eq!(find(&report, "valid")["result"], "fail");
    for name in ["duplicate", "burst"] {
        assert_eq!(find(&report, name)["result"], "skip", "{report:#}");
        assert!(reason(&report, name).contains("valid got 503 (see valid)"), "{}", reason(&report, name));
    }
}

#[test]
fn github_never_retries_so_a_refused_repeat_is_a_warning() {
    let endpoint = Endpoint::start("github", SECRET, Flaws { conflicts_on_duplicates: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "github", &["--only", "duplicate,retries"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(find(&report, "duplicate")["result"], "warn");
    let r = reason(&report, "duplicate");
    assert!(r.contains("github does not retry by itself") && r.contains("x-github-delivery header"), "{r}");
    assert!(!r.contains("resends"), "{r}");
    assert!(reason(&report, "retries").starts_with("github does not retry by itself"));
}

#[test]
fn delivery_id_hints_match_what_each_provider_and_event_carries() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws::default());
    let (_, report) = check(&endpoint.url(), "nexadesk", &["--only", "stale-timestamp,duplicate"]);
    let stale = reason(&report, "stale-timestamp");
    assert!(stale.contains("signs no timestamp and sends no delivery id"), "{stale}");
    assert!(!stale.contains("only the delivery id"), "{stale}");
    let duplicate = reason(&report, "duplicate");
    assert!(duplicate.contains("nexadesk sends no delivery id") && duplicate.contains("data.id"), "{duplicate}");
    let slack = Endpoint::start("slack", SECRET, Flaws::default());
    let (code, report) = check(&slack.url(), "slack", &["--event", "slash_command", "--only", "duplicate,retries"]);
    assert_eq!(code, 0, "{report:#}");
    let duplicate = reason(&report, "duplicate");
    assert!(duplicate.contains("trigger_id") && !duplicate.contains("event_id"), "{duplicate}");
    assert!(reason(&report, "retries").contains("slash commands"), "{report:#}");
    let (_, report) = check(&slack.url(), "slack", &["--event", "app_mention", "--only", "duplicate"]);
    assert!(reason(&report, "duplicate").contains("\"event_id\""), "{report:#}");
}

#[test]
fn answers_are_judged_by_the_providers_timeout_whatever_timeout_waits() {
    let endpoint =
        Endpoint::start("nexus", SECRET, Flaws { delay: Some(Duration::from_millis(1300)), ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "nexus", &["--timeout", "3s", "--only", "valid"]);
    assert_eq!(code, 1, "{report:#}");
    let valid = reason(&report, "valid");
    assert!(valid.contains("past nexus's 1 s timeout (waited up to the 3 s you set)"), "{valid}");
    assert_eq!(report["timeout_ms"], 3000);
    assert_eq!(report["provider_timeout_ms"], 1000);
}

#[test]
fn a_receiver_that_never_answers_costs_one_timeout_not_one_per_check() {
    let endpoint =
        Endpoint::start("standard", SECRET, Flaws { delay: Some(Duration::from_secs(3)), ..Flaws::default() });
    let started = Instant::now();
    let (code, report) = check(&endpoint.url(), "standard", &["--timeout", "300ms"]);
    assert_eq!(code, 1);
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}: {report:#}", started.elapsed());
    for (name, result) in results(&report) {
        match name.as_str() {
            "valid" => assert_eq!(result, "fail"),
            // These do not apply to Standard Webhooks, and say so.
            "https" | "tls" | "setup" | "authorization" => assert_eq!(result, "skip"),
            _ => {
                let r = reason(&report, &name);
                assert!(r.starts_with("not run: valid got no answer within 300 ms"), "{name}: {r}");
            }
        }
    }
    // A check that does not apply says why, rather than "not run".
    let desk = Endpoint::start("nexadesk", SECRET, Flaws { delay: Some(Duration::from_secs(3)), ..Flaws::default() });
    let (_, report) = check(&desk.url(), "nexadesk", &["--timeout", "300ms", "--only", "valid,stale-timestamp"]);
    assert!(reason(&report, "stale-timestamp").starts_with("nexadesk signs no timestamp"), "{report:#}");
}

#[test]
fn only_401_and_403_point_at_the_secret() {
    for (status, says) in [(422, "own validation rejects"), (404, "is the path right?"), (401, "check the secret")] {
        let endpoint = Endpoint::start("nexus", SECRET, Flaws { always: Some(status), ..Flaws::default() });
        let (code, report) = check(&endpoint.url(), "nexus", &["--only", "valid"]);
        assert_eq!(code, 1);
        let valid = reason(&report, "valid");
        assert!(valid.contains(says), "{status}: {valid}");
        assert_eq!(valid.contains("secret"), status == 401, "{status}: {valid}");
    }
}

#[test]
fn the_providers_setup_handshake_must_be_answered() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws { refuses_ping: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "nexadesk", &["--only", "valid,setup"]);
    assert_eq!(code, 1);
    assert_eq!(find(&report, "valid")["result"], "pass");
    let setup = reason(&report, "setup");
    assert!(
        setup.starts_with("answered nexadesk's setup ping with 400") && setup.contains("cannot be set up"),
        "{setup}"
    );
    let slack = Endpoint::start("slack", SECRET, Flaws::default());
    let (code, report) = check(&slack.url(), "slack", &["--event", "app_mention", "--only", "setup"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(reason(&report, "setup").contains("url_verification with 200 and its challenge"), "{report:#}");
    let mute = Endpoint::start("slack", SECRET, Flaws { no_challenge_echo: true, ..Flaws::default() });
    let (code, report) = check(&mute.url(), "slack", &["--event", "app_mention", "--only", "setup"]);
    assert_eq!(code, 1);
    assert!(reason(&report, "setup").contains("without its challenge"), "{report:#}");
}

#[test]
fn every_signature_in_a_rotation_header_counts() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { first_signature_only: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "standard", &["--only", "valid,signature-rotation"]);
    assert_eq!(code, 1);
    assert_eq!(find(&report, "valid")["result"], "pass");
    assert!(reason(&report, "signature-rotation").contains("check every signature"), "{report:#}");
    let stripe = Endpoint::start("stripe", SECRET, Flaws::default());
    let (_, report) = check(&stripe.url(), "stripe", &["--only", "signature-rotation"]);
    assert_eq!(find(&report, "signature-rotation")["result"], "pass", "{report:#}");
}

#[test]
fn a_configured_authorization_is_checked_to_be_enforced() {
    let basic = "Basic dXNlcjpwdw==";
    let strict = Endpoint::start("nexus", SECRET, Flaws { requires_auth: Some(basic), ..Flaws::default() });
    let url = format!("http://user:pw@{}/webhooks", strict.addr);
    let (code, report) = check(&url, "nexus", &["--only", "valid,authorization"]);
    assert_eq!(code, 0, "{report:#}");
    assert!(reason(&report, "authorization").starts_with("refused a delivery without Authorization (401)"));
    let lax = Endpoint::start("nexus", SECRET, Flaws::default());
    let url = format!("http://user:pw@{}/webhooks", lax.addr);
    let (code, report) = check(&url, "nexus", &["--only", "authorization"]);
    assert_eq!(code, 1);
    assert!(reason(&report, "authorization").contains("without its Authorization"), "{report:#}");
    // Without one configured there is nothing to send; for Nexus, which sends one, the skip says how.
    let (_, report) = check(&lax.url(), "nexus", &["--only", "authorization"]);
    assert!(reason(&report, "authorization").contains("add auth_env to the profile"), "{report:#}");
}

#[test]
fn a_timestamp_from_the_future_is_refused_too() {
    let endpoint = Endpoint::start("stripe", SECRET, Flaws::default());
    let (code, report) = check(&endpoint.url(), "stripe", &["--only", "stale-timestamp"]);
    assert_eq!(code, 0, "{report:#}");
    let stale = reason(&report, "stale-timestamp");
    assert!(
        stale.starts_with("refused deliveries correctly signed 65 m ago and 65 m ahead (tolerance 5 m)"),
        "{stale}"
    );
    assert_eq!(find(&report, "stale-timestamp")["exchanges"].as_array().unwrap().len(), 2);
}
