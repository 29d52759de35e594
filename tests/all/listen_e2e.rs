//! `hooktap listen` as a real process in a temp HOME: banner, routes from config,
//! health, signals, crash-and-resume, TLS.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::{Answer, Env, Receiver, RelayProcess, request, wait_for};
use hooktap::provider::SignInput;
use hooktap::secret::Secret;
use hooktap::store::Store;
use http::HeaderMap;
use predicates::prelude::*;

fn github_headers(secret: &str, body: &[u8], delivery: &str, event: &str) -> HeaderMap {
    hooktap::provider::lookup("github")
        .unwrap()
        .sign(&SignInput { body, secret: &Secret::new(secret), timestamp: 0, id: delivery, event: Some(event) })
        .unwrap()
}

fn id_of(reply: &common::Reply) -> String {
    reply.headers["x-hooktap-delivery"].to_str().unwrap().to_string()
}

fn wait_state(db: &std::path::Path, id: &str, state: &str) -> hooktap::store::Delivery {
    wait_for(&format!("{id} to be {state}"), Duration::from_secs(20), || {
        Store::open(db).ok()?.get(id).ok().filter(|d| d.state.as_str() == state)
    })
}

#[cfg(unix)]
#[test]
fn with_no_flags_it_records_everything_prints_ndjson_and_stops_cleanly() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--json"], &[]);
    assert!(relay.stderr_text().contains("record only, answer 200"), "{}", relay.stderr_text());
    assert!(relay.stderr_text().contains(&env.db().display().to_string()));
    let reply = request("POST", &format!("{}/any/where?q=1", relay.url), &HeaderMap::new(), b"\x00\x01raw");
    assert_eq!((reply.status, reply.body.len()), (200, 0));
    let id = id_of(&reply);
    let line = wait_for("an NDJSON line", Duration::from_secs(10), || {
        relay.stdout.lock().unwrap().iter().find(|l| l.contains(&id)).cloned()
    });
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (v["kind"].as_str(), v["state"].as_str(), v["answered"].as_u64()),
        (Some("received"), Some("recorded"), Some(200))
    );
    let status = relay.signal("TERM");
    assert_eq!(status.code(), Some(0), "SIGTERM is a requested stop");
    let d = Store::open(&env.db()).unwrap().get(&id).unwrap();
    assert_eq!((&d.body[..], d.query.as_deref()), (&b"\x00\x01raw"[..], Some("q=1")));

    let relay = RelayProcess::start(&env, &[], &[]);
    assert_eq!(relay.signal("INT").code(), Some(130), "Ctrl-C exits 130");
}

