//! End-to-end tests of `hooktap tail` off a terminal, on the real binary: the line,
//! NDJSON, CSV and HAR forms of a seeded database, filters, following rows another
//! connection inserts, Ctrl-C, and a reader that goes away.

use crate::common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Env;
use hooktap::provider::SignatureState;
use hooktap::store::{NewAttempt, NewDelivery, SentDelivery, Source, State, Store};
use http::HeaderMap;

fn delivery(provider: &str, event: &str, body: &str) -> NewDelivery {
    let mut headers = HeaderMap::new();
    headers.append("host", "127.0.0.1:5757".parse().unwrap());
    headers.append("content-type", "application/json".parse().unwrap());
    headers.append("x-trace", "a".parse().unwrap());
    headers.append("x-trace", "b".parse().unwrap());
    let mut d = NewDelivery::request(Source::Listen, "POST", "/hook", headers, Bytes::from(body.to_owned()));
    d.query = Some("x=1&y=two+words".into());
    d.provider = Some(provider.into());
    d.event = Some(event.into());
    d.signature = SignatureState::Valid;
    d
}

/// Three deliveries: a forwarded github push, a rejected stripe event whose name holds a comma, and a
/// github delivery that died on a 503; returns their ids in that order.
fn seed(env: &Env) -> Vec<String> {
    let mut store = Store::open(&env.db()).unwrap();
    let push = delivery("github", "push", r#"{"ref":"main"}"#);
    let mut odd = delivery("stripe", "charge,\"odd\"", r#"{"id":"evt_1"}"#);
    odd.signature = SignatureState::Invalid;
    odd.signature_reason = Some("no signature matched (1 tried)".into());
    odd.state = State::Rejected;
    let dead = delivery("github", "issues", r#"{"action":"opened"}"#);
    let ids = vec![push.id.clone(), odd.id.clone(), dead.id.clone()];
    let answer = |d: &NewDelivery, status: u16| NewAttempt {
        delivery_id: d.id.clone(),
        kind: "forward",
        target: "http://localhost:3000/hook".into(),
        started_at: d.received_at + 1,
        duration_us: 12_500,
        status: Some(status),
        response_headers: Some(HeaderMap::new()),
        response_body: Some(Bytes::from_static(b"{\"ok\":true}")),
        response_size: 11,
        error: None,
    };
    let (a, c) = (answer(&push, 200), answer(&dead, 503));
    store.insert_sent(&[SentDelivery { delivery: push, attempt: a, state: State::Forwarded }]).unwrap();
    store.insert(&odd).unwrap();
    store.insert_sent(&[SentDelivery { delivery: dead, attempt: c, state: State::Dead }]).unwrap();
    ids
}

fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().arg("tail").args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn no_follow_prints_the_relays_line_for_each_match_and_exits() {
    let env = Env::new();
    let ids = seed(&env);
    let out = stdout(&env, &["--no-follow"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].contains("github") && lines[0].contains("sig ✓ forwarded 200   12.5ms") && lines[0].contains(&ids[0])
    );
    assert!(
        lines[1].contains("sig ✗ rejected") && lines[1].contains("signature invalid: no signature matched"),
        "{out}"
    );
    assert!(lines[2].contains("dead") && lines[2].contains("POST /hook?x=1&y=two+words: HTTP 503"), "{out}");
    assert!(!out.contains('\x1b'), "no colour on a pipe");
    let github = stdout(&env, &["--no-follow", "--provider", "github", "--status", "dead"]);
    assert_eq!(github.lines().count(), 1);
    assert!(github.contains(&ids[2]));
}

#[test]
fn json_records_carry_the_documented_fields() {
    let env = Env::new();
    let ids = seed(&env);
    let out = stdout(&env, &["--format", "json", "--no-follow"]);
    let records: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 3);
    let ids_seen: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids_seen, ids.iter().map(String::as_str).collect::<Vec<_>>());
    let dead = &records[2];
    assert_eq!(dead["state"], "dead");
    assert_eq!(dead["status"], 503);
    assert_eq!(dead["latency_ms"].as_f64(), Some(12.5));
    assert_eq!(dead["failure_reason"], "HTTP 503");
    assert_eq!(dead["attempts"], 1);
    assert_eq!(dead["query"], "x=1&y=two+words");
    assert!(dead["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(records[1]["signature_reason"], "no signature matched (1 tried)");
    // --json means the same on a pipe.
    assert_eq!(stdout(&env, &["--json", "--no-follow", "--last", "1"]).lines().count(), 1);
}

#[test]
fn csv_has_a_header_and_quotes_what_needs_quoting() {
    let env = Env::new();
    let ids = seed(&env);
    let out = stdout(&env, &["--format", "csv", "--no-follow"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "time,id,provider,event,signature,status,response_ms,failure_reason,attempts,state");
    assert!(lines[1].ends_with(&format!("{},github,push,valid,200,12.500,,1,forwarded", ids[0])), "{out}");
    assert!(
        lines[2].ends_with(&format!(
            "{},stripe,\"charge,\"\"odd\"\"\",invalid,,,signature invalid: no signature matched (1 tried),0,rejected",
            ids[1]
        )),
        "a comma and quotes are quoted: {out}"
    );
    assert!(lines[3].ends_with(",github,issues,valid,503,12.500,HTTP 503,1,dead"), "{out}");
}

#[test]
fn har_is_one_har_1_2_document_a_har_reader_accepts() {
    let env = Env::new();
    let ids = seed(&env);
    // --format har implies --no-follow: this returns.
    let out = stdout(&env, &["--format", "har"]);
    let har: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    let log = &har["log"];
    assert_eq!(log["version"], "1.2");
    assert!(log["creator"]["name"].is_string() && log["creator"]["version"].is_string());
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    for e in entries {
        assert!(e["startedDateTime"].as_str().unwrap().contains('T'));
        assert!(e["time"].is_number());
        let req = &e["request"];
        for field in ["method", "url", "httpVersion"] {
            assert!(req[field].is_string(), "request.{field}: {req}");
        }
        for field in ["cookies", "headers", "queryString"] {
            assert!(req[field].is_array(), "request.{field}");
        }
        assert!(req["headersSize"].is_number() && req["bodySize"].is_number());
        let resp = &e["response"];
        assert!(resp["status"].is_number() && resp["statusText"].is_string() && resp["httpVersion"].is_string());
        assert!(resp["cookies"].is_array() && resp["headers"].is_array());
        assert!(resp["content"]["size"].is_number() && resp["content"]["mimeType"].is_string());
        assert!(resp["redirectURL"].is_string() && resp["headersSize"].is_number() && resp["bodySize"].is_number());
        assert!(e["cache"].is_object());
        for t in ["send", "wait", "receive"] {
            assert!(e["timings"][t].as_f64().is_some_and(|v| v >= 0.0), "timings.{t}");
        }
    }
    let first = &entries[0];
    assert_eq!(first["request"]["url"], "http://127.0.0.1:5757/hook?x=1&y=two+words");
    assert_eq!(first["request"]["queryString"][1], serde_json::json!({"name": "y", "value": "two words"}));
    let names: Vec<&str> =
        first["request"]["headers"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["host", "content-type", "x-trace", "x-trace"], "in order, repeats kept");
    assert_eq!(first["request"]["postData"]["text"], r#"{"ref":"main"}"#);
    assert_eq!(first["response"]["status"], 200);
    assert_eq!(first["response"]["content"]["text"], r#"{"ok":true}"#);
    assert_eq!(first["_hooktap"]["id"], ids[0].as_str());
    assert_eq!(entries[1]["response"]["status"], 0, "not forwarded: no response");
}

#[test]
fn following_prints_rows_another_connection_stores_and_ctrl_c_exits_130() {
    let env = Env::new();
    seed(&env);
    let mut child = env
        .std_cmd()
        .args(["tail", "--format", "json", "--provider", "github"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next_line =
        |what: &str| rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("waiting for {what}"));
    let first: Vec<serde_json::Value> =
        (0..2).map(|_| serde_json::from_str(&next_line("the seeded rows")).unwrap()).collect();
    assert!(first.iter().all(|r| r["provider"] == "github"));
    // Another connection stores two more: one that matches, one that does not.
    let mut store = Store::open(&env.db()).unwrap();
    let other = delivery("stripe", "x", "{}");
    let wanted = delivery("github", "ping", "{}");
    store.insert(&other).unwrap();
    store.insert(&wanted).unwrap();
    let record: serde_json::Value = serde_json::from_str(&next_line("the new row")).unwrap();
    assert_eq!(record["id"], wanted.id.as_str(), "only the match, and nothing twice");
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err(), "nothing else");
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "tail did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
}

#[test]
fn a_reader_that_goes_away_ends_tail_quietly_with_success() {
    let env = Env::new();
    let mut store = Store::open(&env.db()).unwrap();
    let many: Vec<NewDelivery> = (0..3000).map(|i| delivery("github", &format!("event-{i}"), "{}")).collect();
    store.insert_batch(&many).unwrap();
    // Following: only a write can find out that the reader left, and 3,000 lines overflow the pipe.
    let mut child =
        env.std_cmd().args(["tail", "--format", "line"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "tail kept running after its reader left");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn no_follow_without_a_database_is_a_usage_error() {
    let env = Env::new();
    let out = env.cmd().args(["tail", "--no-follow"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no database at") && err.contains("hooktap listen"), "{err}");
    assert!(!env.db().exists(), "nothing created");
}

/// Waits up to 20 s for `child` to exit.
fn exit_of(child: &mut std::process::Child, what: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_idle_follow_ends_when_its_reader_goes_away() {
    let env = Env::new();
    seed(&env);
    // `hooktap tail | head -1`: the reader leaves while nothing new arrives, so no write
    // will ever find out; tail has to notice on its own.
    let mut child = env
        .std_cmd()
        .args(["tail", "--format", "json", "--last", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with('{'), "{line}");
    drop(out);
    let status = exit_of(&mut child, "an idle tail kept running after its reader left");
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));
}

#[test]
fn following_a_database_not_there_yet_waits_for_it_without_creating_it() {
    let env = Env::new();
    let mut child =
        env.std_cmd().args(["tail", "--format", "json"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut note = String::new();
    err.read_line(&mut note).unwrap();
    assert!(note.contains("no database at") && note.contains("waiting") && note.contains("--db"), "{note}");
    assert!(!env.db().exists(), "tail made a database where it was only asked to read one");
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    // The relay makes it and stores a delivery: tail picks both up.
    let mut store = Store::open(&env.db()).unwrap();
    let first = delivery("github", "ping", "{}");
    store.insert(&first).unwrap();
    let Ok(line) = rx.recv_timeout(Duration::from_secs(20)) else {
        let _ = child.kill();
        let mut rest = String::new();
        err.read_to_string(&mut rest).unwrap();
        panic!("no record for the first delivery; tail said: {rest}");
    };
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["id"], first.id.as_str());
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert_eq!(exit_of(&mut child, "tail did not stop on SIGINT").code(), Some(130));
}
