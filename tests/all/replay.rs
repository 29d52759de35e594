//! End-to-end tests of `hooktap replay`: the real binary re-delivering what `send` and
//! `listen` recorded, to in-process receivers.

use std::time::Duration;

use crate::common::{Answer, Captured, Env, Receiver, RelayProcess, wait_for};
use hooktap::provider::{self, VerifyInput};
use hooktap::secret::Secret;
use hooktap::store::{Filter, Store};
use predicates::prelude::*;
use serde_json::Value;

/// Usable by every scheme (Standard Webhooks needs `whsec_` + base64).
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Sends `event` for `provider` to `url` with `extra` flags; returns the recorded delivery's id.
fn send(env: &Env, provider: &str, event: &str, url: &str, extra: &[&str]) -> String {
    let out = env
        .cmd()
        .args(["--json", "send", event, "--provider", provider, "--secret", SECRET, "--to", url])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("send printed no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    v["delivery_id"].as_str().expect("recorded").to_owned()
}

/// Sends `event` to `url` without recording it (a relay there records it).
fn post(env: &Env, provider: &str, event: &str, url: &str) {
    env.cmd()
        .args(["send", event, "--provider", provider, "--secret", SECRET, "--to", url, "--no-record"])
        .assert()
        .success();
}

/// Runs `hooktap --json replay ARGS` and returns its exit code and JSON lines.
fn replay(env: &Env, args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = env.cmd().args(["--json", "replay"]).args(args).output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (out.status.code().unwrap_or(-1), lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn of_kind<'a>(lines: &'a [Value], kind: &str) -> Vec<&'a Value> {
    lines.iter().filter(|l| l["kind"] == kind).collect()
}

/// The originals a `--dry-run --json` would replay.
fn selected(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--dry-run"];
    all.extend_from_slice(args);
    let (code, lines, stderr) = replay(env, &all);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    of_kind(&lines, "request").iter().map(|l| l["original_id"].as_str().unwrap().to_owned()).collect()
}

fn verify_now(provider: &str, got: &Captured, secret: &str, now: i64) -> Result<(), String> {
    provider::lookup(provider)
        .unwrap()
        .verify(&VerifyInput {
            headers: &got.headers,
            body: &got.body,
            secret: &Secret::new(secret),
            now,
            tolerance: None,
        })
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// `hooktap verify` on what a receiver got, judged at `now` (the current time when `None`).
fn hooktap_verify(env: &Env, provider: &str, got: &Captured, now: Option<i64>) -> std::process::Output {
    let body = env.path("work/body.bin");
    std::fs::write(&body, &got.body).unwrap();
    let mut cmd = env.cmd();
    cmd.args(["verify", "--provider", provider, "--secret", SECRET, "--body", body.to_str().unwrap()]);
    for (name, value) in &got.headers {
        if name.as_str().starts_with("webhook-") || name.as_str().starts_with("x-hub") {
            cmd.args(["-H", &format!("{}: {}", name, value.to_str().unwrap())]);
        }
    }
    if let Some(now) = now {
        cmd.args(["--now", &now.to_string()]);
    }
    cmd.output().unwrap()
}

#[test]
fn by_id_the_original_bytes_arrive_and_the_recorded_signature_verifies_at_the_original_time() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(
        &env,
        "standard",
        "invoice.paid",
        &first.url("/hooks/in?src=a&src=b"),
        &["-H", "X-Rep: 1", "-H", "X-Rep: 2"],
    );
    let original = first.next();
    assert_eq!(original.headers.get_all("x-rep").iter().count(), 2);
    let again = Receiver::start(Answer::Status(202, "again"));
    let (code, lines, stderr) = replay(&env, &[&id, "--to", &again.url("/")]);
    assert_eq!(code, 0, "{stderr}");
    let got = again.next();
    assert_eq!(got.uri, "/hooks/in?src=a&src=b", "a --to without a path gets the original path and query");
    assert_eq!(got.body, original.body, "byte for byte");
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "x-rep", "user-agent"] {
        let values = |h: &http::HeaderMap| h.get_all(name).iter().cloned().collect::<Vec<_>>();
        assert_eq!(values(&got.headers), values(&original.headers), "{name} as recorded, repeats in order");
    }
    let sent_at: i64 = original.headers["webhook-timestamp"].to_str().unwrap().parse().unwrap();
    let at_the_time = hooktap_verify(&env, "standard", &got, Some(sent_at));
    assert!(at_the_time.status.success(), "{}", String::from_utf8_lossy(&at_the_time.stdout));
    let much_later = hooktap_verify(&env, "standard", &got, Some(sent_at + 3600));
    assert_eq!(much_later.status.code(), Some(1), "an old timestamp is why --resign exists");

    let result = of_kind(&lines, "replay")[0];
    let new_id = result["delivery_id"].as_str().unwrap();
    assert_eq!((result["original_id"].as_str(), result["status"].as_u64()), (Some(id.as_str()), Some(202)));
    assert_eq!(got.headers["x-hooktap-delivery"], new_id, "the request names its own record");
    let summary = of_kind(&lines, "summary")[0];
    assert_eq!(
        (summary["sent"].as_u64(), summary["ok"].as_u64(), summary["recorded"].as_u64()),
        (Some(1), Some(1), Some(1))
    );

    // The replay is on record beside its original, which is left as it was.
    let store = Store::open(&env.db()).unwrap();
    let row = store.get(new_id).unwrap();
    assert_eq!(
        (row.source.as_str(), row.replay_of.as_deref(), row.state.as_str()),
        ("replay", Some(id.as_str()), "forwarded")
    );
    assert_eq!(
        (row.body.clone(), row.headers.get("webhook-signature")),
        (got.body.clone(), got.headers.get("webhook-signature"))
    );
    assert_eq!(row.path, "/hooks/in");
    assert_eq!(row.target.as_deref(), Some(again.url("/hooks/in?src=a&src=b").as_str()));
    let attempts = store.attempts(new_id).unwrap();
    assert_eq!((attempts.len(), attempts[0].kind.as_str(), attempts[0].status), (1, "replay", Some(202)));
    let before = store.get(&id).unwrap();
    assert_eq!((before.state.as_str(), before.attempts, before.last_status), ("forwarded", 1, Some(200)));

    // A replay can be replayed: where it went, linked to it.
    let (code, lines, _) = replay(&env, &[new_id]);
    assert_eq!(code, 0);
    assert_eq!(again.next().body, original.body);
    let second = of_kind(&lines, "replay")[0]["delivery_id"].as_str().unwrap().to_owned();
    assert_eq!(Store::open(&env.db()).unwrap().get(&second).unwrap().replay_of.as_deref(), Some(new_id));
}

