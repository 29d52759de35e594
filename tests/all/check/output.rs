//! What `check` says outside the verdicts: interrupted runs, `-H` that replaces the
//! scheme's own headers, a profile's tolerance, a custom profile's own body, the
//! selection's usage errors, TLS while developing.

use std::time::Duration;

use predicates::prelude::*;

use super::endpoint::{Endpoint, Flaws};
use super::{Env, SECRET, find};

/// Starts `check ARGS` against a receiver that answers after 5 s, interrupts it after a
/// second, and returns its exit code and stdout.
fn interrupted(args: &[&str]) -> (Option<i32>, String) {
    let endpoint =
        Endpoint::start("nexadesk", SECRET, Flaws { delay: Some(Duration::from_secs(5)), ..Flaws::default() });
    let env = Env::new();
    let child = env
        .std_cmd()
        .args(["check", &endpoint.url(), "--provider", "nexadesk", "--secret", SECRET, "--timeout", "10s"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let ok = std::process::Command::new("kill").args(["-s", "INT", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
    let out = child.wait_with_output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn an_interrupted_run_is_never_ok_in_json_nor_green_in_junit() {
    let (code, stdout) = interrupted(&["--json"]);
    assert_eq!(code, Some(130));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["interrupted"], true);
    assert_eq!(report["summary"]["ok"], false, "{report:#}");
    assert_eq!(find(&report, "burst")["interrupted"], true);
    // https costs nothing, so it is judged even then.
    assert_eq!(find(&report, "https")["result"], "skip");
    assert!(find(&report, "https")["reason"].as_str().unwrap().contains("is local"), "{report:#}");
    let (code, xml) = interrupted(&["--format", "junit"]);
    assert_eq!(code, Some(130));
    assert!(xml.contains("type=\"interrupted\""), "{xml}");
    assert!(!xml.contains("errors=\"0\""), "{xml}");
}

#[test]
fn h_replacing_the_signature_is_warned_about_and_named_when_valid_fails() {
    let endpoint = Endpoint::start("nexadesk", SECRET, Flaws::default());
    let out = Env::new()
        .cmd()
        .args(["--json", "check", &endpoint.url(), "--provider", "nexadesk", "--secret", SECRET])
        .args(["-H", "X-NexaDesk-Signature: sha256=00", "--only", "valid"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("-H x-nexadesk-signature replaces the signature hooktap computes"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let valid = find(&report, "valid")["reason"].as_str().unwrap().to_owned();
    assert!(valid.contains("-H replaced the signature (x-nexadesk-signature)"), "{valid}");
    let out = Env::new()
        .cmd()
        .args(["check", &endpoint.url(), "--provider", "nexadesk", "--secret", SECRET])
        .args(["-H", "Content-Type: text/plain", "--only", "https"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("replaces the content type nexadesk sends"));
}

#[test]
fn stale_timestamp_holds_the_receiver_to_the_profiles_tolerance() {
    let endpoint = Endpoint::start("standard", SECRET, Flaws::default());
    let env = Env::new();
    env.write_user_config(&format!(
        "[profiles.std2]\nprovider = \"standard\"\nsecret = \"{SECRET}\"\ntolerance = 7200\n"
    ));
    let out = env
        .cmd()
        .args(["--json", "check", &endpoint.url(), "--profile", "std2", "--only", "stale-timestamp"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stale = find(&report, "stale-timestamp")["reason"].as_str().unwrap().to_owned();
    assert!(stale.contains("correctly signed 3 h ago and 3 h ahead (tolerance 2 h, the profile's)"), "{stale}");
}

#[test]
fn a_custom_profile_without_a_catalog_is_checked_with_its_own_body() {
    let receiver = crate::common::Receiver::start(crate::common::Answer::Status(200, ""));
    let url = format!("http://{}/hook", receiver.addr);
    let env = Env::new();
    env.write_user_config(
        "[profiles.inhouse]\nprovider = \"custom\"\nsecret = \"s3cret\"\n[profiles.inhouse.scheme]\n\
         header = \"X-Signature\"\nprefix = \"sha256=\"\ntemplate = \"{timestamp}.{body}\"\nencoding = \"hex\"\n\
         algorithm = \"sha256\"\ntimestamp_header = \"X-Timestamp\"\ntolerance = 300\n",
    );
    // Without a body: the hint names a flag check has.
    env.cmd().args(["check", &url, "--profile", "inhouse"]).assert().code(2).stderr(
        predicate::str::contains("no event catalog for custom profile inhouse")
            .and(predicate::str::contains("--data @file")),
    );
    std::fs::write(env.work().join("thing.json"), r#"{"kind":"thing.created","id":1}"#).unwrap();
    let out = env
        .cmd()
        .args(["--json", "check", &url, "--profile", "inhouse", "--data", "@thing.json", "--only", "valid,duplicate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let valid = find(&report, "valid")["reason"].as_str().unwrap().to_owned();
    assert!(valid.contains("within inhouse's 10 s timeout"), "named by the profile: {valid}");
    let first = receiver.requests.recv_timeout(Duration::from_secs(5)).unwrap();
    assert_eq!(&first.body[..], br#"{"kind":"thing.created","id":1}"#);
    assert!(first.headers["x-signature"].to_str().unwrap().starts_with("sha256="));
}

#[test]
fn the_selection_refuses_an_empty_only_and_suggests_only_near_names() {
    let env = Env::new();
    let run = |args: &[&str]| {
        env.cmd().args(["check", "http://127.0.0.1:9/", "--provider", "nexadesk", "--secret", "s"]).args(args).assert()
    };
    run(&["--only", ""]).code(2).stderr(predicate::str::contains("--only names no check"));
    run(&["--only", "bogus"]).code(2).stderr(predicate::str::contains("did you mean").not());
    run(&["--only", "stale"]).code(2).stderr(predicate::str::contains("did you mean stale-timestamp?"));
}
