//! End-to-end tests of `hooktap send`: the real binary against an in-process receiver.

use crate::common;

use std::collections::HashSet;

use common::{Answer, Env, Receiver};
use hooktap::catalog::Catalog;
use hooktap::provider::{self, VerifyInput};
use hooktap::secret::Secret;
use hooktap::store::{Filter, Store};
use predicates::prelude::*;
use serde_json::Value;

/// Usable by every scheme (Standard Webhooks needs `whsec_` + base64).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn verify(provider: &str, captured: &common::Captured) -> Result<(), String> {
    let p = provider::lookup(provider).map_err(|e| e.to_string())?;
    p.verify(&VerifyInput {
        headers: &captured.headers,
        body: &captured.body,
        secret: &Secret::new(SECRET),
        now: hooktap::util::unix_now(),
        tolerance: None,
    })
    .map(|_| ())
    .map_err(|e| e.to_string())
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn every_provider_sends_an_event_that_verifies_and_is_recorded() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "thanks"));
    let catalog = Catalog::builtin();
    let providers = provider::builtins();
    for p in &providers {
        let name = &p.info().name;
        let spec = catalog.events(Some(name)).next().unwrap_or_else(|| panic!("{name} has no catalog"));
        let out = env
            .cmd()
            .args(["--json", "send", &spec.name, "--provider", name, "--secret", SECRET])
            .args(["--to", &receiver.url(&format!("/hooks/{name}?src=test"))])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let result = stdout_json(&out);
        assert_eq!(result["status"], 200);
        assert_eq!(result["response_body"], "thanks");
        let got = receiver.next();
        assert_eq!(got.method, "POST");
        assert_eq!(got.uri, format!("/hooks/{name}?src=test"));
        assert_eq!(got.headers["content-type"], spec.content_type.as_str(), "{name}");
        verify(name, &got).unwrap_or_else(|e| panic!("{name} {}: {e}", spec.name));

        let store = Store::open(&env.db()).unwrap();
        let id = result["delivery_id"].as_str().expect("recorded delivery id");
        let d = store.get(id).unwrap();
        assert_eq!((d.source.as_str(), d.state.as_str(), d.signature.as_str()), ("send", "forwarded", "valid"));
        assert_eq!(d.path, format!("/hooks/{name}"));
        assert_eq!(d.query.as_deref(), Some("src=test"));
        assert_eq!(d.body, got.body, "{name}: the stored body is the sent body");
        assert_eq!(
            d.headers, got.headers,
            "{name}: the stored headers are those received, Host and Content-Length too"
        );
        assert_eq!(d.provider.as_deref(), Some(name.as_str()));
        assert_eq!(d.provider_delivery_id.as_deref(), result["provider_delivery_id"].as_str());
        assert_eq!(d.last_status, Some(200));
        let attempts = store.attempts(id).unwrap();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].kind, "send");
        assert_eq!(attempts[0].response_body.as_ref(), b"thanks");
    }
    let store = Store::open(&env.db()).unwrap();
    assert_eq!(store.list(&Filter::default()).unwrap().len(), providers.len());
}

#[test]
fn set_edits_land_in_the_signed_body() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    env.cmd()
        .args(["send", "lead.created", "--provider", "nexadesk", "--secret", SECRET, "--to", &receiver.url("/h")])
        .args(["--set", "data.pipeline_stage=won", "--set", "data.value=9900", "--set", "data.notes=\"42\""])
        .args(["--set", "data.owner.name=Ana Lima", "--set", "data.tags.0=null"])
        .assert()
        .success();
    let got = receiver.next();
    verify("nexadesk", &got).unwrap();
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["data"]["pipeline_stage"], "won");
    assert_eq!(body["data"]["value"], 9900);
    assert_eq!(body["data"]["notes"], "42");
    assert_eq!(body["data"]["owner"]["name"], "Ana Lima");
    assert_eq!(body["data"]["tags"][0], Value::Null);
    assert_eq!(body["event"], "lead.created", "untouched fields stay");

    // Nexudus bodies are arrays: numeric segments index them.
    env.cmd()
        .args(["send", "Coworker Update", "--provider", "nexudus", "--secret", SECRET, "--to", &receiver.url("/n")])
        .args(["--set", "0.FullName=Jane Roe"])
        .assert()
        .success();
    let got = receiver.next();
    verify("nexudus", &got).unwrap();
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body[0]["FullName"], "Jane Roe");
}