#[test]
fn ids_are_taken_by_unique_prefix_and_an_unknown_or_ambiguous_one_is_a_usage_error() {
    let env = Env::new();
    let target = Receiver::start(Answer::Status(200, "ok"));
    let a = send(&env, "github", "push", &target.url("/a"), &[]);
    let b = send(&env, "github", "push", &target.url("/b"), &[]);
    assert_eq!(selected(&env, &[&a[..24].to_ascii_lowercase()]), [a.as_str()]);
    assert_eq!(selected(&env, &[&a, &b]), [a.as_str(), b.as_str()]);
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    env.cmd()
        .args(["replay", &a[..common]])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is ambiguous (2 deliveries match)"));
    env.cmd()
        .args(["replay", "01NOSUCHDELIVERY"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no delivery with id \"01NOSUCHDELIVERY\""));
}

#[test]
fn no_selection_at_all_is_a_usage_error_and_a_selection_matching_nothing_replays_nothing() {
    let env = Env::new();
    env.cmd()
        .arg("replay")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing selected").and(predicate::str::contains("hint:")));
    env.cmd().args(["replay", "--to", "http://127.0.0.1:9/"]).assert().code(2);
    env.cmd().args(["replay", "--last", "5"]).assert().success().stderr(predicate::str::contains("nothing to replay"));
}

