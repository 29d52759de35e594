//! End-to-end tests of `hooktap check`: the real binary against in-process
//! receivers, a correct one and one for each flaw the checks exist to find.

use crate::common;

mod endpoint;
mod output;
mod redeliveries;
mod verdicts;

use std::collections::BTreeMap;
use std::time::Duration;

use common::Env;
use endpoint::{Endpoint, Flaws};
use predicates::prelude::*;
use serde_json::Value;

/// Usable by every scheme (Standard Webhooks needs `whsec_` + base64).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Runs `hooktap --json check URL --provider P --secret SECRET ARGS`; the exit code and the report.
fn check(url: &str, provider: &str, args: &[&str]) -> (i32, Value) {
    let out = Env::new()
        .cmd()
        .args(["--json", "check", url, "--provider", provider, "--secret", SECRET])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("exit code"), report)
}

/// Each check's result by name.
fn results(report: &Value) -> BTreeMap<String, String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["result"].as_str().unwrap().to_owned()))
        .collect()
}

/// The check called `name`.
fn find<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["checks"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no {name}"))
}

/// Asserts that exactly the checks in `failing` failed and every other one passed or was skipped.
fn assert_only_failing(report: &Value, failing: &[&str]) {
    for (name, result) in results(report) {
        if failing.contains(&name.as_str()) {
            assert_eq!(result, "fail", "{name} should fail: {}", find(report, &name));
        } else {
            assert!(result == "pass" || result == "skip", "{name} is {result}: {}", find(report, &name));
        }
    }
}

#[test]
fn a_correct_receiver_passes_every_check() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws::default());
    let (code, report) = check(&endpoint.url(), "standard", &[]);
    assert_eq!(code, 0, "{report:#}");
    let got = results(&report);
    let expected = [
        ("valid", "pass"),
        ("setup", "skip"),
        ("bad-signature", "pass"),
        ("missing-signature", "pass"),
        ("signature-rotation", "pass"),
        ("authorization", "skip"),
        ("reserialized", "pass"),
        ("stale-timestamp", "pass"),
        ("duplicate", "pass"),
        ("malformed-body", "pass"),
        ("oversized-body", "pass"),
        ("burst", "pass"),
        ("https", "skip"),
        ("tls", "skip"),
    ];
    assert_eq!(got, expected.iter().map(|(n, r)| (n.to_string(), r.to_string())).collect(), "{report:#}");
    assert_eq!(find(&report, "valid")["status"], 200);
    assert_eq!(find(&report, "bad-signature")["status"], 401);
    assert_eq!(find(&report, "malformed-body")["status"], 400);
    let burst = &find(&report, "burst")["burst"];
    assert_eq!((burst["sent"].as_u64(), burst["ok"].as_u64()), (Some(50), Some(50)));
    assert!(find(&report, "duplicate")["reason"].as_str().unwrap().contains("cannot be seen from outside"));
    assert_eq!(report["summary"]["ok"], true);
    assert_eq!(report["summary"]["failed"], 0);
    // valid 1 + bad 1 + missing 1 + rotation 1 + reserialized 2 + stale 2 + duplicate 2 + malformed 1
    // + oversized 1 + burst 50.
    assert_eq!(*endpoint.received.lock().unwrap(), 62);
}

#[test]
fn a_receiver_that_accepts_bad_signatures_is_reported_as_forgeable() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { accepts_bad_signatures: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "standard", &["--skip", "burst"]);
    assert_eq!(code, 1);
    // Not checking signatures at all also lets the stale one and the one signed over other bytes through.
    assert_only_failing(&report, &["bad-signature", "missing-signature", "reserialized", "stale-timestamp"]);
    let bad = find(&report, "bad-signature");
    assert_eq!(bad["status"], 200);
    assert!(bad["reason"].as_str().unwrap().contains("anyone who knows the URL can forge events"), "{bad}");
}

