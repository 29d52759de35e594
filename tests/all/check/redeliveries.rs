//! The retry simulation: redeliveries that look like the provider's (counters,
//! retry headers, fresh timestamps), a default speed that keeps any schedule to
//! seconds, and reasons that say what happened.

use std::time::{Duration, Instant};

use super::endpoint::{Endpoint, Flaws};
use super::{SECRET, check, find};

#[test]
fn nudj_redeliveries_count_their_retries_in_the_envelope() {
    let endpoint = Endpoint::start("nudj", SECRET, Flaws::default());
    let args = ["--only", "retries", "--inject-failures", "2", "--time-scale", "100000x"];
    let (code, report) = check(&endpoint.url(), "nudj", &args);
    assert_eq!(code, 0, "{report:#}");
    let requests = endpoint.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    let bodies: Vec<serde_json::Value> = requests.iter().map(|(_, b)| serde_json::from_slice(b).unwrap()).collect();
    let counts: Vec<&serde_json::Value> = bodies.iter().map(|b| &b["metadata"]["retryCount"]).collect();
    assert_eq!(counts, [0, 1, 2].map(serde_json::Value::from).iter().collect::<Vec<_>>());
    assert!(bodies.iter().all(|b| b["id"] == bodies[0]["id"]), "one delivery, one id");
}

#[test]
fn slack_redeliveries_carry_retry_headers_and_fresh_signatures() {
    let endpoint = Endpoint::start("slack", SECRET, Flaws::default());
    let args = ["--event", "app_mention", "--only", "retries", "--inject-failures", "2", "--time-scale", "100000x"];
    let (code, report) = check(&endpoint.url(), "slack", &args);
    assert_eq!(code, 0, "{report:#}");
    let requests = endpoint.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    let header = |i: usize, name: &str| requests[i].0.get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(header(0, "x-slack-retry-num"), None, "the first attempt is no retry");
    assert_eq!(header(1, "x-slack-retry-num").as_deref(), Some("1"));
    assert_eq!(header(2, "x-slack-retry-num").as_deref(), Some("2"));
    assert_eq!(header(2, "x-slack-retry-reason").as_deref(), Some("http_timeout"));
    let stamps: Vec<i64> = (0..3).map(|i| header(i, "x-slack-request-timestamp").unwrap().parse().unwrap()).collect();
    assert!(stamps.windows(2).all(|w| w[0] < w[1]), "each attempt signed afresh: {stamps:?}");
    assert!(*stamps.last().unwrap() <= hooktap::util::unix_now(), "never from the future");
    let signatures: std::collections::HashSet<_> = (0..3).map(|i| header(i, "x-slack-signature")).collect();
    assert_eq!(signatures.len(), 3);
}

#[test]
fn the_default_speed_fits_a_day_long_schedule_into_seconds_and_says_so_first() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws { always: Some(500), ..Flaws::default() });
    let started = Instant::now();
    let out = super::Env::new()
        .cmd()
        .args(["--json", "check", &endpoint.url(), "--provider", "nexadesk", "--secret", SECRET])
        .args(["--simulate-retries", "--only", "retries"])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("retries: simulating nexadesk's schedule (6 attempts over 26.6 h) at 19152x"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(find(&report, "retries")["exchanges"].as_array().unwrap().len(), 6, "the whole schedule ran");
}

#[test]
fn an_unreachable_endpoint_ends_the_simulation_at_once() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let (code, report) = check(&url, "standard", &["--only", "retries"]);
    assert_eq!(code, 1);
    let retries = find(&report, "retries");
    assert_eq!(retries["exchanges"].as_array().unwrap().len(), 1, "{retries}");
    assert!(retries["reason"].as_str().unwrap().starts_with("could not connect"), "{retries}");
}