#[cfg(unix)]
#[test]
fn a_stop_drops_connections_with_no_request_in_service_and_answers_a_body_still_arriving_503() {
    use std::io::{Read, Write};
    let env = Env::new();
    // A header timeout longer than the drain: only the stop itself may end the half-sent head.
    let relay = RelayProcess::start(&env, &["--json"], &[("HOOKTAP_LISTEN_HEADER_TIMEOUT", "60s")]);
    let addr = relay.url.trim_start_matches("http://").to_owned();
    let mut silent = std::net::TcpStream::connect(&addr).unwrap();
    let mut half_head = std::net::TcpStream::connect(&addr).unwrap();
    half_head.write_all(b"POST /head HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut stalled = std::net::TcpStream::connect(&addr).unwrap();
    stalled
        .write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n0123456789")
        .unwrap();
    // "100 Continue" comes once the relay reads the body: the request is under way.
    let mut got = Vec::new();
    let mut buf = [0u8; 512];
    while !String::from_utf8_lossy(&got).contains("100 Continue\r\n\r\n") {
        let n = stalled.read(&mut buf).unwrap();
        assert!(n > 0, "closed before 100 Continue: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let stderr = relay.stderr.clone();
    let stdout = relay.stdout.clone();
    assert_eq!(relay.signal("TERM").code(), Some(0));
    let mut answer = String::new();
    stalled.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.ends_with("hooktap is stopping; the request was not stored\n"), "{answer}");
    assert_eq!(silent.read(&mut buf).unwrap(), 0, "the silent connection is closed");
    assert!(matches!(half_head.read(&mut buf), Ok(0) | Err(_)), "the half-sent head is not waited for");
    let stderr = stderr.lock().unwrap().join("\n");
    assert!(!stderr.contains("still open"), "the stop waited for the drain: {stderr}");
    let refused = stdout.lock().unwrap().iter().find(|l| l.contains("\"refused\"")).cloned().expect("a refused record");
    let v: serde_json::Value = serde_json::from_str(&refused).unwrap();
    assert_eq!((v["path"].as_str(), v["answered"].as_u64()), (Some("/slow"), Some(503)));
}

#[test]
fn a_request_the_http_parser_refuses_is_reported_and_counted() {
    use std::io::{Read, Write};
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--json"], &[]);
    let addr = relay.url.trim_start_matches("http://").to_owned();
    let mut bad = std::net::TcpStream::connect(&addr).unwrap();
    bad.write_all(b"POST /x HTTP/1.1\r\nHost: x\r\nX-Ctl: a\x01b\r\nContent-Length: 1\r\n\r\nx").unwrap();
    let mut answer = String::new();
    bad.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let line = wait_for("a refused record", Duration::from_secs(10), || {
        relay.stdout.lock().unwrap().iter().find(|l| l.contains("\"refused\"")).cloned()
    });
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((v["answered"].as_u64(), v["method"].is_null(), v["path"].is_null()), (Some(400), true, true), "{line}");
    assert!(v["reason"].as_str().unwrap().starts_with("could not parse the request: "), "{line}");
    let health = request("GET", &format!("{}/_hooktap/health", relay.url), &HeaderMap::new(), b"");
    let h: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!((h["refused"].as_u64(), h["received"].as_u64()), (Some(1), Some(0)));
}

#[cfg(unix)]
#[test]
fn a_second_signal_stops_at_once_while_a_forward_holds_up_the_graceful_stop() {
    let env = Env::new();
    let app = Receiver::start(Answer::Hang);
    let target = app.url("/hook");
    let relay = RelayProcess::start(&env, &["--forward-to", &target, "--forward-timeout", "120s"], &[]);
    let reply = request("POST", &format!("{}/x", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 200);
    // The forward is in flight at an app that never answers: a graceful stop waits for it.
    app.next();
    relay.send_signal("TERM");
    wait_for("the stopping notice", Duration::from_secs(10), || {
        relay.stderr_text().contains("stopping:").then_some(())
    });
    let begun = std::time::Instant::now();
    let stderr = relay.stderr.clone();
    let status = relay.signal("INT");
    assert!(begun.elapsed() < Duration::from_secs(10), "took {:?}", begun.elapsed());
    assert_eq!(status.code(), Some(130));
    let stderr = stderr.lock().unwrap().join("\n");
    assert!(stderr.contains("stopping at once: everything acknowledged is stored"), "{stderr}");
    // What was acknowledged is there, still pending, for the next start.
    let d = Store::open(&env.db()).unwrap().get(&id_of(&reply)).unwrap();
    assert_eq!(d.state.as_str(), "pending");
}

#[test]
fn routes_for_two_providers_share_one_port_and_health_counts_them() {
    let env = Env::new();
    let github_app = Receiver::start(Answer::Status(200, "gh ok"));
    let acme_app = Receiver::start(Answer::Status(200, "acme ok"));
    env.write_project_config(&format!(
        r#"
[profiles.gh]
provider = "github"
secret_env = "GH_SECRET"

[profiles.acme]
provider = "custom"
secret = "acme-secret"

[profiles.acme.scheme]
header = "X-Acme-Signature"
prefix = "sha256="
id_header = "X-Acme-Id"
template = "{{id}}.{{body}}"

[[routes]]
path = "/webhooks/github"
profile = "gh"
forward_to = "{}"

[[routes]]
path = "/webhooks/acme"
profile = "acme"
forward_to = "{}"
event = "acme.thing"
"#,
        github_app.url("/github"),
        acme_app.url("/acme"),
    ));
    let relay = RelayProcess::start(&env, &[], &[("GH_SECRET", "gh-secret")]);
    let banner = relay.stderr_text();
    for path in ["/webhooks/github ", "/webhooks/acme "] {
        assert!(banner.contains(&format!("{}{path}", relay.url)), "{path} missing from banner:\n{banner}");
    }

    let body = br#"{"action":"opened"}"#;
    let gh = request(
        "POST",
        &format!("{}/webhooks/github/repo", relay.url),
        &github_headers("gh-secret", body, "g1", "issues"),
        body,
    );
    assert_eq!(gh.status, 200);
    let got = github_app.next();
    assert_eq!((got.uri.as_str(), &got.body[..]), ("/github/repo", &body[..]));
    assert_eq!(got.headers["x-hooktap-signature"], "valid");

    let scheme: hooktap::provider::CustomScheme = toml::from_str(
        "header = \"X-Acme-Signature\"\nprefix = \"sha256=\"\nid_header = \"X-Acme-Id\"\ntemplate = \"{id}.{body}\"",
    )
    .unwrap();
    let acme_headers = scheme
        .build()
        .unwrap()
        .sign(&SignInput { body, secret: &Secret::new("acme-secret"), timestamp: 0, id: "a-1", event: None })
        .unwrap();
    let acme = request("POST", &format!("{}/webhooks/acme", relay.url), &acme_headers, body);
    assert_eq!(acme.status, 200);
    let got = acme_app.next();
    assert_eq!((got.uri.as_str(), got.headers["x-acme-id"].to_str().unwrap()), ("/acme", "a-1"));

    // A GitHub signature on the acme route is not an acme signature.
    let wrong =
        request("POST", &format!("{}/webhooks/acme", relay.url), &github_headers("gh-secret", body, "g2", "x"), body);
    assert_eq!(wrong.status, 401);

    let db = env.db();
    assert_eq!(wait_state(&db, &id_of(&acme), "forwarded").event.as_deref(), Some("acme.thing"));
    assert_eq!(wait_state(&db, &id_of(&gh), "forwarded").event.as_deref(), Some("issues"));
    let health = request("GET", &format!("{}/_hooktap/health", relay.url), &HeaderMap::new(), b"");
    let h: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!(h["status"], "ok");
    assert_eq!((h["received"].as_u64(), h["forwarded"].as_u64(), h["rejected"].as_u64()), (Some(3), Some(2), Some(1)));
    assert_eq!((h["queue_depth"].as_u64(), h["error_rate"].as_f64()), (Some(0), Some(0.0)));
    assert!(h["last_delivery_at"].is_string() && h["uptime_secs"].is_u64());
    assert_eq!(h["db"], db.display().to_string());
}

#[test]
fn a_delivery_waiting_for_a_paused_target_is_shown_when_it_arrives() {
    let env = Env::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let down = format!("http://{closed}/hook");
    let settings = [("HOOKTAP_LISTEN_PAUSE_AFTER", "1"), ("HOOKTAP_LISTEN_RETRY_BASE", "1h")];
    let relay = RelayProcess::start(&env, &["--json", "--forward-to", &down], &settings);
    let health_url = format!("{}/_hooktap/health", relay.url);
    let first = request("POST", &format!("{}/one", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(first.status, 200);
    wait_for("the target to pause", Duration::from_secs(10), || {
        let h = request("GET", &health_url, &HeaderMap::new(), b"");
        let h: serde_json::Value = serde_json::from_slice(&h.body).unwrap();
        (h["targets"][0]["paused"] == true).then_some(())
    });
    // Its next try is an hour away; the line must not wait for it.
    let second = request("POST", &format!("{}/two", relay.url), &HeaderMap::new(), b"{}");
    let id = id_of(&second);
    let line = wait_for("a line for the queued delivery", Duration::from_secs(10), || {
        relay.stdout.lock().unwrap().iter().find(|l| l.contains(&id)).cloned()
    });
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((v["kind"].as_str(), v["state"].as_str()), (Some("received"), Some("pending")), "{line}");
}

#[test]
fn each_failed_attempt_line_says_which_attempt_it_was_the_last_included() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(500, "broken"));
    let settings = [("HOOKTAP_LISTEN_RETRIES", "2"), ("HOOKTAP_LISTEN_RETRY_BASE", "10ms")];
    let relay = RelayProcess::start(&env, &["--forward-to", &app.url("/hook")], &settings);
    let id = id_of(&request("POST", &format!("{}/one", relay.url), &HeaderMap::new(), b"{}"));
    let lines = wait_for("two attempt lines", Duration::from_secs(10), || {
        let lines: Vec<String> = relay.stdout.lock().unwrap().iter().filter(|l| l.contains(&id)).cloned().collect();
        (lines.len() == 2).then_some(lines)
    });
    assert!(lines[0].contains("(attempt 1/2, retry in "), "{lines:?}");
    assert!(lines[1].contains(" dead ") && lines[1].ends_with("(attempt 2/2, the last)"), "{lines:?}");
}

#[test]
fn a_passthrough_duplicate_is_shown_in_the_state_its_forward_left_it() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let target = app.url("/app");
    let relay = RelayProcess::start(&env, &["--json", "--forward-to", &target, "--ack", "passthrough"], &[]);
    let body = b"{\"n\":1}";
    let headers = github_headers("any", body, "same-delivery", "push");
    let first = request("POST", &format!("{}/", relay.url), &headers, body);
    let again = request("POST", &format!("{}/", relay.url), &headers, body);
    assert_eq!((first.status, again.status), (200, 200));
    let (first, again) = (id_of(&first), id_of(&again));
    let lines = wait_for("both lines for the duplicate", Duration::from_secs(10), || {
        let lines: Vec<serde_json::Value> = relay
            .stdout
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(&again))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines.len() == 2).then_some(lines)
    });
    let received = lines.iter().find(|v| v["kind"] == "received").expect("a received line");
    assert_eq!(received["duplicate_of"].as_str(), Some(first.as_str()));
    assert_eq!(received["state"], "forwarded", "not the pending it was before its forward: {received}");
    let forward = lines.iter().find(|v| v["kind"] == "forward").expect("a forward line");
    assert_eq!((forward["state"].as_str(), forward["status"].as_u64()), (Some("forwarded"), Some(200)));
}