#[test]
fn exit_codes_follow_the_answer() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let send = |url: &str, extra: &[&str]| {
        env.cmd()
            .args(["send", "push", "--provider", "github", "--secret", SECRET, "--to", url])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(send(&receiver.url("/a"), &[]).status.code(), Some(0));

    receiver.set_answer(Answer::Status(500, "boom"));
    let out = send(&receiver.url("/b"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("500 Internal Server Error"), "{text}");
    assert!(text.contains("  boom"), "{text}");

    receiver.set_answer(Answer::Hang);
    let out = send(&receiver.url("/c"), &["--timeout", "300ms", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["error"]["kind"], "timeout");

    // A port nobody listens on: bind one, note it, let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = send(&format!("http://127.0.0.1:{port}/d"), &["--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["error"]["kind"], "connect");

    // Each failure was recorded as failed, with its error.
    let store = Store::open(&env.db()).unwrap();
    let all = store.list(&Filter::default()).unwrap();
    let states: Vec<&str> = all.iter().map(|d| d.state.as_str()).collect();
    assert_eq!(states, ["forwarded", "failed", "failed", "failed"]);
    assert!(all[3].last_error.as_deref().unwrap_or_default().contains("connect"));
}

#[test]
fn count_and_concurrency_send_exactly_n_distinct_deliveries() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let out = env
        .cmd()
        .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/load")])
        .args(["--count", "60", "--concurrency", "8"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = stdout_json(&out);
    assert_eq!(
        (summary["sent"].as_u64(), summary["ok"].as_u64(), summary["failed"].as_u64()),
        (Some(60), Some(60), Some(0))
    );
    assert_eq!(summary["status"]["200"], 60);
    assert_eq!(summary["recorded"], 60);
    assert!(summary["latency_ms"]["p50"].as_f64().unwrap() <= summary["latency_ms"]["max"].as_f64().unwrap());
    // The binary has exited, so everything it sent has been captured.
    let got: Vec<_> = receiver.requests.try_iter().collect();
    assert_eq!(got.len(), 60);
    let ids: HashSet<_> = got.iter().map(|c| c.headers["x-github-delivery"].clone()).collect();
    assert_eq!(ids.len(), 60, "each delivery has its own id");
    for c in &got {
        verify("github", c).unwrap();
    }
    let store = Store::open(&env.db()).unwrap();
    assert_eq!(store.list(&Filter::default()).unwrap().len(), 60);
}

#[test]
fn load_survives_a_server_that_closes_kept_alive_connections() {
    let env = Env::new();
    let (url, answered) = common::closing_server("/closing");
    let out = env
        .cmd()
        .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &url])
        .args(["--count", "200", "--concurrency", "4", "--no-record"])
        .output()
        .unwrap();
    let summary = stdout_json(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert_eq!((summary["ok"].as_u64(), summary["failed"].as_u64()), (Some(200), Some(0)), "{summary}");
    // A request sent again was one the closed connection never delivered: none twice.
    assert_eq!(answered.load(std::sync::atomic::Ordering::SeqCst), 200);
}

#[test]
fn load_failures_are_summarised_and_exit_one() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(503, "busy"));
    env.cmd()
        .args(["send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/x")])
        .args(["--count", "5", "--concurrency", "2", "--no-record"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("failed    5").and(predicate::str::contains("503 ×5")));
    assert!(!env.db().exists(), "--no-record leaves no database");
}