#[test]
fn a_receiver_verifying_reserialised_json_fails_reserialized_alone() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws { reserializes: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "nexadesk", &["--skip", "burst"]);
    assert_eq!(code, 1);
    assert_only_failing(&report, &["reserialized"]);
    let r = find(&report, "reserialized");
    let reason = r["reason"].as_str().unwrap();
    assert!(reason.contains("JSON.stringify"), "{reason}");
    assert!(reason.contains("signed over its bytes: 401; over the compact form: 200"), "{reason}");
    assert_eq!(r["exchanges"].as_array().unwrap().len(), 2);
    assert_eq!(find(&report, "stale-timestamp")["result"], "skip", "nexadesk signs no timestamp");
}

#[test]
fn a_receiver_ignoring_timestamps_fails_stale_timestamp() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { ignores_timestamps: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "standard", &["--skip", "burst,oversized-body"]);
    assert_eq!(code, 1);
    assert_only_failing(&report, &["stale-timestamp"]);
    let stale = find(&report, "stale-timestamp")["reason"].as_str().unwrap().to_owned();
    assert!(stale.starts_with("accepted a delivery correctly signed 65 m ago (tolerance 5 m)"), "{stale}");
}

#[test]
fn a_slow_receiver_fails_valid_and_burst_without_hanging_the_run() {
    let endpoint =
        Endpoint::start("standard", SECRET, Flaws { delay: Some(Duration::from_secs(2)), ..Flaws::default() });
    let started = std::time::Instant::now();
    let (code, report) = check(&endpoint.url(), "standard", &["--timeout", "200ms", "--only", "valid"]);
    assert_eq!(code, 1);
    let valid = find(&report, "valid");
    assert_eq!(valid["status"], Value::Null);
    assert!(valid["reason"].as_str().unwrap().starts_with("no answer within 200 ms"), "{valid}");
    // The burst on its own (after valid it would not run: see verdicts).
    let (code, report) = check(&endpoint.url(), "standard", &["--timeout", "200ms", "--only", "burst"]);
    assert_eq!(code, 1);
    let burst = find(&report, "burst")["reason"].as_str().unwrap().to_owned();
    assert!(
        burst.starts_with(
            "50 of 50 deliveries, 10 at a time were not acknowledged in time (50 × no answer within 200 ms)"
        ),
        "{burst}"
    );
    // Each wait is cut at the timeout: 1 + 50/10 rounds of 200 ms, far from 6 × 2 s.
    assert!(started.elapsed() < Duration::from_secs(8), "took {:?}", started.elapsed());
}

#[test]
fn a_receiver_that_crashes_on_malformed_bodies_fails_malformed_body() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws { crashes_on_malformed: true, ..Flaws::default() });
    let (code, report) = check(&endpoint.url(), "nexadesk", &["--skip", "burst"]);
    assert_eq!(code, 1);
    assert_only_failing(&report, &["malformed-body"]);
    let malformed = find(&report, "malformed-body");
    assert_eq!(malformed["status"], 500);
    assert!(malformed["reason"].as_str().unwrap().contains("answer 400"), "{malformed}");
}

#[test]
fn a_receiver_that_refuses_repeats_fails_duplicate_and_the_retry_simulation() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { conflicts_on_duplicates: true, ..Flaws::default() });
    let args = ["--only", "duplicate,retries", "--simulate-retries", "--time-scale", "100000x"];
    let (code, report) = check(&endpoint.url(), "standard", &args);
    assert_eq!(code, 1);
    assert_only_failing(&report, &["duplicate", "retries"]);
    let duplicate = find(&report, "duplicate");
    assert_eq!(duplicate["status"], 409);
    assert!(duplicate["reason"].as_str().unwrap().starts_with("answered the repeat 409"), "{duplicate}");
    // Standard Webhooks retries every non-2xx: all 8 attempts, each answered 409 after the first.
    let retries = find(&report, "retries");
    let attempts = retries["exchanges"].as_array().unwrap();
    assert_eq!(attempts.len(), 8, "{retries}");
    assert_eq!(attempts[0]["status"], 200);
    assert!(attempts[1..].iter().all(|a| a["status"] == 409), "{retries}");
    assert!(retries["reason"].as_str().unwrap().starts_with("no attempt was acknowledged"), "{retries}");
}