#[test]
fn the_forward_timeout_setting_bounds_passthrough_like_the_flag() {
    let env = Env::new();
    let app = Receiver::start(Answer::Hang);
    let target = app.url("/slow");
    let bound = [("HOOKTAP_LISTEN_FORWARD_TIMEOUT", "300ms")];
    let relay = RelayProcess::start(&env, &["--forward-to", &target, "--ack", "passthrough"], &bound);
    let reply = request("POST", &format!("{}/e", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 504);
    let body = String::from_utf8_lossy(&reply.body);
    assert!(body.contains("did not answer within 300 ms"), "{body}");
}

#[test]
fn a_configured_routes_own_ack_is_kept_and_ack_sets_the_others() {
    let env = Env::new();
    env.write_project_config("[[routes]]\npath = \"/pass\"\nack = \"passthrough\"\n\n[[routes]]\npath = \"/plain\"\n");
    let relay = RelayProcess::start(&env, &["--ack", "passthrough"], &[]);
    let banner = relay.stderr_text();
    let ack_of = |path: &str| {
        let line = banner.lines().find(|l| l.contains(&format!("{}{path} ", relay.url))).expect("a banner line");
        line.rsplit(", ").find(|part| part.starts_with("ack ")).unwrap_or_default().to_owned()
    };
    assert_eq!(ack_of("/plain"), "ack passthrough", "{banner}");
    drop(relay);
    let relay = RelayProcess::start(&env, &["--ack", "immediate"], &[]);
    let banner = relay.stderr_text();
    let line = banner.lines().find(|l| l.contains(&format!("{}/pass ", relay.url))).expect("a banner line");
    assert!(line.ends_with("ack passthrough"), "the route's own ack, not --ack's: {banner}");
}

#[test]
fn a_paused_target_is_probed_with_the_oldest_delivery_first() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(503, "down"));
    let target = app.url("/hook");
    let settings = [
        ("HOOKTAP_LISTEN_PAUSE_AFTER", "1"),
        ("HOOKTAP_LISTEN_RETRY_BASE", "200ms"),
        ("HOOKTAP_LISTEN_RETRY_MAX", "10s"),
    ];
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &settings);
    let first = id_of(&request("POST", &format!("{}/first", relay.url), &HeaderMap::new(), b"{}"));
    assert_eq!(app.next().headers["x-hooktap-delivery"], first.as_str());
    // Regression (a race): a delivery posted before the pause took hold went out as a
    // plain forward, not a probe. Wait for the pause the health endpoint reports.
    let health_url = format!("{}/_hooktap/health", relay.url);
    wait_for("the target to pause", Duration::from_secs(10), || {
        let h = request("GET", &health_url, &HeaderMap::new(), b"");
        let h: serde_json::Value = serde_json::from_slice(&h.body).unwrap();
        (h["targets"][0]["paused"] == true).then_some(())
    });
    // The target is paused now; a delivery arriving during the outage is due at once,
    // the first one only after its backoff. The probe still takes the first.
    let later = id_of(&request("POST", &format!("{}/later", relay.url), &HeaderMap::new(), b"{}"));
    let probe = app.next();
    assert_eq!(probe.headers["x-hooktap-delivery"], first.as_str(), "probed {probe:?} before {later}");
}