#[test]
fn every_filter_selects_what_it_names() {
    let env = Env::new();
    let ok = Receiver::start(Answer::Status(200, "ok"));
    let broken = Receiver::start(Answer::Status(503, "down"));
    let push = send(&env, "github", "push", &ok.url("/gh"), &[]);
    let lead = send(&env, "nexadesk", "lead.created", &broken.url("/desk"), &[]);
    let paid = send(&env, "standard", "invoice.paid", &ok.url("/std"), &[]);
    env.write_project_config(&format!(
        "[[routes]]\npath = \"/in\"\nforward_to = \"{}\"\n\n[[routes]]\npath = \"/other\"\n",
        ok.url("/app")
    ));
    let relay = RelayProcess::start(&env, &[], &[]);
    post(&env, "github", "issues", &format!("{}/in/x", relay.url));
    let listened = wait_for("the relay's row", Duration::from_secs(10), || {
        let store = Store::open(&env.db()).ok()?;
        store.list(&Filter { source: Some(hooktap::store::Source::Listen), ..Filter::default() }).ok()?.pop()
    });
    drop(relay);
    let all = [push.clone(), lead.clone(), paid.clone(), listened.id.clone()];
    assert_eq!(selected(&env, &["--provider", "nexadesk"]), [lead.as_str()]);
    assert_eq!(selected(&env, &["--event", "Invoice Paid"]), [paid.as_str()], "events are matched leniently");
    assert_eq!(selected(&env, &["--status", "failed"]), [lead.as_str()]);
    assert_eq!(selected(&env, &["--status", "5xx"]), [lead.as_str()]);
    assert_eq!(selected(&env, &["--status", "503"]), [lead.as_str()]);
    assert_eq!(selected(&env, &["--source", "listen"]), [listened.id.as_str()]);
    assert_eq!(selected(&env, &["--route", "/in"]), [listened.id.as_str()]);
    assert_eq!(selected(&env, &["--source", "send", "--provider", "github"]), [push.as_str()]);
    assert_eq!(selected(&env, &["--last", "2"]), all[2..]);
    assert_eq!(selected(&env, &["--since", "10m"]), all);
    assert_eq!(selected(&env, &["--until", "10m"]), Vec::<String>::new());
    assert_eq!(selected(&env, &["--since", "2000-01-01T00:00", "--until", "2999-01-01"]), all);
    env.cmd().args(["replay", "--status", "sideways"]).assert().code(2);
    env.cmd().args(["replay", "--since", "yesterday"]).assert().code(2);
}