#[test]
fn duration_and_rate_bound_the_run() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let out = env
        .cmd()
        .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/r")])
        .args(["--duration", "300ms", "--rate", "40/s", "--concurrency", "4", "--no-record"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let sent = stdout_json(&out)["sent"].as_u64().unwrap();
    // Slots are 25 ms apart from the start, and none are started after 300 ms.
    assert!((1..=13).contains(&sent), "sent {sent}");
    assert_eq!(receiver.requests.try_iter().count() as u64, sent);
}

#[test]
fn dry_run_prints_curl_and_hides_credentials() {
    let env = Env::new();
    env.write_user_config("[profiles.kb]\nprovider = \"nexus\"\nsecret_env = \"KB_SECRET\"\nauth_env = \"KB_AUTH\"\n");
    let run = |extra: &[&str]| {
        env.cmd()
            .env("KB_SECRET", SECRET)
            .env("KB_AUTH", "Bearer eyJ.sup3r.s3cret")
            .args(["send", "page-create", "--profile", "kb", "--dry-run", "--to", "http://127.0.0.1:9/kb"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("curl -sS -X POST http://127.0.0.1:9/kb"), "{text}");
    assert!(text.contains("'authorization: <redacted>'"), "{text}");
    assert!(!text.contains("s3cret") && !text.contains(SECRET), "{text}");
    assert!(text.contains("x-nexus-signature-256: sha256="), "{text}");
    assert!(text.contains("<webhookEvent>"), "{text}");
    assert!(!env.db().exists(), "a dry run records nothing");
    let shown = run(&["--show-secrets"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("authorization: Bearer eyJ.sup3r.s3cret"));
}

#[test]
fn profile_auth_and_dash_h_headers_are_sent() {
    let env = Env::new();
    env.write_user_config("[profiles.kb]\nprovider = \"nexus\"\nsecret_env = \"KB_SECRET\"\nauth_env = \"KB_AUTH\"\n");
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    env.cmd()
        .env("KB_SECRET", SECRET)
        .env("KB_AUTH", "Basic dXNlcjpwYXNz")
        .args(["send", "Page Create", "--profile", "kb", "--to", &receiver.url("/kb"), "-H", "X-Trace: abc"])
        .assert()
        .success();
    let got = receiver.next();
    assert_eq!(got.headers["authorization"], "Basic dXNlcjpwYXNz");
    assert_eq!(got.headers["x-trace"], "abc");
    assert_eq!(got.headers["x-nexus-event-type"], "Page_Create");
    verify("nexus", &got).unwrap();
}

#[test]
fn data_bodies_are_sent_as_given_with_a_warning_when_invalid() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    env.cmd()
        .args(["send", "--provider", "nudj", "--secret", SECRET, "--data", "-", "--to", &receiver.url("/n")])
        .write_stdin("not json at all")
        .assert()
        .success()
        .stderr(predicate::str::contains("not valid JSON"));
    let got = receiver.next();
    assert_eq!(got.body.as_ref(), b"not json at all");
    verify("nudj", &got).unwrap();

    // --set cannot edit a body that is not JSON: an input error, nothing sent.
    env.cmd()
        .args(["send", "--provider", "nudj", "--secret", SECRET, "--data", "plain", "--set", "a=1"])
        .args(["--to", &receiver.url("/n")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set needs a JSON body"));
}

/// Regression: `--data payload.json` (no `@`) sent the file's name as the body,
/// with only a warning that the body was not JSON.
#[test]
fn a_data_value_naming_a_file_is_sent_as_text_with_a_warning_that_says_to_add_the_at() {
    let env = Env::new();
    std::fs::write(env.work().join("payload.json"), r#"{"a":1}"#).unwrap();
    let out = env
        .cmd()
        .current_dir(env.work())
        .args(["send", "--provider", "nudj", "--secret", SECRET, "--data", "payload.json", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "warning: --data payload.json sends the text \"payload.json\", not the file; to send the file, write \
             --data @payload.json"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("not valid JSON"), "one warning, the one that helps: {stderr}");
    assert!(String::from_utf8(out.stdout).unwrap().ends_with("--data-binary payload.json\n"));
}

#[test]
fn a_data_body_that_names_another_event_than_the_one_asked_for_is_warned_of() {
    let env = Env::new();
    let dry = |args: &[&str], body: &str| {
        let out = env
            .cmd()
            .args(["send", "--provider", "nudj", "--secret", SECRET, "--data", "-", "--dry-run"])
            .args(args)
            .write_stdin(body.to_string())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stderr).unwrap()
    };
    let body = r#"{"type":"user.deleted","data":{}}"#;
    let stderr = dry(&["user.registered"], body);
    assert!(stderr.contains(r#"the body names event "user.deleted", not "user.registered""#), "{stderr}");
    assert!(stderr.contains(r#"add --set 'type="user.registered"'"#), "{stderr}");
    // The edit it suggests settles it; so does naming no EVENT (the body's own is sent).
    assert_eq!(dry(&["user.registered", "--set", r#"type="user.registered""#], body), "");
    assert_eq!(dry(&[], body), "");
}

#[test]
fn set_on_a_form_body_labelled_json_says_how_to_label_it_a_form() {
    let env = Env::new();
    let base = ["send", "--provider", "github", "--secret", SECRET, "--data", "a=1&b=2", "--set", "a=3", "--dry-run"];
    env.cmd().args(base).assert().code(2).stderr(predicate::str::contains(
        "hint: the body looks form-encoded: add -H 'Content-Type: application/x-www-form-urlencoded'",
    ));
    // Labelled a form, the same edit applies.
    env.cmd()
        .args(base)
        .args(["-H", "Content-Type: application/x-www-form-urlencoded"])
        .assert()
        .success()
        .stdout(predicate::str::contains("a=3&b=2"));
}

#[test]
fn input_errors_exit_two_with_a_hint() {
    let env = Env::new();
    let base = ["send", "--provider", "nexudus", "--secret", "s"];
    env.cmd()
        .args(base)
        .args(["Coworker Updat", "--to", "http://127.0.0.1:9/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("closest: Coworker Update"));
    env.cmd()
        .args(base)
        .arg("coworker-update")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--to URL is required").and(predicate::str::contains("hint:")));
    env.cmd().args(base).args(["CoworkerUpdate", "--to", "ftp://localhost:3000/x"]).assert().code(2).stderr(
        predicate::str::contains("--to \"ftp://localhost:3000/x\" is not a usable URL: ftp:// is not supported"),
    );
    env.cmd().args(base).args(["coworker update", "--to", "http://x/", "--count", "0"]).assert().code(2);
    env.cmd()
        .args(base)
        .args(["coworker update", "--to", "http://x/", "--duration", "0s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--duration must be longer than zero"));
    // A dry run prints one request: load options would be silently ignored.
    env.cmd()
        .args(base)
        .args(["coworker update", "--dry-run", "--count", "3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--dry-run prints one request"));
    // A misspelt event is named first, with its suggestions.
    env.cmd()
        .args(["send", "pushh", "--provider", "github", "--to", "http://127.0.0.1:9/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("closest: push"));
    for (args, reason) in [
        (&["--count", "2", "--concurrency", "0"][..], "--concurrency must be at least 1"),
        (&["-H", "X-A: a\u{1}b"], "header x-a has a value with control characters"),
        (&["-H", "X A: b"], "invalid header name \"X A\""),
    ] {
        env.cmd()
            .args(["send", "push", "--provider", "github", "--secret", "s", "--to", "http://127.0.0.1:9/"])
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(reason).and(predicate::str::contains("\n  hint: ")));
    }
    // hooktap frames the body: a -H Content-Length would split it into a second request.
    for header in ["Content-Length: 5", "transfer-encoding: chunked"] {
        env.cmd()
            .args([
                "send",
                "push",
                "--provider",
                "github",
                "--secret",
                "s",
                "--to",
                "http://127.0.0.1:9/",
                "-H",
                header,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("frames the body").and(predicate::str::contains("hint:")));
    }
}

#[test]
fn list_prints_the_catalog_as_a_table_or_json() {
    let env = Env::new();
    env.cmd()
        .args(["send", "--list", "--provider", "nexadesk"])
        .assert()
        .success()
        .stdout(predicate::str::contains("lead.created").and(predicate::str::contains("PROVIDER")));
    let out = env.cmd().args(["--json", "send", "--list", "--provider", "nudj"]).output().unwrap();
    let list = stdout_json(&out);
    let expected = Catalog::builtin().events(Some("nudj")).count();
    assert_eq!(list.as_array().map(Vec::len), Some(expected));
    assert!(list.as_array().unwrap().iter().all(|e| e["provider"] == "nudj"));
    env.cmd().args(["send", "--list", "--provider", "nexdesk"]).assert().code(2);
    // `send --list nudj` lists that provider's catalog, not everything.
    let out = env.cmd().args(["--json", "send", "--list", "nudj"]).output().unwrap();
    assert_eq!(stdout_json(&out).as_array().map(Vec::len), Some(expected));
    env.cmd()
        .args(["send", "--list", "lead.created", "--provider", "nexadesk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("takes no event"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_load_prints_the_summary_records_requests_in_flight_and_exits_130() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Hang);
    let child = env
        .std_cmd()
        .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/h")])
        .args(["--count", "100", "--concurrency", "2", "--timeout", "60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once both workers' requests have arrived, both are in flight.
    receiver.next();
    receiver.next();
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let summary = stdout_json(&out);
    assert_eq!(summary["interrupted"], true);
    // They reached the target, so they count as sent, and failed, and are on record.
    assert_eq!((summary["sent"].as_u64(), summary["ok"].as_u64()), (Some(2), Some(0)), "{summary}");
    assert_eq!(summary["errors"]["interrupted"], 2, "{summary}");
    assert_eq!(summary["recorded"], 2, "{summary}");
    let store = Store::open(&env.db()).unwrap();
    let all = store.list(&Filter::default()).unwrap();
    assert_eq!(all.len(), 2);
    assert!(
        all.iter().all(
            |d| d.state.as_str() == "failed" && d.last_error.as_deref().unwrap_or_default().contains("interrupted")
        )
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_during_one_send_still_prints_the_result_and_records_it() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Hang);
    let child = env
        .std_cmd()
        .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/h")])
        .args(["--timeout", "60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let got = receiver.next();
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let result = stdout_json(&out);
    assert_eq!(result["error"]["kind"], "interrupted", "{result}");
    assert_eq!(result["provider_delivery_id"], got.headers["x-github-delivery"].to_str().unwrap());
    let store = Store::open(&env.db()).unwrap();
    let d = store.get(result["delivery_id"].as_str().expect("recorded")).unwrap();
    assert_eq!(d.state.as_str(), "failed");
}

#[cfg(unix)]
fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

/// A target on 127.0.0.1:0 that reads each request in full, writes `reply` as
/// it is (any bytes, however broken) and closes the connection. Returns `url(path)`.
fn raw_target(reply: Vec<u8>, path: &str) -> String {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            // The answer goes out whether or not the request arrived whole.
            let _ = common::read_request(&mut stream);
            let _ = stream.write_all(&reply);
        }
    });
    url
}

fn send_to(env: &Env, url: &str, extra: &[&str]) -> std::process::Output {
    env.cmd()
        .args(["send", "push", "--provider", "github", "--secret", SECRET, "--to", url])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn redirects_are_not_followed_and_the_output_says_where_they_point() {
    let env = Env::new();
    let url = raw_target(
        b"HTTP/1.1 308 Permanent Redirect\r\nLocation: /hooks/new\r\nContent-Length: 0\r\n\r\n".to_vec(),
        "/old",
    );
    let new = url.replace("/old", "/hooks/new");
    let out = send_to(&env, &url, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("308 Permanent Redirect"), "{text}");
    assert!(text.contains("hint: the target redirects to ") && text.contains(&format!("--to {new}")), "{text}");
    let json = stdout_json(&send_to(&env, &url, &["--json"]));
    assert!(json["hint"].as_str().unwrap_or_default().contains(&new), "{json}");
    let out = send_to(&env, &url, &["--count", "3", "--no-record"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("308 ×3") && text.contains(&format!("--to {new}")), "{text}");
}

#[test]
fn a_target_that_drops_the_connection_is_described_in_plain_words() {
    let env = Env::new();
    let cut = raw_target(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".to_vec(), "/cut");
    let out = send_to(&env, &cut, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error: the answer was cut off after 200 OK and 7 of 100 body bytes"), "{text}");
    assert!(text.contains("hint: the target's server dropped the exchange"), "{text}");
    // The same under load, where the summary gives the hint too.
    let out = send_to(&env, &cut, &["--count", "3", "--no-record"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("other: the answer was cut off") && text.contains("hint: the target's"), "{text}");

    let silent = raw_target(Vec::new(), "/silent");
    let text = String::from_utf8_lossy(&send_to(&env, &silent, &[]).stdout).into_owned();
    assert!(text.contains("error: the target closed the connection without answering"), "{text}");
    let not_http = raw_target(b"\x15\x03\x03\x00\x02\x02\x46".to_vec(), "/tls");
    let text = String::from_utf8_lossy(&send_to(&env, &not_http, &[]).stdout).into_owned();
    assert!(text.contains("the answer is not HTTP") && text.contains("use an https:// URL"), "{text}");
}

#[test]
fn answer_bodies_cannot_drive_the_terminal_and_big_ones_say_their_size() {
    let env = Env::new();
    let body = b"\xff\xfe ok \x1b[2J\x1b]0;title\x07 done\r\nnext";
    let mut reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(body);
    let out = send_to(&env, &raw_target(reply, "/bin"), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07), "{:?}", String::from_utf8_lossy(&out.stdout));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(r"  \xff\xfe ok \x1b[2J\x1b]0;title\x07 done"), "{text}");
    assert!(text.contains("\n  next"), "a CRLF is a line break: {text}");
    // JSON keeps the bytes that are not UTF-8, whole.
    let mut reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    reply.extend_from_slice(body);
    let json = stdout_json(&send_to(&env, &raw_target(reply, "/bin"), &["--json"]));
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::STANDARD.decode(json["response_body_base64"].as_str().unwrap()).unwrap();
    assert_eq!(raw, body);

    let size = 1 << 20;
    let mut reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n").into_bytes();
    reply.resize(reply.len() + size, b'x');
    let url = raw_target(reply, "/big");
    let text = String::from_utf8_lossy(&send_to(&env, &url, &[]).stdout).into_owned();
    assert!(text.contains(&format!("…(+{} bytes)", size - 500)), "the whole body's size: {}", &text[text.len() - 40..]);
    let json = stdout_json(&send_to(&env, &url, &["--json"]));
    assert_eq!(json["response_size"], size);
}

#[test]
fn json_results_keep_one_shape() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    let one = stdout_json(&send_to(&env, &receiver.url("/j"), &["--json"]));
    assert_eq!(
        keys(&one),
        [
            "status",
            "ok",
            "latency_ms",
            "url",
            "provider",
            "event",
            "delivery_id",
            "provider_delivery_id",
            "response_body",
            "response_body_base64",
            "response_size",
            "error",
            "hint"
        ]
    );
    assert_eq!(one["response_body_base64"], Value::Null, "a UTF-8 answer needs no second copy");
    // --count asks for a summary, whatever N is, so a script gets one shape.
    for n in ["1", "2"] {
        let summary = stdout_json(&send_to(&env, &receiver.url("/j"), &["--json", "--count", n]));
        assert_eq!(summary["sent"].as_u64().map(|s| s.to_string()).as_deref(), Some(n), "{summary}");
        assert_eq!(
            keys(&summary),
            [
                "sent",
                "ok",
                "failed",
                "status",
                "errors",
                "error_samples",
                "elapsed_s",
                "throughput_rps",
                "latency_ms",
                "recorded",
                "not_recorded",
                "interrupted"
            ]
        );
        assert_eq!(keys(&summary["errors"]), ["timeout", "connect", "other", "interrupted"]);
    }
}

#[test]
fn rate_and_concurrency_without_a_load_run_are_refused_and_a_slow_rate_ends_on_time() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    for extra in [["--rate", "5"], ["--concurrency", "4"]] {
        let out = send_to(&env, &receiver.url("/r"), &extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{} shapes a load run", extra[0])), "{err}");
        assert!(err.contains("hint: add --count N or --duration"), "{err}");
    }
    assert!(receiver.requests.try_iter().next().is_none(), "nothing was sent");
    // One request a minute for 200 ms: one request, then the run ends with its duration.
    let out = send_to(&env, &receiver.url("/r"), &["--json", "--rate", "1/m", "--duration", "200ms", "--no-record"]);
    assert_eq!(out.status.code(), Some(0));
    let summary = stdout_json(&out);
    assert_eq!(summary["sent"], 1);
    assert!(summary["elapsed_s"].as_f64().unwrap() < 30.0, "waited for a slot past the end: {summary}");
}

#[test]
fn set_edits_form_fields_and_says_plainly_what_it_cannot_edit() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, ""));
    env.cmd()
        .args(["send", "slash_command", "--provider", "slack", "--secret", SECRET, "--to", &receiver.url("/s")])
        .args(["--set", "text=deploy now", "--set", "user_name=ana"])
        .assert()
        .success();
    let got = receiver.next();
    verify("slack", &got).unwrap();
    let body = String::from_utf8_lossy(&got.body);
    assert!(body.contains("&text=deploy+now&") && body.contains("&user_name=ana&"), "{body}");
    assert!(body.starts_with("token="), "the other fields stay in place: {body}");

    env.cmd()
        .args(["send", "page_create", "--provider", "nexus", "--secret", SECRET, "--to", &receiver.url("/x")])
        .args(["--set", "title=x"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--set edits JSON and form-encoded bodies, and this one is text/xml")
                .and(predicate::str::contains("--data @file")),
        );
}

#[test]
fn an_empty_body_from_stdin_is_named_as_such() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    env.cmd()
        .args(["send", "--provider", "nudj", "--secret", SECRET, "--data", "-", "--to", &receiver.url("/n")])
        .write_stdin("")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("the body is empty (--data - read nothing from stdin)")
                .and(predicate::str::contains("EOF while parsing").not()),
        );
    assert!(receiver.next().body.is_empty());
}

#[test]
fn verbose_levels_show_what_is_sent_and_what_came_back_but_no_secret() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(202, "queued"));
    let url = receiver.url("/v").replacen("http://", "http://ops:pa55word@", 1);
    let run = |level: &str| {
        let out = env
            .cmd()
            .args([level, "send", "push", "--provider", "github", "--secret", SECRET, "--to", &url])
            .args(["-H", "X-Trace: t1"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let got = receiver.next();
        (String::from_utf8_lossy(&out.stderr).into_owned(), got)
    };
    let (quiet, _) = run("-q");
    assert_eq!(quiet, "");
    let (info, _) = run("-v");
    assert!(info.contains("sending github push to POST ") && !info.contains("DEBUG"), "{info}");
    let (debug, got) = run("-vv");
    for want in
        ["signing for github", "x-hub-signature-256: sha256=", "x-github-event", "-H x-trace", "202 Accepted in "]
    {
        assert!(debug.contains(want), "-vv lacks {want:?}:\n{debug}");
    }
    assert!(debug.contains("answer from 127.0.0.1:") && !debug.contains("TRACE"), "{debug}");
    assert!(!debug.contains("--insecure"), "{debug}");
    let insecure = env
        .cmd()
        .args(["-vv", "send", "push", "--provider", "github", "--secret", SECRET, "--insecure", "--to"])
        .arg(receiver.url("/v"))
        .output()
        .unwrap();
    let insecure = String::from_utf8_lossy(&insecure.stderr).into_owned();
    assert!(insecure.contains("--insecure: any certificate is accepted"), "-vv says when checks are off:\n{insecure}");
    receiver.next();
    let (trace, got_traced) = run("-vvv");
    for want in ["> x-github-event: push", "> x-trace: t1", "> authorization: <redacted>", "< content-length: 6"] {
        assert!(trace.contains(want), "-vvv lacks {want:?}:\n{trace}");
    }
    for (log, got) in [(&debug, &got), (&trace, &got_traced)] {
        let signature = got.headers["x-hub-signature-256"].to_str().unwrap();
        let auth = got.headers["authorization"].to_str().unwrap();
        for secret in [SECRET, signature, auth, "pa55word"] {
            assert!(!log.contains(secret), "the log shows {secret:?}:\n{log}");
        }
    }
    // Under load, each request gets its line at debug.
    let out = env
        .cmd()
        .args(["-vv", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/v")])
        .args(["--count", "3", "--no-record"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert_eq!(log.matches("202 Accepted in ").count(), 3, "{log}");
    assert!(log.contains("3 requests, 1 at once") && log.contains("connected to 127.0.0.1:"), "{log}");
}

#[test]
fn credentials_in_the_url_are_sent_as_basic_auth_and_never_shown() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, ""));
    let url = receiver.url("/hook").replacen("http://", "http://ops:s%3Acret@", 1);
    let out =
        env.cmd().args(["send", "push", "--provider", "github", "--secret", SECRET, "--to", &url]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got = receiver.next();
    // base64("ops:s:cret"), as curl would send it; the request line carries no credentials.
    assert_eq!(got.headers["authorization"], "Basic b3BzOnM6Y3JldA==");
    assert_eq!(got.uri, "/hook");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&receiver.url("/hook")) && !stdout.contains("s%3Acret"), "{stdout}");
    let dry = env
        .cmd()
        .args(["send", "push", "--provider", "github", "--secret", SECRET, "--dry-run", "--to", &url])
        .output();
    let dry = dry.unwrap();
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(text.contains("authorization: <redacted>") && !text.contains("s%3Acret"), "{text}");
}

#[test]
fn insecure_accepts_a_self_signed_certificate_and_its_absence_says_so() {
    let env = Env::new();
    let relay = common::RelayProcess::start(&env, &["--tls", "self-signed"], &[]);
    let url = format!("{}/hook", relay.url);
    let send = |extra: &[&str]| {
        env.cmd()
            .args(["send", "push", "--provider", "github", "--secret", SECRET, "--no-record", "--to", &url])
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = send(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let text = String::from_utf8_lossy(&refused.stdout);
    assert!(text.contains("certificate") && text.contains("hint: add --insecure"), "{text}");
    let accepted = send(&["-k"]);
    let text = String::from_utf8_lossy(&accepted.stdout);
    assert_eq!(accepted.status.code(), Some(0), "{text}");
    assert!(text.starts_with("200"), "{text}");
    relay.kill();
}

#[test]
fn a_broken_catalog_of_the_provider_sent_is_one_error_that_says_to_fix_it() {
    let env = Env::new();
    let fixtures = env.path("fixtures");
    common::write(&fixtures.join("github/catalog.toml"), "[[event]]\nname = \"x\"\nfile = 5\n");
    common::write(&fixtures.join("nudj/catalog.toml"), "[[event]]\nname = \"y\"\nfile = 6\n");
    let out = env
        .cmd()
        .env("HOOKTAP_FIXTURES_DIR", &fixtures)
        .args(["send", "push", "--provider", "github", "--secret", "s", "--to", "http://127.0.0.1:9/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("github/catalog.toml:3").count(), 1, "said once, as the error:\n{stderr}");
    assert!(stderr.contains("hooktap: error: fixtures_dir: "), "{stderr}");
    assert!(stderr.contains("hint: fix that catalog.toml, or send your own body with --data @file"), "{stderr}");
    // Another provider's broken catalog is not this send's concern: no warning of it.
    assert!(!stderr.contains("nudj"), "{stderr}");

    // Nor is a folder named after nothing, except where every catalog is listed.
    std::fs::create_dir_all(fixtures.join("noprov")).unwrap();
    let run = |args: &[&str]| {
        let out = env.cmd().env("HOOKTAP_FIXTURES_DIR", &fixtures).args(args).output().unwrap();
        (out.status.code(), String::from_utf8(out.stderr).unwrap())
    };
    let (code, stderr) =
        run(&["send", "lead.created", "--provider", "nexadesk", "--secret", "s", "--dry-run", "--to", "http://h/"]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    let (code, stderr) = run(&["send", "--list", "--provider", "nudj"]);
    assert_eq!(code, Some(0));
    assert!(
        stderr.contains("nudj/catalog.toml:3") && !stderr.contains("github") && !stderr.contains("noprov"),
        "{stderr}"
    );
    let (code, stderr) = run(&["send", "--list"]);
    assert_eq!(code, Some(0));
    assert!(stderr.contains("noprov is not a provider or custom profile name"), "{stderr}");
    assert!(!stderr.contains("to add noprov events"), "{stderr}");
}

#[test]
fn a_custom_profile_finds_its_catalog_the_same_way_to_list_and_to_send_and_is_told_where_it_goes() {
    let env = Env::new();
    let fixtures = env.path("fx");
    env.write_user_config(&format!(
        "fixtures_dir = {:?}\n[profiles.inhouse]\nprovider = \"custom\"\nsecret = \"s3cr3t\"\n\
         [profiles.inhouse.scheme]\nheader = \"X-Signature\"\n",
        fixtures.display().to_string()
    ));
    std::fs::create_dir_all(&fixtures).unwrap();
    let run = |args: &[&str]| {
        let out = env.cmd().args(args).output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let send = ["send", "order.paid", "--profile", "inhouse", "--dry-run", "--to", "http://h/"];
    let place = format!("{}/inhouse/catalog.toml", fixtures.display());
    for args in [&send[..], &["send", "--list", "--profile", "inhouse"]] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(stderr.contains("no event catalog for custom profile inhouse"), "{stderr}");
        assert!(stderr.contains(&format!("hint: list its events in {place}")), "{stderr}");
        assert!(!stderr.contains("closest"), "no built-in provider is suggested: {stderr}");
    }
    common::write(&fixtures.join("inhouse/catalog.toml"), "[[event]]\nname = \"order.paid\"\nfile = \"paid.json\"\n");
    common::write(&fixtures.join("inhouse/paid.json"), "{\"paid\": true}");
    let (code, stdout, stderr) = run(&["send", "--list", "--profile", "inhouse"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("order.paid"), "{stdout}");
    let (code, stdout, stderr) = run(&send);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("{\"paid\": true}"), "{stdout}");
}

#[test]
fn listing_an_unknown_provider_suggests_the_nearest_names() {
    let env = Env::new();
    env.cmd().args(["send", "--list", "--provider", "nexudos"]).assert().code(2).stderr(
        predicate::str::contains("closest: nexudus").and(predicate::str::contains("hint: did you mean nexudus?")),
    );
    // A name nothing like any provider gets the list, not a guess.
    let far = env.cmd().args(["send", "--list", "--provider", "zzzz"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&far.stderr);
    assert!(!stderr.contains("did you mean") && stderr.contains("hint: catalogs exist for: github,"), "{stderr}");
    // `custom` is no provider with a catalog: custom profiles each have theirs.
    let custom = env.cmd().args(["send", "--list", "--provider", "custom"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&custom.stderr);
    assert!(stderr.contains("send --list --profile NAME") && !stderr.contains("did you mean"), "{stderr}");
}

/// A target on 127.0.0.1:0 that answers `200` with `Connection: close` and hands over
/// each request's raw bytes, head included, as they arrived.
fn raw_capture(path: &str) -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            if let Some(request) = common::read_request(&mut stream) {
                let _ = tx.send(request);
            }
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (url, rx)
}

#[test]
fn an_empty_body_is_posted_with_content_length_zero() {
    let env = Env::new();
    let (url, requests) = raw_capture("/empty");
    for extra in [&[][..], &["--count", "2"]] {
        env.cmd()
            .args(["send", "--provider", "github", "--secret", SECRET, "--data", "-", "--no-record", "--to", &url])
            .args(extra)
            .write_stdin("")
            .assert()
            .success();
        for _ in 0..extra.len().max(1) {
            let raw = requests.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
            let head = String::from_utf8_lossy(&raw).to_ascii_lowercase();
            assert!(head.starts_with("post /empty "), "{head}");
            assert_eq!(head.matches("content-length: 0\r\n").count(), 1, "{extra:?}: {head}");
        }
    }
}

#[test]
fn a_delivery_id_or_event_given_with_dash_h_is_the_one_reported_and_recorded() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    for _ in 0..2 {
        let out = env
            .cmd()
            .args(["--json", "send", "push", "--provider", "github", "--secret", SECRET, "--to", &receiver.url("/g")])
            .args(["-H", "X-GitHub-Delivery: fixed-id", "-H", "X-GitHub-Event: issues"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let result = stdout_json(&out);
        assert_eq!(
            (result["provider_delivery_id"].as_str(), result["event"].as_str()),
            (Some("fixed-id"), Some("issues"))
        );
        let got = receiver.next();
        assert_eq!(got.headers["x-github-delivery"], "fixed-id");
        let d = Store::open(&env.db()).unwrap().get(result["delivery_id"].as_str().unwrap()).unwrap();
        assert_eq!((d.provider_delivery_id.as_deref(), d.event.as_deref()), (Some("fixed-id"), Some("issues")));
    }
    // A Standard Webhooks id given with -H is signed over, so the duplicate is authentic.
    env.cmd()
        .args(["send", "user.created", "--provider", "standard", "--secret", SECRET, "--to", &receiver.url("/s")])
        .args(["-H", "webhook-id: msg_dup", "--no-record"])
        .assert()
        .success();
    let got = receiver.next();
    assert_eq!(got.headers["webhook-id"], "msg_dup");
    verify("standard", &got).unwrap();
}

#[test]
fn a_dash_h_content_type_decides_how_set_edits_the_body_and_what_it_is_checked_as() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    let base = ["send", "--provider", "slack", "--secret", SECRET, "--data", "command=%2Fdeploy&text=a"];
    // A form body labelled JSON (the provider's default) is told how to send it as a form.
    let out = env.cmd().args(base).args(["--dry-run"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "it looks form-encoded: to send it as a form, add -H 'Content-Type: application/x-www-form-urlencoded'"
        ),
        "{stderr}"
    );
    let out = env
        .cmd()
        .args(base)
        .args(["-H", "Content-Type: application/x-www-form-urlencoded", "--set", "text=b c", "--no-record"])
        .args(["--to", &receiver.url("/s")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "a form labelled as a form draws no warning");
    let got = receiver.next();
    assert_eq!(got.body.as_ref(), b"command=%2Fdeploy&text=b+c");
    assert_eq!(got.headers["content-type"], "application/x-www-form-urlencoded");
    verify("slack", &got).unwrap();
}

#[test]
fn a_dry_run_of_a_body_over_128_kib_runs_as_printed_and_delivers_the_exact_bytes() {
    let env = Env::new();
    let receiver = Receiver::start(Answer::Status(200, "ok"));
    // Quotes, printf's % and \, and line breaks, in a body past Linux's 128 KiB per-argument limit.
    let body =
        format!("{{\"event\":\"lead.created\",\"blob\":\"{}\",\"odd\":\"it's 100% \\\\n\"}}\n", "x".repeat(140_000));
    let file = env.path("big.json");
    common::write(&file, &body);
    let out = env
        .cmd()
        .args(["send", "--provider", "nexadesk", "--secret", SECRET, "--dry-run", "--to", &receiver.url("/big")])
        .arg(format!("--data=@{}", file.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let command = String::from_utf8(out.stdout).unwrap();
    assert!(command.starts_with("printf %s '"), "{}", &command[..80]);
    if std::process::Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipping the run of the printed command: curl is not installed");
        return;
    }
    // Run from a file, as a pasted command is: `sh -c` would itself take it as one argument.
    let script = env.path("big.sh");
    common::write(&script, &command);
    let run = std::process::Command::new("sh").arg(&script).output().unwrap();
    assert!(run.status.success(), "sh: {}", String::from_utf8_lossy(&run.stderr));
    let got = receiver.next();
    assert_eq!(got.body.len(), body.len());
    assert!(got.body == body.as_bytes(), "the body arrived changed");
    verify("nexadesk", &got).unwrap();
}

#[test]
fn a_json_dry_run_prints_the_request_as_one_object_with_credentials_redacted() {
    let env = Env::new();
    let dry = |args: &[&str], stdin: &[u8]| {
        let out = env
            .cmd()
            .args(["--json", "send", "--provider", "github", "--secret", SECRET, "--dry-run", "--data", "-"])
            .args(["--to", "http://ops:pa55@127.0.0.1:9/gh?x=1"])
            .args(args)
            .write_stdin(stdin.to_vec())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        (stdout_json(&out), String::from_utf8(out.stderr).unwrap())
    };
    let (request, stderr) = dry(&["-H", "X-Trace: t1"], br#"{"a":1}"#);
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], "http://127.0.0.1:9/gh?x=1");
    assert_eq!(request["body"], r#"{"a":1}"#);
    assert_eq!(request["body_base64"], Value::Null);
    let headers = request["headers"].as_array().unwrap();
    let header = |name: &str| headers.iter().find(|h| h[0] == name).map(|h| h[1].as_str().unwrap().to_owned());
    assert_eq!(header("x-trace").as_deref(), Some("t1"));
    assert!(header("x-hub-signature-256").unwrap().starts_with("sha256="));
    assert_eq!(header("authorization").as_deref(), Some("<redacted>"));
    assert!(!request.to_string().contains("pa55") && stderr.contains("--show-secrets"), "{request} {stderr}");
    let (shown, _) = dry(&["--show-secrets"], b"\xff\x00");
    assert_eq!((shown["body"].clone(), shown["body_base64"].clone()), (Value::Null, Value::from("/wA=")));
    assert!(shown.to_string().contains("Basic b3BzOnBhNTU="), "{shown}");
}

/// Regression: `--set pipeline_stage=won` on an event that has it under `data` added a
/// top-level key in silence, and the receiver kept reading the old stage.
#[test]
fn a_set_path_the_event_lacks_is_warned_of_with_the_likely_path_and_still_applied() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["send", "lead.created", "--provider", "nexadesk", "--secret", SECRET, "--set", "pipeline_stage=won"])
        .args(["--set", "data.pipeline_stage=won", "--dry-run"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: pipeline_stage is not in lead.created; did you mean data.pipeline_stage?"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("is not in lead.created").count(), 1, "a path that exists is not warned of: {stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Both applied: the new top-level key and the one under data.
    assert_eq!(stdout.matches(r#""pipeline_stage": "won""#).count(), 2, "{stdout}");
    assert!(!stdout.contains(r#""pipeline_stage": "new""#), "{stdout}");
}