#[test]
fn health_lists_every_target_from_the_start_and_the_banner_says_invalid_ones_are_forwarded() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let target = app.url("/hook");
    let relay = RelayProcess::start(&env, &["--forward-to", &target, "--forward-invalid"], &[]);
    let banner = relay.stderr_text();
    assert!(banner.contains("--forward-invalid: deliveries that fail verification are answered 200"), "{banner}");
    let health = request("GET", &format!("{}/_hooktap/health", relay.url), &HeaderMap::new(), b"");
    let h: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!(h["targets"][0]["url"].as_str(), Some(target.as_str()), "{h}");
    assert_eq!((h["targets"][0]["queued"].as_u64(), h["targets"][0]["paused"].as_bool()), (Some(0), Some(false)));
}

#[test]
fn pending_work_resumes_after_the_relay_is_killed_and_restarted() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(503, "busy"));
    let target = app.url("/hook");
    let retry = [("HOOKTAP_LISTEN_RETRY_BASE", "300ms"), ("HOOKTAP_LISTEN_PAUSE_AFTER", "1000")];
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &retry);
    let ids: Vec<String> = (0..3)
        .map(|i| {
            let reply = request("POST", &format!("{}/e/{i}", relay.url), &HeaderMap::new(), format!("{i}").as_bytes());
            assert_eq!(reply.status, 200);
            id_of(&reply)
        })
        .collect();
    for _ in 0..3 {
        app.next();
    }
    // SIGKILL: no graceful anything. The acknowledged deliveries must survive it.
    relay.kill();
    app.set_answer(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &retry);
    let banner = relay.stderr_text();
    assert!(
        banner.contains(&format!("resuming 3 pending deliveries from an earlier run\n    3 → {target}\n")),
        "{banner}"
    );
    for id in &ids {
        let d = wait_state(&env.db(), id, "forwarded");
        assert_eq!(d.last_status, Some(200));
    }
}

#[test]
fn a_second_relay_on_the_database_is_refused_and_a_failed_start_leaves_stored_work_alone() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(503, "busy"));
    let old = app.url("/old");
    let later = [("HOOKTAP_LISTEN_RETRY_BASE", "1h"), ("HOOKTAP_LISTEN_PAUSE_AFTER", "1000")];
    let relay = RelayProcess::start(&env, &["--forward-to", &old], &later);
    let id = id_of(&request("POST", &format!("{}/e", relay.url), &HeaderMap::new(), b"{}"));
    app.next();
    let stored = || Store::open(&env.db()).unwrap().get(&id).unwrap();
    wait_for("the first attempt to be recorded", Duration::from_secs(10), || (stored().attempts == 1).then_some(()));

    // A second relay would resume (and forward again) the first one's pending work.
    let new = app.url("/new");
    // Bounded: a relay that does start would otherwise run until killed.
    let limit = Duration::from_secs(20);
    let second = env.cmd().args(["listen", "--port", "0", "--forward-to", &new]).timeout(limit).output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("another hooktap listen (pid {}) is already relaying", relay.child.id())),
        "{stderr}"
    );
    assert!(stderr.contains("hint: stop that relay, or pass --db PATH"), "{stderr}");
    relay.kill();

    // A start that cannot take its port ends before touching the database's pending work.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let failed = env.cmd().args(["listen", "--port", &port, "--forward-to", &new]).timeout(limit).output().unwrap();
    assert_eq!(failed.status.code(), Some(2), "{}", String::from_utf8_lossy(&failed.stderr));
    let d = stored();
    assert_eq!((d.state.as_str(), d.target.as_deref(), d.attempts), ("pending", Some(old.as_str()), 1));
}

#[cfg(unix)]
#[test]
fn a_database_reached_through_a_symlink_stores_and_is_claimed_as_itself() {
    let env = Env::new();
    let real = env.path("real.db");
    let link = env.path("link.db");
    let relay = RelayProcess::start(&env, &["--db", real.to_str().unwrap()], &[]);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let limit = Duration::from_secs(20);
    let second =
        env.cmd().args(["listen", "--port", "0", "--db", link.to_str().unwrap()]).timeout(limit).output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "the link leads to the database the first relay holds: {stderr}");
    relay.kill();
    // Through the link, the log SQLite writes (named after the real file) is the one synced.
    let relay = RelayProcess::start(&env, &["--db", link.to_str().unwrap()], &[]);
    let reply = request("POST", &format!("{}/via-link", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    assert_eq!(Store::open(&real).unwrap().get(&id_of(&reply)).unwrap().path, "/via-link");
}

#[test]
fn a_record_only_restart_says_where_the_earlier_runs_pending_work_still_goes() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(503, "busy"));
    let target = app.url("/hook");
    // A short backoff: the restarted relay resumes the delivery when the first run scheduled it.
    // Enough attempts that it is still pending when the kill comes, on a slow machine too.
    let quick = [
        ("HOOKTAP_LISTEN_RETRY_BASE", "100ms"),
        ("HOOKTAP_LISTEN_RETRY_MAX", "100ms"),
        ("HOOKTAP_LISTEN_RETRIES", "100"),
    ];
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &quick);
    let id = id_of(&request("POST", &format!("{}/e", relay.url), &HeaderMap::new(), b"{}"));
    app.next();
    relay.kill();
    app.set_answer(Answer::Status(200, "ok"));
    // No --forward-to now: the routes read "record only", yet the earlier run's work is still owed.
    let relay = RelayProcess::start(&env, &[], &[]);
    let banner = relay.stderr_text();
    assert!(banner.contains("record only"), "{banner}");
    assert!(
        banner.contains(&format!("    1 → {target} (where the earlier run forwarded; no route of this run does)")),
        "{banner}"
    );
    assert_eq!(wait_state(&env.db(), &id, "forwarded").last_status, Some(200));
}