#[test]
fn resign_gives_a_fresh_timestamp_and_id_that_verify_with_the_right_secret_only() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "standard", "invoice.paid", &first.url("/h"), &[]);
    let original = first.next();
    let again = Receiver::start(Answer::Status(200, "ok"));
    // No profile was recorded and no secret is given: the provider's development secret
    // signs it, as send and verify use it by default; it is not the sender's secret.
    let (code, _, stderr) = replay(&env, &[&id, "--to", &again.url("/h"), "--resign"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(verify_now("standard", &again.next(), SECRET, hooktap::util::unix_now()).is_err());
    let (code, lines, stderr) = replay(&env, &[&id, "--to", &again.url("/h"), "--resign", "--secret", SECRET]);
    assert_eq!(code, 0, "{stderr}");
    let got = again.next();
    assert_eq!(got.body, original.body);
    assert_ne!(got.headers["webhook-id"], original.headers["webhook-id"], "a fresh delivery id");
    assert_eq!(got.headers.get_all("webhook-signature").iter().count(), 1, "the old signature is replaced");
    let out = hooktap_verify(&env, "standard", &got, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(verify_now("standard", &got, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hooktap::util::unix_now()).is_err());
    let result = of_kind(&lines, "replay")[0];
    assert_eq!(result["resigned"], true);
    assert_eq!(result["provider_delivery_id"], got.headers["webhook-id"].to_str().unwrap());
    let row = Store::open(&env.db()).unwrap().get(result["delivery_id"].as_str().unwrap()).unwrap();
    assert_eq!(
        (row.signature.as_str(), row.provider_delivery_id.as_deref()),
        ("valid", got.headers["webhook-id"].to_str().ok())
    );

    // A delivery sent with a profile is re-signed with that profile's secret, no flag needed.
    env.write_user_config("[profiles.desk]\nprovider = \"nexadesk\"\nsecret_env = \"DESK_SECRET\"\n");
    let out = env
        .cmd()
        .env("DESK_SECRET", "desk-secret")
        .args(["--json", "send", "lead.created", "--profile", "desk", "--to", &first.url("/d")])
        .output()
        .unwrap();
    let desk: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = env
        .cmd()
        .env("DESK_SECRET", "desk-secret")
        .args(["replay", desk["delivery_id"].as_str().unwrap(), "--to", &again.url("/d"), "--resign"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    verify_now("nexadesk", &again.next(), "desk-secret", hooktap::util::unix_now()).unwrap();
}

#[test]
fn set_edits_the_body_and_re_signs_unless_told_not_to() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "nexadesk", "lead.created", &first.url("/desk"), &[]);
    first.next();
    let again = Receiver::start(Answer::Status(200, "ok"));
    let (code, lines, stderr) = replay(
        &env,
        &[
            &id,
            "--to",
            &again.url("/desk"),
            "--set",
            "data.pipeline_stage=won",
            "--secret",
            SECRET,
            "-H",
            "X-Test: yes",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let got = again.next();
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!((body["data"]["pipeline_stage"].as_str(), body["event"].as_str()), (Some("won"), Some("lead.created")));
    verify_now("nexadesk", &got, SECRET, hooktap::util::unix_now()).expect("re-signed over the edited body");
    assert_eq!(got.headers["x-test"], "yes", "-H adds a header");
    let row =
        Store::open(&env.db()).unwrap().get(of_kind(&lines, "replay")[0]["delivery_id"].as_str().unwrap()).unwrap();
    assert_eq!(row.body, got.body, "the record holds the body as sent");

    // --no-resign: sent as asked, with a warning that the signature will not match.
    let (code, _, stderr) = replay(&env, &[&id, "--to", &again.url("/desk"), "--set", "data.value=1", "--no-resign"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("signature stays, so it will not match"), "{stderr}");
    let got = again.next();
    assert!(verify_now("nexadesk", &got, SECRET, hooktap::util::unix_now()).is_err());
    assert_eq!(got.headers["x-hooktap-signature"], "unchecked");

    // A body --set cannot edit is a usage error for a single delivery.
    let xml = send(&env, "nexus", "Page_Create", &first.url("/x"), &[]);
    first.next();
    let (code, _, stderr) = replay(&env, &[&xml, "--to", &again.url("/x"), "--set", "a=1", "--secret", SECRET]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--set edits JSON and form-encoded bodies"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn edit_runs_the_editor_on_one_body_then_re_signs() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "github", "push", &first.url("/gh"), &[]);
    let other = send(&env, "github", "push", &first.url("/gh"), &[]);
    let editor = env.path("work/editor.sh");
    crate::common::write(&editor, "#!/bin/sh\nprintf '{\"edited\":true}' > \"$1\"\n");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let again = Receiver::start(Answer::Status(200, "ok"));
    let edit = |ids: &[&str], hook: bool| {
        let mut cmd = env.cmd();
        cmd.env("EDITOR", &editor).args(["replay", "--edit", "--secret", SECRET, "--to", &again.url("/gh")]).args(ids);
        if hook {
            cmd.env("HOOKTAP_TEST_EDIT_WITHOUT_TTY", "1");
        }
        cmd.output().unwrap()
    };
    let out = edit(&[&id], true);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got = again.next();
    assert_eq!(&got.body[..], br#"{"edited":true}"#);
    verify_now("github", &got, SECRET, hooktap::util::unix_now()).expect("re-signed");
    let refused = edit(&[&id, &other], true);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--edit opens one delivery's body, and 2 are selected"));
    let no_tty = edit(&[&id], false);
    assert_eq!(no_tty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_tty.stderr).contains("--edit needs a terminal"));
}

#[test]
fn dry_run_prints_curl_and_sends_and_records_nothing() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "github", "push", &first.url("/gh?x=1"), &["-H", "Authorization: Bearer s3cr3t"]);
    first.next();
    let out = env.cmd().args(["replay", &id, "--dry-run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let head = format!("# replay of {id}\ncurl -sS -X POST '{}' \\\n", first.url("/gh?x=1"));
    assert!(text.starts_with(&head), "{text}");
    assert!(text.contains("'x-hub-signature-256: sha256=") && !text.contains("s3cr3t"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--show-secrets"));
    let (code, lines, _) = replay(&env, &[&id, "--dry-run", "--resign", "--secret", SECRET]);
    assert_eq!((code, lines.len(), lines[0]["method"].as_str()), (0, 1, Some("POST")));
    assert!(first.requests.recv_timeout(Duration::from_millis(200)).is_err(), "nothing was sent");
    assert_eq!(Store::open(&env.db()).unwrap().list(&Filter::default()).unwrap().len(), 1, "nothing was recorded");
}

#[test]
fn a_non_2xx_answer_or_a_target_that_is_down_exits_one_at_once_and_is_recorded_as_failed() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "github", "push", &first.url("/gh"), &[]);
    let broken = Receiver::start(Answer::Status(500, "boom"));
    let out = env.cmd().args(["replay", &id, "--to", &broken.url("/gh")]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("{id} → ")) && text.contains("500 Internal Server Error") && text.contains("  boom"),
        "{text}"
    );
    assert!(text.contains("failed    1") && text.contains("status    500 ×1"), "{text}");
    // Nothing listens here: taken, then freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let started = std::time::Instant::now();
    let (code, lines, _) = replay(&env, &[&id, "--to", &format!("127.0.0.1:{}/gh", free.port())]);
    assert_eq!(code, 1);
    assert!(started.elapsed() < Duration::from_secs(10), "no queue, no retries");
    let result = of_kind(&lines, "replay")[0];
    assert_eq!(result["error"]["kind"], "connect");
    assert_eq!(result["url"], format!("http://127.0.0.1:{}/gh", free.port()), "no scheme means http://");
    let store = Store::open(&env.db()).unwrap();
    let rows = store.list(&Filter { source: Some(hooktap::store::Source::Replay), ..Filter::default() }).unwrap();
    assert_eq!(rows.iter().map(|d| d.state.as_str()).collect::<Vec<_>>(), ["failed", "failed"]);
    assert_eq!(rows[0].last_status, Some(500));
    assert!(rows[1].last_error.as_deref().unwrap().starts_with("could not connect"), "{:?}", rows[1].last_error);
    assert_eq!(store.get(&id).unwrap().state.as_str(), "forwarded", "the original is not rewritten");
}

#[test]
fn a_delivery_with_nowhere_to_go_is_skipped_and_alone_it_is_a_usage_error() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &[], &[]);
    post(&env, "github", "push", &format!("{}/gh", relay.url));
    let recorded = wait_for("the relay's row", Duration::from_secs(10), || {
        Store::open(&env.db()).ok()?.list(&Filter::default()).ok()?.pop()
    });
    drop(relay);
    let (code, lines, stderr) = replay(&env, &[&recorded.id]);
    assert_eq!(code, 2);
    assert!(stderr.contains("it has no target") && stderr.contains("--to URL"), "{stderr}");
    assert_eq!(of_kind(&lines, "skipped").len(), 1);
    let target = Receiver::start(Answer::Status(200, "ok"));
    send(&env, "github", "push", &target.url("/gh"), &[]);
    let (code, lines, stderr) = replay(&env, &["--since", "1h"]);
    assert_eq!(code, 1, "one replayed, one skipped: {stderr}");
    assert_eq!((of_kind(&lines, "replay").len(), of_kind(&lines, "summary")[0]["skipped"].as_u64()), (1, Some(1)));
    assert!(stderr.contains(&format!("cannot replay {}: it has no target", recorded.id)), "{stderr}");
}

#[test]
fn a_target_path_is_exact_and_the_original_query_is_kept() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    let id = send(&env, "github", "push", &first.url("/orig/path?a=1"), &[]);
    let again = Receiver::start(Answer::Status(200, "ok"));
    for (to, expected) in [
        (again.url("/exact"), "/exact?a=1"),
        (again.url("/exact?k=v"), "/exact?k=v&a=1"),
        (again.url(""), "/orig/path?a=1"),
        (format!("{}", again.addr), "/orig/path?a=1"),
    ] {
        let (code, _, stderr) = replay(&env, &[&id, "--to", &to]);
        assert_eq!(code, 0, "{to}: {stderr}");
        assert_eq!(again.next().uri, expected, "{to}");
    }
}

#[cfg(unix)]
#[test]
fn replay_works_while_listen_runs_on_the_same_database() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(
        &env,
        &["--provider", "github", "--secret-env", "GH_SECRET", "--forward-to", &app.url("/app")],
        &[("GH_SECRET", SECRET)],
    );
    post(&env, "github", "push", &format!("{}/hooks/gh?x=1", relay.url));
    let forwarded = app.next();
    let id = forwarded.headers["x-hooktap-delivery"].to_str().unwrap().to_owned();
    wait_for("the forward to be recorded", Duration::from_secs(10), || {
        Store::open(&env.db()).ok()?.get(&id).ok().filter(|d| d.state.as_str() == "forwarded")
    });
    // No --to: where the relay sent it.
    let (code, lines, stderr) = replay(&env, &[&id]);
    assert_eq!(code, 0, "{stderr}");
    let again = app.next();
    assert_eq!(forwarded.uri, "/app?x=1", "--forward-to with a path is the exact destination");
    assert_eq!((&again.uri, &again.body), (&forwarded.uri, &forwarded.body));
    assert_eq!(again.headers["x-hub-signature-256"], forwarded.headers["x-hub-signature-256"]);
    verify_now("github", &again, SECRET, hooktap::util::unix_now()).unwrap();
    let new_id = of_kind(&lines, "replay")[0]["delivery_id"].as_str().unwrap().to_owned();
    // The relay keeps relaying, and both kinds of row are in the one database.
    post(&env, "github", "push", &format!("{}/hooks/gh", relay.url));
    app.next();
    assert!(relay.stderr_text().lines().all(|l| !l.contains("error")), "{}", relay.stderr_text());
    drop(relay);
    let store = Store::open(&env.db()).unwrap();
    assert_eq!(store.get(&new_id).unwrap().replay_of.as_deref(), Some(id.as_str()));
    assert_eq!(store.list(&Filter::default()).unwrap().len(), 3);
}

#[test]
fn more_than_a_hundred_need_yes_without_a_terminal_and_go_concurrently_with_it() {
    let env = Env::new();
    let target = Receiver::start(Answer::Status(200, "ok"));
    env.cmd()
        .args(["send", "push", "--provider", "github", "--secret", SECRET, "--to", &target.url("/gh")])
        .args(["--count", "101", "--concurrency", "8", "-q"])
        .assert()
        .success();
    while target.requests.try_recv().is_ok() {}
    env.cmd()
        .args(["replay", "--source", "send"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("would replay 101 deliveries").and(predicate::str::contains("--yes")));
    let (code, lines, stderr) = replay(&env, &["--source", "send", "--yes", "--concurrency", "8", "--rate", "2000"]);
    assert_eq!(code, 0, "{stderr}");
    let summary = of_kind(&lines, "summary")[0];
    assert_eq!((summary["sent"].as_u64(), summary["recorded"].as_u64()), (Some(101), Some(101)));
    let originals: std::collections::HashSet<&str> =
        of_kind(&lines, "replay").iter().map(|l| l["original_id"].as_str().unwrap()).collect();
    assert_eq!(originals.len(), 101, "each once");
    let mut got = 0;
    while target.requests.recv_timeout(Duration::from_secs(1)).is_ok() {
        got += 1;
    }
    assert_eq!(got, 101);
}

#[cfg(unix)]
#[test]
fn ctrl_c_prints_the_summary_so_far_records_what_was_in_flight_and_exits_130() {
    let env = Env::new();
    let first = Receiver::start(Answer::Status(200, "ok"));
    for _ in 0..3 {
        send(&env, "github", "push", &first.url("/gh"), &[]);
    }
    let hang = Receiver::start(Answer::Hang);
    let child = env
        .std_cmd()
        .args(["--json", "replay", "--last", "3", "--concurrency", "2", "--timeout", "60s", "--to", &hang.url("/")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    hang.next();
    hang.next();
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary = of_kind(&lines, "summary")[0];
    assert_eq!((summary["interrupted"].as_bool(), summary["sent"].as_u64()), (Some(true), Some(2)), "{summary}");
    assert_eq!(summary["errors"]["interrupted"], 2);
    let store = Store::open(&env.db()).unwrap();
    let replays = store.list(&Filter { source: Some(hooktap::store::Source::Replay), ..Filter::default() }).unwrap();
    assert_eq!(replays.len(), 2, "the two in flight may have arrived: on record as failed");
}