#[test]
fn redeliveries_on_the_schedule_pass_against_a_correct_receiver_and_nexus_skips_json_checks() {
    let endpoint = Endpoint::start("nexus", SECRET, Flaws::default());
    let args =
        ["--only", "valid,reserialized,stale-timestamp,retries", "--simulate-retries", "--time-scale", "100000x"];
    let (code, report) = check(&endpoint.url(), "nexus", &args);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["event"], "Page_Create");
    assert_eq!(find(&report, "stale-timestamp")["result"], "pass");
    let reserialized = find(&report, "reserialized");
    assert_eq!(reserialized["result"], "skip");
    assert!(reserialized["reason"].as_str().unwrap().contains("text/xml, not JSON"), "{reserialized}");
    let retries = find(&report, "retries");
    assert_eq!(retries["result"], "pass", "{retries}");
    let attempts = retries["exchanges"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "one lost ack, then the acknowledged retry: {retries}");
    assert!(attempts[0]["sent"].as_str().unwrap().contains("injected"), "{retries}");
    assert_eq!(attempts[1]["sent"], "attempt 2 at +1 m");
}

#[test]
fn junit_output_is_well_formed_xml_with_one_test_case_per_check() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws { conflicts_on_duplicates: true, ..Flaws::default() });
    let out = Env::new()
        .cmd()
        .args(["check", &endpoint.url(), "--provider", "standard", "--secret", SECRET, "--format", "junit"])
        .args(["--skip", "burst"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let elements = well_formed(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let cases: Vec<&(String, Vec<String>)> = elements.iter().filter(|(name, _)| name == "testcase").collect();
    let names: Vec<&str> = cases.iter().map(|(_, path)| path[0].as_str()).collect();
    assert_eq!(
        names,
        [
            "valid",
            "setup",
            "bad-signature",
            "missing-signature",
            "signature-rotation",
            "authorization",
            "reserialized",
            "stale-timestamp",
            "duplicate",
            "malformed-body",
            "oversized-body",
            "https",
            "tls"
        ]
    );
    assert!(xml.contains("tests=\"13\" failures=\"1\" errors=\"0\" skipped=\"4\""), "{xml}");
    let failure_in = |case: &str| {
        let start = xml.find(&format!("<testcase name=\"{case}\"")).unwrap();
        let after = &xml[start + 1..];
        let end = after.find("<testcase ").or_else(|| after.find("</testsuite>")).unwrap();
        after[..end].contains("<failure ")
    };
    assert!(failure_in("duplicate"));
    assert!(!failure_in("valid"));
    assert!(xml.contains("<skipped message=\"not an https URL\"/>"), "{xml}");
}

/// A careful well-formedness check for the XML `check` writes (no parser is among the
/// dependencies): one root, every tag closed in order, attribute values quoted, and
/// `&` only in the five entities or a numeric reference. Returns each element's name
/// with its attribute values.
fn well_formed(xml: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let body = xml.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n").ok_or("no XML declaration")?;
    let entity_ok = |text: &str| {
        text.split('&').skip(1).all(|rest| {
            let name = rest.split(';').next().unwrap_or("");
            rest.contains(';')
                && (["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || (name.starts_with('#') && name[1..].chars().all(|c| c.is_ascii_digit()) && name.len() > 1))
        })
    };
    let (mut stack, mut elements, mut roots) = (Vec::<String>::new(), Vec::new(), 0);
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if !entity_ok(text) || text.contains('>') {
            return Err(format!("bad text {text:?}"));
        }
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return Err(format!("</{name}> closes the wrong element"));
            }
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().ok_or("empty tag")?.to_owned();
        let mut values = Vec::new();
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let (key, after) = attrs.split_once("=\"").ok_or(format!("unquoted attribute in <{tag}>"))?;
            let end = after.find('"').ok_or("unterminated attribute")?;
            let value = &after[..end];
            if key.trim().is_empty() || value.contains('<') || !entity_ok(value) {
                return Err(format!("bad attribute in <{tag}>"));
            }
            values.push(value.to_owned());
            attrs = after[end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        elements.push((name.clone(), values));
        if !empty {
            stack.push(name);
        }
    }
    match (stack.is_empty(), roots, rest.trim().is_empty()) {
        (true, 1, true) => Ok(elements),
        _ => Err(format!("unbalanced document: open {stack:?}, {roots} roots")),
    }
}

/// A TLS acceptor with a self-signed certificate for localhost, which no public root trusts.
fn self_signed() -> tokio_rustls::TlsAcceptor {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    hooktap::net::client::install_crypto_provider();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap().self_signed(&key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config =
        rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![cert.der().clone()], key).unwrap();
    tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config))
}

#[test]
fn a_self_signed_certificate_on_a_local_address_only_warns_with_insecure() {
    let endpoint = Endpoint::start_with("nexadesk", SECRET, Flaws::default(), Some(self_signed()));
    let url = format!("https://localhost:{}/webhooks", endpoint.addr.port());
    let (code, report) = check(&url, "nexadesk", &["--only", "valid,https,tls", "-k"]);
    assert_eq!(code, 0, "a development setup with -k can pass: {report:#}");
    assert_eq!(find(&report, "valid")["result"], "pass");
    assert_eq!(find(&report, "https")["result"], "pass");
    let tls = find(&report, "tls");
    assert_eq!(tls["result"], "warn");
    let reason = tls["reason"].as_str().unwrap();
    assert!(reason.contains("not valid for a provider") && reason.contains("public authority"), "{reason}");
    // Without -k the deliveries are refused as a provider would refuse them, and -k is named.
    let (code, report) = check(&url, "nexadesk", &["--only", "valid"]);
    assert_eq!(code, 1);
    let valid = find(&report, "valid")["reason"].as_str().unwrap().to_owned();
    assert!(valid.starts_with("could not connect") && valid.contains("certificate"), "{valid}");
    assert!(valid.contains("--insecure (-k)"), "{valid}");
}

#[test]
fn usage_errors_exit_two_before_anything_is_sent() {
    let env = Env::new();
    let run = |args: &[&str]| env.cmd().arg("check").args(args).assert().code(2);
    run(&["not a url", "--provider", "nexadesk", "--secret", "s"])
        .stderr(predicate::str::contains("URL \"not a url\" is not a usable URL"));
    run(&["http://127.0.0.1:9/", "--provider", "nexadsk", "--secret", "s"])
        .stderr(predicate::str::contains("unknown provider"));
    run(&["http://127.0.0.1:9/", "--provider", "nexadesk", "--secret", "s", "--only", "bursts"])
        .stderr(predicate::str::contains("did you mean burst?"));
    run(&["http://127.0.0.1:9/", "--provider", "standard", "--secret", "not base64"])
        .stderr(predicate::str::contains("secret"));
    run(&["http://127.0.0.1:9/", "--provider", "nexadesk", "--secret", "s", "--time-scale", "1000"])
        .stderr(predicate::str::contains("1000x"));
}

#[test]
fn the_table_marks_each_check_and_ends_with_a_summary() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws { crashes_on_malformed: true, ..Flaws::default() });
    let out = Env::new()
        .cmd()
        .args(["check", &endpoint.url(), "--provider", "nexadesk", "--secret", SECRET])
        .args(["--only", "valid,malformed-body,stale-timestamp"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  ✓ valid "), "{text}");
    assert!(text.contains("  ✗ malformed-body   500 "), "{text}");
    assert!(text.contains("  - stale-timestamp  -  "), "{text}");
    assert!(text.contains("\nFAILED  3 checks: 1 passed, 1 failed, 0 warnings, 1 skipped in "), "{text}");
    assert!(!text.contains('\x1b'), "NO_COLOR is set: {text}");
}