#[test]
fn an_app_closing_kept_alive_connections_costs_no_failed_attempts() {
    let env = Env::new();
    let (target, answered) = common::closing_server("/hook");
    let retry = [("HOOKTAP_LISTEN_RETRY_BASE", "60s")];
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &retry);
    // One at a time, so every forward after the first finds the pooled connection dead.
    let ids: Vec<String> = (0..10)
        .map(|i| {
            let reply = request("POST", &format!("{}/e/{i}", relay.url), &HeaderMap::new(), b"{}");
            assert_eq!(reply.status, 200);
            let id = id_of(&reply);
            wait_state(&env.db(), &id, "forwarded");
            id
        })
        .collect();
    let store = Store::open(&env.db()).unwrap();
    for id in &ids {
        let attempts = store.attempts(id).unwrap();
        assert_eq!(attempts.len(), 1, "{id}: {attempts:?}");
        assert_eq!(attempts[0].status, Some(200));
    }
    assert_eq!(answered.load(std::sync::atomic::Ordering::SeqCst), 10, "each delivery reached the app once");
}

#[test]
fn bad_listen_flags_are_usage_errors_with_a_reason() {
    let env = Env::new();
    env.cmd()
        .args(["listen", "--port", "0", "--forward-to", "ftp://localhost:3000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ftp:// is not supported; use http:// or https://"));
    env.cmd()
        .args(["listen", "--port", "0", "--tunnel", "wss://example.com", "--channel", "c"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no token for tunnel channel c")
                .and(predicate::str::contains("HOOKTAP_TUNNEL_TOKEN")),
        );
    env.cmd()
        .args(["listen", "--port", "0", "--secret-env", "SOME_VAR"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no provider"));
    // A secret with nothing to check it would leave verification silently off.
    env.cmd()
        .args(["listen", "--port", "0", "--secret", "abc"])
        .env_remove("HOOKTAP_SECRET")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no provider"));
    // NexaDesk's catalog is every event it sends: a filter naming another is a typo.
    env.cmd()
        .args(["listen", "--port", "0", "--provider", "nexadesk", "--secret", "s", "--events", "lead.craeted"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("closest: lead.created").and(predicate::str::contains("send --list")));
}

#[test]
fn an_events_filter_warns_of_names_it_does_not_know_and_says_what_it_left_out() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let args = ["--provider", "github", "--secret", "s", "--events", "pushh", "--forward-to", &app.url("/")];
    let relay = RelayProcess::start(&env, &args, &[]);
    let banner = relay.stderr_text();
    assert!(banner.contains("hooktap: warning: --events: unknown github event \"pushh\"; closest: push"), "{banner}");
    let body = br#"{"zen":"x"}"#;
    let reply = request("POST", &format!("{}/", relay.url), &github_headers("s", body, "d-1", "push"), body);
    assert_eq!(reply.status, 200);
    wait_for("the console line", Duration::from_secs(20), || {
        let lines = relay.stdout.lock().unwrap().join("\n");
        lines.contains("not forwarded: the route's events filter leaves this event out").then_some(())
    });
    assert_eq!(Store::open(&env.db()).unwrap().get(&id_of(&reply)).unwrap().state.as_str(), "recorded");
    relay.kill();
}

#[cfg(unix)]
#[test]
fn a_database_other_users_can_read_is_warned_about_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    Store::open(&env.db()).unwrap();
    let private = RelayProcess::start(&env, &["--provider", "github", "--secret", "s"], &[]);
    let banner = private.stderr_text();
    private.kill();
    assert!(!banner.contains("readable by other users"), "a new database is private: {banner}");

    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let relay = RelayProcess::start(&env, &["--provider", "github", "--secret", "s"], &[]);
    let banner = relay.stderr_text();
    relay.kill();
    let db = env.db().display().to_string();
    assert!(banner.contains(&format!("hooktap: warning: database {db} stores every header received")), "{banner}");
    assert!(banner.contains(&format!("run: chmod 600 {db}")), "{banner}");
}

#[test]
fn pending_work_follows_a_corrected_target_after_a_restart() {
    let env = Env::new();
    let wrong = Receiver::start(Answer::Status(503, "wrong app"));
    let right = Receiver::start(Answer::Status(200, "ok"));
    // Backoffs long enough that nothing is retried while the test runs.
    let slow = [("HOOKTAP_LISTEN_RETRY_BASE", "60s"), ("HOOKTAP_LISTEN_RETRY_MAX", "60s")];
    let relay = RelayProcess::start(&env, &["--forward-to", &wrong.url("/hook")], &slow);
    let reply = request("POST", &format!("{}/e", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 200);
    let id = id_of(&reply);
    // A --forward-to with a path is the destination itself, whatever path the delivery came to.
    assert_eq!(wrong.next().uri, "/hook");
    relay.kill();
    let relay = RelayProcess::start(&env, &["--forward-to", &right.url("/hook")], &slow);
    let banner = relay.stderr_text();
    assert!(
        banner.contains(&format!("    1 → {} (re-pointed here from the earlier run's target)", right.url("/hook"))),
        "{banner}"
    );
    // Tried at once at the new target, not after the old one's 60 s backoff.
    let d = wait_state(&env.db(), &id, "forwarded");
    assert_eq!(d.target.as_deref(), Some(right.url("/hook").as_str()));
    assert_eq!(right.next().uri, "/hook", "resumed work keeps the exact-destination rule");
    relay.kill();
}

#[test]
fn insecure_forwards_to_an_app_with_a_self_signed_certificate() {
    let app_env = Env::new();
    let app = RelayProcess::start(&app_env, &["--tls", "self-signed"], &[]);
    let env = Env::new();
    let slow = [("HOOKTAP_LISTEN_RETRY_BASE", "60s"), ("HOOKTAP_LISTEN_RETRY_MAX", "60s")];
    let target = format!("{}/app", app.url);
    // Without --insecure the certificate is refused, and the error says what to do.
    let relay = RelayProcess::start(&env, &["--forward-to", &target], &slow);
    let reply = request("POST", &format!("{}/a", relay.url), &HeaderMap::new(), b"{}");
    let id = id_of(&reply);
    let refused = wait_for("a failed attempt", Duration::from_secs(20), || {
        Store::open(&env.db()).ok()?.attempts(&id).ok()?.into_iter().next()
    });
    let error = refused.error.unwrap_or_default();
    assert!(error.contains("certificate") && error.contains("--insecure"), "{error}");
    relay.kill();
    // With it, deliveries go through.
    let relay = RelayProcess::start(&env, &["--forward-to", &target, "--insecure"], &slow);
    let reply = request("POST", &format!("{}/b", relay.url), &HeaderMap::new(), b"{}");
    let d = wait_state(&env.db(), &id_of(&reply), "forwarded");
    assert_eq!(d.last_status, Some(200));
    relay.kill();
    app.kill();
}

/// Trusts exactly one certificate, by SHA-256 fingerprint, as the banner printed it.
#[derive(Debug)]
struct Pinned {
    fingerprint: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl rustls::client::danger::ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if hooktap::net::tls::fingerprint(end_entity) == self.fingerprint {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("certificate fingerprint differs from the banner".into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[test]
fn tls_self_signed_serves_https_with_the_printed_fingerprint() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--tls", "self-signed"], &[]);
    assert!(relay.url.starts_with("https://127.0.0.1:"), "{}", relay.url);
    let banner = relay.stderr_text();
    let fingerprint = banner
        .lines()
        .find_map(|l| l.split("fingerprint: ").nth(1))
        .unwrap_or_else(|| panic!("no fingerprint in banner:\n{banner}"))
        .trim()
        .to_string();
    let addr = relay.url.trim_start_matches("https://").to_string();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (status, alpn, id) = rt.block_on(async {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned { fingerprint, provider }))
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let tls = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.unwrap();
        let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        let (mut sender, conn) = hyper::client::conn::http2::handshake(
            hyper_util::rt::TokioExecutor::new(),
            hyper_util::rt::TokioIo::new(tls),
        )
        .await
        .unwrap();
        tokio::spawn(conn);
        let req = http::Request::post(format!("https://{addr}/secure"))
            .body(http_body_util::Full::new(Bytes::from_static(b"over tls")))
            .unwrap();
        let resp = sender.send_request(req).await.unwrap();
        let id = resp.headers()["x-hooktap-delivery"].to_str().unwrap().to_string();
        (resp.status().as_u16(), alpn, id)
    });
    assert_eq!((status, alpn.as_deref()), (200, Some(&b"h2"[..])));
    let d = Store::open(&env.db()).unwrap().get(&id).unwrap();
    assert_eq!((d.path.as_str(), &d.body[..]), ("/secure", &b"over tls"[..]));

    // The certificate is kept beside the database: a restart serves the same one.
    let keep = format!("{}-selfsigned.pem", env.db().display());
    assert!(banner.contains(&format!("self-signed certificate kept in {keep}")), "{banner}");
    let printed = |banner: &str| banner.lines().find_map(|l| l.split("fingerprint: ").nth(1)).map(str::to_owned);
    let first = printed(&banner);
    assert_eq!(relay.signal("TERM").code(), Some(0));
    let again = RelayProcess::start(&env, &["--tls", "self-signed"], &[]);
    assert_eq!(printed(&again.stderr_text()), first, "the same certificate after a restart");
}

#[test]
fn plain_http_to_the_tls_port_gets_a_400_that_says_https() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--tls", "self-signed", "--json"], &[]);
    let plain = relay.url.replace("https://", "http://");
    let reply = request("POST", &format!("{plain}/hooks?x=1"), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 400);
    assert!(String::from_utf8_lossy(&reply.body).contains("use https://"), "{:?}", reply.body);
    // Whoever watches the relay sees what arrived and why it was not stored.
    let line = wait_for("a refused record on stdout", Duration::from_secs(10), || {
        relay.stdout.lock().unwrap().iter().find(|l| l.contains("\"refused\"")).cloned()
    });
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!((record["method"].as_str(), record["path"].as_str()), (Some("POST"), Some("/hooks?x=1")));
    assert_eq!(record["answered"], 400);
    assert_eq!(Store::open(&env.db()).unwrap().count_by_state().unwrap(), vec![]);
}

#[test]
fn quiet_still_prints_the_address_it_listens_on() {
    use std::io::BufRead;
    let env = Env::new();
    let mut child = env
        .std_cmd()
        .args(["-q", "listen", "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Reap(std::process::Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = child.stderr.take().unwrap();
    let child = Reap(child);
    let mut first = String::new();
    std::io::BufReader::new(stderr).read_line(&mut first).unwrap();
    let url = first.trim().strip_prefix("hooktap relay listening on ").unwrap_or_else(|| panic!("{first:?}"));
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    assert_eq!(request("POST", &format!("{url}/q"), &HeaderMap::new(), b"quiet").status, 200);
    drop(child);
}

#[test]
fn the_body_timeout_setting_bounds_how_long_a_body_may_take() {
    use std::io::{Read, Write};
    let env = Env::new();
    let relay = RelayProcess::start(&env, &[], &[("HOOKTAP_LISTEN_BODY_TIMEOUT", "200ms")]);
    let addr = relay.url.trim_start_matches("http://").to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // Ten bytes promised, two sent: the relay must give up at the setting, not at the 30 s default.
    stream
        .write_all(format!("POST /slow HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 10\r\n\r\nab").as_bytes())
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 0.2 s"), "{answer}");
}

#[test]
fn a_relay_on_every_interface_says_which_address_to_give_the_provider() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--bind", "0.0.0.0"], &[]);
    let banner = relay.stderr_text();
    assert!(banner.contains("put this machine's address or name in place of 0.0.0.0"), "{banner}");
    let local = RelayProcess::start(&env, &["--db", "other.db"], &[]);
    assert!(!local.stderr_text().contains("in place of"), "{}", local.stderr_text());
}

#[test]
fn a_resign_profile_no_route_can_use_is_warned_of_at_start() {
    let env = Env::new();
    env.write_user_config("[profiles.loc]\nprovider = \"github\"\nsecret = \"local\"\n");
    let relay = RelayProcess::start(&env, &["--provider", "stripe", "--secret", "whsec_abc", "--resign", "loc"], &[]);
    let stderr = relay.stderr_text();
    assert!(
        stderr.contains(
            "warning: --resign loc re-signs only github deliveries, and every route verifies another provider: \
             nothing will be re-signed"
        ),
        "{stderr}"
    );
}

#[test]
fn an_event_filter_on_a_route_that_forwards_nothing_is_warned_of() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--provider", "github", "--secret", "s", "--events", "push"], &[]);
    let stderr = relay.stderr_text();
    assert!(
        stderr.contains(
            "warning: route /: --events filters only what is forwarded, and it forwards nothing (no target): every \
             delivery is recorded"
        ),
        "{stderr}"
    );
}

/// Regression: an HTTP/2 sender of an oversized body usually saw a stream reset
/// (curl: "Stream error in the HTTP/2 framing layer") instead of the 413.
#[test]
fn curl_over_h2_hears_the_413_for_an_oversized_body() {
    let version = std::process::Command::new("curl").arg("--version").output();
    if !version.is_ok_and(|v| String::from_utf8_lossy(&v.stdout).contains("HTTP2")) {
        eprintln!("skipping: no curl with HTTP/2 here");
        return;
    }
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--max-body", "1000"], &[]);
    let body = env.path("big.bin");
    std::fs::write(&body, vec![b'x'; 100_000]).unwrap();
    let data = format!("@{}", body.display());
    for _ in 0..10 {
        let out = std::process::Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge", "--data-binary", &data])
            .arg(format!("{}/big", relay.url))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "413", "curl exit {:?}", out.status.code());
    }
}

/// Regression: with `--json`, a paused or resumed target and a delivery that could not be
/// stored were only text on stderr, which a script reading the NDJSON never sees.
#[test]
fn json_output_carries_target_pauses_and_storage_errors_as_records() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(503, "down"));
    let settings = [("HOOKTAP_LISTEN_PAUSE_AFTER", "1"), ("HOOKTAP_LISTEN_RETRY_BASE", "10ms")];
    let relay = RelayProcess::start(&env, &["--json", "--forward-to", &app.url("/hook")], &settings);
    let records = |kind: &str| -> Vec<serde_json::Value> {
        let lines = relay.stdout.lock().unwrap().clone();
        lines
            .iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["kind"] == kind)
            .collect()
    };
    request("POST", &format!("{}/one", relay.url), &HeaderMap::new(), b"{}");
    let paused = wait_for("a paused record", Duration::from_secs(10), || records("target").first().cloned());
    assert_eq!((paused["state"].as_str(), paused["consecutive_failures"].as_u64()), (Some("paused"), Some(1)));
    assert_eq!(paused["target"].as_str(), Some(app.url("/hook").as_str()));
    app.set_answer(Answer::Status(200, "ok"));
    wait_for("a resumed record", Duration::from_secs(10), || {
        records("target").into_iter().find(|v| v["state"] == "resumed")
    });

    // Pull the tables out from under the relay: the next delivery cannot be stored.
    rusqlite::Connection::open(env.db()).unwrap().execute_batch("DROP TABLE attempts; DROP TABLE deliveries;").unwrap();
    let reply = request("POST", &format!("{}/two", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 503);
    let failed =
        wait_for("a storage_error record", Duration::from_secs(10), || records("storage_error").first().cloned());
    assert_eq!((failed["path"].as_str(), failed["answered"].as_u64()), (Some("/two"), Some(503)));
    assert!(failed["reason"].as_str().is_some_and(|r| r.contains("no such table")), "{failed}");
    assert!(!relay.stderr_text().contains("answered 503 so the sender retries"), "a record, not a notice");
}

/// The forwarding rule on the real binary: a `--forward-to` with a path is the
/// destination itself (no `/webhooks/nexadesk/webhooks/nexadesk`), one without a
/// path gets the delivery's path, and both keep the delivery's query.
#[test]
fn forward_to_with_a_path_is_the_destination_and_without_one_appends_the_path() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(&env, &["--forward-to", &app.url("/webhooks/nexadesk")], &[]);
    let reply = request("POST", &format!("{}/webhooks/nexadesk?a=1", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 200);
    assert_eq!(app.next().uri, "/webhooks/nexadesk?a=1");
    // Recorded as forwarded before the kill, so the next run has nothing to resume.
    wait_state(&env.db(), &id_of(&reply), "forwarded");
    relay.kill();
    let bare = app.url("").trim_start_matches("http://").to_string();
    let relay = RelayProcess::start(&env, &["--forward-to", &bare], &[]);
    assert!(relay.stderr_text().contains("/<path> → http://"), "no scheme means http://, and the banner says the rule");
    let reply = request("POST", &format!("{}/webhooks/nexadesk?b=2", relay.url), &HeaderMap::new(), b"{}");
    assert_eq!(reply.status, 200);
    assert_eq!(app.next().uri, "/webhooks/nexadesk?b=2");
    relay.kill();
}

/// README's first recipe, verbatim in spirit: a relay for a provider with no secret
/// set up, a send with neither --to nor a secret, and the app gets a delivery whose
/// signature verifies with the secret the banner printed. (Contract change: `listen
/// --provider P` with no secret used to exit 2; it now makes a development secret.)
#[test]
fn listen_with_no_secret_prints_one_and_send_with_no_to_or_secret_reaches_the_app() {
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(&env, &["--provider", "nexadesk", "--forward-to", &app.url("/hook")], &[]);
    let banner = relay.stderr_text();
    let secret = banner
        .split("your nexadesk signing secret is ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the banner prints the secret: {banner}"))
        .to_string();
    assert_eq!(secret.len(), 64, "hex, as NexaDesk's are: {secret}");
    let kept = env.root.path().join("data/hooktap/dev-secrets/nexadesk.secret");
    assert_eq!(std::fs::read_to_string(&kept).unwrap().trim(), secret);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o600);
    }
    env.cmd().args(["send", "lead.created", "--provider", "nexadesk"]).assert().success();
    let got = app.next();
    assert_eq!(got.uri, "/hook");
    let secret = hooktap::secret::Secret::new(&secret);
    let input = hooktap::provider::VerifyInput {
        headers: &got.headers,
        body: &got.body,
        secret: &secret,
        now: hooktap::util::unix_now(),
        tolerance: None,
    };
    hooktap::provider::lookup("nexadesk").unwrap().verify(&input).expect("signed with the printed secret");
    assert_eq!(got.headers["x-hooktap-signature"], "valid", "the relay verified it with the same secret");
    relay.kill();
    // With no relay running and no --to, send says what it needs.
    env.cmd()
        .args(["send", "lead.created", "--provider", "nexadesk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no relay is running on").and(predicate::str::contains("hooktap listen")));
}

#[test]
fn a_wrongly_signed_delivery_says_its_likely_cause_and_the_command_that_explains_it() {
    let env = Env::new();
    let relay = RelayProcess::start(&env, &["--provider", "nexadesk"], &[]);
    let url = format!("{}/hook", relay.url);
    // Signed with a secret other than the relay's: the sender's console, the relay's line and
    // its 401 answer all name the same cause and the same command.
    let sent = env
        .cmd()
        .args(["send", "lead.created", "--provider", "nexadesk", "--secret", "not-the-relays", "--to", &url])
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&sent.get_output().stdout).into_owned();
    let id = out
        .split("hooktap verify --delivery ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .unwrap_or_else(|| panic!("send's hint names the relay's delivery: {out}"))
        .to_string();
    let clause = "the secret differs from the sender's (or the body was changed)";
    let next = format!("; {clause}; `hooktap verify --delivery {id}` explains");
    assert!(out.contains(&format!("signature check failed: no signature matched (1 tried){next}")), "{out}");
    let line = wait_for("the rejected delivery's line", Duration::from_secs(10), || {
        relay.stdout.lock().unwrap().iter().find(|l| l.contains(&id)).cloned()
    });
    assert!(
        line.contains("sig ✗ rejected")
            && line.ends_with(&format!("answered 401: no signature matched (1 tried){next}")),
        "{line}"
    );
    // The command named explains it at length, from the same diagnosis.
    env.cmd()
        .args(["verify", "--delivery", &id])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("hint: if the body is the exact bytes received, the secret differs"));

    // Another provider's header: the clause names the provider.
    let body = br#"{"a":1}"#;
    let wrong = request("POST", &url, &github_headers("x", body, "g1", "push"), body);
    assert_eq!(wrong.status, 401);
    let text = String::from_utf8_lossy(&wrong.body).into_owned();
    let id = id_of(&wrong);
    assert!(
        text.ends_with(&format!(
            "; it carries another provider's signature header (github); `hooktap verify --delivery {id}` explains\n"
        )),
        "{text}"
    );
}

#[test]
fn json_prints_a_received_record_for_a_queued_delivery_before_its_forward_records() {
    // Regression: a delivery queued for forwarding got only `forward` records, so a script
    // counting `received` records missed every forwarded delivery.
    let env = Env::new();
    let app = Receiver::start(Answer::Status(200, "ok"));
    let relay = RelayProcess::start(&env, &["--json", "--forward-to", &app.url("/hook")], &[]);
    let id = id_of(&request("POST", &format!("{}/one", relay.url), &HeaderMap::new(), b"{}"));
    let lines = wait_for("the received and forward records", Duration::from_secs(10), || {
        let lines: Vec<serde_json::Value> = relay
            .stdout
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(&id))
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (lines.len() == 2).then_some(lines)
    });
    let kinds: Vec<&str> = lines.iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["received", "forward"], "{lines:?}");
    assert_eq!((lines[0]["state"].as_str(), lines[0]["answered"].as_u64()), (Some("pending"), Some(200)));
    assert_eq!(lines[1]["state"], "forwarded");
}
